#if canImport(Glibc)
import Glibc
#endif
import DropTopCore

// Reports, per source, the time to read the file and the time to parse it (median of N runs),
// and the CPU time of one full sample. Usage: droptop-bench [PROC_ROOT SYS_ROOT] [RUNS]
let arguments = CommandLine.arguments
if arguments.count > 1 && arguments[1] == "netns" {
    namespaceBench(samples: arguments.count > 2 ? Int(arguments[2]) ?? 20 : 20)
    exit(0)
}
if arguments.count > 1 && arguments[1] == "links" {
    linkFactsBench(samples: arguments.count > 2 ? Int(arguments[2]) ?? 20 : 20)
    exit(0)
}
if arguments.count > 1 && arguments[1] == "exposition" {
    expositionBench(runs: arguments.count > 2 ? Int(arguments[2]) ?? 20 : 20)
    exit(0)
}
let procRoot = arguments.count > 2 ? arguments[1] : "/proc"
let sysRoot = arguments.count > 2 ? arguments[2] : "/sys"
let runs = arguments.count > 3 ? Int(arguments[3]) ?? 30 : (arguments.count == 2 ? Int(arguments[1]) ?? 30 : 30)

func now() -> Double { Sampler.monotonicNow() }
func cpuNow() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
func median(_ xs: [Double]) -> Double { let s = xs.sorted(); return s.isEmpty ? 0 : s[s.count / 2] }
func ms(_ x: Double) -> String {
    let v = (x * 1000 * 1000).rounded() / 1000
    return String(v)
}
func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
func lpad(_ s: String, _ n: Int) -> String { s.count >= n ? s : String(repeating: " ", count: n - s.count) + s }

let reader = FileReader(procRoot: procRoot, sysRoot: sysRoot)
let sources: [(String, String, (UnsafeBufferPointer<UInt8>) throws -> Void)] = [
    ("net/dev", "net/dev", { _ = try NetDevParser.parse($0) }),
    ("net/snmp", "net/snmp", { _ = try SNMPParser.parsePairs($0) }),
    ("net/netstat", "net/netstat", { _ = try SNMPParser.parsePairs($0) }),
    ("net/snmp6", "net/snmp6", { _ = try SNMPParser.parseSNMP6($0) }),
    ("net/softnet_stat", "net/softnet_stat", { _ = try SoftnetParser.parse($0) }),
    ("interrupts", "interrupts", { _ = try InterruptsParser.parse($0) }),
    ("softirqs", "softirqs", { _ = try SoftIRQsParser.parse($0) }),
    ("net/sockstat", "net/sockstat", { _ = try SockStatParser.parse($0) }),
    ("net/tcp rows", "net/tcp", { _ = try SocketTableParser.forEachRow($0, hasDrops: false) { _ in } }),
    ("net/tcp6 rows", "net/tcp6", { _ = try SocketTableParser.forEachRow($0, hasDrops: false) { _ in } }),
    ("net/udp rows", "net/udp", { _ = try SocketTableParser.forEachRow($0, hasDrops: true) { _ in } }),
]

print("droptop-bench: \(procRoot) \(sysRoot), median of \(runs) runs")
print(pad("source", 18) + lpad("bytes", 10) + lpad("read ms", 10) + lpad("parse ms", 10) + lpad("parse/read", 12))
for (label, name, parser) in sources {
    var readTimes: [Double] = [], totalTimes: [Double] = []
    var bytes = 0
    var failed: String?
    for _ in 0..<runs {
        let t0 = now()
        do { try reader.withContents(.proc, name) { _ in } } catch { failed = error.message; break }
        let t1 = now()
        do { try reader.withContents(.proc, name) { try parser($0) } } catch { failed = error.message; break }
        let t2 = now()
        bytes = reader.lastByteCount
        readTimes.append(t1 - t0)
        totalTimes.append(t2 - t1)
    }
    if let failed { print(pad(label, 18) + "  unavailable: \(failed)"); continue }
    let read = median(readTimes), parse = max(0, median(totalTimes) - read)
    print(pad(label, 18) + lpad(String(bytes), 10) + lpad(ms(read), 10) + lpad(ms(parse), 10)
          + lpad(read > 0 ? String(Int((parse / read * 100).rounded())) + "%" : "-", 12))
}

