/// A rule that is only data: these counters moving means this finding. Most protocol-counter
/// findings are one of these; adding a counter to a finding is adding it to a list here.
public struct CounterRule: Sendable {
    public let kind: FindingKind
    /// Any of these at or above `threshold` per second fires the rule (their sum, with `summed`).
    public let counters: [CounterID]
    /// Shown as evidence when they move, but never fire the rule alone.
    public let context: [CounterID]
    public let threshold: Double
    public let summed: Bool
    public let severity: Severity

    public init(_ kind: FindingKind, _ severity: Severity, counters: [CounterID], context: [CounterID] = [],
                threshold: Double = TriageThresholds.errorRate, summed: Bool = false) {
        self.kind = kind; self.severity = severity; self.counters = counters; self.context = context
        self.threshold = threshold; self.summed = summed
    }

    func evaluate(_ r: Report) -> Finding? {
        let rates = counters.map { r.rate($0) ?? 0 }
        let fires = summed ? rates.reduce(0, +) >= threshold : rates.contains { $0 >= threshold && $0 > 0 }
        guard fires else { return nil }
        let moving = zip(counters, rates).filter { summed ? $0.1 > 0 : $0.1 >= threshold }
        let evidence = moving.compactMap { TriageRules.ev($0.0.description, $0.1) } + context.compactMap { TriageRules.ev($0, r) }
        return kind.finding(r, severity, evidence: evidence)
    }
}

extension TriageRules {
    /// The findings that are only "these counters moved".
    public static let counterRules: [CounterRule] = [
        CounterRule(.udpSndbufErrors, .warning, counters: [.udpSndbufErrors]),
        CounterRule(.udpNoPorts, .info, counters: [.udpNoPorts, .udp6NoPorts], summed: true),
        CounterRule(.udpCsumErrors, .warning, counters: [.udpInCsumErrors, .udp6InCsumErrors], summed: true),
        CounterRule(.tcpRcvPressure, .warning,
                    counters: [.tcpPruneCalled, .tcpRcvPruned, .tcpRcvQDrop, .tcpBacklogDrop, .tcpZeroWindowDrop],
                    context: [.tcpRcvCollapsed, .tcpToZeroWindowAdv], threshold: Double.leastNonzeroMagnitude),
    ]

    /// Counters any IP rule watches; ReasmFails changes the hint.
    static let ipCounters: [CounterID] = [.ipInDiscards, .ipInHdrErrors, .ipInAddrErrors, .ipExtInNoRoutes, .ipOutNoRoutes,
                                          .ipOutDiscards, .ipReasmFails, .ipExtInCsumErrors]

    static func ip(_ r: Report) -> [Finding] {
        let e = ipCounters.compactMap { c in (r.rate(c) ?? 0) >= TriageThresholds.errorRate ? ev(c, r) : nil }
        guard !e.isEmpty else { return [] }
        let reassembly = e.contains { $0.name == CounterID.ipReasmFails.description }
        return [FindingKind.ipErrors.finding(r, .warning, evidence: e, hint: reassembly ? FindingKind.reassemblyHint : nil)]
    }
}
