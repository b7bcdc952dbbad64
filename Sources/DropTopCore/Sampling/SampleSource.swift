/// Where samples come from: the live system, or a recording being replayed.
public protocol SampleSource: AnyObject {
    /// The next sample, or nil when a recording is exhausted.
    func next() -> Sample?
    /// Live sources are paced by the clock; a replay is not.
    var isLive: Bool { get }
}

public final class LiveSampleSource: SampleSource {
    public let sampler: Sampler
    public init(_ sampler: Sampler) { self.sampler = sampler }
    public func next() -> Sample? { sampler.sample() }
    public var isLive: Bool { true }
}

public final class ReplaySampleSource: SampleSource {
    public let samples: [Sample]
    private var index = 0
    public init(_ samples: [Sample]) { self.samples = samples }
    public func next() -> Sample? {
        guard index < samples.count else { return nil }
        defer { index += 1 }
        return samples[index]
    }
    public var isLive: Bool { false }
}
