import Testing
@testable import DropTopCore

/// --all-netns in the Prometheus exposition and the batch NETNS group, on reports replayed from
/// built samples: a pod whose UDP socket overflows, an idle named namespace, and a process
/// whose command makes a hostile label value.
struct NamespaceExportTests {
    /// As NamespaceNamer makes names: DisplayName's form (`evil"\\\x0aname run`).
    static let nasty = DisplayName.escaped(Array("evil\"\\\nname run".utf8))

    static func inner(at t: Double, drops: UInt64, host: HostInfo) -> Sample {
        var s = Sample(monotonicSeconds: t, wallSeconds: 1_764_000_000 + t, host: host)
        var values = [UInt64](repeating: 0, count: 16)
        values[0] = 100_000 + drops * 1_000; values[1] = 1_000 + drops * 10; values[3] = drops
        s.interfaces = [InterfaceSample(name: "eth0", counters: NetDevCounters(values: values))]
        var udp = ProtocolSection()
        udp.counters[CounterID.udpInDatagrams.name] = 5_000 + drops
        udp.counters[CounterID.udpRcvbufErrors.name] = drops * 3
        s.protocols = [CounterID.udpRcvbufErrors.section: udp]
        s.sockstat = ["UDP": ["inuse": 2 + drops]]
        s.dropReasons = DropReasonSample(available: true, note: nil, totals: [DropReasonTotal(reason: "SOCKET_RCVBUFF", total: drops * 3)])
        return s
    }

    static func sample(at t: Double, drops: UInt64) -> Sample {
        var s = Sample(monotonicSeconds: t, wallSeconds: 1_764_000_000 + t, host: HostInfo(hostname: "h", kernel: "k"))
        s.interfaces = [InterfaceSample(name: "lo", counters: NetDevCounters(values: [UInt64](repeating: 7, count: 16)))]
        var pod = NamespaceIdentity(kind: "pod", name: "shop/cart-0")
        pod.pod = .init(namespace: "shop", name: "cart-0", uid: "u-1")
        pod.containerID = "3f2a9c1b0d4e5f60"
        pod.pid = 4242
        var process = NamespaceIdentity(kind: "process", name: nasty)
        process.pid = 77
        s.namespaces = [
            NamespaceSample(inode: 4_026_532_001, identity: pod, sample: inner(at: t, drops: drops, host: s.host)),
            NamespaceSample(inode: 4_026_532_002, identity: NamespaceIdentity(kind: "named", name: "blue"),
                            sample: inner(at: t, drops: 0, host: s.host)),
            NamespaceSample(inode: 4_026_532_003, identity: process, sample: inner(at: t, drops: 0, host: s.host)),
        ]
        return s
    }

    static func reports() -> [Report] {
        let pipeline = Pipeline(ReplaySampleSource([sample(at: 0, drops: 0), sample(at: 1, drops: 900), sample(at: 2, drops: 1_800)]))
        var out: [Report] = []
        while let r = pipeline.next() { out.append(r) }
        return out
    }

