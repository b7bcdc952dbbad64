import OrderedCollections

/// /proc/net/sockstat and sockstat6: "TCP: inuse 1 orphan 0 tw 0 alloc 1 mem 0", one protocol a line.
/// Every value is a level (sockets in use, pages of memory), not a running total.
public typealias SockStat = OrderedDictionary<String, OrderedDictionary<String, UInt64>>

public enum SockStatParser {
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(ParseError) -> SockStat {
        var cursor = ByteCursor(bytes)
        var result = SockStat()
        var lineNumber = 0
        while let line = cursor.line() {
            lineNumber += 1
            var fields = ByteCursor(line)
            guard let label = fields.token() else { continue }
            guard label.last == 0x3A else { throw ParseError("line \(lineNumber): no 'PROTO:' label") }
            let proto = UnsafeBufferPointer(rebasing: label.dropLast()).asciiString
            var values = OrderedDictionary<String, UInt64>()
            while let key = fields.token() {
                do { values[key.asciiString] = try fields.decimal() } catch {
                    throw ParseError("line \(lineNumber) (\(proto) \(key.asciiString)): \(error.message)")
                }
            }
            result[proto] = values
        }
        if result.isEmpty { throw ParseError("no protocol lines") }
        return result
    }
}

/// Small single-value files: /sys/class/net/IF/mtu, /proc/sys/net/core/somaxconn, ...
public enum ValueFileParser {
    /// The file's text with surrounding white space removed and inner runs of blanks made one space
    /// (tcp_rmem prints "4096\t131072\t6291456").
    public static func text(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var out: [UInt8] = []
        var pending = false
        for b in bytes {
            if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { pending = !out.isEmpty; continue }
            // One value is a word or a few numbers: more is not a value, and is not shown whole.
            if out.count >= DisplayName.maxBytes { return DisplayName.escaped(out) + "..." }
            if pending { out.append(0x20); pending = false }
            out.append(b)
        }
        return DisplayName.escaped(out)
    }

    public static func integer(_ bytes: UnsafeBufferPointer<UInt8>) throws(ParseError) -> Int64 {
        var cursor = ByteCursor(bytes)
        let value = try cursor.signedDecimal()
        guard cursor.atEndOfLine() else { throw ParseError("trailing text after the number") }
        return value
    }
}
