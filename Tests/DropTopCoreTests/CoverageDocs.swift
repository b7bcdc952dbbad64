import Foundation
@testable import DropTopCore

/// The "Coverage" section of docs/triage.md, built from the census, the catalog and what the
/// rules do when each counter moves alone.
extension CounterCatalogTests {
    static func coverageSection() throws -> String {
        let census = try readCensus()
        let yes = CounterCatalog.all.filter { $0.drop == .yes }, maybe = CounterCatalog.all.filter { $0.drop == .maybe }
        let covering = Dictionary(uniqueKeysWithValues: CounterCatalog.all.map { ($0.id, coveringFindings($0.id)) })
        let covered = yes.filter { !(covering[$0.id] ?? []).isEmpty }
        let leftOut = maybe.filter { (covering[$0.id] ?? []).isEmpty }
        var out = [begin, "## Coverage: every drop the kernel counts", ""]
        out.append("docs/mib-census.tsv lists every counter of /proc/net/snmp, /proc/net/netstat and /proc/net/snmp6 on "
            + "Linux 6.18 with where the kernel counts it; scripts/gen_counter_catalog.py turns the rows that can mean loss into "
            + "the counter catalog (Sources/DropTopCore/Catalog/CounterCatalog+*.swift), and a test checks the two agree.")
        out.append("")
        out.append("- **\(census.count)** counters in all.")
        out.append("- **\(yes.count)** indicate a drop (drop = yes): **\(covered.count) of \(yes.count)** reach a finding "
            + "that cites them when they move alone (checked by a test). A drop counter no rule watches would still be "
            + "reported, as `unexplained-drops`.")
        out.append("- **\(maybe.count)** may (drop = maybe): symptoms of loss or pressure, or discards that are sometimes by "
            + "design; \(maybe.count - leftOut.count) of them fire a finding alone, the rest are left out (below).")
        out.append("- **\(census.count - yes.count - maybe.count)** never mean loss (traffic, levels, recoveries, "
            + "ICMP types): they stay in the TSV with drop = no and are not catalogued.")
        out += ["", "| counter | drop | layer | finding |", "| --- | --- | --- | --- |"]
        for c in CounterCatalog.all {
            let ids = covering[c.id] ?? []
            out.append("| `\(c.id)` | \(c.drop.rawValue) | \(c.layer.name) | "
                + (ids.isEmpty ? "—" : ids.map { "`\($0)`" }.joined(separator: ", ")) + " |")
        }
        out += ["", "Left out: these counters fire no finding of their own; why, from the census:", ""]
        out += leftOut.map { "- `\($0.id)`: \($0.meaning)." + reason($0.id) }
        out.append(end)
        return out.joined(separator: "\n")
    }

    /// Where a left-out counter still shows up.
    static func reason(_ id: CounterID) -> String {
        if let rule = TriageRules.counterRules.first(where: { $0.context.contains(id) }) {
            return " Shown as evidence of `\(rule.kind.id)` when that fires."
        }
        if TriageRules.retransmitCounters.contains(id) {
            return " Shown as evidence of `tcp-retransmits`, which fires on retransmissions as a share of segments sent."
        }
        if CounterCatalog.entry(id)?.meaning.contains("by design") == true { return " Discarded on purpose, not a loss." }
        return " A symptom of loss elsewhere (the path, the peer), not a drop on this host."
    }
}
