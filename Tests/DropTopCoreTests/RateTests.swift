import Testing
@testable import DropTopCore

private func sample(at t: Double, interfaces: [(String, UInt64)] = [], softnet: [(Int, UInt64)] = [],
                    netRX: [UInt64]? = nil) -> Sample {
    var s = Sample(monotonicSeconds: t, wallSeconds: 1_700_000_000 + t, host: HostInfo(hostname: "h", kernel: "k"))
    s.interfaces = interfaces.map { name, rxBytes in
        var values = [UInt64](repeating: 0, count: 16)
        values[0] = rxBytes
        values[8] = rxBytes / 2
        return InterfaceSample(name: name, operstate: "up", carrier: 1, speedMbps: 1000, mtu: 1500, txQueueLen: 1000,
                               counters: NetDevCounters(values: values), statistics: nil)
    }
    if !softnet.isEmpty {
        s.softnet = softnet.map { SoftnetRow(cpu: $0.0, processed: $0.1, dropped: 0, timeSqueeze: 0) }
    }
    if let netRX { s.softirqs = SoftIRQCounts(cpuIDs: Array(0..<netRX.count), netRX: netRX, netTX: netRX) }
    return s
}

@Suite struct RateTests {
    @Test func plainRateIsDifferenceOverSeconds() {
        #expect(Rate.perSecond(from: 100, to: 350, seconds: 2) == 125)
        #expect(Rate.perSecond(from: 5, to: 5, seconds: 1) == 0)
        #expect(Rate.perSecond(from: 5, to: 6, seconds: 0) == nil)
    }

    @Test func a32BitWrapIsCountedAsAWrap() {
        // softnet_stat is 32-bit: 0xFFFFFFF0 -> 0x10 is 32 events.
        #expect(Rate.perSecond(from: 0xFFFF_FFF0, to: 0x10, seconds: 1) == 32)
    }

    @Test func anImpossibleJumpGivesNoRate() {
        #expect(Rate.perSecond(from: 0, to: UInt64.max, seconds: 1) == nil)
        #expect(Rate.perSecond(from: 5, to: 5 + (1 << 53) + 1, seconds: 1) == nil)
        // A fast but possible counter still has its rate: 100 Gbit/s of bytes for an hour.
        #expect(Rate.perSecond(from: 0, to: 45_000_000_000_000, seconds: 3600) == 12_500_000_000)
    }

    @Test func aResetGivesNoRateNeverANegativeOne() {
        #expect(Rate.perSecond(from: 5_000_000_000, to: 10, seconds: 1) == nil)     // 64-bit counter went down
        #expect(Rate.perSecond(from: 1000, to: 5, seconds: 1) == nil)               // small counter reset to near 0
        #expect(Rate.perSecond(from: UInt64.max, to: 0, seconds: 1) == nil)
    }

    @Test func interfacesAreMatchedByNameNotPosition() throws {
        let a = sample(at: 0, interfaces: [("eth0", 1000), ("eth1", 5000)])
        let b = sample(at: 2, interfaces: [("eth1", 7000), ("eth0", 3000)])
        let r = Report(previous: a, current: b)
        #expect(r.intervalSeconds == 2)
        let eth0 = try #require(r.interfaces.first { $0.name == "eth0" })
        #expect(eth0.rate(.rxBytes) == 1000)
        #expect(eth0.rate(.txBytes) == 500)
        #expect(r.interfaces.first { $0.name == "eth1" }?.rate(.rxBytes) == 1000)
        // %ifutil: 1000 B/s of a 1000 Mbit/s link.
        #expect(abs((eth0.utilPercent ?? -1) - 0.0008) < 1e-9)
    }

    @Test func anInterfaceThatAppearsHasNoRateUntilItsSecondSample() throws {
        let a = sample(at: 0, interfaces: [("eth0", 1000)])
        let b = sample(at: 1, interfaces: [("eth0", 2000), ("veth9", 50)])
        let r = Report(previous: a, current: b)
        let veth = try #require(r.interfaces.first { $0.name == "veth9" })
        #expect(veth.rates.allSatisfy { $0 == nil })
        #expect(veth.utilPercent == nil)
    }

    @Test func aReCreatedInterfaceGivesUnknownRatesForOneInterval() throws {
        // Counters of a re-created interface restart near zero: no negative rate, no spike.
        let a = sample(at: 0, interfaces: [("veth0", 9_000_000_000)])
        let b = sample(at: 1, interfaces: [("veth0", 100)])
        let r = Report(previous: a, current: b)
        let veth = try #require(r.interfaces.first)
        #expect(veth.rate(.rxBytes) == nil)
        #expect(r.interfaces.allSatisfy { $0.rates.allSatisfy { ($0 ?? 0) >= 0 } })
    }

    @Test func aCPUGoingOfflineIsDroppedAndOneComingBackHasNoRate() {
        let a = sample(at: 0, softnet: [(0, 100), (1, 200), (2, 300)])
        let b = sample(at: 1, softnet: [(0, 150), (2, 330)])
        let r = Report(previous: a, current: b)
        #expect(r.cpus.map(\.cpu) == [0, 2])
        #expect(r.cpus[1].softnetRates["processed"] == 30)
        let c = sample(at: 2, softnet: [(0, 160), (1, 5), (2, 340)])
        let r2 = Report(previous: b, current: c)
        #expect(r2.cpus.map(\.cpu) == [0, 1, 2])
        #expect(r2.cpus[1].softnetRates["processed"] == .some(nil))
    }

