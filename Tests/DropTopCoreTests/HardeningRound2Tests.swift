import Foundation
import Testing
@testable import DropTopCore

/// Issue 16, round 2: what the fault matrix (Tests/fault_matrix.py) found, one test each.
@Suite struct HardeningRound2Tests {
    static let names = " face |bytes packets errs drop fifo frame compressed multicast|bytes packets errs drop fifo colls carrier compressed"
    static let groups = "Inter-|   Receive                                                |  Transmit"

    func netdev(_ names: String, _ row: String, groups: String = Self.groups) throws -> PartialParse<[NetDevEntry]> {
        try parse(groups + "\n" + names + "\n" + row + "\n") { try NetDevParser.parse($0) }
    }

    @Test func netDevColumnsAreReadByTheHeadersNames() throws {
        let plain = try netdev(Self.names, "eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16")
        // Receive's errs and drop swapped in the header and the row: the same counters.
        let swapped = try netdev(Self.names.replacingOccurrences(of: "errs drop fifo frame", with: "drop errs fifo frame"),
                                 "eth0: 1 2 4 3 5 6 7 8 9 10 11 12 13 14 15 16")
        #expect(swapped.value == plain.value && swapped.problems.isEmpty)
        // A column the kernel may add some day is skipped by its name.
        let extra = try netdev(Self.names.replacingOccurrences(of: "multicast|", with: "multicast newcol|"),
                               "eth0: 1 2 3 4 5 6 7 8 99 9 10 11 12 13 14 15 16")
        #expect(extra.value == plain.value && extra.problems.isEmpty)
        // Transmit first: the group titles say which is which.
        let flipped = try netdev(" face |" + Self.names.split(separator: "|")[2] + "|" + Self.names.split(separator: "|")[1],
                                 "eth0: 9 10 11 12 13 14 15 16 1 2 3 4 5 6 7 8",
                                 groups: "Inter-|  Transmit |   Receive")
        #expect(flipped.value == plain.value)
    }

    @Test func aMissingNetDevColumnIsReportedAndReadAsZero() throws {
        let parsed = try netdev(Self.names.replacingOccurrences(of: " errs drop fifo frame", with: " errs fifo frame"),
                                "eth0: 1 2 3 5 6 7 8 9 10 11 12 13 14 15 16")
        let counters = try #require(parsed.value.first?.counters)
        #expect(counters[.rxDrop] == 0 && counters[.rxFifo] == 5 && counters[.txBytes] == 9)
        #expect(parsed.problems == ["the header has no rx_drop column; read as 0"])
    }

    @Test func netDevWithoutNamesIsReadByPosition() throws {
        let parsed = try parse("eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n") { try NetDevParser.parse($0) }
        #expect(parsed.value.first?.counters.values == Array(1...16).map(UInt64.init))
    }

    @Test func aNegativeInterruptCountSkipsItsRowWithAProblem() throws {
        let text = "           CPU0       CPU1\n  24:   -5   7   IR-PCI-MSI 1-edge   eth0\n  25:   1   2   IR-PCI-MSI 2-edge eth1\n"
        let table = try parse(text) { try InterruptsParser.parse($0) }
        #expect(table.rows.map(\.id) == ["25"])
        #expect(table.problems == ["line 2 (IRQ 24): a negative count in column 1; row skipped"])
    }

    @Test func aTableCutMidLineLeavesOutItsLastLineAndSaysSo() throws {
        let tree = try TreeCopy("server64")
        let whole = try String(contentsOfFile: tree.root + "/proc/interrupts", encoding: .utf8)
        try tree.write("proc/interrupts", Array(whole.utf8.dropLast(20)))
        let s = tree.sampler().sample()
        #expect(s.errors.contains(SourceError(source: "/proc/interrupts", message: FileReader.cutShort)), "\(s.errors)")
        #expect(s.interruptCPUs != nil)
        // A value file of one line without its newline is still read.
        try tree.write("proc/sys/net/core/somaxconn", Array("4096".utf8))
        #expect(tree.sampler().sample().sysctl["net.core.somaxconn"] == "4096")
    }

