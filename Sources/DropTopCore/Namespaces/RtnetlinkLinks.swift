#if canImport(Glibc)
import Glibc
#endif

/// Link facts of one network namespace over NETLINK_ROUTE. The socket is opened once, in the
/// namespace of the thread that opens it (inside `NetworkNamespace.run` for another namespace)
/// and kept: it keeps answering for that namespace whatever the calling thread's namespace, and
/// it keeps the namespace (and so its inode number) alive until `close()`.
///
/// The socket also hears that namespace's link notifications (RTNLGRP_LINK, as `ip monitor link`):
/// the kernel sends one when a link comes, goes or changes state, MTU, queue length or name, never
/// for its counters. So an RTM_GETLINK dump is done only when one came (or some were lost), and
/// at least every `maxAge` seconds; otherwise the last dump is still right.
public final class RtnetlinkLinks {
    private var fd: Int32
    private var dumper = NetlinkDumper(bufferSize: 1 << 15)
    private var kept: (links: [LinkFacts], at: Double)?
    /// A notification came while the last dump was read: it may predate what that dump saw.
    private var keptMayBeStale = false
    /// Dumps done (tests check that an idle namespace is not dumped again).
    private(set) var dumps = 0
    /// A dump at least this often (seconds), whatever was heard; 0 dumps on every call.
    public var maxAge = 30.0
    /// Notification reads a sample at most; beyond them, dumping is cheaper than reading on.
    static let maxDrainReads = 16
    /// Reads to empty a queue that notifications filled (the default 208 KiB holds a few hundred).
    static let fullQueueReads = 1024

    /// A socket in the calling thread's namespace.
    public convenience init() throws(ParseError) {
        self.init(fd: try Self.openSocket())
    }

    /// A socket in the namespace at `path` (/proc/PID/ns/net, /run/netns/NAME): needs
    /// CAP_SYS_ADMIN, as entering the namespace does. The subscription is the socket's, so it
    /// can be made from any namespace; without it every call dumps.
    init(fd: Int32) {
        self.fd = fd
        var group: Int32 = 1   // RTNLGRP_LINK
        dumper.listens = setsockopt(fd, 270, 1, &group, socklen_t(MemoryLayout<Int32>.size)) == 0   // SOL_NETLINK, NETLINK_ADD_MEMBERSHIP
    }

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

    /// Every link of the namespace, at most `limit` (a namespace with more keeps its first): the
    /// last dump's while no notification says it changed, otherwise a new dump.
    public func current(limit: Int = 4096) throws(ParseError) -> [LinkFacts] {
        guard fd >= 0 else { throw ParseError("the rtnetlink socket is closed") }
        let now = Sampler.monotonicNow()
        // Read what waits even when dumping anyway: it predates the dump, which sees its change.
        let heard = !dumper.listens || dumper.drainNotifications(fd, maxReads: Self.maxDrainReads)
        if let kept, !heard, !keptMayBeStale, now - kept.at < maxAge { return kept.links }
        kept = nil
        let links: [LinkFacts], others: Int
        do { (links, others) = try dump(limit: limit) } catch NetlinkDumper.crowdedOut {
            _ = dumper.drainNotifications(fd, maxReads: Self.fullQueueReads)
            (links, others) = try dump(limit: limit)
        }
        kept = (links, now)
        keptMayBeStale = others > 0
        return links
    }

    /// A new RTM_GETLINK dump, and how many notifications came among its answers.
    private func dump(limit: Int) throws(ParseError) -> (links: [LinkFacts], others: Int) {
        // IFLA_EXT_MASK = RTEXT_FILTER_SKIP_STATS: the counters come from /proc/net/dev; a kernel
        // without the flag ignores it and sends them anyway.
        func request(_ sequence: UInt32) -> [UInt8] {
            var request = RtnetlinkParser.dumpRequest(type: RtnetlinkParser.getLink, sequence: sequence)
            request += [8, 0, 29, 0, 8, 0, 0, 0]
            request.replaceSubrange(0..<4, with: withUnsafeBytes(of: UInt32(request.count)) { Array($0) })
            return request
        }
        dumps += 1
        var links: [LinkFacts] = []
        let others = try dumper.dump(fd, request: request) { bytes throws(ParseError) in
            try RtnetlinkParser.forEachLink(bytes) { _, facts in
                if let facts, links.count < limit { links.append(facts) }
            }
        }
        return (links, others)
    }
}
