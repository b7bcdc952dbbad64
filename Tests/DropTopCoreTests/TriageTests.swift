import Testing
@testable import DropTopCore

/// A pair of samples one second apart on a quiet host; `change` makes the second one.
private func report(_ change: (inout Sample) -> Void, before: (inout Sample) -> Void = { _ in }) -> Report {
    var a = Sample(monotonicSeconds: 10, wallSeconds: 1_764_000_000, host: HostInfo(hostname: "h", kernel: "k"))
    var eth = [UInt64](repeating: 0, count: 16)
    eth[0] = 1_000_000; eth[1] = 10_000; eth[8] = 1_000_000; eth[9] = 10_000
    a.interfaces = [InterfaceSample(name: "eth0", operstate: "up", carrier: 1, speedMbps: 1000, mtu: 1500, txQueueLen: 1000,
                                    counters: NetDevCounters(values: eth), statistics: nil)]
    a.softnet = [SoftnetRow(cpu: 0, processed: 100, dropped: 0, timeSqueeze: 0), SoftnetRow(cpu: 1, processed: 100, dropped: 0, timeSqueeze: 0)]
    a.softirqs = SoftIRQCounts(cpuIDs: [0, 1], netRX: [100, 100], netTX: [10, 10])
    var tcp = ProtocolSection(), ext = ProtocolSection(), udp = ProtocolSection(), ip = ProtocolSection(), udp6 = ProtocolSection()
    for n in ["ActiveOpens", "PassiveOpens", "AttemptFails", "EstabResets", "InSegs", "OutSegs", "RetransSegs", "InErrs", "OutRsts"] { tcp.counters[n] = 1000 }
    for n in ["ListenOverflows", "ListenDrops", "TCPReqQFullDrop", "TCPReqQFullDoCookies", "SyncookiesSent", "PruneCalled", "RcvPruned",
              "TCPRcvQDrop", "TCPBacklogDrop", "TCPZeroWindowDrop", "TCPAbortOnData", "TCPAbortOnMemory", "TCPTimeWaitOverflow", "TCPTimeouts"] { ext.counters[n] = 5 }
    for n in ["InDatagrams", "NoPorts", "InErrors", "OutDatagrams", "RcvbufErrors", "SndbufErrors", "InCsumErrors"] { udp.counters[n] = 5; udp6.counters[n] = 5 }
    for n in ["InReceives", "InDiscards", "InHdrErrors", "OutDiscards", "ReasmFails"] { ip.counters[n] = 5 }
    a.protocols = ["Ip": ip, "Tcp": tcp, "Udp": udp, "TcpExt": ext, "Udp6": udp6]
    a.tcp = TCPSummary(states: .init(uniqueKeysWithValues: tcpStateNames.map { ($0, 0) }), listeners: [], peers: [], retransmittingPeers: [],
                       timeWaitPeers: [], closeWaitPorts: [], sockets: 0, retransmittingSockets: 0)
    a.udp = UDPSummary(sockets: 1, busySockets: [])
    a.sysctl = ["net.core.rmem_max": "212992", "net.core.somaxconn": "4096", "net.core.netdev_max_backlog": "1000",
                "net.ipv4.ip_local_port_range": "32768 60999"]
    before(&a)
    var b = a
    b.monotonicSeconds = 11
    b.wallSeconds += 1
    change(&b)
    return Report(previous: a, current: b)
}

private func add(_ s: inout Sample, _ section: String, _ counter: String, _ delta: UInt64) {
    s.protocols?[section]?.counters[counter]? += delta
}

