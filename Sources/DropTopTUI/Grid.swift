/// How a cell looks. Screen maps these to colors, or to bold/reverse on a monochrome terminal.
public enum Style: UInt8, Sendable {
    case normal, dim, header, title, focusedTitle, alert, warn, good, status, selected
}

public struct Cell: Equatable, Sendable {
    public var char: Character
    public var style: Style
    public static let blank = Cell(char: " ", style: .normal)
}

/// A rectangle on the screen, in cells.
public struct Rect: Equatable, Sendable {
    public var x: Int, y: Int, width: Int, height: Int
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x; self.y = y; self.width = max(0, width); self.height = max(0, height)
    }
    public var isEmpty: Bool { width <= 0 || height <= 0 }
    /// The inside of a box drawn on this rectangle.
    public var inner: Rect { Rect(x: x + 1, y: y + 1, width: width - 2, height: height - 2) }
}

/// A plain grid of styled cells: every pane renders into one, curses only copies it out.
/// Every string written here is already sanitized (see DisplayName); `put` also drops any
/// control character, as a second line of defence.
public struct Grid: Sendable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = [Cell](repeating: .blank, count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { if x >= 0 && y >= 0 && x < width && y < height { cells[y * width + x] = newValue } }
    }

    /// Writes `text` at (x, y), clipped to `maxWidth` cells and to the grid. Returns cells written.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: Style = .normal, maxWidth: Int? = nil) -> Int {
        guard y >= 0 && y < height else { return 0 }
        let limit = min(maxWidth ?? width, width - x)
        var written = 0
        var column = x
        for ch in text {
            if written >= limit { break }
            let safe: Character = ch.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) } ? "?" : ch
            if column >= 0 { self[column, y] = Cell(char: safe, style: style) }
            column += 1
            written += 1
        }
        return written
    }

    public mutating func fill(_ rect: Rect, style: Style = .normal, char: Character = " ") {
        guard !rect.isEmpty else { return }
        for y in rect.y..<(rect.y + rect.height) {
            for x in rect.x..<(rect.x + rect.width) { self[x, y] = Cell(char: char, style: style) }
        }
    }

    /// One line of text per row, trailing blanks removed: what tests compare with golden files.
    public var text: String {
        (0..<height).map { y in
            var line = String((0..<width).map { self[$0, y].char })
            while line.last == " " { line.removeLast() }
            return line
        }.joined(separator: "\n")
    }
}

/// Box-drawing, sparkline and bar glyphs, in UTF-8 or plain ASCII.
public struct Glyphs: Sendable {
    public var horizontal: Character, vertical: Character
    public var topLeft: Character, topRight: Character, bottomLeft: Character, bottomRight: Character
    public var sparks: [Character]
    public var barFull: Character
    public var barParts: [Character]

    public static let unicode = Glyphs(
        horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘",
        sparks: ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"], barFull: "█",
        barParts: ["▏", "▎", "▍", "▌", "▋", "▊", "▉"])
    public static let ascii = Glyphs(
        horizontal: "-", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+",
        sparks: ["_", ".", "-", "=", "+", "*", "#", "#"], barFull: "#", barParts: [])

    /// A bar `width` cells wide filled to `fraction` (0...1), with partial cells in UTF-8.
    public func bar(_ fraction: Double, width: Int) -> String {
        guard width > 0 else { return "" }
        let f = fraction.isFinite ? min(1, max(0, fraction)) : 0
        let eighths = Int((f * Double(width * 8)).rounded())
        var s = String(repeating: barFull, count: eighths / 8)
        let rest = eighths % 8
        if rest > 0 {
            s.append(barParts.isEmpty ? (rest >= 4 ? barFull : " ") : barParts[rest - 1])
        }
        return s.count < width ? s + String(repeating: " ", count: width - s.count) : String(s.prefix(width))
    }

    /// A sparkline of the last `width` values, scaled to the largest.
    public func sparkline(_ values: [Double], width: Int) -> String {
        guard width > 0 else { return "" }
        let recent = Array(values.suffix(width))
        let peak = recent.max() ?? 0
        var s = String(recent.map { v -> Character in
            guard peak > 0, v > 0 else { return " " }
            let level = (v / peak * Double(sparks.count - 1)).rounded().saturatingInt
            return sparks[max(0, min(sparks.count - 1, level))]
        })
        if s.count < width { s = String(repeating: " ", count: width - s.count) + s }
        return s
    }
}

extension Grid {
    /// Draws a box with a title on its top edge.
    public mutating func box(_ rect: Rect, title: String, glyphs: Glyphs, focused: Bool = false) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        let right = rect.x + rect.width - 1, bottom = rect.y + rect.height - 1
        for x in (rect.x + 1)..<right {
            self[x, rect.y] = Cell(char: glyphs.horizontal, style: .dim)
            self[x, bottom] = Cell(char: glyphs.horizontal, style: .dim)
        }
        for y in (rect.y + 1)..<bottom {
            self[rect.x, y] = Cell(char: glyphs.vertical, style: .dim)
            self[right, y] = Cell(char: glyphs.vertical, style: .dim)
        }
        self[rect.x, rect.y] = Cell(char: glyphs.topLeft, style: .dim)
        self[right, rect.y] = Cell(char: glyphs.topRight, style: .dim)
        self[rect.x, bottom] = Cell(char: glyphs.bottomLeft, style: .dim)
        self[right, bottom] = Cell(char: glyphs.bottomRight, style: .dim)
        put(" \(title) ", x: rect.x + 2, y: rect.y, style: focused ? .focusedTitle : .title, maxWidth: rect.width - 4)
    }
}
