import Testing
@testable import DropTopCore

/// An idle namespace's report reuses the last findings and rendered counters (QuietNamespace,
/// RenderMemo); one that moves after being idle gets fresh rates and findings.
struct QuietNamespaceTests {
    /// Protocol counters as ProtocolGate hands them out: the same value while the namespace is idle.
    func protocols(udpErrors: UInt64) -> ProtocolCounters {
        var section = ProtocolSection()
        section.counters = ["InDatagrams": 1_000, CounterID.udpInErrors.name: udpErrors, "NoPorts": 0]
        return [CounterID.udpInErrors.section: section]
    }

    func sample(at t: Double, drops: UInt64, protocols: ProtocolCounters, closeWait: UInt64 = 60) -> Sample {
        var s = Sample(monotonicSeconds: t, wallSeconds: 1_700_000_000 + t, host: HostInfo(hostname: "h", kernel: "k"))
        var inner = Sample(monotonicSeconds: t, wallSeconds: s.wallSeconds, host: s.host)
        var values = [UInt64](repeating: 0, count: 16)
        values[1] = 5_000 + drops * 10   // rx_packets
        values[3] = drops                 // rx_drop
        inner.interfaces = [InterfaceSample(name: "eth0", counters: NetDevCounters(values: values))]
        inner.protocols = protocols
        // A gauge finding that holds while the namespace is idle: sockets left in CLOSE_WAIT.
        inner.tcp = TCPSummary(states: [TCPState.closeWait.name: closeWait], listeners: [], peers: [], retransmittingPeers: [],
                               timeWaitPeers: [], closeWaitPorts: [], sockets: closeWait, retransmittingSockets: 0)
        inner.udp = UDPSummary(sockets: 1, busySockets: [UDPSocket(address: "0.0.0.0", port: 53, rxQueue: 0, drops: 2, inode: 99)])
        s.namespaces = [NamespaceSample(inode: 7, identity: NamespaceIdentity(kind: "named", name: "ns7"), sample: inner)]
        return s
    }

