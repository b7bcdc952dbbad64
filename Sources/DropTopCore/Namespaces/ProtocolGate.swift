import OrderedCollections

/// Keeps a namespace's sockstat, snmp, netstat and snmp6 counters, and its conntrack statistics
/// and fullness, while none of its interface counters moved: no packet was received or sent on
/// any of its interfaces (loopback included), so the protocol counters, which count packets,
/// have not moved either, and the reused values give the exact rate, zero. Those files are most
/// of what sampling an idle namespace costs (the kernel prints some 400 counters). What changes
/// without a packet on an interface (a send that fails before reaching one: OutNoRoutes,
/// SndbufErrors; conntrack entries that time out) is caught by reading again at least every
/// `maxAge` seconds.
public final class ProtocolGate {
    public var maxAge: Double = 10
    /// The first reuse ends this share of `maxAge` early, so that namespaces found together
    /// (all of them, at start) do not all read their counters again in the same sample.
    let phase: Double
    private var last: (interfaces: [[UInt64]], reused: Reused, at: Double)?

    struct Reused {
        var sockstat: SockStat?
        var protocols: ProtocolCounters?
        var statTables: OrderedDictionary<String, PerCPUStatTable>?
        var conntrack: ConntrackFullness?
    }

    /// `phase` in [0, 1).
    public init(phase: Double = 0) { self.phase = min(max(phase, 0), 0.99) }

    static func key(_ s: Sample) -> [[UInt64]] { s.interfaces.map(\.counters.values) }

    /// Whether the sample being read keeps the last counters (its namespace is idle).
    private(set) var reusing = false

    /// The last counters when they can be reused for `s`, else nil (read them).
    func reuse(_ s: Sample) -> Reused? {
        reusing = false
        guard let last, s.monotonicSeconds - last.at < maxAge, !s.interfaces.isEmpty,
              Self.key(s) == last.interfaces else { return nil }
        reusing = true
        return last.reused
    }

    func remember(_ s: Sample) {
        let reused = Reused(sockstat: s.sockstat, protocols: s.protocols, statTables: s.statTables, conntrack: s.conntrack)
        last = (Self.key(s), reused, s.monotonicSeconds - (last == nil ? phase * maxAge : 0))
    }
}
