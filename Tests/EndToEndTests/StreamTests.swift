import Foundation
import Testing
import DropTopCore

/// A recording of the two server64 trees, taken "2 seconds apart" (monotonic and wall times fixed).
func makeServerRecording() throws -> String {
    let path = NSTemporaryDirectory() + "droptop-rec-\(UUID().uuidString).jsonl"
    let writer = try RecordingWriter(path: path)
    for (i, tree) in ["server64", "server64_later"].enumerated() {
        let root = packageRoot + "/Tests/Fixtures/" + tree
        var s = Sampler(procRoot: root + "/proc", sysRoot: root + "/sys").sample()
        s.monotonicSeconds = 1000 + Double(i) * 2
        s.wallSeconds = 1_764_000_000 + Double(i) * 2
        try writer.append(s)
    }
    return path
}

@Suite(.serialized) struct StreamTests {
    init() { setenv("TZ", "UTC", 1) }

    @Test func batchFromARecordingMatchesTheGoldenText() throws {
        let recording = try makeServerRecording()
        defer { try? FileManager.default.removeItem(atPath: recording) }
        let r = try droptop(["-b", "--replay", recording, "-n", "ALL", "-P", "ALL"])
        #expect(r.status == 0, "\(r.stderr)")
        let goldenPath = packageRoot + "/Tests/Fixtures/golden/batch-server64-ALL.txt"
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try r.stdout.write(toFile: goldenPath, atomically: true, encoding: .utf8)
        }
        #expect(r.stdout == (try String(contentsOfFile: goldenPath, encoding: .utf8)))
        let lines = r.stdout.split(separator: "\n")
        let eth0 = try #require(lines.first { $0.hasPrefix("16:00:02") && $0.contains(" eth0 ") && $0.contains("100000.00") })
        #expect(eth0.contains("122070.31"))
        let edev = try #require(lines.first { $0.hasPrefix("16:00:02") && $0.contains(" eth0 ") && $0.contains("50.00") })
        #expect(edev.contains("20.00"))
        #expect(lines.contains { $0.hasPrefix("Average:") && $0.contains(" eth0 ") && $0.contains("100000.00") })
        #expect(lines.contains { $0.hasPrefix("16:00:02") && $0.contains("   3 ") && $0.contains("10000.00") && $0.contains("5.00") })
        #expect(lines.contains { $0.contains("30.00") && $0.contains("3.00") })   // retrans/s and %retrans
    }

    @Test func recordThenReplayGivesIdenticalJSON() throws {
        let path = NSTemporaryDirectory() + "droptop-rec-\(UUID().uuidString).jsonl"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let live = try droptop(["--once", "-i", "0.3", "--record", path] + fixture("server64"))
        let replayed = try droptop(["--once", "--replay", path])
        #expect(live.status == 0 && replayed.status == 0)
        #expect(!live.stdout.isEmpty)
        #expect(live.stdout == replayed.stdout)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0].contains("\"format\":\"droptop.recording\\/1\"") || lines[0].contains("\"format\":\"droptop.recording/1\""))
    }

    @Test func truncatedRecordingReplaysUpToTheBadLine() throws {
        let recording = try makeServerRecording()
        defer { try? FileManager.default.removeItem(atPath: recording) }
        var text = try String(contentsOfFile: recording, encoding: .utf8)
        text += String(text.split(separator: "\n")[2].prefix(500))          // a third sample cut mid-line
        try text.write(toFile: recording, atomically: true, encoding: .utf8)
        let r = try droptop(["-b", "--replay", recording, "-n", "TCP"])
        #expect(r.status == 0)
        #expect(r.stderr.contains("line 4"))
        #expect(r.stdout.contains("Average:"))
        #expect(r.stdout.contains("2.00"))   // active/s: 4 opens over 2 s, from the valid lines
    }

    @Test func garbageAndForeignFilesAreClearErrors() throws {
        let path = NSTemporaryDirectory() + "droptop-garbage-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data([0x00, 0xFF, 0x13, 0x37, 0x0A, 0x7B]).write(to: URL(fileURLWithPath: path))
        let garbage = try droptop(["-b", "--replay", path])
        #expect(garbage.status == 1)
        #expect(garbage.stderr.contains("not a droptop recording"))
        try "{\"format\":\"droptop.recording/9\"}\n".write(toFile: path, atomically: true, encoding: .utf8)
        let future = try droptop(["--json", "--replay", path])
        #expect(future.status == 1)
        #expect(future.stderr.contains("droptop.recording/9") && future.stderr.contains("droptop.recording/1"))
        let missing = try droptop(["--once", "--replay", "/nonexistent-droptop.jsonl"])
        #expect(missing.status == 1)
    }

    @Test func jsonLinesStreamValidatesAgainstTheSchema() throws {
        let r = try droptop(["--json", "--count", "3", "-i", "0.2"] + fixture("server64"))
        #expect(r.status == 0)
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(try validateAgainstSchema(r.stdout).status == 0)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(first["schema"] as? String == "droptop.snapshot/1")
    }

    @Test func batchCountsLikeSarAndAcceptsPositionalIntervalAndCount() throws {
        let r = try droptop(["-b", "0.2", "2", "-n", "DEV", "--iface", "eth*"] + fixture("server64"))
        #expect(r.status == 0)
        let rows = r.stdout.split(separator: "\n").filter { $0.contains(" eth0 ") }
        #expect(rows.count == 3)                       // two reports and the average
        #expect(!r.stdout.contains(" lo "))            // --iface filters
        #expect(r.stdout.hasPrefix("Linux 5.15.0-91-generic (db-17)"))
        let bad = try droptop(["-b", "-n", "BOGUS"])
        #expect(bad.status == 2 && bad.stderr.contains("BOGUS"))
    }

    @Test func aReplayedServerShowsEveryLayersFindingRankedFromTheWireUp() throws {
        // The two server64 trees: eth1 lost carrier, eth0's ring overflowed 40 times in 2 s,
        // CPU 3 takes every eth0 interrupt and dropped 10 from its backlog, 3 % retransmits.
        let recording = try makeServerRecording()
        defer { try? FileManager.default.removeItem(atPath: recording) }
        let r = try droptop(["--once", "--replay", recording])
        #expect(r.status == 0, "\(r.stderr)")
        let findings = try #require(r.json?["findings"] as? [[String: Any]])
        #expect(findings.map { $0["id"] as? String ?? "" }
                == ["link-no-carrier", "nic-ring-overrun", "softnet-backlog-drops", "irq-imbalance", "tcp-retransmits"])
        let overrun = try #require(findings.first { $0["id"] as? String == "nic-ring-overrun" })
        let evidence = try #require(overrun["evidence"] as? [[String: Any]])
        #expect(evidence.contains { $0["name"] as? String == "rx_missed_errors" && $0["value"] as? Double == 20 })
        #expect(evidence.contains { $0["name"] as? String == "rx_fifo_errors" && $0["value"] as? Double == 20 })
        let imbalance = try #require(findings.first { $0["id"] as? String == "irq-imbalance" })
        #expect(imbalance["title"] as? String == "eth0: CPU 3 takes 100% of its interrupts")
        let failing = try droptop(["--once", "--replay", recording, "--fail-on", "critical"])
        #expect(failing.status == 3)
    }

    @Test func aStopSignalEndsTheStreamCleanly() throws {
        // Ctrl-C reaches a foreground stream as SIGINT; a background job here gets SIGTERM (bash
        // ignores SIGINT for background jobs). Either way: status 0 and only whole lines.
        let out = NSTemporaryDirectory() + "droptop-stop-\(UUID().uuidString).jsonl"
        defer { try? FileManager.default.removeItem(atPath: out) }
        // Signalled once two lines are out (a fixed sleep was too short on a loaded machine).
        let script = "\(droptopBinary) --json -i 0.2 --count 1000 > \(out) & p=$!; "
            + "\(waitForLines(2, out)); kill -TERM $p; wait $p"
        let r = try run("/bin/bash", ["-c", script], timeout: 20)
        #expect(r.status == 0)
        let text = try String(contentsOfFile: out, encoding: .utf8)
        #expect(text.hasSuffix("\n"))
        #expect(text.split(separator: "\n").count >= 2)
        #expect(try validateAgainstSchema(text).status == 0)
    }

    /// A shell loop that waits (up to 10 s) until `file` has `count` lines.
    func waitForLines(_ count: Int, _ file: String) -> String {
        "for i in $(seq 100); do [ $(wc -l < \(file)) -ge \(count) ] && break; sleep 0.1; done"
    }

    /// Runs `droptop ARGS` as a background job with job control on (so SIGQUIT is not ignored),
    /// sends it `signal` once it wrote `lines` lines (or after 1 s), and returns the job's
    /// status with its stdout and stderr.
    func signalled(_ arguments: String, _ signal: String, lines: Int? = 2) throws -> (status: Int32, out: String, err: String) {
        let base = NSTemporaryDirectory() + "droptop-sig-\(UUID().uuidString)"
        defer { for s in [".out", ".err"] { try? FileManager.default.removeItem(atPath: base + s) } }
        let wait = lines.map { waitForLines($0, base + ".out") } ?? "sleep 1"
        let script = "set -m; ulimit -c 0; \(droptopBinary) \(arguments) > \(base).out 2> \(base).err & p=$!; "
            + "\(wait); kill -\(signal) $p; wait $p"
        let r = try run("/bin/bash", ["-c", script], timeout: 20)
        let out = (try? String(contentsOfFile: base + ".out", encoding: .utf8)) ?? ""
        let err = (try? String(contentsOfFile: base + ".err", encoding: .utf8)) ?? ""
        return (r.status, out, err)
    }

    @Test func quitEndsTheStreamLikeTERMWithoutTheRuntimeCrashReporter() throws {
        let r = try signalled("--json -i 0.2 --count 1000 " + fixture("server64").joined(separator: " "), "QUIT")
        #expect(r.status == 0, "\(r.err)")
        #expect(r.err.isEmpty, "\(r.err)")
        #expect(r.out.hasSuffix("\n") && r.out.split(separator: "\n").count >= 2)
        #expect(!r.out.contains("crashed") && !r.out.contains("Backtrac"))
    }

    @Test func quitEndsOnceLikeTERM() throws {
        let r = try signalled("--once -i 5 " + fixture("server64").joined(separator: " "), "QUIT", lines: nil)
        #expect(r.status == 128 + 3)
        #expect(r.out.isEmpty && r.err.isEmpty, "\(r.out)\(r.err)")
    }

    @Test func aCrashSignalDoesNotStartTheRuntimeBacktracer() throws {
        for (name, number) in [("SEGV", 11), ("ABRT", 6)] {
            let r = try signalled("--json -i 0.2 --count 1000 " + fixture("server64").joined(separator: " "), name)
            #expect(r.status == 128 + number, "\(name)")
            #expect(!r.out.contains("crashed") && !r.err.contains("crashed") && !r.out.contains("Backtrac"), "\(name): \(r.err)")
        }
    }

    @Test func aSignalTheParentIgnoredStaysIgnored() throws {
        // bash starts background jobs with SIGINT ignored (so does nohup with SIGHUP): droptop
        // must not catch it back, or a Ctrl-C meant for the shell would stop it.
        let out = NSTemporaryDirectory() + "droptop-ignored-\(UUID().uuidString).jsonl"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let script = "\(droptopBinary) --json -i 0.2 --count 5 > \(out) & p=$!; "
            + "sleep 0.5; kill -INT $p; wait $p"
        let r = try run("/bin/bash", ["-c", script], timeout: 20)
        #expect(r.status == 0)
        let text = try String(contentsOfFile: out, encoding: .utf8)
        #expect(text.split(separator: "\n").count == 5, "SIGINT stopped the stream early")
    }

    @Test func closedPipeEndsBatchQuietlyWithStatus0() throws {
        let r = try run("/bin/bash", ["-c", "set -o pipefail; \(droptopBinary) -b 0.1 | head -3 >/dev/null"], timeout: 20)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.isEmpty)
    }

    @Test(.needs(.promtool)) func prometheusPassesPromtoolAndAgreesWithJSON() throws {
        let promtoolPath = try OptionalTool.promtool.require()
        let path = NSTemporaryDirectory() + "droptop-prom-\(UUID().uuidString).jsonl"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let json = try droptop(["--once", "-i", "0", "--record", path] + fixture("server64"))
        let prom = try droptop(["--once", "--format", "prometheus", "--replay", path])
        #expect(prom.status == 0)
        try prom.stdout.write(toFile: path + ".prom", atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path + ".prom") }
        let promtool = try run("/bin/sh", ["-c", "'\(promtoolPath)' check metrics < '\(path).prom'"], timeout: 30)
        #expect(promtool.status == 0, "promtool: \(promtool.stdout) \(promtool.stderr)")
        #expect(promtool.stdout.isEmpty && promtool.stderr.isEmpty, "promtool warnings: \(promtool.stdout)\(promtool.stderr)")
        let j = try #require(json.json)
        let rx = try #require(int(j, "interfaces", "1", "counters", "rx_bytes"))
        #expect(prom.stdout.contains("droptop_network_receive_bytes_total{device=\"eth0\"} \(rx)\n"))
        #expect(prom.stdout.contains("droptop_tcp_sockets{state=\"ESTABLISHED\"} \(int(j, "tcp", "states", "ESTABLISHED") ?? -1)\n"))
        #expect(prom.stdout.contains("droptop_softnet_dropped_total{cpu=\"3\"} 5\n"))
        #expect(prom.stdout.contains("droptop_tcp_retranssegs_total \(int(j, "protocols", "Tcp", "counters", "RetransSegs") ?? -1)\n"))
    }
}

