#if canImport(Glibc)
import Glibc
#endif

/// Queueing disciplines and their drop counters over NETLINK_ROUTE, as `tc -s qdisc show` reads
/// them: one RTM_GETLINK dump for interface names, one RTM_GETQDISC dump, on one socket. The
/// socket belongs to the network namespace of the thread that opens it (see `NetworkNamespace`).
public final class RtnetlinkQdiscs {
    private var buffer = [UInt8](repeating: 0, count: 1 << 16)
    private var sequence: UInt32 = 0

    public init() {}

    /// Every qdisc of every interface, names resolved; `problems` lists attributes that could
    /// not be decoded (their qdiscs keep what could). Throws when netlink itself fails.
    public func dump() throws(ParseError) -> PartialParse<[QdiscStats]> {
        let fd = socket(AF_NETLINK, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)   // NETLINK_ROUTE
        guard fd >= 0 else { throw ParseError("socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        // A dump never waits for the network, but a stuck read must not freeze the screen.
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var names: [Int32: String] = [:]
        var qdiscs: [QdiscStats] = []
        var problems: [String] = []
        try request(fd, type: RtnetlinkParser.getLink) { message in
            if case .link(let index, let name) = message { names[index] = DisplayName.escaped(name) }
        }
        try request(fd, type: RtnetlinkParser.getQdisc) { message in
            guard case .qdisc(let qdisc, let found) = message else { return }
            qdiscs.append(qdisc)
            problems += found
        }
        for i in qdiscs.indices {
            if let name = names[qdiscs[i].ifindex] { qdiscs[i].interface = name }
        }
        return PartialParse(value: qdiscs, problems: problems)
    }

    /// One dump request and its multipart answer, read to its NLMSG_DONE.
    private func request(_ fd: Int32, type: UInt16, _ visit: (RtnetlinkParser.Message) -> Void) throws(ParseError) {
        sequence &+= 1
        let message = RtnetlinkParser.dumpRequest(type: type, sequence: sequence)
        let sent = message.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        guard sent == message.count else { throw ParseError("send: \(String(cString: strerror(errno)))") }
        var finished = false
        var failed: Int32 = 0
        while !finished {
            let received = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_TRUNC)) }
            if received < 0 {
                if errno == EINTR { continue }
                throw ParseError("recv: \(String(cString: strerror(errno)))")
            }
            if received == 0 { throw ParseError("the kernel closed the dump before its end") }
            guard received <= buffer.count else { throw ParseError("a netlink message of \(received) bytes did not fit") }
            try buffer.withUnsafeBufferPointer { all throws(ParseError) in
                try RtnetlinkParser.forEachMessage(UnsafeBufferPointer(rebasing: all[0..<received])) { message in
                    switch message {
                    case .done: finished = true
                    case .error(let code): if code != 0 { failed = code; finished = true }
                    default: if !finished { visit(message) }
                    }
                }
            }
        }
        if failed != 0 { throw ParseError("the kernel answered \(String(cString: strerror(0 &- failed)))") }
    }
}
