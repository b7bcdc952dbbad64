import DropTopCore

/// The panes that are tables of catalog columns (1, 2, 3): laid out by ColumnLayout, so that
/// at any width every column keeps a space before it and every digit.
extension Panes {
    static func nameCell(_ name: String, _ width: Int) -> Span { Span(Format.padRight(name, width)) }

    public static func throughput(_ report: Report, history: History, state: ViewState, width: Int) -> PaneContent {
        let shown = interfaces(report, state)
        let nameWidth = nameWidth(shown.map(\.name))
        let linkWidth = 12 + 5
        // The sparkline takes what is left once the columns have their preferred width.
        let layout = ColumnLayout(state.bits ? .throughputPaneBits : .throughputPane, room: width - nameWidth - linkWidth)
        let sparkWidth = max(0, width - nameWidth - layout.width - linkWidth - 1)
        var header: Line = [Span(Format.padRight("IFACE", nameWidth), .header)] + layout.headerSpans
        header.append(Span(" " + Format.padRight("link", 11) + Format.pad("speed", 5), .header))
        if sparkWidth > 3 { header.append(Span(" rx+tx", .header)) }
        let rows: [Line] = shown.map { i in
            var line: Line = [nameCell(i.name, nameWidth)]
            line += layout.slots.map { Span(Format.rate($0.column.value(i), width: $0.width)) }
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
        return PaneContent(header: header, rows: rows.isEmpty ? [noInterfacesLine(report)] : rows,
                           note: layout.note)
    }

    public static func drops(_ report: Report, state: ViewState, width: Int) -> PaneContent {
        let shown = interfaces(report, state)
        let nameWidth = nameWidth(shown.map(\.name))
        let layout = ColumnLayout(.dropsPane, room: width - nameWidth)
        let header: Line = [Span(Format.padRight("IFACE", nameWidth), .header)] + layout.headerSpans
        let rows: [Line] = shown.map { i in
            [nameCell(i.name, nameWidth)] + layout.slots.map { slot in
                let v = slot.column.value(i)
                return Span(Format.rate(v, width: slot.width), style(slot.column, v))
            }
        }
        return PaneContent(header: header, rows: rows.isEmpty ? [noInterfacesLine(report)] : rows,
                           note: layout.note)
    }

    /// The CPUs in the order chosen with `s` on pane 3: by number, by backlog drops, by network IRQs.
    static func sortedCPUs(_ report: Report, _ state: ViewState) -> [CPUReport] {
        switch state.cpuSort {
        case .cpu: return report.cpus
        case .drops:
            let drops = { (c: CPUReport) in Column.softDropped.value(c, in: report) ?? 0 }
            return report.cpus.sorted { drops($0) > drops($1) }
        case .irqs: return report.cpus.sorted { ($0.netIRQsPerSecond ?? 0) > ($1.netIRQsPerSecond ?? 0) }
        }
    }

    public static func cpu(_ report: Report, state: ViewState, width: Int) -> PaneContent {
        if state.showIRQRows { return irqRows(report, width: width) }
        // Columns before the share bar, but a bar of at least 3 cells stays: it shows one CPU drowning.
        let barReserve = 1 + 3 + 4
        let layout = ColumnLayout(.cpuPane, room: width - 4 - barReserve)
        let barWidth = max(0, width - 4 - layout.width - 5)
        var header: Line = [Span(Format.padRight("CPU", 4), .header)] + layout.headerSpans
        if barWidth > 2 {
            let label = barWidth >= 17 ? "share of net IRQs" : barWidth >= 5 ? "IRQ share" : "share"
            header.append(Span(" " + Format.padRight(label, barWidth + 4), .header))
        }
        let total = report.cpus.reduce(0.0) { $0 + ($1.netIRQsPerSecond ?? 0) }
        let rows: [Line] = sortedCPUs(report, state).map { c in
            var line: Line = [Span(Format.padRight(String(c.cpu), 4))]
            line += layout.slots.map { slot in
                let v = slot.column.value(c, in: report)
                return Span(Format.rate(v, width: slot.width), style(slot.column, v))
            }
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
        let sortNote = state.cpuSort == .cpu ? nil : "[sort: \(state.cpuSort.label)]"
        return PaneContent(header: header, rows: all, note: [layout.note, sortNote].compactMap { $0 }.joined(separator: " ").nilIfEmpty)
    }
}

extension Panes {
    /// Why panes 1 and 2 have no rows: /proc/net/dev could not be read (its error, as the
    /// errors list has it), it listed no interface, or the filter (f, /, --iface) hides them all.
    static func noInterfacesLine(_ report: Report) -> Line {
        guard report.interfaces.isEmpty else { return [Span("no interfaces match the filter (f, /)", .dim)] }
        if let error = report.sample.errors.first(where: { $0.source == "/proc/net/dev" }) {
            return [Span("/proc/net/dev: " + error.message, .warn)]
        }
        return [Span("no interfaces (--iface matches none, or /proc/net/dev lists none)", .dim)]
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
