/// The safety net that keeps coverage complete by construction: a drop counter of the catalog
/// (drop = yes) that moved, that no rule watches and that no finding cites, is reported as
/// unexplained-drops, one finding per layer. A counter a rule watches but judged below its
/// own threshold stays quiet: that rule's threshold is the decision.
extension TriageRules {
    /// Counters read by the rules written in code (TransportRules.swift, UDP receive buffers).
    static let codeRuleCounters: [CounterID] = udpReceiveCounters + udpInErrorCounters.map(\.inErrors)
        + [.tcpListenOverflows, .tcpListenDrops, .tcpRetransSegs, .tcpTimeWaitOverflow] + synBacklogCounters + resetCounters

    /// Every counter some rule fires on.
    public static let watchedCounters: Set<CounterID> = Set(counterRules.flatMap(\.counters) + codeRuleCounters)

    static func unexplained(_ r: Report, after found: [Finding], catalog: [CatalogCounter] = CounterCatalog.drops,
                            watched: Set<CounterID> = watchedCounters) -> [Finding] {
        let cited = Set(found.flatMap { $0.evidence.map(\.name) })
        let loose = catalog.filter {
            !watched.contains($0.id) && !cited.contains($0.id.description) && (r.rate($0.id) ?? 0) >= TriageThresholds.errorRate
        }
        let layers = Dictionary(grouping: loose, by: \.layer)
        return layers.keys.sorted().map { layer in
            let counters = layers[layer] ?? []
            let meanings = counters.map { " \($0.id): \($0.meaning)." }.joined()
            var f = FindingKind.unexplainedDrops.finding(r, .warning, fill: ["COUNTERS": names(counters.map(\.id))],
                                                         evidence: counters.compactMap { ev($0.id, r) },
                                                         explanationSuffix: meanings)
            f.layer = layer
            return f
        }
    }
}
