import Foundation
import Testing

/// --all-netns and --netns on namespaces the tests make: pods shaped like Kubernetes' (PodFarm),
/// trouble in two of them, namespaces and processes going away while droptop runs, and
/// nsenter --net, which leaves /sys showing the host's interfaces.
@Suite(.serialized, .enabled(if: isRoot, "needs root to create network namespaces, cgroups and enter namespaces"))
struct AllNamespacesTests {
    func namespaces(_ json: [String: Any]?) -> [[String: Any]] { (json?["namespaces"] as? [[String: Any]]) ?? [] }

    @Test func twentyPodsAreNamedAndTheTroubleInTwoIsFoundFromTheHost() throws {
        let farm = try PodFarm()
        // The idle pods first, and 8 s of trouble: on a host with hundreds of namespaces making one is
        // slower, and so is droptop's first sample (a debug build's more so).
        for i in 0..<18 { try farm.add(namespace: "idle", name: "idle-\(i)", command: ["sleep", "60"]) }
        let trouble = ["env", "TROUBLE_SECONDS=8", "python3", packageRoot + "/Tests/scenarios/trouble.py"]
        let udp = try farm.add(namespace: "team-a", name: "udp-sink-1", command: trouble + ["udp-rcvbuf4"])
        let tcp = try farm.add(namespace: "team-b", name: "web-2", command: trouble + ["accept-queue"])
        let udpReady = readLine(try #require(udp.output)), tcpReady = readLine(try #require(tcp.output))
        try #require(udpReady.hasPrefix("ready ") && tcpReady.hasPrefix("ready "), "helpers: \(udpReady) / \(tcpReady)")
        let udpPort = udpReady.split(separator: " ")[1], tcpPort = tcpReady.split(separator: " ")[1]
        usleep(200_000)
        let r = try run("/usr/bin/env", ["DROPTOP_POD_LOG_DIR=\(farm.podLogs)", droptopBinary, "--once", "--all-netns", "--interval", "1"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try validateAgainstSchema(r.stdout).status == 0)
        let all = namespaces(r.json)
        let ours = all.filter { ($0["netns_name"] as? String)?.hasPrefix(farm.tag) == true }
        #expect(ours.count == 20)
        for pod in farm.pods {
            let entry = try #require(ours.first { $0["netns_name"] as? String == pod.netns }, "\(pod.netns) missing")
            #expect(entry["kind"] as? String == "pod")
            #expect(entry["name"] as? String == "\(pod.namespace)/\(pod.name)")
            #expect(value(entry, "pod", "uid") as? String == pod.uid)
            #expect(value(entry, "container", "id") as? String == pod.containerID)
            #expect(value(entry, "container", "runtime") as? String == "containerd")
        }
        let sink = try #require(ours.first { $0["netns_name"] as? String == udp.netns })
        let web = try #require(ours.first { $0["netns_name"] as? String == tcp.netns })
        let udpFinding = try #require(finding(sink, "udp-rcvbuf-errors"), "findings: \(ids(sink))")
        #expect(udpFinding["item"] as? String == "port \(udpPort)")
        #expect(value(udpFinding, "netns", "name") as? String == "team-a/udp-sink-1")
        #expect((udpFinding["hint"] as? String)?.contains("python3") == true, "\(udpFinding["hint"] ?? "")")
        let listen = try #require(finding(web, "tcp-listen-overflow"), "findings: \(ids(web))")
        #expect(listen["item"] as? String == "port \(tcpPort)")
        #expect(value(listen, "netns", "name") as? String == "team-b/web-2")
        #expect((listen["hint"] as? String)?.contains("python3") == true, "\(listen["hint"] ?? "")")
        #expect((listen["hint"] as? String)?.contains("listen backlog 1,") == true, "\(listen["hint"] ?? "")")
        // The hints quote the namespace's own settings (somaxconn is per namespace).
        #expect((listen["hint"] as? String)?.contains("net.core.somaxconn = ") == true)
        #expect((udpFinding["hint"] as? String)?.contains("net.core.rmem_max = ") == true)
        #expect(web["command"] as? String == "python3" && sink["command"] as? String == "python3")
        // The idle pods have no findings; the host's own findings do not carry a namespace.
        #expect(ours.filter { ($0["findings"] as? [Any])?.isEmpty == false }.count == 2)
        let hostFindings = (r.json?["findings"] as? [[String: Any]]) ?? []
        #expect(!hostFindings.contains { ($0["id"] as? String) == "udp-rcvbuf-errors" && $0["netns"] == nil })
    }

    func finding(_ ns: [String: Any], _ id: String) -> [String: Any]? {
        ((ns["findings"] as? [[String: Any]]) ?? []).first { $0["id"] as? String == id }
    }

    func ids(_ ns: [String: Any]) -> [String] { ((ns["findings"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String } }

    @Test func namespacesAndProcessesGoingAwayMidRunCostNoErrorAndNoWrongRate() throws {
        let farm = try PodFarm()
        for i in 0..<6 { try farm.add(namespace: "churn", name: "p\(i)", command: ["sleep", "60"]) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: droptopBinary)
        p.arguments = ["--json", "--all-netns", "--interval", "0.3", "--count", "8"]
        p.environment = ProcessInfo.processInfo.environment.merging(["DROPTOP_POD_LOG_DIR": farm.podLogs]) { _, b in b }
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        // The first report before anything goes away (on a host with many namespaces the first
        // sample, which opens netlink sockets in each, can take a second in a debug build).
        let firstLine = readLine(out)
        usleep(300_000)
        farm.stop(0)                 // the process exits; its namespace stays (ip netns)
        farm.deleteNamespace(1)      // the name goes; the process keeps the namespace alive
        farm.stop(2); farm.deleteNamespace(2)   // both: the namespace is gone
        let text = firstLine + "\n" + String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        let docs = text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(docs.count == 8)
        for doc in docs {
            let ours = namespaces(doc).filter { ($0["name"] as? String)?.hasPrefix("churn/") == true }
            for ns in ours {
                #expect(((ns["errors"] as? [Any]) ?? []).isEmpty, "\(ns["name"] ?? ""): \(ns["errors"] ?? "")")
                for i in (ns["interfaces"] as? [[String: Any]]) ?? [] {
                    let rates = (i["rates"] as? [String: Any]) ?? [:]
                    #expect(rates.values.allSatisfy { ($0 as? Double).map { $0 >= 0 && $0 < 1e6 } ?? ($0 is NSNull) })
                }
            }
            let hostErrors = ((doc["errors"] as? [[String: Any]]) ?? []).compactMap { $0["message"] as? String }
            #expect(!hostErrors.contains { $0.contains("No such file") }, "\(hostErrors)")
        }
        let first = namespaces(docs.first).compactMap { $0["name"] as? String }
        #expect((0..<6).allSatisfy { first.contains("churn/p\($0)") }, "\(first)")
        let last = namespaces(docs.last).compactMap { $0["name"] as? String }
        #expect(!last.contains("churn/p0") && !last.contains("churn/p2"))
        #expect(last.contains("churn/p1") && last.contains("churn/p3"))
    }

    @Test func nsenterShowsTheNamespacesLinkStateAndMTUNotTheHosts() throws {
        let ns = try TestNamespace()
        let name = "dtv\(UInt16.random(in: 0...UInt16.max))"
        // The same name on both sides: the host end down with MTU 9000, the namespace's end up with MTU 1280.
        try #require(try run("/usr/bin/env", ["ip", "link", "add", name, "type", "veth", "peer", "name", name + "p", "netns", ns.name]).status == 0)
        defer { _ = try? run("/usr/bin/env", ["ip", "link", "del", name]) }
        try ns.exec(["ip", "link", "set", name + "p", "name", name])
        try ns.exec(["ip", "link", "set", name, "mtu", "1280", "up"])
        try run("/usr/bin/env", ["ip", "link", "set", name, "mtu", "9000", "down"])
        for command in [["nsenter", "--net=/run/netns/\(ns.name)", droptopBinary], [droptopBinary, "--netns", ns.name]] {
            let r = try run("/usr/bin/env", command + ["--once", "--interval", "0"])
            #expect(r.status == 0, "\(r.stderr)")
            let interfaces = (r.json?["interfaces"] as? [[String: Any]]) ?? []
            let link = try #require(interfaces.first { $0["name"] as? String == name }, "\(command[0]): \(interfaces.map { $0["name"] ?? "" })")
            #expect(link["mtu"] as? Int == 1280)
            #expect(link["operstate"] as? String == "down" && link["carrier"] as? Int == 0)   // up, but its peer is down
            #expect(link["speed_mbps"] is NSNull)
            let errors = ((r.json?["errors"] as? [[String: Any]]) ?? []).compactMap { $0["message"] as? String }
            #expect(errors.contains { $0.contains("not available in this namespace") })
        }
        let host = try #require(try droptop(["--once", "--interval", "0"]).json?["interfaces"] as? [[String: Any]])
        let hostLink = try #require(host.first { $0["name"] as? String == name })
        #expect(hostLink["mtu"] as? Int == 9000 && hostLink["operstate"] as? String == "down")
    }

    @Test func withoutRootOnlyTheUsersOwnNamespacesAreSeenWithANote() throws {
        let ns = try TestNamespace()
        let nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        let helper = try ns.start(nobody + ["sleep", "30"])
        defer { kill(helper.0.processIdentifier, SIGKILL); helper.0.waitUntilExit() }
        // A copy nobody can run (the build directory may not be open to it).
        let copy = NSTemporaryDirectory() + "droptop-nobody-\(getpid())"
        try? FileManager.default.removeItem(atPath: copy)
        try FileManager.default.copyItem(atPath: droptopBinary, toPath: copy)
        defer { try? FileManager.default.removeItem(atPath: copy) }
        chmod(copy, 0o755)
        usleep(300_000)
        let r = try run("/usr/bin/env", nobody + [copy, "--once", "--all-netns", "--interval", "0"])
        #expect(r.status == 0, "\(r.stderr)")
        let mine = try #require(namespaces(r.json).first { $0["netns_name"] as? String == ns.name }, "\(r.stdout.prefix(2000))")
        #expect(mine["kind"] as? String == "named")
        #expect(((mine["interfaces"] as? [[String: Any]]) ?? []).first?["mtu"] is NSNull)   // no setns without root
        let notes = ((r.json?["errors"] as? [[String: Any]]) ?? []).compactMap { $0["message"] as? String }
        #expect(notes.contains { $0.contains("processes of other users could not be looked at") })
        #expect(notes.contains { $0.contains("run as root (CAP_SYS_ADMIN)") })
        #expect(try validateAgainstSchema(r.stdout).status == 0)
    }

    /// Each sampled namespace holds 3 descriptors: droptop raises its soft open-file limit to the
    /// hard one, and where even that is too low it samples what fits and says why.
    @Test func theOpenFileLimitIsRaisedOrNamed() throws {
        let a = try TestNamespace(), b = try TestNamespace()
        let helpers = [try a.start(["sleep", "30"]), try b.start(["sleep", "30"])]
        defer { for h in helpers { kill(h.0.processIdentifier, SIGKILL); h.0.waitUntilExit() } }
        usleep(300_000)
        func once(_ limit: String) throws -> (names: [String], notes: [String]) {
            let r = try run("/usr/bin/env", ["prlimit", "--nofile=" + limit, droptopBinary, "--once", "--all-netns", "--interval", "0"])
            #expect(r.status == 0, "\(r.stderr)")
            let notes = ((r.json?["errors"] as? [[String: Any]]) ?? []).compactMap { $0["message"] as? String }
            return (namespaces(r.json).compactMap { $0["netns_name"] as? String }, notes)
        }
        // Soft 300, hard 4096: raised, both seen, no note.
        let raised = try once("300:4096")
        #expect(raised.names.contains(a.name) && raised.names.contains(b.name))
        #expect(!raised.notes.contains { $0.contains("open-file limit") })
        // Hard 259: room for (259 - 256) / 3 = 1 namespace, and the note says why.
        let capped = try once("259:259")
        #expect(capped.names.count <= 1)
        #expect(capped.notes.contains { $0.contains("only the first 1 by inode") && $0.contains("ulimit -n 259") }, "\(capped.notes)")
    }
}
