/// Where each of the 16 counters sits in a /proc/net/dev row, read from the file's two header
/// lines (`Inter-|   Receive ... |  Transmit` and ` face |bytes packets ...|bytes packets ...`):
/// each group's names, prefixed `rx_` (Receive) or `tx_` (Transmit), are NetDevCounters.names.
/// A kernel that adds, drops or moves a column is read right; one without the header by position.
struct NetDevLayout: Equatable {
    /// For each NetDevCounters field, its index among a row's numbers; nil when the header lacks it.
    var positions: [Int?]
    /// How many numbers a row has; columns droptop does not know are skipped.
    var width: Int

    static let positional = NetDevLayout(positions: Array(0..<16), width: 16)

    /// The counters a row's numbers give; a column the header lacks reads 0.
    func counters(_ values: [UInt64]) -> NetDevCounters {
        NetDevCounters(values: positions.map { $0.map { values[$0] } ?? 0 })
    }

    /// The fields the header lacks, by their JSON names.
    var missing: [String] {
        zip(NetDevCounters.names, positions).compactMap { $1 == nil ? $0 : nil }
    }

    /// nil when the lines are not a header with names (then rows are read by position).
    static func parse(groups: UnsafeBufferPointer<UInt8>?, names: UnsafeBufferPointer<UInt8>) -> NetDevLayout? {
        let nameGroups = names.split(separator: 0x7C, omittingEmptySubsequences: false).dropFirst()
        let titles = groups.map { $0.split(separator: 0x7C, omittingEmptySubsequences: false).dropFirst().map(words) }
        guard nameGroups.count >= 2 else { return nil }
        var positions = [Int?](repeating: nil, count: 16)
        var width = 0
        for (g, group) in nameGroups.enumerated() {
            // Group titles name the direction; without them, Receive comes first, as always.
            let title = titles.flatMap { g < $0.count ? $0[g].first : nil } ?? (g == 0 ? "Receive" : "Transmit")
            let prefix = title == "Receive" ? "rx_" : title == "Transmit" ? "tx_" : nil
            for name in words(group) {
                if let prefix, let field = NetDevCounters.names.firstIndex(of: prefix + name), positions[field] == nil {
                    positions[field] = width
                }
                width += 1
            }
        }
        guard positions.contains(where: { $0 != nil }) else { return nil }
        return NetDevLayout(positions: positions, width: width)
    }

    private static func words(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> [String] {
        bytes.split(whereSeparator: ByteCursor.isBlank).map { DisplayName.escaped(Array($0)) }
    }
}