// The sampler's own path for the TCP tables: tcp and tcp6 streamed through the aggregator
// (states, listeners, per-peer table, top lists). "aggregate" is its time minus the reads.
var tcpReads: [Double] = [], tcpTotals: [Double] = []
var rowCount = 0
let tables = ProcSocketTables(reader: reader)
for _ in 0..<runs {
    let t0 = now()
    for file in ["net/tcp", "net/tcp6"] { try? reader.withContents(.proc, file) { _ in } }
    let t1 = now()
    let summary = tables.tcpSummary(includeIPv6: true).0
    let t2 = now()
    rowCount = Int(summary?.sockets ?? 0)
    tcpReads.append(t1 - t0); tcpTotals.append(t2 - t1)
}
let tcpRead = median(tcpReads), tcpWork = max(0, median(tcpTotals) - tcpRead)
print("tcp+tcp6 summary: \(rowCount) sockets, read \(ms(tcpRead)) ms, parse and aggregate \(ms(tcpWork)) ms"
      + (rowCount > 0 ? " (\(Int((tcpWork / Double(rowCount) * 1e9).rounded())) ns a socket)" : ""))

// The same through netlink sock_diag (live only: it reads the kernel, not a tree).
if procRoot == "/proc" {
    let netlink = NetlinkSocketTables(fallback: tables)
    var cpuTimes: [Double] = []
    var sockets: UInt64 = 0
    var source = "netlink"
    for _ in 0..<runs {
        let c0 = cpuNow()
        let summary = netlink.tcpSummary(includeIPv6: true).0
        cpuTimes.append(cpuNow() - c0)
        sockets = summary?.sockets ?? 0
        source = summary?.sourceNote ?? "netlink sock_diag"
    }
    let procTimes = (0..<runs).map { _ -> Double in
        let c0 = cpuNow(); _ = tables.tcpSummary(includeIPv6: true); return cpuNow() - c0
    }
    print("tcp+tcp6 summary CPU (kernel and droptop), \(sockets) sockets: /proc \(ms(median(procTimes))) ms, "
          + "\(source) \(ms(median(cpuTimes))) ms")
}

// UDP: /proc/net/udp against sock_diag with SKMEMINFO (which adds each socket's receive buffer).
if procRoot == "/proc" {
    let netlink = NetlinkSocketTables(fallback: tables)
    func cpu(_ body: () -> UDPSummary?) -> (Double, UDPSummary?) {
        var times: [Double] = [], last: UDPSummary?
        for _ in 0..<runs { let c0 = cpuNow(); last = body(); times.append(cpuNow() - c0) }
        return (median(times), last)
    }
    let (viaProc, procSummary) = cpu { tables.udpSummary(includeIPv6: true).0 }
    let (viaNetlink, netlinkSummary) = cpu { netlink.udpSummary(includeIPv6: true).0 }
    print("udp+udp6 summary CPU (kernel and droptop), \(procSummary?.sockets ?? 0) sockets: /proc \(ms(viaProc)) ms, "
          + "\(netlinkSummary?.sourceNote ?? "netlink sock_diag") \(ms(viaNetlink)) ms")
    // Socket owners: one whole pass over every process's fd links (an inode nobody holds).
    let lookup = HostSocketOwners()
    lookup.budget = 10
    let c0 = cpuNow()
    _ = lookup.owners(of: [UInt64.max], now: 0)
    print("socket owners: one pass over every process's fd links \(ms(cpuNow() - c0)) ms CPU")
}

let sampler = Sampler(procRoot: procRoot, sysRoot: sysRoot)
_ = sampler.sample()
var cpu: [Double] = [], wall: [Double] = []
for _ in 0..<runs {
    let c0 = cpuNow(), w0 = now()
    _ = sampler.sample()
    cpu.append(cpuNow() - c0); wall.append(now() - w0)
}
print("full sample: \(ms(median(cpu))) ms CPU, \(ms(median(wall))) ms wall (median)")
