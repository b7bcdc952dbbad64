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
