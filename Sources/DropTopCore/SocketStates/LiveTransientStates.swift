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
    /// Predicted minus dumped transient states at the last resync.
    public private(set) var lastDrift: [TCPState: Int64] = [:]

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
        dump.collectsCensus = true
        defer { dump.collectsCensus = false }
        guard let (states, errors) = dump.transientStates(includeIPv6: includeIPv6) else { return nil }
        if let census = dump.lastCensus {
            let transient = Set(TCPTransientStates.names.compactMap(TCPState.init(rawValue:)))
            // The filtered dump holds no ESTABLISHED, TIME_WAIT or LISTEN socket: only the states it covers are followed.
            lastDrift = (live.walkEnded(census)?.byState ?? [:]).filter { transient.contains($0.key) }
            baseline = (states, census, now, max(0, Sampler.threadCPUNow() - before))
        }
        return (states, errors)
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
    /// or CAP_BPF and CAP_PERFMON); nil when it does, else why not (the filtered dump then stays).
    @discardableResult
    public func followTCPStateChanges() -> String? {
        guard let dump = socketSource as? NetlinkSocketTables else { return "the socket tables are not read through sock_diag" }
        guard let inode = TCPStateChangeCounter.namespaceInode(at: "/proc/thread-self/ns/net") else {
            return "the network namespace of this thread is unknown"
        }
        switch TCPStateChangeCounter.open() {
        case .failure(let reason): return reason.message
        case .success(let counter):
            liveTCPStates = LiveTransientStates(live: LiveTCPStates(counter: counter, namespaceInode: inode), dump: dump)
            return nil
        }
    }
}

