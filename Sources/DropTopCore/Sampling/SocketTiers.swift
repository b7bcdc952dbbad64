import OrderedCollections

/// The socket tables in tiers, by what they cost (kernel CPU at 100,000 sockets in brackets):
/// - every sample, what is cheap and decisive: the counts (sockstat, Tcp.CurrEstab, read by the
///   Sampler; ~0.1 ms), the LISTEN sockets with their accept queues and backlogs (a LISTEN-only
///   sock_diag dump; ~1 ms) and the UDP sockets with their drops (/proc/net/udp). ESTABLISHED and
///   TIME_WAIT come from the counts: CurrEstab less CLOSE_WAIT, `tw` less the FIN_WAIT2 minisockets;
/// - the transient states (SYN_SENT ... CLOSING, the CLOSE_WAIT ports) in a dump filtered by state
///   (~13 ms: one walk of the kernel's hash for both families), under `statesBudget`, when the
///   counts moved or the last read is `statesMaxAge` old; a live histogram (`liveStates`)
///   replaces that dump when there is one;
/// - the walk of every socket (per-peer tables; ~110 ms) under `budget`, when the counts moved or
///   the walk is `maxAge` old.
/// Each figure carries the time it was read (Sample.tcpStateSeconds, socketTablesSeconds).
final class SocketTiers {
    var source: SocketTableSource
    /// The share of one core the full walk may use (nil: walk every sample, as --once does).
    var budget: Double?
    /// With a budget, unchanged counts let a walk be reused this long.
    var maxAge: Double = 10
    /// The share of one core the dump of the transient states may use (nil: every sample).
    var statesBudget: Double?
    /// Unchanged counts let the transient states be reused this long.
    var statesMaxAge: Double = 5
    /// A histogram of the transient states kept live elsewhere (a tracker of TCP state
    /// transitions): read every sample instead of the filtered dump.
    var liveStates: TransientStateSource?
    /// Whether counts of 0 (no TCP socket in sockstat, sockstat6 and Tcp.CurrEstab) mean empty tables
    /// without a dump: true for the live kernel; a captured tree's files may disagree with each other.
    var trustsEmptyCounts = false

    /// The last full walk: what it gave, when, what it cost, and the counts then.
    private struct Walk {
        var tcp: TCPSummary?, errors: [SourceError], at: Double, cost: Double, counts: [UInt64]?
    }
    /// The last transient states, from the filtered dump or from a walk (then `cost` is 0: the walk
    /// is paid from its own budget).
    private struct StatesRead {
        var states: TCPTransientStates, at: Double, cost: Double, counts: [UInt64]?
    }
    private var lastWalk: Walk?
    /// Where the last UDP table came from ("netlink" or "proc"), for an empty one made from the counts.
    private var lastUDPSource: String? = "netlink"
    /// The last listeners read, and when: a quiet namespace keeps them while every queue was empty.
    private var lastListeners: (listeners: [Listener], at: Double)?
    private var lastStates: StatesRead?
    /// Set when the states source said it cannot read them (netlink gave up): the walk has them.
    private var statesUnavailable = false
    private var statesSource: TransientStateSource? { liveStates ?? source as? TransientStateSource }

    init(source: SocketTableSource) { self.source = source }

    /// Forget the last reads: the next sample walks again (the TUI's `r`).
    func invalidate() { lastWalk = nil; lastStates = nil }

    /// Reads the tiers `needs` asks for into `s` (whose sockstat and protocols are already read).
    /// `quiet`: no packet moved on the namespace's interfaces since its counters were last read.
    func read(into s: inout Sample, needs: SampleNeeds, includeIPv6: Bool, quiet: Bool = false, errors: inout [SourceError]) {
        let counts = SocketCounts(s)
        if !needs.isDisjoint(with: [.tcpTables, .listeners]) {
            if trustsEmptyCounts, let counts, counts.signature.allSatisfy({ $0 == 0 }) {
                // No TCP socket at all: the tables are empty now, and no dump has to say so (each
                // goes through the host's whole hash tables, whichever namespace asks).
                record(TCPSummary.empty(source: tablesSource),
                       errors: [], now: s.monotonicSeconds, cost: 0, counts: counts)
                lastListeners = ([], s.monotonicSeconds)
                s.tcp = lastWalk?.tcp
                s.socketTablesSeconds = s.monotonicSeconds; s.tcpListenersSeconds = s.monotonicSeconds
            } else {
                readTCP(into: &s, needs: needs, counts: counts, includeIPv6: includeIPv6, quiet: quiet, errors: &errors)
            }
        }
        if needs.contains(.udpSockets) {
            if trustsEmptyCounts, SocketCounts.udpInUse(s) == 0 {
                s.udp = UDPSummary(sockets: 0, busySockets: [], source: lastUDPSource)   // no UDP socket: nothing to dump
            } else {
                let (udp, udpErrors) = source.udpSummary(includeIPv6: includeIPv6)
                s.udp = udp; errors += udpErrors
                lastUDPSource = udp?.source ?? lastUDPSource
            }
        }
    }

