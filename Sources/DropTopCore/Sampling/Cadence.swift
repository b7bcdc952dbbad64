/// Sample times on absolute deadlines of a monotonic clock: start + k × interval. A slow sample
/// does not push the next one back (no drift), and a slot already missed is skipped rather than
/// sampled late, so that `-b 1` prints one report a second and `interval_seconds` stays within a
/// few milliseconds of the interval.
public struct Cadence: Sendable {
    public let interval: Double
    public let start: Double
    private var slot: Int64 = 0

    public init(interval: Double, start: Double) {
        self.interval = interval
        self.start = start
    }

    /// The first deadline after the last one given that is still ahead of `now`.
    public mutating func next(after now: Double) -> Double {
        guard interval > 0 else { return now }
        slot += 1
        var deadline = start + Double(slot) * interval
        if deadline <= now {
            let passed = ((now - start) / interval).rounded(.down)
            slot = Int64(clamping: Int(passed.isFinite ? min(passed, 1e15) : 0)) + 1
            deadline = start + Double(slot) * interval
        }
        return deadline
    }
}