    @Test func softnetWrapAcrossSamples() {
        let a = sample(at: 0, softnet: [(0, 0xFFFF_FF00)])
        let b = sample(at: 1, softnet: [(0, 0x100)])
        #expect(Report(previous: a, current: b).cpus[0].softnetRates["processed"] == 512)
    }

    @Test func aSingleSampleHasOnlyNullRates() {
        let r = Report(previous: nil, current: sample(at: 0, interfaces: [("eth0", 1)], netRX: [5, 6]))
        #expect(r.intervalSeconds == nil)
        #expect(r.interfaces[0].rates.allSatisfy { $0 == nil })
        #expect(r.cpus.allSatisfy { $0.netRXPerSecond == nil })
    }

    @Test func retransPercentIsRetransOverOutSegs() {
        var a = sample(at: 0), b = sample(at: 1)
        var t0 = ProtocolSection(), t1 = ProtocolSection()
        t0.counters = ["OutSegs": 1000, "RetransSegs": 10]
        t1.counters = ["OutSegs": 1200, "RetransSegs": 14]
        a.protocols = ["Tcp": t0]; b.protocols = ["Tcp": t1]
        let r = Report(previous: a, current: b)
        #expect(r.retransPercent == 2)
        #expect(r.rate("Tcp", "OutSegs") == 200)
    }
}

/// Values a driver or a crafted recording can produce must never stop the program.
@Suite struct ExtremeValueTests {
    @Test func doubleConversionsSaturateInsteadOfTrapping() {
        #expect(Double.nan.saturatingInt64 == 0)
        #expect(Double.infinity.saturatingInt64 == .max)
        #expect((-Double.infinity).saturatingInt64 == .min)
        #expect(9_223_372_036_854_775_808.0.saturatingInt64 == .max)
        #expect((-1e300).saturatingInt64 == .min)
        #expect(1.9.saturatingInt64 == 1 && (-1.9).saturatingInt64 == -1)
        #expect((-5.0).saturatingUInt64 == 0 && 1e30.saturatingUInt64 == .max && Double.nan.saturatingUInt64 == 0)
        #expect(1e300.clampedEpochSeconds == 253_402_300_799 && Double.nan.clampedEpochSeconds == 0)
    }

    @Test func aCounterJumpingTo2To64HasNoRateButEveryOutputPrintsTheCounter() throws {
        // A driver reporting 2^64-1 right after 0 is garbage, not 1.8e19 bytes/s: no rate.
        let r = Report(previous: sample(at: 0, interfaces: [("eth0", 0)]),
                       current: sample(at: 1, interfaces: [("eth0", UInt64.max)]))
        #expect(r.interfaces.first?.rate(.rxBytes) == nil)
        let json = JSONReport.document(r).serialized()
        #expect(json.contains("18446744073709551615"))
        #expect(PrometheusReport.text(r).contains("droptop_network_receive_bytes_total{device=\"eth0\"} 1.8446744073709552e+19"))
        var text = TextReport(groups: ColumnGroup.batchGroups)
        #expect(text.render(r).contains("eth0"))
    }

    @Test func anIntervalUnderAMillisecondGivesNoRatesRatherThanInfiniteOnes() {
        let r = Report(previous: sample(at: 5, interfaces: [("eth0", 0)]),
                       current: sample(at: 5 + 1e-12, interfaces: [("eth0", UInt64.max)]))
        #expect(r.intervalSeconds == nil)
        #expect(r.interfaces.first?.rate(.rxBytes) == nil)
    }

    @Test func timesOutsideTheCalendarAreClampedNotFatal() {
        #expect(JSONReport.isoTime(1e300) == "9999-12-31T23:59:59.000Z")
        #expect(JSONReport.isoTime(-1e300).hasPrefix("0000-01-01T"))
        #expect(!TimeText.clock(.nan).isEmpty)
        #expect(JSONValue.format(.infinity) == "null" && JSONValue.format(2.5e20) == "2.5e+20")
        #expect(PrometheusReport.format(-.infinity) == "-Inf" && PrometheusReport.format(.nan) == "NaN")
    }
}

@Suite struct UtilizationTests {
    func report(duplex: String?) -> InterfaceReport? {
        var before = sample(at: 0, interfaces: [("eth0", 0)])
        var after = sample(at: 1, interfaces: [("eth0", 12_500_000)])   // 100 Mbit/s in, 50 out
        before.interfaces[0].duplex = duplex
        after.interfaces[0].duplex = duplex
        return Report(previous: before, current: after).interfaces.first
    }

    @Test func fullDuplexCountsTheBusierDirectionHalfDuplexBoth() {
        #expect(report(duplex: "full")?.utilPercent == 10)     // 100 Mbit/s of 1000
        #expect(report(duplex: nil)?.utilPercent == 10)        // unknown: full, as sar assumes
        #expect(report(duplex: "half")?.utilPercent == 15)     // 100 + 50 share the wire
    }

    @Test func duplexIsReadWhereThereIsASpeed() throws {
        let s = fixtureSampler("kernel310").sample()
        #expect(s.interfaces.first { $0.name == "eth0" }?.duplex == "half")
        let server = fixtureSampler("server64").sample()
        #expect(server.interfaces.first { $0.name == "eth0" }?.duplex == "full")
        #expect(server.interfaces.first { $0.name == "eth1" }?.duplex == nil)   // speed -1: not read
    }
}
