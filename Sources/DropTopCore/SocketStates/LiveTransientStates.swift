/// The transient TCP states (SYN_SENT ... CLOSING) kept live between dumps, for SocketTiers: the
/// state-change counter's full sockets by state over a baseline from the dump filtered by state,
/// plus what that counter cannot see, as the last dump found it (FIN_WAIT2 timewait minisockets,
/// SYN_RECV request sockets, the CLOSE_WAIT ports). The dump runs again every `resyncSeconds`,
/// sooner when the live CLOSE_WAIT count left the dump's (its ports are the dump's) and the last dump
/// has been paid for within `budget`, and whenever the counter's map cannot be read; each resync
/// measures the drift.
public final class LiveTransientStates: TransientStateSource {
    let live: LiveTCPStates
    let dump: NetlinkSocketTables
    /// How often the filtered dump re-anchors the histogram (13 ms of CPU at 100,000 sockets).
    public var resyncSeconds = 60.0
    /// The share of one core early resyncs may use.
    public var budget = 0.002
    private var baseline: (states: TCPTransientStates, census: TCPStateCensus, at: Double, cost: Double)?

    public init(live: LiveTCPStates, dump: NetlinkSocketTables) {
        self.live = live
        self.dump = dump
    }

    public func transientStates(includeIPv6: Bool) -> (TCPTransientStates, [SourceError])? {
        let now = Sampler.monotonicNow()
        if let baseline, now - baseline.at < resyncSeconds, let full = live.fullSocketStates() {
            let states = Self.combine(full: full, with: baseline.states, census: baseline.census)
            let portsStale = states.closeWait != baseline.states.closeWait
            if !portsStale || now - baseline.at < baseline.cost / budget { return (states, []) }
        }
        let before = Sampler.threadCPUNow()
        live.walkStarting()
        guard let (states, census) = dump.transientStates(includeIPv6: includeIPv6, census: true) else { return nil }
        if let census {
            // The filtered dump holds no ESTABLISHED, TIME_WAIT or LISTEN socket: only the states it
            // covers are read from the histogram (LiveTCPStates keeps the drift it measured).
            live.walkEnded(census)
            baseline = (states, census, now, max(0, Sampler.threadCPUNow() - before))
        }
        return (states, [])
    }

    /// The counter's full sockets, with the minisockets and request sockets of the last dump.
    static func combine(full: [TCPState: UInt64], with dumped: TCPTransientStates, census: TCPStateCensus) -> TCPTransientStates {
        var states = dumped
        for name in TCPTransientStates.names {
            guard let state = TCPState(rawValue: name) else { continue }
            var count = (full[state] ?? 0) + (census.timeWaitSockets[state] ?? 0)
            if state == .synRecv { count += census.requestSockets }
            states.states[name] = count
        }
        return states
    }
}

extension Sampler {
    /// Keeps the transient TCP states live from the kernel's state changes (a BPF program; root
    /// or CAP_BPF and CAP_PERFMON, the kernel's BTF, sock_diag). Where any is missing the filtered
    /// dump stays, which every output shows in the states' ages: nothing is lost but freshness.
    public func followTCPStateChanges() {
        guard let dump = socketSource as? NetlinkSocketTables,
              let inode = TCPStateChangeCounter.namespaceInode(at: "/proc/thread-self/ns/net"),
              case .success(let counter) = TCPStateChangeCounter.open(onlyNamespace: inode) else { return }
        liveTCPStates = LiveTransientStates(live: LiveTCPStates(counter: counter, namespaceInode: inode), dump: dump)
    }
}
