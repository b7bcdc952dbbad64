import Testing
@testable import DropTopCore

/// Precision of the drop-counter rules: each fires on its own counters, names them, and stays
/// quiet on an idle host and on other rules' counters.
@Suite struct DropRuleTests {
    @Test func anIdleHostWithEveryCounterHasNoFindings() {
        #expect(TriageRules.evaluate(dropReport([:])).isEmpty)
    }

    /// Moving one drop counter alone gives exactly one finding: never a second, wrong cause.
    @Test(arguments: CounterCatalog.drops.map(\.id))
    func oneDropCounterOneFinding(_ id: CounterID) {
        let found = findingsWhenAlone(id)
        #expect(Set(found.map(\.id)).count == 1, "\(id): \(found.map(\.id))")
    }

    @Test(arguments: TriageRules.counterRules.indices)
    func eachCounterRuleFiresOnEachOfItsCounters(_ index: Int) {
        let rule = TriageRules.counterRules[index]
        for id in rule.counters {
            let f = findingsWhenAlone(id).first { $0.id == rule.kind.id }
            #expect(f != nil, "\(rule.kind.id) on \(id)")
            #expect(f?.title.contains(id.description) == true, "\(f?.title ?? "")")
            #expect(f?.layer == rule.kind.layer)
        }
    }

    /// Half an event per second: under errorRate, quiet; single-event rules fire.
    @Test func thresholdsSeparateRatesFromSingleEvents() {
        let slow: (CounterID) -> [String] = { TriageRules.evaluate(dropReport([$0: 1], seconds: 2)).map(\.id) }
        #expect(slow(.ipInHdrErrors).isEmpty)
        #expect(slow(.tcpPAWSEstab).isEmpty)
        #expect(slow(.mptcpDataCsumErr).isEmpty)
        #expect(slow(.tcpAbortOnMemory) == ["tcp-memory-pressure"])
        #expect(slow(.tcpMD5Failure) == ["tcp-auth-failures"])
        #expect(slow(.udp6MemErrors) == ["udp-memory-errors"])
    }

    @Test func ipHeaderErrorsShowTTLExpiryAsContext() throws {
        let r = dropReport([.ipInHdrErrors: 50, .icmpOutTimeExcds: 50])
        let f = try #require(TriageRules.evaluate(r).first)
        #expect(f.id == "ip-header-errors" && f.title.contains("Ip.InHdrErrors"))
        #expect(f.evidence.map(\.name) == ["Ip.InHdrErrors", "Icmp.OutTimeExcds"])
        // Icmp.OutTimeExcds alone is no loss here.
        #expect(TriageRules.evaluate(dropReport([.icmpOutTimeExcds: 50])).isEmpty)
    }

    @Test func reassemblyHintShowsItsSettings() throws {
        let r = dropReport([.ipReasmFails: 10, .ipReasmTimeout: 10], sysctl: ["net.ipv4.ipfrag_high_thresh": "4194304"])
        let f = try #require(TriageRules.evaluate(r).first)
        #expect(f.id == "ip-reassembly-failures" && f.evidence.count == 2)
        #expect(f.hint.contains("net.ipv4.ipfrag_high_thresh = 4194304") && f.hint.contains("net.ipv4.ipfrag_time = unknown"))
    }

    @Test func tcpMemoryPressureIsCriticalOnlyWhenConnectionsAbort() {
        #expect(findingsWhenAlone(.tcpMemoryPressures, 1).map(\.severity) == [.warning])
        #expect(findingsWhenAlone(.tcpAbortOnMemory, 1).map(\.severity) == [.critical])
        // Resets no longer claim memory aborts.
        #expect(!findingsWhenAlone(.tcpAbortOnMemory).contains { $0.id == "tcp-resets" })
    }

    @Test func udpInErrorsFiresOnlyOnWhatItsBreakdownDoesNotExplain() {
        let explained = TriageRules.evaluate(dropReport([.udpInErrors: 100, .udpRcvbufErrors: 100])).map(\.id)
        #expect(explained == ["udp-rcvbuf-errors"])
        let csum = TriageRules.evaluate(dropReport([.udp6InErrors: 40, .udp6InCsumErrors: 40])).map(\.id)
        #expect(csum == ["udp-csum-errors"])
        let more = TriageRules.evaluate(dropReport([.udpInErrors: 150, .udpRcvbufErrors: 100])).map(\.id)
        #expect(more.sorted() == ["udp-in-errors", "udp-rcvbuf-errors"])
    }

    @Test func udpLiteCountsWithUDP() {
        #expect(findingsWhenAlone(.udpLite6RcvbufErrors).map(\.id) == ["udp-rcvbuf-errors"])
        #expect(findingsWhenAlone(.udpLiteNoPorts).map(\.id) == ["udp-no-ports"])
        #expect(findingsWhenAlone(.udp6SndbufErrors).map(\.id) == ["udp-sndbuf-errors"])
    }

    @Test func mptcpGroupsByMechanism() {
        #expect(findingsWhenAlone(.mptcpJoinRejected).map(\.id) == ["mptcp-join-failures"])
        #expect(findingsWhenAlone(.mptcpDSSCorruptionReset).map(\.id) == ["mptcp-data-errors"])
        // Both at once: two findings, each citing only its own counters.
        let both = TriageRules.evaluate(dropReport([.mptcpJoinRejected: 5, .mptcpDataCsumErr: 5]))
        #expect(both.map { $0.evidence.map(\.name) }.sorted { $0[0] < $1[0] }
                == [["MPTcpExt.DataCsumErr"], ["MPTcpExt.MPJoinRejected"]])
    }

    @Test func titlesNameAtMostThreeCounters() throws {
        let r = dropReport([.ipInDiscards: 5, .ipOutDiscards: 5, .ip6InDiscards: 5, .ip6OutDiscards: 5])
        let f = try #require(TriageRules.evaluate(r).first)
        #expect(f.title == "IP packets discarded without an error (Ip.InDiscards, Ip.OutDiscards, Ip6.InDiscards +1)")
        #expect(f.evidence.count == 4)
    }

    @Test func synBacklogCitesFailedCookies() {
        #expect(coveringFindings(.tcpSyncookiesFailed) == ["tcp-syn-backlog"])
    }
}
