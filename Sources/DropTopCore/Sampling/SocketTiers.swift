/// The socket tables in tiers, by what they cost. Every sample reads what is cheap and decisive:
/// the counts (sockstat, Tcp.CurrEstab, read by the Sampler), the LISTEN sockets with their
/// accept queues and backlogs (a LISTEN-only sock_diag dump, ~1 ms at 100,000 sockets) and the
/// UDP sockets with their drops (/proc/net/udp). The walk of every TCP socket (states, per-peer
/// tables: ~110 ms of kernel CPU at 100,000 sockets) runs under a CPU budget, and only when the
/// counts moved or its last read is `maxAge` old. Each figure carries the time it was read.
final class SocketTiers {
    var source: SocketTableSource
    /// The share of one core the full walk may use (nil: walk every sample, as --once does).
    var budget: Double?
    /// With a budget, unchanged counts let a walk be reused this long.
    var maxAge: Double = 10
    /// Another namespace: only its own counts say its tables moved (sockstat's orphan and alloc
    /// count the whole host, whose sockets come and go).
    var ownCountsOnly = false

    /// The last full walk: what it gave, when, what it cost, and the counts then.
    private struct Walk {
        var tcp: TCPSummary?, errors: [SourceError], at: Double, cost: Double, counts: [UInt64]?
    }
    private var lastWalk: Walk?

    init(source: SocketTableSource) { self.source = source }

    /// Forget the last walk: the next sample walks again (the TUI's `r`).
    func invalidate() { lastWalk = nil }

    /// Reads the tiers `needs` asks for into `s` (whose sockstat and protocols are already read).
    func read(into s: inout Sample, needs: SampleNeeds, includeIPv6: Bool, errors: inout [SourceError]) {
        let now = s.monotonicSeconds
        var walkedNow = false
        let cheap = needs.contains(.listeners) ? source.listeners(includeIPv6: includeIPv6) : nil
        if needs.contains(.tcpTables) || (needs.contains(.listeners) && cheap == nil) {
            let counts = Self.counts(s, ownOnly: ownCountsOnly)
            if let last = lastWalk, shouldReuse(last, now: now, counts: counts) {
                s.tcp = last.tcp; errors += last.errors
            } else {
                let before = Sampler.threadCPUNow()
                let (tcp, tcpErrors) = source.tcpSummary(includeIPv6: includeIPv6)
                let cost = max(0, Sampler.threadCPUNow() - before)
                // Nothing read and nothing wrong: a budget shared by every namespace said "not now";
                // keeping that would hide the tables until the walk is old, so the next sample asks again.
                if tcp != nil || !tcpErrors.isEmpty {
                    lastWalk = Walk(tcp: tcp, errors: tcpErrors, at: now, cost: cost, counts: counts)
                }
                s.tcp = tcp; errors += tcpErrors
                walkedNow = true
            }
            s.socketTablesSeconds = lastWalk?.at; s.socketTablesCostSeconds = lastWalk?.cost
            s.tcpListenersSeconds = lastWalk?.at
        }
        if let (listeners, listenErrors) = cheap, !walkedNow {
            merge(listeners, into: &s.tcp)
            errors += listenErrors
            s.tcpListenersSeconds = now
        }
        if needs.contains(.udpSockets) {
            let (udp, udpErrors) = source.udpSummary(includeIPv6: includeIPv6)
            s.udp = udp; errors += udpErrors
        }
    }

    /// Fresh listeners over an older walk: the LISTEN count is theirs too.
    private func merge(_ listeners: [Listener], into tcp: inout TCPSummary?) {
        var summary = tcp ?? TCPSummary(states: [TCPState.listen.name: 0], listeners: [], peers: [], retransmittingPeers: [],
                                        timeWaitPeers: [], closeWaitPorts: [], sockets: 0, retransmittingSockets: 0,
                                        source: "netlink")
        let before = summary.states[TCPState.listen.name] ?? 0
        let count = UInt64(listeners.count)
        summary.states[TCPState.listen.name] = count
        summary.sockets = summary.sockets >= before ? summary.sockets - before + count : count
        summary.listeners = listeners
        tcp = summary
    }

    /// Reuse the last walk while it has not been paid for within the budget, or while the
    /// counts have not moved since it (then little can have changed).
    private func shouldReuse(_ last: Walk, now: Double, counts: [UInt64]?) -> Bool {
        guard let budget, budget > 0 else { return false }
        let age = now - last.at
        if age < last.cost / budget { return true }
        if let counts, counts == last.counts, age < maxAge { return true }
        // A namespace whose own counts are all 0 holds no TCP socket: a walk would find none.
        return ownCountsOnly && counts == last.counts && counts?.allSatisfy { $0 == 0 } == true
    }

    /// What says the TCP tables moved: sockstat's TCP counts and Tcp.CurrEstab.
    static func counts(_ s: Sample, ownOnly: Bool = false) -> [UInt64]? {
        guard let sockstat = s.sockstat else { return nil }
        // sockstat6 has only TCP6 inuse (its tw is in TCP's); orphan and alloc count the whole host.
        let names = ownOnly ? [("TCP", "inuse"), ("TCP", "tw"), ("TCP6", "inuse")]
            : ["TCP", "TCP6"].flatMap { proto in ["inuse", "orphan", "tw", "alloc"].map { (proto, $0) } }
        let tcp = names.map { sockstat[$0.0]?[$0.1] ?? .max }
        let established = s.protocols?["Tcp"]?.gauges["CurrEstab"].map { UInt64(clamping: $0) } ?? .max
        return tcp + [established]
    }
}
