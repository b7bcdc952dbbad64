/// One queueing discipline and its statistics, from an RTM_GETQDISC dump (as `tc -s qdisc`).
public struct QdiscStats: Codable, Equatable, Sendable {
    /// The interface name; "if<index>" until `RtnetlinkQdiscs` resolves it.
    public var interface: String
    public var ifindex: Int32
    /// TCA_KIND: "pfifo_fast", "fq_codel", "tbf", "mq", "noqueue", ...
    public var kind: String
    /// Major:minor handle as the kernel packs it (0x80010000 is "8001:").
    public var handle: UInt32
    public var parent: UInt32
    public var bytes: UInt64 = 0
    public var packets: UInt64 = 0
    /// Packets this qdisc dropped (queue full, policing, AQM).
    public var drops: UInt64 = 0
    /// Times a shaper held packets back for exceeding its rate.
    public var overlimits: UInt64 = 0
    /// Packets the driver handed back (its ring was busy) to be sent again.
    public var requeues: UInt64 = 0
    /// Packets and bytes queued right now (levels).
    public var qlen: UInt64 = 0
    public var backlog: UInt64 = 0

    public init(interface: String, ifindex: Int32, kind: String, handle: UInt32, parent: UInt32) {
        self.interface = interface
        self.ifindex = ifindex
        self.kind = kind
        self.handle = handle
        self.parent = parent
    }

    /// Attached at the device's root (TC_H_ROOT), not under a class or at ingress.
    public var isRoot: Bool { parent == 0xFFFF_FFFF }

    /// "8001:" or "1:10", as tc prints handles.
    public static func handleText(_ handle: UInt32) -> String {
        if handle == 0xFFFF_FFFF { return "root" }
        let major = String(handle >> 16, radix: 16), minor = handle & 0xFFFF
        return minor == 0 ? major + ":" : major + ":" + String(minor, radix: 16)
    }
}

/// The NETLINK_ROUTE messages droptop sends and reads (linux/rtnetlink.h, pkt_sched.h,
/// gen_stats.h): dump requests for links and qdiscs, and the ifinfomsg and tcmsg records that
/// answer them. Bytes in, typed values out; the socket I/O is in `RtnetlinkQdiscs`.
public enum RtnetlinkParser {
    public enum Message: Sendable {
        /// A qdisc, and what could not be decoded of its attributes (it keeps what could).
        case qdisc(QdiscStats, problems: [String])
        case link(index: Int32, name: [UInt8])
        case done
        /// NLMSG_ERROR with a negative errno (0 is an acknowledgement).
        case error(Int32)
        case other(type: UInt16)
    }

    static let tcmsgSize = 20, ifinfomsgSize = 16
    public static let getLink: UInt16 = 18, getQdisc: UInt16 = 38
    static let newLink: UInt16 = 16, newQdisc: UInt16 = 36
    // TCA_* and TCA_STATS_* attribute types.
    static let tcaKind: UInt16 = 1, tcaStats: UInt16 = 3, tcaStats2: UInt16 = 7
    static let statsBasic: UInt16 = 1, statsQueue: UInt16 = 3, statsPkt64: UInt16 = 8
    static let iflaIfname: UInt16 = 3

    /// nlmsghdr + a zeroed family header (ifinfomsg for links, tcmsg for qdiscs): every object
    /// of that type, in every family.
    public static func dumpRequest(type: UInt16, sequence: UInt32) -> [UInt8] {
        let body = type == getQdisc ? tcmsgSize : ifinfomsgSize
        return NetlinkFrames.dumpHeader(length: NetlinkFrames.headerSize + body, type: type, sequence: sequence)
            + [UInt8](repeating: 0, count: body)
    }

    /// Walks the netlink messages in the bytes of one recv(). A message that does not fit is an
    /// error (the rest of the buffer cannot be framed); a bad attribute costs only its message.
    public static func forEachMessage(_ bytes: UnsafeBufferPointer<UInt8>, _ visit: (Message) -> Void) throws(ParseError) {
        try NetlinkFrames.forEach(bytes) { frame throws(ParseError) in
            switch frame {
            case .done: visit(.done)
            case .error(let code): visit(.error(code))
            case .message(newQdisc, let payload): visit(try qdisc(payload))
            case .message(newLink, let payload): visit(try link(payload))
            case .message(let type, _): visit(.other(type: type))
            }
        }
    }

