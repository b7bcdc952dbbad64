/// Keys, decoded from curses codes so that the handling below is pure and testable.
public enum Key: Equatable, Sendable {
    case char(Character)
    case up, down, left, right, pageUp, pageDown, home, end, tab, backTab, escape, resize
}

public enum KeyAction: Equatable, Sendable {
    case none, quit, redraw, intervalChanged
    /// Move through the recording, or live through the history in memory.
    case stepForward, stepBack, jumpStart, jumpEnd
    /// Forget the ended incidents; walk the socket tables at the next sample.
    case dismissEnded, readSocketsNow
}

public enum KeyHandler {
    public static let minimumInterval = 0.1

    /// Applies one key to the view state. `pageSize` is the number of rows a page scroll moves.
    public static func apply(_ key: Key, to state: inout ViewState, pageSize: Int = 10) -> KeyAction {
        if state.showHelp {
            // Any key closes the help, q included (the help and the man page say so).
            state.showHelp = false
            return .redraw
        }
        if state.searching { return typeSearch(key, &state) }
        let pane = state.zoomed ?? state.focus
        // Zoomed panes scroll their history up into the past; the zoomed Triage pane scrolls its
        // findings downwards like an overview pane.
        let intoPast = state.zoomed != nil && state.zoomed != .triage
        switch key {
        case .char("q"), .char("Q"): return .quit
        case .char("h"), .char("?"): state.showHelp = true
        case .char(" "), .char("p"): state.paused.toggle()
        case .char("0"), .escape: state.zoomed = nil
        case .char("t"):
            state.zoomed = state.zoomed == .triage ? nil : .triage
            state.focus = .triage
        case .char(let c) where ("1"..."8").contains(c):
            if let n = c.wholeNumberValue, let p = PaneID(rawValue: n) {
                state.zoomed = state.zoomed == p ? nil : p
                state.focus = p
            }
        case .tab: state.focus = PaneID(rawValue: state.focus.rawValue % PaneID.allCases.count + 1) ?? .throughput
        case .backTab:
            let count = PaneID.allCases.count
            state.focus = PaneID(rawValue: (state.focus.rawValue + count - 2) % count + 1) ?? .throughput
        case .char("s"): cycleSort(pane, &state)
        case .char("f"):
            if pane == .protocols { state.movingOnly.toggle(); break }
            state.filter = InterfaceFilter(rawValue: (state.filter.rawValue + 1) % InterfaceFilter.allCases.count) ?? .all
        case .char("u"): state.bits.toggle()
        case .char("/"): state.searching = true; state.search = ""
        case .left: state.hscroll[pane] = max(0, state.hscroll[pane, default: 0] - 1)
        case .right: state.hscroll[pane] = min(200, state.hscroll[pane, default: 0] + 1)
        case .char("i"): state.showIRQRows.toggle()
        case .char("+"), .char("="), .char("-"), .char("_"): return changeInterval(key, &state)
        // Zoomed, scrolling moves up into the past; in the overview, down the focused pane's rows.
        case .up: scroll(&state, pane, by: intoPast ? 1 : -1)
        case .down: scroll(&state, pane, by: intoPast ? -1 : 1)
        case .pageUp: scroll(&state, pane, by: intoPast ? pageSize : -pageSize)
        case .pageDown: scroll(&state, pane, by: intoPast ? -pageSize : pageSize)
        case .home: state.scroll[pane] = intoPast ? 100_000 : 0
        case .end: state.scroll[pane] = intoPast ? 0 : 100_000
        case .resize: return .redraw
        case .char("."): state.paused = true; return .stepForward
        case .char(","): state.paused = true; return .stepBack
        case .char("x"): return .dismissEnded
        case .char("r"): return .readSocketsNow
        case .char("g"): return .jumpStart
        case .char("G"): return .jumpEnd
        default: return .none
        }
        return .redraw
    }

    /// `+` and `-`: tenths below one second, whole seconds above, kept to tenths so that the
    /// status line shows the same figure the keys produced.
    static func changeInterval(_ key: Key, _ state: inout ViewState) -> KeyAction {
        if key == .char("+") || key == .char("=") {
            state.interval = min(60, state.interval < 1 ? state.interval + 0.1 : state.interval + 1)
        } else {
            state.interval = max(minimumInterval, state.interval <= 1 ? state.interval - 0.1 : state.interval - 1)
        }
        state.interval = max(minimumInterval, (state.interval * 10).rounded() / 10)
        return .intervalChanged
    }

    /// `s`: the focused pane's order: CPUs on pane 3, listeners on pane 4, interfaces elsewhere.
    static func cycleSort(_ pane: PaneID, _ state: inout ViewState) {
        switch pane {
        case .cpu: state.cpuSort = CPUSort(rawValue: (state.cpuSort.rawValue + 1) % CPUSort.allCases.count) ?? .cpu
        case .tcp:
            state.listenerSort = ListenerSort(rawValue: (state.listenerSort.rawValue + 1) % ListenerSort.allCases.count) ?? .acceptQueue
        default: state.sort = InterfaceSort(rawValue: (state.sort.rawValue + 1) % InterfaceSort.allCases.count) ?? .name
        }
    }

    /// Typing after `/`: Enter keeps the filter, Esc clears it, Backspace deletes.
    static func typeSearch(_ key: Key, _ state: inout ViewState) -> KeyAction {
        switch key {
        case .escape: state.searching = false; state.search = ""
        case .char("\r"), .char("\n"): state.searching = false
        case .char("\u{7f}"), .char("\u{8}"): if !state.search.isEmpty { state.search.removeLast() }
        case .char(let c) where !c.isNewline && c.asciiValue.map({ $0 >= 0x20 && $0 < 0x7f }) ?? false:
            if state.search.count < 40 { state.search.append(c) }
        case .resize: return .redraw
        default: return .none
        }
        state.scroll = [:]
        return .redraw
    }

    static func scroll(_ state: inout ViewState, _ pane: PaneID, by delta: Int) {
        // Renderers clamp to the content; keep the stored value sane too.
        let current = min(state.scroll(pane), 100_000)
        state.scroll[pane] = max(0, current + delta)
    }
}
