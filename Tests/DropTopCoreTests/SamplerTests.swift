import Testing
@testable import DropTopCore

@Suite struct SamplerTests {
    @Test func serverFixtureReadsEverySource() throws {
        let s = fixtureSampler("server64").sample()
        #expect(s.errors.isEmpty, "\(s.errors)")
        #expect(s.host == HostInfo(hostname: "db-17", kernel: "5.15.0-91-generic", onlineCPUs: 62))
        #expect(s.cpuIDs == Array(0..<62))
        #expect(s.interfaces.map(\.name) == ["lo", "eth0", "ens1f0", "eth1"])
        let eth0 = s.interfaces[1]
        #expect(eth0.speedMbps == 10000 && eth0.mtu == 9000 && eth0.carrier == 1)
        #expect(eth0.counters[.rxBytes] == 9_876_543_210)
        #expect(eth0.statistics?["rx_missed_errors"] == 700)
        #expect(s.interfaces[2].statistics == nil)   // no errors or drops: breakdown not read
        let eth1 = s.interfaces[3]
        #expect(eth1.carrier == 0 && eth1.speedMbps == nil)
        #expect(s.sysctl["net.ipv4.tcp_rmem"] == "4096 131072 6291456")
        #expect(s.sysctl["net.core.somaxconn"] == "128")
        #expect(s.softnet?.first { $0.cpu == 3 }?.dropped == 5)
        #expect(s.protocols?["Udp6"]?.counters["RcvbufErrors"] == 6)
        #expect(s.sockstat?["TCP"]?["tw"] == 4)
        #expect(s.sockstat?["TCP6"]?["inuse"] == 3)
    }

    @Test func containerTreeReportsWhatIsMissingAndKeepsTheRest() throws {
        let s = fixtureSampler("container").sample()
        #expect(s.interfaces.count == 2)
        #expect(s.protocols?["TcpExt"] != nil)
        #expect(s.protocols?["Tcp"] == nil)
        #expect(s.networkIRQs == nil)
        let sources = Set(s.errors.map(\.source))
        #expect(sources.contains("/proc/net/snmp"))
        #expect(sources.contains("/proc/interrupts"))
        #expect(s.hasAnyData)
    }

    @Test func aKernelWithoutIPv6IsOneClearMessageNotFourReadErrors() throws {
        // kernel310 has neither /proc/net/if_inet6 nor snmp6, as with ipv6.disable=1.
        let s = fixtureSampler("kernel310").sample()
        let v6Files = ["/proc/net/tcp6", "/proc/net/udp6", "/proc/net/snmp6", "/proc/net/sockstat6"]
        #expect(!s.errors.contains { v6Files.contains($0.source) }, "\(s.errors)")
        #expect(s.errors.filter { $0.message.hasPrefix("IPv6 is not available") }.count == 1)
        #expect(s.tcp != nil && s.udp != nil)
        // With IPv6 present, no such message.
        #expect(!fixtureSampler("server64").sample().errors.contains { $0.message.hasPrefix("IPv6") })
    }

    @Test func brokenFilesEachCostOnlyTheirOwnSection() throws {
        let s = fixtureSampler("broken").sample()
        #expect(s.interfaces.map(\.name) == ["lo"])
        #expect(s.softnet == nil && s.softirqs == nil && s.interruptCPUs == nil)
        #expect(s.protocols?["TcpExt"]?.counters["ListenOverflows"] == 5)
        #expect(s.tcp != nil)
        for source in ["/proc/net/dev", "/proc/net/snmp", "/proc/net/softnet_stat", "/proc/interrupts", "/proc/softirqs", "/proc/net/sockstat"] {
            #expect(s.errors.contains { $0.source == source }, "no error entry for \(source)")
        }
        #expect(s.errors.contains { $0.message.contains("too large for 64 bits") })
    }

    @Test func anEmptyTreeHasNoData() {
        let s = Sampler(procRoot: "/nonexistent-droptop", sysRoot: "/nonexistent-droptop").sample()
        #expect(!s.hasAnyData)
        #expect(!s.errors.isEmpty)
    }

    @Test func liveProcIsReadable() throws {
        let s = Sampler().sample()
        #expect(s.interfaces.contains { $0.name == "lo" })
        #expect(s.tcp != nil)
        #expect(!s.cpuIDs.isEmpty)
    }

    @Test func cpuListFormat() {
        #expect(CPUList.parse("0-3,8,10-11") == [0, 1, 2, 3, 8, 10, 11])
        #expect(CPUList.parse("0") == [0])
        #expect(CPUList.parse("x") == nil)
        #expect(CPUList.parse("-") == nil && CPUList.parse("0-70000") == nil)   // found by Fuzz/run.sh
        #expect(CPUList.parse(String(repeating: "0-40000,", count: 4)) == nil)
    }
}

@Suite struct SocketTableBudgetTests {
    @Test func withoutABudgetEverySampleReadsTheTables() throws {
        let sampler = fixtureSampler("server64")
        let a = sampler.sample(), b = sampler.sample()
        #expect(a.socketTablesSeconds == a.monotonicSeconds)
        #expect(b.socketTablesSeconds == b.monotonicSeconds)
        #expect(try #require(b.socketTablesCostSeconds) >= 0)
        #expect(Report(previous: a, current: b).tcpStateChanges?["ESTABLISHED"] == 0)
    }

    @Test func aBudgetReusesTheLastReadUntilItHasBeenPaidFor() throws {
        let sampler = fixtureSampler("server64")
        sampler.socketTableBudget = 1e-9          // any read's cost takes "forever" to pay back
        let a = sampler.sample(), b = sampler.sample()
        #expect(b.socketTablesSeconds == a.socketTablesSeconds)
        #expect(b.tcp == a.tcp && b.udp == a.udp)
        let r = Report(previous: a, current: b)
        #expect(r.tcpStateChanges == nil)       // unknown while a read is reused, not "no change"
        // The UDP sockets are read every sample, not with the walk: their rates are over the
        // sample interval (the fixture does not move: 0).
        #expect(r.udpDropRates == [7000: 0, 7002: 0])
        sampler.socketTableBudget = 1e9           // every read is cheap enough...
        let c = sampler.sample()
        #expect(c.socketTablesSeconds == a.socketTablesSeconds)   // ...but sockstat has not moved
        sampler.socketTableMaxAge = 0             // and once the last read is too old, read again
        let d = sampler.sample()
        #expect(d.socketTablesSeconds == d.monotonicSeconds)
    }

    /// sockstat's orphan and alloc are sums over every namespace: their moving alone (a container
    /// opening sockets) does not make this namespace walk again; its own inuse does.
    @Test func onlyThisNamespacesCountsTriggerAWalk() throws {
        let tree = try TreeCopy("server64")
        let sampler = tree.sampler()
        sampler.socketTableBudget = 1e9
        let a = sampler.sample()
        let original = try String(contentsOfFile: tree.root + "/proc/net/sockstat", encoding: .utf8)
        func sockstat(_ tcp: String) throws {
            let text = original.replacingOccurrences(of: "TCP: inuse 50 orphan 0 tw 4 alloc 52 mem 12", with: tcp)
            #expect(text != original)
            try tree.write("proc/net/sockstat", Array(text.utf8))
        }
        try sockstat("TCP: inuse 50 orphan 7 tw 4 alloc 900 mem 12")
        #expect(sampler.sample().socketTablesSeconds == a.socketTablesSeconds)
        try sockstat("TCP: inuse 51 orphan 7 tw 4 alloc 900 mem 12")
        let c = sampler.sample()
        #expect(c.socketTablesSeconds == c.monotonicSeconds)
    }
}
