import Foundation
import Testing

/// Real trouble inside a namespace the test makes, then `droptop --once` inside it while the
/// trouble happens: the finding, its evidence and its named item must be there.
@Suite(.serialized, .enabled(if: isRoot, "needs root to create network namespaces (ip netns add)"))
struct TriageScenarioTests {
    struct Outcome {
        var findings: [[String: Any]]; var port: Int; var pid: Int; var raw: String
        var json: [String: Any]? { try? JSONSerialization.jsonObject(with: Data(raw.utf8)) as? [String: Any] }
        func owners(_ finding: [String: Any]) -> [[String: Any]] { finding["owners"] as? [[String: Any]] ?? [] }
    }

    /// `droptop --once` in the namespace while the trouble happens; with `stream`, the last of
    /// `--json --count 3` (what a stream has found by its third snapshot).
    func scenario(_ name: String, sysctls: [String] = [], interval: String = "1.5", stream: Bool = false) throws -> Outcome {
        let ns = try TestNamespace()
        for s in sysctls { try ns.exec(["sysctl", "-q", "-w", s]) }
        let (helper, input, output) = try ns.start(["python3", packageRoot + "/Tests/scenarios/trouble.py", name])
        defer { try? input.fileHandleForWriting.close(); helper.terminate(); helper.waitUntilExit() }
        let ready = readLine(output)
        guard ready.hasPrefix("ready ") else { throw NamespaceError(message: "scenario \(name) did not start: \(ready)") }
        usleep(200_000)
        let r = try ns.exec([droptopBinary] + (stream ? ["--json", "--count", "3"] : ["--once"]) + ["--interval", interval])
        let last = stream ? String(r.stdout.split(separator: "\n").last ?? "") : r.stdout
        let json = try? JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any]
        let findings = (value(json, "findings") as? [[String: Any]]) ?? []
        #expect(try validateAgainstSchema(last).status == 0)
        // No wrong cause: a finding of this namespace must be the scenario's own or a direct
        // consequence of it (host-wide ones may come from the rest of the machine).
        let local = Set(findings.filter { ($0["host_wide"] as? Bool) != true }.compactMap { $0["id"] as? String })
        let unexpected = local.subtracting(Self.allowed[name] ?? [])
        #expect(unexpected.isEmpty, "scenario \(name): unexpected findings \(unexpected.sorted())")
        let fields = ready.split(separator: " ")
        return Outcome(findings: findings, port: Int(fields[1]) ?? -1, pid: fields.count > 2 ? Int(fields[2]) ?? -1 : -1, raw: last)
    }

    /// Each scenario's findings, and the ones its trouble causes on the way (a SYN that a full
    /// accept queue drops is retransmitted; datagrams to a closed port draw rate-limited ICMP).
    static let allowed: [String: Set<String>] = [
        "udp-rcvbuf4": ["udp-rcvbuf-errors"], "udp-rcvbuf6": ["udp-rcvbuf-errors"],
        "closed-port": ["udp-no-ports", "icmp-rate-limited"],
        "accept-queue": ["tcp-listen-overflow", "tcp-retransmits", "tcp-syn-backlog"],
        "close-wait": ["tcp-close-wait"], "time-wait": ["tcp-time-wait"],
        "reset-storm": ["tcp-resets"], "idle": [],
    ]

    func finding(_ o: Outcome, _ id: String) -> [String: Any]? { o.findings.first { $0["id"] as? String == id } }

    @Test(arguments: ["udp-rcvbuf4", "udp-rcvbuf6"])
    func udpReceiveBufferOverflowNamesThePort(scenario name: String) throws {
        let o = try scenario(name)
        let f = try #require(finding(o, "udp-rcvbuf-errors"), "findings: \(o.findings.map { $0["id"] ?? "" })")
        #expect(f["item"] as? String == "port \(o.port)")
        #expect(f["severity"] as? String == "critical")
        let evidence = (f["evidence"] as? [[String: Any]]) ?? []
        let counter = name.hasSuffix("6") ? "Udp6.RcvbufErrors" : "Udp.RcvbufErrors"
        #expect(evidence.contains { $0["name"] as? String == counter && (($0["value"] as? Double) ?? 0) > 0 })
        #expect((f["hint"] as? String)?.contains("net.core.rmem_max = ") == true)
        // The socket's own buffer (4096 asked, the kernel doubles it) and the process holding it.
        let hint = f["hint"] as? String ?? ""
        #expect(hint.contains("port \(o.port): ") && hint.contains("SO_RCVBUF 8192,"), "\(hint)")
        #expect(hint.contains("held by python3 (pid \(o.pid))"), "\(hint)")
        #expect(o.owners(f).contains { $0["pid"] as? Int == o.pid && $0["command"] as? String == "python3" }, "\(o.owners(f))")
        let socket = (value(o.json, "udp", "busy_sockets") as? [[String: Any]])?.first { $0["port"] as? Int == o.port }
        #expect(socket?["receive_buffer"] as? Int == 8192 && value(o.json, "udp", "source") as? String == "netlink")
    }

    /// A stream (every half second, three snapshots) names the dropping socket's buffer and its
    /// owner too: the owner search runs under a per-sample budget and goes on where it stopped.
    @Test func aStreamNamesTheSocketBufferAndItsOwner() throws {
        let o = try scenario("udp-rcvbuf4", interval: "0.5", stream: true)
        let f = try #require(finding(o, "udp-rcvbuf-errors"), "findings: \(o.findings.map { $0["id"] ?? "" })")
        let hint = f["hint"] as? String ?? ""
        #expect(hint.contains("port \(o.port): ") && hint.contains("SO_RCVBUF 8192,") && hint.contains("held by python3 (pid \(o.pid))"),
                "\(hint)")
        #expect(o.owners(f).map { $0["pid"] as? Int } == [o.pid])
    }

    @Test func datagramsToAClosedPort() throws {
        let o = try scenario("closed-port")
        let f = try #require(finding(o, "udp-no-ports"))
        let evidence = (f["evidence"] as? [[String: Any]]) ?? []
        #expect(evidence.contains { $0["name"] as? String == "Udp.NoPorts" && (($0["value"] as? Double) ?? 0) > 100 })
    }

    @Test func aFullAcceptQueueNamesTheListener() throws {
        let o = try scenario("accept-queue")
        let f = try #require(finding(o, "tcp-listen-overflow"), "findings: \(o.findings.map { $0["id"] ?? "" })")
        #expect(f["item"] as? String == "port \(o.port)")
        #expect((f["hint"] as? String)?.contains("net.core.somaxconn = ") == true)
        // listen(1): the listener's own backlog, next to the sysctl that caps it, and who holds it.
        let hint = f["hint"] as? String ?? ""
        #expect(hint.contains("port \(o.port): listen backlog 1, 2 waiting;"), "\(hint)")
        #expect(hint.contains("held by python3 (pid \(o.pid))") && o.owners(f).contains { $0["pid"] as? Int == o.pid }, "\(hint)")
    }

    @Test func socketsTheApplicationNeverClosesPileUpInCloseWait() throws {
        let o = try scenario("close-wait", interval: "0.5")
        let f = try #require(finding(o, "tcp-close-wait"))
        #expect(f["item"] as? String == "port \(o.port)")
        let evidence = (f["evidence"] as? [[String: Any]]) ?? []
        #expect(evidence.contains { $0["name"] as? String == "CLOSE_WAIT" && ($0["value"] as? Int) == 60 })
        #expect(o.owners(f).map { $0["pid"] as? Int } == [o.pid], "\(f["hint"] ?? "")")
    }

    @Test func manyShortConnectionsExhaustASmallPortRangeInTimeWait() throws {
        // A 200-port range in this namespace only (net.ipv4 sysctls are per namespace).
        let o = try scenario("time-wait", sysctls: ["net.ipv4.ip_local_port_range=40000 40199"], interval: "0.5")
        let f = try #require(finding(o, "tcp-time-wait"), "findings: \(o.findings.map { $0["id"] ?? "" })")
        #expect(f["item"] as? String == "127.0.0.1")
        #expect((f["hint"] as? String)?.contains("net.ipv4.ip_local_port_range = 40000 40199") == true)
    }

    @Test func aResetStorm() throws {
        let o = try scenario("reset-storm")
        let f = try #require(finding(o, "tcp-resets"), "findings: \(o.findings.map { $0["id"] ?? "" })")
        let evidence = (f["evidence"] as? [[String: Any]]) ?? []
        #expect(evidence.contains { ["Tcp.OutRsts", "Tcp.AttemptFails"].contains($0["name"] as? String) && (($0["value"] as? Double) ?? 0) >= 5 })
    }

    @Test func anIdleNamespaceHasNoNamespaceFindings() throws {
        let o = try scenario("idle")
        // Host-wide findings (softnet, IRQs) may reflect the rest of this machine; none other may appear.
        let local = o.findings.filter { ($0["host_wide"] as? Bool) != true }
        #expect(local.isEmpty, "\(local.map { $0["id"] ?? "" })")
    }
}