/// Streams say what they could not read, once per source, and a recording of one sample is
/// printed rather than swallowed.
@Suite struct StreamMessageTests {
    func oneSampleRecording() throws -> String {
        let lines = try String(contentsOfFile: packageRoot + "/Tests/Fixtures/recordings/udp-overflow.jsonl", encoding: .utf8)
            .split(separator: "\n").prefix(2)
        let path = NSTemporaryDirectory() + "droptop-one-\(UUID().uuidString).jsonl"
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func aRecordingOfOneSampleIsPrintedInBatchAndJSON() throws {
        let path = try oneSampleRecording()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let batch = try droptop(["-b", "--replay", path, "-n", "SOCK,UDP"])
        #expect(batch.status == 0)
        #expect(batch.stdout.contains("totsck"), "\(batch.stdout)")
        let udpRow = batch.stdout.split(separator: "\n").first { $0.contains("  -  ") || $0.hasSuffix(" -") }
        #expect(udpRow != nil, "rates of a single sample print as -: \(batch.stdout)")
        let json = try droptop(["--json", "--replay", path])
        #expect(json.status == 0)
        let lines = json.stdout.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(try validateAgainstSchema(String(lines.first ?? "")).status == 0)
    }

    @Test func runsAppendedToOneRecordingAreKeptApart() throws {
        let path = NSTemporaryDirectory() + "droptop-runs-\(UUID().uuidString).jsonl"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let tree = ["--proc", packageRoot + "/Tests/Fixtures/server64/proc", "--sys", packageRoot + "/Tests/Fixtures/server64/sys"]
        for _ in 0..<2 { #expect(try droptop(["-b", "0.2", "2", "-n", "DEV", "--record", path] + tree).status == 0) }
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 7, "one header, then 3 samples a run")
        #expect(lines.filter { $0.contains("\"startsRun\":true") }.count == 2)
        // Replayed: the second run's first sample has no rates (the gap between runs is no interval).
        let docs = try droptop(["--json", "--replay", path]).stdout.split(separator: "\n").map { value(json(String($0)), "interval_seconds") }
        #expect(docs.count == 5)
        #expect(docs.map { $0 is NSNull } == [false, false, true, false, false])
    }

    func json(_ text: String) -> Any? { try? JSONSerialization.jsonObject(with: Data(text.utf8)) }

    @Test func nothingReadableIsAnErrorInEveryStreamMode() throws {
        let empty = NSTemporaryDirectory() + "droptop-empty-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: empty) }
        for mode in [["-b", "0.2", "2"], ["--json", "-i", "0.2", "--count", "2"]] {
            let r = try droptop(mode + ["--proc", empty, "--no-drop-reasons"])
            #expect(r.status == 1, "\(mode): \(r.stderr)")
            #expect(r.stderr.contains("/proc/net/dev"), "\(mode): \(r.stderr)")
            #expect(r.stderr.contains("nothing could be read"))
        }
    }

    @Test func aMissingSourceIsSaidOnceNotEverySample() throws {
        let tree = NSTemporaryDirectory() + "droptop-tree-\(UUID().uuidString)"
        try FileManager.default.copyItem(atPath: packageRoot + "/Tests/Fixtures/server64/proc", toPath: tree)
        defer { try? FileManager.default.removeItem(atPath: tree) }
        try FileManager.default.removeItem(atPath: tree + "/net/snmp")
        let r = try droptop(["-b", "0.2", "4", "--proc", tree, "--sys", packageRoot + "/Tests/Fixtures/server64/sys", "-n", "DEV,TCP"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.components(separatedBy: "/proc/net/snmp:").count - 1 == 1, "\(r.stderr)")
        #expect(r.stdout.contains("rxpck/s"))
    }
}
