import Testing
@testable import DropTopCore

/// Issue 14: tiered socket reads, what each mode reads, the fixed cadence, the incident log.
struct FreshnessCoreTests {
    @Test func deadlinesAreAbsoluteAndMissedSlotsAreSkipped() {
        var c = Cadence(interval: 0.5, start: 100)
        #expect(c.next(after: 100.01) == 100.5)          // a sample that took 10 ms does not shift the next
        #expect(c.next(after: 100.52) == 101.0)
        #expect(c.next(after: 102.3) == 102.5)           // 101.5 and 102.0 were missed: skipped, not sampled late
        #expect(c.next(after: 102.51) == 103.0)
    }

    @Test func batchGroupsNeedOnlyTheirSources() {
        #expect(SampleNeeds(groups: [.dev]).isEmpty)
        #expect(SampleNeeds(groups: [.dev, .edev]).isEmpty)
        #expect(SampleNeeds(groups: [.soft, .irq]) == .cpu)
        #expect(SampleNeeds(groups: [.tcp, .etcp, .udp, .ip]) == .protocols)
        let sock = SampleNeeds(groups: [.sock])
        #expect(sock.isSuperset(of: [.sockstat, .listeners, .tcpTables]) && !sock.contains(.dropReasons))
        #expect(SampleNeeds(groups: [.drop]) == .dropReasons)
    }

    @Test func aSamplerReadsNothingNoOutputNeeds() {
        let sampler = fixtureSampler("server64")
        sampler.needs = []
        let s = sampler.sample()
        #expect(!s.interfaces.isEmpty)
        #expect(s.tcp == nil && s.udp == nil && s.sockstat == nil && s.protocols == nil)
        #expect(s.softirqs == nil && s.softnet == nil && s.networkIRQs == nil && s.errors.isEmpty)
    }

    /// A source with a cheap LISTEN dump: the listeners are fresh every sample while the walk is reused.
    final class FakeSource: SocketTableSource {
        var walks = 0, listenerReads = 0
        var listening: [Listener] = [Listener(address: "0.0.0.0", port: 80, acceptQueue: 0, backlog: 128)]
        func tcpSummary(includeIPv6: Bool) -> (TCPSummary?, [SourceError]) {
            walks += 1
            var summary = TCPSummary(states: .init(uniqueKeysWithValues: tcpStateNames.map { ($0, UInt64(0)) }), listeners: listening,
                                     peers: [], retransmittingPeers: [], timeWaitPeers: [], closeWaitPorts: [],
                                     sockets: 500 + UInt64(listening.count), retransmittingSockets: 0)
            summary.states[TCPState.established.name] = 500
            summary.states[TCPState.listen.name] = UInt64(listening.count)
            return (summary, [])
        }
        func udpSummary(includeIPv6: Bool) -> (UDPSummary?, [SourceError]) { (UDPSummary(sockets: 1, busySockets: []), []) }
        func listeners(includeIPv6: Bool) -> ([Listener], [SourceError])? { listenerReads += 1; return (listening, []) }
    }

    @Test func listenersAreFreshWhileTheWalkIsReusedUnderItsBudget() {
        let sampler = fixtureSampler("server64")
        let fake = FakeSource()
        sampler.socketSource = fake
        sampler.socketTableBudget = 1e-9
        let a = sampler.sample()
        fake.listening.append(Listener(address: "127.0.0.1", port: 8080, acceptQueue: 3, backlog: 1))
        let b = sampler.sample()
        #expect(fake.walks == 1)
        #expect(b.socketTablesSeconds == a.socketTablesSeconds && b.tcpListenersSeconds == b.monotonicSeconds)
        #expect(b.tcp?.listeners.map(\.port) == [80, 8080])
        #expect(b.tcp?.states[TCPState.listen.name] == 2 && b.tcp?.sockets == 502)
        #expect(b.tcp?.states[TCPState.established.name] == 500)
        let doc = JSONReport.document(Report(previous: a, current: b))
        #expect(doc.serialized().contains("\"listeners_age_seconds\":0"))
        sampler.readSocketTablesNow()
        _ = sampler.sample()
        #expect(fake.walks == 2)
    }

    func finding(_ value: Double) -> Finding {
        Finding(id: "tcp-listen-overflow", severity: .critical, layer: .application, title: "TCP accept queue full on port 80",
                item: "port 80", evidence: [Evidence(name: "TcpExt.ListenOverflows", value: value, unit: "per_s", item: nil)],
                explanation: "", hint: "", hostWide: false)
    }

    func report(at t: Double, _ findings: [Finding]) -> Report {
        var r = Report(previous: Sample(monotonicSeconds: t - 1, wallSeconds: 1000 + t - 1, host: HostInfo(hostname: "h", kernel: "k")),
                       current: Sample(monotonicSeconds: t, wallSeconds: 1000 + t, host: HostInfo(hostname: "h", kernel: "k")))
        r.findings = findings
        return r
    }

    @Test func anIncidentOutlivesItsCountersWithItsPeak() {
        let log = IncidentLog()
        for (t, v) in [(1.0, 5.0), (2, 40), (3, 10)] { var r = report(at: t, [finding(v)]); log.update(&r) }
        var last = report(at: 13, [])
        for t in 4...13 { last = report(at: Double(t), []); log.update(&last) }
        let incident = try? #require(last.incidents.first)
        #expect(last.incidents.count == 1 && incident?.active == false)
        #expect(incident?.firstSeen == 1001 && incident?.lastSeen == 1003 && incident?.peak == 40)
        #expect(incident?.total == 55)
        var again = report(at: 14, [finding(2)])
        log.update(&again)
        #expect(again.findings[0].firstSeen == 1001 && again.findings[0].lastSeen == 1014 && again.findings[0].peak == 40)
        log.dismissEnded()
        #expect(log.incidents.count == 1)       // active again: not dismissed
        var gone = report(at: 15, [])
        log.update(&gone)
        log.dismissEnded()
        #expect(log.incidents.isEmpty)
    }
}
