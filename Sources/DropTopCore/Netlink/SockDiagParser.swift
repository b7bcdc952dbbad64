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