    private func readTCP(into s: inout Sample, needs: SampleNeeds, counts: SocketCounts?, includeIPv6: Bool, quiet: Bool,
                         errors: inout [SourceError]) {
        let now = s.monotonicSeconds
        var walkedNow = false
        let (cheap, listenersAt) = needs.contains(.listeners) ? listeners(quiet: quiet, now: now, includeIPv6: includeIPv6) : (nil, now)
        // A quiet namespace whose every TCP socket is an idle listener: the walk would find those alone.
        if trustsEmptyCounts, quiet, let (listeners, listenErrors) = cheap, listenErrors.isEmpty,
           listeners.allSatisfy({ $0.acceptQueue == 0 }), counts?.onlyListeners(listeners.count) == true, let counts {
            var tcp = TCPSummary.empty(source: tablesSource)
            tcp.states[TCPState.listen.name] = UInt64(listeners.count)
            tcp.sockets = UInt64(listeners.count)
            tcp.listeners = listeners
            record(tcp, errors: [], now: listenersAt, cost: 0, counts: counts)
            s.tcp = tcp
            s.socketTablesSeconds = listenersAt; s.tcpListenersSeconds = listenersAt
            return
        }
        if needs.contains(.tcpTables) || (needs.contains(.listeners) && cheap == nil) {
            if let last = lastWalk, shouldReuse(last, now: now, counts: counts?.signature) {
                errors += last.errors
                if needs.contains(.tcpTables) { readStatesIfDue(now: now, counts: counts, includeIPv6: includeIPv6, errors: &errors) }
            } else {
                walkedNow = walk(now: now, counts: counts, includeIPv6: includeIPv6, errors: &errors)
            }
            s.tcp = lastWalk?.tcp
            s.socketTablesSeconds = lastWalk?.at; s.socketTablesCostSeconds = lastWalk?.cost
            s.tcpListenersSeconds = lastWalk?.at
            if !walkedNow { compose(into: &s, counts: counts) }
        }
        if let (listeners, listenErrors) = cheap, !walkedNow {
            merge(listeners, into: &s.tcp)
            errors += listenErrors
            s.tcpListenersSeconds = listenersAt
        } else if walkedNow, let walked = lastWalk?.tcp {
            lastListeners = (walked.listeners, now)
        }
    }

    /// Where a table made without a walk says it came from: the last walk's source, else the source's kind.
    private var tablesSource: String { lastWalk?.tcp?.source ?? (source is ProcSocketTables ? "proc" : "netlink") }

    /// The LISTEN-only dump; in a quiet namespace, the last listeners while every queue was empty:
    /// no packet since, so no connection can be waiting and those figures are today's, as the
    /// namespace's counters are (a listener opened since shows with them, at their next read).
    private func listeners(quiet: Bool, now: Double, includeIPv6: Bool) -> (([Listener], [SourceError])?, Double) {
        if quiet, let kept = lastListeners, kept.listeners.allSatisfy({ $0.acceptQueue == 0 }) { return ((kept.listeners, []), now) }
        let read = source.listeners(includeIPv6: includeIPv6)
        lastListeners = read.flatMap { $0.1.isEmpty ? ($0.0, now) : nil }
        return (read, now)
    }

    /// Walks every socket; false when nothing was read and nothing went wrong (a budget shared by
    /// every namespace said "not now": keeping that would hide the tables until the walk is old,
    /// so the next sample asks again).
    private func walk(now: Double, counts: SocketCounts?, includeIPv6: Bool, errors: inout [SourceError]) -> Bool {
        let before = Sampler.threadCPUNow()
        let (tcp, tcpErrors) = source.tcpSummary(includeIPv6: includeIPv6)
        let cost = max(0, Sampler.threadCPUNow() - before)
        errors += tcpErrors
        guard tcp != nil || !tcpErrors.isEmpty else { return false }
        record(tcp, errors: tcpErrors, now: now, cost: cost, counts: counts)
        return true
    }

