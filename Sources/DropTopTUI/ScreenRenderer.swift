import DropTopCore

/// Lays out and renders the whole screen into a Grid. Pure: same inputs, same cells.
public enum ScreenRenderer {
    public static let minimumWidth = 64
    public static let minimumHeight = 18

    public static func render(history: History, state: ViewState, width: Int, height: Int,
                              statusNote: String? = nil) -> Grid {
        var grid = Grid(width: width, height: height)
        guard width >= minimumWidth, height >= minimumHeight else {
            let message = "terminal too small: need \(minimumWidth)x\(minimumHeight), have \(width)x\(height)"
            var y = 0
            var rest = Substring(message)
            while !rest.isEmpty && y < height {
                grid.put(String(rest.prefix(max(1, width))), x: 0, y: y, style: .warn)
                rest = rest.dropFirst(max(1, width)); y += 1
            }
            return grid
        }
        statusLine(&grid, history: history, state: state, note: statusNote)
        keyLine(&grid, state: state)
        let body = Rect(x: 0, y: 1, width: width, height: height - 2)
        guard let report = history.latest?.withNamespaceFindings else {
            grid.put("waiting for the first sample...", x: 2, y: 2, style: .dim)
            return grid
        }
        if let pane = state.zoomed {
            zoom(&grid, pane: pane, report: report, history: history, state: state, rect: body)
        } else {
            for (pane, rect) in layout(body, report: report, state: state) {
                drawPane(&grid, pane: pane, content: content(pane, report, history, state, width: rect.width - 2),
                         rect: rect, state: state, scroll: state.focus == pane ? state.scroll(pane) : 0)
            }
        }
        if state.showHelp { help(&grid, state: state) }
        return grid
    }

    /// Which panes the overview shows, and where. 80x24: panes 1-4; from 120x30: pane 5 too.
    /// Whenever a finding holds, the Triage pane goes on top, one line per finding; whenever the
    /// kernel drops packets, its drop reasons (pane 7) go below it.
    public static func layout(_ body: Rect, report: Report, state: ViewState) -> [(PaneID, Rect)] {
        var panes: [(PaneID, Rect)] = []
        var rest = body
        func strip(_ pane: PaneID, rows: Int, share: Int) {
            let height = min(rows + 2, max(3, body.height / share))
            panes.append((pane, Rect(x: rest.x, y: rest.y, width: rest.width, height: height)))
            rest = Rect(x: rest.x, y: rest.y + height, width: rest.width, height: rest.height - height)
        }
        let incidents = Panes.shownIncidents(report, state)
        if !incidents.isEmpty { strip(.triage, rows: incidents.count, share: 4) }
        let moving = report.movingDropReasons.count
        if moving > 0 { strip(.dropReasons, rows: moving + 1, share: 5) }
        return panes + layout(rest, report: report, state: state, withoutTriage: true)
    }

    static func layout(_ body: Rect, report: Report, state: ViewState, withoutTriage: Bool) -> [(PaneID, Rect)] {
        let interfaceRows = max(1, Panes.interfaces(report, state).count)
        let showProtocols = body.width >= 120 && body.height >= 28
        let h = body.height
        // Interface panes get what they need, up to a third of the height each, never below 4 rows.
        let ifaceHeight = max(4, min(interfaceRows + 3, h / 3))
        let dropsHeight = max(4, min(interfaceRows + 3, (h - ifaceHeight) / 2))
        let bottomHeight = h - ifaceHeight - dropsHeight
        let top = Rect(x: body.x, y: body.y, width: body.width, height: ifaceHeight)
        let middle = Rect(x: body.x, y: body.y + ifaceHeight, width: body.width, height: dropsHeight)
        let bottomY = middle.y + dropsHeight
        var panes: [(PaneID, Rect)] = [(.throughput, top), (.drops, middle)]
        if showProtocols {
            let cpuWidth = body.width * 44 / 100, tcpWidth = body.width * 27 / 100
            panes.append((.cpu, Rect(x: body.x, y: bottomY, width: cpuWidth, height: bottomHeight)))
            panes.append((.tcp, Rect(x: body.x + cpuWidth, y: bottomY, width: tcpWidth, height: bottomHeight)))
            panes.append((.protocols, Rect(x: body.x + cpuWidth + tcpWidth, y: bottomY,
                                           width: body.width - cpuWidth - tcpWidth, height: bottomHeight)))
        } else {
            let cpuWidth = body.width * 55 / 100
            panes.append((.cpu, Rect(x: body.x, y: bottomY, width: cpuWidth, height: bottomHeight)))
            panes.append((.tcp, Rect(x: body.x + cpuWidth, y: bottomY, width: body.width - cpuWidth, height: bottomHeight)))
        }
        return panes
    }

