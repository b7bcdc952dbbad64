#if canImport(Glibc)
import Glibc
#endif

/// Link facts of one network namespace over NETLINK_ROUTE (one RTM_GETLINK dump a sample). The
/// socket is opened once, in the namespace of the thread that opens it (inside
/// `NetworkNamespace.run` for another namespace) and kept: it keeps answering for that
/// namespace whatever the calling thread's namespace, and it keeps the namespace (and so its
/// inode number) alive until `close()`.
public final class RtnetlinkLinks {
    private var fd: Int32
    private var buffer = [UInt8](repeating: 0, count: 1 << 15)
    private var sequence: UInt32 = 0

    /// A socket in the calling thread's namespace.
    public init() throws(ParseError) {
        fd = try Self.openSocket()
    }

    /// A socket in the namespace at `path` (/proc/PID/ns/net, /run/netns/NAME): needs
    /// CAP_SYS_ADMIN, as entering the namespace does.
    init(fd: Int32) { self.fd = fd }

    /// The socket, and the values of these sysctls as the namespace sees them (/proc/sys/net
    /// answers for the namespace of the thread that opens the file), read on the same visit.
    /// Also a sock_diag socket (nil when it cannot be opened), for the namespace's TCP sockets.
    public static func open(namespacePath path: String, alsoRead sysctls: [String])
        throws(ParseError) -> (links: RtnetlinkLinks, sysctls: [(String, String)], sockDiag: KeptSocket?) {
        let opened = try NetworkNamespace.run(in: path) { () -> Result<(Int32, [(String, String)], Int32), ParseError> in
            let fd: Int32
            do throws(ParseError) { fd = try Self.openSocket() } catch { return .failure(error) }
            let diag = socket(AF_NETLINK, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 4)   // NETLINK_SOCK_DIAG
            var timeout = timeval(tv_sec: 2, tv_usec: 0)
            if diag >= 0 { setsockopt(diag, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size)) }
            let reader = FileReader()
            reader.procFileLimit = 4096
            let values: [(String, String)] = sysctls.compactMap { name in
                let file = "sys/" + name.split(separator: ".").joined(separator: "/")
                return (try? reader.withContents(.proc, file) { ValueFileParser.text($0) }).map { (name, $0) }
            }
            return .success((fd, values, diag))
        }
        let (fd, values, diag) = try opened.get()
        return (RtnetlinkLinks(fd: fd), values, diag >= 0 ? KeptSocket(diag) : nil)
    }

    deinit { close() }

    public func close() {
        if fd >= 0 { _ = Glibc.close(fd) }
        fd = -1
    }

    static func openSocket() throws(ParseError) -> Int32 {
        let fd = socket(AF_NETLINK, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)   // NETLINK_ROUTE
        guard fd >= 0 else { throw ParseError("socket: \(String(cString: strerror(errno)))") }
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    /// Every link of the namespace, at most `limit` (a namespace with more keeps its first).
    public func dump(limit: Int = 4096) throws(ParseError) -> [LinkFacts] {
        guard fd >= 0 else { throw ParseError("the rtnetlink socket is closed") }
        sequence &+= 1
        // IFLA_EXT_MASK = RTEXT_FILTER_SKIP_STATS: the counters come from /proc/net/dev; a kernel
        // without the flag ignores it and sends them anyway.
        var request = RtnetlinkParser.dumpRequest(type: RtnetlinkParser.getLink, sequence: sequence)
        request += [8, 0, 29, 0, 8, 0, 0, 0]
        request.replaceSubrange(0..<4, with: withUnsafeBytes(of: UInt32(request.count)) { Array($0) })
        let sent = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        guard sent == request.count else { throw ParseError("send: \(String(cString: strerror(errno)))") }
        var links: [LinkFacts] = []
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
                try RtnetlinkParser.forEachLink(UnsafeBufferPointer(rebasing: all[0..<received])) { message, facts in
                    switch message {
                    case .done: finished = true
                    case .error(let code): if code != 0 { failed = code; finished = true }
                    default: if !finished, let facts, links.count < limit { links.append(facts) }
                    }
                }
            }
        }
        if failed != 0 { throw ParseError("the kernel answered \(String(cString: strerror(0 &- failed)))") }
        return links
    }
}
