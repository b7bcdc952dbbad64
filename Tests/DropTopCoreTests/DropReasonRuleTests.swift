import Testing
@testable import DropTopCore

/// The cross-check between the kernel's drop reasons and the counter-based findings.
@Suite struct DropReasonRuleTests {
    /// Two samples a second apart: each reason's total before and after, and the protocol counters.
    func report(reasons: [(String, UInt64, UInt64)], protocols: ProtocolCounters?, after: ProtocolCounters? = nil) -> Report {
        var a = Sample(monotonicSeconds: 10, wallSeconds: 1_764_000_000, host: HostInfo(hostname: "h", kernel: "k"))
        a.protocols = protocols
        a.dropReasons = DropReasonSample(available: true, note: nil, totals: reasons.map { DropReasonTotal(reason: $0.0, total: $0.1) })
        var b = a
        b.monotonicSeconds = 11
        if let after { b.protocols = after }
        b.dropReasons = DropReasonSample(available: true, note: nil, totals: reasons.map { DropReasonTotal(reason: $0.0, total: $0.2) })
        return Report(previous: a, current: b)
    }

    func udp(noPorts: (UInt64, UInt64)) -> (ProtocolCounters, ProtocolCounters) {
        var before = ProtocolSection(), after = ProtocolSection()
        before.counters["NoPorts"] = noPorts.0
        after.counters["NoPorts"] = noPorts.1
        return (["Udp": before], ["Udp": after])
    }

    @Test func aReasonTheCountersExplainIsEvidenceNotAFindingOfItsOwn() throws {
        let (before, after) = udp(noPorts: (0, 500))
        let found = TriageRules.evaluate(report(reasons: [("NO_SOCKET", 0, 500)], protocols: before, after: after))
        let noPorts = try #require(found.first { $0.id == "udp-no-ports" })
        #expect(noPorts.evidence.contains { $0.name == "kernel:NO_SOCKET" && $0.value == 500 })
        #expect(!found.contains { $0.id == "kernel-drop-reason" })
    }

    @Test func aReasonNothingExplainsBecomesAFindingAtItsLayer() throws {
        let found = TriageRules.evaluate(report(reasons: [("NETFILTER_DROP", 0, 40), ("NOT_SPECIFIED", 0, 900)], protocols: [:]))
        let f = try #require(found.first { $0.id == "kernel-drop-reason" })
        #expect(f.item == "NETFILTER_DROP" && f.layer == DropReasonCatalog.info("NETFILTER_DROP").layer && f.hostWide)
        // NOT_SPECIFIED is the kernel's "no reason given": never a finding of its own.
        #expect(!found.contains { $0.item == "NOT_SPECIFIED" })
    }

    @Test func withoutProtocolCountersNoReasonIsCalledUnexplained() {
        // Batch -n DROP reads no snmp: nothing could have explained the reason, so no claim is made.
        let found = TriageRules.evaluate(report(reasons: [("NO_SOCKET", 0, 500)], protocols: nil))
        #expect(!found.contains { $0.id == "kernel-drop-reason" })
    }

    @Test func aNamespacesOwnReasonIsItsFindingButAHostWideCauseStaysTheHosts() throws {
        var r = report(reasons: [("NETFILTER_DROP", 0, 40), ("CPU_BACKLOG", 0, 40)], protocols: [:])
        r.sample.dropReasons?.namespaceInode = 4026532000
        let found = TriageRules.evaluate(r)
        let own = try #require(found.first { $0.item == "NETFILTER_DROP" })
        #expect(!own.hostWide && own.explanation.hasSuffix("Counted for this namespace: its devices or sockets dropped them."))
        // The CPU's backlog is the host's, whichever namespace's packet it dropped: NamespaceTriage leaves it out.
        #expect(try #require(found.first { $0.item == "CPU_BACKLOG" }).hostWide)
        let host = TriageRules.evaluate(report(reasons: [("NETFILTER_DROP", 0, 40)], protocols: [:]))
        #expect(try #require(host.first { $0.item == "NETFILTER_DROP" }).explanation.hasSuffix("the tracepoint sees every namespace."))
    }
}
