/// An IPv4 or IPv6 address as the kernel stores it (network byte order), hashable without Strings.
public struct IPAddress: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var high: UInt64
    public var low: UInt64
    public var isV4: Bool

    public init(v4 networkOrderBytes: (UInt8, UInt8, UInt8, UInt8)) {
        let (a, b, c, d) = networkOrderBytes
        high = 0
        low = UInt64(a) << 24 | UInt64(b) << 16 | UInt64(c) << 8 | UInt64(d)
        isV4 = true
    }

    public init(high: UInt64, low: UInt64) {
        self.high = high; self.low = low; isV4 = false
    }

    public init(v6 bytes: [UInt8]) {
        var h: UInt64 = 0, l: UInt64 = 0
        for i in 0..<8 { h = h << 8 | UInt64(bytes[i]) }
        for i in 8..<16 { l = l << 8 | UInt64(bytes[i]) }
        high = h; low = l; isV4 = false
    }

    /// One combine instead of three: this is hashed once per socket row.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(high &* 0x9E37_79B9_7F4A_7C15 ^ low ^ (isV4 ? 1 : 0))
    }

    public static func == (a: IPAddress, b: IPAddress) -> Bool {
        a.low == b.low && a.high == b.high && a.isV4 == b.isV4
    }

    public var isUnspecified: Bool { high == 0 && low == 0 }

    /// An IPv4-mapped IPv6 address (::ffff:a.b.c.d) shown as the IPv4 address it carries.
    var unmappedV4: IPAddress? {
        guard !isV4, high == 0, low >> 32 == 0xFFFF else { return nil }
        let v = UInt32(truncatingIfNeeded: low)
        return IPAddress(v4: (UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)))
    }

    public var description: String {
        if isV4 {
            return "\(low >> 24 & 0xFF).\(low >> 16 & 0xFF).\(low >> 8 & 0xFF).\(low & 0xFF)"
        }
        if let v4 = unmappedV4 { return "::ffff:" + v4.description }
        var groups: [UInt16] = []
        for shift in stride(from: 48, through: 0, by: -16) { groups.append(UInt16(truncatingIfNeeded: high >> UInt64(shift))) }
        for shift in stride(from: 48, through: 0, by: -16) { groups.append(UInt16(truncatingIfNeeded: low >> UInt64(shift))) }
        // Compress the longest run of two or more zero groups (RFC 5952).
        var bestStart = -1, bestLength = 0, i = 0
        while i < 8 {
            if groups[i] == 0 {
                var j = i
                while j < 8 && groups[j] == 0 { j += 1 }
                if j - i > bestLength && j - i >= 2 { bestStart = i; bestLength = j - i }
                i = j
            } else { i += 1 }
        }
        func hex(_ range: Range<Int>) -> String { groups[range].map { String($0, radix: 16) }.joined(separator: ":") }
        if bestStart < 0 { return hex(0..<8) }
        return hex(0..<bestStart) + "::" + hex((bestStart + bestLength)..<8)
    }

    public static func < (a: IPAddress, b: IPAddress) -> Bool {
        (a.isV4 ? 0 : 1, a.high, a.low) < (b.isV4 ? 0 : 1, b.high, b.low)
    }
}

/// One row of /proc/net/{tcp,tcp6,udp,udp6}, the fields droptop uses.
public struct SocketRow: Sendable {
    public var localAddress: IPAddress
    public var localPort: UInt16
    public var remoteAddress: IPAddress
    public var remotePort: UInt16
    public var state: UInt8
    public var txQueue: UInt64
    public var rxQueue: UInt64
    public var retransmits: UInt64
    public var uid: UInt64
    public var inode: UInt64
    /// Only in the udp files: datagrams dropped by this socket since it was created.
    public var drops: UInt64?
    /// The timer the socket is waiting on (sock_diag's idiag_timer; 0 from the /proc files, which
    /// are not asked for it): 3 marks the kernel's timewait minisockets.
    public var timer: UInt8 = 0
}

/// Streams the rows of a socket table to a visitor, without a String per line.
/// Rows that cannot be read are counted and skipped, not fatal: the file changes while it is read.
public enum SocketTableParser {
    public struct Result: Sendable {
        public var rows = 0
        public var badRows = 0
        public var firstProblem: String?
        /// Lines read so far, header included: where the next piece of a streamed file starts.
        public var lines = 0
        public init() {}
    }

