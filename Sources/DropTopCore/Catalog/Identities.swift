/// A kernel protocol counter, named as /proc prints it: section and name ("Udp", "RcvbufErrors").
/// Every counter droptop shows or reasons about is declared once below; front ends and rules
/// refer to these constants, never to the strings.
public struct CounterID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let section: String
    public let name: String
    public init(_ section: String, _ name: String) { self.section = section; self.name = name }
    /// "Udp.RcvbufErrors", as nstat and the docs write it.
    public var description: String { "\(section).\(name)" }
    public static func < (a: CounterID, b: CounterID) -> Bool { (a.section, a.name) < (b.section, b.name) }
}

extension CounterID {
    // /proc/net/snmp: Ip
    public static let ipInReceives = CounterID("Ip", "InReceives")
    public static let ipInHdrErrors = CounterID("Ip", "InHdrErrors")
    public static let ipInAddrErrors = CounterID("Ip", "InAddrErrors")
    public static let ipForwDatagrams = CounterID("Ip", "ForwDatagrams")
    public static let ipInUnknownProtos = CounterID("Ip", "InUnknownProtos")
    public static let ipInDiscards = CounterID("Ip", "InDiscards")
    public static let ipInDelivers = CounterID("Ip", "InDelivers")
    public static let ipOutRequests = CounterID("Ip", "OutRequests")
    public static let ipOutDiscards = CounterID("Ip", "OutDiscards")
    public static let ipOutNoRoutes = CounterID("Ip", "OutNoRoutes")
    public static let ipReasmReqds = CounterID("Ip", "ReasmReqds")
    public static let ipReasmOKs = CounterID("Ip", "ReasmOKs")
    public static let ipReasmFails = CounterID("Ip", "ReasmFails")
    public static let ipFragOKs = CounterID("Ip", "FragOKs")
    public static let ipFragFails = CounterID("Ip", "FragFails")
    public static let ipFragCreates = CounterID("Ip", "FragCreates")
    // /proc/net/netstat: IpExt
    public static let ipExtInNoRoutes = CounterID("IpExt", "InNoRoutes")
    public static let ipExtInCsumErrors = CounterID("IpExt", "InCsumErrors")
    // Tcp
    public static let tcpActiveOpens = CounterID("Tcp", "ActiveOpens")
    public static let tcpPassiveOpens = CounterID("Tcp", "PassiveOpens")
    public static let tcpAttemptFails = CounterID("Tcp", "AttemptFails")
    public static let tcpEstabResets = CounterID("Tcp", "EstabResets")
    /// A gauge: sockets in ESTABLISHED or CLOSE_WAIT (tcp_set_state counts both), IPv4 and IPv6.
    public static let tcpCurrEstab = CounterID("Tcp", "CurrEstab")
    public static let tcpInSegs = CounterID("Tcp", "InSegs")
    public static let tcpOutSegs = CounterID("Tcp", "OutSegs")
    public static let tcpRetransSegs = CounterID("Tcp", "RetransSegs")
    public static let tcpInErrs = CounterID("Tcp", "InErrs")
    public static let tcpOutRsts = CounterID("Tcp", "OutRsts")
    // TcpExt
    public static let tcpListenOverflows = CounterID("TcpExt", "ListenOverflows")
    public static let tcpListenDrops = CounterID("TcpExt", "ListenDrops")
    public static let tcpReqQFullDrop = CounterID("TcpExt", "TCPReqQFullDrop")
    public static let tcpReqQFullDoCookies = CounterID("TcpExt", "TCPReqQFullDoCookies")
    public static let tcpSyncookiesSent = CounterID("TcpExt", "SyncookiesSent")
    public static let tcpTimeouts = CounterID("TcpExt", "TCPTimeouts")
    public static let tcpSynRetrans = CounterID("TcpExt", "TCPSynRetrans")
    public static let tcpLostRetransmit = CounterID("TcpExt", "TCPLostRetransmit")
    public static let tcpPruneCalled = CounterID("TcpExt", "PruneCalled")
    public static let tcpRcvPruned = CounterID("TcpExt", "RcvPruned")
    public static let tcpRcvQDrop = CounterID("TcpExt", "TCPRcvQDrop")
    public static let tcpBacklogDrop = CounterID("TcpExt", "TCPBacklogDrop")
    public static let tcpZeroWindowDrop = CounterID("TcpExt", "TCPZeroWindowDrop")
    public static let tcpRcvCollapsed = CounterID("TcpExt", "TCPRcvCollapsed")
    public static let tcpToZeroWindowAdv = CounterID("TcpExt", "TCPToZeroWindowAdv")
    public static let tcpAbortOnData = CounterID("TcpExt", "TCPAbortOnData")
    public static let tcpAbortOnClose = CounterID("TcpExt", "TCPAbortOnClose")
    public static let tcpAbortOnMemory = CounterID("TcpExt", "TCPAbortOnMemory")
    public static let tcpAbortOnTimeout = CounterID("TcpExt", "TCPAbortOnTimeout")
    public static let tcpTimeWaitOverflow = CounterID("TcpExt", "TCPTimeWaitOverflow")
    // Not drops themselves; shown beside the findings they help explain.
    public static let icmpOutTimeExcds = CounterID("Icmp", "OutTimeExcds")
    public static let icmp6OutTimeExcds = CounterID("Icmp6", "OutTimeExcds")
    public static let tcpChallengeACK = CounterID("TcpExt", "TCPChallengeACK")
    // Udp and Udp6 (/proc/net/snmp6 prints these as Udp6InDatagrams, ...)
    public static let udpInDatagrams = CounterID("Udp", "InDatagrams")
    public static let udpOutDatagrams = CounterID("Udp", "OutDatagrams")
    public static let udpNoPorts = CounterID("Udp", "NoPorts")
    public static let udpInErrors = CounterID("Udp", "InErrors")
    public static let udpRcvbufErrors = CounterID("Udp", "RcvbufErrors")
    public static let udpSndbufErrors = CounterID("Udp", "SndbufErrors")
    public static let udpInCsumErrors = CounterID("Udp", "InCsumErrors")
    public static let udp6InDatagrams = CounterID("Udp6", "InDatagrams")
    public static let udp6OutDatagrams = CounterID("Udp6", "OutDatagrams")
    public static let udp6NoPorts = CounterID("Udp6", "NoPorts")
    public static let udp6RcvbufErrors = CounterID("Udp6", "RcvbufErrors")
    public static let udp6InCsumErrors = CounterID("Udp6", "InCsumErrors")
}

