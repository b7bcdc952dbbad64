import Foundation
import Testing

/// Namespaces made for one test, joined by veth pairs, all deleted when it ends (pass or fail):
/// deleting a namespace deletes its veth ends, and with one end gone the pair goes too.
final class Topology {
    private(set) var names: [String: String] = [:]
    private let tag = "\(getpid())-\(UInt32.random(in: 0...UInt32.max))"

    init(_ roles: [String]) throws {
        for role in roles {
            let name = "dt\(role)-\(tag)"
            let add = try run("/usr/bin/env", ["ip", "netns", "add", name])
            guard add.status == 0 else { throw NamespaceError(message: "ip netns add: \(add.stderr)") }
            names[role] = name
            // No IPv6 on the veths: router solicitations and DAD would move Ip6 counters.
            try exec(role, ["sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1"])
            try exec(role, ["ip", "link", "set", "lo", "up"])
        }
    }

    deinit { for name in names.values { _ = try? run("/usr/bin/env", ["ip", "netns", "del", name]) } }

    func name(_ role: String) -> String { names[role] ?? "missing-\(role)" }

    /// Runs a command in a namespace; a failure is an error (the setup is wrong).
    @discardableResult
    func exec(_ role: String, _ command: [String]) throws -> RunResult {
        let r = try run("/usr/bin/env", ["ip", "netns", "exec", name(role)] + command)
        guard r.status == 0 || command.first == droptopBinary else {
            throw NamespaceError(message: "\(role): \(command.joined(separator: " ")): \(r.stderr)")
        }
        return r
    }

    /// A veth pair: `dev` in `role` with `address` (CIDR), its peer `peerDev` in `peerRole` with
    /// `peerAddress`, both up. The peer may be in the same namespace, without an address.
    func veth(_ role: String, _ dev: String, _ address: String?, to peerRole: String, _ peerDev: String,
              _ peerAddress: String? = nil, mtu: Int? = nil) throws {
        try exec(role, ["ip", "link", "add", dev, "type", "veth", "peer", "name", peerDev, "netns", name(peerRole)])
        if let mtu { try exec(role, ["ip", "link", "set", dev, "mtu", "\(mtu)"]) }
        if let address { try exec(role, ["ip", "addr", "add", address, "dev", dev]) }
        if let peerAddress { try exec(peerRole, ["ip", "addr", "add", peerAddress, "dev", peerDev]) }
        try exec(role, ["ip", "link", "set", dev, "up"])
        try exec(peerRole, ["ip", "link", "set", peerDev, "up"])
    }

    func start(_ role: String, _ command: [String]) throws -> (Process, Pipe, Pipe) {
        try startInNamespace(name(role), command)
    }
}

/// More real trouble in namespaces the tests make (Tests/scenarios/more_trouble.py), one kernel
/// mechanism each: droptop, run in the namespace that counts the loss while it happens, must name
/// the mechanism with its counter, and nothing else of that namespace may show up (no wrong cause).
@Suite(.serialized, .enabled(if: isRoot, "needs root to create network namespaces and veth pairs (ip netns add)"))
struct MoreScenarioTests {
    struct Outcome { var findings: [[String: Any]]; var raw: String }