    /// struct tcmsg (family, pads, ifindex, handle, parent, info), then attributes.
    static func qdisc(_ p: UnsafeRawBufferPointer) throws(ParseError) -> Message {
        guard p.count >= tcmsgSize else { throw ParseError("tcmsg of \(p.count) bytes, expected \(tcmsgSize)") }
        var q = QdiscStats(interface: "", ifindex: p.loadUnaligned(fromByteOffset: 4, as: Int32.self), kind: "",
                           handle: p.loadUnaligned(fromByteOffset: 8, as: UInt32.self),
                           parent: p.loadUnaligned(fromByteOffset: 12, as: UInt32.self))
        q.interface = "if\(q.ifindex)"
        var problems: [String] = []
        var sawStats2 = false
        var legacy: UnsafeRawBufferPointer?
        var stats2: UnsafeRawBufferPointer?
        let broken = forEachAttribute(UnsafeRawBufferPointer(rebasing: p[tcmsgSize...])) { type, value in
            switch type {
            case tcaKind: q.kind = String(decoding: value.prefix { $0 != 0 }, as: UTF8.self)
            case tcaStats2: stats2 = value
            case tcaStats: legacy = value
            default: break
            }
        }
        if let broken { problems.append("\(q.interface) \(q.kind): \(broken)") }
        if let stats2 { sawStats2 = true; decodeStats2(stats2, into: &q, problems: &problems) }
        if !sawStats2, let legacy { decodeLegacyStats(legacy, into: &q, problems: &problems) }
        if !sawStats2 && legacy == nil { problems.append("\(q.interface) \(q.kind): no statistics attribute") }
        return .qdisc(q, problems: problems)
    }

    /// TCA_STATS2's nested attributes: gnet_stats_basic (u64 bytes, u32 packets), a 64-bit
    /// packet count when the kernel sends one, gnet_stats_queue (qlen, backlog, drops,
    /// requeues, overlimits: five u32).
    static func decodeStats2(_ nested: UnsafeRawBufferPointer, into q: inout QdiscStats, problems: inout [String]) {
        var packets64: UInt64?
        var short: [String] = []
        let broken = forEachAttribute(nested) { type, value in
            switch type {
            case statsBasic where value.count >= 12:
                q.bytes = value.loadUnaligned(as: UInt64.self)
                q.packets = UInt64(value.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
            case statsPkt64 where value.count >= 8:
                packets64 = value.loadUnaligned(as: UInt64.self)
            case statsQueue where value.count >= 20:
                q.qlen = UInt64(value.loadUnaligned(as: UInt32.self))
                q.backlog = UInt64(value.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
                q.drops = UInt64(value.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
                q.requeues = UInt64(value.loadUnaligned(fromByteOffset: 12, as: UInt32.self))
                q.overlimits = UInt64(value.loadUnaligned(fromByteOffset: 16, as: UInt32.self))
            case statsBasic, statsQueue, statsPkt64:
                short.append("statistics attribute \(type) of only \(value.count) bytes")
            default: break
            }
        }
        problems += (short + (broken.map { [$0] } ?? [])).map { "\(q.interface) \(q.kind): \($0)" }
        if let packets64 { q.packets = packets64 }
    }

    /// struct tc_stats, for kernels or qdiscs without TCA_STATS2: u64 bytes, then u32 packets,
    /// drops, overlimits, bps, pps, qlen, backlog. No requeue count.
    static func decodeLegacyStats(_ value: UnsafeRawBufferPointer, into q: inout QdiscStats, problems: inout [String]) {
        guard value.count >= 36 else {
            problems.append("\(q.interface) \(q.kind): tc_stats of only \(value.count) bytes")
            return
        }
        func word(_ at: Int) -> UInt64 { UInt64(value.loadUnaligned(fromByteOffset: at, as: UInt32.self)) }
        q.bytes = value.loadUnaligned(as: UInt64.self)
        q.packets = word(8)
        q.drops = word(12)
        q.overlimits = word(16)
        q.qlen = word(28)
        q.backlog = word(32)
    }

    /// struct ifinfomsg (family, pad, type, index, flags, change), then IFLA_IFNAME.
    static func link(_ p: UnsafeRawBufferPointer) throws(ParseError) -> Message {
        guard p.count >= ifinfomsgSize else { throw ParseError("ifinfomsg of \(p.count) bytes, expected \(ifinfomsgSize)") }
        let index = p.loadUnaligned(fromByteOffset: 4, as: Int32.self)
        var name: [UInt8] = []
        forEachAttribute(UnsafeRawBufferPointer(rebasing: p[ifinfomsgSize...])) { type, value in
            if type == iflaIfname { name = Array(value.prefix { $0 != 0 }) }
        }
        return .link(index: index, name: name)
    }

    /// Walks struct rtattr records (u16 length including the 4-byte header, u16 type, value,
    /// padding to 4). A length that is too short or runs past the end stops the walk.
    /// Returns the problem that stopped it, if one did.
    @discardableResult
    static func forEachAttribute(_ bytes: UnsafeRawBufferPointer, _ visit: (UInt16, UnsafeRawBufferPointer) -> Void) -> String? {
        var offset = 0
        while bytes.count - offset >= 4 {
            let length = Int(bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
            let type = bytes.loadUnaligned(fromByteOffset: offset + 2, as: UInt16.self) & 0x3FFF  // minus NLA_F_* flags
            guard length >= 4, length <= bytes.count - offset else {
                return "attribute \(type) of length \(length) at byte \(offset) of \(bytes.count); the rest skipped"
            }
            visit(type, UnsafeRawBufferPointer(rebasing: bytes[(offset + 4)..<(offset + length)]))
            offset += min((length + 3) & ~3, bytes.count - offset)
        }
        return nil
    }
}
