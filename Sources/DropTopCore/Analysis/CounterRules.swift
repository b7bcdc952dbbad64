/// A rule that is only data: these counters moving means this finding. Most protocol-counter
/// findings are one of these; adding a counter to a finding is adding it to a list here or in
/// DropRules.swift.
public struct CounterRule: Sendable {
    public let kind: FindingKind
    /// Any of these at or above `threshold` per second fires the rule (their sum, with `summed`).
    public let counters: [CounterID]
    /// Shown as evidence when they move, but never fire the rule alone.
    public let context: [CounterID]
    public let threshold: Double
    public let summed: Bool
    public let severity: Severity
    /// Any of these moving raises the finding to critical.
    public let critical: [CounterID]

    public init(_ kind: FindingKind, _ severity: Severity, counters: [CounterID], context: [CounterID] = [],
                threshold: Double = TriageThresholds.errorRate, summed: Bool = false, critical: [CounterID] = []) {
        self.kind = kind; self.severity = severity; self.counters = counters; self.context = context
        self.threshold = threshold; self.summed = summed; self.critical = critical
    }

    func evaluate(_ r: Report) -> Finding? {
        let rates = counters.map { r.rate($0) ?? 0 }
        let fires = summed ? rates.reduce(0, +) >= threshold : rates.contains { $0 >= threshold && $0 > 0 }
        guard fires else { return nil }
        let moving = zip(counters, rates).filter { summed ? $0.1 > 0 : $0.1 >= threshold }
        let evidence = moving.compactMap { TriageRules.ev($0.0.description, $0.1) } + context.compactMap { TriageRules.ev($0, r) }
        let escalated = moving.contains { critical.contains($0.0) }
        return kind.finding(r, escalated ? .critical : severity, fill: ["COUNTERS": TriageRules.names(moving.map(\.0))],
                            evidence: evidence)
    }
}

extension TriageRules {
    /// The findings that are only "these counters moved".
    public static let counterRules: [CounterRule] = [
        CounterRule(.udpSndbufErrors, .warning,
                    counters: [.udpSndbufErrors, .udp6SndbufErrors, .udpLiteSndbufErrors, .udpLite6SndbufErrors]),
        CounterRule(.udpNoPorts, .info, counters: [.udpNoPorts, .udp6NoPorts, .udpLiteNoPorts, .udpLite6NoPorts], summed: true),
        CounterRule(.udpCsumErrors, .warning,
                    counters: [.udpInCsumErrors, .udp6InCsumErrors, .udpLiteInCsumErrors, .udpLite6InCsumErrors], summed: true),
        CounterRule(.udpMemoryErrors, .critical, counters: [.udpMemErrors, .udp6MemErrors, .udpLiteMemErrors, .udpLite6MemErrors],
                    threshold: TriageThresholds.singleEvent),
        CounterRule(.tcpRcvPressure, .warning,
                    counters: [.tcpPruneCalled, .tcpRcvPruned, .tcpRcvQDrop, .tcpBacklogDrop, .tcpZeroWindowDrop, .tcpOfoPruned,
                               .tcpOFODrop],
                    context: [.tcpRcvCollapsed, .tcpToZeroWindowAdv], threshold: TriageThresholds.singleEvent),
    ] + ipRules + tcpRules + mptcpRules + dropSourceRules

    /// "Ip.InHdrErrors, Ip6.InHdrErrors", at most three then "+N".
    static func names(_ ids: [CounterID]) -> String {
        let shown = ids.prefix(3).map(\.description).joined(separator: ", ")
        return ids.count > 3 ? "\(shown) +\(ids.count - 3)" : shown
    }
}
