#if canImport(Glibc)
import Glibc
#endif

/// UDP sockets from sock_diag, each with its memory attribute: the drops /proc/net/udp shows,
/// plus the socket's receive buffer limit (SO_RCVBUF), which no /proc file has. The socket and
/// the fallback are NetlinkSocketTables'; a failure here leaves its TCP dumps alone (a kernel
/// without the udp_diag module still answers for TCP).
struct UDPSockDiag {
    /// Why the UDP dump was given up, once it was.
    var failure: String?

    /// Dumps both families on `fd` through the TCP dumps' buffer (one 64 KiB buffer a namespace, not two).
    func summary(_ fd: Int32, dumper: inout NetlinkDumper, includeIPv6: Bool) throws(ParseError) -> UDPSummary {
        var aggregate = UDPAggregator()
        for family in includeIPv6 ? [AF_INET, AF_INET6] : [AF_INET] {
            let request = { (sequence: UInt32) in SockDiagParser.udpDumpRequest(family: UInt8(family), sequence: sequence) }
            try dumper.dump(fd, request: request) { bytes throws(ParseError) in
                try SockDiagParser.forEachUDPSocket(bytes) { aggregate.add($0, memory: $1) }
            }
        }
        var summary = aggregate.summary()
        summary.source = "netlink"
        return summary
    }
}
