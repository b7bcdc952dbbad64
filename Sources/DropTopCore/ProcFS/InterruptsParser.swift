/// One row of /proc/interrupts: a numbered IRQ ("24") or a named one ("NMI", "LOC", "ERR").
public struct InterruptRow: Equatable, Sendable {
    public var id: String
    /// Counts in header column order; short rows (ERR, MIS) have fewer.
    public var counts: [UInt64]
    /// Chip, hwirq, type and action names, in display form (see DisplayName), single-spaced.
    public var description: String
    public var isNumbered: Bool { id.first?.isNumber ?? false }
}

/// The whole of /proc/interrupts. Columns are named by the header (`CPU0 CPU1 CPU3`): offline
/// CPUs are absent, so column index and CPU number differ.
public struct InterruptTable: Equatable, Sendable {
    public var cpuIDs: [Int]
    public var rows: [InterruptRow]
    /// Rows that were skipped, and why (a negative count).
    public var problems: [String] = []
}

public enum InterruptsParser {
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(ParseError) -> InterruptTable {
        var cursor = ByteCursor(bytes)
        guard let header = cursor.line() else { throw ParseError("empty file") }
        let cpuIDs = try parseCPUHeader(header)
        var rows: [InterruptRow] = []
        var problems: [String] = []
        var lineNumber = 1
        while let line = cursor.line() {
            lineNumber += 1
            var fields = ByteCursor(line)
            guard let idToken = fields.token() else { continue }
            guard idToken.last == 0x3A else { throw ParseError("line \(lineNumber): no 'IRQ:' label") }
            let id = DisplayName.escaped(UnsafeBufferPointer(rebasing: idToken.dropLast()))
            var counts: [UInt64] = []
            counts.reserveCapacity(cpuIDs.count)
            while counts.count < cpuIDs.count {
                fields.skipBlanks()
                guard let next = fields.peek(), ByteCursor.isDigit(next) else { break }
                do { counts.append(try fields.decimal()) } catch {
                    throw ParseError("line \(lineNumber) (IRQ \(id)): \(error.message)")
                }
            }
            fields.skipBlanks()
            // A count is never negative: "-5" where a count belongs is not the device's name.
            if counts.count < cpuIDs.count, fields.peek() == 0x2D, let next = fields.byte(at: 1), ByteCursor.isDigit(next) {
                problems.append("line \(lineNumber) (IRQ \(id)): a negative count in column \(counts.count + 1); row skipped")
                continue
            }
            let rest = UnsafeBufferPointer(rebasing: line[fields.position...])
            rows.append(InterruptRow(id: id, counts: counts, description: collapseSpaces(rest)))
        }
        return InterruptTable(cpuIDs: cpuIDs, rows: rows, problems: problems)
    }

    /// "           CPU0       CPU1  " -> [0, 1]; shared with /proc/softirqs.
    static func parseCPUHeader(_ header: UnsafeBufferPointer<UInt8>) throws(ParseError) -> [Int] {
        var fields = ByteCursor(header)
        var ids: [Int] = []
        while let token = fields.token() {
            guard token.count > 3, token[0] == 0x43, token[1] == 0x50, token[2] == 0x55 else {
                throw ParseError("header: expected CPUn column names")
            }
            var digits = ByteCursor(UnsafeBufferPointer(rebasing: token[3...]))
            let n = try digits.decimal()
            guard n < 1 << 20 else { throw ParseError("header: CPU number \(n) out of range") }
            ids.append(Int(n))
        }
        if ids.isEmpty { throw ParseError("header: no CPU columns") }
        return ids
    }

    private static func collapseSpaces(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var pendingSpace = false
        for b in bytes {
            if ByteCursor.isBlank(b) { pendingSpace = !out.isEmpty; continue }
            if pendingSpace { out.append(0x20); pendingSpace = false }
            out.append(b)
        }
        return DisplayName.escaped(out)
    }
}

/// NET_RX and NET_TX rows of /proc/softirqs, keyed by CPU number.
public struct SoftIRQCounts: Codable, Equatable, Sendable {
    public var cpuIDs: [Int]
    public var netRX: [UInt64]
    public var netTX: [UInt64]
}

public enum SoftIRQsParser {
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(ParseError) -> SoftIRQCounts {
        var cursor = ByteCursor(bytes)
        guard let header = cursor.line() else { throw ParseError("empty file") }
        let cpuIDs = try InterruptsParser.parseCPUHeader(header)
        var netRX: [UInt64]?
        var netTX: [UInt64]?
        while let line = cursor.line() {
            var fields = ByteCursor(line)
            guard let label = fields.token() else { continue }
            let isRX = label.equals("NET_RX:"), isTX = label.equals("NET_TX:")
            guard isRX || isTX else { continue }
            var counts: [UInt64] = []
            for _ in cpuIDs {
                do { counts.append(try fields.decimal()) } catch {
                    throw ParseError("\(label.asciiString) \(error.message); expected \(cpuIDs.count) columns")
                }
            }
            if isRX { netRX = counts } else { netTX = counts }
        }
        guard let rx = netRX, let tx = netTX else { throw ParseError("no NET_RX/NET_TX rows") }
        return SoftIRQCounts(cpuIDs: cpuIDs, netRX: rx, netTX: tx)
    }
}