    /// Runs `scenario` in namespace `sender`, then `droptop --once` in `observer` while it runs;
    /// fails on any finding of `observer` outside `allowed`, and on a `kernel-drop-reason` for
    /// `reason` (host-wide, counted where BPF works): the scenario's finding must explain it.
    func observe(_ t: Topology, _ scenario: [String], sender: String = "a", observer: String = "a",
                 allowed: Set<String>, reason: String? = nil) throws -> Outcome {
        let (helper, input, output) = try t.start(sender, ["python3", packageRoot + "/Tests/scenarios/more_trouble.py"] + scenario)
        defer { try? input.fileHandleForWriting.close(); helper.terminate(); helper.waitUntilExit() }
        let ready = readLine(output)
        guard ready.hasPrefix("ready ") else { throw NamespaceError(message: "\(scenario) did not start: \(ready)") }
        usleep(200_000)
        let r = try t.exec(observer, [droptopBinary, "--once", "--interval", "1.5"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try validateAgainstSchema(r.stdout).status == 0)
        let findings = (value(r.json, "findings") as? [[String: Any]]) ?? []
        let local = Set(findings.filter { ($0["host_wide"] as? Bool) != true }.compactMap { $0["id"] as? String })
        #expect(local.subtracting(allowed).isEmpty, "\(scenario): unexpected findings \(local.subtracting(allowed).sorted())")
        let unexplained = findings.filter { $0["id"] as? String == "kernel-drop-reason" && $0["item"] as? String == reason }
        #expect(reason == nil || unexplained.isEmpty, "\(scenario): drop reason \(reason ?? "") left unexplained")
        return Outcome(findings: findings, raw: r.stdout)
    }

    func finding(_ o: Outcome, _ id: String) throws -> [String: Any] {
        try #require(o.findings.first { $0["id"] as? String == id }, "no \(id); findings: \(o.findings.compactMap { $0["id"] })")
    }

    func evidence(_ f: [String: Any], _ name: String) -> Double {
        (((f["evidence"] as? [[String: Any]]) ?? []).first { $0["name"] as? String == name }?["value"] as? Double) ?? 0
    }

    /// Client `c` (10.9.0.2) behind router `r` (10.9.0.1, forwarding on), whose other veth `vx0`
    /// (10.10.0.1/24) leads nowhere: a permanent neighbour 10.10.0.9 means no ARP is needed.
    func routed(mtu: Int? = nil) throws -> Topology {
        let t = try Topology(["c", "r"])
        try t.veth("r", "vr", "10.9.0.1/24", to: "c", "vc", "10.9.0.2/24")
        try t.veth("r", "vx0", "10.10.0.1/24", to: "r", "vx0p", mtu: mtu)
        try t.exec("r", ["ip", "neigh", "add", "10.10.0.9", "lladdr", "02:00:00:00:00:09", "dev", "vx0", "nud", "permanent"])
        try t.exec("r", ["sysctl", "-q", "-w", "net.ipv4.ip_forward=1"])
        try t.exec("c", ["ip", "route", "add", "default", "via", "10.9.0.1"])
        return t
    }

    /// Hosts `a` (10.9.0.1) and `b` (10.9.0.2) on one veth pair.
    func pair() throws -> Topology {
        let t = try Topology(["a", "b"])
        try t.veth("a", "va", "10.9.0.1/24", to: "b", "vb", "10.9.0.2/24")
        return t
    }

    @Test func aListenerWithMinimumTTLDropsSynsFromTooFarAway() throws {
        // IP_MINTTL 255 (GTSM): loopback SYNs carry TTL 64. Their retransmissions are a consequence.
        let t = try Topology(["a"])
        let o = try observe(t, ["min-ttl"], allowed: ["tcp-min-ttl-drops", "tcp-retransmits"], reason: "TCP_MINTTL")
        let f = try finding(o, "tcp-min-ttl-drops")
        #expect(f["layer"] as? String == "tcp-udp" && f["severity"] as? String == "warning")
        #expect(evidence(f, "TcpExt.TCPMinTTLDrop") >= 100, "\(f)")
    }

    @Test func datagramsToANetworkWithoutARoute() throws {
        let t = try Topology(["a"])   // lo only: no route to 192.0.2.1, sendto fails with ENETUNREACH
        let o = try observe(t, ["no-route"], allowed: ["ip-no-route"], reason: "IP_OUTNOROUTES")
        let f = try finding(o, "ip-no-route")
        #expect(f["layer"] as? String == "ip")
        #expect(evidence(f, "Ip.OutNoRoutes") >= 300, "\(f)")
        #expect((f["hint"] as? String)?.contains("net.ipv4.ip_forward = 0") == true, "\(f["hint"] ?? "")")
    }

    @Test func fragmentsThatAreNeverCompletedTimeOut() throws {
        // b sends first fragments only; a's fragment queues expire after 1 s (net.ipv4.ipfrag_time
        // is per namespace) and a answers with time exceeded, which it rate-limits per host.
        let t = try pair()
        try t.exec("a", ["sysctl", "-q", "-w", "net.ipv4.ipfrag_time=1"])
        let o = try observe(t, ["reassembly", "10.9.0.1"], sender: "b", observer: "a",
                            allowed: ["ip-reassembly-failures", "icmp-rate-limited"], reason: "FRAG_REASM_TIMEOUT")
        let f = try finding(o, "ip-reassembly-failures")
        #expect(evidence(f, "Ip.ReasmTimeout") >= 50, "\(f)")
        #expect(evidence(f, "Ip.ReasmFails") >= 50, "\(f)")
        #expect((f["hint"] as? String)?.contains("net.ipv4.ipfrag_time = 1,") == true, "\(f["hint"] ?? "")")
    }

    @Test func packetsOfAProtocolNobodyHandles() throws {
        // Protocol 253 (experimental): no handler and no raw socket; loopback ICMP is not rate limited.
        let t = try Topology(["a"])
        let o = try observe(t, ["unknown-proto"], allowed: ["ip-unknown-protocol"], reason: "IP_NOPROTO")
        let f = try finding(o, "ip-unknown-protocol")
        #expect(evidence(f, "Ip.InUnknownProtos") >= 150, "\(f)")
    }

    @Test func datagramsWithAWrongChecksumOverAVeth() throws {
        // Loopback marks its packets checksum-verified; a veth does not, so the receiver checks.
        let t = try pair()
        let o = try observe(t, ["udp-csum", "10.9.0.1"], sender: "b", observer: "a", allowed: ["udp-csum-errors"], reason: "UDP_CSUM")
        let f = try finding(o, "udp-csum-errors")
        #expect(f["layer"] as? String == "tcp-udp")
        #expect(evidence(f, "Udp.InCsumErrors") >= 150, "\(f)")
    }

    @Test func segmentsWithAWrongTCPChecksumOverAVeth() throws {
        let t = try pair()
        let o = try observe(t, ["tcp-csum", "10.9.0.1"], sender: "b", observer: "a", allowed: ["tcp-bad-segments"],
                            reason: "TCP_CSUM")
        let f = try finding(o, "tcp-bad-segments")
        #expect(evidence(f, "Tcp.InCsumErrors") >= 150, "\(f)")
        #expect(evidence(f, "Tcp.InErrs") >= 150, "\(f)")
    }

    @Test func icmpMessagesWithAWrongChecksumOverAVeth() throws {
        let t = try pair()
        let o = try observe(t, ["icmp-csum", "10.9.0.1"], sender: "b", observer: "a", allowed: ["icmp-errors"],
                            reason: "ICMP_CSUM")
        let f = try finding(o, "icmp-errors")
        #expect(evidence(f, "Icmp.InCsumErrors") >= 150, "\(f)")
    }

    @Test func reversePathFilteringDropsASourceWithNoRouteBack() throws {
        // Strict rp_filter in a (per namespace); b sends from 10.20.0.5, which a cannot reach.
        let t = try pair()
        try t.exec("a", ["sysctl", "-q", "-w", "net.ipv4.conf.all.rp_filter=1"])
        let o = try observe(t, ["spoofed", "10.9.0.1"], sender: "b", observer: "a", allowed: ["ip-rp-filter"],
                            reason: "IP_RPFILTER")
        let f = try finding(o, "ip-rp-filter")
        #expect(evidence(f, "TcpExt.IPReversePathFilter") >= 150, "\(f)")
        #expect((f["hint"] as? String)?.contains("rp_filter = 1") == true, "\(f["hint"] ?? "")")
    }

    @Test func packetsForAnAddressThisHostDoesNotHaveWithForwardingOff() throws {
        // b sends to 10.9.0.99 with a's MAC (a static neighbour): a accepts the frame, has no
        // such address and does not forward, so it counts an address error.
        let t = try pair()
        let mac = try t.exec("a", ["cat", "/sys/class/net/va/address"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try t.exec("b", ["ip", "neigh", "add", "10.9.0.99", "lladdr", mac, "dev", "vb", "nud", "permanent"])
        let o = try observe(t, ["udp", "10.9.0.99"], sender: "b", observer: "a", allowed: ["ip-address-errors"], reason: "IP_INADDRERRORS")
        let f = try finding(o, "ip-address-errors")
        #expect(evidence(f, "Ip.InAddrErrors") >= 150, "\(f)")
        #expect((f["hint"] as? String)?.contains("net.ipv4.ip_forward = 0") == true, "\(f["hint"] ?? "")")
    }

    @Test func aRouterDropsPacketsWhoseTTLExpires() throws {
        // TTL 1 from the client: the router counts InHdrErrors and answers (rate-limited) time exceeded.
        let t = try routed()
        let o = try observe(t, ["udp-ttl1", "10.10.0.9"], sender: "c", observer: "r",
                            allowed: ["ip-header-errors", "icmp-rate-limited"], reason: "IP_INHDR")
        let f = try finding(o, "ip-header-errors")
        #expect(evidence(f, "Ip.InHdrErrors") >= 150, "\(f)")
        #expect(evidence(f, "Icmp.OutTimeExcds") > 0, "TTL expiry is told by time exceeded beside it: \(f)")
    }

    /// Frames that b writes straight onto its veth (AF_PACKET) to a's MAC, IPv4 header damaged.
    func damagedHeaders(_ kind: String, reason: String) throws -> [String: Any] {
        let t = try pair()
        let mac = try t.exec("a", ["cat", "/sys/class/net/va/address"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let o = try observe(t, [kind, "10.9.0.1", "vb", mac], sender: "b", observer: "a", allowed: ["ip-header-errors"],
                            reason: reason)
        let f = try finding(o, "ip-header-errors")
        #expect(evidence(f, "Icmp.OutTimeExcds") == 0, "no TTL expiry here: \(f)")
        return f
    }

    @Test func packetsShorterThanTheirIPHeaderSays() throws {
        let f = try damagedHeaders("ip-truncated", reason: "PKT_TOO_SMALL")
        #expect(evidence(f, "IpExt.InTruncatedPkts") >= 150, "\(f)")
    }

    @Test func packetsWithAWrongIPHeaderChecksum() throws {
        let f = try damagedHeaders("ip-bad-csum", reason: "IP_CSUM")
        #expect(evidence(f, "IpExt.InCsumErrors") >= 150, "\(f)")
        #expect(evidence(f, "Ip.InHdrErrors") >= 150, "\(f)")
    }

    @Test func aRouterDropsPacketsTooBigForTheNextLinkWithDontFragment() throws {
        // 1400-byte datagrams with DF towards a 1280-byte link: FragFails and ICMP frag-needed
        // (never rate-limited). IP_PMTUDISC_PROBE keeps the client sending them whatever it learns.
        let t = try routed(mtu: 1280)
        let o = try observe(t, ["udp-df", "10.10.0.9"], sender: "c", observer: "r", allowed: ["ip-mtu-exceeded"], reason: "PKT_TOO_BIG")
        let f = try finding(o, "ip-mtu-exceeded")
        #expect(f["layer"] as? String == "ip")
        #expect(evidence(f, "Ip.FragFails") >= 150, "\(f)")
    }
}
