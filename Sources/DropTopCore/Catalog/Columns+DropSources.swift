/// What a QDISC column shows of an interface's root qdiscs.
public enum QdiscFigure: Sendable {
    case drops, overlimits, requeues, backlog, qlen
}

/// The columns and batch groups of the neighbour tables, connection tracking and qdiscs.
extension Column {
    // MARK: per interface, root qdiscs (droptop's QDISC group), rtnetlink
    public static let qdiscDrops = Column("qdrop/s", trouble: .loss, .qdisc(.drops), layer: .nic,
                                          meaning: "packets the interface's queueing discipline dropped",
                                          knob: "tc -s qdisc show dev IF")
    public static let qdiscOverlimits = Column("qovlim/s", trouble: .warning, .qdisc(.overlimits), layer: .nic,
                                               meaning: "times a shaper held packets back for exceeding its rate",
                                               knob: "tc -s qdisc show dev IF (rate, burst)")
    public static let qdiscRequeues = Column("requeue/s", trouble: .warning, .qdisc(.requeues), layer: .nic,
                                             meaning: "packets the driver handed back to the qdisc (its ring was busy)",
                                             knob: "ethtool -g IF (tx ring)")
    public static let qdiscBacklog = Column("backlog", unit: .count, .qdisc(.backlog), meaning: "bytes queued in the qdisc now")
    public static let qdiscQlen = Column("qlen", unit: .count, .qdisc(.qlen), meaning: "packets queued in the qdisc now")

    // MARK: per neighbour table (droptop's NEIGH group), /proc/net/stat/arp_cache and ndisc_cache
    public static let neighUnresolved = Column("unres/s", trouble: .loss, .statTable(.arpUnresolvedDiscards), layer: .ip,
                                               meaning: "packets dropped while waiting for ARP/ND resolution (host-wide)",
                                               knob: "net.ipv4.neigh.default.unres_qlen_bytes")
    public static let neighTableFulls = Column("tblful/s", trouble: .loss, .statTable(.arpTableFulls), layer: .ip,
                                               meaning: "neighbour entries refused: table full (host-wide)",
                                               knob: "net.ipv4.neigh.default.gc_thresh3")
    public static let neighResFailed = Column("resfail/s", trouble: .warning, .statTable(.arpResFailed), layer: .ip,
                                              meaning: "neighbour resolutions that got no answer (host-wide)",
                                              knob: "ip neigh show nud failed")
    public static let neighForcedGC = Column("forcgc/s", trouble: .warning, .statTable(.arpForcedGCRuns), layer: .ip,
                                             meaning: "forced garbage collections of a crowded neighbour table (host-wide)",
                                             knob: "net.ipv4.neigh.default.gc_thresh2, gc_thresh3")

    // MARK: connection tracking (droptop's CT group), /proc/net/stat/nf_conntrack and nf_conntrack_count
    public static let ctDrop = Column("ctdrop/s", trouble: .loss, .statTable(.conntrackDrop), layer: .ip,
                                      meaning: "packets dropped: conntrack table full", knob: "net.netfilter.nf_conntrack_max")
    public static let ctEarlyDrop = Column("ctedrp/s", trouble: .loss, .statTable(.conntrackEarlyDrop), layer: .ip,
                                           meaning: "unconfirmed entries evicted to make room", knob: "net.netfilter.nf_conntrack_max")
    public static let ctInsertFailed = Column("ctinsf/s", trouble: .loss, .statTable(.conntrackInsertFailed), layer: .ip,
                                              meaning: "entries that clashed on insert; packet dropped", knob: "conntrack -S")
    public static let ctInvalid = Column("ctinvl/s", trouble: .warning, .statTable(.conntrackInvalid), layer: .ip,
                                         meaning: "packets conntrack could not track", knob: "conntrack -S")
    public static let ctFull = Column("%ctfull", unit: .percent, trouble: .warning, .conntrackFullness, layer: .ip,
                                      meaning: "nf_conntrack_count as a share of nf_conntrack_max", knob: "net.netfilter.nf_conntrack_max")
}

extension ColumnGroup {
    public static let qdisc = ColumnGroup("QDISC", [.qdiscDrops, .qdiscOverlimits, .qdiscRequeues, .qdiscBacklog, .qdiscQlen])
    public static let neigh = ColumnGroup("NEIGH", [.neighUnresolved, .neighTableFulls, .neighResFailed, .neighForcedGC])
    public static let ct = ColumnGroup("CT", [.ctDrop, .ctEarlyDrop, .ctInsertFailed, .ctInvalid, .ctFull])

    /// Rows of the QDISC, NEIGH and CT groups: only items that were read, so a host or a
    /// recording without these sources prints nothing for them.
    func dropSourceRows(_ r: Report) -> [(item: String?, values: [Double?])] {
        switch scope {
        case .qdisc:
            return r.qdiscInterfaces.map { q in (q.interface, columns.map { $0.value(q) }) }
        case .neighbour:
            let tables = JSONReport.neighbourTables.filter { r.sample.statTables?[$0.rawValue] != nil }
            return tables.map { t in (t.label, columns.map { $0.value(r, table: t) }) }
        case .conntrack:
            guard r.sample.conntrack != nil || r.sample.statTables?[PerCPUStatSource.nfConntrack.rawValue] != nil else { return [] }
            return [(nil, columns.map { $0.value(r, table: .nfConntrack) })]
        default:
            return []
        }
    }
}

extension Column {
    public func value(_ q: QdiscInterfaceReport) -> Double? {
        guard case .qdisc(let figure) = source else { return nil }
        switch figure {
        case .drops: return q.dropsPerSecond
        case .overlimits: return q.overlimitsPerSecond
        case .requeues: return q.requeuesPerSecond
        case .backlog: return Double(q.backlog)
        case .qlen: return Double(q.qlen)
        }
    }

    /// A stat-table column for one table (the column's counter name in that table's section).
    public func value(_ r: Report, table: PerCPUStatSource) -> Double? {
        switch source {
        case .statTable(let id): return r.rate(CounterID(table.section, id.name))
        case .conntrackFullness: return r.conntrackFullnessPercent
        default: return nil
        }
    }
}
