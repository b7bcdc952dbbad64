import Testing
@testable import DropTopCore

/// Netlink records built as the kernel lays them out (linux/rtnetlink.h, pkt_sched.h, gen_stats.h).
private struct Bytes {
    var b: [UInt8] = []
    mutating func put<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v) { b += $0 } }
    mutating func pad() { while b.count % 4 != 0 { b.append(0) } }
}

/// struct rtattr: length (header included), type, value, padding to 4.
private func attribute(_ type: UInt16, _ value: [UInt8]) -> [UInt8] {
    var a = Bytes()
    a.put(UInt16(4 + value.count)); a.put(type)
    a.b += value
    a.pad()
    return a.b
}

private func words<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
    var w = Bytes()
    for v in values { w.put(v) }
    return w.b
}

private func netlink(type: UInt16, _ body: [UInt8]) -> [UInt8] {
    var m = Bytes()
    m.put(UInt32(16 + body.count)); m.put(type); m.put(UInt16(2)); m.put(UInt32(1)); m.put(UInt32(0))
    m.b += body
    m.pad()
    return m.b
}

/// RTM_NEWQDISC: tcmsg then TCA_KIND and the given statistics attributes.
private func qdiscMessage(ifindex: Int32, handle: UInt32, parent: UInt32, kind: String, _ attributes: [UInt8]) -> [UInt8] {
    var t = Bytes()
    t.b += [0, 0, 0, 0]                                     // tcm_family, pads
    t.put(ifindex); t.put(handle); t.put(parent); t.put(UInt32(1))
    return netlink(type: 36, t.b + attribute(1, Array(kind.utf8) + [0]) + attributes)
}

/// TCA_STATS2 holding gnet_stats_basic (16 bytes with its padding) and gnet_stats_queue.
private func stats2(bytes: UInt64, packets: UInt32, queue: [UInt32], packets64: UInt64? = nil) -> [UInt8] {
    var basic = Bytes()
    basic.put(bytes); basic.put(packets); basic.put(UInt32(0))
    var nested = attribute(1, basic.b) + attribute(3, words(queue))
    if let packets64 { nested += attribute(8, words([packets64])) }
    return attribute(7, nested)
}

private func linkMessage(index: Int32, name: String) -> [UInt8] {
    var i = Bytes()
    i.b += [0, 0]; i.put(UInt16(1)); i.put(index); i.put(UInt32(0x1043)); i.put(UInt32(0))
    return netlink(type: 16, i.b + attribute(3, Array(name.utf8) + [0]))
}

private let doneMessage = netlink(type: 3, words([Int32(0)]))

func rtMessages(_ bytes: [UInt8]) throws(ParseError) -> [RtnetlinkParser.Message] {
    var out: [RtnetlinkParser.Message] = []
    try bytes.withUnsafeBufferPointer { b throws(ParseError) in try RtnetlinkParser.forEachMessage(b) { out.append($0) } }
    return out
}

private func qdiscs(_ bytes: [UInt8]) throws -> [(QdiscStats, [String])] {
    try rtMessages(bytes).compactMap { if case .qdisc(let q, let p) = $0 { return (q, p) } else { return nil } }
}

@Suite struct RtnetlinkTests {
    @Test func stats2GivesEveryCounterAndTheRootFlag() throws {
        let root = qdiscMessage(ifindex: 2, handle: 0x8001_0000, parent: 0xFFFF_FFFF, kind: "tbf",
                                stats2(bytes: 5_000_000_000, packets: 4000, queue: [3, 4500, 812, 7, 950]))
        let child = qdiscMessage(ifindex: 2, handle: 0, parent: 0x8001_0001, kind: "pfifo",
                                 stats2(bytes: 10, packets: 1, queue: [0, 0, 0, 0, 0], packets64: 1 << 33))
        let all = try qdiscs(root + child + doneMessage)
        #expect(all.count == 2 && all.allSatisfy { $0.1.isEmpty })
        let (q, _) = all[0]
        #expect(q.kind == "tbf" && q.ifindex == 2 && q.interface == "if2" && q.isRoot)
        #expect(q.bytes == 5_000_000_000 && q.packets == 4000 && q.qlen == 3 && q.backlog == 4500)
        #expect(q.drops == 812 && q.requeues == 7 && q.overlimits == 950)
        #expect(QdiscStats.handleText(q.handle) == "8001:" && QdiscStats.handleText(all[1].0.parent) == "8001:1")
        #expect(!all[1].0.isRoot && all[1].0.packets == 1 << 33)
        guard case .done = try rtMessages(doneMessage)[0] else { Issue.record("no done"); return }
    }

