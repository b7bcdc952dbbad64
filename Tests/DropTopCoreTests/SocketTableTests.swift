import Testing
@testable import DropTopCore

@Suite struct SocketTableTests {
    @Test func decodesIPv4AndIPv6AddressesInHostByteOrder() throws {
        let tcp = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
            + "   0: 0100007F:1F90 0A00000A:C350 01 00000010:00000020 00:00000000 00000003  1000        0 4242 1 0 100 0 0 10 0\n"
            + "   1: 00000000000000000000000001000000:01BB 0000000000000000FFFF00000100007F:D431 0A 00000000:00000005 00:00000000 00000000     0        0 77 1 0\n"
        var rows: [SocketRow] = []
        let result = try parse(tcp) { try SocketTableParser.forEachRow($0, hasDrops: false) { rows.append($0) } }
        #expect(result.rows == 2 && result.badRows == 0)
        #expect(rows[0].localAddress.description == "127.0.0.1")
        #expect(rows[0].localPort == 8080)
        #expect(rows[0].remoteAddress.description == "10.0.0.10")
        #expect(rows[0].remotePort == 50000)
        #expect(rows[0].state == 1)
        #expect(rows[0].txQueue == 16 && rows[0].rxQueue == 32)
        #expect(rows[0].retransmits == 3 && rows[0].uid == 1000 && rows[0].inode == 4242)
        #expect(rows[1].localAddress.description == "::1")
        #expect(rows[1].remoteAddress.description == "::ffff:127.0.0.1")
        #expect(rows[1].state == 10 && rows[1].rxQueue == 5)
    }

    @Test func udpDropsColumn() throws {
        let udp = "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n"
            + "  123: 00000000:0202 00000000:0000 07 00000000:00034000 00:00000000 00000000     0        0 7000 2 0000000000000000 40\n"
        var rows: [SocketRow] = []
        _ = try parse(udp) { try SocketTableParser.forEachRow($0, hasDrops: true) { rows.append($0) } }
        #expect(rows.count == 1)
        #expect(rows[0].localPort == 514)
        #expect(rows[0].drops == 40)
        #expect(rows[0].rxQueue == 0x34000)
    }

    @Test func badRowsAreCountedAndSkipped() throws {
        let sample = fixtureSampler("broken").sample()
        let tcp = try #require(sample.tcp)
        #expect(tcp.states["LISTEN"] == 1)
        #expect(tcp.states["ESTABLISHED"] == 1)
        // Row 1 is garbage; row 3, cut mid-line at the end of the file, is left out and said so.
        #expect(sample.errors.contains { $0.source == "/proc/net/tcp" && $0.message.contains("1 unreadable row") })
        #expect(sample.errors.contains { $0.source == "/proc/net/tcp" && $0.message.hasPrefix("the last line is cut short") })
    }

    @Test func aggregatesStatesListenersPeersAndPorts() throws {
        let sample = fixtureSampler("server64").sample()
        let tcp = try #require(sample.tcp)
        #expect(tcp.states["ESTABLISHED"] == 44)
        #expect(tcp.states["LISTEN"] == 3)
        #expect(tcp.states["TIME_WAIT"] == 4)
        #expect(tcp.states["CLOSE_WAIT"] == 3)
        #expect(tcp.states["SYN_SENT"] == 1)
        #expect(tcp.states.count == 11)
        #expect(tcp.listeners.first == Listener(address: "0.0.0.0", port: 5432, acceptQueue: 5, inode: 5000))
        // 30 IPv4 sockets plus one IPv4-mapped IPv6 socket from the same peer.
        #expect(tcp.peers.first == PeerCount(address: "10.0.0.7", connections: 31, retransmitting: 0, timeWait: 0))
        #expect(tcp.retransmittingPeers.first?.address == "10.0.0.8")
        #expect(tcp.retransmittingPeers.first?.retransmitting == 2)
        #expect(tcp.timeWaitPeers.first == PeerCount(address: "10.0.0.9", connections: 4, retransmitting: 0, timeWait: 4))
        #expect(tcp.closeWaitPorts == [PortCount(port: 8080, count: 3, inode: 5048)])   // the first one: whose owner is looked up
        let udp = try #require(sample.udp)
        #expect(udp.sockets == 3)
        #expect(udp.busySockets.map(\.port) == [514, 5353])
        #expect(udp.busySockets[0].drops == 40)
    }

    @Test func ipv6TextForm() {
        #expect(IPAddress(v6: [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [1]).description == "2001:db8::1")
        #expect(IPAddress(v6: [UInt8](repeating: 0, count: 16)).description == "::")
        #expect(IPAddress(v6: [0, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 3, 0, 0, 0, 4]).description == "1:0:2::3:0:4")
    }
}

@Suite struct SockStatTests {
    @Test func parsesEveryProtocolLine() throws {
        let s = try parse("sockets: used 8\nTCP: inuse 1 orphan 0 tw 5 alloc 1 mem 0\n") { try SockStatParser.parse($0) }
        #expect(s["sockets"]?["used"] == 8)
        #expect(s["TCP"]?["tw"] == 5)
    }
}

@Suite struct PeerTableTests {
    @Test func countsMatchADictionaryThroughManyGrowths() {
        var generator = SystemRandomNumberGenerator()
        var table = PeerTable(capacity: 1)
        var oracle: [IPAddress: (UInt64, UInt64, UInt64)] = [:]
        for _ in 0..<20_000 {
            let n = UInt64.random(in: 0..<3000, using: &generator)
            let address = n % 2 == 0 ? IPAddress(v4: (10, 0, UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)))
                                     : IPAddress(high: 0x2001_0db8 << 32, low: n)
            let retrans = Bool.random(using: &generator), timeWait = Bool.random(using: &generator)
            table.add(address, retransmitting: retrans, timeWait: timeWait)
            let old = oracle[address] ?? (0, 0, 0)
            oracle[address] = (old.0 + 1, old.1 + (retrans ? 1 : 0), old.2 + (timeWait ? 1 : 0))
        }
        var seen = 0
        table.forEach { entry in
            seen += 1
            let expected = oracle[entry.address]
            #expect(expected?.0 == entry.counts.connections && expected?.1 == entry.counts.retransmitting
                     && expected?.2 == entry.counts.timeWait)
        }
        #expect(seen == oracle.count && table.count == oracle.count)
    }
}
