#if canImport(Glibc)
import Glibc
#endif

/// TCP sockets from the kernel's sock_diag netlink interface, as `ss` reads them: binary
/// records instead of /proc/net/tcp's formatted text, so the kernel does not print 150 bytes a
/// socket and droptop does not parse them. UDP sockets come with their receive buffers and drop
/// counts (SKMEMINFO). Any failure (no netlink in a sandbox, an old kernel, an error
/// message) switches to the /proc tables for the rest of the run; the summary's `source` and
/// `sourceNote` say which was read, and why.
public final class NetlinkSocketTables: SocketTableSource {
    let fallback: ProcSocketTables
    private var dumper = NetlinkDumper(bufferSize: 1 << 16)
    private var peerCapacityHint = 1024
    /// Why netlink was given up, once it was.
    public private(set) var failure: String?
    /// Why the kernel refused the dump of both families at once (then each is dumped alone).
    private(set) var bothFamiliesRefused: String?
    /// How many entries each "top" list keeps: the fallback's setting, so both agree.
    public var topCount: Int {
        get { fallback.topCount }
        set { fallback.topCount = newValue }
    }

    /// NETLINK_SOCK_DIAG; tests pass a protocol the kernel refuses, to exercise the fallback.
    let netlinkProtocol: Int32

    public convenience init(fallback: ProcSocketTables) { self.init(fallback: fallback, netlinkProtocol: 4) }

    init(fallback: ProcSocketTables, netlinkProtocol: Int32) {
        self.fallback = fallback
        self.netlinkProtocol = netlinkProtocol
    }

    /// A socket opened once and kept (one opened inside another network namespace answers for
    /// that namespace); nil: a socket per summary, in the calling thread's namespace.
    var kept: KeptSocket?

    public convenience init(fallback: ProcSocketTables, kept: KeptSocket) {
        self.init(fallback: fallback, netlinkProtocol: 4)
        self.kept = kept
    }

    public func tcpSummary(includeIPv6: Bool) -> (TCPSummary?, [SourceError]) {
        if failure == nil {
            var aggregate = TCPAggregator(peerCapacity: peerCapacityHint)
            aggregate.backlogs = []
            do {
                try withSocket { fd throws(ParseError) in
                    try dump(fd, family: UInt8(AF_INET)) { aggregate.add($0) }
                    if includeIPv6 { try dump(fd, family: UInt8(AF_INET6)) { aggregate.add($0) } }
                }
                peerCapacityHint = max(1024, aggregate.peers.count)
                var summary = aggregate.summary(top: topCount)
                summary.source = "netlink"
                return (summary, [])
            } catch {
                failure = error.message
            }
        }
        var (summary, errors) = fallback.tcpSummary(includeIPv6: includeIPv6)
        summary?.sourceNote = failure.map { "netlink sock_diag failed (\($0)); read /proc/net/tcp instead" }
        return (summary, errors)
    }

    /// A LISTEN-only dump (idiag_states = 1 << TCP_LISTEN): ~1 ms at 100,000 sockets, where the
    /// full dump costs ~110 ms, because the kernel then skips its established hash.
    public func listeners(includeIPv6: Bool) -> ([Listener], [SourceError])? {
        guard failure == nil else { return nil }
        var aggregate = TCPAggregator(peerCapacity: 16)
        aggregate.backlogs = []
        let listenOnly = UInt32(1) << UInt32(TCPAggregator.listen)
        do {
            // The kept socket answers for its namespace: a socket opened here would list the host's.
            try withSocket { fd throws(ParseError) in
                try dump(fd, family: UInt8(AF_INET), states: listenOnly) { aggregate.add($0) }
                if includeIPv6 { try dump(fd, family: UInt8(AF_INET6), states: listenOnly) { aggregate.add($0) } }
            }
            return (aggregate.listenerList(), [])
        } catch {
            failure = error.message
            return nil
        }
    }

    /// UDP sockets with their receive buffers (NetlinkUDPSockets.swift); /proc/net/udp once refused.
    private var udp = UDPSockDiag()

