#if canImport(Glibc)
import Glibc
#endif
/// A forward-only reader over the bytes of one /proc file.
///
/// Every parser in ProcFS is built on this: it never makes a String for a line
/// it does not keep, and every number conversion reports overflow instead of trapping.
public struct ByteCursor {
    public let bytes: UnsafeBufferPointer<UInt8>
    public private(set) var position: Int

    public init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        self.position = 0
    }

    public var isAtEnd: Bool { position >= bytes.count }

    @inline(__always) public func peek() -> UInt8? {
        position < bytes.count ? bytes[position] : nil
    }

    @inline(__always) static func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }
    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    /// The byte `offset` bytes ahead, without moving.
    @inline(__always) public func byte(at offset: Int) -> UInt8? {
        position + offset < bytes.count ? bytes[position + offset] : nil
    }

    @inline(__always) public mutating func skip(_ n: Int) { position = Swift.min(bytes.count, position + n) }
    @inline(__always) public mutating func rewind(to p: Int) { position = Swift.max(0, Swift.min(p, bytes.count)) }

    /// Skips spaces and tabs, not newlines.
    @inline(__always) public mutating func skipBlanks() {
        while position < bytes.count, Self.isBlank(bytes[position]) { position += 1 }
    }

    /// Moves past the next run of non-blank bytes (a field we do not need).
    @inline(__always) public mutating func skipToken() {
        skipBlanks()
        while position < bytes.count {
            let b = bytes[position]
            if Self.isBlank(b) || b == 0x0A { return }
            position += 1
        }
    }

    /// Moves past the next newline (or to the end). memchr: the tail of a socket row that
    /// droptop does not read is a third of /proc/net/tcp.
    public mutating func skipLine() {
        guard position < bytes.count, let base = bytes.baseAddress else { position = bytes.count; return }
        if let found = memchr(base + position, 0x0A, bytes.count - position) {
            position = base.distance(to: found.assumingMemoryBound(to: UInt8.self)) + 1
        } else {
            position = bytes.count
        }
    }

    /// True when only blanks remain before the end of the line.
    public mutating func atEndOfLine() -> Bool {
        skipBlanks()
        return position >= bytes.count || bytes[position] == 0x0A
    }

    /// The bytes up to (not including) the next newline; moves past the newline.
    public mutating func line() -> UnsafeBufferPointer<UInt8>? {
        guard position < bytes.count else { return nil }
        let start = position
        while position < bytes.count, bytes[position] != 0x0A { position += 1 }
        let slice = UnsafeBufferPointer(rebasing: bytes[start..<position])
        if position < bytes.count { position += 1 }
        return slice
    }

    /// The next run of non-blank, non-newline bytes.
    public mutating func token() -> UnsafeBufferPointer<UInt8>? {
        skipBlanks()
        let start = position
        while position < bytes.count {
            let b = bytes[position]
            if Self.isBlank(b) || b == 0x0A { break }
            position += 1
        }
        return position > start ? UnsafeBufferPointer(rebasing: bytes[start..<position]) : nil
    }

    /// Reads an unsigned decimal number after optional blanks.
    @inline(__always) public mutating func decimal() throws(ParseError) -> UInt64 {
        skipBlanks()
        let start = position
        var value: UInt64 = 0
        while position < bytes.count, Self.isDigit(bytes[position]) {
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(bytes[position] &- 0x30))
            if o1 || o2 { throw ParseError("number too large for 64 bits at byte \(start)") }
            value = a
            position += 1
        }
        if position == start { throw ParseError("expected a number at byte \(start)\(contextDescription(at: start))") }
        return value
    }

    /// Reads a signed decimal number (for gauges such as MaxConn = -1).
    public mutating func signedDecimal() throws(ParseError) -> Int64 {
        skipBlanks()
        var negative = false
        if position < bytes.count, bytes[position] == 0x2D { negative = true; position += 1 }
        let magnitude = try decimal()
        if negative {
            if magnitude > UInt64(Int64.max) + 1 { throw ParseError("number too small for 64 bits") }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { throw ParseError("number too large for a signed 64-bit value") }
        return Int64(magnitude)
    }

    /// Reads a hexadecimal number of at most `maxDigits` digits (no 0x prefix).
    @inline(__always) public mutating func hex(maxDigits: Int = 16) throws(ParseError) -> UInt64 {
        skipBlanks()
        let start = position
        var value: UInt64 = 0
        while position < bytes.count, let d = Self.hexValue(bytes[position]) {
            if position - start >= maxDigits { throw ParseError("hex number longer than \(maxDigits) digits at byte \(start)") }
            value = (value << 4) | UInt64(d)
            position += 1
        }
        if position == start { throw ParseError("expected a hex number at byte \(start)\(contextDescription(at: start))") }
        return value
    }

    /// Reads exactly `count` hex digits (an address word in /proc/net/tcp6 is 8 of 32 in a row).
    @inline(__always) public mutating func hexDigits(_ count: Int) throws(ParseError) -> UInt64 {
        guard position + count <= bytes.count else { throw ParseError("truncated hex field at byte \(position)") }
        var value: UInt64 = 0
        for _ in 0..<count {
            guard let d = Self.hexValue(bytes[position]) else {
                throw ParseError("expected a hex digit at byte \(position)\(contextDescription(at: position))")
            }
            value = (value << 4) | UInt64(d)
            position += 1
        }
        return value
    }

    /// Consumes `byte` if it is next; returns whether it did.
    @discardableResult
    public mutating func consume(_ byte: UInt8) -> Bool {
        if position < bytes.count, bytes[position] == byte { position += 1; return true }
        return false
    }

    @inline(__always) static func hexValue(_ b: UInt8) -> UInt8? {
        let digit = b &- 0x30
        if digit < 10 { return digit }
        let letter = (b | 0x20) &- 0x61
        return letter < 6 ? letter &+ 10 : nil
    }

    @inline(never) private func contextDescription(at index: Int) -> String {
        guard index < bytes.count else { return " (end of file)" }
        let end = Swift.min(bytes.count, index + 12)
        let text = UnsafeBufferPointer(rebasing: bytes[index..<end]).prefix { $0 != 0x0A }
        return " near \"\(DisplayName.escaped(Array(text)))\""
    }
}

/// What a parser throws: a human-readable reason that ends up in the `errors` list.
public struct ParseError: Error, Equatable, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension UnsafeBufferPointer where Element == UInt8 {
    /// Compares with an ASCII literal without building a String.
    @inline(__always) func equals(_ ascii: StaticString) -> Bool {
        guard count == ascii.utf8CodeUnitCount else { return false }
        let p = ascii.utf8Start
        for i in 0..<count where self[i] != p[i] { return false }
        return true
    }

    /// A String from bytes that the kernel documents as ASCII names (counter names, states).
    var asciiString: String { String(decoding: self, as: UTF8.self) }
}
