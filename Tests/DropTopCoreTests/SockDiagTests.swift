import Testing
@testable import DropTopCore

/// inet_diag_msg records built byte by byte as the kernel lays them out (linux/inet_diag.h).
private func diagMessage(family: UInt8, state: UInt8, retrans: UInt8, sport: UInt16, dport: UInt16,
                         src: [UInt8], dst: [UInt8], rqueue: UInt32, wqueue: UInt32, uid: UInt32, inode: UInt32) -> [UInt8] {
    var m: [UInt8] = []
    func put<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v) { m += $0 } }
    put(UInt32(16 + 72)); put(UInt16(20)); put(UInt16(2)); put(UInt32(1)); put(UInt32(0))   // nlmsghdr
    m += [family, state, 0, retrans]
    put(sport.bigEndian); put(dport.bigEndian)
    m += src + [UInt8](repeating: 0, count: 16 - src.count)
    m += dst + [UInt8](repeating: 0, count: 16 - dst.count)
    put(UInt32(0)); put(UInt64(0))                     // if, cookie
    put(UInt32(0)); put(rqueue); put(wqueue); put(uid); put(inode)
    return m
}

private func done() -> [UInt8] {
    var m: [UInt8] = []
    func put<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v) { m += $0 } }
    put(UInt32(20)); put(UInt16(3)); put(UInt16(2)); put(UInt32(1)); put(UInt32(0)); put(Int32(0))
    return m
}

private func messages(_ bytes: [UInt8]) throws(ParseError) -> [SockDiagParser.Message] {
    var out: [SockDiagParser.Message] = []
    try bytes.withUnsafeBufferPointer { b throws(ParseError) in try SockDiagParser.forEachMessage(b) { out.append($0) } }
    return out
}

