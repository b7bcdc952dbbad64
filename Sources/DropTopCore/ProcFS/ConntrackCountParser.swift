/// How full the connection-tracking table is: /proc/sys/net/netfilter/nf_conntrack_count and
/// nf_conntrack_max. At max, new flows are dropped (`nf_conntrack: table full, dropping packet`).
public struct ConntrackFullness: Codable, Equatable, Sendable {
    public var count: UInt64
    public var max: UInt64

    public init(count: UInt64, max: UInt64) {
        self.count = count
        self.max = max
    }

    /// count / max, from 0 to 1 (more if the limit was lowered under a full table); nil when
    /// max is 0 (no limit: the table grows with memory).
    public var fullness: Double? { max == 0 ? nil : Double(count) / Double(max) }
}

/// Parses the two one-number files. Bytes in, typed values out: the caller reads both files.
public enum ConntrackCountParser {
    public static func parse(count: UnsafeBufferPointer<UInt8>, max: UnsafeBufferPointer<UInt8>) throws(ParseError) -> ConntrackFullness {
        ConntrackFullness(count: try number(count, "nf_conntrack_count"), max: try number(max, "nf_conntrack_max"))
    }

    /// One decimal number and a newline. nf_conntrack_max is a signed int in the kernel; a
    /// negative value (written by hand) means no limit, as 0 does.
    public static func number(_ bytes: UnsafeBufferPointer<UInt8>, _ name: String) throws(ParseError) -> UInt64 {
        var cursor = ByteCursor(bytes)
        let value: Int64
        do throws(ParseError) { value = try cursor.signedDecimal() } catch {
            throw ParseError("\(name): \(error.message)")
        }
        cursor.skipBlanks()
        _ = cursor.consume(0x0A)
        guard cursor.isAtEnd else { throw ParseError("\(name): more than one number") }
        // A count is never negative; only the limit may be (no limit).
        if value < 0 && name == "nf_conntrack_count" { throw ParseError("\(name): a negative count") }
        return value < 0 ? 0 : UInt64(value)
    }
}
