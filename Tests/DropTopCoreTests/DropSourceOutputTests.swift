import Foundation
import OrderedCollections
import Testing
@testable import DropTopCore

/// The new sources read from a captured tree, carried by recordings and shown by every output.
@Suite struct DropSourceOutputTests {
    static func twoSamples() -> Report {
        let sampler = fixtureSampler("netstat_tables")
        var a = sampler.sample()
        var b = a
        b.monotonicSeconds = a.monotonicSeconds + 2
        var arp = b.statTables?["arp_cache"]
        arp?.counters[CounterID.arpUnresolvedDiscards.name] = 40
        b.statTables?["arp_cache"] = arp
        var q = QdiscStats(interface: "eth0", ifindex: 2, kind: "pfifo", handle: 0x0001_0000, parent: 0xFFFF_FFFF)
        a.qdiscs = [q]
        q.drops = 20; q.overlimits = 4; q.backlog = 3000; q.qlen = 2; q.packets = 100
        b.qdiscs = [q]
        return Report(previous: a, current: b)
    }

    @Test func aCapturedTreeHasTheTablesAndConntrackButNoQdiscs() throws {
        let s = fixtureSampler("netstat_tables").sample()
        #expect(s.statTables?.keys.elements == ["arp_cache", "ndisc_cache", "nf_conntrack"])
        #expect(s.statTables?["arp_cache"]?.entries == 2)
        #expect(s.statTables?["arp_cache"]?[CounterID.arpUnresolvedDiscards.name] == 0)
        #expect(s.conntrack == ConntrackFullness(count: 0, max: 262_144))
        #expect(s.qdiscs == nil)
        #expect(!s.errors.contains { $0.source.contains("/proc/net/stat") || $0.source.contains("netfilter") || $0.source.contains("rtnetlink") })
        // A tree without these files: nothing, and no error for them.
        let other = fixtureSampler("server64").sample()
        #expect(other.statTables == nil && other.conntrack == nil)
        #expect(!other.errors.contains { $0.source.contains("/proc/net/stat") || $0.source.contains("netfilter") })
    }

    @Test func ratesOfTheTablesAreFiledAsSections() {
        let r = Self.twoSamples()
        #expect(r.rate(.arpUnresolvedDiscards) == 20)
        #expect(r.rate(.ndiscUnresolvedDiscards) == 0)
        #expect(r.rate(.conntrackDrop) == 0)
        #expect(r.qdiscInterfaces.first?.dropsPerSecond == 10 && r.qdiscInterfaces.first?.backlog == 3000)
        #expect(TriageRules.evaluate(r).map(\.id) == ["qdisc-drops", "neighbour-unresolved"])
    }

    @Test func recordingsCarryTheNewSourcesAndOldOnesStillDecode() throws {
        let r = Self.twoSamples()
        let data = try JSONEncoder().encode(r.sample)
        let back = try JSONDecoder().decode(Sample.self, from: data)
        #expect(back.statTables == r.sample.statTables && back.conntrack == r.sample.conntrack && back.qdiscs == r.sample.qdiscs)
        let old = try String(contentsOf: URL(fileURLWithPath: fixtureRoot("recordings") + "/server64.jsonl"), encoding: .utf8)
        let line = try #require(old.split(separator: "\n").dropFirst().first)
        let sample = try JSONDecoder().decode(Sample.self, from: Data(line.utf8))
        #expect(sample.statTables == nil && sample.conntrack == nil && sample.qdiscs == nil)
    }

    @Test func jsonHasNeighbourConntrackAndQdiscs() throws {
        var r = Self.twoSamples()
        r.findings = TriageRules.evaluate(r)
        let text = JSONReport.document(r).serialized()
        let j = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let neighbour = try #require(j["neighbour"] as? [String: Any])
        let arp = try #require(neighbour["arp_cache"] as? [String: Any])
        #expect(arp["entries"] as? Int == 2)
        #expect((arp["rates"] as? [String: Any])?["unresolved_discards"] as? Double == 20)
        let ct = try #require(j["conntrack"] as? [String: Any])
        #expect(ct["count"] as? Int == 0 && ct["max"] as? Int == 262_144 && ct["fullness_percent"] as? Double == 0)
        let q = try #require((j["qdiscs"] as? [[String: Any]])?.first)
        #expect(q["interface"] as? String == "eth0" && q["handle"] as? String == "1:" && q["parent"] as? String == "root")
        #expect(q["drops"] as? Int == 20 && q["drops_per_s"] as? Double == 10 && q["root"] as? Bool == true)
        // Without the sources: null members.
        let bare = JSONReport.document(Report(previous: nil, current: fixtureSampler("server64").sample())).serialized()
        let b = try #require(try JSONSerialization.jsonObject(with: Data(bare.utf8)) as? [String: Any])
        #expect(b["neighbour"] is NSNull && b["conntrack"] is NSNull && b["qdiscs"] is NSNull)
    }

    @Test func prometheusHasQdiscNeighbourAndConntrackSeries() {
        let text = PrometheusReport.text(Self.twoSamples())
        #expect(text.contains("droptop_qdisc_drops_total{device=\"eth0\",kind=\"pfifo\",handle=\"1:\",parent=\"root\"} 20\n"))
        #expect(text.contains("droptop_qdisc_backlog_bytes{device=\"eth0\",kind=\"pfifo\",handle=\"1:\",parent=\"root\"} 3000\n"))
        #expect(text.contains("# TYPE droptop_qdisc_overlimits_total counter\n"))
        #expect(text.contains("droptop_neighbour_unresolved_discards_total{table=\"arp_cache\"} 40\n"))
        #expect(text.contains("droptop_neighbour_entries{table=\"ndisc_cache\"} 4\n"))
        #expect(text.contains("droptop_conntrack_entries 0\ndroptop_conntrack_max") || text.contains("droptop_conntrack_entries 0\n"))
        #expect(text.contains("droptop_conntrack_max 262144\n"))
        #expect(text.contains("droptop_conntrack_drop_total 0\n"))
        #expect(text.contains("# HELP droptop_neighbour_unresolved_discards_total unresolved_discards (/proc/net/stat/arp_cache"))
    }

    @Test func batchGroupsShowRowsOnlyForSourcesThatWereRead() throws {
        let groups = try BatchGroups.parse("QDISC,NEIGH,CT")
        var text = TextReport(groups: groups)
        let out = text.render(Self.twoSamples())
        #expect(out.contains("IFACE") && out.contains("qdrop/s") && out.contains("eth0"))
        #expect(out.contains("TABLE") && out.contains("      arp ") && out.contains("    ndisc ") && out.contains("unres/s"))
        #expect(out.contains("ctdrop/s") && out.contains("%ctfull"))
        let row = try #require(out.split(separator: "\n").first { $0.contains(" arp ") })
        #expect(row.contains("20.00"))
        var bare = TextReport(groups: groups)
        var a = fixtureSampler("server64").sample()
        a.monotonicSeconds -= 1
        let empty = bare.render(Report(previous: a, current: fixtureSampler("server64").sample()))
        #expect(!empty.contains("qdrop/s") && !empty.contains("unres/s") && !empty.contains("ctdrop/s"))
        #expect(try BatchGroups.parse("ALL").map(\.name).suffix(4) == ["QDISC", "NEIGH", "CT", "NETNS"])
    }
}
