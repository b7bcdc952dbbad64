@testable import DropTopCore
import Foundation
import Testing

/// Link facts follow the namespace's link notifications (RTNLGRP_LINK): an RTM_GETLINK dump when
/// a link came, went or changed, not every sample; counters moving is no such change.
@Suite(.serialized, .enabled(if: isRoot, "needs root to create network namespaces and enter them"))
struct LinkNotificationTests {
    /// Two namespaces joined by a veth (va in `a`, 10.77.0.1; vb in `b`, 10.77.0.2) and a second
    /// veth pair (vx, vy) inside `a`.
    func join(_ a: borrowing TestNamespace, _ b: borrowing TestNamespace) throws {
        for command in [["-n", a.name, "link", "add", "va", "type", "veth", "peer", "name", "vb", "netns", b.name],
                        ["-n", a.name, "addr", "add", "10.77.0.1/24", "dev", "va"], ["-n", a.name, "link", "set", "va", "up"],
                        ["-n", b.name, "addr", "add", "10.77.0.2/24", "dev", "vb"], ["-n", b.name, "link", "set", "vb", "up"],
                        ["-n", a.name, "link", "add", "vx", "type", "veth", "peer", "name", "vy"]] {
            let r = try run("/usr/bin/env", ["ip"] + command)
            try #require(r.status == 0, "ip \(command.joined(separator: " ")): \(r.stderr)")
        }
    }

    /// The link facts of `names` after one sample, by name (absent: no such link).
    func sample(_ source: LinkFactsSource, _ names: [String]) -> [String: InterfaceSample] {
        let zero = NetDevCounters(values: [UInt64](repeating: 0, count: NetDevCounters.names.count))
        var interfaces = names.map { InterfaceSample(name: $0, counters: zero) }
        var errors: [SourceError] = []
        source.apply(to: &interfaces, reader: FileReader(), errors: &errors)
        #expect(errors.isEmpty, "\(errors)")
        return Dictionary(uniqueKeysWithValues: interfaces.filter { $0.link != nil }.map { ($0.name, $0) })
    }

    func packets(_ ns: borrowing TestNamespace, _ device: String) throws -> Int {
        let line = try ns.exec(["cat", "/proc/net/dev"]).stdout.split(separator: "\n").first { $0.contains(device + ":") }
        let fields = try #require(line).split(separator: ":")[1].split(separator: " ")
        return (Int(fields[1]) ?? 0) + (Int(fields[9]) ?? 0)
    }

    @Test func anIdleNamespaceIsDumpedOnceAndEachChangeOnceMore() throws {
        let a = try TestNamespace(), b = try TestNamespace()
        try join(a, b)
        usleep(1_200_000)   // carrier changes reach rtnetlink through linkwatch, up to a second late
        let opened = try RtnetlinkLinks.open(namespacePath: "/run/netns/\(a.name)", alsoRead: [])
        let source = LinkFactsSource(opened.links, sysAllowed: false)
        let names = ["lo", "va", "vx", "vy"]
        for _ in 0..<5 {
            let facts = sample(source, names)
            #expect(facts["va"]?.mtu == 1500 && facts["va"]?.operstate == "up" && facts["va"]?.carrier == 1)
            #expect(facts["vx"]?.link?.kind == "veth" && facts["vy"]?.operstate == "down")
            usleep(100_000)
        }
        #expect(source.links.dumps == 1)

        // Counters move without a notification: 50 datagrams over the veth, no dump.
        let before = try packets(a, "va")
        let send = "import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
            + "for _ in range(50): s.sendto(b'x' * 100, ('10.77.0.2', 9))\n"
        #expect(try a.exec(["python3", "-c", send]).status == 0)
        usleep(200_000)
        #expect(try packets(a, "va") >= before + 50)
        #expect(sample(source, names)["va"]?.mtu == 1500)
        #expect(source.links.dumps == 1)

        try a.exec(["ip", "link", "set", "dev", "va", "mtu", "1400"])
        #expect(sample(source, names)["va"]?.mtu == 1400)
        #expect(source.links.dumps == 2)
        #expect(sample(source, names)["va"]?.mtu == 1400)
        #expect(source.links.dumps == 2)

        try a.exec(["ip", "link", "set", "dev", "va", "txqueuelen", "500"])
        #expect(sample(source, names)["va"]?.txQueueLen == 500)
        #expect(source.links.dumps == 3)

        try a.exec(["ip", "link", "set", "dev", "va", "down"])
        #expect(sample(source, names)["va"]?.operstate == "down")
        #expect(source.links.dumps == 4)

        try a.exec(["ip", "link", "del", "vx"])
        let gone = sample(source, names)
        #expect(gone["vx"] == nil && gone["vy"] == nil && gone["va"] != nil && gone["lo"] != nil)
        #expect(source.links.dumps == 5)
    }

