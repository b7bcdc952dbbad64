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

    static let dropFields: [NetDevCounters.Field] = [.rxErrs, .txErrs, .txColls, .rxDrop, .txDrop, .txCarrier, .rxFrame, .rxFifo, .txFifo]

    static func dropsAndErrors(_ i: InterfaceReport) -> Double {
        dropFields.reduce(0) { $0 + (i.rate($1) ?? 0) }
    }

    static func hasDropCounters(_ i: InterfaceReport) -> Bool {
        dropFields.contains { i.sample.counters[$0] > 0 }
    }

    static func linkStyle(_ state: String) -> Style {
        switch state {
        case "up": return .good
        case "NO-CARRIER": return .alert
        case "down", "lowerlayerdown": return .warn
        default: return .normal
        }
    }

    public static let throughputColumns = ["rxpck/s", "txpck/s", "rxkB/s", "txkB/s", "rxmcst/s", "%ifutil"]

    static func throughputValues(_ i: InterfaceReport) -> [Double?] {
        [i.rate(.rxPackets), i.rate(.txPackets), i.rate(.rxBytes).map { $0 / 1024 }, i.rate(.txBytes).map { $0 / 1024 },
         i.rate(.rxMulticast), i.utilPercent]
    }

    public static func throughput(_ report: Report, history: History, state: ViewState, width: Int) -> PaneContent {
        let shown = interfaces(report, state)
        let nameWidth = nameWidth(shown.map(\.name))
        let col = max(7, min(10, (width - nameWidth - 17) / throughputColumns.count))
        let fixed = nameWidth + throughputColumns.count * col + 12 + 5
        let sparkWidth = max(0, width - fixed - 1)
        var header: Line = [Span(Format.padRight("IFACE", nameWidth), .header)]
        header += throughputColumns.map { Span(Format.pad(col >= 9 ? $0 : $0.replacingSuffix("/s"), col), .header) }
        header.append(Span(" " + Format.padRight("link", 11) + Format.pad("speed", 5), .header))
        if sparkWidth > 3 { header.append(Span(" rx+tx", .header)) }
        let rows: [Line] = shown.map { i in
            var line: Line = [Span(Format.padRight(i.name, nameWidth))]
            line += throughputValues(i).map { Span(Format.rate($0, width: col)) }
            line.append(Span(" " + Format.padRight(i.linkState, 11), linkStyle(i.linkState)))
            line.append(Span(Format.pad(Format.speed(i.sample.speedMbps), 5)))
            if sparkWidth > 3 {
                let series = history.reports.map { r -> Double in
                    guard let x = r.interfaces.first(where: { $0.name == i.name }) else { return 0 }
                    return (x.rate(.rxBytes) ?? 0) + (x.rate(.txBytes) ?? 0)
                }
                line.append(Span(" " + state.glyphs.sparkline(series, width: sparkWidth), .good))
            }
            return line
        }
        return PaneContent(header: header, rows: rows.isEmpty ? [[Span("no interfaces match the filter (f)", .dim)]] : rows)
    }

    public static let dropColumns = ["rxerr/s", "txerr/s", "coll/s", "rxdrop/s", "txdrop/s", "txcarr/s", "rxfram/s", "rxfifo/s", "txfifo/s"]

    public static func drops(_ report: Report, state: ViewState, width: Int) -> PaneContent {
        // Narrow terminals drop the "/s" from the headers (the title says "per second").
        let shown = interfaces(report, state)
        let nameWidth = nameWidth(shown.map(\.name))
        let col = max(6, min(10, (width - nameWidth) / dropColumns.count))
        let names = col >= 9 ? dropColumns : dropColumns.map { String($0.dropLast(2)) }
        var header: Line = [Span(Format.padRight("IFACE", nameWidth), .header)]
        header += names.map { Span(Format.pad($0, col), .header) }
        let rows: [Line] = shown.map { i in
            var line: Line = [Span(Format.padRight(i.name, nameWidth))]
            line += dropFields.map { field in
                let v = i.rate(field)
                return Span(Format.rate(v, width: col), (v ?? 0) > 0 ? .alert : .normal)
            }
            return line
        }
        return PaneContent(header: header, rows: rows.isEmpty ? [[Span("no interfaces match the filter (f)", .dim)]] : rows)
    }

    // MARK: CPU / IRQ

    public static func cpu(_ report: Report, state: ViewState, width: Int) -> PaneContent {
        if state.showIRQRows { return irqRows(report, width: width) }
        // Columns shrink before the share bar disappears: the bar is what shows one CPU drowning.
        // Narrow (80 columns): NET_TX/s moves to the zoomed view and headers lose their "/s".
        let narrow = width < 60
        let wide = ["irq/s", "NET_RX/s", "NET_TX/s", "dropd/s", "squeezd/s"], short = ["irq", "NET_RX", "drop", "sqz"]
        let count = narrow ? short.count : wide.count
        let col = narrow ? 7 : max(7, min(10, (width - 4 - 10) / count))
        let names = narrow ? short : (col >= 10 ? wide : ["irq", "NET_RX", "NET_TX", "drop", "sqz"])
        let barWidth = max(0, width - 4 - col * count - 5)
        var header: Line = [Span(Format.padRight("CPU", 4), .header)]
        header += names.map { Span(Format.pad($0, col), .header) }
        if barWidth > 2 { header.append(Span(" " + Format.padRight(barWidth >= 17 ? "share of net IRQs" : "IRQ share", barWidth + 4), .header)) }
        let total = report.cpus.reduce(0.0) { $0 + ($1.netIRQsPerSecond ?? 0) }
        let rows: [Line] = report.cpus.map { c in
            let dropped = c.softnetRates["dropped"] ?? nil, squeezed = c.softnetRates["time_squeeze"] ?? nil
            var line: Line = [Span(Format.padRight(String(c.cpu), 4))]
            line.append(Span(Format.rate(c.netIRQsPerSecond, width: col)))
            line.append(Span(Format.rate(c.netRXPerSecond, width: col)))
            if !narrow { line.append(Span(Format.rate(c.netTXPerSecond, width: col))) }
            line.append(Span(Format.rate(dropped, width: col), (dropped ?? 0) > 0 ? .alert : .normal))
            line.append(Span(Format.rate(squeezed, width: col), (squeezed ?? 0) > 0 ? .warn : .normal))
            if barWidth > 2 {
                let share = total > 0 ? (c.netIRQsPerSecond ?? 0) / total : 0
                line.append(Span(" "))
                line.append(Span(state.glyphs.bar(share, width: barWidth), share > 0.8 && report.cpus.count > 1 ? .warn : .good))
                line.append(Span(Format.pad(total > 0 ? "\((share * 100).rounded().saturatingInt)%" : "", 4)))
            }
            return line
        }
        var all = rows
        if report.cpus.isEmpty { all = [[Span("no per-CPU data (see errors)", .dim)]] }
        all.append([Span("i: per-queue IRQ rows (\(report.irqs.count) network IRQs)", .dim)])
        return PaneContent(header: header, rows: all)
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

    static let stateShort = ["ESTABLISHED": "ESTAB", "SYN_SENT": "SYN_SENT", "SYN_RECV": "SYN_RECV", "FIN_WAIT1": "FIN_WAIT1",
                             "FIN_WAIT2": "FIN_WAIT2", "TIME_WAIT": "TIME_WAIT", "CLOSE": "CLOSE", "CLOSE_WAIT": "CLOSE_WAIT",
                             "LAST_ACK": "LAST_ACK", "LISTEN": "LISTEN", "CLOSING": "CLOSING"]

    public static func tcp(_ report: Report, state: ViewState, width: Int) -> PaneContent {
        guard let tcp = report.sample.tcp else {
            return PaneContent(header: nil, rows: [[Span("/proc/net/tcp unreadable (see errors)", .warn)]])
        }
        let cell = 23
        let perLine = max(1, min(3, width / cell))
        var rows: [Line] = []
        if let note = tcp.sourceNote { rows.append([Span(note, .warn)]) }
        if let readAt = report.sample.socketTablesSeconds, readAt < report.sample.monotonicSeconds {
            let age = report.sample.monotonicSeconds - readAt
            let cost = (report.sample.socketTablesCostSeconds ?? 0) * 1000
            rows.append([Span("as of \(Format.fixed(age, 1)) s ago (a read costs \(Format.fixed(cost, 1)) ms CPU)", .dim)])
        }
        var line: Line = []
        for (name, count) in tcp.states {
            let change = report.tcpStateChanges?[name]
            let changeText = change.map { $0 > 0 ? "+\($0)" : $0 < 0 ? "\($0)" : "" } ?? ""
            let style: Style = (name == "CLOSE_WAIT" || name == "SYN_RECV") && count > 0 ? .warn : .normal
            line.append(Span(Format.padRight(stateShort[name] ?? name, 10), .header))
            line.append(Span(Format.count(count, width: 7), style))
            line.append(Span(Format.padRight(changeText.isEmpty ? "" : " " + changeText, 6), (change ?? 0) != 0 ? .warn : .dim))
            if line.count / 3 == perLine { rows.append(line); line = [] }
        }
        if !line.isEmpty { rows.append(line) }
        let address = max(12, min(40, width - 8)), peerAddress = max(12, min(40, width - 23))
        rows.append([Span(Format.padRight("LISTEN address", address) + Format.pad("acceptq", 8), .header)])
        for l in tcp.listeners.prefix(8) {
            rows.append([Span(Format.padRight(hostPort(l.address, l.port), address)),
                         Span(Format.count(l.acceptQueue, width: 8), l.acceptQueue > 0 ? .warn : .normal)])
        }
        if tcp.listeners.isEmpty { rows.append([Span("(none)", .dim)]) }
        rows.append([Span(Format.padRight("top peers", peerAddress) + Format.pad("conns", 8) + Format.pad("retrans", 8) + Format.pad("tw", 7), .header)])
        for p in tcp.peers.prefix(8) {
            rows.append([Span(Format.padRight(p.address, peerAddress)), Span(Format.count(p.connections, width: 8)),
                         Span(Format.count(p.retransmitting, width: 8), p.retransmitting > 0 ? .warn : .normal),
                         Span(Format.count(p.timeWait, width: 7))])
        }
        if tcp.peers.isEmpty { rows.append([Span("(none)", .dim)]) }
        return PaneContent(header: nil, rows: rows)
    }

    static func hostPort(_ address: String, _ port: Int) -> String {
        address.contains(":") ? "[\(address)]:\(port)" : "\(address):\(port)"
    }

    // MARK: protocols

    /// sar -n TCP/ETCP/UDP/IP/EIP names for the counters they show.
    public static let protocolGroups: [(String, [(String, String, String)])] = [
        ("TCP", [("active/s", "Tcp", "ActiveOpens"), ("passive/s", "Tcp", "PassiveOpens"), ("iseg/s", "Tcp", "InSegs"),
                 ("oseg/s", "Tcp", "OutSegs")]),
        ("ETCP", [("atmptf/s", "Tcp", "AttemptFails"), ("estres/s", "Tcp", "EstabResets"), ("retrans/s", "Tcp", "RetransSegs"),
                  ("%retrans", "", "retrans%"), ("isegerr/s", "Tcp", "InErrs"), ("orsts/s", "Tcp", "OutRsts"),
                  ("lstovf/s", "TcpExt", "ListenOverflows"), ("lstdrp/s", "TcpExt", "ListenDrops")]),
        ("UDP", [("idgm/s", "Udp", "InDatagrams"), ("odgm/s", "Udp", "OutDatagrams"), ("noport/s", "Udp", "NoPorts"),
                 ("idgmerr/s", "Udp", "InErrors"), ("rcvbuferr/s", "Udp", "RcvbufErrors"), ("sndbuferr/s", "Udp", "SndbufErrors")]),
        ("UDP6", [("idgm6/s", "Udp6", "InDatagrams"), ("odgm6/s", "Udp6", "OutDatagrams"), ("noport6/s", "Udp6", "NoPorts"),
                  ("rcvbuf6/s", "Udp6", "RcvbufErrors")]),
        ("IP", [("irec/s", "Ip", "InReceives"), ("fwddgm/s", "Ip", "ForwDatagrams"), ("idisc/s", "Ip", "InDiscards"),
                ("odisc/s", "Ip", "OutDiscards"), ("ihdrerr/s", "Ip", "InHdrErrors"), ("iadrerr/s", "Ip", "InAddrErrors"),
                ("fragf/s", "Ip", "ReasmFails"), ("onort/s", "Ip", "OutNoRoutes")]),
    ]

    /// Counters whose movement means trouble; shown in red when non-zero.
    static let badCounters: Set<String> = ["AttemptFails", "EstabResets", "RetransSegs", "InErrs", "OutRsts", "ListenOverflows",
                                           "ListenDrops", "NoPorts", "InErrors", "RcvbufErrors", "SndbufErrors", "InDiscards",
                                           "OutDiscards", "InHdrErrors", "InAddrErrors", "ReasmFails", "OutNoRoutes"]

    public static func protocolValue(_ report: Report, section: String, counter: String) -> Double? {
        section.isEmpty ? report.retransPercent : report.rate(section, counter)
    }

    public static func protocols(_ report: Report, state: ViewState, width: Int) -> PaneContent {
        let cell = 21
        let perLine = max(1, (width - 5) / cell)
        var rows: [Line] = []
        for (group, items) in protocolGroups {
            var line: Line = [Span(Format.padRight(group, 5), .header)]
            var n = 0
            for (label, section, counter) in items {
                if n == perLine { rows.append(line); line = [Span("     ")]; n = 0 }
                let v = protocolValue(report, section: section, counter: counter)
                let bad = badCounters.contains(counter) && (v ?? 0) > 0
                line.append(Span(Format.padRight(label, 12), .dim))
                line.append(Span(Format.rate(v, width: 8) + " ", bad ? .alert : .normal))
                n += 1
            }
            rows.append(line)
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
        guard !report.findings.isEmpty else {
            return PaneContent(header: nil, rows: [[Span(report.intervalSeconds == nil ? "collecting: findings need two samples"
                                                                                      : "no findings: nothing is being dropped that droptop can see", .good)]])
        }
        let rows: [Line] = report.findings.map { f in
            [Span(Format.padRight(f.severity.name.uppercased(), 9), severityStyle(f.severity)),
             Span(Format.padRight(f.layer.name, 12), .dim),
             Span(Format.padRight(f.title, max(10, width - 21 - 24)) + " "),
             Span(Format.padRight(f.headline, 24), severityStyle(f.severity))]
        }
        return PaneContent(header: nil, rows: rows)
    }

    /// The zoomed Triage pane: each finding with its evidence, explanation and hint.
    public static func triageDetail(_ report: Report, width: Int) -> PaneContent {
        guard !report.findings.isEmpty else { return triage(report, state: ViewState(), width: width) }
        var rows: [Line] = []
        for f in report.findings {
            rows.append([Span(f.severity.name.uppercased() + " ", severityStyle(f.severity)), Span("[\(f.layer.name)] ", .dim),
                         Span(f.title, .header), Span("  (\(f.id), since \(TimeText.clock(f.since)))", .dim)])
            for e in f.evidence {
                let unit = e.unit == "per_s" ? "/s" : e.unit == "percent" ? "%" : ""
                let value = e.unit == "count" ? String(e.value.saturatingInt64) : Format.fixed(e.value, 2)
                rows.append([Span("  \(e.name)\(e.item.map { " (\($0))" } ?? ""): "), Span(value + unit, severityStyle(f.severity))])
            }
            for chunk in wrap(f.explanation + (f.hostWide ? " (host-wide source)" : ""), width - 4) { rows.append([Span("  " + chunk)]) }
            for (k, chunk) in wrap(f.hint, width - 10).enumerated() { rows.append([Span(k == 0 ? "  look: " : "        ", .dim), Span(chunk, .good)]) }
            rows.append([])
        }
        return PaneContent(header: nil, rows: rows)
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