    @Test func namespaceSeriesJoinTheHostsFamiliesWithTheirLabels() throws {
        let text = PrometheusReport.text(try #require(Self.reports().last))
        let lines = text.split(separator: "\n").map(String.init)
        // HELP and TYPE once per family, whoever added series to it.
        let types = lines.filter { $0.hasPrefix("# TYPE ") }
        #expect(Set(types).count == types.count)
        let pod = "netns=\"4026532001\",netns_name=\"shop/cart-0\",kind=\"pod\",pod=\"shop/cart-0\",container=\"3f2a9c1b0d4e5f60\""
        #expect(lines.contains("droptop_network_receive_drop_total{device=\"eth0\",\(pod)} 1800"))
        #expect(lines.contains("droptop_network_receive_drop_total{device=\"lo\"} 7"))   // the host's: no netns label
        #expect(lines.contains("droptop_udp_rcvbuferrors_total{\(pod)} 5400"))
        #expect(lines.contains("droptop_udp_rcvbuferrors_total{netns=\"4026532002\",netns_name=\"blue\",kind=\"named\"} 0"))
        #expect(lines.contains("droptop_sockstat_udp_inuse{\(pod)} 1802"))
        #expect(lines.contains("droptop_kernel_drops_total{reason=\"SOCKET_RCVBUFF\",\(pod)} 5400"))
        #expect(lines.contains { $0.hasPrefix("droptop_finding{id=\"udp-rcvbuf-errors\"") && $0.contains(pod) })
        #expect(!lines.contains { $0.hasPrefix("droptop_finding") && $0.contains("blue") })
        // Only catalogued drop counters per namespace; only packet, byte, drop and error counters per interface.
        #expect(!text.contains("droptop_udp_indatagrams_total"))
        #expect(!text.contains("droptop_network_transmit_colls_total{device=\"eth0\""))
        #expect(lines.contains("droptop_netns_info{\(pod),pid=\"4242\"} 1"))
        // A hostile name is escaped as the format says, and stays on its line.
        #expect(Self.nasty == #"evil"\\\x0aname run"#)
        #expect(lines.contains(#"droptop_netns_info{netns="4026532003",netns_name="evil\"\\\\\\x0aname run",kind="process",pid="77"} 1"#))
        #expect(lines.allSatisfy { $0.hasPrefix("#") || $0.hasPrefix("droptop_") })
    }

    @Test func aHostFindingAboutAHostVethCarriesItsNamespacesLabels() throws {
        let built = NamespaceReportTests()
        let pipeline = Pipeline(ReplaySampleSource([built.sample(at: 0, [(7, 0)]), built.sample(at: 1, [(7, 900)])]))
        _ = pipeline.next()
        let text = PrometheusReport.text(try #require(pipeline.next()))
        let findings = text.split(separator: "\n").filter { $0.hasPrefix("droptop_finding{") }
        #expect(findings.contains { $0.contains("item=\"vethhost\",netns=\"7\",netns_name=\"ns7\",kind=\"named\"} 1") }, "\(findings)")
        #expect(!findings.contains { $0.contains("item=\"vethhost\"}") })
    }

    @Test func withoutNamespacesTheExpositionHasNoNetnsLabel() throws {
        var s = Self.sample(at: 0, drops: 0)
        s.namespaces = nil
        let text = PrometheusReport.text(Report(previous: nil, current: s))
        #expect(!text.contains("netns"))
    }

    @Test func batchNetnsGroupHasARowPerNamespaceAndFindingsNameTheirs() throws {
        var text = TextReport(groups: [.netns])
        let reports = Self.reports()
        let out = text.render(reports[1]) + text.render(reports[2])
        let rows = out.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        let header = try #require(rows.first { $0.contains("NETNS") })
        #expect(Array(header.dropFirst()) == ["NETNS", "kind", "pid", "ifaces", "rxpck/s", "txpck/s", "drop/s", "err/s", "findings"])
        let cart = rows.filter { $0.count > 1 && $0[1] == "shop/cart-0" }
        #expect(cart.count == 2)
        // Its interface drops and its UDP socket overflows: two findings.
        #expect(cart.last.map { Array($0.dropFirst(2)) } == ["pod", "4242", "1", "9000.00", "0.00", "900.00", "0.00", "2"])
        #expect(rows.contains { $0.count > 1 && $0[1] == "blue" && $0[2] == "named" && $0[7] == "0.00" })
        // One whitespace-free field: its space written \x20.
        #expect(rows.contains { $0.count > 3 && $0[1] == #"evil"\\\x0aname\x20run"# && $0[2] == "process" && $0[3] == "77" })
        let findings = out.split(separator: "\n").filter { $0.contains(" FINDING ") }
        #expect(findings.count == 4 && findings.allSatisfy { $0.contains(" netns=shop/cart-0 ") }, "\(findings)")
        #expect(findings.contains { $0.contains("FINDING critical socket udp-rcvbuf-errors - netns=shop/cart-0 UDP receive") })
        let averages = text.averages()
        #expect(averages.contains("Average:   shop/cart-0       pod      4242         1   9000.00"), "\(averages)")
        #expect(averages.contains("FINDING critical socket udp-rcvbuf-errors - netns=shop/cart-0 held in 2/2 intervals"), "\(averages)")
    }
}
