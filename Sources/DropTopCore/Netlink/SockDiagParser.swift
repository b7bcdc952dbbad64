/// The NETLINK_SOCK_DIAG messages droptop sends and reads (linux/inet_diag.h): a dump request
/// for every TCP socket of one address family, and the inet_diag_msg records that answer it.
/// Bytes in, typed values out, like the /proc parsers; the socket I/O is in NetlinkSocketTables.
public enum SockDiagParser {
    public enum Message: Sendable {
        case socket(SocketRow)
        case done
        /// NLMSG_ERROR with a negative errno (0 is an acknowledgement).
        case error(Int32)
        case other(type: UInt16)
    }

    static let headerSize = 16            // struct nlmsghdr
    static let diagMessageSize = 72       // struct inet_diag_msg
    static let typeDone: UInt16 = 3, typeError: UInt16 = 2, typeSockDiagByFamily: UInt16 = 20
    /// TCPDIAG_GETSOCK: the older request (struct inet_diag_req), still served, whose dump takes
    /// both families in one walk of the kernel's hash (two SOCK_DIAG_BY_FAMILY dumps walk it twice).
    static let typeTCPDiagGetSock: UInt16 = 18

    /// nlmsghdr + inet_diag_req_v2 asking for every TCP socket of `family` (AF_INET or
    /// AF_INET6) in every state, request sockets (SYN_RECV) and TIME_WAIT included, as
    /// /proc/net/tcp lists them. `states` is idiag_states, a bit per TCP state: `1 << 10` asks for
    /// the listeners only, which the kernel answers without walking the established hash;
    /// `transientStates` every state but ESTABLISHED, TIME_WAIT and LISTEN (the kernel still walks
    /// its hash but sends only those: ~14 ms a family instead of ~110 ms at 100,000 sockets).
    public static func tcpDumpRequest(family: UInt8, sequence: UInt32, states: UInt32 = .max) -> [UInt8] {
        var bytes = NetlinkFrames.dumpHeader(length: NetlinkFrames.headerSize + 56, type: typeSockDiagByFamily, sequence: sequence)
        func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value) { bytes += $0 } }
        bytes += [family, 6, 0, 0]            // sdiag_family, IPPROTO_TCP, idiag_ext, pad
        append(states)                        // idiag_states
        bytes += [UInt8](repeating: 0, count: 48)   // inet_diag_sockid: unused by a dump
        return bytes
    }

    /// nlmsghdr + inet_diag_req asking for the TCP sockets of both families in `states`, in one
    /// walk: the kernel serves this older request with sdiag_family AF_UNSPEC. Its answers are
    /// inet_diag_msg records like the others (type TCPDIAG_GETSOCK).
    public static func tcpDumpRequestBothFamilies(sequence: UInt32, states: UInt32) -> [UInt8] {
        var bytes = NetlinkFrames.dumpHeader(length: NetlinkFrames.headerSize + 60, type: typeTCPDiagGetSock, sequence: sequence)
        func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value) { bytes += $0 } }
        bytes += [0, 0, 0, 0]                 // idiag_family (ignored: both), src_len, dst_len, idiag_ext
        bytes += [UInt8](repeating: 0, count: 48)   // inet_diag_sockid: unused by a dump
        append(states)                        // idiag_states
        append(UInt32(0))                     // idiag_dbs
        return bytes
    }

    /// idiag_states bits of SYN_SENT, SYN_RECV, FIN_WAIT1, FIN_WAIT2, CLOSE, CLOSE_WAIT, LAST_ACK,
    /// CLOSING and NEW_SYN_RECV (request sockets, listed as SYN_RECV). The kernel tests a timewait
    /// minisocket's substate, so FIN_WAIT2 minisockets are among them and TIME_WAIT ones are not.
    public static let transientStates: UInt32 = [2, 3, 4, 5, 7, 8, 9, 11, 12].reduce(0) { $0 | 1 << $1 }

    /// The idiag_timer of a timewait minisocket (TIME_WAIT, or FIN_WAIT2 after close()).
    public static let timeWaitTimer: UInt8 = 3

    /// Walks the netlink messages in the bytes of one recv().
    public static func forEachMessage(_ bytes: UnsafeBufferPointer<UInt8>, _ visit: (Message) -> Void) throws(ParseError) {
        try NetlinkFrames.forEach(bytes) { frame throws(ParseError) in
            switch frame {
            case .done: visit(.done)
            case .error(let code): visit(.error(code))
            case .message(let type, let payload) where type == typeSockDiagByFamily || type == typeTCPDiagGetSock:
                guard payload.count >= diagMessageSize, let start = payload.baseAddress else {
                    throw ParseError("inet_diag_msg of \(payload.count) bytes, expected \(diagMessageSize)")
                }
                visit(.socket(try row(start)))
            case .message(let type, _): visit(.other(type: type))
            }
        }
    }

    /// struct inet_diag_msg: family, state, timer, retrans; ports and addresses in network
    /// order; expires, rqueue, wqueue, uid, inode in host order.
    static func row(_ p: UnsafeRawPointer) throws(ParseError) -> SocketRow {
        let family = p.load(fromByteOffset: 0, as: UInt8.self)
        func address(_ at: Int) -> IPAddress {
            if family == 2 {
                return IPAddress(v4: (p.load(fromByteOffset: at, as: UInt8.self), p.load(fromByteOffset: at + 1, as: UInt8.self),
                                      p.load(fromByteOffset: at + 2, as: UInt8.self), p.load(fromByteOffset: at + 3, as: UInt8.self)))
            }
            return IPAddress(high: UInt64(bigEndian: p.loadUnaligned(fromByteOffset: at, as: UInt64.self)),
                             low: UInt64(bigEndian: p.loadUnaligned(fromByteOffset: at + 8, as: UInt64.self)))
        }
        guard family == 2 || family == 10 else { throw ParseError("address family \(family) is neither AF_INET nor AF_INET6") }
        func word(_ at: Int) -> UInt32 { p.loadUnaligned(fromByteOffset: at, as: UInt32.self) }
        return SocketRow(
            localAddress: address(8), localPort: UInt16(bigEndian: p.loadUnaligned(fromByteOffset: 4, as: UInt16.self)),
            remoteAddress: address(24), remotePort: UInt16(bigEndian: p.loadUnaligned(fromByteOffset: 6, as: UInt16.self)),
            state: p.load(fromByteOffset: 1, as: UInt8.self), txQueue: UInt64(word(60)), rxQueue: UInt64(word(56)),
            retransmits: UInt64(p.load(fromByteOffset: 3, as: UInt8.self)), uid: UInt64(word(64)), inode: UInt64(word(68)),
            drops: nil, timer: p.load(fromByteOffset: 2, as: UInt8.self))
    }
}

