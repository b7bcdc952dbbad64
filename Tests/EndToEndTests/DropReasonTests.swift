import DropTopCore
import Foundation
import Testing

/// The kernel's drop reasons, from the real binary: each scenario's reason must move at about
/// the rate of the SNMP counter that counts the same drops. The tracepoint is host-wide, so
/// other tests' drops can only add to a reason: the bounds are loose above, tight below.
extension TriageScenarioTests {
    func reason(_ o: Outcome, _ name: String) -> [String: Any]? {
        (value(try? JSONSerialization.jsonObject(with: Data(o.raw.utf8)), "drop_reasons", "reasons") as? [[String: Any]])?
            .first { $0["reason"] as? String == name }
    }

    func snmpRate(_ o: Outcome, _ section: String, _ counter: String) -> Double {
        (value(try? JSONSerialization.jsonObject(with: Data(o.raw.utf8)), "protocols", section, "rates", counter) as? Double) ?? 0
    }

    func expectReason(_ o: Outcome, _ name: String, near section: String, _ counter: String) throws {
        let snmp = snmpRate(o, section, counter)
        #expect(snmp > 50, "\(section).\(counter) barely moved: \(snmp)/s")
        let reasons = (value(try? JSONSerialization.jsonObject(with: Data(o.raw.utf8)), "drop_reasons", "reasons") as? [[String: Any]])?
            .compactMap { $0["reason"] as? String } ?? []
        let entry = try #require(reason(o, name), "no \(name) among \(reasons)")
        let rate = try #require(entry["per_s"] as? Double)
        #expect(rate >= snmp * 0.9 && rate <= snmp * 3 + 100, "\(name) \(rate)/s against \(section).\(counter) \(snmp)/s")
    }

    @Test func aClosedPortIsTheKernelsNoSocket() throws {
        let o = try scenario("closed-port")
        try expectReason(o, "NO_SOCKET", near: "Udp", "NoPorts")
        let f = try #require(finding(o, "udp-no-ports"))
        #expect((f["evidence"] as? [[String: Any]])?.contains { $0["name"] as? String == "kernel:NO_SOCKET" } == true)
    }

    @Test func aFullReceiveBufferIsTheKernelsSocketRcvbuff() throws {
        let o = try scenario("udp-rcvbuf4")
        try expectReason(o, "SOCKET_RCVBUFF", near: "Udp", "RcvbufErrors")
        #expect(!o.findings.contains { $0["id"] as? String == "kernel-drop-reason" && $0["item"] as? String == "SOCKET_RCVBUFF" })
    }

    /// Linux 6.18 consumes the SYN it refuses for a full accept queue (tcp_conn_request returns 0,
    /// then consume_skb), so no drop reason moves: ListenOverflows is the only evidence, and the
    /// finding must not depend on the reason.
    @Test func aFullAcceptQueueNeedsNoDropReason() throws {
        let o = try scenario("accept-queue")
        #expect(snmpRate(o, "TcpExt", "ListenOverflows") > 0)
        #expect(finding(o, "tcp-listen-overflow") != nil)
        if let entry = reason(o, "TCP_LISTEN_OVERFLOW") { #expect(entry["layer"] as? String == "application") }
    }
}

@Suite(.serialized, .enabled(if: isRoot, "needs root to load BPF programs"))
struct DropReasonLifetimeTests {
    /// The ids of the BPF programs a process holds, from its descriptors' fdinfo.
    func programIDs(of pid: Int32) -> [UInt32] {
        let dir = "/proc/\(pid)/fdinfo"
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).compactMap { fd in
            let text = (try? String(contentsOfFile: "\(dir)/\(fd)", encoding: .utf8)) ?? ""
            return text.split(separator: "\n").first { $0.hasPrefix("prog_id:") }
                .flatMap { UInt32($0.dropFirst("prog_id:".count).trimmingCharacters(in: .whitespaces)) }
        }
    }

    @Test func noProgramOutlivesAKilledDroptop() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: droptopBinary)
        p.arguments = ["-b", "0.5", "-n", "DROP"]
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        var ids: [UInt32] = []
        for _ in 0..<100 where ids.isEmpty { usleep(50_000); ids = programIDs(of: p.processIdentifier) }
        #expect(!ids.isEmpty, "droptop held no BPF program")
        #expect(ids.allSatisfy { DropReasonCounter.loadedProgramIDs(named: DropReasonCounter.programName).contains($0) })
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        // The kernel releases the program with the process's last descriptor, shortly after.
        var left = ids
        for _ in 0..<40 where !left.isEmpty {
            usleep(50_000)
            let loaded = Set(DropReasonCounter.loadedProgramIDs(named: DropReasonCounter.programName))
            left = ids.filter(loaded.contains)
        }
        #expect(left.isEmpty, "programs still loaded after SIGKILL: \(left)")
    }

    @Test func withoutPrivilegesDroptopSaysWhyAndWorks() throws {
        let r = try run("/usr/bin/env", ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--inh-caps=-all",
                                         droptopBinary, "--once", "-i", "0.2"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(value(r.json, "drop_reasons", "available") as? Bool == false)
        #expect((value(r.json, "drop_reasons", "note") as? String)?.contains("root") == true)
        #expect((value(r.json, "interfaces") as? [Any])?.isEmpty == false)
    }

    @Test func noDropReasonsLoadsNothing() throws {
        let r = try droptop(["--once", "-i", "0.2", "--no-drop-reasons"])
        #expect(r.status == 0)
        #expect(value(r.json, "drop_reasons", "available") as? Bool == false)
        #expect(value(r.json, "drop_reasons", "note") as? String != nil)
    }
}
