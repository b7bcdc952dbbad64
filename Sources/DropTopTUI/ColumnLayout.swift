import DropTopCore

/// Fits a pane's value columns into the width it has: every column at least as wide as its
/// narrow label plus one space (so headers and values never run together and no digit is
/// lost), the columns of lowest priority dropped first when even that does not fit, spare
/// room shared out up to the width of sar's label. Pure.
public struct ColumnLayout: Sendable {
    public struct Slot: Sendable {
        public let column: Column
        public let width: Int
        /// sar's label when every column's fits with a space before it, else the narrow ones.
        public let label: String
    }

    public let slots: [Slot]
    /// Columns left out for lack of room (the pane's title says "+N cols: zoom").
    public let dropped: Int

    /// Narrowest useful cell: a value such as "122070" or "4882.8" and one space.
    static let minimumWidth = 7
    static let maximumWidth = 10

    static func minimum(_ c: Column) -> Int { max(minimumWidth, c.narrowLabel.count + 1) }
    static func preferred(_ c: Column) -> Int { max(maximumWidth, c.label.count + 1) }

    public init(_ group: ColumnGroup, room: Int, maximum: Int? = nil) {
        var kept = Array(group.columns.indices)
        // Lowest priority (highest number) first; on a tie, the rightmost.
        let dropOrder = kept.sorted { (group.priority[$0], $0) > (group.priority[$1], $1) }
        var next = 0
        while !kept.isEmpty && kept.map({ Self.minimum(group.columns[$0]) }).reduce(0, +) > room {
            kept.removeAll { $0 == dropOrder[next] }
            next += 1
        }
        var widths = kept.map { Self.minimum(group.columns[$0]) }
        var spare = room - widths.reduce(0, +)
        let cap = kept.map { max(Self.minimum(group.columns[$0]), min(maximum ?? Int.max, Self.preferred(group.columns[$0]))) }
        var grew = true
        while spare > 0 && grew {
            grew = false
            for k in widths.indices where spare > 0 && widths[k] < cap[k] { widths[k] += 1; spare -= 1; grew = true }
        }
        let wide = zip(kept, widths).allSatisfy { group.columns[$0].label.count < $1 }
        slots = zip(kept, widths).map { k, w in
            Slot(column: group.columns[k], width: w, label: wide ? group.columns[k].label : group.columns[k].narrowLabel)
        }
        dropped = group.columns.count - kept.count
    }

    public var width: Int { slots.reduce(0) { $0 + $1.width } }

    public var headerSpans: [Span] { slots.map { Span(Format.pad($0.label, $0.width), .header) } }

    /// "+2 cols: zoom" when columns were left out.
    public var note: String? { dropped == 0 ? nil : "+\(dropped) col\(dropped == 1 ? "" : "s"): zoom" }
}
