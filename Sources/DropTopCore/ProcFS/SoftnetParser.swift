/// One CPU's row of /proc/net/softnet_stat. The kernel prints these as 32-bit hex values that
/// wrap; rates treat them as such.
public struct SoftnetRow: Codable, Equatable, Sendable {
    public var cpu: Int
    public var processed: UInt64
    public var dropped: UInt64
    public var timeSqueeze: UInt64
    public var receivedRPS: UInt64?
    public var flowLimitCount: UInt64?
    /// Packets waiting in the backlog right now (a level, not a counter; kernels 5.10+).
    public var backlog: UInt64?

    /// A counter's value, nil when this kernel does not print the column.
    public func counter(_ column: SoftnetColumn) -> UInt64? {
        switch column {
        case .processed: return processed
        case .dropped: return dropped
        case .timeSqueeze: return timeSqueeze
        case .receivedRPS: return receivedRPS
        case .flowLimit: return flowLimitCount
        }
    }
}

/// Parses /proc/net/softnet_stat. Column layout by kernel:
/// 3.10: 10 columns (… received_rps); 3.11+: 11 (+ flow_limit_count); 5.10+: 13 (+ backlog, cpu index);
/// 6.x: 15 (+ input and process queue lengths). Offline CPUs have no row, so the CPU number comes
/// from the index column when present, else from the list of online CPUs, else the row position.
public enum SoftnetParser {
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>, onlineCPUs: [Int]? = nil) throws(ParseError) -> [SoftnetRow] {
        var cursor = ByteCursor(bytes)
        var rows: [SoftnetRow] = []
        var columns = [UInt64](repeating: 0, count: 16)
        var lineNumber = 0
        while let line = cursor.line() {
            lineNumber += 1
            var fields = ByteCursor(line)
            var n = 0
            while !fields.atEndOfLine() {
                guard n < columns.count else { throw ParseError("line \(lineNumber): more than \(columns.count) columns") }
                do { columns[n] = try fields.hex(maxDigits: 16) } catch {
                    throw ParseError("line \(lineNumber): \(error.message)")
                }
                n += 1
            }
            if n == 0 { continue }
            guard n >= 9 else { throw ParseError("line \(lineNumber): \(n) columns, expected 9 or more") }
            let position = rows.count
            let cpu: Int
            if n >= 13, columns[12] < 1 << 20 {
                cpu = Int(columns[12])
            } else if let online = onlineCPUs, position < online.count {
                cpu = online[position]
            } else {
                cpu = position
            }
            rows.append(SoftnetRow(
                cpu: cpu, processed: columns[0], dropped: columns[1], timeSqueeze: columns[2],
                receivedRPS: n >= 10 ? columns[9] : nil,
                flowLimitCount: n >= 11 ? columns[10] : nil,
                backlog: n >= 12 ? columns[11] : nil))
        }
        if rows.isEmpty { throw ParseError("no CPU rows") }
        return rows
    }
}
