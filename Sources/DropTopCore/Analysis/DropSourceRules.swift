/// Rules over the neighbour tables, connection tracking and queueing disciplines (issue 12).
/// What each finding says is in Catalog/FindingKinds+DropSources.swift.
extension TriageThresholds {
    /// Connection tracking: count / max from which the table is nearly full, and full.
    public static let conntrackFullWarning = 0.9, conntrackFullCritical = 1.0
    /// Ip.OutDiscards up to this multiple of the qdisc drops (plus one per second) is taken
    /// as those drops seen by the sender: ip_send_skb counts a qdisc's refusal as a discard.
    public static let qdiscExplainsDiscards = 1.25
}

extension TriageRules {
    static let dropSourceRules: [CounterRule] = [
        CounterRule(.neighbourUnresolved, .warning, counters: [.arpUnresolvedDiscards, .ndiscUnresolvedDiscards],
                    context: [.arpResFailed, .ndiscResFailed]),
        // Every refusal is a destination that cannot be reached at all.
        CounterRule(.neighbourTableFull, .critical, counters: [.arpTableFulls, .ndiscTableFulls],
                    context: [.arpForcedGCRuns, .ndiscForcedGCRuns], threshold: TriageThresholds.singleEvent),
        CounterRule(.conntrackDrops, .warning, counters: [.conntrackDrop, .conntrackEarlyDrop, .conntrackInsertFailed],
                    context: [.conntrackInvalid], critical: [.conntrackDrop]),
    ]

    /// The IP discard counters a qdisc's drops show up in on the sending host.
    static let qdiscDiscardCounters: [CounterID] = [.ipOutDiscards, .ip6OutDiscards]

    /// Adds the qdisc and conntrack-fullness findings; a qdisc that drops is named on its
    /// interface's interface-drops finding, and takes over an ip-discards finding that only
    /// its own drops made.
    static func withDropSources(_ r: Report, _ found: [Finding]) -> [Finding] {
        var qdisc = qdiscDrops(r)
        var out = found
        if let top = qdisc.indices.max(by: { qdisc[$0].evidence[0].value < qdisc[$1].evidence[0].value }) {
            let dropped = qdisc.reduce(0) { $0 + $1.evidence[0].value }
            if let i = out.firstIndex(where: { $0.id == FindingKind.ipDiscards.id }), explainsDiscards(r, out[i], dropped) {
                qdisc[top].evidence += out[i].evidence
                out.remove(at: i)
            }
            for i in out.indices where out[i].id == FindingKind.interfaceDrops.id {
                if let q = qdisc.first(where: { $0.item == out[i].item }) {
                    out[i].explanation += " Its queueing discipline is dropping too: \(q.title) (qdisc-drops)."
                }
            }
        }
        return out + qdisc + conntrackFullness(r)
    }

    /// True when the finding cites only output discards, and they are no more than the qdisc drops.
    static func explainsDiscards(_ r: Report, _ f: Finding, _ qdiscDrops: Double) -> Bool {
        let names = Set(qdiscDiscardCounters.map(\.description))
        guard f.evidence.allSatisfy({ names.contains($0.name) }) else { return false }
        let discards = qdiscDiscardCounters.reduce(0) { $0 + (r.rate($1) ?? 0) }
        return discards <= qdiscDrops * TriageThresholds.qdiscExplainsDiscards + TriageThresholds.errorRate
    }

    /// Per interface, its root qdiscs' drops; evidence first is always qdisc_drops.
    static func qdiscDrops(_ r: Report) -> [Finding] {
        r.qdiscInterfaces.compactMap { q in
            guard let drops = q.dropsPerSecond, drops >= TriageThresholds.errorRate else { return nil }
            let share = drops / max(1, (q.packetsPerSecond ?? 0) + drops)
            let item = q.interface
            let evidence = [Evidence(name: "qdisc_drops", value: drops, unit: "per_s", item: item)]
                + [ev("qdisc_overlimits", q.overlimitsPerSecond, item: item), ev("qdisc_requeues", q.requeuesPerSecond, item: item),
                   ev("qdisc_backlog_bytes", Double(q.backlog), "count", item: item),
                   ev("drop_share", share * 100, "percent", item: item)].compactMap { $0 }
            let severity: Severity = share >= TriageThresholds.dropCriticalShare ? .critical : .warning
            return FindingKind.qdiscDrops.finding(r, severity, item: item, fill: ["IF": item, "KIND": q.kind], evidence: evidence)
        }
    }

    static func conntrackFullness(_ r: Report) -> [Finding] {
        guard let c = r.sample.conntrack, let full = c.fullness, full >= TriageThresholds.conntrackFullWarning else { return [] }
        let dropping = (r.rate(.conntrackDrop) ?? 0) > 0
        let severity: Severity = full >= TriageThresholds.conntrackFullCritical || dropping ? .critical : .warning
        let evidence = [Evidence(name: "conntrack_fullness", value: full * 100, unit: "percent", item: nil),
                        Evidence(name: "conntrack_entries", value: Double(c.count), unit: "count", item: nil),
                        Evidence(name: "conntrack_max", value: Double(c.max), unit: "count", item: nil)]
            + [ev(.conntrackDrop, r)].compactMap { $0 }
        return [FindingKind.conntrackTableFull.finding(r, severity, fill: ["PERCENT": String((full * 100).saturatingInt)],
                                                       evidence: evidence)]
    }
}
