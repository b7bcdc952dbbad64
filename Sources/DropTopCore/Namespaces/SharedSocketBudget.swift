/// One CPU budget for the socket-table reads of every namespace together: a token bucket
/// filled at `share` seconds of CPU per second and spent by each read's measured cost. A
/// namespace's kernel socket dump walks the host's whole hash tables, so on a host with 100,000
/// sockets each costs milliseconds whatever the namespace holds; with the bucket empty a
/// namespace's tables wait for a later sample (its `tcp` and `udp` are null until then).
public final class SharedSocketBudget {
    public let share: Double
    private var tokens: Double
    private var filledAt: Double?
    /// At most this many seconds of CPU saved up.
    let burst: Double

    public init(share: Double, burst: Double = 0.05) {
        self.share = share
        self.burst = burst
        self.tokens = burst
    }

    func mayRead(now: Double) -> Bool {
        if let filledAt { tokens = min(burst, tokens + (now - filledAt) * share) }
        filledAt = now
        return tokens > 0
    }

    func spend(_ seconds: Double) { tokens -= seconds }
}

/// A socket-table source that reads only while the shared budget has tokens.
final class BudgetedSocketTables: SocketTableSource {
    let inner: SocketTableSource
    let budget: SharedSocketBudget
    /// Decided for the TCP read and kept for the UDP read that follows it: both or neither. nil
    /// when no TCP read came first (none asked, or no TCP socket): the UDP read decides alone.
    private var allowed: Bool?
    /// An idle namespace (the gate keeps its counters) keeps its last UDP table: a UDP drop is a
    /// packet received, so its drops cannot have moved, and the walk of the host's whole UDP
    /// hash table is saved (it is read again with the counters, at least every `maxAge`).
    let gate: ProtocolGate?
    private var lastUDP: (UDPSummary?, [SourceError])?

    init(_ inner: SocketTableSource, budget: SharedSocketBudget, gate: ProtocolGate? = nil) {
        self.inner = inner
        self.budget = budget
        self.gate = gate
    }

    func tcpSummary(includeIPv6: Bool) -> (TCPSummary?, [SourceError]) {
        let allowed = budget.mayRead(now: Sampler.monotonicNow())
        self.allowed = allowed
        guard allowed else { return (nil, []) }
        let start = Sampler.threadCPUNow()
        defer { budget.spend(Sampler.threadCPUNow() - start) }
        return inner.tcpSummary(includeIPv6: includeIPv6)
    }

    /// The LISTEN-only dump (it walks the listening hash alone), when the budget has tokens; nil
    /// otherwise, as from a source without one: the walk, budgeted too, has them then.
    func listeners(includeIPv6: Bool) -> ([Listener], [SourceError])? {
        guard budget.mayRead(now: Sampler.monotonicNow()) else { return nil }
        let start = Sampler.threadCPUNow()
        defer { budget.spend(Sampler.threadCPUNow() - start) }
        return inner.listeners(includeIPv6: includeIPv6)
    }

    func udpSummary(includeIPv6: Bool) -> (UDPSummary?, [SourceError]) {
        let allowed = self.allowed ?? budget.mayRead(now: Sampler.monotonicNow())
        self.allowed = nil
        if gate?.reusing == true {
            if let lastUDP, lastUDP.0 != nil { return lastUDP }
        } else {
            lastUDP = nil   // packets moved: only a table read since then may be kept
        }
        guard allowed else { return (nil, []) }
        let start = Sampler.threadCPUNow()
        defer { budget.spend(Sampler.threadCPUNow() - start) }
        let read = inner.udpSummary(includeIPv6: includeIPv6)
        lastUDP = read
        return read
    }
}
