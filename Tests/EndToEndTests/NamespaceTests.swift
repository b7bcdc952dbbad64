import Foundation
import Testing

/// A network namespace made for one test and deleted after it.
struct TestNamespace: ~Copyable {
    let name: String

    init() throws {
        name = "dt-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let add = try run("/usr/bin/env", ["ip", "netns", "add", name])
        guard add.status == 0 else { throw NamespaceError(message: "ip netns add: \(add.stderr)") }
        try exec(["ip", "link", "set", "lo", "up"])
    }

    deinit { _ = try? run("/usr/bin/env", ["ip", "netns", "del", name]) }

    @discardableResult
    func exec(_ command: [String], timeout: Double = 30) throws -> RunResult {
        try run("/usr/bin/env", ["ip", "netns", "exec", name] + command, timeout: timeout)
    }

    /// Starts a long-running helper inside the namespace; returns it with its stdin open.
    func start(_ command: [String]) throws -> (Process, Pipe, Pipe) { try startInNamespace(name, command) }

    /// Runs droptop with `arguments` inside the namespace while `body` reads its output; the rest
    /// is then read to the end (so droptop never blocks on a full pipe) and droptop waited for.
    func withDroptop<T>(_ arguments: [String], _ body: (_ lines: Pipe) throws -> T) throws -> T {
        let (droptop, input, lines) = try start([droptopBinary] + arguments)
        defer {
            try? input.fileHandleForWriting.close()
            _ = lines.fileHandleForReading.readDataToEndOfFile()
            droptop.waitUntilExit()
        }
        return try body(lines)
    }
}

/// A long-running helper inside the named namespace, with its stdin and stdout as pipes.
func startInNamespace(_ namespace: String, _ command: [String]) throws -> (Process, Pipe, Pipe) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["ip", "netns", "exec", namespace] + command
    let input = Pipe(), output = Pipe()
    p.standardInput = input
    p.standardOutput = output
    p.standardError = FileHandle.standardError
    try p.run()
    return (p, input, output)
}

struct NamespaceError: Error { var message: String }

/// Reads one line from a pipe (the helper's "ready" line).
func readLine(_ pipe: Pipe) -> String {
    var bytes: [UInt8] = []
    while true {
        let d = pipe.fileHandleForReading.readData(ofLength: 1)
        guard let b = d.first, b != 0x0A else { break }
        bytes.append(b)
    }
    return String(decoding: bytes, as: UTF8.self)
}

@Suite(.serialized, .enabled(if: isRoot, "needs root to create network namespaces (ip netns add)"))
struct NamespaceTests {
    @Test func knownLoopbackConnectionsAreCountedExactly() throws {
        let ns = try TestNamespace()
        let connections = 5, payload = 10_000
        let (helper, input, output) = try ns.start(["python3", packageRoot + "/Tests/scenarios/tcp_connections.py", "\(connections)", "\(payload)"])
        defer { try? input.fileHandleForWriting.close(); helper.waitUntilExit() }
        let ready = readLine(output)
        try #require(ready.hasPrefix("ready "), "helper did not start: \(ready)")
        let port = Int(ready.split(separator: " ")[1]) ?? -1

        let r = try ns.exec([droptopBinary, "--once", "--interval", "0.3"])
        #expect(r.status == 0, "\(r.stderr)")
        let j = try #require(r.json)
        // Both ends of each connection are in this namespace.
        #expect(int(j, "tcp", "states", "ESTABLISHED") == 2 * connections)
        #expect(int(j, "tcp", "states", "LISTEN") == 1)
        #expect(int(j, "tcp", "listeners", "0", "port") == port)
        #expect(int(j, "tcp", "listeners", "0", "accept_queue") == 0)
        #expect(value(j, "tcp", "peers", "0", "address") as? String == "127.0.0.1")
        #expect(int(j, "tcp", "peers", "0", "connections") == 2 * connections)
        #expect(int(j, "protocols", "Tcp", "counters", "ActiveOpens") == connections)
        #expect(int(j, "protocols", "Tcp", "counters", "PassiveOpens") == connections)
        #expect(int(j, "protocols", "Tcp", "gauges", "CurrEstab") == 2 * connections)
        // The namespace is new: lo carried exactly this test's traffic, seen once on each side.
        let interfaces = try #require(value(j, "interfaces") as? [[String: Any]])
        #expect(interfaces.map { $0["name"] as? String } == ["lo"])
        let rxBytes = try #require(int(interfaces[0], "counters", "rx_bytes"))
        #expect(rxBytes == int(interfaces[0], "counters", "tx_bytes"))
        #expect(int(interfaces[0], "counters", "rx_packets") == int(interfaces[0], "counters", "tx_packets"))
        #expect(rxBytes >= connections * payload)
        #expect(rxBytes < connections * payload + connections * 20_000)   // headers, handshakes, ACKs
        #expect(int(interfaces[0], "rates", "rx_bytes") == 0)              // idle during the interval
        #expect(try validateAgainstSchema(r.stdout).status == 0)
    }