    static func content(_ pane: PaneID, _ report: Report, _ history: History, _ state: ViewState, width: Int) -> PaneContent {
        switch pane {
        case .throughput: return Panes.throughput(report, history: history, state: state, width: width)
        case .drops: return Panes.drops(report, state: state, width: width)
        case .cpu: return Panes.cpu(report, state: state, width: width)
        case .tcp: return Panes.tcp(report, state: state, width: width)
        case .protocols: return Panes.protocols(report, state: state, width: width)
        case .triage:
            return state.zoomed == .triage ? Panes.triageDetail(report, state: state, width: width)
                : Panes.triage(report, state: state, width: width)
        case .dropReasons: return Panes.dropReasons(report, movingOnly: state.zoomed != .dropReasons, width: width)
        case .namespaces: return Panes.namespaces(report, width: width)
        }
    }

    static func title(_ pane: PaneID, _ state: ViewState) -> String {
        var t = "\(pane.rawValue) \(pane.title)"
        if [.throughput, .drops].contains(pane) { t += " (per second)" }
        // Inside a network namespace the per-CPU figures still count the whole host.
        if pane == .cpu { t += state.insideNamespace ? " (per second, host-wide)" : " (per second)" }
        if pane == .dropReasons { t += " (per second, host-wide)" }
        if pane == .throughput || pane == .drops {
            if state.filter != .all { t += " [\(state.filter.label)]" }
            if state.sort != .name { t += " [sort: \(state.sort.label)]" }
        }
        return t
    }

    /// Draws a boxed pane: header fixed, rows scrolled by `scroll` lines.
    static func drawPane(_ grid: inout Grid, pane: PaneID, content: PaneContent, rect: Rect, state: ViewState,
                         scroll: Int, titleSuffix: String = "") {
        let note = content.note.map { " " + $0 } ?? ""
        var text = title(pane, state) + titleSuffix + note
        // A narrow pane keeps its note ("+2 cols: zoom") before "(per second)".
        if text.count > rect.width - 6 { text = text.replacing(" (per second)", with: "") }
        grid.box(rect, title: text, glyphs: state.glyphs, focused: state.focus == pane)
        let inner = rect.inner
        guard !inner.isEmpty else { return }
        var y = inner.y
        if let header = content.header {
            drawLine(&grid, header, x: inner.x, y: y, width: inner.width)
            y += 1
        }
        let visible = inner.y + inner.height - y
        let maxScroll = max(0, content.rows.count - visible)
        let first = min(max(0, scroll), maxScroll)
        for (i, line) in content.rows.dropFirst(first).prefix(max(0, visible)).enumerated() {
            drawLine(&grid, line, x: inner.x, y: y + i, width: inner.width)
        }
        if content.rows.count > visible && visible > 0 {
            let more = "\(first + 1)-\(min(content.rows.count, first + visible))/\(content.rows.count)"
            grid.put(" \(more) ", x: rect.x + rect.width - more.count - 4, y: rect.y + rect.height - 1, style: .dim)
        }
    }

    static func drawLine(_ grid: inout Grid, _ line: Line, x: Int, y: Int, width: Int) {
        var column = x
        for span in line {
            let room = x + width - column
            if room <= 0 { break }
            column += grid.put(span.text, x: column, y: y, style: span.style, maxWidth: room)
        }
    }

    // MARK: zoom

    static func zoom(_ grid: inout Grid, pane: PaneID, report: Report, history: History, state: ViewState, rect: Rect) {
        let now = content(pane, report, history, state, width: rect.width - 2)
        let nowRows = now.rows.count + (now.header == nil ? 0 : 1) + 2
        // Findings carry explanations and hints: the Triage pane keeps most of the screen.
        let topHeight = min(nowRows, max(5, rect.height * (pane == .triage ? 3 : 2) / (pane == .triage ? 4 : 5)))
        drawPane(&grid, pane: pane, content: now, rect: Rect(x: rect.x, y: rect.y, width: rect.width, height: topHeight),
                 state: state, scroll: pane == .triage ? state.scroll(pane) : 0, titleSuffix: " - now")
        let bottom = Rect(x: rect.x, y: rect.y + topHeight, width: rect.width, height: rect.height - topHeight)
        let past = HistoryTables.table(pane, history: history, state: state, width: bottom.width - 2)
        let columns = past.note.map { " " + $0 } ?? ""
        let help = " (newest at the bottom; arrows/PgUp/PgDn scroll)"
        let title = "history, one row per interval" + (29 + help.count + columns.count <= bottom.width - 6 ? help : "") + columns
        grid.box(bottom, title: title, glyphs: state.glyphs)
        let inner = bottom.inner
        guard !inner.isEmpty else { return }
        drawLine(&grid, past.header ?? [], x: inner.x, y: inner.y, width: inner.width)
        let visible = inner.height - 1
        let maxScroll = max(0, past.rows.count - visible)
        let up = pane == .triage ? 0 : min(max(0, state.scroll(pane)), maxScroll)
        let start = max(0, past.rows.count - visible - up)
        for (i, line) in past.rows[start..<min(past.rows.count, start + visible)].enumerated() {
            drawLine(&grid, line, x: inner.x, y: inner.y + 1 + i, width: inner.width)
        }
    }

