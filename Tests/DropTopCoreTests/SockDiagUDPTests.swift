import Foundation
import Testing
@testable import DropTopCore

/// One UDP inet_diag_msg (IPv4 127.0.0.1:`port`, inode `inode`, rqueue `queued`) followed by the
/// netlink attributes given, as udp_diag lays them out: nlattr headers, values padded to 4 bytes.
private func udpMessage(port: UInt16, inode: UInt32, queued: UInt32, attributes: [(type: UInt16, value: [UInt8])],
                        lengthFix: Int = 0) -> [UInt8] {
    var body: [UInt8] = [2, 7, 0, 0]                                    // AF_INET, TCP_CLOSE (an unconnected UDP socket)
    func put<T: FixedWidthInteger>(_ v: T, into bytes: inout [UInt8]) { withUnsafeBytes(of: v) { bytes += $0 } }
    put(port.bigEndian, into: &body); put(UInt16(0), into: &body)
    body += [127, 0, 0, 1] + [UInt8](repeating: 0, count: 12 + 16 + 4 + 8 + 4)   // src, dst, if, cookie, expires
    put(queued, into: &body); put(UInt32(0), into: &body); put(UInt32(0), into: &body); put(inode, into: &body)
    for a in attributes {
        put(UInt16(4 + a.value.count + lengthFix), into: &body); put(a.type, into: &body)
        body += a.value + [UInt8](repeating: 0, count: (4 - a.value.count % 4) % 4)
    }
    var header: [UInt8] = []
    put(UInt32(16 + body.count), into: &header); put(UInt16(20), into: &header); put(UInt16(2), into: &header)
    put(UInt32(1), into: &header); put(UInt32(0), into: &header)
    return header + body
}

/// SK_MEMINFO_* values as u32s: rmem_alloc, rcvbuf, wmem_alloc, sndbuf, fwd_alloc, wmem_queued, optmem, backlog, drops.
private func memInfo(_ values: [UInt32]) -> (type: UInt16, value: [UInt8]) {
    (7, values.flatMap { v in withUnsafeBytes(of: v) { Array($0) } })
}

private func udpSockets(_ bytes: [UInt8]) throws(ParseError) -> [(SocketRow, SocketMemory?)] {
    var out: [(SocketRow, SocketMemory?)] = []
    try bytes.withUnsafeBufferPointer { b throws(ParseError) in try SockDiagParser.forEachUDPSocket(b) { out.append(($0, $1)) } }
    return out
}