    @Test func netlinkAndProcSocketTablesAgree() throws {
        // The live default reads TCP sockets through sock_diag; /proc/net/tcp{,6} must give the
        // same aggregates on the same sockets: v4, v6, v4-mapped, accept queues, CLOSE_WAIT.
        let ns = try TestNamespace()
        let (helper, input, output) = try ns.start(["python3", packageRoot + "/Tests/scenarios/mixed_sockets.py"])
        defer { try? input.fileHandleForWriting.close(); helper.waitUntilExit() }
        try #require(readLine(output) == "ready")
        let netlink = try ns.exec([droptopBinary, "--once", "--interval", "0"])
        let files = try ns.exec(["env", "DROPTOP_SOCKET_TABLES=proc", droptopBinary, "--once", "--interval", "0"])
        let a = try #require(netlink.json?["tcp"] as? [String: Any])
        let b = try #require(files.json?["tcp"] as? [String: Any])
        // Only sock_diag has a listener's backlog (its idiag_wqueue); /proc/net/tcp prints 0 there.
        func withoutBacklog(_ v: Any?) -> Any {
            (v as? [[String: Any]])?.map { $0.filter { $0.key != "backlog" } } ?? v ?? NSNull()
        }
        #expect((a["listeners"] as? [[String: Any]])?.allSatisfy { ($0["backlog"] as? Int ?? 0) > 0 } == true)
        #expect((b["listeners"] as? [[String: Any]])?.allSatisfy { $0["backlog"] is NSNull } == true)
        for key in ["states", "sockets", "listeners", "peers", "close_wait_ports", "retransmitting_sockets"] {
            let left = try JSONSerialization.data(withJSONObject: withoutBacklog(a[key]), options: [.sortedKeys, .fragmentsAllowed])
            let right = try JSONSerialization.data(withJSONObject: withoutBacklog(b[key]), options: [.sortedKeys, .fragmentsAllowed])
            #expect(left == right, "\(key): netlink \(String(decoding: left, as: UTF8.self)) /proc \(String(decoding: right, as: UTF8.self))")
        }
        #expect(a["source"] as? String == "netlink" && b["source"] as? String == "proc")
        #expect(a["source_note"] is NSNull && b["source_note"] is NSNull)
        // Both ends of 26 accepted and 3 queued connections; 4 listeners; 2 half-closed.
        #expect(int(a, "states", "ESTABLISHED") == 2 * (20 + 5 + 1) + 2 * 3)
        #expect(int(a, "states", "LISTEN") == 4 && int(a, "states", "CLOSE_WAIT") == 2)
        let queued = (a["listeners"] as? [[String: Any]])?.map { $0["accept_queue"] as? Int ?? -1 }.max()
        #expect(queued == 3)
    }

    @Test func ratesFollowTrafficDuringTheInterval() throws {
        let ns = try TestNamespace()
        // 200 x 1000-byte datagrams to a closed port: NoPorts rises by exactly 200 within the interval.
        let sender = "import socket,time\ntime.sleep(0.3)\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
            + "for i in range(200): s.sendto(b'x'*1000,('127.0.0.1',9))\n"
        let (helper, input, _) = try ns.start(["python3", "-c", sender])
        defer { try? input.fileHandleForWriting.close(); helper.waitUntilExit() }
        let r = try ns.exec([droptopBinary, "--once", "--interval", "1.5"])
        let j = try #require(r.json)
        let noPorts = try #require(int(j, "protocols", "Udp", "counters", "NoPorts"))
        #expect(noPorts == 200)
        let rate = try #require(value(j, "protocols", "Udp", "rates", "NoPorts") as? Double)
        let interval = try #require(value(j, "interval_seconds") as? Double)
        #expect(abs(rate * interval - 200) < 0.5)
    }
}
