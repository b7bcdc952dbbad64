import OrderedCollections
import Synchronization

/// What outputs rendered of a quiet namespace's interfaces, sockstat and protocol counters,
/// by part name ("interfaces", "protocols"...): NamespaceTriage hands the same memo to each
/// report while those readings stay what they were (every rate 0), and a new one when they move.
public final class RenderMemo: Sendable {
    private let parts = Mutex<[String: String]>([:])

    public init() {}

    /// The part rendered before, or `make()` kept for the next report.
    public func text(_ part: String, _ make: () -> String) -> String {
        if let kept = parts.withLock({ $0[part] }) { return kept }
        let made = make()
        parts.withLock { $0[part] = made }
        return made
    }
}

/// An idle namespace costs little per report. ProtocolGate keeps its protocol counters while no
/// interface counter moved, so they are equal to the last report's and every protocol rate is
/// exactly 0: those ~400 rates are not computed again. When everything the triage rules read is
/// equal to the last sample's, and was equal to the one before too, the rules would see the same
/// report twice (same gauges, all rates 0): the last findings hold as they were.
enum QuietNamespace {
    /// The namespace's report; protocol rates of unchanged counters are the kept zeros.
    static func report(previous: NamespaceSample?, current: NamespaceSample, zeros: inout ZeroRates?) -> Report {
        guard let old = previous?.sample, let protocols = current.sample.protocols, old.protocols == protocols else {
            return Report(previous: previous?.sample, current: current.sample)
        }
        var before = old, now = current.sample
        before.protocols = nil
        now.protocols = nil
        var report = Report(previous: before, current: now)
        guard report.intervalSeconds != nil else { return Report(previous: old, current: current.sample) }
        let table = zeros.flatMap { $0.protocols == protocols ? $0 : nil } ?? ZeroRates(protocols)
        zeros = table
        report.sample = current.sample
        // Report's order: the protocol sections, then the /proc/net/stat tables (a name in both keeps the first).
        report.protocolRates = table.rates.merging(report.protocolRates) { a, _ in a }
        return report
    }

    /// The last report again, for a namespace whose readings are those of the last two samples:
    /// the same rates (all 0) and findings, with the new sample and what Report derives from the
    /// times (the interval, the socket tables' state changes and drop rates).
    static func repeated(_ last: Report, previous: Sample, current: Sample) -> Report {
        let previous = current.startsRun == true ? nil : previous
        var report = last
        report.sample = current
        report.intervalSeconds = Report.seconds(from: previous?.monotonicSeconds, to: current.monotonicSeconds)
        report.tcpStateChanges = Report.tcpStateChanges(previous: previous, current: current)
        report.udpDropRates = Report.udpDropRates(previous: previous, current: current, seconds: report.intervalSeconds)
        return report
    }

    /// Whether `a` and `b` read the same in everything a namespace's report and findings are
    /// built on, apart from the time they were read.
    static func sameReadings(_ a: NamespaceSample, _ b: NamespaceSample) -> Bool {
        let x = a.sample, y = b.sample
        return x.interfaces == y.interfaces && x.protocols == y.protocols && x.sockstat == y.sockstat
            && x.tcp == y.tcp && x.udp == y.udp && x.statTables == y.statTables && x.conntrack == y.conntrack
            && x.qdiscs == y.qdiscs && x.sysctl == y.sysctl && x.errors == y.errors && x.dropReasons == y.dropReasons
            && a.owners == b.owners && a.identity == b.identity
    }
}

/// Every protocol counter's rate at 0, for counters that did not move; built once per set of counters.
struct ZeroRates {
    let protocols: ProtocolCounters
    let rates: OrderedDictionary<String, OrderedDictionary<String, Double?>>

    init(_ protocols: ProtocolCounters) {
        self.protocols = protocols
        var rates = OrderedDictionary<String, OrderedDictionary<String, Double?>>()
        for (section, values) in protocols {
            rates[section] = OrderedDictionary(uniqueKeys: values.counters.keys, values: repeatElement(0, count: values.counters.count))
        }
        self.rates = rates
    }
}