    // MARK: chrome

    static func statusLine(_ grid: inout Grid, history: History, state: ViewState, note: String?) {
        grid.fill(Rect(x: 0, y: 0, width: grid.width, height: 1), style: .status)
        guard let sample = history.latest?.sample else {
            grid.put(" droptop", x: 0, y: 0, style: .status)
            return
        }
        let time = "\(TimeText.date(sample.wallSeconds)) \(TimeText.clock(sample.wallSeconds))"
        var text = " droptop | \(sample.host.hostname) | \(sample.host.kernel) | \(time)"
        text += " | every \(Format.seconds(state.interval))"
        if state.searching || !state.search.isEmpty { text += " | /\(state.search)\(state.searching ? "_" : "")" }
        if let note { text += " | \(note)" }
        let used = grid.put(text, x: 0, y: 0, style: .status)
        var x = used
        if state.paused { x += grid.put(" | PAUSED", x: x, y: 0, style: .status) }
        if !sample.errors.isEmpty {
            let sources = Set(sample.errors.map(\.source)).count
            x += grid.put(" | \(sources) source\(sources == 1 ? "" : "s") with errors", x: x, y: 0, style: .warn)
        }
        // Said once, where it is always seen: why pane 7 is empty (its first line says more).
        if let reasons = sample.dropReasons, !reasons.available {
            grid.put(" | no kernel drop reasons (7)", x: x, y: 0, style: .warn)
        }
    }

    /// The keys that fit, most useful first; "h help  q quit" always stays.
    static func keyLine(_ grid: inout Grid, state: ViewState) {
        let keys = state.searching ? ["type to filter", "Enter keep", "Esc clear"]
            : state.zoomed == nil
            ? ["1-8 zoom", "t triage", "Tab focus", "s sort", "f filter", "/ find", "u units", "i IRQs", "p pause", "+/- interval"]
            : ["0/Esc overview", "1-8 zoom", "arrows scroll", "Left/Right columns", "p pause"]
        let tail = state.searching ? "" : "h help  q quit"
        var line = " "
        // "<": the bottom-right cell stays blank (Screen never writes it).
        for key in keys where line.count + key.count + 2 + tail.count < grid.width { line += key + "  " }
        grid.put(line + tail, x: 0, y: grid.height - 1, style: .dim, maxWidth: grid.width)
    }

    public static let helpLines: [String] = [
        "1 to 8       zoom a pane to full screen, with its history",
        "t  x         the Triage pane; x forgets its ended (dimmed) findings",
        "0 or Esc     back to the overview",
        "Tab / S-Tab  move the focus between panes",
        "Up Down      scroll the focused pane (zoomed: the history)",
        "PgUp PgDn    scroll a page; Home/End: oldest/newest",
        "Left Right   zoomed: scroll the history's columns",
        "s            sort the focused pane: interfaces, CPUs, listeners",
        "f            filter interfaces; pane 5: only moving counters",
        "/            find an interface, port or counter (Esc clears)",
        "u            throughput in kB/s or Mbit/s",
        "i            CPU pane: per-queue IRQ rows / per-CPU rows",
        "space or p   pause / resume sampling (replay: playback)",
        ", . g G      step back / forward (live too); replay: start / end",
        "+ -, r       interval longer / shorter; r: read socket tables now",
        "h or ?       this help (any key, q too, closes it)",
        "q, Ctrl-C    quit",
    ]

    static func help(_ grid: inout Grid, state: ViewState) {
        let width = min(grid.width - 4, 70), height = min(grid.height - 2, helpLines.count + 4)
        let rect = Rect(x: (grid.width - width) / 2, y: (grid.height - height) / 2, width: width, height: height)
        grid.fill(rect)
        grid.box(rect, title: "Help: keys", glyphs: state.glyphs, focused: true)
        for (i, line) in helpLines.prefix(height - 3).enumerated() {
            grid.put(line, x: rect.x + 2, y: rect.y + 1 + i, maxWidth: width - 4)
        }
        grid.put("droptop(1) lists every column and its source file", x: rect.x + 2, y: rect.y + height - 2,
                 style: .dim, maxWidth: width - 4)
    }
}
