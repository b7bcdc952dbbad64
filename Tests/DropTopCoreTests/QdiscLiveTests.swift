import Foundation
import Testing
@testable import DropTopCore

private let canMakeNamespaces = getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/tc")
    && (FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip") || FileManager.default.isExecutableFile(atPath: "/sbin/ip"))

@discardableResult
private func command(_ arguments: [String]) throws -> (status: Int32, output: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = arguments
    let out = Pipe()
    p.standardOutput = out
    p.standardError = out
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// Sends `count` UDP datagrams of `size` bytes to `address` from the calling thread's namespace;
/// returns how many sendto calls failed (a qdisc drop can surface as ENOBUFS).
private func sendUDP(to address: String, count: Int, size: Int) -> Int {
    let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
    guard fd >= 0 else { return count }
    defer { close(fd) }
    var target = sockaddr_in()
    target.sin_family = sa_family_t(AF_INET)
    target.sin_port = UInt16(9).bigEndian
    inet_pton(AF_INET, address, &target.sin_addr)
    let payload = [UInt8](repeating: 0x55, count: size)
    var failed = 0
    for _ in 0..<count {
        let sent = withUnsafePointer(to: &target) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(fd, payload, payload.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        if sent < 0 { failed += 1 }
    }
    return failed
}

@Suite(.serialized, .enabled(if: canMakeNamespaces, "needs root, ip and tc to make a namespace with a veth pair and a qdisc"))
struct QdiscLiveTests {
    @Test func aShaperDroppingInANamespaceIsReadFromThere() throws {
        let ns = "dtqd-\(getpid())-\(UInt16.random(in: 0...UInt16.max))"
        try #require(try command(["ip", "netns", "add", ns]).status == 0)
        defer { _ = try? command(["ip", "netns", "del", ns]) }
        for step in [["link", "add", "va", "type", "veth", "peer", "name", "vb"],
                     ["addr", "add", "10.199.0.1/24", "dev", "va"], ["link", "set", "va", "up"], ["link", "set", "vb", "up"],
                     // A static neighbour: packets leave through va's qdisc without waiting for ARP.
                     ["neigh", "add", "10.199.0.9", "lladdr", "02:00:00:00:00:09", "dev", "va"]] {
            let r = try command(["ip", "-n", ns] + step)
            try #require(r.status == 0, "ip \(step): \(r.output)")
        }
        let tbf = try command(["tc", "-n", ns, "qdisc", "add", "dev", "va", "root", "handle", "8001:", "tbf",
                               "rate", "1mbit", "burst", "1600", "limit", "3000"])
        try #require(tbf.status == 0, "tc: \(tbf.output)")
        let path = "/run/netns/" + ns
        _ = try NetworkNamespace.run(in: path) { sendUDP(to: "10.199.0.9", count: 300, size: 1000) }
        let dumped = try NetworkNamespace.run(in: path) { () -> ([QdiscStats], [String], String?) in
            do throws(ParseError) {
                let d = try RtnetlinkQdiscs().dump()
                return (d.value, d.problems, nil)
            } catch { return ([], [], error.message) }
        }
        #expect(dumped.2 == nil && dumped.1.isEmpty, "\(dumped)")
        let shaper = try #require(dumped.0.first { $0.interface == "va" && $0.kind == "tbf" }, "\(dumped.0)")
        #expect(shaper.isRoot && QdiscStats.handleText(shaper.handle) == "8001:")
        #expect(shaper.drops > 0 && shaper.packets > 0 && shaper.bytes > 0)
        let shown = try command(["tc", "-n", ns, "-s", "qdisc", "show", "dev", "va"]).output
        let dropped = try #require(shown.firstMatch(of: /dropped (\d+)/).flatMap { UInt64($0.1) }, "\(shown)")
        #expect(shaper.drops <= dropped && dropped - shaper.drops <= 2, "netlink \(shaper.drops), tc \(dropped)")
        // The test process itself never left its namespace: there is no va here.
        let here = try RtnetlinkQdiscs().dump().value
        #expect(!here.contains { $0.interface == "va" } && here.contains { $0.interface == "lo" || $0.kind == "noqueue" })
    }

    @Test func aNamespaceThatDoesNotExistIsAnError() {
        #expect(throws: ParseError.self) { try NetworkNamespace.run(in: "/run/netns/no-such-droptop-ns") { 1 } }
    }
}