@Suite struct SockDiagUDPTests {
    @Test func theMemoryAttributeGivesTheReceiveBufferAndTheDrops() throws {
        let shutdown: (type: UInt16, value: [UInt8]) = (8, [0])           // INET_DIAG_SHUTDOWN, one byte padded to four
        let bytes = udpMessage(port: 5353, inode: 4242, queued: 7680,
                               attributes: [shutdown, memInfo([7680, 8192, 0, 212_992, 0, 0, 0, 0, 5144])])
        let all = try udpSockets(bytes)
        try #require(all.count == 1)
        let (row, memory) = all[0]
        #expect(row.localPort == 5353 && row.inode == 4242 && row.rxQueue == 7680 && row.drops == 5144)
        #expect(memory == SocketMemory(receiveQueued: 7680, receiveBuffer: 8192, drops: 5144))
        // Folded like /proc/net/udp's rows, with the buffer: what the hint quotes.
        var aggregate = UDPAggregator()
        aggregate.add(row, memory: memory)
        #expect(aggregate.summary().busySockets == [UDPSocket(address: "127.0.0.1", port: 5353, rxQueue: 7680, drops: 5144, inode: 4242,
                                                              receiveBuffer: 8192)])
    }

    @Test func shortLongAndFlaggedMemoryAttributes() throws {
        // A kernel older than SK_MEMINFO_DROPS: the buffer, no drop count.
        let old = try udpSockets(udpMessage(port: 1, inode: 1, queued: 0, attributes: [memInfo([0, 4608, 0, 0, 0, 0, 0, 0])]))
        #expect(old.first?.1 == SocketMemory(receiveQueued: 0, receiveBuffer: 4608, drops: nil) && old.first?.0.drops == nil)
        // A newer one with more entries; the type with NLA_F_NESTED set still reads as SKMEMINFO.
        var flagged = memInfo([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])
        flagged.type |= 0x8000
        #expect(try udpSockets(udpMessage(port: 1, inode: 1, queued: 0, attributes: [flagged])).first?.1?.drops == 9)
        // Too short to hold the buffer, or absent: no memory, the row stays.
        let tiny = try udpSockets(udpMessage(port: 2, inode: 2, queued: 0, attributes: [memInfo([5])]))
        #expect(tiny.count == 1 && tiny[0].1 == nil)
        #expect(try udpSockets(udpMessage(port: 3, inode: 3, queued: 0, attributes: [])).first?.1 == nil)
    }

    @Test func attributesThatDoNotFitAreErrors() {
        let overrun = udpMessage(port: 1, inode: 1, queued: 0, attributes: [memInfo([1, 2])], lengthFix: 8)
        #expect(throws: ParseError.self) { try udpSockets(overrun) }
        let zeroLength = udpMessage(port: 1, inode: 1, queued: 0, attributes: [memInfo([1, 2])], lengthFix: -12)
        #expect(throws: ParseError.self) { try udpSockets(zeroLength) }
        // Fewer than four bytes after the record: not an attribute, ignored.
        var stub = udpMessage(port: 1, inode: 1, queued: 0, attributes: [])
        stub += [0, 0]
        stub[0] += 2
        #expect((try? udpSockets(stub))?.count == 1)
    }

    @Test func theUDPDumpRequestAsksForTheMemoryAttribute() {
        let r = SockDiagParser.udpDumpRequest(family: 2, sequence: 9)
        #expect(r.count == 72 && r[4] == 20 && r[8] == 9)
        #expect(r[16] == 2 && r[17] == 17 && r[18] == 0x40 && r[20...23].allSatisfy { $0 == 0xFF })
    }

    /// The running kernel: a socket with SO_RCVBUF 4096 shows 8192 (the kernel doubles it); a
    /// refused netlink socket leaves /proc/net/udp, which has no buffer, and says why.
    @Test func theLiveKernelGivesTheDoubledBufferOrProcTakesOver() throws {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        try #require(fd >= 0)
        defer { close(fd) }
        var size: Int32 = 4096
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in(sin_family: sa_family_t(AF_INET), sin_port: 0, sin_addr: in_addr(s_addr: UInt32(0x7F00_0001).bigEndian),
                                  sin_zero: (0, 0, 0, 0, 0, 0, 0, 0))
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        try #require(bound == 0)
        var info = stat()
        fstat(fd, &info)
        // Unread data makes it a busy socket: one datagram to itself.
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        _ = withUnsafePointer(to: &address) { a in a.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, "x", 1, 0, $0, length) } }
        let tables = NetlinkSocketTables(fallback: ProcSocketTables(reader: FileReader()))
        let (summary, errors) = tables.udpSummary(includeIPv6: true)
        #expect(errors.isEmpty && summary?.source == "netlink")
        let mine = summary?.busySockets.first { $0.inode == UInt64(info.st_ino) }
        #expect(mine?.receiveBuffer == 8192 && mine?.rxQueue ?? 0 > 0, "\(summary?.busySockets ?? [])")
        let refused = NetlinkSocketTables(fallback: ProcSocketTables(reader: FileReader()), netlinkProtocol: 99)
        let (fallback, _) = refused.udpSummary(includeIPv6: true)
        #expect(fallback?.source == "proc" && fallback?.sourceNote?.contains("read /proc/net/udp instead") == true)
        #expect(fallback?.busySockets.first { $0.inode == UInt64(info.st_ino) }?.receiveBuffer == nil)
    }
}

