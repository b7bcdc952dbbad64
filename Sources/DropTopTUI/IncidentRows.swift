import DropTopCore

/// The incident log in the Triage pane: findings that ended stay, dimmed, with how long they
/// held, their peak and when they ended, until `x` dismisses them.
extension Panes {
    /// Active findings, then the ended incidents not dismissed. Reports built without a pipeline
    /// (tests, a bare TriageEngine) have only their findings.
    public static func shownIncidents(_ report: Report, _ state: ViewState) -> [Incident] {
        let ended = report.incidents.filter { !$0.active && $0.lastSeen > state.dismissedBefore }
        return report.findings.map { f in
            Incident(finding: f, firstSeen: f.firstSeen ?? f.since, lastSeen: f.lastSeen ?? f.since, peak: f.peak ?? 0,
                     evidenceAtPeak: f.evidence, total: 0, active: true)
        } + ended
    }

    /// The headline of an incident at its peak: "ListenOverflows 120/s".
    static func peakHeadline(_ i: Incident) -> String {
        var atPeak = i.finding
        atPeak.evidence = i.evidenceAtPeak
        return atPeak.headline
    }

    /// "held 3 s, ended 10 s ago".
    static func endedText(_ i: Incident, now: Double) -> String {
        let held = max(i.heldSeconds, i.lastSeen - i.firstSeen), ago = max(0, now - i.lastSeen)
        return "held \(Format.fixed(held, 0)) s, ended \(Format.fixed(ago, 0)) s ago"
    }

    /// One dimmed overview line for an ended incident.
    static func endedRow(_ i: Incident, now: Double, width: Int) -> Line {
        let tail = "peak " + peakHeadline(i) + ", " + endedText(i, now: now)
        return [Span(Format.padRight("ENDED", 9), .dim), Span(Format.padRight(i.finding.layer.name, 12), .dim),
                Span(Format.padRight(i.finding.title, max(10, width - 21 - tail.count - 1)) + " ", .dim), Span(tail, .dim)]
    }

    /// The zoomed form of an ended incident: its times, peak, total and the evidence at the peak.
    static func endedDetail(_ i: Incident, now: Double) -> [Line] {
        var rows: [Line] = [[Span("ENDED ", .dim), Span("[\(i.finding.layer.name)] ", .dim), Span(i.finding.title, .dim),
                             Span("  (\(i.finding.id), \(TimeText.clock(i.firstSeen))-\(TimeText.clock(i.lastSeen)), "
                                  + endedText(i, now: now) + ")", .dim)]]
        var line = "  peak " + peakHeadline(i)
        if i.total > 0 { line += ", ~\(Format.fixed(i.total, 0)) counted while it held" }
        rows.append([Span(line, .dim)])
        for e in i.evidenceAtPeak {
            let unit = e.unit == "per_s" ? "/s" : e.unit == "percent" ? "%" : ""
            let value = e.unit == "count" ? String(e.value.saturatingInt64) : Format.fixed(e.value, 2)
            rows.append([Span("  \(e.name)\(e.item.map { " (\($0))" } ?? ""): \(value)\(unit)", .dim)])
        }
        rows.append([])
        return rows
    }
}
