#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import DropTopCore

/// The dump loop against a socket pair standing in for the kernel: the answers are written to
/// one end before the dump reads the other.
@Suite struct NetlinkDumperTests {
    /// nlmsghdr with this sequence (0 and port 0: a notification), then an ifinfomsg for `index`.
    func link(index: Int32, sequence: UInt32, type: UInt16 = 16) -> [UInt8] {
        var m: [UInt8] = []
        func put<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v) { m += $0 } }
        put(UInt32(32)); put(type); put(UInt16(2)); put(sequence); put(UInt32(0))
        m += [0, 0]; put(UInt16(1)); put(index); put(UInt32(0x1043)); put(UInt32(0))
        return m
    }

    func done(sequence: UInt32) -> [UInt8] {
        var m: [UInt8] = []
        func put<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v) { m += $0 } }
        put(UInt32(20)); put(UInt16(3)); put(UInt16(2)); put(sequence); put(UInt32(0)); put(Int32(0))
        return m
    }

    /// A datagram socket pair; `datagrams` already waiting on the first.
    func pair(_ datagrams: [[UInt8]]) throws -> (Int32, Int32) {
        var fds: [Int32] = [-1, -1]
        try #require(socketpair(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0, &fds) == 0)
        for d in datagrams { #expect(d.withUnsafeBytes { send(fds[1], $0.baseAddress, $0.count, 0) } == d.count) }
        return (fds[0], fds[1])
    }

    func indexes(_ bytes: UnsafeBufferPointer<UInt8>) throws(ParseError) -> [Int32] {
        var out: [Int32] = []
        try RtnetlinkParser.forEachLink(bytes) { _, facts in if let facts { out.append(facts.index) } }
        return out
    }

    @Test func notificationsAmongTheAnswersAreLeftOutAndCounted() throws {
        // The first dump asks with sequence 1; notifications have sequence 0; a late answer to an
        // earlier request has its own.
        let (fd, other) = try pair([
            link(index: 1, sequence: 1) + link(index: 7, sequence: 0, type: 17) + link(index: 2, sequence: 1),
            link(index: 8, sequence: 0) + link(index: 9, sequence: 41) + done(sequence: 0),
            link(index: 3, sequence: 1) + done(sequence: 1),
        ])
        defer { close(fd); close(other) }
        var dumper = NetlinkDumper(bufferSize: 4096)
        var seen: [Int32] = []
        let others = try dumper.dump(fd, request: { RtnetlinkParser.dumpRequest(type: RtnetlinkParser.getLink, sequence: $0) }) { bytes throws(ParseError) in
            seen += try indexes(bytes)
        }
        #expect(seen == [1, 2, 3])   // the foreign NLMSG_DONE did not end the dump either
        #expect(others == 4)
    }

    @Test func anAnswerOfOnlyTheDumpIsHandedOnAsItCame() throws {
        let answer = link(index: 1, sequence: 1) + link(index: 2, sequence: 1) + done(sequence: 1)
        let (fd, other) = try pair([answer])
        defer { close(fd); close(other) }
        var dumper = NetlinkDumper(bufferSize: 4096)
        var chunks: [[UInt8]] = []
        let others = try dumper.dump(fd, request: { RtnetlinkParser.dumpRequest(type: RtnetlinkParser.getLink, sequence: $0) }) { bytes in
            chunks.append(Array(bytes))
        }
        #expect(chunks == [answer] && others == 0)
    }

    /// NLMSG_ERROR: the error number, then the request's header.
    func refusal(_ code: Int32, sequence: UInt32) -> [UInt8] {
        var m: [UInt8] = []
        func put<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v) { m += $0 } }
        put(UInt32(36)); put(UInt16(2)); put(UInt16(0)); put(sequence); put(UInt32(0)); put(code)
        return m + [UInt8](repeating: 0, count: 16)
    }

    @Test func aDumpRefusedForAFullQueueIsToBeAskedAgainOnlyOnAListeningSocket() throws {
        for listens in [true, false] {
            let (fd, other) = try pair([link(index: 7, sequence: 0) + refusal(-ENOBUFS, sequence: 1)])
            defer { close(fd); close(other) }
            var dumper = NetlinkDumper(bufferSize: 4096)
            dumper.listens = listens
            #expect(throws: listens ? NetlinkDumper.crowdedOut : ParseError("the kernel answered No buffer space available")) {
                try dumper.dump(fd, request: { RtnetlinkParser.dumpRequest(type: RtnetlinkParser.getLink, sequence: $0) }) { _ in }
            }
        }
    }

    @Test func drainingSaysWhetherAnythingWaitedAndNeverBlocks() throws {
        let (fd, other) = try pair([])
        defer { close(fd); close(other) }
        var dumper = NetlinkDumper(bufferSize: 4096)
        func heard() -> Bool { dumper.drainNotifications(fd, maxReads: 4) }
        #expect(!heard())
        for i in 0..<3 { _ = link(index: Int32(i), sequence: 0).withUnsafeBytes { send(other, $0.baseAddress, $0.count, 0) } }
        #expect(heard())
        #expect(!heard())
        // More than the bound: something changed, and the rest waits for the next look.
        for i in 0..<6 { _ = link(index: Int32(i), sequence: 0).withUnsafeBytes { send(other, $0.baseAddress, $0.count, 0) } }
        #expect(heard())
        #expect(heard())
        #expect(!heard())
    }
}
