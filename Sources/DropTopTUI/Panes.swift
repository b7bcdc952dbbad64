import DropTopCore

/// A run of text in one style; a line is a list of them.
public struct Span: Sendable {
    public var text: String
    public var style: Style
    public init(_ text: String, _ style: Style = .normal) { self.text = text; self.style = style }
}
public typealias Line = [Span]

/// What a pane shows: a fixed header line and scrollable rows.
public struct PaneContent: Sendable {
    public var header: Line?
    public var rows: [Line]
    /// Said in the pane's title: columns left out ("+2 cols: zoom"), a sort or filter.
    public var note: String? = nil
}

/// Pure renderers: report + view state + width -> lines. No terminal, no I/O.
public enum Panes {
    /// The IFACE column: 10 cells, widened up to 16 so that the longest name shown fits
    /// (Linux names hold up to 15 bytes: "br-3f2a1b9c8d7e", "enp129s0f1np1").
    static let minimumNameWidth = 10
    static func nameWidth(_ names: [String]) -> Int {
        min(16, max(minimumNameWidth, (names.map(\.count).max() ?? 0) + 1))
    }

    // MARK: interfaces

    /// The interfaces to show, filtered and sorted as the user chose.
    public static func interfaces(_ report: Report, _ state: ViewState) -> [InterfaceReport] {
        var list = report.interfaces.filter { InterfaceGlob.matches($0.name, any: state.interfaceGlobs) }
        if !state.search.isEmpty { list = list.filter { $0.name.contains(state.search) } }
        switch state.filter {
        case .all: break
        case .active: list = list.filter { $0.name != "lo" && $0.linkState != "down" && $0.linkState != "NO-CARRIER" }
        case .withDrops: list = list.filter { dropsAndErrors($0) > 0 || hasDropCounters($0) }
        }
        switch state.sort {
        case .name: break
        case .rx: list.sort { ($0.rate(.rxBytes) ?? 0) > ($1.rate(.rxBytes) ?? 0) }
        case .tx: list.sort { ($0.rate(.txBytes) ?? 0) > ($1.rate(.txBytes) ?? 0) }
        case .drops: list.sort { dropsAndErrors($0) > dropsAndErrors($1) }
        }
        return list
    }

    static func dropsAndErrors(_ i: InterfaceReport) -> Double {
        ColumnGroup.edev.columns.reduce(0) { $0 + ($1.value(i) ?? 0) }
    }

    /// Any drop or error counted since boot, moving or not.
    static func hasDropCounters(_ i: InterfaceReport) -> Bool {
        ColumnGroup.edev.columns.contains { column in
            if case .interface(let field, _) = column.source { return i.sample.counters[field] > 0 }
            return false
        }
    }

    /// How a value is painted: red where a packet was lost, yellow for a precursor, bold for a
    /// drop whose finding is info-level (never red).
    static func style(_ column: Column, _ value: Double?) -> Style {
        guard (value ?? 0) > 0 else { return .normal }
        switch column.trouble {
        case .none: return .normal
        case .notice: return .header
        case .warning: return .warn
        case .loss: return .alert
        }
    }

    /// The label that fits: sar's when the column is wide enough, else the narrow form.
    static func label(_ column: Column, wide: Bool) -> String { wide ? column.label : column.narrowLabel }

    static func linkStyle(_ state: String) -> Style {
        switch state {
        case "up": return .good
        case "NO-CARRIER": return .alert
        case "down", "lowerlayerdown": return .warn
        default: return .normal
        }
    }

    static func irqRows(_ report: Report, width: Int) -> PaneContent {
        let nameWidth = nameWidth(report.irqs.map(\.interface))
        let header: Line = [Span(Format.padRight("IRQ", 6) + Format.padRight("IFACE", nameWidth) + Format.pad("total/s", 10)
                                 + "  " + Format.padRight("busiest CPUs", 24) + "device", .header)]
        let rows: [Line] = report.irqs.map { irq in
            let busiest = irq.perCPUPerSecond.enumerated()
                .compactMap { i, v -> (Int, Double)? in (v ?? 0) > 0 && i < report.cpus.count ? (report.cpus[i].cpu, v ?? 0) : nil }
                .sorted { $0.1 > $1.1 }.prefix(3)
                .map { "cpu\($0.0):\(Format.rate($0.1, width: 1).trimmingLeadingSpaces)" }.joined(separator: " ")
            return [Span(Format.padRight(irq.irq, 6) + Format.padRight(irq.interface, nameWidth)),
                    Span(Format.rate(irq.totalPerSecond, width: 10)),
                    Span("  " + Format.padRight(busiest.isEmpty ? "-" : busiest, 24)),
                    Span(irq.device, .dim)]
        }
        return PaneContent(header: header, rows: (rows.isEmpty ? [[Span("no network IRQs found", .dim)]] : rows)
                           + [[Span("i: per-CPU view", .dim)]])
    }