    @Test func anIdleNamespaceReusesItsFindingsAndOneThatMovesGetsFreshOnes() throws {
        let idle = protocols(udpErrors: 10), moved = protocols(udpErrors: 60)
        let samples = [
            sample(at: 0, drops: 0, protocols: idle), sample(at: 1, drops: 0, protocols: idle),
            sample(at: 2, drops: 0, protocols: idle), sample(at: 3, drops: 0, protocols: idle),
            sample(at: 4, drops: 900, protocols: moved),                                // moves: 900 drops/s, 50 errors/s
            sample(at: 5, drops: 900, protocols: moved), sample(at: 6, drops: 900, protocols: moved),
            sample(at: 7, drops: 900, protocols: moved, closeWait: 3),                  // a gauge moves alone
        ]
        let pipeline = Pipeline(ReplaySampleSource(samples))
        var reports: [NamespaceReport] = []
        while let r = pipeline.next() { reports.append(try #require(r.namespaces.first)) }
        #expect(reports.count == 8)
        // Every report, reused or not, is the one built afresh.
        for (i, n) in reports.enumerated() {
            let fresh = Report(previous: i == 0 ? nil : samples[i - 1].namespaces?[0].sample, current: samples[i].namespaces![0].sample)
            let r = n.report
            #expect(r.intervalSeconds == fresh.intervalSeconds && r.sample.monotonicSeconds == Double(i))
            #expect(r.interfaces.map(\.rates) == fresh.interfaces.map(\.rates))
            #expect(r.protocolRates == fresh.protocolRates && r.retransPercent == fresh.retransPercent)
            #expect(r.tcpStateChanges == fresh.tcpStateChanges && r.udpDropRates == fresh.udpDropRates)
        }
        func errors(_ n: NamespaceReport) -> Double? { n.report.rate(.udpInErrors) }
        func ids(_ n: NamespaceReport) -> [String] { n.report.findings.map(\.id).sorted() }
        let closeWait = FindingKind.tcpCloseWait.id

        // Idle: rates exactly 0, the CLOSE_WAIT finding kept with its start, one memo carried along.
        #expect(errors(reports[0]) == nil && reports[0].quietMemo == nil)
        for n in reports[1...3] {
            #expect(errors(n) == 0 && n.report.interfaces[0].rates[3] == 0)
            #expect(ids(n) == [closeWait])
            #expect(n.report.findings.first?.since == 1_700_000_001 && n.report.findings.first?.netns?.inode == 7)
        }
        #expect(reports[1].quietMemo != nil && reports[1].quietMemo === reports[3].quietMemo)

        // Moves: fresh rates and findings, no memo.
        #expect(errors(reports[4]) == 50 && reports[4].report.interfaces[0].rates[3] == 900)
        #expect(ids(reports[4]).contains(closeWait) && ids(reports[4]).count > 1)
        #expect(reports[4].quietMemo == nil)

        // Idle again: rates 0 and only the gauge finding, evaluated again once, then kept; a new memo.
        for n in reports[5...6] {
            #expect(errors(n) == 0 && n.report.interfaces[0].rates[3] == 0)
            #expect(ids(n) == [closeWait] && n.report.findings.first?.since == 1_700_000_001)
        }
        #expect(reports[5].quietMemo != nil && reports[5].quietMemo !== reports[3].quietMemo)
        #expect(reports[6].quietMemo === reports[5].quietMemo)

        // A gauge that moves without any counter: the rules run again and the finding ends.
        #expect(ids(reports[7]).isEmpty && reports[7].quietMemo == nil)
    }

    @Test func anIdleNamespaceWhoseDropReasonsMoveIsTriagedAgain() throws {
        let idle = protocols(udpErrors: 10)
        let samples = [0, 0, 0, 100].enumerated().map { t, dropped in
            var s = sample(at: Double(t), drops: 0, protocols: idle)
            let totals = [DropReasonTotal(reason: "NETFILTER_DROP", total: UInt64(dropped))]
            s.namespaces?[0].sample.dropReasons = DropReasonSample(available: true, note: nil, totals: totals, namespaceInode: 7)
            return s
        }
        let pipeline = Pipeline(ReplaySampleSource(samples))
        var reports: [NamespaceReport] = []
        while let r = pipeline.next() { reports.append(try #require(r.namespaces.first)) }
        #expect(reports[2].quietMemo != nil && reports[2].report.dropReasons.first?.perSecond == 0)
        #expect(reports[3].quietMemo == nil && reports[3].report.dropReasons.first?.perSecond == 100)
        let finding = try #require(reports[3].report.findings.first { $0.id == FindingKind.kernelDropReason.id })
        #expect(finding.item == "NETFILTER_DROP" && finding.netns?.inode == 7 && !finding.hostWide)
    }

    @Test func keptJSONIsWhatAFreshRenderingGives() throws {
        let idle = protocols(udpErrors: 10)
        let pipeline = Pipeline(ReplaySampleSource((0..<4).map { sample(at: Double($0), drops: 0, protocols: idle) }))
        var last: NamespaceReport?
        while let r = pipeline.next() {
            last = r.namespaces.first
            _ = JSONReport.document(r).serialized()   // fills the memo from the second report on
        }
        var quiet = try #require(last)
        #expect(quiet.quietMemo != nil)
        let kept = NamespaceJSON.namespace(quiet).serialized()
        quiet.quietMemo = nil
        #expect(kept == NamespaceJSON.namespace(quiet).serialized())
        #expect(kept.contains("\"\(CounterID.udpInErrors.name)\":0"))
        // Pretty output does not use the compact text.
        quiet.quietMemo = RenderMemo()
        #expect(NamespaceJSON.namespace(quiet).serialized(pretty: true).contains("\n"))
    }

    /// Counts the UDP reads; each gives the drops it is told.
    final class CountingTables: SocketTableSource {
        var udpReads = 0, drops: UInt64 = 0
        func tcpSummary(includeIPv6: Bool) -> (TCPSummary?, [SourceError]) { (nil, []) }
        func udpSummary(includeIPv6: Bool) -> (UDPSummary?, [SourceError]) {
            udpReads += 1
            let socket = UDPSocket(address: "0.0.0.0", port: 53, rxQueue: 0, drops: drops, inode: 99)
            return (UDPSummary(sockets: 1, busySockets: [socket]), [])
        }
    }

    @Test func anIdleNamespaceKeepsItsUDPTableUntilAPacketMoves() {
        let gate = ProtocolGate(), inner = CountingTables()
        let tables = BudgetedSocketTables(inner, budget: SharedSocketBudget(share: 1), gate: gate)
        func read(at t: Double, packets: UInt64) -> UInt64? {
            var s = Sample(monotonicSeconds: t, wallSeconds: t, host: HostInfo(hostname: "h", kernel: "k"))
            var values = [UInt64](repeating: 0, count: 16)
            values[1] = packets
            s.interfaces = [InterfaceSample(name: "lo", counters: NetDevCounters(values: values))]
            if gate.reuse(s) == nil { gate.remember(s) }
            _ = tables.tcpSummary(includeIPv6: false)
            return tables.udpSummary(includeIPv6: false).0?.busySockets.first?.drops
        }
        #expect(read(at: 0, packets: 10) == 0 && inner.udpReads == 1)
        #expect(read(at: 1, packets: 10) == 0 && read(at: 2, packets: 10) == 0 && inner.udpReads == 1)
        inner.drops = 4
        #expect(read(at: 3, packets: 14) == 4 && inner.udpReads == 2)    // packets moved: read again
        #expect(read(at: 4, packets: 14) == 4 && inner.udpReads == 2)
        #expect(read(at: 20, packets: 14) == 4 && inner.udpReads == 3)   // the gate's counters are too old: read again
    }

    @Test func aNamespaceWithoutTCPSocketsIsNotWalkedAgain() {
        final class Walks: SocketTableSource {
            var count = 0
            func tcpSummary(includeIPv6: Bool) -> (TCPSummary?, [SourceError]) {
                count += 1
                return (TCPSummary(states: [:], listeners: [], peers: [], retransmittingPeers: [], timeWaitPeers: [],
                                   closeWaitPorts: [], sockets: 0, retransmittingSockets: 0), [])
            }
            func udpSummary(includeIPv6: Bool) -> (UDPSummary?, [SourceError]) { (nil, []) }
        }
        let walks = Walks()
        let tiers = SocketTiers(source: walks)
        tiers.budget = 1
        tiers.maxAge = 30
        func read(at t: Double, inUse: UInt64, hostAlloc: UInt64) -> Double? {
            var s = Sample(monotonicSeconds: t, wallSeconds: t, host: HostInfo(hostname: "h", kernel: "k"))
            s.sockstat = ["TCP": ["inuse": inUse, "orphan": hostAlloc, "tw": 0, "alloc": hostAlloc], "TCP6": ["inuse": 0]]
            var tcp = ProtocolSection()
            tcp.gauges = ["CurrEstab": 0]
            s.protocols = ["Tcp": tcp]
            var errors: [SourceError] = []
            tiers.read(into: &s, needs: [.tcpTables], includeIPv6: true, errors: &errors)
            return s.socketTablesSeconds
        }
        #expect(read(at: 0, inUse: 0, hostAlloc: 5) == 0 && walks.count == 1)
        // The host's sockets come and go; this namespace still has none: the walk of t=0 stands.
        #expect(read(at: 100, inUse: 0, hostAlloc: 900) == 0 && walks.count == 1)
        #expect(read(at: 101, inUse: 1, hostAlloc: 900) == 101 && walks.count == 2)   // one of its own
        #expect(read(at: 102, inUse: 1, hostAlloc: 5) == 101 && walks.count == 2)
        #expect(read(at: 140, inUse: 1, hostAlloc: 5) == 140 && walks.count == 3)     // older than maxAge
    }
}
