import Foundation
import Testing

/// Files droptop is given that are not what they claim: FIFOs, giant files (issue 16).
@Suite struct HostileInputTests {
    @Test func fifoInTheProcTreeIsAnErrorNotAHang() throws {
        let root = NSTemporaryDirectory() + "droptop-fifo-tree-\(UUID().uuidString)"
        try FileManager.default.copyItem(atPath: packageRoot + "/Tests/Fixtures/server64", toPath: root)
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.removeItem(atPath: root + "/proc/net/dev")
        #expect(mkfifo(root + "/proc/net/dev", 0o600) == 0)
        let r = try droptop(["--once", "--interval", "0", "--proc", root + "/proc", "--sys", root + "/sys"], timeout: 10)
        #expect(r.status == 0, "\(r.stderr)")
        let j = try #require(r.json)
        let errors = try #require(value(j, "errors") as? [[String: Any]])
        #expect(errors.count == 1)
        #expect(errors.first?["source"] as? String == "/proc/net/dev")
        #expect(errors.first?["message"] as? String == "not a regular file (FIFO); not read")
        #expect((value(j, "interfaces") as? [Any])?.isEmpty == true)
        #expect(int(j, "tcp", "states", "ESTABLISHED") == 44)
        #expect(int(j, "protocols", "Tcp", "counters", "RetransSegs") == 1200)
    }

    @Test func replayOfAFIFOExitsWithAnError() throws {
        let path = NSTemporaryDirectory() + "droptop-fifo-\(UUID().uuidString).jsonl"
        #expect(mkfifo(path, 0o600) == 0)
        defer { unlink(path) }
        let r = try droptop(["--once", "--replay", path], timeout: 10)
        #expect(r.status == 1)
        #expect(r.stderr == "droptop: \(path): cannot read the recording: not a regular file (FIFO); not read\n")
        #expect(r.stdout.isEmpty)
    }
}

/// --record into files that cannot take it (issue 16, item 3).
@Suite struct RecordingWriteTests {
    func temporaryPath() -> String { NSTemporaryDirectory() + "droptop-rec-\(UUID().uuidString).jsonl" }

    @Test func aFullDiskIsAnErrorNamingTheFile() throws {
        let r = try droptop(["--once", "--interval", "0", "--record", "/dev/full"] + fixture("server64"))
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("droptop: /dev/full: cannot write the recording: "), "\(r.stderr)")
        #expect(r.stderr.contains("No space left on device"), "\(r.stderr)")
        #expect(r.stdout.isEmpty)
    }

    @Test func aFileThatIsNotARecordingIsNotAppendedTo() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "precious notes\n".write(toFile: path, atomically: true, encoding: .utf8)
        let r = try droptop(["--once", "--interval", "0", "--record", path] + fixture("server64"))
        #expect(r.status == 2)
        #expect(r.stderr == "droptop: \(path): not a droptop recording (line 1 is not a droptop.recording header); not appending to it\n")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "precious notes\n")
    }

    @Test func aRecordingIsAppendedToWithOneHeader() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        for _ in 0..<2 {
            let r = try droptop(["--once", "--interval", "0", "--record", path] + fixture("server64"))
            #expect(r.status == 0, "\(r.stderr)")
        }
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines.filter { $0.contains("\"format\":\"droptop.recording") }.count == 1)
    }

    @Test func aWriteCutShortLeavesOnlyWholeLines() throws {
        // An 8 KiB file size limit (SIGXFSZ ignored) lets the header through and cuts the first
        // sample's line short: that part is removed again.
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let command = ([droptopBinary, "--once", "--interval", "0", "--record", path] + fixture("server64")).joined(separator: " ")
        let r = try run("/bin/bash", ["-c", "ulimit -f 8; trap '' XFSZ; \(command)"], timeout: 20)
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("droptop: \(path): cannot write the recording: "), "\(r.stderr)")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasSuffix("\n") && text.split(separator: "\n").count == 1, "\(text.utf8.count) bytes")
        #expect(text.hasPrefix("{") && text.contains("\"format\":\"droptop.recording"))
    }
}
