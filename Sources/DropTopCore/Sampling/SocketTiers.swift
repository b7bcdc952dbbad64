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
            let counts = Self.counts(s)
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
        return false
    }

    /// What says this namespace's TCP tables moved: sockstat's inuse and tw, and Tcp.CurrEstab.
    /// Not sockstat's orphan and alloc: the kernel sums those over every namespace, so sockets
    /// opened in a container would make the host's walk run again.
    static func counts(_ s: Sample) -> [UInt64]? {
        guard let sockstat = s.sockstat else { return nil }
        let tcp = ["TCP", "TCP6"].flatMap { proto in ["inuse", "tw"].map { sockstat[proto]?[$0] ?? .max } }
        let established = s.protocols?["Tcp"]?.gauges["CurrEstab"].map { UInt64(clamping: $0) } ?? .max
        return tcp + [established]
    }
}
