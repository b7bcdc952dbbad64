import Testing
@testable import DropTopCore

private func table(_ text: String) throws -> PartialParse<PerCPUStatTable> {
    try parse(text) { b throws(ParseError) in try PerCPUStatParser.parse(b) }
}

private func fixtureTable(_ source: PerCPUStatSource, in fixture: String = "netstat_tables") -> (PerCPUStatTable?, [SourceError]) {
    FileReader(procRoot: fixtureRoot(fixture) + "/proc", sysRoot: fixtureRoot(fixture) + "/sys").perCPUStatTable(source)
}

/// nf_conntrack as a 4.x kernel printed it (delete_list, searched) on a busy 4-CPU host.
private let oldConntrack = """
entries  searched found new invalid ignore delete delete_list insert insert_failed drop early_drop icmp_error  expect_new \
expect_create expect_delete search_restart
0003fff0  00000000 0001a2b3 00010000 00000010 00000000 0000fff0 0000fff0 00010000 00000003 00000040 00000002 00000000  \
00000000 00000000 00000000 00000001
0003fff0  00000000 00020000 00010000 00000001 00000000 0000ffff 0000ffff 00010000 00000000 00000002 00000000 00000000  \
00000000 00000000 00000000 00000000
0003fff0  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000  \
00000000 00000000 00000000 00000000
0003fff0  00000000 00000001 00000001 00000000 00000000 00000001 00000001 00000001 00000000 00000000 00000000 00000000  \
00000000 00000000 00000000 00000000

"""

@Suite struct PerCPUStatTests {
    @Test func thisMachinesNeighbourTablesKeepTheLevelAndSumTheRest() throws {
        let (arp, arpErrors) = fixtureTable(.arpCache)
        #expect(arpErrors.isEmpty)
        let a = try #require(arp)
        #expect(a.entries == 2 && a.cpuRows == 2)
        #expect(a["allocs"] == 11 && a["destroys"] == 9 && a["lookups"] == 28 && a["hits"] == 2)
        #expect(a["periodic_gc_runs"] == 17 && a["unresolved_discards"] == 0 && a["table_fulls"] == 0)
        #expect(a.counters.keys.first == "allocs" && a.counters.count == 12 && a["entries"] == nil)
        let n = try #require(fixtureTable(.ndiscCache).0)
        #expect(n.entries == 4 && n["allocs"] == 6 && n["destroys"] == 2 && n["res_failed"] == 1)
    }

    @Test func thisMachinesConntrackTableIsReadByName() throws {
        let ct = try #require(fixtureTable(.nfConntrack).0)
        #expect(ct.entries == 0 && ct.cpuRows == 2)
        for name in ["drop", "early_drop", "insert_failed", "invalid", "chainlength", "search_restart", "clashres"] {
            #expect(ct[name] == 0, "\(name)")
        }
        #expect(ct["delete_list"] == nil)
    }

    @Test func anOlderConntrackLayoutSumsItsOwnColumns() throws {
        let parsed = try table(oldConntrack)
        #expect(parsed.problems.isEmpty)
        let ct = parsed.value
        #expect(ct.entries == 0x3fff0 && ct.cpuRows == 4)
        #expect(ct["found"] == 0x1a2b3 + 0x20000 + 1 && ct["insert_failed"] == 3 && ct["drop"] == 0x42)
        #expect(ct["early_drop"] == 2 && ct["delete_list"] == 0xfff0 + 0xffff + 1 && ct["search_restart"] == 1)
        #expect(ct["chainlength"] == nil)
    }

    @Test func aNewColumnIsKeptAndTabsSeparateAsWellAsSpaces() throws {
        let t = try table("entries\tsyn_received\tcookie_invalid\tbrand_new\n00000001\t00000002\t00000003\t0000000a\n"
            + "00000001\t00000002\t00000000\t00000005\n").value
        #expect(t.entries == 1 && t["syn_received"] == 4 && t["cookie_invalid"] == 3 && t["brand_new"] == 15)
        let noLevel = try table("hits misses\n1 2\n3 4\n").value
        #expect(noLevel.entries == nil && noLevel["hits"] == 4 && noLevel["misses"] == 6)
    }

    @Test func badRowsAreSkippedAndListedNeverTrusted() throws {
        let text = "entries allocs drops\n00000002 00000001 00000001\n00000002 00000001\n00000002 zz 00000001\n"
            + "00000002 00000001 00000001 00000009\n00000002 00000001 0000000g\n00000002 00000004 00000005"
        let parsed = try table(text)
        #expect(parsed.value.cpuRows == 2 && parsed.value["allocs"] == 5 && parsed.value["drops"] == 6)
        #expect(parsed.problems.count == 4, "\(parsed.problems)")
        #expect(parsed.problems.allSatisfy { $0.hasSuffix("row skipped") })
    }

    @Test func overflowingSumsAreLeftOutAndHopelessFilesThrow() throws {
        let parsed = try table("entries big small\n1 ffffffffffffffff 1\n1 1 1\n")
        #expect(parsed.value["big"] == nil && parsed.value["small"] == 2 && parsed.problems.count == 1)
        #expect(throws: ParseError.self) { try table("") }
        #expect(throws: ParseError.self) { try table("\n\n") }
        #expect(throws: ParseError.self) { try table("entries allocs\n") }
        #expect(throws: ParseError.self) { try table("00000001 00000002\n00000001 00000002\n") }
        #expect(throws: ParseError.self) { try table("entries allocs\n1 2 3\n") }
        #expect(throws: ParseError.self) { try table("entries allocs\n1 11111111111111111\n") }
    }

    @Test func anAbsentTableIsNilWithoutAnError() {
        let (ct, errors) = fixtureTable(.nfConntrack, in: "kernel310")
        #expect(ct == nil && errors.isEmpty)
        let (fullness, fullnessErrors) = FileReader(procRoot: fixtureRoot("kernel310") + "/proc").conntrackFullness()
        #expect(fullness == nil && fullnessErrors.isEmpty)
        #expect(PerCPUStatSource.allCases.map(\.relativePath) == ["net/stat/arp_cache", "net/stat/ndisc_cache", "net/stat/nf_conntrack"])
    }

    @Test func conntrackFullnessIsCountOverMax() throws {
        let (live, errors) = FileReader(procRoot: fixtureRoot("netstat_tables") + "/proc").conntrackFullness()
        #expect(errors.isEmpty && live == ConntrackFullness(count: 0, max: 262_144) && live?.fullness == 0)
        let f = try parse("5000\n") { c in try parse("10000\n") { m in try ConntrackCountParser.parse(count: c, max: m) } }
        #expect(f.count == 5000 && f.max == 10000 && f.fullness == 0.5)
        #expect(ConntrackFullness(count: 3, max: 0).fullness == nil)
        #expect(try parse("-1\n") { try ConntrackCountParser.number($0, "nf_conntrack_max") } == 0)
        for bad in ["", "\n", "x\n", "12 13\n", "99999999999999999999\n"] {
            #expect(throws: ParseError.self, "\(bad)") { try parse(bad) { try ConntrackCountParser.number($0, "n") } }
        }
    }
}
