import Foundation
import OrderedCollections
import Testing
@testable import DropTopCore

/// Two samples a second apart with the given qdiscs and conntrack fullness; `change` edits the second.
private func sourcesReport(qdiscs: [QdiscStats] = [], conntrack: ConntrackFullness? = nil,
                           change: (inout Sample) -> Void = { _ in }) -> Report {
    var a = dropReport([:]).sample
    a.monotonicSeconds -= 1
    a.wallSeconds -= 1
    a.qdiscs = qdiscs
    a.conntrack = conntrack
    var b = a
    b.monotonicSeconds += 1
    b.wallSeconds += 1
    change(&b)
    return Report(previous: a, current: b)
}

private func tbf(_ interface: String = "vq0", drops: UInt64 = 0, packets: UInt64 = 0, parent: UInt32 = 0xFFFF_FFFF) -> QdiscStats {
    var q = QdiscStats(interface: interface, ifindex: 3, kind: "tbf", handle: 0x8001_0000, parent: parent)
    q.drops = drops
    q.packets = packets
    q.overlimits = drops * 2
    q.backlog = 1500
    q.qlen = 1
    return q
}

private func bump(_ s: inout Sample, _ id: CounterID, _ n: UInt64) {
    s.protocols?[id.section, default: ProtocolSection()].counters[id.name, default: 0] += n
}

@Suite struct DropSourceTests {
    static let expected: [CounterID: String] = [
        .arpUnresolvedDiscards: "neighbour-unresolved", .ndiscUnresolvedDiscards: "neighbour-unresolved",
        .arpTableFulls: "neighbour-table-full", .ndiscTableFulls: "neighbour-table-full",
        .conntrackDrop: "conntrack-drops", .conntrackEarlyDrop: "conntrack-drops", .conntrackInsertFailed: "conntrack-drops",
    ]

    /// Each drop counter of the stat tables, moved alone, reaches its one finding (not the safety net).
    @Test(arguments: StatTableCatalog.drops.map(\.id))
    func everyStatTableDropCounterReachesItsFinding(_ id: CounterID) {
        let found = findingsWhenAlone(id)
        #expect(found.map(\.id) == [Self.expected[id] ?? "?"], "\(id): \(found.map(\.id))")
        #expect(coveringFindings(id) == [Self.expected[id] ?? "?"])
        #expect(TriageRules.watchedCounters.contains(id))
        #expect(id.meaning != nil && id.file.hasPrefix("/proc/net/stat/"))
    }

    @Test func contextCountersAloneAreQuietAndNeighbourFindingsAreHostWide() throws {
        for id in [CounterID.arpResFailed, .arpForcedGCRuns, .ndiscResFailed, .conntrackInvalid] {
            #expect(findingsWhenAlone(id).isEmpty, "\(id)")
        }
        let f = try #require(TriageRules.evaluate(dropReport([.arpUnresolvedDiscards: 50, .arpResFailed: 2])).first)
        #expect(f.hostWide && f.severity == .warning && f.layer == .ip)
        #expect(f.evidence.map(\.name) == ["ArpCache.unresolved_discards", "ArpCache.res_failed"])
        #expect(f.hint.contains("net.ipv4.neigh.default.unres_qlen_bytes = "))
        // Under 1/s: quiet. Table full: any refusal, critical.
        #expect(TriageRules.evaluate(dropReport([.ndiscUnresolvedDiscards: 1], seconds: 2)).isEmpty)
        let full = TriageRules.evaluate(dropReport([.arpTableFulls: 1], seconds: 2))
        #expect(full.map(\.id) == ["neighbour-table-full"] && full.first?.severity == .critical)
    }

    @Test func conntrackDropsAreCriticalOnlyWithTableFullDrops() {
        let early = TriageRules.evaluate(dropReport([.conntrackEarlyDrop: 5]))
        #expect(early.map(\.id) == ["conntrack-drops"] && early.first?.severity == .warning && early.first?.hostWide == false)
        #expect(TriageRules.evaluate(dropReport([.conntrackDrop: 5])).first?.severity == .critical)
    }

    @Test func conntrackTableFullness() throws {
        func run(_ count: UInt64, _ max: UInt64, drop: UInt64 = 0) -> [Finding] {
            TriageRules.evaluate(sourcesReport(conntrack: ConntrackFullness(count: count, max: max)) { s in
                s.conntrack = ConntrackFullness(count: count, max: max)
                if drop > 0, var table = s.statTables?["nf_conntrack"] {
                    table.counters[CounterID.conntrackDrop.name, default: 0] += drop
                    s.statTables?["nf_conntrack"] = table
                }
            })
        }
        #expect(run(899, 1000).isEmpty)
        #expect(run(500, 0).isEmpty)                    // no limit
        let warning = try #require(run(950, 1000).first)
        #expect(warning.id == "conntrack-table-full" && warning.severity == .warning && warning.title.contains("95%"))
        #expect(warning.evidence.first == Evidence(name: "conntrack_fullness", value: 95, unit: "percent", item: nil))
        #expect(run(1000, 1000).first?.severity == .critical)
        let dropping = run(950, 1000, drop: 10)
        #expect(dropping.map(\.id).sorted() == ["conntrack-drops", "conntrack-table-full"])
        #expect(dropping.allSatisfy { $0.severity == .critical })
    }

