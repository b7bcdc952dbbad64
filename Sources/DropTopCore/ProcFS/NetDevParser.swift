/// The 16 counters of one /proc/net/dev row, in the kernel's column order.
public struct NetDevCounters: Codable, Equatable, Sendable {
    public var values: [UInt64]

    /// Column names as docs/json.md and the JSON snapshot use them.
    public static let names: [String] = [
        "rx_bytes", "rx_packets", "rx_errs", "rx_drop", "rx_fifo", "rx_frame", "rx_compressed", "rx_multicast",
        "tx_bytes", "tx_packets", "tx_errs", "tx_drop", "tx_fifo", "tx_colls", "tx_carrier", "tx_compressed",
    ]

    public enum Field: Int, CaseIterable, Sendable {
        case rxBytes, rxPackets, rxErrs, rxDrop, rxFifo, rxFrame, rxCompressed, rxMulticast
        case txBytes, txPackets, txErrs, txDrop, txFifo, txColls, txCarrier, txCompressed
    }

    public init(values: [UInt64]) {
        precondition(values.count == 16, "NetDevCounters needs 16 values")
        self.values = values
    }

    public subscript(_ field: Field) -> UInt64 { values[field.rawValue] }

    /// A recording is read with the same invariant: 16 values, or the sample is not valid.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let values = try container.decode([UInt64].self, forKey: .values)
        guard values.count == 16 else {
            throw DecodingError.dataCorruptedError(forKey: .values, in: container,
                                                   debugDescription: "\(values.count) counters, expected 16")
        }
        self.values = values
    }
}

/// One interface row of /proc/net/dev. `rawName` keeps the exact bytes; `name` is the display form.
public struct NetDevEntry: Equatable, Sendable {
    public var rawName: [UInt8]
    public var name: String
    public var counters: NetDevCounters
}

/// Parses /proc/net/dev: two header lines that name the columns, then `name: counters` per
/// interface. Counters are read by the header's names (NetDevLayout), by position without one.
public enum NetDevParser {
    /// Rows that cannot be read (a file cut mid-row) are skipped and listed in `problems`.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(ParseError) -> PartialParse<[NetDevEntry]> {
        var cursor = ByteCursor(bytes)
        var entries: [NetDevEntry] = []
        var lineNumber = 0
        var sawHeader = false
        var layout = NetDevLayout.positional
        var firstHeader: UnsafeBufferPointer<UInt8>?
        var problems: [String] = []
        while let line = cursor.line() {
            lineNumber += 1
            // The two header lines contain '|' (a name may hold '|' too, so only look at lines 1-2).
            if lineNumber <= 2 && line.contains(0x7C) {
                sawHeader = true
                if lineNumber == 1 { firstHeader = line; continue }
                if let named = NetDevLayout.parse(groups: firstHeader, names: line) {
                    layout = named
                    if !named.missing.isEmpty {
                        problems.append("the header has no \(named.missing.joined(separator: ", ")) column; read as 0")
                    }
                }
                continue
            }
            if line.allSatisfy(ByteCursor.isBlank) { continue }
            switch row(line, lineNumber, layout) {
            case .success(let entry): entries.append(entry)
            case .failure(let problem): problems.append(problem.message)
            }
        }
        if entries.isEmpty { throw ParseError(problems.first ?? (sawHeader ? "no interfaces" : "empty file or no /proc/net/dev header")) }
        return PartialParse(value: entries, problems: problems)
    }

    private static func row(_ line: UnsafeBufferPointer<UInt8>, _ lineNumber: Int,
                            _ layout: NetDevLayout) -> Result<NetDevEntry, ParseError> {
        // The name ends at the last ':' (old kernels glue the first number to it: "eth0:1234").
        guard let colon = line.lastIndex(of: 0x3A) else {
            return .failure(ParseError("line \(lineNumber): no ':' after the interface name; skipped"))
        }
        var nameStart = 0
        while nameStart < colon, ByteCursor.isBlank(line[nameStart]) { nameStart += 1 }
        let rawName = Array(line[nameStart..<colon])
        guard !rawName.isEmpty else { return .failure(ParseError("line \(lineNumber): empty interface name; skipped")) }
        var fields = ByteCursor(UnsafeBufferPointer(rebasing: line[(colon + 1)...]))
        var values: [UInt64] = []
        values.reserveCapacity(layout.width)
        do {
            for _ in 0..<layout.width { values.append(try fields.decimal()) }
        } catch {
            let name = DisplayName.escaped(rawName)
            return .failure(ParseError("line \(lineNumber) (\(name)): \(error.message); expected \(layout.width) counters; skipped"))
        }
        return .success(NetDevEntry(rawName: rawName, name: DisplayName.escaped(rawName), counters: layout.counters(values)))
    }
}
