import Foundation
@testable import DropTopCore

/// The repository root, for docs/ and scripts/.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// One row of docs/mib-census.tsv.
struct CensusRow {
    var section: String, name: String, drop: String, layer: String, meaning: String, knob: String
    var id: CounterID { CounterID(section, name) }
}

func readCensus() throws -> [CensusRow] {
    let text = try String(contentsOf: repositoryRoot.appendingPathComponent("docs/mib-census.tsv"), encoding: .utf8)
    return text.split(separator: "\n").dropFirst().map { line in
        let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        return CensusRow(section: f[0], name: f[1], drop: f[2], layer: f[3], meaning: f[4], knob: f[5])
    }
}

/// Two samples `seconds` apart on a quiet host whose protocol sections hold every catalogued
/// counter (and the context counters rules show); `moves` are added to the second one.
func dropReport(_ moves: [CounterID: UInt64], seconds: Double = 1, sysctl: [String: String] = [:]) -> Report {
    var a = Sample(monotonicSeconds: 10, wallSeconds: 1_764_000_000, host: HostInfo(hostname: "h", kernel: "k"))
    var protocols = ProtocolCounters()
    let context = TriageRules.counterRules.flatMap(\.context)
    for id in CounterCatalog.all.map(\.id) + StatTableCatalog.all.map(\.id) + context + [.tcpInSegs, .tcpOutSegs, .udpInDatagrams] {
        protocols[id.section, default: ProtocolSection()].counters[id.name] = 1000
    }
    a.protocols = protocols
    for (k, v) in sysctl { a.sysctl[k] = v }
    var b = a
    b.monotonicSeconds += seconds
    b.wallSeconds += seconds
    for (id, n) in moves { b.protocols?[id.section, default: ProtocolSection()].counters[id.name, default: 1000] += n }
    fileStatTables(&a)
    fileStatTables(&b)
    return Report(previous: a, current: b)
}

/// The findings when only `id` moves, by `n` in one second.
func findingsWhenAlone(_ id: CounterID, _ n: UInt64 = 100) -> [Finding] { TriageRules.evaluate(dropReport([id: n])) }

/// The ids of the findings that cite `id` as evidence when it moves alone.
func coveringFindings(_ id: CounterID) -> [String] {
    let ids = findingsWhenAlone(id).filter { $0.evidence.contains { $0.name == id.description } }.map(\.id)
    return Array(Set(ids)).sorted()
}

/// Moves the sections of the /proc/net/stat tables to where the sampler puts them.
func fileStatTables(_ s: inout Sample) {
    for source in PerCPUStatSource.allCases {
        guard let section = s.protocols?.removeValue(forKey: source.section) else { continue }
        s.statTables = s.statTables ?? [:]
        s.statTables?[source.rawValue] = PerCPUStatTable(entries: 3, counters: section.counters, cpuRows: 2)
    }
}