    // MARK: TCP

    public static func tcp(_ report: Report, state: ViewState, width: Int) -> PaneContent {
        guard let tcp = report.sample.tcp else {
            return PaneContent(header: nil, rows: [[Span("/proc/net/tcp unreadable (see errors)", .warn)]])
        }
        let cell = 23
        let perLine = max(1, min(3, width / cell))
        var rows: [Line] = []
        if let note = tcp.sourceNote { rows.append([Span(note, .warn)]) }
        if let ages = tcpAges(report.sample) { rows += wrap(ages, width).map { [Span($0, .dim)] } }
        var line: Line = []
        for (name, count) in tcp.states {
            let change = report.tcpStateChanges?[name]
            let changeText = change.map { $0 > 0 ? "+\($0)" : $0 < 0 ? "\($0)" : "" } ?? ""
            let state = TCPState(rawValue: name)
            let style: Style = (state == .closeWait || state == .synRecv) && count > 0 ? .warn : .normal
            line.append(Span(Format.padRight(state?.paneLabel ?? name, 10), .header))
            line.append(Span(Format.count(count, width: 7), style))
            line.append(Span(Format.padRight(changeText.isEmpty ? "" : " " + changeText, 6), (change ?? 0) != 0 ? .warn : .dim))
            if line.count / 3 == perLine { rows.append(line); line = [] }
        }
        if !line.isEmpty { rows.append(line) }
        let address = max(12, min(40, width - 8)), peerAddress = max(12, min(40, width - 23))
        // sock_diag gives each listener's backlog: the limit its accept queue overflows at.
        let backlogs = tcp.listeners.contains { $0.backlog != nil }
        rows.append([Span(Format.padRight("LISTEN address", address - (backlogs ? 8 : 0)) + Format.pad("acceptq", 8)
                          + (backlogs ? Format.pad("backlog", 8) : ""), .header)])
        for l in listeners(tcp, state).prefix(8) {
            var row: Line = [Span(Format.padRight(Listener.hostPort(l.address, l.port), address - (backlogs ? 8 : 0))),
                             Span(Format.count(l.acceptQueue, width: 8), l.acceptQueue > 0 ? .warn : .normal)]
            if backlogs { row.append(Span(l.backlog.map { Format.count($0, width: 8) } ?? Format.pad("-", 8), .dim)) }
            rows.append(row)
        }
        if tcp.listeners.isEmpty { rows.append([Span("(none)", .dim)]) }
        rows.append([Span(Format.padRight("top peers", peerAddress) + Format.pad("conns", 8) + Format.pad("retrans", 8)
                          + Format.pad("tw", 7), .header)])
        for p in tcp.peers.prefix(8) {
            rows.append([Span(Format.padRight(p.address, peerAddress)), Span(Format.count(p.connections, width: 8)),
                         Span(Format.count(p.retransmitting, width: 8), p.retransmitting > 0 ? .warn : .normal),
                         Span(Format.count(p.timeWait, width: 7))])
        }
        if tcp.peers.isEmpty { rows.append([Span("(none)", .dim)]) }
        return PaneContent(header: nil, rows: rows)
    }