    public func udpSummary(includeIPv6: Bool) -> (UDPSummary?, [SourceError]) {
        if udp.failure == nil {
            do {
                return (try withSocket { fd throws(ParseError) in try udp.summary(fd, dumper: &dumper, includeIPv6: includeIPv6) }, [])
            } catch {
                udp.failure = error.message
            }
        }
        var (summary, errors) = fallback.udpSummary(includeIPv6: includeIPv6)
        summary?.sourceNote = udp.failure.map { "netlink sock_diag failed (\($0)); read /proc/net/udp instead" }
        return (summary, errors)
    }
}

extension NetlinkSocketTables: TransientStateSource {
    /// The states between ESTABLISHED, TIME_WAIT and LISTEN, in a dump filtered by state: the kernel
    /// walks its hash but sends only these sockets, once for both families with the older request
    /// (13 ms of CPU at 100,000 sockets; 28 ms for a dump per family; the full walk ~110 ms).
    public func transientStates(includeIPv6: Bool) -> (TCPTransientStates, [SourceError])? {
        transientStates(includeIPv6: includeIPv6, census: false).map { ($0.states, []) }
    }

    /// The same, and with `census` the dump's records as full sockets, minisockets and requests
    /// (from the same bytes), for a live tracker's baseline: nil when the kernel answered only
    /// the dumps per family.
    public func transientStates(includeIPv6: Bool, census wanted: Bool) -> (states: TCPTransientStates, census: TCPStateCensus?)? {
        guard failure == nil else { return nil }
        var census: TCPStateCensus?
        var aggregate = TCPAggregator(peerCapacity: 64)
        let states = SockDiagParser.transientStates
        do {
            try withSocket { fd throws(ParseError) in
                if bothFamiliesRefused == nil {
                    do throws(ParseError) {
                        // Half the kernel's work: one walk of its hash for both families.
                        let request = { (sequence: UInt32) in
                            SockDiagParser.tcpDumpRequestBothFamilies(sequence: sequence, states: states)
                        }
                        var counted = TCPStateCensus()
                        try dumper.dump(fd, request: request) { bytes throws(ParseError) in
                            try SockDiagParser.forEachMessage(bytes) { if case .socket(let row) = $0 { aggregate.add(row) } }
                            if wanted { try SockDiagParser.forEachSocketKind(bytes) { counted.add($0) } }
                        }
                        if wanted { census = counted }
                        return
                    } catch {
                        bothFamiliesRefused = error.message
                        aggregate = TCPAggregator(peerCapacity: 64)
                    }
                }
                try dump(fd, family: UInt8(AF_INET), states: states) { aggregate.add($0) }
                if includeIPv6 { try dump(fd, family: UInt8(AF_INET6), states: states) { aggregate.add($0) } }
            }
            let summary = aggregate.summary(top: topCount)
            return (TCPTransientStates(summary, finWait2Minisockets: aggregate.finWait2Minisockets), census)
        } catch {
            failure = error.message
            return nil
        }
    }

    /// The kept socket, or one opened for this summary in the calling thread's namespace (both
    /// families are dumped on it, one after the other).
    private func withSocket<T>(_ body: (Int32) throws(ParseError) -> T) throws(ParseError) -> T {
        if let kept { return try body(kept.fd) }
        let fd = try NetlinkDumper.openSocket(protocol: netlinkProtocol)
        defer { close(fd) }
        return try body(fd)
    }

    /// One dump request (TCP sockets of a family in `states`) and its answer.
    private func dump(_ fd: Int32, family: UInt8, states: UInt32 = .max, _ visit: (SocketRow) -> Void) throws(ParseError) {
        let request = { (sequence: UInt32) in SockDiagParser.tcpDumpRequest(family: family, sequence: sequence, states: states) }
        try dumper.dump(fd, request: request) { bytes throws(ParseError) in
            try SockDiagParser.forEachMessage(bytes) { if case .socket(let row) = $0 { visit(row) } }
        }
    }
}

/// A file descriptor closed when the last holder lets it go.
public final class KeptSocket: @unchecked Sendable {
    public let fd: Int32
    public init(_ fd: Int32) { self.fd = fd }
    deinit { close(fd) }
}
