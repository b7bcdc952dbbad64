import Foundation
import Testing

@Suite(.serialized) struct TextfileTests {
    func makeDirectory() throws -> String {
        let dir = NSTemporaryDirectory() + "droptop-textfile-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func aReaderInATightLoopNeverSeesAPartialFile() throws {
        let dir = try makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let writer = try Background(droptopBinary, ["--textfile", dir, "--interval", "0.1"])
        let path = dir + "/droptop.prom"
        let appeared = Date().addingTimeInterval(10)
        while !FileManager.default.fileExists(atPath: path) && Date() < appeared { usleep(1000) }
        // From the first write on, a rename replaces the file: it is never missing, never partial.
        let deadline = Date().addingTimeInterval(3)
        var reads = 0, missing = 0, broken: [String] = []
        var stamps: Set<String> = []
        while Date() < deadline {
            guard let data = FileManager.default.contents(atPath: path) else { missing += 1; continue }
            reads += 1
            let text = String(decoding: data, as: UTF8.self)
            let last = text.split(separator: "\n").last.map(String.init) ?? ""
            // Whole: starts with the first family, ends with a newline after the last-success gauge.
            if !(text.hasPrefix("# HELP droptop_") && text.hasSuffix("\n") && last.hasPrefix("droptop_last_success_timestamp_seconds ")
                 && text.contains("\ndroptop_up 1\n")) {
                broken.append(String(text.suffix(200)))
            }
            stamps.insert(last)
        }
        #expect(writer.stop() == 0, "\(writer.stderr)")
        #expect(broken.isEmpty, "partial reads: \(broken.prefix(3))")
        #expect(reads > 100, "only \(reads) reads")
        #expect(stamps.count >= 15, "the file was replaced only \(stamps.count) times")
        #expect(missing == 0)
        // Nothing but the file is left: no temporary files.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["droptop.prom"])
        if installed("promtool") {
            let promtool = try run("/usr/bin/env", ["sh", "-c", "promtool check metrics < '\(path)'"], timeout: 30)
            #expect(promtool.status == 0 && promtool.stdout.isEmpty && promtool.stderr.isEmpty, "\(promtool.stdout)\(promtool.stderr)")
        }
    }

    @Test func aMissingDirectoryIsAnErrorThatNamesTheFile() throws {
        let r = try droptop(["--textfile", "/nonexistent-droptop-dir", "--interval", "0.2"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("/nonexistent-droptop-dir/droptop.prom") && r.stderr.contains("create the directory"), "\(r.stderr)")
    }

    @Test func laterFailuresAreReportedOnceAndTheRunGoesOn() throws {
        let dir = try makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let writer = try Background(droptopBinary, ["--textfile", dir, "--interval", "0.1"])
        defer { try? FileManager.default.removeItem(atPath: dir + ".away") }
        usleep(400_000)
        // The directory goes away (moved aside atomically) for 0.6 s, then comes back.
        #expect(rename(dir, dir + ".away") == 0)
        usleep(600_000)
        #expect(!writer.exited, "droptop stopped: \(writer.stderr)")
        #expect(rename(dir + ".away", dir) == 0)
        usleep(500_000)
        #expect(writer.stop() == 0)
        let lines = writer.stderr.split(separator: "\n")
        #expect(lines.filter { $0.contains("\(dir)/droptop.prom") && $0.contains("No such file") }.count == 1, "\(writer.stderr)")
        #expect(lines.contains { $0.contains("written again") })
        #expect(FileManager.default.fileExists(atPath: dir + "/droptop.prom"))
    }
}

@Suite struct AlertRulesTests {
    @Test(.enabled(if: installed("promtool") || inCI, "promtool is not installed (Debian package prometheus)"))
    func shippedRulesPassPromtoolCheckAndTheirUnitTests() throws {
        let dir = packageRoot + "/contrib/prometheus"
        let check = try run("/usr/bin/env", ["promtool", "check", "rules", dir + "/droptop-rules.yml"], timeout: 60)
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("SUCCESS: 11 rules found"), "\(check.stdout)")
        let test = try run("/usr/bin/env", ["sh", "-c", "cd '\(dir)' && promtool test rules droptop-rules.test.yml"], timeout: 60)
        #expect(test.status == 0, "\(test.stdout)\(test.stderr)")
    }
}
