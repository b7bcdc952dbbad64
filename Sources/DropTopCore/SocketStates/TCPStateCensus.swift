#if canImport(Glibc)
import Glibc
#endif

/// One sock_diag dump of a namespace's TCP sockets, split the way the state-change counter sees
/// them: full sockets (whose every state change fires sock:inet_sock_set_state) apart from the
/// TIME_WAIT minisockets and request sockets, which never fire it.
public struct TCPStateCensus: Sendable, Equatable {
    /// Full sockets by state (never CLOSE: a socket is unhashed before it is set to CLOSE).
    public var fullSockets: [TCPState: UInt64] = [:]
    /// TIME_WAIT minisockets by the state sock_diag shows: TIME_WAIT, or FIN_WAIT2 for the timewait
    /// socket an orphaned FIN_WAIT2 connection becomes (ss lists those as FIN-WAIT-2).
    public var timeWaitSockets: [TCPState: UInt64] = [:]
    /// Request sockets (SYN_RECV), answered SYNs not yet full sockets.
    public var requestSockets: UInt64 = 0

    public init() {}

    /// Every state as ss would count it: full sockets, minisockets and requests together.
    public var allSockets: [TCPState: UInt64] {
        var all = fullSockets.merging(timeWaitSockets, uniquingKeysWith: +)
        if requestSockets > 0 { all[.synRecv, default: 0] += requestSockets }
        return all
    }

    /// The state with the kernel's number (1 ESTABLISHED ... 11 CLOSING); nil for any other.
    public static func state(number: UInt8) -> TCPState? {
        number >= 1 && Int(number) <= TCPState.allCases.count ? TCPState.allCases[Int(number) - 1] : nil
    }

    /// Counts one record; a caller that dumps for other reasons can feed its bytes here too
    /// (SockDiagParser.forEachSocketKind) instead of dumping again.
    public mutating func add(_ socket: SockDiagSocketKind) {
        guard let state = Self.state(number: socket.state) else { return }
        if socket.isFullSocket {
            fullSockets[state, default: 0] += 1
        } else if socket.timer == SockDiagParser.timerTimeWait || state == .timeWait {
            timeWaitSockets[state, default: 0] += 1
        } else {
            requestSockets += 1
        }
    }

    /// Dumps both families on a sock_diag socket (one opened inside a namespace answers for it);
    /// nil `fd`: a socket opened here, in the calling thread's namespace.
    public static func read(fd: Int32? = nil) throws(ParseError) -> TCPStateCensus {
        let socket: Int32
        if let fd { socket = fd } else { socket = try NetlinkDumper.openSocket(protocol: 4) }
        defer { if fd == nil { close(socket) } }
        var dumper = NetlinkDumper(bufferSize: 1 << 16)
        var census = TCPStateCensus()
        // States 1...11 only: bit 13 (TCP_BOUND_INACTIVE) would add bound, unconnected sockets.
        let states: UInt32 = 0xFFE
        for family in [UInt8(AF_INET), UInt8(AF_INET6)] {
            let request = { (sequence: UInt32) in SockDiagParser.tcpDumpRequest(family: family, sequence: sequence, states: states) }
            try dumper.dump(socket, request: request) { bytes throws(ParseError) in
                try SockDiagParser.forEachSocketKind(bytes) { census.add($0) }
            }
        }
        return census
    }
}
