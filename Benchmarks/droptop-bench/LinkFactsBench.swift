#if canImport(Glibc)
import Glibc
#endif
import DropTopCore

/// `droptop-bench links [SAMPLES]`: the CPU time of the link facts of every namespace under
/// /run/netns, per 1 s sample, two ways side by side on the same kept sockets: an RTM_GETLINK
/// dump every sample (maxAge 0, as before link notifications), and the last dump kept until a
/// notification says a link changed (what droptop does).
func linkFactsBench(samples: Int) {
    var names: [String] = []
    if let dir = opendir("/run/netns") {
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
        closedir(dir)
    }
    let links = names.compactMap { try? RtnetlinkLinks.open(namespacePath: "/run/netns/" + $0, alsoRead: []).links }
    var dumping: [Double] = [], keeping: [Double] = []
    var failures = 0
    for _ in 0..<samples {
        let wallStart = Sampler.monotonicNow()
        var start = threadCPU()
        for l in links { l.maxAge = 0; if (try? l.current()) == nil { failures += 1 } }
        dumping.append(threadCPU() - start)
        start = threadCPU()
        for l in links { l.maxAge = 30; if (try? l.current()) == nil { failures += 1 } }
        keeping.append(threadCPU() - start)
        sleepRestOfSecond(from: wallStart)
    }
    print("namespaces \(links.count) (of \(names.count) under /run/netns), \(samples) samples, \(failures) failed reads; per 1 s sample (CPU):")
    print("  " + costLine("a dump every sample", dumping))
    print("  " + costLine("kept until a link notification", keeping))
}