    @Test func sysLinkFactsAreValidated() throws {
        func check<T: Equatable>(_ text: String, _ parser: (UnsafeBufferPointer<UInt8>) throws(ParseError) -> T) -> T? {
            try? parse(text) { b in try parser(b) }
        }
        let operstate = { (b: UnsafeBufferPointer<UInt8>) throws(ParseError) in
            try LinkFactParser.word(b, allowed: LinkFactParser.operstates, what: "an operstate")
        }
        #expect(check("lowerlayerdown\n", operstate) == "lowerlayerdown")
        for bad in ["upp\n", "up 77\n", "u", "\n", "\u{1b}[31m\n"] { #expect(check(bad, operstate) == nil, "\(bad)") }
        #expect(check("1\n", LinkFactParser.carrier) == 1)
        for bad in ["2\n", "-1\n", "1"] { #expect(check(bad, LinkFactParser.carrier) == nil) }
        #expect(check("65536\n", LinkFactParser.mtu) == 65536)
        #expect(check("2147483648\n", LinkFactParser.mtu) == nil)
        #expect(check("-1\n", LinkFactParser.speed) == .some(nil))
        #expect(check("4294967295\n", LinkFactParser.speed) == .some(nil))
        #expect(check("-5\n", LinkFactParser.speed) == nil)
        #expect(check("18446744073709551615\n", LinkFactParser.counter) == UInt64.max)
        #expect(check("18446744073709551616\n", LinkFactParser.counter) == nil)
    }

    @Test func anInvalidSysValueIsNullWithAnErrorNamingTheFile() throws {
        let tree = try TreeCopy("server64")
        try tree.write("sys/class/net/eth0/duplex", Array("sideways\n".utf8))
        try tree.write("sys/class/net/eth0/mtu", Array("-5\n".utf8))
        try tree.write("sys/class/net/eth0/statistics/rx_missed_errors", Array("garbage\n".utf8))
        let s = tree.sampler().sample()
        let eth0 = s.interfaces[1]
        #expect(eth0.duplex == nil && eth0.mtu == nil && eth0.statistics?["rx_missed_errors"] == nil)
        #expect(eth0.speedMbps == 10000 && eth0.operstate == "up")
        let sources = Set(s.errors.map(\.source))
        #expect(sources == ["/sys/class/net/eth0/duplex", "/sys/class/net/eth0/mtu",
                            "/sys/class/net/eth0/statistics/rx_missed_errors"], "\(s.errors)")
        #expect(!s.errors.contains { $0.message.contains("sideways") || $0.message.contains("garbage") })
    }

    @Test func aMissingSNMP6KeepsTheOtherIPv6Files() throws {
        let tree = try TreeCopy("server64")
        try FileManager.default.removeItem(atPath: tree.root + "/proc/net/snmp6")
        let without = tree.sampler().sample()
        let with = fixtureSampler("server64").sample()
        #expect(without.tcp == with.tcp && without.udp == with.udp && without.sockstat == with.sockstat)
        #expect(without.errors.map(\.source) == ["/proc/net/snmp6"])
    }

    @Test func aRefusedSysctlIsReportedOnEverySample() throws {
        let tree = try TreeCopy("server64")
        try FileManager.default.removeItem(atPath: tree.root + "/proc/sys/net/core/somaxconn")
        #expect(mkfifo(tree.root + "/proc/sys/net/core/somaxconn", 0o600) == 0)
        let sampler = tree.sampler()
        for _ in 0..<3 {
            #expect(sampler.sample().errors.map(\.source) == ["/proc/sys/net/core/somaxconn"])
        }
    }

    @Test func aNegativeConntrackCountIsAnError() throws {
        #expect(throws: ParseError.self) { try parse("-5\n") { try ConntrackCountParser.number($0, "nf_conntrack_count") } }
        #expect(try parse("-1\n") { try ConntrackCountParser.number($0, "nf_conntrack_max") } == 0)
    }

    @Test func aSocketTableWhoseHeaderMovesAColumnIsRefused() throws {
        let row = "   0: 0100007F:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1\n"
        let kernel = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
        let udp6 = "  sl  local_address remote_addressst tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n"
        for header in [kernel, udp6] {
            #expect(try parse(header + row) { try SocketTableParser.forEachRow($0, hasDrops: false) { _ in } }.rows == 1)
        }
        let moved = kernel.replacingOccurrences(of: "local_address rem_address", with: "rem_address local_address")
        let extra = kernel.replacingOccurrences(of: " st ", with: " st extra ")
        for header in [moved, extra] {
            #expect(throws: ParseError.self) { try parse(header + row) { try SocketTableParser.forEachRow($0, hasDrops: false) { _ in } } }
        }
    }
}
