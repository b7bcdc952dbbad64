import DropTopCore

/// sar-style history for a zoomed pane: one timestamped row per interval (and item), then
/// `Average:` rows. Averages weight each interval by its length, as sar's do.
public enum HistoryTables {
    static let col = 10

    /// `width`: the cells the table has; value columns that do not fit scroll with Left/Right,
    /// and the note says which are shown ("[< cols 3-8/17 >: Left/Right]").
    public static func table(_ pane: PaneID, history: History, state: ViewState, width: Int = 10_000) -> PaneContent {
        let reports = history.withRates
        let view = Window(pane: pane, state: state, width: width)
        switch pane {
        case .throughput:
            return perInterface(reports, state: state, group: state.bits ? .throughputPaneBits : .throughputPane, view: view)
        case .drops:
            return perInterface(reports, state: state, group: .edev, view: view)
        case .cpu: return cpus(reports, view: view)
        case .tcp: return tcpStates(reports, view: view)
        case .protocols: return protocolRates(reports, view: view)
        case .triage: return triageHistory(reports)
        case .dropReasons: return dropReasonHistory(reports)
        case .namespaces: return namespaceHistory(reports)
        }
    }

    /// What a history shows before it has two samples.
    static let collecting: [Line] = [[Span("collecting: rates appear after the second sample", .dim)]]

    static func header(_ first: String, _ columns: [String], nameWidth: Int = Panes.minimumNameWidth) -> Line {
        [Span(Format.padRight("time", 9) + Format.padRight(first, nameWidth), .header)]
            + columns.map { Span(Format.pad($0, col), .header) }
    }

    /// sar's label when it fits with a space before it, else the narrow one.
    static func labels(_ columns: [Column]) -> [String] { columns.map { $0.label.count < col ? $0.label : $0.narrowLabel } }

    /// Which value columns a zoomed history shows: as many as fit, from the scrolled-to one.
    struct Window {
        let pane: PaneID, state: ViewState, width: Int

        func range(_ count: Int, fixed: Int, cell: Int = col) -> (range: Range<Int>, note: String?) {
            let fit = max(1, (width - fixed) / cell)
            guard count > fit else { return (0..<count, nil) }
            let first = min(state.hscroll[pane] ?? 0, count - fit)
            let shown = first..<(first + fit)
            let left = first > 0 ? "< " : "", right = shown.upperBound < count ? " >" : ""
            return (shown, "[\(left)cols \(first + 1)-\(shown.upperBound)/\(count)\(right): Left/Right]")
        }
    }

    /// Values painted as their columns say (Panes.style); `plain` for averages of levels.
    static func valueSpans(_ values: [Double?], _ columns: [Column]) -> [Span] {
        zip(values, columns).map { Span(Format.rate($0, width: col), Panes.style($1, $0)) }
    }

    /// Interval-weighted mean of the known values.
    static func average(_ pairs: [(Double?, Double)]) -> Double? {
        var sum = 0.0, seconds = 0.0
        for (v, dt) in pairs { if let v { sum += v * dt; seconds += dt } }
        return seconds > 0 ? sum / seconds : nil
    }

    static func perInterface(_ reports: [Report], state: ViewState, group: ColumnGroup, view: Window) -> PaneContent {
        var rows: [Line] = []
        var names: [String] = []
        var samples: [String: [([Double?], Double)]] = [:]
        let shown = reports.map { Panes.interfaces($0, state) }
        let nameWidth = Panes.nameWidth(shown.flatMap { $0.map(\.name) })
        let (range, note) = view.range(group.columns.count, fixed: 9 + nameWidth)
        let columns = Array(group.columns[range])
        for (r, interfaces) in zip(reports, shown) {
            let time = TimeText.clock(r.sample.wallSeconds)
            for i in interfaces {
                let v = columns.map { $0.value(i) }
                if samples[i.name] == nil { names.append(i.name) }
                samples[i.name, default: []].append((v, r.intervalSeconds ?? 0))
                rows.append([Span(Format.padRight(time, 9) + Format.padRight(i.name, nameWidth))] + valueSpans(v, columns))
            }
        }
        for name in names {
            let series = samples[name] ?? []
            let avg = columns.indices.map { c in average(series.map { ($0.0[c], $0.1) }) }
            rows.append([Span(Format.padRight("Average:", 9), .header), Span(Format.padRight(name, nameWidth))]
                        + valueSpans(avg, columns))
        }
        return PaneContent(header: header("IFACE", labels(columns), nameWidth: nameWidth), rows: rows.isEmpty ? collecting : rows,
                           note: note)
    }

    static func cpus(_ reports: [Report], view: Window) -> PaneContent {
        let (range, note) = view.range(ColumnGroup.cpuPane.columns.count, fixed: 9 + Panes.minimumNameWidth)
        let columns = Array(ColumnGroup.cpuPane.columns[range])
        var rows: [Line] = []
        var order: [Int] = []
        var samples: [Int: [([Double?], Double)]] = [:]
        for r in reports {
            let time = TimeText.clock(r.sample.wallSeconds)
            for c in r.cpus {
                let v = columns.map { $0.value(c, in: r) }
                if samples[c.cpu] == nil { order.append(c.cpu) }
                samples[c.cpu, default: []].append((v, r.intervalSeconds ?? 0))
                rows.append([Span(Format.padRight(time, 9) + Format.padRight(String(c.cpu), Panes.minimumNameWidth))]
                            + valueSpans(v, columns))
            }
        }
        for cpu in order {
            let series = samples[cpu] ?? []
            let avg = columns.indices.map { i in average(series.map { ($0.0[i], $0.1) }) }
            rows.append([Span(Format.padRight("Average:", 9), .header), Span(Format.padRight(String(cpu), Panes.minimumNameWidth))]
                        + avg.map { Span(Format.rate($0, width: col)) })
        }
        return PaneContent(header: header("CPU", labels(columns)), rows: rows.isEmpty ? collecting : rows, note: note)
    }

