import Foundation
import Testing

/// The incident log in the real terminal (issue 14): findings of a short burst stay on screen,
/// dimmed with their peak, ten seconds after their counters stopped, until `x`.
@Suite(.serialized, .needs(.tmux))
struct IncidentTmuxTests {
    /// The UDP-overflow recording (3 s of trouble), then 10 quiet samples a second apart: the
    /// last sample repeated, its counters unchanged.
    func burstThenQuiet() throws -> String {
        let path = NSTemporaryDirectory() + "droptop-burst-\(UUID().uuidString).jsonl"
        let script = """
        import json, sys
        lines = open(sys.argv[1]).read().splitlines()
        last = json.loads(lines[-1])
        out = lines[:]
        for k in range(1, 11):
            q = dict(last)
            q["monotonicSeconds"] = last["monotonicSeconds"] + k
            q["wallSeconds"] = last["wallSeconds"] + k
            if q.get("socketTablesSeconds") is not None: q["socketTablesSeconds"] = q["monotonicSeconds"]
            out.append(json.dumps(q))
        open(sys.argv[2], "w").write("\\n".join(out) + "\\n")
        """
        let r = try run("/usr/bin/env", ["python3", "-c", script, packageRoot + "/Tests/Fixtures/recordings/udp-overflow.jsonl", path])
        try #require(r.status == 0, "\(r.stderr)")
        return path
    }

    @Test func aBurstStaysOnScreenWithItsPeakUntilDismissed() throws {
        let recording = try burstThenQuiet()
        defer { try? FileManager.default.removeItem(atPath: recording) }
        let s = try TmuxSession(width: 120, height: 40)
        s.type("\(droptopBinary) --replay \(recording); echo EXIT=$?")
        _ = s.waitFor("REPLAY")
        s.key("G")
        var screen = s.waitFor("REPLAY 14/14")
        #expect(screen.contains("ENDED"), "\(screen)")
        #expect(screen.contains("peak ListenOverflows") && screen.contains("ended 10 s ago"), "\(screen)")
        s.key("x")
        screen = s.waitFor("ENDED", absent: true)
        #expect(!screen.contains("ENDED"), "\(screen)")
        s.key("q")
        #expect(s.waitFor("EXIT=0").contains("EXIT=0"))
    }
}