    /// `after`: the result of the pieces of the same file before this one (it was streamed in
    /// pieces that end at line ends); only the first piece starts with the header.
    public static func forEachRow(_ bytes: UnsafeBufferPointer<UInt8>, hasDrops: Bool, after: Result? = nil,
                                  _ visit: (SocketRow) -> Void) throws(ParseError) -> Result {
        var cursor = ByteCursor(bytes)
        if after == nil {
            guard let header = cursor.line() else { throw ParseError("empty file") }
            try checkHeader(header)
        }
        var result = after ?? Result()
        var lineNumber = after?.lines ?? 1
        while !cursor.isAtEnd {
            lineNumber += 1
            do throws(ParseError) {
                if cursor.atEndOfLine() { cursor.skipLine(); continue }
                let row = try parseRow(&cursor, hasDrops: hasDrops)
                result.rows += 1
                visit(row)
            } catch {
                result.badRows += 1
                if result.firstProblem == nil { result.firstProblem = "line \(lineNumber): \(error.message)" }
            }
            cursor.skipLine()
        }
        result.lines = lineNumber
        return result
    }

    /// The columns every kernel prints, in order; rows are read by position, so a header that
    /// moves, drops or inserts one of these is refused rather than read wrong. Columns after
    /// them (udp's `ref pointer drops`) may vary. udp6 prints `remote_addressst`, glued.
    static let headerColumns = ["sl", "local_address", "rem_address", "st", "tx_queue", "rx_queue", "tr", "tm->when",
                                "retrnsmt", "uid", "timeout", "inode"]

    static func checkHeader(_ header: UnsafeBufferPointer<UInt8>) throws(ParseError) {
        var fields = ByteCursor(header)
        var names: [String] = []
        while names.count < headerColumns.count, let token = fields.token() {
            switch token.asciiString {
            case "remote_address": names.append("rem_address")
            case "remote_addressst", "rem_addressst": names += ["rem_address", "st"]
            case let name: names.append(name)
            }
        }
        guard names.first == "sl" else { throw ParseError("no 'sl local_address' header") }
        guard names.count >= headerColumns.count, Array(names.prefix(headerColumns.count)) == headerColumns else {
            throw ParseError("the header is not the kernel's (\(headerColumns.joined(separator: " ")) ...): "
                             + "a column added, removed or moved; not read")
        }
    }

    @inline(__always)
    static func parseRow(_ c: inout ByteCursor, hasDrops: Bool) throws(ParseError) -> SocketRow {
        c.skipToken()                             // sl: (row number)
        let (local, localPort) = try endpoint(&c)
        let (remote, remotePort) = try endpoint(&c)
        let state = try c.hex(maxDigits: 2)
        let tx = try c.hex()
        guard c.consume(0x3A) else { throw ParseError("expected tx_queue:rx_queue") }
        let rx = try c.hex()
        c.skipToken()                             // tr:tm->when (timer and jiffies)
        let retransmits = try c.hex()
        let uid = try c.decimal()
        c.skipToken()                             // timeout
        let inode = try c.decimal()
        var drops: UInt64?
        if hasDrops {
            c.skipToken()                         // ref
            c.skipToken()                         // pointer
            drops = try c.decimal()
        }
        return SocketRow(localAddress: local, localPort: localPort, remoteAddress: remote, remotePort: remotePort,
                         state: UInt8(truncatingIfNeeded: state), txQueue: tx, rxQueue: rx, retransmits: retransmits,
                         uid: uid, inode: inode, drops: drops)
    }

    /// "0100007F:1F90" (IPv4: one 32-bit word in host byte order) or 32 hex digits (IPv6: four words).
    @inline(__always)
    static func endpoint(_ c: inout ByteCursor) throws(ParseError) -> (IPAddress, UInt16) {
        c.skipBlanks()
        let address: IPAddress
        if c.byte(at: 8) == 0x3A {
            let (a, b, cc, d) = hostWordBytes(UInt32(truncatingIfNeeded: try c.hexDigits(8)))
            address = IPAddress(v4: (a, b, cc, d))
        } else if c.byte(at: 32) == 0x3A {
            // Each word's bytes in memory are the next four address bytes in network order.
            var high: UInt64 = 0, low: UInt64 = 0
            for w in 0..<4 {
                let (a, b, cc, d) = hostWordBytes(UInt32(truncatingIfNeeded: try c.hexDigits(8)))
                let word = UInt64(a) << 24 | UInt64(b) << 16 | UInt64(cc) << 8 | UInt64(d)
                if w < 2 { high = high << 32 | word } else { low = low << 32 | word }
            }
            address = IPAddress(high: high, low: low)
        } else {
            throw ParseError("address is neither 8 nor 32 hex digits followed by ':'")
        }
        guard c.consume(0x3A) else { throw ParseError("expected ':' between address and port") }
        let port = try c.hexDigits(4)
        return (address, UInt16(truncatingIfNeeded: port))
    }

    /// The kernel prints each 32-bit address word as an integer in host byte order; its bytes in
    /// memory are the address in network order.
    @inline(__always)
    static func hostWordBytes(_ word: UInt32) -> (UInt8, UInt8, UInt8, UInt8) {
        withUnsafeBytes(of: word) { ($0[0], $0[1], $0[2], $0[3]) }
    }
}