    @Test func legacyTcStatsIsTheFallbackWithoutStats2() throws {
        // struct tc_stats: u64 bytes; u32 packets, drops, overlimits, bps, pps, qlen, backlog; padded to 40.
        let legacy = attribute(3, words([UInt64(123_456)]) + words([UInt32(99), 5, 6, 0, 0, 2, 3000, 0]))
        let (q, problems) = try #require(try qdiscs(qdiscMessage(ifindex: 3, handle: 0x10000, parent: 0xFFFF_FFFF,
                                                                kind: "pfifo_fast", legacy)).first)
        #expect(problems.isEmpty)
        #expect(q.bytes == 123_456 && q.packets == 99 && q.drops == 5 && q.overlimits == 6 && q.qlen == 2 && q.backlog == 3000)
        // Both present: STATS2 wins, as it carries requeues.
        let both = legacy + stats2(bytes: 1, packets: 1, queue: [0, 0, 42, 1, 0])
        #expect(try qdiscs(qdiscMessage(ifindex: 3, handle: 0, parent: 1, kind: "x", both)).first?.0.drops == 42)
        let none = try #require(try qdiscs(qdiscMessage(ifindex: 3, handle: 0, parent: 1, kind: "noqueue", [])).first)
        #expect(none.1 == ["if3 noqueue: no statistics attribute"] && none.0.drops == 0)
    }

    @Test func linksGiveNamesAndOtherMessagesPassThrough() throws {
        let all = try rtMessages(linkMessage(index: 7, name: "eth0") + netlink(type: 24, [0, 0, 0, 0]) + doneMessage)
        guard case .link(let index, let name) = all[0], case .other(let type) = all[1], case .done = all[2] else {
            Issue.record("unexpected \(all)"); return
        }
        #expect(index == 7 && name == Array("eth0".utf8) && type == 24)
    }

    @Test func aBadAttributeLengthCostsOnlyItsMessage() throws {
        var broken = qdiscMessage(ifindex: 4, handle: 0, parent: 0xFFFF_FFFF, kind: "tbf",
                                  stats2(bytes: 1, packets: 1, queue: [0, 0, 9, 0, 0]))
        let stats2Offset = 16 + 20 + 8                          // after nlmsghdr, tcmsg and "tbf\0"
        broken[stats2Offset] = 0xF0; broken[stats2Offset + 1] = 0x0F   // a length past the message
        let good = qdiscMessage(ifindex: 5, handle: 0, parent: 0xFFFF_FFFF, kind: "bfifo",
                                stats2(bytes: 1, packets: 1, queue: [0, 0, 3, 0, 0]))
        let all = try qdiscs(broken + good)
        #expect(all.count == 2)
        #expect(all[0].0.kind == "tbf" && all[0].0.drops == 0 && all[0].1.count == 2, "\(all[0].1)")
        #expect(all[0].1.first?.contains("length 4080") == true)
        #expect(all[1].0.drops == 3 && all[1].1.isEmpty)
        // A too-short length (under the 4-byte header) and a nested queue of 8 bytes.
        var tiny = qdiscMessage(ifindex: 6, handle: 0, parent: 1, kind: "tbf", attribute(7, attribute(3, [1, 2, 3, 4, 5, 6, 7, 8])))
        #expect(try qdiscs(tiny).first?.1.first?.contains("of only 8 bytes") == true)
        tiny[stats2Offset] = 2; tiny[stats2Offset + 1] = 0
        #expect(try qdiscs(tiny).first?.1.first?.contains("length 2") == true)
    }

    @Test func truncatedMessagesThrowAndNeverTrap() throws {
        let whole = qdiscMessage(ifindex: 2, handle: 0, parent: 0xFFFF_FFFF, kind: "tbf",
                                 stats2(bytes: 1, packets: 1, queue: [1, 2, 3, 4, 5]))
        for cut in stride(from: 1, to: whole.count, by: 1) {
            let truncated = Array(whole[0..<cut])
            if cut < 16 { #expect(try rtMessages(truncated).isEmpty); continue }
            #expect(throws: ParseError.self, "cut at \(cut)") { try rtMessages(truncated) }
        }
        // A header whose length says 36 but whose tcmsg is short: a bad message, not a read past it.
        var shortBody = netlink(type: 36, [UInt8](repeating: 0, count: 12))
        #expect(throws: ParseError.self) { try rtMessages(shortBody) }
        shortBody[0] = 4
        #expect(throws: ParseError.self) { try rtMessages(shortBody) }
        #expect(throws: ParseError.self) { try rtMessages(netlink(type: 2, [1, 2])) }
        #expect(throws: ParseError.self) { try rtMessages(netlink(type: 16, [1, 2, 3])) }
    }

    @Test func theDumpRequestsAreWhatTheKernelExpects() {
        let q = RtnetlinkParser.dumpRequest(type: RtnetlinkParser.getQdisc, sequence: 9)
        #expect(q.count == 36 && q[0] == 36 && q[4] == 38 && q[6] == 0x01 && q[7] == 0x03 && q[8] == 9)
        #expect(q[16...].allSatisfy { $0 == 0 })
        let l = RtnetlinkParser.dumpRequest(type: RtnetlinkParser.getLink, sequence: 1)
        #expect(l.count == 32 && l[4] == 18)
    }
}