/// A busy, healthy host: 1 Gbit/s of traffic spread over both CPUs, some opens, 0.5 % retransmits.
private func busyHealthy(_ s: inout Sample) {
    var v = s.interfaces[0].counters.values
    v[0] += 60_000_000; v[1] += 80_000; v[8] += 60_000_000; v[9] += 80_000
    s.interfaces[0].counters = NetDevCounters(values: v)
    s.softirqs?.netRX = [20_100, 20_100]
    s.softnet?[0].processed += 40_000; s.softnet?[1].processed += 40_000
    add(&s, "Tcp", "ActiveOpens", 300); add(&s, "Tcp", "PassiveOpens", 300); add(&s, "Tcp", "InSegs", 70_000)
    add(&s, "Tcp", "OutSegs", 70_000); add(&s, "Tcp", "RetransSegs", 350); add(&s, "Tcp", "OutRsts", 2)
    add(&s, "Udp", "InDatagrams", 5000); add(&s, "Udp", "OutDatagrams", 5000)
}

private func ids(_ r: Report) -> [String] { TriageRules.evaluate(r).map(\.id) }

@Suite struct TriageTests {
    @Test func anIdleHostHasNoFindings() { #expect(ids(report { _ in }).isEmpty) }
    @Test func aBusyHealthyHostHasNoFindings() { #expect(ids(report(busyHealthy)).isEmpty) }
    @Test func noFindingsWithoutAnInterval() { #expect(TriageRules.evaluate(Report(previous: nil, current: report { _ in }.sample)).isEmpty) }

    @Test func udpReceiveBufferNamesTheSocket() throws {
        let r = report({ s in
            add(&s, "Udp", "RcvbufErrors", 40); add(&s, "Udp6", "RcvbufErrors", 3)
            s.udp?.busySockets = [UDPSocket(address: "0.0.0.0", port: 514, rxQueue: 212_992, drops: 140, inode: 7, receiveBuffer: 8192),
                                  UDPSocket(address: "0.0.0.0", port: 53, rxQueue: 100, drops: 9, inode: 8, receiveBuffer: 8192)]
        }, before: { s in
            s.udp?.busySockets = [UDPSocket(address: "0.0.0.0", port: 514, rxQueue: 212_992, drops: 100, inode: 7),
                                  UDPSocket(address: "0.0.0.0", port: 53, rxQueue: 100, drops: 9, inode: 8)]
        })
        let f = try #require(TriageRules.evaluate(r).first { $0.id == "udp-rcvbuf-errors" })
        #expect(f.severity == .critical && f.layer == .socket)
        #expect(f.item == "port 514")
        #expect(f.evidence.contains { $0.name == "socket_drops" && $0.value == 40 && $0.item == "port 514" })
        #expect(f.evidence.contains { $0.name == "Udp6.RcvbufErrors" && $0.value == 3 })
        #expect(f.hint.contains("net.core.rmem_max = 212992"))
        // The socket's own limit and what it holds; the socket that did not drop is not named.
        #expect(f.hint.hasPrefix("port 514: 40 drops/s, SO_RCVBUF 8192, 212992 bytes queued; raise"), "\(f.hint)")
        #expect(f.sockets == [7] && !f.hint.contains("port 53"))
        // From /proc/net/udp (no buffer size): the drops and queue alone, no placeholder left.
        let proc = report({ s in add(&s, "Udp", "RcvbufErrors", 4); s.udp?.busySockets = [UDPSocket(address: "::", port: 9, rxQueue: 0, drops: 6, inode: 3)] },
                          before: { s in s.udp?.busySockets = [UDPSocket(address: "::", port: 9, rxQueue: 0, drops: 2, inode: 3)] })
        let plain = try #require(TriageRules.evaluate(proc).first { $0.id == "udp-rcvbuf-errors" })
        #expect(plain.hint.hasPrefix("port 9: 4 drops/s, 0 bytes queued; raise") && !plain.hint.contains("{"))
        // No socket known: the advice alone.
        let bare = try #require(TriageRules.evaluate(report { s in add(&s, "Udp", "RcvbufErrors", 4) }).first { $0.id == "udp-rcvbuf-errors" })
        #expect(bare.hint.hasPrefix("raise the application's SO_RCVBUF") && bare.sockets.isEmpty)
    }

    /// A stream reuses the TCP walk between samples (its time does not move) but reads the UDP
    /// sockets every sample: their drop rates, and the socket the finding names, must not wait.
    @Test func udpSocketRatesDoNotWaitForTheTCPWalk() throws {
        let r = report({ s in
            add(&s, "Udp", "RcvbufErrors", 30)
            s.udp?.busySockets = [UDPSocket(address: "127.0.0.1", port: 5000, rxQueue: 7680, drops: 130, inode: 9, receiveBuffer: 8192)]
            s.socketTablesSeconds = 3
        }, before: { s in
            s.udp?.busySockets = [UDPSocket(address: "127.0.0.1", port: 5000, rxQueue: 7680, drops: 100, inode: 9, receiveBuffer: 8192)]
            s.socketTablesSeconds = 3
        })
        #expect(r.udpDropRates[9] == 30)
        let f = try #require(TriageRules.evaluate(r).first { $0.id == "udp-rcvbuf-errors" })
        #expect(f.item == "port 5000" && f.sockets == [9])
    }

    @Test func interfaceDropsAreRelativeToPackets() {
        // 10 drops among 160,000 packets/s is under 0.1 %: nothing. 500 is over.
        func drops(_ n: UInt64) -> (inout Sample) -> Void {
            { s in busyHealthy(&s); var v = s.interfaces[0].counters.values; v[3] += n; s.interfaces[0].counters = NetDevCounters(values: v) }
        }
        #expect(!ids(report(drops(10))).contains("interface-drops"))
        #expect(ids(report(drops(500))).contains("interface-drops"))
    }

    @Test func softnetDropsSqueezeAndImbalance() throws {
        let r = report { s in
            s.softnet?[1].dropped += 3
            s.softnet?[0].timeSqueeze += 20
            s.softirqs?.netRX = [100, 5100]
        }
        let found = TriageRules.evaluate(r)
        let drop = try #require(found.first { $0.id == "softnet-backlog-drops" })
        #expect(drop.item == "cpu1" && drop.hostWide && drop.hint.contains("net.core.netdev_max_backlog = 1000"))
        #expect(found.first { $0.id == "softnet-time-squeeze" }?.severity == .warning)
        #expect(found.contains { $0.id == "net-rx-imbalance" && $0.item == "cpu1" })
        // 999 NET_RX/s is under the volume threshold.
        let quiet = ids(report { s in s.softirqs?.netRX = [100, 1099] })
        #expect(!quiet.contains("net-rx-imbalance"))
    }

    /// Loopback and veth traffic raise NET_RX on the sending CPU without a NIC interrupt: that is
    /// not an imbalance RPS or IRQ affinity could fix, so it makes no finding.
    @Test func netRXWithoutNICInterruptsIsNotAnImbalance() throws {
        func irq(_ count: UInt64) -> [NetworkIRQSample] {
            [NetworkIRQSample(irq: "24", device: "virtio0-input.0", interface: "eth0", counts: [0: count, 1: count])]
        }
        let loopback = report({ s in s.softirqs?.netRX = [100, 5100]; s.networkIRQs = irq(10) }, before: { $0.networkIRQs = irq(10) })
        #expect(!ids(loopback).contains("net-rx-imbalance"))
        let nic = report({ s in s.softirqs?.netRX = [100, 5100]; s.networkIRQs = irq(2510) }, before: { $0.networkIRQs = irq(10) })
        #expect(ids(nic).contains("net-rx-imbalance"))
    }

    @Test func acceptQueueNamesTheListener() throws {
        let r = report { s in
            add(&s, "TcpExt", "ListenOverflows", 12); add(&s, "TcpExt", "ListenDrops", 12)
            s.tcp?.listeners = [Listener(address: "0.0.0.0", port: 8080, acceptQueue: 2, backlog: 1, inode: 31),
                                Listener(address: "0.0.0.0", port: 22, acceptQueue: 0, backlog: 4096, inode: 32)]
        }
        let f = try #require(TriageRules.evaluate(r).first { $0.id == "tcp-listen-overflow" })
        #expect(f.item == "port 8080" && f.hint.contains("net.core.somaxconn = 4096"))
        #expect(f.hint.hasPrefix("port 8080: listen backlog 1, 2 waiting; the application's listen() backlog"), "\(f.hint)")
        #expect(f.sockets == [31] && !f.hint.contains("port 22"))
    }

    @Test func retransmitsAboveAndJustUnderThreshold() {
        #expect(ids(report { s in busyHealthy(&s); add(&s, "Tcp", "RetransSegs", 1400 - 350) }).contains("tcp-retransmits"))   // 2 %
        #expect(!ids(report { s in busyHealthy(&s); add(&s, "Tcp", "RetransSegs", 1300 - 350) }).contains("tcp-retransmits")) // 1.86 %
        // Few segments: a handful of retransmits on an idle host is not a finding.
        #expect(!ids(report { s in add(&s, "Tcp", "OutSegs", 50); add(&s, "Tcp", "RetransSegs", 10) }).contains("tcp-retransmits"))
    }

    @Test func closeWaitTimeWaitResetsAndPressure() {
        let closeWait = report { s in
            s.tcp?.states["CLOSE_WAIT"] = 60
            s.tcp?.closeWaitPorts = [PortCount(port: 8080, count: 60, inode: 41)]
        }
        #expect(TriageRules.evaluate(closeWait).first { $0.id == "tcp-close-wait" }?.item == "port 8080")
        #expect(TriageRules.evaluate(closeWait).first { $0.id == "tcp-close-wait" }?.sockets == [41])
        let fewCloseWait = ids(report { s in s.tcp?.states["CLOSE_WAIT"] = 49 })
        #expect(!fewCloseWait.contains("tcp-close-wait"))
        let timeWait = report { s in
            s.tcp?.timeWaitPeers = [PeerCount(address: "10.0.0.9", connections: 15000, retransmitting: 0, timeWait: 15000)]
        }
        #expect(ids(timeWait).contains("tcp-time-wait"))
        #expect(ids(report { s in add(&s, "TcpExt", "TCPTimeWaitOverflow", 1) }).contains("tcp-time-wait"))
        #expect(ids(report { s in add(&s, "Tcp", "OutRsts", 50) }).contains("tcp-resets"))
        #expect(!ids(report { s in add(&s, "Tcp", "OutRsts", 4) }).contains("tcp-resets"))
        #expect(ids(report { s in add(&s, "TcpExt", "TCPRcvQDrop", 3) }).contains("tcp-rcv-pressure"))
        #expect(ids(report { s in add(&s, "TcpExt", "TCPReqQFullDrop", 3) }).contains("tcp-syn-backlog"))
    }

    @Test func ipUdpAndLinkRules() {
        #expect(ids(report { s in add(&s, "Ip", "InDiscards", 5) }).contains("ip-discards"))
        #expect(ids(report { s in add(&s, "Udp", "NoPorts", 5) }).contains("udp-no-ports"))
        #expect(ids(report { s in add(&s, "Udp", "SndbufErrors", 5) }).contains("udp-sndbuf-errors"))
        let noCarrier = ids(report { s in s.interfaces[0].carrier = 0 })
        #expect(noCarrier.contains("link-no-carrier"))
        // An administratively down interface (carrier unreadable) is not a finding.
        let adminDown = ids(report { s in s.interfaces[0].carrier = nil; s.interfaces[0].operstate = "down" })
        #expect(adminDown.isEmpty)
    }

    @Test func rankingPutsTheWireFirstAndSinceIsKept() {
        let r = report { s in
            s.interfaces[0].carrier = 0
            add(&s, "TcpExt", "ListenOverflows", 1)
            s.softnet?[0].dropped += 1
        }
        #expect(TriageRules.evaluate(r).map(\.layer) == [.link, .cpu, .application])
        let engine = TriageEngine()
        let first = engine.evaluate(r)
        var later = r
        later.sample.wallSeconds += 5
        let second = engine.evaluate(later)
        #expect(second.map(\.since) == first.map(\.since))
    }
}
