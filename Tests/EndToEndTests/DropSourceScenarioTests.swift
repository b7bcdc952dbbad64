import Foundation
import Testing

/// Issue 12's sources under real trouble, in namespaces the tests make: a shaping qdisc that
/// drops a bounded UDP flood, and neighbour resolution that never succeeds. Load stays inside
/// the namespace; its veth pair leads nowhere.
@Suite(.serialized, .enabled(if: isRoot, "needs root to create network namespaces and qdiscs (ip netns add, tc)"))
struct DropSourceScenarioTests {
    /// A namespace with veth `dev` (address `address`/24) whose peer is up but has no address.
    func vethNamespace(_ dev: String, _ address: String) throws -> TestNamespace {
        let ns = try TestNamespace()
        for command in [["ip", "link", "add", dev, "type", "veth", "peer", "name", dev + "p"],
                        ["ip", "addr", "add", address + "/24", "dev", dev],
                        ["ip", "link", "set", dev, "up"], ["ip", "link", "set", dev + "p", "up"]] {
            let r = try ns.exec(command)
            guard r.status == 0 else { throw NamespaceError(message: "\(command.joined(separator: " ")): \(r.stderr)") }
        }
        return ns
    }

    func flood(_ ns: borrowing TestNamespace, to host: String, count: Int, size: Int) throws -> (Process, Pipe) {
        let (helper, input, output) = try ns.start(["python3", packageRoot + "/Tests/scenarios/flood.py", host, "9", "\(count)", "3", "\(size)"])
        try #require(readLine(output) == "ready 0", "flood.py did not start")
        _ = input
        return (helper, output)
    }

    func ids(_ findings: [[String: Any]]) -> [String] { findings.compactMap { $0["id"] as? String } }

    func evidence(_ f: [String: Any]?, _ name: String) -> Double? {
        ((f?["evidence"] as? [[String: Any]]) ?? []).first { $0["name"] as? String == name }?["value"] as? Double
    }

    /// "dropped 2758," from `tc -s qdisc show dev IF` (the root qdisc is listed first).
    func tcDropped(_ ns: borrowing TestNamespace, _ dev: String) throws -> Int? {
        let text = try ns.exec(["tc", "-s", "qdisc", "show", "dev", dev]).stdout
        guard let range = text.range(of: "dropped ") else { return nil }
        return Int(text[range.upperBound...].prefix { $0.isNumber })
    }

    @Test func aShapingQdiscThatDropsIsNamedWithItsInterface() throws {
        let ns = try vethNamespace("vq0", "10.77.0.1")
        // A permanent neighbour: packets leave vq0 at once (the peer discards them, wrong MAC).
        try ns.exec(["ip", "neigh", "add", "10.77.0.9", "lladdr", "02:00:00:00:00:09", "dev", "vq0", "nud", "permanent"])
        let tc = try ns.exec(["tc", "qdisc", "add", "dev", "vq0", "root", "tbf", "rate", "1mbit", "burst", "1600", "limit", "3000"])
        try #require(tc.status == 0, "tc: \(tc.stderr)")
        // 3000 datagrams of 1000 bytes in 3 s (about 8 Mbit/s) into a 1 Mbit/s shaper.
        let (helper, output) = try flood(ns, to: "10.77.0.9", count: 3000, size: 1000)
        defer { helper.terminate(); helper.waitUntilExit() }
        usleep(300_000)
        let r = try ns.exec([droptopBinary, "--once", "--interval", "1.5"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try validateAgainstSchema(r.stdout).status == 0)
        let findings = (value(r.json, "findings") as? [[String: Any]]) ?? []
        let f = try #require(findings.first { $0["id"] as? String == "qdisc-drops" }, "findings: \(ids(findings))")
        #expect(f["item"] as? String == "vq0" && f["layer"] as? String == "nic")
        #expect((f["title"] as? String)?.contains("tbf") == true)
        let perSecond = evidence(f, "qdisc_drops") ?? 0
        #expect(perSecond > 300 && perSecond < 1000, "qdisc_drops \(perSecond)/s")
        #expect((f["hint"] as? String)?.contains("tc -s qdisc show dev vq0") == true)
        // The sender's discards are this qdisc's doing: no second, wrong cause in this namespace.
        let local = ids(findings.filter { ($0["host_wide"] as? Bool) != true })
        #expect(Set(local).isSubset(of: ["qdisc-drops", "udp-sndbuf-errors"]), "\(local)")
        // Once the flood is over the counters hold still: droptop's drops are tc's.
        helper.waitUntilExit()
        let summary = readLine(output)
        let after = try ns.exec([droptopBinary, "--once", "--interval", "0"])
        let qdisc = (value(after.json, "qdiscs") as? [[String: Any]])?.first { $0["interface"] as? String == "vq0" && $0["root"] as? Bool == true }
        let drops = try #require(int(qdisc, "drops"))
        #expect(drops == (try tcDropped(ns, "vq0")), "\(summary)")
        #expect(drops > 1000 && int(qdisc, "backlog") == 0)
        #expect(value(after.json, "neighbour") is NSNull)   // not the initial namespace
    }

    @Test func neighbourResolutionThatNeverSucceedsIsSeenFromTheHost() throws {
        let ns = try vethNamespace("vn0", "10.78.0.1")
        // One packet may wait for ARP: each new one pushes the previous out (unresolved_discards).
        try #require(try ns.exec(["sysctl", "-q", "-w", "net.ipv4.neigh.vn0.unres_qlen=1"]).status == 0)
        let (helper, _) = try flood(ns, to: "10.78.0.9", count: 1500, size: 100)
        defer { helper.terminate(); helper.waitUntilExit() }
        usleep(300_000)
        // /proc/net/stat/arp_cache exists only in the initial namespace, where droptop runs.
        let r = try droptop(["--once", "--interval", "1.5"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try validateAgainstSchema(r.stdout).status == 0)
        let findings = (value(r.json, "findings") as? [[String: Any]]) ?? []
        let f = try #require(findings.first { $0["id"] as? String == "neighbour-unresolved" }, "findings: \(ids(findings))")
        #expect(f["host_wide"] as? Bool == true && f["layer"] as? String == "ip")
        let perSecond = evidence(f, "ArpCache.unresolved_discards") ?? 0
        // 500/s are sent; the table is host-wide, so other namespaces' failures can only add.
        #expect(perSecond > 250 && perSecond < 5000, "unresolved_discards \(perSecond)/s")
        #expect((f["hint"] as? String)?.contains("net.ipv4.neigh.default.unres_qlen_bytes = ") == true)
        let rate = value(r.json, "neighbour", "arp_cache", "rates", "unresolved_discards") as? Double
        #expect(rate == perSecond)
    }
}
