import Testing
@testable import DropTopCore

@Suite struct SNMPParserTests {
    @Test func readsColumnsByNameAndKeepsGaugesApart() throws {
        let text = """
        Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens CurrEstab RetransSegs NewColumn
        Tcp: 1 200 120000 -1 9 2 5 7 42
        Udp: InDatagrams NoPorts
        Udp: 15 3

        """
        let parsed = try parse(text) { try SNMPParser.parsePairs($0) }
        #expect(parsed.problems.isEmpty)
        let tcp = try #require(parsed.value["Tcp"])
        #expect(tcp.counters["ActiveOpens"] == 9)
        #expect(tcp.counters["RetransSegs"] == 7)
        #expect(tcp.counters["NewColumn"] == 42)
        #expect(tcp.gauges["MaxConn"] == -1)
        #expect(tcp.gauges["CurrEstab"] == 5)
        #expect(tcp.counters["CurrEstab"] == nil)
        #expect(parsed.value["Udp"]?.counters["NoPorts"] == 3)
    }

    @Test func aBrokenSectionCostsOnlyThatSection() throws {
        let text = """
        Ip: Forwarding InReceives
        Ip: 1 100
        Icmp: InMsgs InErrors
        Udp: InDatagrams
        Udp: 5

        """
        let parsed = try parse(text) { try SNMPParser.parsePairs($0) }
        #expect(parsed.value["Ip"]?.counters["InReceives"] == 100)
        #expect(parsed.value["Icmp"] == nil)
        #expect(!parsed.problems.isEmpty)
    }

    @Test func thisMachinesNetstatHasTcpExtAndMPTcpExt() throws {
        let sample = fixtureSampler("thismachine").sample()
        let protocols = try #require(sample.protocols)
        #expect(protocols["TcpExt"]?.counters["ListenOverflows"] == 0)
        #expect(protocols["TcpExt"]?.counters["TCPTimeouts"] == 2)
        #expect(protocols["IpExt"]?.counters["InOctets"] == 8366)
        #expect(protocols["MPTcpExt"] != nil)
        #expect(protocols["Tcp"]?.counters["OutSegs"] == 65)
        #expect(protocols["Ip"]?.gauges["Forwarding"] == 2)
        #expect(protocols["IcmpMsg"]?.counters["InType3"] == 1)
    }

    @Test func snmp6CountersAreFiledBySection() throws {
        let text = "Ip6InReceives \t1\nIcmp6InMsgs 2\nIcmp6InType133 3\nUdp6RcvbufErrors 4\nUdpLite6InDatagrams 5\n"
        let p = try parse(text) { try SNMPParser.parseSNMP6($0) }.value
        #expect(p["Ip6"]?.counters["InReceives"] == 1)
        #expect(p["Icmp6"]?.counters["InMsgs"] == 2)
        #expect(p["Icmp6Msg"]?.counters["InType133"] == 3)
        #expect(p["Udp6"]?.counters["RcvbufErrors"] == 4)
        #expect(p["UdpLite6"]?.counters["InDatagrams"] == 5)
    }

    @Test func oldKernelWithoutNewerColumns() throws {
        let sample = fixtureSampler("kernel310").sample()
        let tcp = try #require(sample.protocols?["Tcp"])
        #expect(tcp.counters["InCsumErrors"] == nil)
        #expect(tcp.counters["RetransSegs"] == 5)
        #expect(sample.protocols?["IcmpMsg"] == nil)
    }
}

@Suite struct InterruptParserTests {
    @Test func headerNamesTheCPUsAndShortRowsAreKept() throws {
        let text = """
                   CPU0       CPU2       CPU3
          24:          1          0          7  IO-APIC   5-edge      ACPI:Ged
          38:          0         37          2  PCI-MSIX-0000:00:03.0   1-edge      virtio2-input.0
         NMI:          0          0          0   Non-maskable interrupts
         ERR:          0
         MIS:          3

        """
        let table = try parse(text) { try InterruptsParser.parse($0) }
        #expect(table.cpuIDs == [0, 2, 3])
        #expect(table.rows.map(\.id) == ["24", "38", "NMI", "ERR", "MIS"])
        #expect(table.rows[1].counts == [0, 37, 2])
        #expect(table.rows[1].description == "PCI-MSIX-0000:00:03.0 1-edge virtio2-input.0")
        #expect(table.rows[2].description == "Non-maskable interrupts")
        #expect(table.rows[4].counts == [3])
    }

    @Test func networkIRQsAreMappedByNameAndByMSIDirectory() throws {
        let sample = fixtureSampler("server64").sample()
        let irqs = try #require(sample.networkIRQs)
        #expect(irqs.filter { $0.interface == "eth0" }.count == 16)
        #expect(irqs.filter { $0.interface == "ens1f0" }.count == 16)
        #expect(!irqs.contains { $0.irq == "0" })
        #expect(sample.interruptCPUs?.count == 62)
        let q3 = try #require(irqs.first { $0.irq == "103" })
        #expect(q3.counts[3] == 4000)
        #expect(q3.counts[4] == 0)
    }

    @Test func virtioQueuesBelongToTheirInterface() throws {
        let sample = fixtureSampler("thismachine").sample()
        let irqs = try #require(sample.networkIRQs)
        #expect(Set(irqs.map(\.irq)) == ["37", "38", "39"])
        #expect(irqs.allSatisfy { $0.interface == "eth0" })
    }

    @Test func softirqsNetRows() throws {
        let text = "                    CPU0       CPU1\n      NET_TX:          3          0\n      NET_RX:         69         42\n"
        let s = try parse(text) { try SoftIRQsParser.parse($0) }
        #expect(s.netRX == [69, 42])
        #expect(s.netTX == [3, 0])
    }
}

@Suite struct SoftnetParserTests {
    @Test func fifteenColumnsUseTheCPUIndexColumn() throws {
        let text = "00000019 00000002 00000003 00000000 00000000 00000000 00000000 00000000 00000000 00000004 00000005 00000006 00000007 00000000 00000000\n"
        let rows = try parse(text) { try SoftnetParser.parse($0) }
        #expect(rows.count == 1)
        #expect(rows[0].cpu == 7)
        #expect(rows[0].processed == 0x19)
        #expect(rows[0].dropped == 2)
        #expect(rows[0].timeSqueeze == 3)
        #expect(rows[0].receivedRPS == 4)
        #expect(rows[0].flowLimitCount == 5)
        #expect(rows[0].backlog == 6)
    }

    @Test func tenColumnsOnOldKernelsNumberRowsByOnlineCPUs() throws {
        let sample = fixtureSampler("kernel310").sample()
        let rows = try #require(sample.softnet)
        #expect(rows.map(\.cpu) == [0, 1])
        #expect(rows[0].processed == 123_456)
        #expect(rows[0].flowLimitCount == nil)
        let online = try parse("00000001 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000\n00000002 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000\n") {
            try SoftnetParser.parse($0, onlineCPUs: [0, 3])
        }
        #expect(online.map(\.cpu) == [0, 3])
    }

    @Test func garbageIsAnError() {
        #expect(throws: ParseError.self) { try parse("zzzz 0000\n") { try SoftnetParser.parse($0) } }
        #expect(throws: ParseError.self) { try parse("00000001 00000002\n") { try SoftnetParser.parse($0) } }
    }
}
