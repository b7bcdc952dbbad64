/// A namespace's full-socket TCP state counts, kept current between full dumps: a baseline (the
/// full sockets of one TCPStateCensus, with the change counts read just before that dump) plus
/// the net state changes since.
///
/// Each change (old -> new) adds one to `new` and takes one from `old`, where CLOSE means "not in
/// the tables" (sockets are born CLOSE and are unhashed before they are set CLOSE) and is not
/// counted. One exception: a child socket is cloned from its listener and so starts LISTEN ->
/// SYN_RECV; that adds a SYN_RECV without taking a LISTEN (a listener itself only ever leaves to
/// CLOSE). TIME_WAIT and request sockets are minisockets that never fire the tracepoint: the full
/// socket's own change into time-wait is FIN_WAIT2 (or CLOSING...) -> CLOSE, so TIME_WAIT is
/// never counted here (read it from /proc/net/sockstat's tw), and SYN_RECV counts full sockets
/// only (request sockets are not seen).
///
/// Changes during the dump itself can be counted twice (reflected in the dump and in the change
/// counts read before it); such errors, missed runs and map overflow last until the next resync,
/// which measures them: `lastDrift` is what the prediction got wrong at the last resync.
public struct LiveStateHistogram: Sendable {
    /// The namespace followed; nil: every change the counter saw (a kernel without namespaces).
    public let namespaceInode: UInt32?
    private var baseline: [Int64]?
    private var baselineChanges: [TCPTransition: UInt64] = [:]
    /// Predicted minus dumped, per state, at the last resync that had a previous baseline.
    public private(set) var lastDrift: StateDrift?

    public init(namespaceInode: UInt32?) { self.namespaceInode = namespaceInode }

    public var isSynchronised: Bool { baseline != nil }

    /// Takes a new baseline; returns how far the prediction had drifted from it (nil the first time).
    @discardableResult
    public mutating func resync(census: TCPStateCensus, changesBeforeDump: TCPTransitionCounts) -> StateDrift? {
        let dumped = Self.slots(census.fullSockets)
        let changes = changesBeforeDump.counts(namespaceInode: namespaceInode)
        if let predicted = predictedSlots(changes) {
            lastDrift = StateDrift(predicted: predicted, dumped: dumped)
        }
        baseline = dumped
        baselineChanges = changes
        return lastDrift
    }

    /// The full-socket counts now, from `changes` read now; nil before the first resync.
    public func states(changes: TCPTransitionCounts) -> [TCPState: UInt64]? {
        guard let slots = predictedSlots(changes.counts(namespaceInode: namespaceInode)) else { return nil }
        var states: [TCPState: UInt64] = [:]
        for (index, state) in TCPState.allCases.enumerated() { states[state] = UInt64(max(0, slots[index + 1])) }
        return states
    }

    private func predictedSlots(_ changes: [TCPTransition: UInt64]) -> [Int64]? {
        guard var slots = baseline else { return nil }
        for (transition, count) in changes {
            let delta = Int64(truncatingIfNeeded: count &- (baselineChanges[transition] ?? 0))
            Self.apply(transition, times: delta, to: &slots)
        }
        return slots
    }

    static let close: UInt8 = 7, listen: UInt8 = 10, synRecv: UInt8 = 3
    private static let stateSlots = TCPState.allCases.count + 1

    static func apply(_ transition: TCPTransition, times delta: Int64, to slots: inout [Int64]) {
        let (from, to) = (Int(transition.from), Int(transition.to))
        if to != close, to >= 1, to < stateSlots { slots[to] += delta }
        let isNewChild = transition.from == listen && transition.to == synRecv
        if from != close, from >= 1, from < stateSlots, !isNewChild { slots[from] -= delta }
    }

    /// Counts by state number, index 0 unused.
    static func slots(_ states: [TCPState: UInt64]) -> [Int64] {
        var slots = [Int64](repeating: 0, count: stateSlots)
        for (index, state) in TCPState.allCases.enumerated() { slots[index + 1] = Int64(clamping: states[state] ?? 0) }
        return slots
    }
}

/// How far a live histogram's prediction was from a fresh dump.
public struct StateDrift: Sendable, Equatable {
    /// Predicted minus dumped; only the states that differ.
    public var byState: [TCPState: Int64]
    /// The sum of the differences' sizes.
    public var total: UInt64 { byState.values.reduce(0) { $0 + $1.magnitude } }

    public init(byState: [TCPState: Int64]) { self.byState = byState }

    init(predicted: [Int64], dumped: [Int64]) {
        var byState: [TCPState: Int64] = [:]
        for (index, state) in TCPState.allCases.enumerated() where predicted[index + 1] != dumped[index + 1] {
            byState[state] = predicted[index + 1] - dumped[index + 1]
        }
        self.byState = byState
    }
}
