import DropTopCore
import Foundation
import Testing

/// --all-netns with the namespace-keyed drop-reason counter: each namespace's kernel drop reasons
/// under that namespace, with rates and findings, the host's unchanged.
@Suite(.serialized, .enabled(if: isRoot, "needs root to load BPF programs and create network namespaces"))
struct NamespaceDropReasonTests {
    func reasons(_ entry: [String: Any]?) -> [String: Double] {
        let list = (value(entry, "drop_reasons", "reasons") as? [[String: Any]]) ?? []
        return Dictionary(list.compactMap { r in (r["reason"] as? String).map { ($0, r["per_s"] as? Double ?? -1) } },
                          uniquingKeysWith: { a, _ in a })
    }

    @Test func eachNamespacesReasonIsItsOwnWithARateAndAFinding() throws {
        let a = try TestNamespace(), b = try TestNamespace()
        let (closed, closedIn, closedOut) = try a.start(["python3", packageRoot + "/Tests/scenarios/trouble.py", "closed-port"])
        let (full, fullIn, fullOut) = try b.start(["python3", packageRoot + "/Tests/scenarios/trouble.py", "udp-rcvbuf4"])
        defer {
            try? closedIn.fileHandleForWriting.close(); try? fullIn.fileHandleForWriting.close()
            closed.waitUntilExit(); full.waitUntilExit()
        }
        try #require(readLine(closedOut).hasPrefix("ready ") && readLine(fullOut).hasPrefix("ready "))
        let r = try droptop(["--once", "--all-netns", "--interval", "1"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try validateAgainstSchema(r.stdout).status == 0)
        let all = (r.json?["namespaces"] as? [[String: Any]]) ?? []
        let entryA = try #require(all.first { $0["netns_name"] as? String == a.name })
        let entryB = try #require(all.first { $0["netns_name"] as? String == b.name })
        #expect(value(entryA, "drop_reasons", "available") as? Bool == true, "\(value(entryA, "drop_reasons", "note") ?? "")")
        // 500 datagrams/s to a closed port in A; 1,000/s into a full 4 KiB buffer in B.
        let inA = reasons(entryA), inB = reasons(entryB)
        #expect((inA["NO_SOCKET"] ?? 0) > 250 && inA["SOCKET_RCVBUFF"] == nil, "A: \(inA)")
        #expect((inB["SOCKET_RCVBUFF"] ?? 0) > 400 && inB["NO_SOCKET"] == nil, "B: \(inB)")
        // The findings of A carry A and cite the kernel's reason; nothing of A's lands in B.
        let findingsA = (entryA["findings"] as? [[String: Any]]) ?? []
        let noPorts = try #require(findingsA.first { $0["id"] as? String == "udp-no-ports" }, "\(findingsA)")
        #expect(value(noPorts, "netns", "name") as? String == a.name)
        let cited = ((noPorts["evidence"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String }
        #expect(cited.contains("kernel:NO_SOCKET"), "\(cited)")
        let idsB = ((entryB["findings"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }
        #expect(!idsB.contains("udp-no-ports"), "\(idsB)")
        // The host still counts both: its figure is every namespace's.
        let host = reasons(r.json)
        #expect((host["NO_SOCKET"] ?? 0) > 250 && (host["SOCKET_RCVBUFF"] ?? 0) > 400, "host: \(host)")
        #expect((value(r.json, "drop_reasons", "note") as? String)?.hasPrefix("host-wide") == true)
    }

    @Test func noProgramOutlivesAKilledDroptopWithAllNamespaces() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: droptopBinary)
        p.arguments = ["-b", "0.5", "-n", "DROP", "--all-netns"]
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let held = DropReasonLifetimeTests()
        func loaded() -> Set<UInt32> {
            Set(DropReasonCounter.loadedProgramIDs(named: NamespaceDropCounter.programName)
                + DropReasonCounter.loadedProgramIDs(named: DropReasonCounter.programName))
        }
        var ids: [UInt32] = []
        for _ in 0..<100 where ids.count < 2 { usleep(50_000); ids = held.programIDs(of: p.processIdentifier) }
        #expect(ids.count == 2 && loaded().isSuperset(of: ids), "droptop held \(ids)")
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        var left = ids
        for _ in 0..<40 where !left.isEmpty { usleep(50_000); left = ids.filter(loaded().contains) }
        #expect(left.isEmpty, "programs still loaded after SIGKILL: \(left)")
    }
}
