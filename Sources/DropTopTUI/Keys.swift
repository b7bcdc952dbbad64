/// Keys, decoded from curses codes so that the handling below is pure and testable.
public enum Key: Equatable, Sendable {
    case char(Character)
    case up, down, left, right, pageUp, pageDown, home, end, tab, backTab, escape, resize
}

public enum KeyAction: Equatable, Sendable {
    case none, quit, redraw, intervalChanged
    /// Replay only: move through the recording.
    case stepForward, stepBack, jumpStart, jumpEnd
}

public enum KeyHandler {
    public static let minimumInterval = 0.1

    /// Applies one key to the view state. `pageSize` is the number of rows a page scroll moves.
    public static func apply(_ key: Key, to state: inout ViewState, pageSize: Int = 10) -> KeyAction {
        if state.showHelp {
            // Any key closes the help, and q still quits.
            state.showHelp = false
            return key == .char("q") ? .quit : .redraw
        }
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
        case .char("s"): state.sort = InterfaceSort(rawValue: (state.sort.rawValue + 1) % InterfaceSort.allCases.count) ?? .name
        case .char("f"): state.filter = InterfaceFilter(rawValue: (state.filter.rawValue + 1) % InterfaceFilter.allCases.count) ?? .all
        case .char("i"): state.showIRQRows.toggle()
        case .char("+"), .char("="):
            state.interval = min(60, state.interval < 1 ? state.interval + 0.1 : state.interval + 1)
            return .intervalChanged
        case .char("-"), .char("_"):
            state.interval = max(minimumInterval, state.interval <= 1 ? state.interval - 0.1 : state.interval - 1)
            state.interval = (state.interval * 10).rounded() / 10
            return .intervalChanged
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
        case .char("g"): return .jumpStart
        case .char("G"): return .jumpEnd
        default: return .none
        }
        return .redraw
    }

    static func scroll(_ state: inout ViewState, _ pane: PaneID, by delta: Int) {
        // Renderers clamp to the content; keep the stored value sane too.
        let current = min(state.scroll(pane), 100_000)
        state.scroll[pane] = max(0, current + delta)
    }
}
