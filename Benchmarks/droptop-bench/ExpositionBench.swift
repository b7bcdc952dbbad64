#if canImport(Glibc)
import Glibc
#endif
import DropTopCore

/// `droptop-bench exposition [RUNS]`: the CPU time of writing the Prometheus text of one report
/// of the live host with every other network namespace (--all-netns, as --listen and --textfile
/// do once an interval), median of RUNS; and the text's size.
func expositionBench(runs: Int) {
    let sampler = Sampler()
    sampler.namespaces = NamespaceSampler()
    let pipeline = Pipeline(LiveSampleSource(sampler))
    _ = pipeline.next()
    var t = timespec(tv_sec: 1, tv_nsec: 0)
    nanosleep(&t, nil)
    guard let report = pipeline.next() else { print("no report"); return }
    var costs: [Double] = []
    var bytes = 0
    for _ in 0..<runs {
        let start = threadCPU()
        bytes = PrometheusReport.text(report).utf8.count
        costs.append(threadCPU() - start)
    }
    let series = report.namespaces.count
    print("namespaces \(series); exposition \(bytes) bytes; writing it: median \(ms(median(costs))) ms CPU, "
        + "max \(ms(costs.max() ?? 0)) ms over \(runs) runs")
}
