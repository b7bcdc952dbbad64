import Foundation
import Testing

/// Fresh evidence at any scale (issue 14): the cheap tiers every interval, the fixed cadence,
/// and each mode reading only what it prints.
@Suite(.serialized)
struct FreshnessTests {
    /// `--json -i 0.2 --count 10`: ten reports on deadlines 0.2 s apart, none skipped.
    @Test func reportsKeepAFixedCadence() throws {
        let r = try droptop(["--json", "-i", "0.2", "--count", "10", "--no-drop-reasons"])
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == 10)
        let docs = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        for doc in docs {
            let seconds = try #require(doc["interval_seconds"] as? Double)
            #expect(abs(seconds - 0.2) <= 0.02, "interval_seconds \(seconds)")
        }
        #expect(try validateAgainstSchema(r.stdout).status == 0)
    }

    /// `-b 0.2 10`: ten reports (the batch text prints whole seconds: 10 report blocks).
    @Test func batchPrintsEveryReport() throws {
        let start = Date()
        let r = try droptop(["-b", "0.2", "10", "-n", "DEV", "--no-drop-reasons"])
        let elapsed = Date().timeIntervalSince(start)
        let headers = r.stdout.split(separator: "\n").filter { $0.contains("IFACE") && !$0.hasPrefix("Average") }
        #expect(headers.count == 10, "\(r.stdout)")
        #expect(elapsed > 1.9 && elapsed < 3.5, "\(elapsed) s for 10 reports 0.2 s apart")
    }

    /// DEV needs no socket: no sock_diag dump at all (strace sees every socket() call).
    @Test(.needs(.strace))
    func devAloneMakesNoSockDiagDump() throws {
        let strace = try OptionalTool.strace.require()
        let r = try run(strace, ["-f", "-e", "trace=socket", droptopBinary, "-b", "0.2", "2", "-n", "DEV"])
        #expect(r.status == 0)
        #expect(!r.stderr.contains("NETLINK_SOCK_DIAG"), "\(r.stderr)")
        let all = try run(strace, ["-f", "-e", "trace=socket", droptopBinary, "-b", "0.2", "2", "-n", "SOCK"])
        #expect(all.stderr.contains("NETLINK_SOCK_DIAG"), "SOCK needs the listeners: \(all.stderr)")
    }
}

/// A namespace with a few thousand sockets where a listener starts overflowing while droptop
/// runs: the port must be named within two intervals, although the walk of every socket is
/// reused under its budget.
@Suite(.serialized, .enabled(if: isRoot, "needs root to create network namespaces (ip netns add)"))
struct FreshListenerTests {
    @Test func jsonNamesTheOverflowingPortWithinTwoIntervals() throws {
        let ns = try TestNamespace()
        let (helper, input, output) = try ns.start(["python3", packageRoot + "/Tests/scenarios/crowded_overflow.py", "1500"])
        defer { try? input.fileHandleForWriting.close(); helper.waitUntilExit() }
        try #require(readLine(output) == "ready")
        try ns.withDroptop(["--json", "-i", "1", "--count", "8", "--no-drop-reasons"]) { lines in
            for _ in 0..<2 { _ = readLine(lines) }
            input.fileHandleForWriting.write(Data("go\n".utf8))
            let started = readLine(output)
            let port = try #require(Int(started.split(separator: " ").last ?? ""), "helper: \(started)")
            var named = false
            for _ in 0..<2 where !named {
                let doc = try JSONSerialization.jsonObject(with: Data(readLine(lines).utf8)) as? [String: Any]
                let findings = (doc?["findings"] as? [[String: Any]]) ?? []
                named = findings.contains { $0["id"] as? String == "tcp-listen-overflow" && $0["item"] as? String == "port \(port)" }
                #expect(value(doc, "tcp", "listeners_age_seconds") as? Double == 0)
                #expect((value(doc, "tcp", "states_age_seconds") as? Double).map { $0 >= 0 } == true)
            }
            #expect(named, "port \(port) not named within 2 intervals")
        }
    }

    @Test(.needs(.tmux)) func theTerminalUINamesTheOverflowingPortWithinTwoIntervals() throws {
        let ns = try TestNamespace()
        let (helper, input, output) = try ns.start(["python3", packageRoot + "/Tests/scenarios/crowded_overflow.py", "1500"])
        defer { try? input.fileHandleForWriting.close(); helper.waitUntilExit() }
        try #require(readLine(output) == "ready")
        let s = try TmuxSession(width: 120, height: 40)
        s.type("ip netns exec \(ns.name) \(droptopBinary) --no-drop-reasons; echo EXIT=$?")
        #expect(s.waitFor("TCP sockets").contains("TCP sockets"))
        usleep(2_000_000)
        input.fileHandleForWriting.write(Data("go\n".utf8))
        let started = readLine(output)
        let port = try #require(Int(started.split(separator: " ").last ?? ""), "helper: \(started)")
        // Two intervals of 1 s, plus the time tmux takes to show the screen.
        // The finding's title names the port ("TCP accept queue full on port P").
        let screen = s.waitFor("on port \(port)", seconds: 2.5)
        #expect(screen.contains("on port \(port)"), "\(screen)")
        s.key("q")
        #expect(s.waitFor("EXIT=0").contains("EXIT=0"))
    }
}