@Suite struct SockDiagTests {
    @Test func decodesIPv4AndIPv6RecordsAndTheEnd() throws {
        let v4 = diagMessage(family: 2, state: 10, retrans: 0, sport: 8080, dport: 0, src: [127, 0, 0, 1], dst: [],
                             rqueue: 3, wqueue: 128, uid: 1000, inode: 4242)
        let v6 = diagMessage(family: 10, state: 1, retrans: 2, sport: 443, dport: 51000,
                             src: [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [1],
                             dst: [UInt8](repeating: 0, count: 10) + [0xff, 0xff, 10, 0, 0, 7],
                             rqueue: 0, wqueue: 5, uid: 0, inode: 77)
        let all = try messages(v4 + v6 + done())
        #expect(all.count == 3)
        guard case .socket(let listen) = all[0], case .socket(let established) = all[1], case .done = all[2] else {
            Issue.record("unexpected messages \(all)"); return
        }
        #expect(listen.localAddress.description == "127.0.0.1" && listen.localPort == 8080)
        #expect(listen.state == 10 && listen.rxQueue == 3 && listen.txQueue == 128 && listen.uid == 1000 && listen.inode == 4242)
        #expect(listen.remoteAddress.isUnspecified)
        #expect(established.localAddress.description == "2001:db8::1" && established.localPort == 443)
        #expect(established.remoteAddress.unmappedV4?.description == "10.0.0.7" && established.remotePort == 51000)
        #expect(established.retransmits == 2 && established.state == 1)
    }

    @Test func anErrorAnswerAndBrokenMessagesAreReportedNotTrusted() throws {
        var error = done()
        error[4] = 2                                                  // NLMSG_ERROR
        withUnsafeBytes(of: Int32(-1)) { for (i, b) in $0.enumerated() { error[16 + i] = b } }   // -EPERM
        guard case .error(let code) = try messages(error).first else { Issue.record("no error message"); return }
        #expect(code == -1)
        var truncated = diagMessage(family: 2, state: 1, retrans: 0, sport: 1, dport: 2, src: [], dst: [], rqueue: 0, wqueue: 0, uid: 0, inode: 0)
        truncated.removeLast(10)
        #expect(throws: ParseError.self) { try messages(truncated) }
        var unknownFamily = diagMessage(family: 1, state: 1, retrans: 0, sport: 1, dport: 2, src: [], dst: [], rqueue: 0, wqueue: 0, uid: 0, inode: 0)
        #expect(throws: ParseError.self) { try messages(unknownFamily) }
        unknownFamily[0] = 8                                          // a length shorter than a header
        #expect(throws: ParseError.self) { try messages(unknownFamily) }
    }

    @Test func theDumpRequestIsWhatTheKernelExpects() {
        let r = SockDiagParser.tcpDumpRequest(family: 10, sequence: 7)
        #expect(r.count == 72)
        #expect(r[0] == 72 && r[4] == 20 && r[6] == 0x01 && r[7] == 0x03 && r[8] == 7)
        #expect(r[16] == 10 && r[17] == 6 && r[20...23].allSatisfy { $0 == 0xFF })
    }

    /// The middle tier's request: every state but ESTABLISHED (1), TIME_WAIT (6) and LISTEN (10),
    /// request sockets (12) included; a FIN_WAIT2 row with the timewait timer is a minisocket.
    @Test func theTransientStateRequestAndTheMinisocketsTimer() throws {
        #expect(SockDiagParser.transientStates == 0x1BBC)
        let r = SockDiagParser.tcpDumpRequest(family: 2, sequence: 1, states: SockDiagParser.transientStates)
        #expect(r[20] == 0xBC && r[21] == 0x1B && r[22] == 0 && r[23] == 0)
        // The older request of both families at once: inet_diag_req, idiag_states after the socket id.
        let both = SockDiagParser.tcpDumpRequestBothFamilies(sequence: 1, states: SockDiagParser.transientStates)
        #expect(both.count == 76 && both[0] == 76 && both[4] == 18 && both[16] == 0)
        #expect(both[68] == 0xBC && both[69] == 0x1B && both[72...75].allSatisfy { $0 == 0 })
        var minisocket = diagMessage(family: 2, state: 5, retrans: 0, sport: 40000, dport: 80, src: [127, 0, 0, 1],
                                     dst: [127, 0, 0, 1], rqueue: 0, wqueue: 0, uid: 0, inode: 0)
        minisocket[16 + 2] = SockDiagParser.timeWaitTimer
        let full = diagMessage(family: 2, state: 5, retrans: 0, sport: 40002, dport: 80, src: [127, 0, 0, 1],
                               dst: [127, 0, 0, 1], rqueue: 0, wqueue: 0, uid: 0, inode: 99)
        var aggregate = TCPAggregator()
        for case .socket(let row) in try messages(minisocket + full + done()) { aggregate.add(row) }
        #expect(aggregate.states[5] == 2 && aggregate.finWait2Minisockets == 1)
    }

    @Test func theLiveKernelAnswersOrTheProcTablesTakeOver() {
        let tables = NetlinkSocketTables(fallback: ProcSocketTables(reader: FileReader()))
        let (summary, errors) = tables.tcpSummary(includeIPv6: true)
        #expect(summary != nil && errors.isEmpty, "\(tables.failure ?? "")")
        #expect(tables.failure == nil)
        // A kernel that refuses the netlink socket: the /proc tables answer, and say why.
        let refused = NetlinkSocketTables(fallback: ProcSocketTables(reader: FileReader()), netlinkProtocol: 31)
        let (fromFiles, _) = refused.tcpSummary(includeIPv6: true)
        #expect(fromFiles?.source == "proc" && summary?.source == "netlink")
        #expect(fromFiles?.sourceNote?.hasPrefix("netlink sock_diag failed (socket:") == true)
        #expect(refused.failure?.hasPrefix("socket:") == true, "\(refused.failure ?? "")")
    }
}

/// A record as the kernel fills it for a full socket (INET_DIAG_SHUTDOWN always present), a
/// TIME_WAIT minisocket (timer 3, no attributes) or a request socket (SYN_RECV, timer 1).
private func kindRecord(state: UInt8, timer: UInt8, full: Bool) -> [UInt8] {
    var m = diagMessage(family: 2, state: state, retrans: 0, sport: 1, dport: 2, src: [], dst: [], rqueue: 0, wqueue: 0, uid: 0, inode: 0)
    m[16 + 2] = timer
    if full { m += [5, 0, 8, 0, 0, 0, 0, 0] }    // rtattr: length 5, INET_DIAG_SHUTDOWN, one byte, padded to 8
    withUnsafeBytes(of: UInt32(m.count)) { for (i, b) in $0.enumerated() { m[i] = b } }
    return m
}

extension SockDiagTests {
    @Test func fullSocketsAreToldFromMinisockets() throws {
        let bytes = kindRecord(state: 4, timer: 0, full: true)        // FIN_WAIT1, full
            + kindRecord(state: 5, timer: 3, full: false)              // an orphan's FIN_WAIT2 timewait socket
            + kindRecord(state: 6, timer: 3, full: false)              // TIME_WAIT
            + kindRecord(state: 3, timer: 1, full: false)              // a request socket
            + kindRecord(state: 13, timer: 0, full: true)              // TCP_BOUND_INACTIVE: not a state
            + done()
        var census = TCPStateCensus()
        try bytes.withUnsafeBufferPointer { b throws(ParseError) in try SockDiagParser.forEachSocketKind(b) { census.add($0) } }
        #expect(census.fullSockets == [.finWait1: 1])
        #expect(census.timeWaitSockets == [.finWait2: 1, .timeWait: 1])
        #expect(census.requestSockets == 1)
        #expect(census.allSockets == [.finWait1: 1, .finWait2: 1, .timeWait: 1, .synRecv: 1])
    }
}
