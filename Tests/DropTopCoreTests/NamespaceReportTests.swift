import Testing
@testable import DropTopCore

/// Namespace reports: rates keyed by inode across appearing and vanishing namespaces, one
/// triage per namespace, host veths attributed to the namespace at their other end.
struct NamespaceReportTests {
    func interface(_ name: String, drops: UInt64, index: Int32, peer: Int32?, netnsid: Int32?) -> InterfaceSample {
        var values = [UInt64](repeating: 0, count: 16)
        values[1] = 1_000 + drops * 10   // rx_packets
        values[3] = drops                 // rx_drop
        var i = InterfaceSample(name: name, counters: NetDevCounters(values: values))
        i.link = LinkIdentity(ifindex: index, kind: "veth", peerIndex: peer, peerNetnsID: netnsid)
        return i
    }

    func sample(at t: Double, _ namespaces: [(UInt64, UInt64)]) -> Sample {
        var s = Sample(monotonicSeconds: t, wallSeconds: 1_700_000_000 + t, host: HostInfo(hostname: "h", kernel: "k"))
        s.interfaces = [interface("vethhost", drops: UInt64(t) * 500, index: 40, peer: 2, netnsid: 0)]
        s.namespaces = namespaces.map { inode, drops in
            var inner = Sample(monotonicSeconds: t, wallSeconds: s.wallSeconds, host: s.host)
            inner.interfaces = [interface("eth0", drops: drops, index: 2, peer: inode == 7 ? 40 : 41, netnsid: 0)]
            return NamespaceSample(inode: inode, identity: NamespaceIdentity(kind: "named", name: "ns\(inode)"), sample: inner)
        }
        return s
    }

    @Test func ratesFollowTheInodeAndANewcomerHasNone() {
        let pipeline = Pipeline(ReplaySampleSource([
            sample(at: 0, [(7, 0), (8, 0)]),
            sample(at: 1, [(7, 100), (9, 5_000)]),        // 8 went away, 9 is new
            sample(at: 2, [(7, 300), (8, 50), (9, 5_010)]),   // 8 is back: new again, no rate
        ]))
        _ = pipeline.next()
        let second = pipeline.next()
        let third = pipeline.next()
        func drops(_ r: Report?, _ inode: UInt64) -> Double?? {
            r?.namespaces.first { $0.inode == inode }.map { $0.report.interfaces[0].rates[3] }
        }
        #expect(drops(second, 7) == .some(100))
        #expect(drops(second, 9) == .some(nil))
        #expect(drops(third, 9) == .some(10))
        #expect(drops(third, 8) == .some(nil))
        #expect(third?.namespaces.first { $0.inode == 7 }?.dropsPerSecond == 200)
    }

    @Test func findingsCarryTheirNamespaceAndHostVethsAreAttributed() throws {
        let pipeline = Pipeline(ReplaySampleSource([sample(at: 0, [(7, 0)]), sample(at: 1, [(7, 900)])]))
        _ = pipeline.next()
        let report = try #require(pipeline.next())
        let ns = try #require(report.namespaces.first)
        #expect(ns.hostInterfaces == ["vethhost"])
        #expect(!ns.report.findings.isEmpty)
        #expect(ns.report.findings.allSatisfy { $0.netns == NetnsRef(inode: 7, name: "ns7") && !$0.hostWide })
        let hostVeth = report.findings.filter { $0.item == "vethhost" }
        #expect(!hostVeth.isEmpty && hostVeth.allSatisfy { $0.netns?.name == "ns7" })
    }
}
