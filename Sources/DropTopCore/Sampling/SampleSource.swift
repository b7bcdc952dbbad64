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

/// sample → report → triage: the one loop every front end runs (TUI, --once, --json, batch,
/// Prometheus), live or replayed. Each report carries its findings.
public final class Pipeline {
    public let source: SampleSource
    private var previous: Sample?
    private let triage = TriageEngine()
    /// Every finding of this run, kept after it ends (first and last seen, peak).
    public let incidents = IncidentLog()
    private let namespaceTriage = NamespaceTriage()

    /// Who holds the sockets the findings name: live from this host's /proc only.
    private let socketOwners: HostSocketOwners?
    /// The CPU seconds a sample may spend looking for them (more for a one-shot, which has no
    /// next sample to go on in).
    public var socketOwnerBudget: Double? {
        get { socketOwners?.budget }
        set { if let newValue { socketOwners?.budget = newValue } }
    }

    public init(_ source: SampleSource) {
        self.source = source
        let live = (source as? LiveSampleSource)?.sampler
        socketOwners = live?.reader.procRoot == "/proc" && live?.namespaceScope == false ? HostSocketOwners() : nil
    }

    public var isLive: Bool { source.isLive }

    /// The next report, or nil when a recording is exhausted. The first has no rates.
    public func next() -> Report? {
        guard let sample = source.next() else { return nil }
        var report = Report(previous: previous, current: sample)
        report.findings = triage.evaluate(report)
        socketOwners?.attach(&report.findings, now: sample.monotonicSeconds)
        incidents.update(&report)
        report.namespaces = namespaceTriage.evaluate(previous: previous, host: &report)
        previous = sample
        return report
    }
}
