/// The /sys/class/net/IF link facts, each validated against what the kernel can print: a value
/// outside that set is an error (the caller shows null), and its text is never passed on. The
/// kernel ends each value with a newline: a value without one was cut short ("9000" read as
/// "90") and is an error too.
public enum LinkFactParser {
    /// IF_OPER_* as the kernel prints them (RFC 2863).
    public static let operstates: Set<String> = [
        "unknown", "notpresent", "down", "lowerlayerdown", "testing", "dormant", "up",
    ]
    public static let duplexes: Set<String> = ["full", "half", "unknown"]

    /// operstate or duplex: one word of `allowed`.
    public static func word(_ bytes: UnsafeBufferPointer<UInt8>, allowed: Set<String>, what: String) throws(ParseError) -> String {
        var cursor = ByteCursor(bytes)
        guard let token = cursor.token(), cursor.atEndOfLine(), cursor.consume(0x0A), cursor.isAtEnd,
              allowed.contains(token.asciiString) else {
            throw ParseError("not \(what) (\(allowed.sorted().joined(separator: ", "))); shown as null")
        }
        return token.asciiString
    }

    /// One decimal integer in `range`, then a newline.
    public static func integer(_ bytes: UnsafeBufferPointer<UInt8>, in range: ClosedRange<Int64>,
                               what: String) throws(ParseError) -> Int64 {
        var cursor = ByteCursor(bytes)
        let value: Int64
        do throws(ParseError) { value = try cursor.signedDecimal() } catch {
            throw ParseError("not a number (\(what): \(range.lowerBound)...\(range.upperBound)); shown as null")
        }
        guard cursor.atEndOfLine(), cursor.consume(0x0A), cursor.isAtEnd else {
            throw ParseError("more than one number, or no newline at the end (\(what)); shown as null")
        }
        guard range.contains(value) else {
            throw ParseError("out of range (\(what): \(range.lowerBound)...\(range.upperBound)); shown as null")
        }
        return value
    }

    public static func carrier(_ bytes: UnsafeBufferPointer<UInt8>) throws(ParseError) -> Int {
        Int(try integer(bytes, in: 0...1, what: "carrier"))
    }

    /// Any MTU the kernel accepts (CAN links have 16, loopback 65536, some virtual links 0).
    public static func mtu(_ bytes: UnsafeBufferPointer<UInt8>) throws(ParseError) -> Int {
        Int(try integer(bytes, in: 0...Int64(Int32.max), what: "mtu"))
    }

    public static func txQueueLen(_ bytes: UnsafeBufferPointer<UInt8>) throws(ParseError) -> Int {
        Int(try integer(bytes, in: 0...Int64(UInt32.max), what: "tx_queue_len"))
    }

    /// Mbit/s; nil when the kernel says unknown: -1 (SPEED_UNKNOWN), or 4294967295 and 65535 as
    /// older kernels and drivers print it, or 0.
    public static func speed(_ bytes: UnsafeBufferPointer<UInt8>) throws(ParseError) -> Int? {
        let value = try integer(bytes, in: -1...Int64(UInt32.max), what: "speed")
        if value <= 0 || value == Int64(UInt32.max) || value == 65535 { return nil }
        guard value <= Int64(Int32.max) else { throw ParseError("out of range (speed: -1...2147483647); shown as null") }
        return Int(value)
    }

    /// A /sys/class/net/IF/statistics counter: one unsigned 64-bit number.
    public static func counter(_ bytes: UnsafeBufferPointer<UInt8>) throws(ParseError) -> UInt64 {
        var cursor = ByteCursor(bytes)
        let value: UInt64
        do throws(ParseError) { value = try cursor.decimal() } catch {
            throw ParseError("not an unsigned 64-bit counter; left out")
        }
        guard cursor.atEndOfLine(), cursor.consume(0x0A), cursor.isAtEnd else {
            throw ParseError("more than one number, or no newline at the end; left out")
        }
        return value
    }
}
