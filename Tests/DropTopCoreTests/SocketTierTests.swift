import Testing
@testable import DropTopCore

/// Issue 14: which socket read runs when (the walk, the dump filtered by state, the counts), and
/// how old each TCP figure says it is.
@Suite struct SocketTierTests {
    /// A walk of 500 ESTABLISHED, 10 CLOSE_WAIT, 30 TIME_WAIT, 10 FIN_WAIT2 minisockets and 2
    /// listeners; the filtered dump reports `closeWait` CLOSE_WAIT sockets.
    final class FakeTables: SocketTableSource, TransientStateSource {
        var walks = 0, stateReads = 0
        var closeWait: UInt64 = 10
        var canReadStates = true
        func tcpSummary(includeIPv6: Bool) -> (TCPSummary?, [SourceError]) {
            walks += 1
            var summary = TCPSummary(states: .init(uniqueKeysWithValues: tcpStateNames.map { ($0, UInt64(0)) }), listeners: [],
                                     peers: [PeerCount(address: "10.0.0.1", connections: 500, retransmitting: 0, timeWait: 30)],
                                     retransmittingPeers: [], timeWaitPeers: [], closeWaitPorts: [], sockets: 552,
                                     retransmittingSockets: 0)
            for (state, count) in [(TCPState.established, 500), (.closeWait, 10), (.timeWait, 30), (.finWait2, 10), (.listen, 2)] {
                summary.states[state.name] = UInt64(count)
            }
            return (summary, [])
        }
        func udpSummary(includeIPv6: Bool) -> (UDPSummary?, [SourceError]) { (nil, []) }
        func transientStates(includeIPv6: Bool) -> (TCPTransientStates, [SourceError])? {
            guard canReadStates else { return nil }
            stateReads += 1
            var states = Dictionary(uniqueKeysWithValues: TCPTransientStates.names.map { ($0, UInt64(0)) })
            states[TCPState.closeWait.name] = closeWait
            states[TCPState.finWait2.name] = 10
            return (TCPTransientStates(states: states, closeWaitPorts: [PortCount(port: 8080, count: closeWait)],
                                       finWait2Minisockets: 10), [])
        }
    }

    /// A sample at `t` whose counts say `currEstab` (ESTABLISHED + CLOSE_WAIT) and `tw` (TIME_WAIT +
    /// FIN_WAIT2 minisockets).
    func sample(_ t: Double, currEstab: Int64 = 510, tw: UInt64 = 40) -> Sample {
        var s = Sample(monotonicSeconds: t, wallSeconds: 1000 + t, host: HostInfo(hostname: "h", kernel: "k"))
        s.sockstat = ["TCP": ["inuse": UInt64(currEstab) + 12, "orphan": 0, "tw": tw, "alloc": UInt64(currEstab) + 12]]
        var tcp = ProtocolSection()
        tcp.gauges["CurrEstab"] = currEstab
        s.protocols = ["Tcp": tcp]
        return s
    }

    func read(_ tiers: SocketTiers, _ s: Sample) -> Sample {
        var s = s, errors: [SourceError] = []
        tiers.read(into: &s, needs: .all, includeIPv6: true, errors: &errors)
        return s
    }

    func state(_ s: Sample, _ state: TCPState) -> UInt64? { s.tcp?.states[state.name] }

    @Test func theTransientStatesAreReadBetweenWalksWhenTheCountsMove() {
        let fake = FakeTables(), tiers = SocketTiers(source: fake)
        tiers.budget = 1e-9             // the first walk is never paid back: no second walk
        tiers.statesBudget = 1e9        // a filtered dump is paid back at once
        let a = read(tiers, sample(0))
        #expect(fake.walks == 1 && fake.stateReads == 0 && a.tcpStateSeconds == nil)
        #expect(state(a, .established) == 500 && state(a, .timeWait) == 30)
        // Counts still: no dump; ESTABLISHED and TIME_WAIT from this sample's counts, the rest from the walk.
        let b = read(tiers, sample(1))
        #expect(fake.walks == 1 && fake.stateReads == 0)
        #expect(state(b, .established) == 500 && state(b, .timeWait) == 30 && state(b, .closeWait) == 10)
        #expect(b.tcpStateAge(TCPState.established.name) == 0 && b.tcpStateAge(TCPState.timeWait.name) == 0)
        #expect(b.tcpStateAge(TCPState.closeWait.name) == 1 && b.tcpStateAge(TCPState.synSent.name) == 1)
        // Five connections go to CLOSE_WAIT: CurrEstab holds them, the dump finds them.
        fake.closeWait = 15
        let c = read(tiers, sample(2, currEstab: 515))
        #expect(fake.walks == 1 && fake.stateReads == 1)
        #expect(state(c, .closeWait) == 15 && state(c, .established) == 500 && c.tcp?.closeWaitPorts.first?.count == 15)
        #expect(c.tcpStateAge(TCPState.closeWait.name) == 0 && c.socketTablesSeconds == 0)
        #expect(c.tcp?.peers.first?.connections == 500)          // the per-peer tables stay the walk's
        #expect(c.tcp?.sockets == 557)
        // Counts still again: the dump is reused until it is statesMaxAge (5 s) old.
        let d = read(tiers, sample(6.5, currEstab: 515))
        #expect(fake.stateReads == 1 && d.tcpStateAge(TCPState.closeWait.name) == 4.5)
        _ = read(tiers, sample(7.5, currEstab: 515))
        #expect(fake.stateReads == 2 && fake.walks == 1)
        tiers.invalidate()
        let e = read(tiers, sample(8, currEstab: 515))
        #expect(fake.walks == 2 && e.tcpStateSeconds == nil)
    }

