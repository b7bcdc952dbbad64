#if canImport(Glibc)
import Glibc
#endif
import CNcurses

/// The only file that calls curses. It copies a Grid to the terminal (curses sends only the
/// cells that changed) and turns curses key codes into Keys.
public final class Screen {
    public enum StartError: Error, CustomStringConvertible {
        case notATerminal, noTerm, unknownTerm(String), noCursorAddressing(String)
        public var description: String {
            switch self {
            case .notATerminal:
                return "droptop: standard output is not a terminal; use --once for a JSON snapshot or -b for sar-style text"
            case .noTerm: return "droptop: TERM is not set; set it to your terminal type (e.g. TERM=xterm-256color)"
            case .unknownTerm(let t): return "droptop: unknown terminal type TERM=\(t); try TERM=xterm-256color"
            case .noCursorAddressing(let t):
                return "droptop: the terminal TERM=\(t) cannot move the cursor; use -b for sar-style text (droptop -b 1 5) or --once"
            }
        }
    }

    private let screen: OpaquePointer
    public let colors: Bool
    public private(set) var width: Int
    public private(set) var height: Int
    /// What was last copied to curses, a cell a code (its style and the one scalar drawn): rows
    /// equal to it are not copied again, which curses would find unchanged after converting and
    /// comparing every cell. 8 bytes a cell, a third of a Grid's.
    private var shown: (width: Int, codes: [UInt64])?

    /// Whether the locale is UTF-8 (then box drawing and sparklines use Unicode glyphs).
    public static func localeIsUTF8() -> Bool {
        droptop_locale_is_utf8() != 0
    }

    public init(wantColor: Bool) throws(StartError) {
        guard isatty(STDOUT_FILENO) == 1, isatty(STDIN_FILENO) == 1 else { throw .notATerminal }
        guard let term = getenv("TERM").map({ String(cString: $0) }), !term.isEmpty else { throw .noTerm }
        var status: Int32 = 0
        if setupterm(nil, STDOUT_FILENO, &status) != OK || status != 1 { throw .unknownTerm(DropTopTUIName.escaped(term)) }
        guard droptop_has_cursor_addressing() != 0 else { throw .noCursorAddressing(DropTopTUIName.escaped(term)) }
        guard let s = droptop_newterm() else { throw .unknownTerm(DropTopTUIName.escaped(term)) }
        screen = s
        set_term(s)
        cbreak()
        noecho()
        nonl()
        keypad(droptop_stdscr(), true)
        curs_set(0)
        set_escdelay(25)
        colors = wantColor && has_colors()
        if colors {
            start_color()
            use_default_colors()
            init_pair(1, Int16(COLOR_RED), -1)
            init_pair(2, Int16(COLOR_YELLOW), -1)
            init_pair(3, Int16(COLOR_GREEN), -1)
            init_pair(4, Int16(COLOR_CYAN), -1)
            init_pair(5, Int16(COLOR_BLACK), Int16(COLOR_CYAN))
        }
        width = Int(droptop_cols())
        height = Int(droptop_lines())
    }

    public func updateSize() {
        width = Int(droptop_cols())
        height = Int(droptop_lines())
        shown = nil
    }

    private func attributes(_ style: Style) -> attr_t {
        if colors {
            switch style {
            case .normal: return 0
            // Faint, not blue: readable on dark and light backgrounds alike.
            case .dim: return droptop_a_dim()
            case .header: return droptop_a_bold()
            case .title: return droptop_a_bold() | droptop_color_pair(4)
            case .focusedTitle: return droptop_a_bold() | droptop_a_reverse() | droptop_color_pair(4)
            case .alert: return droptop_a_bold() | droptop_color_pair(1)
            case .warn: return droptop_a_bold() | droptop_color_pair(2)
            case .good: return droptop_color_pair(3)
            case .status: return droptop_color_pair(5)
            case .selected: return droptop_a_reverse()
            }
        }
        // Monochrome: attributes only.
        switch style {
        case .normal, .good, .dim: return 0
        case .header, .title, .warn: return droptop_a_bold()
        case .alert, .focusedTitle, .status, .selected: return droptop_a_bold() | droptop_a_reverse()
        }
    }

    /// Copies the grid; curses' refresh then writes only what changed since the last frame.
    public func draw(_ grid: Grid) {
        let rows = min(grid.height, height), columns = min(grid.width, width)
        var buffer: [wchar_t] = []
        buffer.reserveCapacity(columns + 1)
        var codes = shown?.width == columns ? shown?.codes ?? [] : []
        shown = nil
        if codes.count != rows * columns { codes = [UInt64](repeating: .max, count: rows * columns) }
        defer { shown = (columns, codes) }
        for y in 0..<rows {
            var same = true
            for x in 0..<columns {
                let cell = grid[x, y]
                let code = UInt64(cell.style.rawValue) << 32 | UInt64(cell.char.unicodeScalars.first?.value ?? 0x20)
                if codes[y * columns + x] != code { codes[y * columns + x] = code; same = false }
            }
            if same { continue }
            var x = 0
            while x < columns {
                let style = grid[x, y].style
                let start = x
                buffer.removeAll(keepingCapacity: true)
                while x < columns, grid[x, y].style == style {
                    for scalar in grid[x, y].char.unicodeScalars.prefix(1) { buffer.append(wchar_t(bitPattern: scalar.value)) }
                    x += 1
                }
                // The bottom-right cell would scroll some terminals: leave it.
                if y == height - 1 && x == width && !buffer.isEmpty { buffer.removeLast() }
                buffer.append(0)
                attrset(Int32(bitPattern: UInt32(truncatingIfNeeded: attributes(style))))
                _ = buffer.withUnsafeBufferPointer { mvaddwstr(Int32(y), Int32(start), $0.baseAddress) }
            }
        }
        attrset(0)
        refresh()
    }

    /// Waits up to `milliseconds` for a key; nil on timeout.
    public func readKey(timeoutMilliseconds: Int) -> Key? {
        wtimeout(droptop_stdscr(), Int32(max(0, min(timeoutMilliseconds, 1000))))
        var ch: wint_t = 0
        let result = wget_wch(droptop_stdscr(), &ch)
        if result == droptop_err() { return nil }
        let code = Int32(bitPattern: UInt32(ch))
        if result == droptop_key_code_yes() {
            switch code {
            case droptop_key_resize(): updateSize(); return .resize
            case droptop_key_up(): return .up
            case droptop_key_down(): return .down
            case droptop_key_left(): return .left
            case droptop_key_right(): return .right
            case droptop_key_ppage(): return .pageUp
            case droptop_key_npage(): return .pageDown
            case droptop_key_home(): return .home
            case droptop_key_end(): return .end
            case droptop_key_btab(): return .backTab
            case droptop_key_backspace(): return .char("\u{7f}")
            case droptop_key_enter(): return .char("\r")
            default: return nil
            }
        }
        switch code {
        case 9: return .tab
        case 27: return .escape
        case 3: return .char("q")      // Ctrl-C when it arrives as a key
        default:
            guard let scalar = Unicode.Scalar(UInt32(ch)) else { return nil }
            return .char(Character(scalar))
        }
    }

    /// Gives the terminal back: cooked mode, echo, cursor, normal screen.
    public func end() {
        curs_set(1)
        endwin()
        delscreen(screen)
    }
}

/// Escaping for the one string Screen shows outside the grid (an error message).
enum DropTopTUIName {
    static func escaped(_ s: String) -> String {
        String(s.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : Character($0) })
    }
}