/// The /proc/net/sockstat levels of TCP: `tw` counts every timewait minisocket of the namespace,
/// IPv4 and IPv6 (sockstat6 has no `tw`): TIME_WAIT and FIN_WAIT2 after close().
public enum SockstatTCP {
    public static let lines = ["TCP", "TCP6"]
    public static let line = "TCP"
    public static let timeWait = "tw", inUse = "inuse"
}

/// What sockstat prints for the whole host whichever namespace reads it (net/ipv4/proc.c: the
/// orphan count, the sockets allocated and the memory are the protocol's, not the namespace's).
public enum SockstatHostWide {
    public static let fields: [String: Set<String>] = ["TCP": ["orphan", "alloc", "mem"], "UDP": ["mem"]]

    /// `sockstat` without those fields.
    public static func removed(_ sockstat: SockStat) -> SockStat {
        var own = sockstat
        for (line, names) in fields { own[line] = own[line]?.filter { !names.contains($0.key) } }
        return own
    }
}

/// sockstat's UDP lines (sockstat and sockstat6): sockets bound or connected.
public enum SockstatUDP {
    public static let lines = ["UDP", "UDP6"]
    public static let line = "UDP"
    public static let inUse = "inuse"
}

/// The TCP states as /proc/net/tcp numbers them (1...11), with the labels each view uses.
public enum TCPState: String, CaseIterable, Sendable {
    case established = "ESTABLISHED", synSent = "SYN_SENT", synRecv = "SYN_RECV", finWait1 = "FIN_WAIT1"
    case finWait2 = "FIN_WAIT2", timeWait = "TIME_WAIT", close = "CLOSE", closeWait = "CLOSE_WAIT"
    case lastAck = "LAST_ACK", listen = "LISTEN", closing = "CLOSING"

    /// The kernel's name, as ss and the JSON write it.
    public var name: String { rawValue }

    /// At most 10 cells, for the TCP pane ("ESTAB" as ss prints it).
    public var paneLabel: String { self == .established ? "ESTAB" : rawValue }

    /// At most 8 cells, so 11 columns fit a 120-column history table.
    public var historyLabel: String {
        switch self {
        case .established: return "ESTAB"
        case .finWait1: return "FIN_W1"
        case .finWait2: return "FIN_W2"
        case .timeWait: return "TIME_W"
        case .closeWait: return "CLOSE_W"
        default: return rawValue
        }
    }
}

/// The counters of a /proc/net/softnet_stat row, by the names the JSON and Prometheus use.
public enum SoftnetColumn: String, CaseIterable, Sendable {
    case processed, dropped, timeSqueeze = "time_squeeze", receivedRPS = "received_rps", flowLimit = "flow_limit_count"
    public var name: String { rawValue }
}
