import OrderedCollections

/// One /proc/net/stat/* table (arp_cache, ndisc_cache, nf_conntrack, rt_cache, synproxy): the
/// level printed in its `entries` column and every other column summed over the CPU rows.
public struct PerCPUStatTable: Codable, Equatable, Sendable {
    /// The `entries` column: a table-wide level the kernel repeats on every CPU row (neighbour
    /// entries, tracked connections). nil when the header has no such column.
    public var entries: UInt64?
    /// Every other column, summed over the CPU rows, in the header's order.
    public var counters: OrderedDictionary<String, UInt64>
    /// How many CPU rows were summed (one per possible CPU).
    public var cpuRows: Int

    public init(entries: UInt64?, counters: OrderedDictionary<String, UInt64>, cpuRows: Int) {
        self.entries = entries
        self.counters = counters
        self.cpuRows = cpuRows
    }

    /// A counter by its column name; nil when this kernel does not print it.
    public subscript(_ name: String) -> UInt64? { counters[name] }
}

/// The /proc/net/stat/* files droptop reads, each a `PerCPUStatTable`.
public enum PerCPUStatSource: String, CaseIterable, Codable, Sendable {
    /// IPv4 neighbour (ARP) table: `unresolved_discards` and `table_fulls` are drops.
    case arpCache = "arp_cache"
    /// IPv6 neighbour discovery table, same columns as arp_cache.
    case ndiscCache = "ndisc_cache"
    /// Connection tracking: `drop`, `early_drop`, `insert_failed`, `invalid` lose packets.
    case nfConntrack = "nf_conntrack"

    /// The path under the /proc root.
    public var relativePath: String { "net/stat/" + rawValue }
}

/// Parses the "header of column names, then one row of hex values per CPU" layout the kernel
/// uses for every /proc/net/stat/* file. Columns are read by name: kernels add, rename and
/// drop them (nf_conntrack's `delete_list` became `chainlength`).
public enum PerCPUStatParser {
    /// Columns that are levels repeated on each row, not per-CPU counters.
    public static let levelColumns: Set<String> = ["entries"]

    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(ParseError) -> PartialParse<PerCPUStatTable> {
        var cursor = ByteCursor(bytes)
        guard let names = headerNames(&cursor) else { throw ParseError("no header line of column names") }
        var problems: [String] = []
        if Set(names).count != names.count { problems.append("repeated column names; later ones ignored") }
        var sums = [UInt64](repeating: 0, count: names.count)
        var overflowed = Set<Int>()
        var entries: UInt64?
        var rows = 0, lineNumber = 1
        while let line = cursor.line() {
            lineNumber += 1
            var fields = ByteCursor(line)
            if fields.atEndOfLine() { continue }
            let values: [UInt64]
            do throws(ParseError) { values = try hexRow(&fields, expected: names.count) } catch {
                problems.append("line \(lineNumber): \(error.message); row skipped")
                continue
            }
            rows += 1
            for (i, value) in values.enumerated() {
                if levelColumns.contains(names[i]) {
                    if entries == nil { entries = value }
                    continue
                }
                let (sum, overflow) = sums[i].addingReportingOverflow(value)
                if overflow { overflowed.insert(i) }
                sums[i] = sum
            }
        }
        if rows == 0 { throw ParseError(problems.first ?? "no CPU rows after the header") }
        var counters = OrderedDictionary<String, UInt64>()
        for (i, name) in names.enumerated() where !levelColumns.contains(name) && counters[name] == nil {
            if overflowed.contains(i) { problems.append("\(name): sum over CPUs overflows 64 bits; left out"); continue }
            counters[name] = sums[i]
        }
        let hasEntries = names.contains("entries")
        return PartialParse(value: PerCPUStatTable(entries: hasEntries ? entries : nil, counters: counters, cpuRows: rows),
                            problems: problems)
    }

    /// The first non-blank line's tokens; nil when that line is all hex (the header is missing).
    private static func headerNames(_ cursor: inout ByteCursor) -> [String]? {
        while let line = cursor.line() {
            var fields = ByteCursor(line)
            var names: [String] = []
            while let token = fields.token() { names.append(token.asciiString) }
            if names.isEmpty { continue }
            let looksLikeValues = names.allSatisfy { $0.utf8.allSatisfy { ByteCursor.hexValue($0) != nil } }
            return looksLikeValues ? nil : names
        }
        return nil
    }

    /// Exactly `expected` hex values up to the end of the line.
    private static func hexRow(_ fields: inout ByteCursor, expected: Int) throws(ParseError) -> [UInt64] {
        var values: [UInt64] = []
        values.reserveCapacity(expected)
        while !fields.atEndOfLine() {
            guard values.count < expected else { throw ParseError("more than the \(expected) columns of the header") }
            let value = try fields.hex(maxDigits: 16)
            if let next = fields.peek(), !ByteCursor.isBlank(next), next != 0x0A {
                throw ParseError("a value that is not hex in column \(values.count + 1)")
            }
            values.append(value)
        }
        guard values.count == expected else { throw ParseError("\(values.count) values for \(expected) columns") }
        return values
    }
}
