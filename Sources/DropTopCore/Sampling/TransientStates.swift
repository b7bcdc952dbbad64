/// The TCP states other than ESTABLISHED, TIME_WAIT and LISTEN: few sockets on a healthy host,
/// and the ones that tell of trouble (SYN_SENT to a silent peer, CLOSE_WAIT of an application
/// that does not close). SocketTiers reads them more often than the walk of every socket.
public struct TCPTransientStates: Equatable, Sendable {
    /// The states this covers, in /proc/net/tcp's order.
    public static let names: [String] = TCPState.allCases.filter { ![.established, .timeWait, .listen].contains($0) }.map(\.name)

    /// Sockets in each of `names`.
    public var states: [String: UInt64]
    /// The local ports with the most CLOSE_WAIT sockets.
    public var closeWaitPorts: [PortCount]
    /// FIN_WAIT2 sockets that are timewait minisockets: sockstat's `tw` counts them with TIME_WAIT.
    public var finWait2Minisockets: UInt64

    public init(states: [String: UInt64], closeWaitPorts: [PortCount], finWait2Minisockets: UInt64) {
        self.states = states
        self.closeWaitPorts = closeWaitPorts
        self.finWait2Minisockets = finWait2Minisockets
    }

    /// The transient part of a summary (a filtered dump's, or a full walk's).
    public init(_ summary: TCPSummary, finWait2Minisockets: UInt64) {
        states = Dictionary(uniqueKeysWithValues: Self.names.map { ($0, summary.states[$0] ?? 0) })
        closeWaitPorts = summary.closeWaitPorts
        self.finWait2Minisockets = finWait2Minisockets
    }

    var closeWait: UInt64 { states[TCPState.closeWait.name] ?? 0 }
}

/// A source of the transient states: the sock_diag dump filtered by state (NetlinkSocketTables,
/// read under a CPU budget), or a tracker that keeps the histogram live (a BPF program on the
/// TCP state transitions, read every sample: SocketTiers.liveStates).
public protocol TransientStateSource: AnyObject {
    /// nil: this source cannot read them (SocketTiers then takes them from the walk).
    func transientStates(includeIPv6: Bool) -> (TCPTransientStates, [SourceError])?
}

/// The levels of this sample that the tiers derive ESTABLISHED and TIME_WAIT from, and that say
/// whether the socket tables moved.
struct SocketCounts: Equatable {
    /// Tcp.CurrEstab: ESTABLISHED + CLOSE_WAIT (tcp_set_state), both families.
    var currEstab: UInt64?
    /// sockstat's `tw`: TIME_WAIT + FIN_WAIT2 minisockets, both families.
    var timeWait: UInt64?
    /// This namespace's levels that move when a socket is made, closed or changes between the counted states.
    var signature: [UInt64]

    init?(_ s: Sample) {
        guard let sockstat = s.sockstat else { return nil }
        currEstab = s.protocols?[CounterID.tcpCurrEstab.section]?.gauges[CounterID.tcpCurrEstab.name].map { UInt64(clamping: $0) }
        timeWait = sockstat[SockstatTCP.line]?[SockstatTCP.timeWait]
        // Not sockstat's orphan and alloc: the kernel sums those over every namespace, so sockets
        // opened in a container would make the host walk again (sockstat6 has only TCP6 inuse).
        let levels = [(SockstatTCP.line, SockstatTCP.inUse), (SockstatTCP.line, SockstatTCP.timeWait),
                      (SockstatTCP.lines[1], SockstatTCP.inUse)]
        signature = levels.map { sockstat[$0.0]?[$0.1] ?? .max } + [currEstab ?? .max]
    }

    /// Whether this namespace's hashed TCP sockets (sockstat's TCP and TCP6 `inuse`) are `listeners`
    /// listeners and nothing else: no minisocket in TIME_WAIT or FIN_WAIT2 (`tw`), none ESTABLISHED or
    /// in CLOSE_WAIT (`Tcp.CurrEstab`).
    func onlyListeners(_ listeners: Int) -> Bool {
        guard signature.count == 4, !signature.contains(.max) else { return false }
        return signature[0] + signature[2] == UInt64(listeners) && signature[1] == 0 && signature[3] == 0
    }

    /// UDP sockets in the tables (sockstat's UDP and UDP6 `inuse`: bound or connected ones, those
    /// a dump lists); nil when either line is missing (as the TCP counts, a kernel without IPv6 included).
    static func udpInUse(_ s: Sample) -> UInt64? {
        guard let sockstat = s.sockstat, let v4 = sockstat[SockstatUDP.line]?[SockstatUDP.inUse],
              let v6 = sockstat[SockstatUDP.lines[1]]?[SockstatUDP.inUse] else { return nil }
        return v4 + v6
    }
}

extension Sample {
    /// When the count of a TCP state was read (monotonic seconds): its own time where the tiers
    /// read states at different times, else the listeners' (LISTEN) or the walk's.
    public func tcpStateReadAt(_ name: String) -> Double? {
        if let at = tcpStateSeconds?[name] { return at }
        if name == TCPState.listen.name, let at = tcpListenersSeconds { return at }
        return socketTablesSeconds
    }

    /// How old the count of a TCP state is, in seconds (0: read for this sample).
    public func tcpStateAge(_ name: String) -> Double? {
        tcpStateReadAt(name).map { max(0, monotonicSeconds - $0) }
    }
}
