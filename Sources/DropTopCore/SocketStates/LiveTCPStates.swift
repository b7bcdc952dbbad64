/// What the socket tiers plug in: the state-change counter and one namespace's live histogram,
/// used in the order that keeps the baseline right (changes read before the walk, the walk's
/// census after it).
///
///     live.walkStarting()                      // just before the full sock_diag walk
///     live.walkEnded(census)                   // its records through SockDiagParser.forEachSocketKind
///     live.fullSocketStates()                  // between walks: full sockets by state, now
///
/// TIME_WAIT is not in these counts (sockstat's tw is), nor are request sockets (the walk's).
public final class LiveTCPStates {
    public let counter: TCPStateChangeCounter
    private var histogram: LiveStateHistogram
    private var changesBeforeWalk: TCPTransitionCounts?

    /// `namespaceInode`: the namespace the walks read (TCPStateChangeCounter.namespaceInode(at:)).
    public init(counter: TCPStateChangeCounter, namespaceInode: UInt32) {
        self.counter = counter
        histogram = LiveStateHistogram(namespaceInode: counter.keysNamespaces ? namespaceInode : nil)
    }

    public func walkStarting() { changesBeforeWalk = counter.transitions() }

    /// Takes the walk as the new baseline; the drift it found (nil the first time, or when the
    /// counts could not be read before the walk, which leaves the old baseline).
    @discardableResult
    public func walkEnded(_ census: TCPStateCensus) -> StateDrift? {
        guard let changes = changesBeforeWalk else { return nil }
        changesBeforeWalk = nil
        return histogram.resync(census: census, changesBeforeDump: changes)
    }

    /// Full sockets by state now; nil before the first walk or when the map cannot be read.
    public func fullSocketStates() -> [TCPState: UInt64]? {
        counter.transitions().flatMap { histogram.states(changes: $0) }
    }

    /// Predicted minus dumped at the last walk that had a baseline before it.
    public var lastDrift: StateDrift? { histogram.lastDrift }
}