/// What kind of kernel object a sock_diag record describes. The kernel fills a full socket's
/// record through inet_diag_msg_attrs_fill, which always adds INET_DIAG_SHUTDOWN; the records
/// of TIME_WAIT minisockets (idiag_timer 3; the state is the minisocket's substate, so an
/// orphan's FIN_WAIT2 timewait socket reads FIN_WAIT2) and request sockets (SYN_RECV) never have it.
public struct SockDiagSocketKind: Sendable, Equatable {
    public var state: UInt8
    public var timer: UInt8
    public var isFullSocket: Bool
}

extension SockDiagParser {
    static let attributeShutdown: UInt16 = 8   // INET_DIAG_SHUTDOWN
    static let timerTimeWait: UInt8 = 3

    /// Walks the socket records of one recv(), with each record's state, timer and kind.
    public static func forEachSocketKind(_ bytes: UnsafeBufferPointer<UInt8>, _ visit: (SockDiagSocketKind) -> Void) throws(ParseError) {
        try NetlinkFrames.forEach(bytes) { frame throws(ParseError) in
            guard case .message(let type, let payload) = frame, type == typeSockDiagByFamily || type == typeTCPDiagGetSock else { return }
            guard payload.count >= diagMessageSize else {
                throw ParseError("inet_diag_msg of \(payload.count) bytes, expected \(diagMessageSize)")
            }
            var full = false
            try forEachAttribute(UnsafeRawBufferPointer(rebasing: payload[diagMessageSize...])) { type, _ in
                if type == attributeShutdown { full = true }
            }
            visit(SockDiagSocketKind(state: payload[1], timer: payload[2], isFullSocket: full))
        }
    }
}