    @Test func theDumpWaitsForItsBudgetEvenWhenTheCountsMove() {
        let fake = FakeTables(), tiers = SocketTiers(source: fake)
        tiers.budget = 1e-9
        tiers.statesBudget = 1e-9
        _ = read(tiers, sample(0))
        _ = read(tiers, sample(1, currEstab: 511))
        #expect(fake.stateReads == 1)
        let c = read(tiers, sample(2, currEstab: 520))
        #expect(fake.stateReads == 1 && c.tcpStateAge(TCPState.closeWait.name) == 1)
        #expect(state(c, .established) == 510)                   // 520 less the CLOSE_WAIT of the last dump
    }

    @Test func aLiveHistogramIsReadEverySample() {
        let fake = FakeTables(), live = FakeTables(), tiers = SocketTiers(source: fake)
        tiers.budget = 1e-9
        tiers.statesBudget = 1e-9
        tiers.liveStates = live
        for t in 0...3 { _ = read(tiers, sample(Double(t))) }
        #expect(live.stateReads == 3 && fake.stateReads == 0 && fake.walks == 1)
    }

    @Test func withoutAFilteredDumpEveryStateIsAsOldAsTheWalk() {
        let fake = FakeTables(), tiers = SocketTiers(source: fake)
        fake.canReadStates = false       // the /proc files, or netlink given up
        tiers.budget = 1e-9
        _ = read(tiers, sample(0))
        let b = read(tiers, sample(1, currEstab: 600, tw: 90))
        #expect(b.tcpStateSeconds == nil && state(b, .established) == 500 && state(b, .timeWait) == 30)
        #expect(b.tcpStateAge(TCPState.established.name) == 1)
    }

    @Test func theJSONSaysHowOldEachStateIs() throws {
        let fake = FakeTables(), tiers = SocketTiers(source: fake)
        tiers.budget = 1e-9
        tiers.statesBudget = 1e-9
        let a = read(tiers, sample(0)), b = read(tiers, sample(2))
        let text = JSONReport.document(Report(previous: a, current: b)).serialized()
        #expect(text.contains("\"state_ages_seconds\":{\"ESTABLISHED\":0,\"SYN_SENT\":2,"))
        #expect(text.contains("\"states_age_seconds\":2") && text.contains("\"walk_age_seconds\":2"))
        // Only the states read again have a change.
        let r = Report(previous: a, current: b)
        #expect(r.tcpStateChanges?[TCPState.established.name] == 0 && r.tcpStateChanges?[TCPState.closeWait.name] == nil)
    }
}

/// Batch says which figures of a group are older than the interval, one AGE line per age.
@Suite struct BatchAgeLineTests {
    @Test func theSockGroupNamesItsOlderColumnsAndTheirAge() {
        let fake = SocketTierTests.FakeTables(), tiers = SocketTiers(source: fake)
        tiers.budget = 1e-9
        tiers.statesBudget = 1e-9
        let t = SocketTierTests()
        let a = t.read(tiers, t.sample(0)), b = t.read(tiers, t.sample(2.5))
        let lines = TextReport.ageLines(.sock, Report(previous: a, current: b), time: "12:00:05")
        #expect(lines == "12:00:05   AGE SOCK synrecv,closewait,listen 2.50\n")
        // estab is from this interval's counts; nothing is older after a walk.
        #expect(TextReport.ageLines(.sock, Report(previous: nil, current: a), time: "12:00:05").isEmpty)
    }
}
