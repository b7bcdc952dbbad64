/// One finding over its whole life in this run: it stays after its counters stop, so that a
/// burst seen for three seconds can still be read a minute later.
public struct Incident: Sendable, Equatable {
    /// The finding as last seen (its evidence then).
    public var finding: Finding
    /// Wall-clock seconds: first and last interval the finding held.
    public var firstSeen: Double
    public var lastSeen: Double
    /// The highest value of the first piece of evidence, and all the evidence at that moment.
    public var peak: Double
    public var evidenceAtPeak: [Evidence]
    /// Events counted while it held: a per-second first evidence times each interval's length.
    public var total: Double
    /// Seconds it held: the sum of the intervals in which it was found.
    public var heldSeconds: Double = 0
    /// False once an evaluation no longer found it.
    public var active: Bool

    public init(finding: Finding, firstSeen: Double, lastSeen: Double, peak: Double, evidenceAtPeak: [Evidence],
                total: Double, active: Bool) {
        self.finding = finding; self.firstSeen = firstSeen; self.lastSeen = lastSeen; self.peak = peak
        self.evidenceAtPeak = evidenceAtPeak; self.total = total; self.active = active
    }

    public var key: String { Self.key(finding) }
    static func key(_ f: Finding) -> String { f.id + "\u{0}" + (f.item ?? "") }
}

/// The incidents of this run, kept by the pipeline next to the triage: every finding that held,
/// active ones first, ended ones until dismissed (at most `capacity`, the oldest ended go first).
public final class IncidentLog {
    public private(set) var incidents: [Incident] = []
    public let capacity: Int

    public init(capacity: Int = 32) { self.capacity = capacity }

    /// Folds one report's findings in, and stamps each finding with its first and last sight
    /// and its peak.
    public func update(_ report: inout Report) {
        let now = report.sample.wallSeconds
        let seconds = report.intervalSeconds ?? 0
        var seen = Set<String>()
        for i in report.findings.indices {
            let f = report.findings[i]
            let key = Incident.key(f)
            seen.insert(key)
            let value = f.evidence.first?.value ?? 0
            let counted = f.evidence.first?.unit == "per_s" ? value * seconds : 0
            if let at = incidents.firstIndex(where: { $0.key == key }) {
                var incident = incidents[at]
                incident.finding = f
                incident.lastSeen = now
                incident.active = true
                incident.total += counted
                incident.heldSeconds += seconds
                if value > incident.peak { incident.peak = value; incident.evidenceAtPeak = f.evidence }
                incidents[at] = incident
            } else {
                var incident = Incident(finding: f, firstSeen: now, lastSeen: now, peak: value, evidenceAtPeak: f.evidence,
                                        total: counted, active: true)
                incident.heldSeconds = seconds
                incidents.append(incident)
            }
            if let incident = incidents.first(where: { $0.key == key }) {
                report.findings[i].firstSeen = incident.firstSeen
                report.findings[i].lastSeen = incident.lastSeen
                report.findings[i].peak = incident.peak
            }
        }
        for i in incidents.indices where !seen.contains(incidents[i].key) { incidents[i].active = false }
        order(report.findings.map(Incident.key))
        report.incidents = incidents
    }

    /// Forgets the incidents that ended (the TUI's `x`).
    public func dismissEnded() { incidents.removeAll { !$0.active } }

    /// Active first, in the triage's ranking, then ended ones, the latest ended first.
    private func order(_ ranked: [String]) {
        let byKey = Dictionary(incidents.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        let ended = incidents.filter { !$0.active }.sorted { ($0.lastSeen, $1.key) > ($1.lastSeen, $0.key) }
        incidents = ranked.compactMap { byKey[$0] } + ended.prefix(max(0, capacity - ranked.count))
    }
}