/// A socket's own memory figures: the INET_DIAG_SKMEMINFO attribute, an array of u32 indexed by
/// SK_MEMINFO_* (linux/sock_diag.h). Older kernels send fewer entries; newer ones may send more.
public struct SocketMemory: Equatable, Sendable {
    /// SK_MEMINFO_RMEM_ALLOC: bytes queued for reading now.
    public var receiveQueued: UInt64
    /// SK_MEMINFO_RCVBUF: the receive buffer limit, as the kernel holds it (twice a setsockopt value).
    public var receiveBuffer: UInt64
    /// SK_MEMINFO_DROPS: packets the socket dropped since it was created; nil before kernel 3.8.
    public var drops: UInt64?
}

/// UDP: the same inet_diag_msg, with the memory attribute asked for.
extension SockDiagParser {
    static let skMemInfoAttribute: UInt16 = 7      // INET_DIAG_SKMEMINFO
    static let memInfoRMemAlloc = 0, memInfoRcvbuf = 1, memInfoDrops = 8

    /// A dump request for every UDP socket of `family` (unbound, bound and connected: every
    /// state bit), with INET_DIAG_SKMEMINFO (idiag_ext is a bit per extension, `1 << (type - 1)`).
    public static func udpDumpRequest(family: UInt8, sequence: UInt32) -> [UInt8] {
        var bytes = NetlinkFrames.dumpHeader(length: NetlinkFrames.headerSize + 56, type: typeSockDiagByFamily, sequence: sequence)
        bytes += [family, 17, UInt8(1) << (skMemInfoAttribute - 1), 0]   // sdiag_family, IPPROTO_UDP, idiag_ext, pad
        bytes += [0xFF, 0xFF, 0xFF, 0xFF]                                 // idiag_states
        bytes += [UInt8](repeating: 0, count: 48)                         // inet_diag_sockid: unused by a dump
        return bytes
    }

    /// Walks the UDP sockets in the bytes of one recv(): each row (its `drops` from the memory
    /// attribute) and the memory attribute itself, when the kernel sent one.
    public static func forEachUDPSocket(_ bytes: UnsafeBufferPointer<UInt8>,
                                        _ visit: (SocketRow, SocketMemory?) -> Void) throws(ParseError) {
        try NetlinkFrames.forEach(bytes) { frame throws(ParseError) in
            guard case .message(typeSockDiagByFamily, let payload) = frame else { return }
            guard payload.count >= diagMessageSize, let start = payload.baseAddress else {
                throw ParseError("inet_diag_msg of \(payload.count) bytes, expected \(diagMessageSize)")
            }
            var socket = try row(start)
            let memory = try self.memory(UnsafeRawBufferPointer(rebasing: payload[diagMessageSize...]))
            socket.drops = memory?.drops
            visit(socket, memory)
        }
    }

    /// Walks the netlink attributes after an inet_diag_msg: each a u16 length that counts its
    /// 4-byte header, a u16 type (less the NLA_F_ flags), the value, padded to 4 bytes. An
    /// attribute that overruns the message is an error.
    static func forEachAttribute(_ attributes: UnsafeRawBufferPointer,
                                 _ visit: (UInt16, UnsafeRawBufferPointer) -> Void) throws(ParseError) {
        var offset = 0
        while offset + 4 <= attributes.count {
            let length = Int(attributes.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
            let type = attributes.loadUnaligned(fromByteOffset: offset + 2, as: UInt16.self) & 0x3FFF
            guard length >= 4, length <= attributes.count - offset else {
                throw ParseError("sock_diag attribute of \(length) bytes at byte \(offset) does not fit in \(attributes.count)")
            }
            visit(type, UnsafeRawBufferPointer(rebasing: attributes[(offset + 4)..<(offset + length)]))
            offset += min((length + 3) & ~3, attributes.count - offset)   // NLA_ALIGN
        }
    }

    /// The SKMEMINFO attribute, when there is one long enough to hold rmem and rcvbuf.
    static func memory(_ attributes: UnsafeRawBufferPointer) throws(ParseError) -> SocketMemory? {
        var found: SocketMemory?
        try forEachAttribute(attributes) { type, value in
            let count = value.count / 4
            guard type == skMemInfoAttribute, count > memInfoRcvbuf else { return }
            func entry(_ i: Int) -> UInt64 { UInt64(value.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)) }
            found = SocketMemory(receiveQueued: entry(memInfoRMemAlloc), receiveBuffer: entry(memInfoRcvbuf),
                                 drops: count > memInfoDrops ? entry(memInfoDrops) : nil)
        }
        return found
    }
}
