import DropTopCore

/// Pane 8 (--all-netns): the other network namespaces, those dropping the most first.
extension Panes {
    public static func namespaces(_ report: Report, width: Int) -> PaneContent {
        guard !report.namespaces.isEmpty else {
            let text = report.sample.namespaces == nil ? "start droptop with --all-netns to see every network namespace"
                : "no other network namespace with a live process"
            return PaneContent(header: nil, rows: [[Span(text, .dim)]])
        }
        let nameWidth = max(12, width - 58)
        let header: Line = [Span(Format.padRight("NAMESPACE", nameWidth) + Format.padRight("kind", 10)
            + Format.pad("ifaces", 7) + Format.pad("drops+errs/s", 13) + Format.pad("sockets", 9) + Format.pad("findings", 9), .header)]
        let ranked = report.namespaces.sorted {
            ($0.dropsPerSecond, $0.report.findings.count, $1.identity.name)
                > ($1.dropsPerSecond, $1.report.findings.count, $0.identity.name)
        }
        let rows: [Line] = ranked.map { n in
            let sockets = (n.report.sample.tcp?.sockets ?? 0) + (n.report.sample.udp?.sockets ?? 0)
            let drops = n.report.intervalSeconds == nil ? nil : n.dropsPerSecond
            let style: Style = n.report.findings.isEmpty ? .normal : .alert
            return [Span(Format.padRight(n.identity.name, nameWidth) + Format.padRight(n.identity.kind, 10), style),
                    Span(Format.pad(String(n.report.interfaces.count), 7) + Format.pad(Format.rate(drops, width: 12), 13)
                         + Format.pad(String(sockets), 9) + Format.pad(String(n.report.findings.count), 9))]
        }
        return PaneContent(header: header, rows: rows)
    }
}

extension HistoryTables {
    /// One row per interval: how many namespaces, their drops and errors per second, their findings.
    static func namespaceHistory(_ reports: [Report]) -> PaneContent {
        let header = HistoryTables.header("", ["netns", "loss/s", "findings"], nameWidth: 1)
        guard !reports.isEmpty else { return PaneContent(header: header, rows: collecting) }
        func row(_ time: String, _ count: Double, _ loss: Double, _ findings: Double) -> Line {
            [Span(Format.padRight(time, 10)),
             Span(Format.pad(Format.fixed(count, 0), col) + Format.pad(Format.fixed(loss, 2), col)
                  + Format.pad(Format.fixed(findings, 0), col))]
        }
        var weighted = (count: 0.0, loss: 0.0, findings: 0.0, seconds: 0.0)
        var rows: [Line] = reports.map { r in
            let loss = r.namespaces.reduce(0.0) { $0 + $1.dropsPerSecond }
            let findings = Double(r.namespaces.reduce(0) { $0 + $1.report.findings.count })
            let seconds = r.intervalSeconds ?? 0
            weighted.count += Double(r.namespaces.count) * seconds
            weighted.loss += loss * seconds
            weighted.findings += findings * seconds
            weighted.seconds += seconds
            return row(TimeText.clock(r.sample.wallSeconds), Double(r.namespaces.count), loss, findings)
        }
        let total = max(weighted.seconds, 1e-9)
        rows.append(row("Average:", weighted.count / total, weighted.loss / total, weighted.findings / total))
        return PaneContent(header: header, rows: rows)
    }
}

extension Report {
    /// The host's findings and every namespace's, each of those titled with its namespace
    /// ("[shop/cart-0] UDP receive buffers overflowing"), for the Triage pane.
    public var withNamespaceFindings: Report {
        guard namespaces.contains(where: { !$0.report.findings.isEmpty }) else { return self }
        var merged = self
        for n in namespaces {
            merged.findings += n.report.findings.map { f in
                var f = f
                f.title = "[\(n.identity.name)] " + f.title
                return f
            }
        }
        return merged
    }
}
