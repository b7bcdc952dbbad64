#if canImport(Glibc)
import Glibc
#endif
import DropTopCore

/// `droptop-bench netns [SAMPLES]`: the CPU time --all-netns adds per sample, step by step:
/// sampling every other network namespace (NamespaceSampler, with the stream's socket-table
/// budget), their reports and triage (Pipeline), and their part of the JSON document; after a
/// first sample that opens each namespace's rtnetlink socket.
func namespaceBench(samples: Int) {
    let sampler = NamespaceSampler()
    sampler.socketTableBudget = 0.002
    let source = NamespacesOnly(sampler)
    let pipeline = Pipeline(source)
    let firstStart = threadCPU()
    _ = pipeline.next().map { JSONReport.document($0).serialized() }
    let firstCost = threadCPU() - firstStart
    var sampling: [Double] = [], reports: [Double] = [], json: [Double] = []
    var count = 0
    for _ in 0..<samples {
        let wallStart = Sampler.monotonicNow()
        let start = threadCPU()
        guard let report = pipeline.next() else { break }
        let reported = threadCPU()
        let bytes = JSONReport.document(report).serialized().utf8.count
        let done = threadCPU()
        sampling.append(source.cost)
        reports.append(reported - start - source.cost)
        json.append(done - reported)
        count = report.namespaces.count
        _ = bytes
        sleepRestOfSecond(from: wallStart)
    }
    let line = costLine
    let total = zip(zip(sampling, reports), json).map { $0.0 + $0.1 + $1 }
    print("namespaces \(count); first sample \(ms(firstCost)) ms CPU; then per 1 s sample (CPU):")
    print("  " + line("sampling", sampling))
    print("  " + line("reports and triage", reports))
    print("  " + line("JSON", json))
    print("  " + line("all", total))
}

/// Samples holding only the other namespaces (the host's own sources are not read), timed.
final class NamespacesOnly: SampleSource {
    let sampler: NamespaceSampler
    var cost = 0.0
    init(_ sampler: NamespaceSampler) { self.sampler = sampler }
    var isLive: Bool { true }
    func next() -> Sample? {
        let start = threadCPU()
        let host = HostInfo(hostname: "bench", kernel: "")
        var s = Sample(monotonicSeconds: Sampler.monotonicNow(), wallSeconds: Sampler.wallNow(), host: host)
        s.namespaces = sampler.sample(host: host, errors: &s.errors)
        cost = threadCPU() - start
        return s
    }
}

/// "NAME: median, mean, max ms = share of one core" of per-second CPU costs.
func costLine(_ name: String, _ costs: [Double]) -> String {
    let sorted = costs.sorted()
    let mean = costs.reduce(0, +) / Double(max(1, costs.count))
    return "\(name): median \(ms(sorted.isEmpty ? 0 : sorted[sorted.count / 2])) ms, mean \(ms(mean)) ms, "
        + "max \(ms(sorted.last ?? 0)) ms = \(format1(mean * 100)) % of one core"
}

/// Paces samples once a second.
func sleepRestOfSecond(from wallStart: Double) {
    let left = 1 - (Sampler.monotonicNow() - wallStart)
    if left > 0 { var t = timespec(tv_sec: 0, tv_nsec: Int(left * 1e9)); nanosleep(&t, nil) }
}

func format1(_ v: Double) -> String { String((v * 100).rounded() / 100) }

func threadCPU() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
