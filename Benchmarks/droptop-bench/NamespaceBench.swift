#if canImport(Glibc)
import Glibc
#endif
import DropTopCore

/// `droptop-bench netns [SAMPLES]`: the CPU time of sampling every other network namespace
/// (NamespaceSampler, as --all-netns does, with the stream's socket-table budget), per sample,
/// after a first sample that opens each namespace's rtnetlink socket.
func namespaceBench(samples: Int) {
    let sampler = NamespaceSampler()
    sampler.socketTableBudget = 0.002
    var errors: [SourceError] = []
    let host = HostInfo(hostname: "bench", kernel: "")
    let firstStart = threadCPU()
    let first = sampler.sample(host: host, errors: &errors)
    let firstCost = threadCPU() - firstStart
    var costs: [Double] = []
    var count = first.count
    for _ in 0..<samples {
        let wallStart = Sampler.monotonicNow()
        let start = threadCPU()
        count = sampler.sample(host: host, errors: &errors).count
        costs.append(threadCPU() - start)
        let left = 1 - (Sampler.monotonicNow() - wallStart)
        if left > 0 { var t = timespec(tv_sec: 0, tv_nsec: Int(left * 1e9)); nanosleep(&t, nil) }
    }
    let sorted = costs.sorted()
    let mean = costs.reduce(0, +) / Double(max(1, costs.count))
    print("namespaces \(count); first sample \(ms(firstCost)) ms CPU; then per 1 s sample: median \(ms(sorted[sorted.count / 2])) ms, "
        + "mean \(ms(mean)) ms, max \(ms(sorted.last ?? 0)) ms CPU = \(String(format1(mean * 100))) % of one core")
}

func format1(_ v: Double) -> String { String((v * 100).rounded() / 100) }

func threadCPU() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