    /// How old the pane's figures are, when some are not from this interval (SocketTiers): each
    /// group of states read together, then the walk (peers). Wrapped, never cut: "(a read costs
    /// 2.9" lost its unit at 80 columns.
    static func tcpAges(_ s: Sample) -> String? {
        var byAge: [(age: Double, labels: [String])] = []
        let all = (s.tcp?.states.keys ?? []).map { TCPState(rawValue: $0)?.paneLabel ?? $0 }
        for name in s.tcp?.states.keys ?? [] {
            guard let age = s.tcpStateAge(name), age >= 0.05 else { continue }
            let label = TCPState(rawValue: name)?.paneLabel ?? name
            if let i = byAge.firstIndex(where: { abs($0.age - age) < 0.05 }) { byAge[i].labels.append(label) } else {
                byAge.append((age, [label]))
            }
        }
        let transient = TCPTransientStates.names.map { TCPState(rawValue: $0)?.paneLabel ?? $0 }
        var parts = byAge.map { group in
            let others = all.filter { !group.labels.contains($0) }
            let names = group.labels == transient ? "\(transient[0])…\(transient[transient.count - 1])"
                : others.count < group.labels.count ? (["states"] + (others.isEmpty ? [] : ["but"] + others)).joined(separator: " ")
                : group.labels.joined(separator: " ")
            let cost = group.labels.contains(TCPState.closeWait.paneLabel) ? s.tcpStatesCostSeconds : nil
            let costText = cost.map { " (\(Format.fixed($0 * 1000, 1)) ms CPU a read)" } ?? ""
            return "\(names) as of \(Format.fixed(group.age, 1)) s ago" + costText
        }
        if let walkedAt = s.socketTablesSeconds, walkedAt < s.monotonicSeconds {
            let cost = (s.socketTablesCostSeconds ?? 0) * 1000
            parts.append("peers as of \(Format.fixed(s.monotonicSeconds - walkedAt, 1)) s ago (\(Format.fixed(cost, 1)) ms CPU a read)")
        }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }

    /// Listeners by accept-queue depth (or address, `s`), filtered by `/`.
    static func listeners(_ tcp: TCPSummary, _ state: ViewState) -> [Listener] {
        var list = tcp.listeners
        if !state.search.isEmpty { list = list.filter { Listener.hostPort($0.address, $0.port).contains(state.search) } }
        switch state.listenerSort {
        case .acceptQueue: list.sort { ($0.acceptQueue, $1.port) > ($1.acceptQueue, $0.port) }
        case .address: list.sort { ($0.port, $0.address) < ($1.port, $1.address) }
        }
        return list
    }

    // MARK: protocols

    public static func protocols(_ report: Report, state: ViewState, width: Int) -> PaneContent {
        let cell = 21
        let perLine = max(1, (width - 5) / cell)
        var rows: [Line] = []
        for group in ColumnGroup.protocolPane {
            var line: Line = [Span(Format.padRight(group.name, 5), .header)]
            var n = 0
            for column in group.columns {
                let v = column.value(report)
                // f: only the counters that move (like nstat); /: only the matching ones.
                if state.movingOnly && (v ?? 0) == 0 { continue }
                if !state.search.isEmpty && !column.label.contains(state.search) && !group.name.contains(state.search) { continue }
                if n == perLine { rows.append(line); line = [Span("     ")]; n = 0 }
                line.append(Span(Format.padRight(column.label, 12), .dim))
                line.append(Span(Format.rate(v, width: 8) + " ", style(column, v)))
                n += 1
            }
            if n > 0 { rows.append(line) }
        }
        if rows.isEmpty {
            rows.append([Span(state.movingOnly ? "no counter moved (f: all)" : "no counter matches /\(state.search)", .dim)])
        }
        if report.sample.protocols == nil { rows.insert([Span("/proc/net/snmp unreadable (see errors)", .warn)], at: 0) }
        return PaneContent(header: nil, rows: rows)
    }
}

extension Panes {
    static func severityStyle(_ s: Severity) -> Style {
        switch s { case .critical: return .alert; case .warning: return .warn; case .info: return .normal }
    }

    /// One line per finding: severity, layer, title and the moving number.
    public static func triage(_ report: Report, state: ViewState, width: Int) -> PaneContent {
        let ended = shownIncidents(report, state).filter { !$0.active }
        guard !report.findings.isEmpty || !ended.isEmpty else {
            let text = report.intervalSeconds == nil ? "collecting: findings need two samples"
                : "no findings: nothing is being dropped that droptop can see"
            return PaneContent(header: nil, rows: [[Span(text, .good)]])
        }
        let rows: [Line] = report.findings.map { f in
            [Span(Format.padRight(f.severity.name.uppercased(), 9), severityStyle(f.severity)),
             Span(Format.padRight(f.layer.name, 12), .dim),
             Span(Format.padRight(f.title, max(10, width - 21 - 24)) + " "),
             Span(Format.padRight(f.headline, 24), severityStyle(f.severity))]
        }
        return PaneContent(header: nil, rows: rows + ended.map { endedRow($0, now: report.sample.wallSeconds, width: width) })
    }