    @Test func linksComingAndGoingWhileDumpingAreNeverListedTwiceAndSettle() throws {
        let ns = try TestNamespace()
        let links = try RtnetlinkLinks.open(namespacePath: "/run/netns/\(ns.name)", alsoRead: []).links
        #expect(try links.current().map(\.name) == [Array("lo".utf8)])
        // Dumps while links come and go: some notifications arrive among a dump's answers.
        let (churn, _, _) = try ns.start(["sh", "-c", "for i in $(seq 1 40); do ip link add d$i type veth peer name e$i; ip link del d$i; done"])
        var rounds = 0
        while churn.isRunning && rounds < 10_000 {
            let now = try links.current()
            #expect(now.allSatisfy { $0.name == Array("lo".utf8) || [UInt8(ascii: "d"), UInt8(ascii: "e")].contains($0.name.first) })
            #expect(Set(now.map(\.index)).count == now.count, "a link listed twice")
            rounds += 1
        }
        churn.waitUntilExit()
        #expect(try links.current().map(\.name) == [Array("lo".utf8)])
        _ = try links.current()   // what came among the last dump's answers dumps once more
        let settled = links.dumps
        for _ in 0..<3 { #expect(try links.current().map(\.name) == [Array("lo".utf8)]) }
        #expect(links.dumps == settled, "dumped again with nothing changed")
    }

    @Test func notificationsLostToAFullSocketAreNoDumpError() throws {
        let ns = try TestNamespace()
        try ns.exec(["sh", "-c", "for i in $(seq 1 30); do ip link add s$i type veth peer name t$i; done"])
        // A receive buffer of a few KiB: the churn's notifications overflow it during dumps.
        let fd = try #require(try NetworkNamespace.run(in: "/run/netns/\(ns.name)") { try? RtnetlinkLinks.openSocket() })
        var small: Int32 = 4096
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))
        let links = RtnetlinkLinks(fd: fd)
        links.maxAge = 0
        let (churn, _, _) = try ns.start(["sh", "-c", "for i in $(seq 1 60); do ip link add d$i type veth peer name e$i; ip link del d$i; done"])
        var rounds = 0
        while churn.isRunning && rounds < 10_000 {
            let now = try links.current()
            #expect(now.filter { $0.name.first == UInt8(ascii: "s") || $0.name.first == UInt8(ascii: "t") }.count == 60)
            rounds += 1
        }
        churn.waitUntilExit()
        #expect(rounds > 0)
    }

    /// `droptop --json --all-netns` from the host: the namespace's later reports show the MTU and
    /// link state set while it runs.
    @Test func theStreamShowsANamespacesNewMTUAndStateMidRun() throws {
        let a = try TestNamespace(), b = try TestNamespace()
        try join(a, b)
        let (holder, input, _) = try a.start(["cat"])   // a process in the namespace, until its stdin closes
        defer { try? input.fileHandleForWriting.close(); holder.waitUntilExit() }
        usleep(1_200_000)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: droptopBinary)
        p.arguments = ["--json", "--all-netns", "--interval", "0.5", "--count", "8"]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let first = readLine(out), second = readLine(out)
        try b.exec(["ip", "link", "set", "dev", "vb", "down"])
        try a.exec(["ip", "link", "set", "dev", "va", "mtu", "1400"])
        let rest = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        let docs = ([first, second] + rest.split(separator: "\n").map(String.init))
            .compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        try #require(docs.count == 8)
        func va(_ doc: [String: Any]) -> [String: Any]? {
            let ns = ((doc["namespaces"] as? [[String: Any]]) ?? []).first { $0["netns_name"] as? String == a.name }
            return ((ns?["interfaces"] as? [[String: Any]]) ?? []).first { $0["name"] as? String == "va" }
        }
        for doc in docs.prefix(2) {
            let link = try #require(va(doc), "va missing from an early report")
            #expect(link["mtu"] as? Int == 1500 && link["operstate"] as? String == "up" && link["carrier"] as? Int == 1)
        }
        // The carrier follows the peer through linkwatch (up to a second): the last reports.
        for doc in docs.suffix(2) {
            let link = try #require(va(doc), "va missing from a late report")
            #expect(link["mtu"] as? Int == 1400 && link["carrier"] as? Int == 0, "\(link)")
        }
    }
}
