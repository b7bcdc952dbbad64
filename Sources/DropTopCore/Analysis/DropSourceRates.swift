import OrderedCollections

/// One qdisc with the rates of its counters over the interval.
public struct QdiscReport: Sendable {
    public var stats: QdiscStats
    public var dropsPerSecond: Double?
    public var overlimitsPerSecond: Double?
    public var requeuesPerSecond: Double?
    public var packetsPerSecond: Double?
}

/// An interface's root qdiscs taken together (mq sums its children on dump; a classful root
/// such as htb counts its classes' drops): what the QDISC group and the qdisc-drops rule read.
public struct QdiscInterfaceReport: Sendable {
    public var interface: String
    /// The root qdisc's kind ("tbf", "mq", "pfifo_fast"; joined with "+" if there are several).
    public var kind: String
    public var drops: UInt64
    public var dropsPerSecond: Double?
    public var overlimitsPerSecond: Double?
    public var requeuesPerSecond: Double?
    public var packetsPerSecond: Double?
    /// Bytes and packets queued now.
    public var backlog: UInt64
    public var qlen: UInt64
}

extension Report {
    /// Rates of the /proc/net/stat tables, filed under their sections ("ArpCache", ...); the
    /// `entries` level is not a counter and stays in the sample.
    static func statTableRates(previous: Sample?, current: Sample, seconds: Double?)
        -> OrderedDictionary<String, OrderedDictionary<String, Double?>> {
        var out = OrderedDictionary<String, OrderedDictionary<String, Double?>>()
        for (file, table) in current.statTables ?? [:] {
            guard let source = PerCPUStatSource(rawValue: file) else { continue }
            let old = previous?.statTables?[file]
            var rates = OrderedDictionary<String, Double?>()
            for (name, value) in table.counters {
                rates[name] = Rate.perSecond(from: old?.counters[name], to: value, seconds: seconds)
            }
            out[source.section] = rates
        }
        return out
    }

    /// Qdiscs matched between samples by interface, handle, parent and kind (ifindex changes
    /// when a link is recreated; a qdisc replaced by another kind starts again).
    static func qdiscReports(previous: Sample?, current: Sample, seconds: Double?) -> [QdiscReport] {
        func key(_ q: QdiscStats) -> String { "\(q.interface)\u{0}\(q.handle)\u{0}\(q.parent)\u{0}\(q.kind)" }
        let old = Dictionary((previous?.qdiscs ?? []).map { (key($0), $0) }, uniquingKeysWith: { a, _ in a })
        return (current.qdiscs ?? []).map { q in
            let o = old[key(q)]
            return QdiscReport(stats: q, dropsPerSecond: Rate.perSecond(from: o?.drops, to: q.drops, seconds: seconds),
                               overlimitsPerSecond: Rate.perSecond(from: o?.overlimits, to: q.overlimits, seconds: seconds),
                               requeuesPerSecond: Rate.perSecond(from: o?.requeues, to: q.requeues, seconds: seconds),
                               packetsPerSecond: Rate.perSecond(from: o?.packets, to: q.packets, seconds: seconds))
        }
    }

    /// Root qdiscs summed per interface, in the order the kernel listed them.
    public var qdiscInterfaces: [QdiscInterfaceReport] {
        var out: [QdiscInterfaceReport] = []
        for q in qdiscs where q.stats.isRoot {
            let s = q.stats
            if let i = out.firstIndex(where: { $0.interface == s.interface }) {
                out[i].kind += "+" + s.kind
                out[i].drops &+= s.drops
                out[i].dropsPerSecond = Self.sum(out[i].dropsPerSecond, q.dropsPerSecond)
                out[i].overlimitsPerSecond = Self.sum(out[i].overlimitsPerSecond, q.overlimitsPerSecond)
                out[i].requeuesPerSecond = Self.sum(out[i].requeuesPerSecond, q.requeuesPerSecond)
                out[i].packetsPerSecond = Self.sum(out[i].packetsPerSecond, q.packetsPerSecond)
                out[i].backlog &+= s.backlog
                out[i].qlen &+= s.qlen
            } else {
                out.append(QdiscInterfaceReport(
                    interface: s.interface, kind: s.kind, drops: s.drops, dropsPerSecond: q.dropsPerSecond,
                    overlimitsPerSecond: q.overlimitsPerSecond, requeuesPerSecond: q.requeuesPerSecond,
                    packetsPerSecond: q.packetsPerSecond, backlog: s.backlog, qlen: s.qlen))
            }
        }
        return out
    }

    /// Unknown when either is unknown.
    static func sum(_ a: Double?, _ b: Double?) -> Double? { a.flatMap { a in b.map { a + $0 } } }

    /// nf_conntrack_count / nf_conntrack_max in percent; nil without a limit or without conntrack.
    public var conntrackFullnessPercent: Double? { sample.conntrack?.fullness.map { $0 * 100 } }
}
