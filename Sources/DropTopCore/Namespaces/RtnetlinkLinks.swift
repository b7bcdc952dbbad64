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
    private var dumper = NetlinkDumper(bufferSize: 1 << 15)

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
            let diag = (try? NetlinkDumper.openSocket(protocol: 4)) ?? -1   // NETLINK_SOCK_DIAG; -1: /proc/PID/net/tcp then
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

    static func openSocket() throws(ParseError) -> Int32 { try NetlinkDumper.openSocket(protocol: 0) }   // NETLINK_ROUTE

    /// Every link of the namespace, at most `limit` (a namespace with more keeps its first).
    public func dump(limit: Int = 4096) throws(ParseError) -> [LinkFacts] {
        guard fd >= 0 else { throw ParseError("the rtnetlink socket is closed") }
        // IFLA_EXT_MASK = RTEXT_FILTER_SKIP_STATS: the counters come from /proc/net/dev; a kernel
        // without the flag ignores it and sends them anyway.
        func request(_ sequence: UInt32) -> [UInt8] {
            var request = RtnetlinkParser.dumpRequest(type: RtnetlinkParser.getLink, sequence: sequence)
            request += [8, 0, 29, 0, 8, 0, 0, 0]
            request.replaceSubrange(0..<4, with: withUnsafeBytes(of: UInt32(request.count)) { Array($0) })
            return request
        }
        var links: [LinkFacts] = []
        try dumper.dump(fd, request: request) { bytes throws(ParseError) in
            try RtnetlinkParser.forEachLink(bytes) { _, facts in
                if let facts, links.count < limit { links.append(facts) }
            }
        }
        return links
    }
}