    /// 11 columns of 9 cells fit a 120-column window (TCPState.historyLabel).
    static let stateCol = 9

    static func tcpStates(_ reports: [Report], view: Window) -> PaneContent {
        let (range, note) = view.range(tcpStateNames.count, fixed: 9, cell: stateCol)
        let names = Array(tcpStateNames[range])
        var rows: [Line] = []
        var sums = [Double](repeating: 0, count: names.count)
        var n = 0.0
        for r in reports {
            guard let states = r.sample.tcp?.states else { continue }
            let values = names.map { Double(states[$0] ?? 0) }
            for (i, v) in values.enumerated() { sums[i] += v }
            n += 1
            rows.append([Span(Format.padRight(TimeText.clock(r.sample.wallSeconds), 9))]
                        + values.map { Span(Format.count($0.saturatingUInt64, width: stateCol)) })
        }
        if n > 0 {
            rows.append([Span(Format.padRight("Average:", 9), .header)] + sums.map { Span(Format.rate($0 / n, width: stateCol)) })
        }
        let head: Line = [Span(Format.padRight("time", 9), .header)]
            + Array(TCPState.allCases)[range].map { Span(Format.pad($0.historyLabel, stateCol), .header) }
        return PaneContent(header: head, rows: rows.isEmpty ? [[Span("no TCP data yet", .dim)]] : rows, note: note)
    }

    /// One row per interval and moving reason, sar-style, then each reason's average.
    static func dropReasonHistory(_ reports: [Report]) -> PaneContent {
        let nameWidth = min(28, max(10, (reports.flatMap { $0.dropReasons.map(\.reason.count) }.max() ?? 0) + 1))
        var rows: [Line] = []
        var order: [String] = []
        var series: [String: [(Double?, Double)]] = [:]
        for r in reports {
            for d in r.movingDropReasons {
                if series[d.reason] == nil { order.append(d.reason) }
                rows.append([Span(Format.padRight(TimeText.clock(r.sample.wallSeconds), 9) + Format.padRight(d.reason, nameWidth))]
                            + valueSpans([d.perSecond], [.reasonDrops]))
            }
            // Every interval counts towards the average, moving or not.
            for reason in order {
                series[reason, default: []].append((r.dropReasons.first { $0.reason == reason }?.perSecond ?? 0, r.intervalSeconds ?? 0))
            }
        }
        for reason in order {
            rows.append([Span(Format.padRight("Average:", 9), .header), Span(Format.padRight(reason, nameWidth))]
                        + [Span(Format.rate(average(series[reason] ?? []), width: col))])
        }
        let head = header("REASON", [Column.reasonDrops.label], nameWidth: nameWidth)
        return PaneContent(header: head, rows: rows.isEmpty ? [[Span("no kernel drops in this history", .dim)]] : rows)
    }

    static func triageHistory(_ reports: [Report]) -> PaneContent {
        var rows: [Line] = []
        var counts: [String: Int] = [:]
        for r in reports {
            let ids = r.findings.map { $0.id + ($0.item.map { "(\($0))" } ?? "") }
            for id in ids { counts[id, default: 0] += 1 }
            rows.append([Span(Format.padRight(TimeText.clock(r.sample.wallSeconds), 9)),
                         Span(ids.isEmpty ? "-" : ids.joined(separator: " "), ids.isEmpty ? .dim : .warn)])
        }
        if !reports.isEmpty {
            rows.append([Span(Format.padRight("Average:", 9), .header),
                         Span(counts.isEmpty ? "no findings" : counts.sorted { $0.key < $1.key }
                                .map { "\($0.key) in \($0.value)/\(reports.count) intervals" }.joined(separator: ", "))])
        }
        return PaneContent(header: [Span(Format.padRight("time", 9) + "findings", .header)], rows: rows)
    }

    static func protocolRates(_ reports: [Report], view: Window) -> PaneContent {
        let every = ColumnGroup.protocolPane.flatMap(\.columns).filter { view.state.search.isEmpty || $0.label.contains(view.state.search) }
        let (range, note) = view.range(every.count, fixed: 9)
        let columns = Array(every[range])
        var rows: [Line] = []
        for r in reports {
            rows.append([Span(Format.padRight(TimeText.clock(r.sample.wallSeconds), 9))] + valueSpans(columns.map { $0.value(r) }, columns))
        }
        if !reports.isEmpty {
            let avg = columns.map { c in average(reports.map { (c.value($0), $0.intervalSeconds ?? 0) }) }
            rows.append([Span(Format.padRight("Average:", 9), .header)] + avg.map { Span(Format.rate($0, width: col)) })
        }
        let head: Line = [Span(Format.padRight("time", 9), .header)] + labels(columns).map { Span(Format.pad($0, col), .header) }
        return PaneContent(header: head, rows: rows.isEmpty ? collecting : rows, note: note)
    }
}