    /// A walk's tables, and the transient states it gives until the filtered dump reads them again.
    private func record(_ tcp: TCPSummary?, errors: [SourceError], now: Double, cost: Double, counts: SocketCounts?) {
        lastWalk = Walk(tcp: tcp, errors: errors, at: now, cost: cost, counts: counts?.signature)
        if let tcp {
            // The FIN_WAIT2 minisockets, by difference: `tw` counts them with the walk's TIME_WAIT.
            let walkedTimeWait = tcp.states[TCPState.timeWait.name] ?? 0
            let minisockets = counts?.timeWait.map { $0 >= walkedTimeWait ? $0 - walkedTimeWait : 0 } ?? 0
            lastStates = StatesRead(states: TCPTransientStates(tcp, finWait2Minisockets: minisockets), at: now, cost: 0,
                                    counts: counts?.signature)
        }
    }

    /// The filtered dump (or the live histogram), when its budget has been paid and the counts
    /// moved or it is `statesMaxAge` old.
    private func readStatesIfDue(now: Double, counts: SocketCounts?, includeIPv6: Bool, errors: inout [SourceError]) {
        guard let provider = statesSource, !statesUnavailable else { return }
        if liveStates == nil, let last = lastStates, !statesDue(last, now: now, counts: counts?.signature) { return }
        let before = Sampler.threadCPUNow()
        guard let (states, stateErrors) = provider.transientStates(includeIPv6: includeIPv6) else {
            statesUnavailable = true
            return
        }
        let cost = max(0, Sampler.threadCPUNow() - before)
        lastStates = StatesRead(states: states, at: now, cost: cost, counts: counts?.signature)
        errors += stateErrors
    }

    private func statesDue(_ last: StatesRead, now: Double, counts: [UInt64]?) -> Bool {
        guard let statesBudget, statesBudget > 0 else { return true }
        let age = now - last.at
        if age < last.cost / statesBudget { return false }
        return counts != last.counts || age >= statesMaxAge
    }

    /// Over a reused walk: the newer transient states, and ESTABLISHED and TIME_WAIT from this
    /// sample's counts (CurrEstab counts CLOSE_WAIT too; `tw` counts FIN_WAIT2 minisockets too).
    private func compose(into s: inout Sample, counts: SocketCounts?) {
        guard var tcp = s.tcp, let walkedAt = lastWalk?.at, let read = lastStates else { return }
        var readAt = OrderedDictionary<String, Double>()
        let before = tcp.states.values.reduce(0, +)
        if read.at > walkedAt {
            for name in TCPTransientStates.names {
                tcp.states[name] = read.states.states[name] ?? 0
                readAt[name] = read.at
            }
            tcp.closeWaitPorts = read.states.closeWaitPorts
        }
        if statesSource != nil, !statesUnavailable, let counts {
            if let established = counts.currEstab {
                tcp.states[TCPState.established.name] = established.subtractingClamped(read.states.closeWait)
                readAt[TCPState.established.name] = s.monotonicSeconds
            }
            if let timeWait = counts.timeWait {
                tcp.states[TCPState.timeWait.name] = timeWait.subtractingClamped(read.states.finWait2Minisockets)
                readAt[TCPState.timeWait.name] = s.monotonicSeconds
            }
        }
        guard !readAt.isEmpty else { return }
        tcp.sockets = (tcp.sockets.subtractingClamped(before)) + tcp.states.values.reduce(0, +)
        s.tcp = tcp
        s.tcpStatesCostSeconds = read.cost > 0 ? read.cost : nil
        // In /proc/net/tcp's order; LISTEN has its own time (tcpListenersSeconds).
        s.tcpStateSeconds = OrderedDictionary(uniqueKeysWithValues: tcpStateNames.compactMap { name in
            name == TCPState.listen.name ? nil : (name, readAt[name] ?? walkedAt)
        })
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
        // Counts all 0 mean no TCP socket: a walk would find none (and each walk goes through the
        // host's whole hash, whichever namespace asks: --all-netns has many empty ones).
        return counts == last.counts && counts?.allSatisfy { $0 == 0 } == true
    }
}

extension UInt64 {
    /// self - other, or 0 where other is larger (two levels read at different times).
    func subtractingClamped(_ other: UInt64) -> UInt64 { self >= other ? self - other : 0 }
}
