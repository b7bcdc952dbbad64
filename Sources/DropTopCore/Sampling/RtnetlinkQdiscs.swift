#if canImport(Glibc)
import Glibc
#endif

/// Queueing disciplines and their drop counters over NETLINK_ROUTE, as `tc -s qdisc show` reads
/// them: one RTM_GETLINK dump for interface names, one RTM_GETQDISC dump, on one socket. The
/// socket belongs to the network namespace of the thread that opens it (see `NetworkNamespace`).
public final class RtnetlinkQdiscs {
    private var dumper = NetlinkDumper(bufferSize: 1 << 16)

    public init() {}

    /// Every qdisc of every interface, names resolved; `problems` lists attributes that could
    /// not be decoded (their qdiscs keep what could). Throws when netlink itself fails.
    public func dump() throws(ParseError) -> PartialParse<[QdiscStats]> {
        let fd = try NetlinkDumper.openSocket(protocol: 0)   // NETLINK_ROUTE
        defer { close(fd) }
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

    /// One dump request of `type` and its answer.
    private func request(_ fd: Int32, type: UInt16, _ visit: (RtnetlinkParser.Message) -> Void) throws(ParseError) {
        try dumper.dump(fd, request: { RtnetlinkParser.dumpRequest(type: type, sequence: $0) }) { bytes throws(ParseError) in
            try RtnetlinkParser.forEachMessage(bytes, visit)
        }
    }
}