    /// The zoomed Triage pane: each finding with its evidence, explanation and hint.
    public static func triageDetail(_ report: Report, state: ViewState = ViewState(), width: Int) -> PaneContent {
        let ended = shownIncidents(report, state).filter { !$0.active }
        guard !report.findings.isEmpty else {
            var content = triage(report, state: state, width: width)
            if !ended.isEmpty { content.rows = ended.flatMap { endedDetail($0, now: report.sample.wallSeconds) } }
            return content
        }
        var rows: [Line] = []
        for f in report.findings {
            rows.append([Span(f.severity.name.uppercased() + " ", severityStyle(f.severity)), Span("[\(f.layer.name)] ", .dim),
                         Span(f.title, .header), Span("  (\(f.id), since \(TimeText.clock(f.since))\(history(f)))", .dim)])
            for e in f.evidence {
                let unit = e.unit == "per_s" ? "/s" : e.unit == "percent" ? "%" : ""
                let value = e.unit == "count" ? String(e.value.saturatingInt64) : Format.fixed(e.value, 2)
                rows.append([Span("  \(e.name)\(e.item.map { " (\($0))" } ?? ""): "), Span(value + unit, severityStyle(f.severity))])
            }
            for chunk in wrap(f.explanation + (f.hostWide ? " (host-wide source)" : ""), width - 4) { rows.append([Span("  " + chunk)]) }
            for (k, chunk) in wrap(f.hint, width - 10).enumerated() {
                rows.append([Span(k == 0 ? "  look: " : "        ", .dim), Span(chunk, .good)])
            }
            rows.append([])
        }
        return PaneContent(header: nil, rows: rows + ended.flatMap { endedDetail($0, now: report.sample.wallSeconds) })
    }

    /// ", first seen 12:00:01, peak 40/s" where the incident log knows more than this interval.
    static func history(_ f: Finding) -> String {
        var text = ""
        if let first = f.firstSeen, first < f.since { text += ", first seen \(TimeText.clock(first))" }
        if let peak = f.peak, let now = f.evidence.first?.value, peak > now {
            var atPeak = f
            atPeak.evidence[0].value = peak
            text += ", peak " + atPeak.headline.split(separator: " ").last.map(String.init)!
        }
        return text
    }

    static func wrap(_ text: String, _ width: Int) -> [String] {
        var lines: [String] = [], current = ""
        for word in text.split(separator: " ") {
            if !current.isEmpty && current.count + 1 + word.count > max(10, width) { lines.append(current); current = "" }
            current += (current.isEmpty ? "" : " ") + word
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}

extension String {
    func replacingSuffix(_ suffix: String) -> String { hasSuffix(suffix) ? String(dropLast(suffix.count)) : self }

    var trimmingLeadingSpaces: String { String(drop { $0 == " " }) }
}

extension Panes {
    /// Pane 7: the kernel's drop reasons, fastest first, with the layer and meaning of each.
    /// In the overview only those moving now; zoomed, every reason counted since the start.
    public static func dropReasons(_ report: Report, movingOnly: Bool, width: Int) -> PaneContent {
        guard let sample = report.sample.dropReasons, sample.available else {
            let why = report.sample.dropReasons?.note ?? "not counted: kernel drop reasons are read only on a live host"
            return PaneContent(header: nil, rows: [[Span(why, .warn)]])
        }
        let shown = movingOnly ? report.movingDropReasons : report.dropReasons
        let nameWidth = min(28, max(10, (shown.map(\.reason.count).max() ?? 0) + 1))
        let header: Line = [Span(Format.padRight("REASON", nameWidth) + Format.pad(Column.reasonDrops.label, 10)
                                 + Format.pad("total", 12) + "  " + Format.padRight("layer", 12) + "meaning", .header)]
        let rows: [Line] = shown.map { d in
            [Span(Format.padRight(d.reason, nameWidth)),
             Span(Format.rate(d.perSecond, width: 10), style(.reasonDrops, d.perSecond)),
             Span(Format.count(d.total, width: 12)),
             Span("  " + Format.padRight(d.info.layer.name, 12), .dim),
             Span(d.info.meaning)]
        }
        let empty = "no packets dropped since droptop started (\(sample.note ?? "kernel drop reasons"))"
        return PaneContent(header: header, rows: rows.isEmpty ? [[Span(empty, .good)]] : rows)
    }
}
