import Foundation
import Testing
@testable import DropTopCore

/// --all-netns in batch, Prometheus and JSON through the real binary: two namespaces the test
/// makes, a bounded UDP receive-buffer overflow (Tests/scenarios/trouble.py, 8 s) in one, the other idle.
@Suite(.serialized, .enabled(if: isRoot, "needs root to create network namespaces (ip netns add)"))
struct NamespaceExportLiveTests {
    /// The namespace's inode, as droptop labels it (netns="...").
    func inode(_ ns: borrowing TestNamespace) throws -> UInt64 {
        var info = stat()
        try #require(stat("/run/netns/\(ns.name)", &info) == 0)
        return UInt64(info.st_ino)
    }

    /// The overflowing UDP sink in `busy` (ready to send) and a sleeping process in `quiet`.
    func helpers(_ busy: borrowing TestNamespace, _ quiet: borrowing TestNamespace) throws -> [Process] {
        let (sink, _, output) = try busy.start(["env", "TROUBLE_SECONDS=8", "python3", packageRoot + "/Tests/scenarios/trouble.py", "udp-rcvbuf4"])
        let (sleeper, _, _) = try quiet.start(["sleep", "30"])
        let ready = readLine(output)
        try #require(ready.hasPrefix("ready "), "trouble.py: \(ready)")
        return [sink, sleeper]
    }

    func stop(_ processes: [Process]) {
        for p in processes where p.isRunning { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() }
    }

    @Test(.needs(.promtool)) func listenLabelsTheOverflowingNamespacesSeriesAndLeavesTheOtherQuiet() throws {
        let busy = try TestNamespace(), quiet = try TestNamespace()
        let processes = try helpers(busy, quiet)
        defer { stop(processes) }
        let (server, host, port) = try startListening(["--all-netns"])
        usleep(400_000)
        let first = try httpGet(host, port)
        usleep(1_000_000)
        let second = try httpGet(host, port)
        #expect(first.status == 200 && second.status == 200)
        let busyLabels = "netns=\"\(try inode(busy))\",netns_name=\"\(busy.name)\",kind=\"named\""
        let quietLabels = "netns=\"\(try inode(quiet))\",netns_name=\"\(quiet.name)\",kind=\"named\""
        let errors = "droptop_udp_rcvbuferrors_total"
        let before = try #require(metricValue(first.body, "\(errors){\(busyLabels)}"), "\(first.body.prefix(3000))")
        let after = try #require(metricValue(second.body, "\(errors){\(busyLabels)}"))
        #expect(after - before > 200, "RcvbufErrors \(before) -> \(after)")
        #expect(metricValue(second.body, "\(errors){\(quietLabels)}") == 0)
        #expect(metricValue(second.body, "droptop_network_receive_packets_total{device=\"lo\",\(quietLabels)}") == 0)
        #expect((metricValue(second.body, "droptop_network_receive_packets_total{device=\"lo\",\(busyLabels)}") ?? 0) > 200)
        let findings = second.body.split(separator: "\n").filter { $0.hasPrefix("droptop_finding{") }
        #expect(findings.contains { $0.contains("id=\"udp-rcvbuf-errors\"") && $0.contains(busyLabels) }, "\(findings)")
        #expect(!findings.contains { $0.contains(quietLabels) })
        #expect(second.body.contains("droptop_netns_info{\(quietLabels),pid=\"\(processes[1].processIdentifier)\",command=\"sleep\""))
        // The host's own series stay unlabelled.
        #expect(metricValue(second.body, "droptop_network_receive_bytes_total{device=\"lo\"}") != nil)
        let path = NSTemporaryDirectory() + "droptop-netns-\(UUID().uuidString).prom"
        try second.body.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let promtool = try run("/usr/bin/env", ["sh", "-c", "\(try OptionalTool.promtool.require()) check metrics < '\(path)'"])
        #expect(promtool.status == 0 && promtool.stdout.isEmpty && promtool.stderr.isEmpty, "promtool: \(promtool.stdout)\(promtool.stderr)")
        #expect(server.stop() == 0)
    }