    @Test func qdiscDropsNameTheInterfaceAndTakeOverTheDiscardsTheyCause() throws {
        let r = sourcesReport(qdiscs: [tbf()]) { s in
            s.qdiscs = [tbf(drops: 500, packets: 100)]
            bump(&s, .ipOutDiscards, 500)
            bump(&s, .udpSndbufErrors, 500)
        }
        let found = TriageRules.evaluate(r)
        #expect(found.map(\.id) == ["qdisc-drops", "udp-sndbuf-errors"])
        let f = try #require(found.first)
        #expect(f.item == "vq0" && f.layer == .nic && f.severity == .critical && f.title == "vq0: queueing discipline tbf dropping packets")
        #expect(f.evidence.map(\.name) == ["qdisc_drops", "qdisc_overlimits", "qdisc_backlog_bytes", "drop_share", "Ip.OutDiscards"])
        #expect(f.evidence[0].value == 500 && f.hint.contains("tc -s qdisc show dev vq0"))
        // Input discards too: ip-discards has a cause of its own and stays.
        let both = TriageRules.evaluate(sourcesReport(qdiscs: [tbf()]) { s in
            s.qdiscs = [tbf(drops: 500, packets: 100)]
            bump(&s, .ipOutDiscards, 500)
            bump(&s, .ipInDiscards, 50)
        })
        #expect(both.map(\.id) == ["qdisc-drops", "ip-discards"])
        // Many more output discards than the qdisc dropped: not all its doing.
        let more = TriageRules.evaluate(sourcesReport(qdiscs: [tbf()]) { s in
            s.qdiscs = [tbf(drops: 10, packets: 1000)]
            bump(&s, .ipOutDiscards, 500)
        })
        #expect(more.map(\.id) == ["qdisc-drops", "ip-discards"] && more.first?.severity == .warning)
    }

    @Test func qdiscRulesAreQuietWithoutDropsOrRatesAndCountRootsOnly() {
        #expect(TriageRules.evaluate(sourcesReport(qdiscs: [tbf(packets: 10)]) { $0.qdiscs = [tbf(packets: 900)] }).isEmpty)
        // First sight: no rate. A child qdisc's drops are counted by its root (htb), not again.
        #expect(TriageRules.evaluate(sourcesReport { $0.qdiscs = [tbf(drops: 500)] }).isEmpty)
        let child = tbf(drops: 0, parent: 0x0001_0010)
        let r = sourcesReport(qdiscs: [child]) { $0.qdiscs = [tbf(drops: 0, parent: 0x0001_0010).with(drops: 400)] }
        #expect(TriageRules.evaluate(r).isEmpty && r.qdiscInterfaces.isEmpty)
        #expect(r.qdiscs.first?.dropsPerSecond == 400)
        // A counter that went down (qdisc replaced under the same handle): no rate, no finding.
        #expect(TriageRules.evaluate(sourcesReport(qdiscs: [tbf(drops: 9_000_000_000)]) { $0.qdiscs = [tbf(drops: 5)] }).isEmpty)
    }

    @Test func interfaceDropsNameTheQdiscOnTheSameInterface() throws {
        var a = dropReport([:]).sample
        a.interfaces = [InterfaceSample(name: "vq0", counters: NetDevCounters(values: [UInt64](repeating: 0, count: 16)))]
        a.qdiscs = [tbf()]
        var b = a
        b.monotonicSeconds += 1
        b.interfaces[0].counters.values[NetDevCounters.Field.txDrop.rawValue] = 300
        b.interfaces[0].counters.values[NetDevCounters.Field.txPackets.rawValue] = 1000
        b.qdiscs = [tbf(drops: 300, packets: 1000)]
        let found = TriageRules.evaluate(Report(previous: a, current: b))
        let drops = try #require(found.first { $0.id == "interface-drops" })
        #expect(drops.explanation.contains("vq0: queueing discipline tbf dropping packets (qdisc-drops)"))
        #expect(found.contains { $0.id == "qdisc-drops" })
    }

    @Test func dropReasonsOfQueuesAndNeighboursPointAtTheNewFindings() {
        for reason in ["QDISC_DROP", "QDISC_OVERLIMIT", "QDISC_CONGESTED", "FQ_FLOW_LIMIT"] {
            #expect(DropReasonCatalog.info(reason).explainedBy.contains("qdisc-drops"), "\(reason)")
        }
        #expect(DropReasonCatalog.info("NEIGH_QUEUEFULL").explainedBy.contains("neighbour-unresolved"))
        #expect(DropReasonCatalog.info("NEIGH_FAILED").explainedBy.contains("neighbour-unresolved"))
        #expect(DropReasonCatalog.info("NEIGH_CREATEFAIL").explainedBy == ["neighbour-table-full"])
        #expect(!DropReasonCatalog.info("NETFILTER_DROP").explainedBy.contains("conntrack-drops"))
    }
}

extension QdiscStats {
    func with(drops: UInt64) -> QdiscStats { var q = self; q.drops = drops; return q }
}