@Suite struct HostSocketOwnersTests {
    /// A finding that names a socket of this test process gets this process as its owner, in
    /// `owners` and in its hint; one that names a socket nobody holds gets none, and no guess.
    @Test func theOwnerOfANamedSocketIsThisProcess() throws {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        try #require(fd >= 0)
        defer { close(fd) }
        var info = stat()
        fstat(fd, &info)
        func finding(_ inode: UInt64) -> Finding {
            var f = Finding(id: "udp-rcvbuf-errors", severity: .critical, layer: .socket, title: "t", item: "port 1", evidence: [],
                            explanation: "", hint: "ss -u -a -m -p", hostWide: false)
            f.sockets = [inode]
            return f
        }
        var findings = [finding(UInt64(info.st_ino)), finding(1), Finding(id: "x", severity: .info, layer: .ip, title: "", item: nil,
                                                                          evidence: [], explanation: "", hint: "h", hostWide: false)]
        let lookup = HostSocketOwners()
        lookup.budget = 1
        lookup.attach(&findings, now: 100)
        let owner = try #require(findings[0].owners.first)
        #expect(owner.pid == getpid() && owner.inode == UInt64(info.st_ino))
        #expect(findings[0].hint == "ss -u -a -m -p; held by \(owner.command) (pid \(getpid()))")
        #expect(findings[1].owners.isEmpty && findings[1].hint == "ss -u -a -m -p")
        #expect(findings[2].owners.isEmpty && findings[2].hint == "h")
    }
}

extension HostSocketOwnersTests {
    /// A /proc tree made here: fd links (dangling ones read like the kernel's), a hostile
    /// comm, cgroups of a Kubernetes pod and of a docker container, and a pod log directory.
    @Test func ownersInATreeGetTheirPodAndContainer() throws {
        let root = NSTemporaryDirectory() + "droptop-owners-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let id = String(repeating: "ab12", count: 16)
        func process(_ pid: Int, comm: String, cgroup: String, links: [String: String]) throws {
            try FileManager.default.createDirectory(atPath: "\(root)/proc/\(pid)/fd", withIntermediateDirectories: true)
            try comm.write(toFile: "\(root)/proc/\(pid)/comm", atomically: false, encoding: .utf8)
            try cgroup.write(toFile: "\(root)/proc/\(pid)/cgroup", atomically: false, encoding: .utf8)
            for (fd, target) in links { try FileManager.default.createSymbolicLink(atPath: "\(root)/proc/\(pid)/fd/\(fd)", withDestinationPath: target) }
        }
        try process(4242, comm: "web\u{1B}[2J\n", cgroup: "0::/kubepods.slice/kubepods-besteffort.slice/"
                    + "kubepods-besteffort-pod1a2b3c4d_5e6f_7a8b_9c0d_1e2f3a4b5c6d.slice/cri-containerd-\(id).scope\n",
                    links: ["0": "/dev/null", "3": "socket:[777]", "4": "pipe:[777]"])
        try process(99, comm: "dns\n", cgroup: "0::/system.slice/docker-\(id).scope\n", links: ["5": "socket:[900]", "6": "socket:[9x]"])
        try FileManager.default.createDirectory(atPath: "\(root)/proc/self", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: "\(root)/pods/team-a_web-2_1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d",
                                                withIntermediateDirectories: true)
        let lookup = HostSocketOwners(procRoot: root + "/proc", podLogDirectory: root + "/pods")
        lookup.budget = 1
        let found = lookup.owners(of: [777, 900, 12_345], now: 5)
        #expect(found.count == 2)
        let web = try #require(found[777]), dns = try #require(found[900])
        #expect(web.pid == 4242 && web.pod == "team-a/web-2" && web.container == "containerd:ab12ab12ab12")
        #expect(!web.command.contains("\u{1B}") && web.label.hasSuffix("(pid 4242, pod team-a/web-2)"))
        #expect(dns.pid == 99 && dns.pod == nil && dns.container == "docker:ab12ab12ab12" && dns.label == "dns (pid 99, container docker:ab12ab12ab12)")
        // Only what is still asked for is kept.
        #expect(lookup.owners(of: [900], now: 6).keys.sorted() == [900])
    }
}