    @Test func jsonGivesANamespaceOnlyTheProtocolCountersThatSaySomething() throws {
        let busy = try TestNamespace(), quiet = try TestNamespace()
        let processes = try helpers(busy, quiet)
        defer { stop(processes) }
        let r = try droptop(["--json", "--all-netns", "-i", "1", "--count", "2", "--no-drop-reasons"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try validateAgainstSchema(r.stdout).status == 0)
        let last = try #require(r.stdout.split(separator: "\n").last.flatMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        })
        let namespaces = (last["namespaces"] as? [[String: Any]]) ?? []
        func protocols(_ name: String) -> [String: Any]? {
            namespaces.first { $0["netns_name"] as? String == name }?["protocols"] as? [String: Any]
        }
        let overflowing = try #require(protocols(busy.name), "\(busy.name) missing")
        let (udp, rcvbuf) = (CounterID.udpRcvbufErrors.section, CounterID.udpRcvbufErrors.name)
        #expect((int(overflowing, udp, "counters", rcvbuf) ?? 0) > 200, "\(overflowing)")
        #expect((value(overflowing, udp, "rates", rcvbuf) as? Double ?? 0) > 100, "\(overflowing)")
        // IPv4 only: no IPv6 counter moved, so none is written; the host's document still has them all.
        #expect(value(overflowing, "Ip6", "counters", "InTruncatedPkts") == nil && overflowing["Ip6"] == nil)
        #expect(int(last, "protocols", "Ip6", "counters", "InTruncatedPkts") != nil)
        #expect(protocols(quiet.name)?.isEmpty == true, "\(protocols(quiet.name) ?? [:])")
        // In every namespace, each counter written is not 0 or has a rate that is not 0, with its rate.
        for entry in namespaces {
            for case let (section, part as [String: [String: Any]]) in (entry["protocols"] as? [String: Any]) ?? [:] {
                let counters = part["counters"] as? [String: Int] ?? [:], rates = part["rates"] ?? [:]
                #expect(!counters.isEmpty && Set(counters.keys) == Set(rates.keys), "\(section): \(part)")
                for (name, v) in counters { #expect(v != 0 || rates[name] as? Double != 0, "\(section).\(name)") }
            }
        }
        // A namespace's sockstat is its own: not the host's orphans, allocations and memory, which
        // the kernel prints in every namespace (the host's document has them).
        let sockstat = try #require(namespaces.first { $0["netns_name"] as? String == busy.name }?["sockstat"] as? [String: Any])
        #expect(value(sockstat, "TCP", "inuse") != nil && value(sockstat, "TCP", "tw") != nil && value(sockstat, "UDP", "inuse") != nil)
        #expect(value(sockstat, "TCP", "alloc") == nil && value(sockstat, "TCP", "mem") == nil && value(sockstat, "UDP", "mem") == nil)
        #expect(value(last, "sockstat", "TCP", "alloc") != nil && value(last, "sockstat", "UDP", "mem") != nil)
    }

    @Test func batchPrintsARowPerNamespaceAndTheFindingNamesItsNamespace() throws {
        let busy = try TestNamespace(), quiet = try TestNamespace()
        let processes = try helpers(busy, quiet)
        defer { stop(processes) }
        let r = try droptop(["-b", "1", "2", "-n", "NETNS", "--all-netns"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        func rows(_ name: String) -> [[String]] { lines.filter { $0.count == 10 && $0[1] == name } }
        // Two intervals and the Average: row each; columns: kind pid ifaces rxpck/s txpck/s drop/s err/s findings.
        #expect(rows(busy.name).count == 3 && rows(quiet.name).count == 3, "\(r.stdout)")
        #expect(rows(busy.name).allSatisfy { $0[2] == "named" && $0[3] == String(processes[0].processIdentifier) })
        #expect(rows(busy.name).allSatisfy { (Double($0[5]) ?? 0) > 200 && Int($0[9]) ?? 0 >= 1 }, "\(rows(busy.name))")
        #expect(rows(quiet.name).allSatisfy { $0[5] == "0.00" && $0[7] == "0.00" && $0[9] == "0" }, "\(rows(quiet.name))")
        let findings = r.stdout.split(separator: "\n").filter { $0.contains(" FINDING ") }
        #expect(findings.contains { $0.contains("udp-rcvbuf-errors") && $0.contains(" netns=\(busy.name) ") }, "\(findings)")
        #expect(!findings.contains { $0.contains("netns=\(quiet.name)") })
        #expect(findings.contains { $0.hasPrefix("Average:") && $0.contains("netns=\(busy.name) held in 2/2 intervals") })
    }
}

/// The options, and a recording made with --all-netns replayed into the exposition and batch
/// text without root (a hostile namespace name included).
@Suite struct NamespaceExportOptionsTests {
    @Test func allNetnsIsRefusedOnlyWithProcAndReplay() throws {
        let replayed = try droptop(["--listen", "127.0.0.1:0", "--all-netns", "--replay", "/dev/null"])
        #expect(replayed.status == 2 && replayed.stderr.contains("--all-netns reads the live system: not with --proc or --replay"))
        let tree = try droptop(["-b", "1", "1", "--all-netns"] + fixture("server64"))
        #expect(tree.status == 2 && tree.stderr.contains("not with --proc or --replay"), "\(tree.stderr)")
        let group = try droptop(["-b", "1", "1", "-n", "DEV,NETNS"])
        #expect(group.status == 2 && group.stderr.contains("the NETNS group needs --all-netns"), "\(group.stderr)")
        let json = try droptop(["--once", "--format", "prometheus", "--all-netns", "--interval", "0"])
        #expect(json.status == 0 && !json.stderr.contains("applies to"), "\(json.stderr)")
    }

    func recording() throws -> String {
        let path = NSTemporaryDirectory() + "droptop-netns-\(UUID().uuidString).jsonl"
        let writer = try RecordingWriter(path: path)
        for t in 0..<3 {
            let host = HostInfo(hostname: "h", kernel: "k")
            var s = Sample(monotonicSeconds: Double(t), wallSeconds: 1_764_000_000 + Double(t), host: host)
            s.interfaces = [InterfaceSample(name: "lo", counters: NetDevCounters(values: [UInt64](repeating: 0, count: 16)))]
            var inner = Sample(monotonicSeconds: Double(t), wallSeconds: s.wallSeconds, host: host)
            var values = [UInt64](repeating: 0, count: 16)
            values[1] = UInt64(t) * 100; values[3] = UInt64(t) * 50
            inner.interfaces = [InterfaceSample(name: "eth0", counters: NetDevCounters(values: values))]
            var id = NamespaceIdentity(kind: "process", name: DisplayName.escaped(Array("a \"b\\c\nd[9]".utf8)))
            id.pid = 9
            s.namespaces = [NamespaceSample(inode: 4_026_532_999, identity: id, sample: inner)]
            try writer.append(s)
        }
        return path
    }

    @Test(.needs(.promtool)) func aRecordedNamespaceIsExportedWithItsLabelsEscaped() throws {
        let path = try recording()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try droptop(["--once", "--format", "prometheus", "--replay", path])
        #expect(r.status == 0, "\(r.stderr)")
        let labels = #"netns="4026532999",netns_name="a \"b\\\\c\\x0ad[9]",kind="process""#
        #expect(r.stdout.contains("droptop_network_receive_drop_total{device=\"eth0\",\(labels)} 50"), "\(r.stdout.prefix(4000))")
        #expect(r.stdout.contains("droptop_finding{id=\"interface-drops\",severity=\"critical\",layer=\"nic\",item=\"eth0\",\(labels)} 1"))
        let file = path + ".prom"
        try r.stdout.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let promtool = try run("/usr/bin/env", ["sh", "-c", "\(try OptionalTool.promtool.require()) check metrics < '\(file)'"])
        #expect(promtool.status == 0 && promtool.stdout.isEmpty && promtool.stderr.isEmpty, "promtool: \(promtool.stdout)\(promtool.stderr)")
        let batch = try droptop(["-b", "-n", "NETNS", "--replay", path])
        #expect(batch.status == 0, "\(batch.stderr)")
        #expect(batch.stdout.contains(#"a\x20"b\\c\x0ad[9]   process         9         1    100.00      0.00     50.00"#), "\(batch.stdout)")
        #expect(batch.stdout.contains(#"FINDING critical nic interface-drops eth0 netns=a\x20"b\\c\x0ad[9] "#), "\(batch.stdout)")
    }
}
