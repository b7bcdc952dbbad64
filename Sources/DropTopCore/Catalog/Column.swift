/// How a figure is counted.
public enum FigureUnit: String, Sendable {
    case perSecond = "per_s", kilobytesPerSecond = "kB_per_s", megabitsPerSecond = "Mbit_per_s", percent, count
}

/// What it means when a figure moves (how the views colour a non-zero value).
public enum Trouble: Sendable {
    /// Throughput and levels: movement is normal.
    case none
    /// A precursor of loss (NAPI budget exhausted, ...): worth a look.
    case warning
    /// A packet was dropped, but usually harmlessly (a port scan, an unknown protocol): its
    /// finding is info-level, and the views do not paint it as loss.
    case notice
    /// A packet was dropped, refused or failed.
    case loss
}

/// Where a column's value comes from.
public enum ColumnSource: Sendable {
    /// Per interface: a /proc/net/dev counter per second (`kilobytes` divides bytes by 1024).
    case interface(NetDevCounters.Field, kilobytes: Bool = false)
    /// Per interface: a byte counter as megabits (10^6 bits) per second.
    case interfaceMegabits(NetDevCounters.Field)
    /// Per interface: sar's %ifutil.
    case interfaceUtilization
    /// Per CPU: a softnet_stat counter per second.
    case softnet(SoftnetColumn)
    /// Per CPU: packets waiting in the backlog now (softnet_stat's level column, kernels 5.10+).
    case softnetBacklog
    /// Per CPU: NET_RX or NET_TX softirqs per second.
    case softirqRX, softirqTX
    /// Per CPU: interrupts of network IRQs per second, and that CPU's share of them.
    case networkIRQs, networkIRQShare
    /// Host: a protocol counter per second.
    case counter(CounterID)
    /// Host: RetransSegs over OutSegs, in percent.
    case retransPercent
    /// Host: a /proc/net/sockstat level ("TCP", "tw").
    case sockstat(String, String)
    /// Host: sockets in a TCP state.
    case tcpState(TCPState)
    /// Per kernel drop reason: packets dropped per second.
    case dropReasonRate
    /// Per interface: a figure of its root qdiscs (rtnetlink).
    case qdisc(QdiscFigure)
    /// A /proc/net/stat counter per second: per neighbour table (the ArpCache id names the
    /// column of both tables), or conntrack's.
    case statTable(CounterID)
    /// Conntrack: nf_conntrack_count over nf_conntrack_max, in percent.
    case conntrackFullness
    /// Per other network namespace (--all-netns): a figure of the whole namespace.
    case namespace(NamespaceFigure)
}

/// What a column is about: a whole-host figure, one row per interface, or one row per CPU.
public enum ColumnScope: Sendable {
    case host, interface, cpu, dropReason, qdisc, neighbour, conntrack, namespace
}

/// One figure as every view shows it: declared once in Columns.swift.
public struct Column: Sendable {
    /// sar's name where sar has the figure ("rxdrop/s"), droptop's own otherwise.
    public let label: String
    /// For narrow panes; by default the label without its "/s".
    public let narrowLabel: String
    public let unit: FigureUnit
    public let trouble: Trouble
    public let source: ColumnSource
    /// The place on the packet's path this figure describes, when it is about loss.
    public let layer: Layer?
    /// One line: what the figure counts.
    public let meaning: String
    /// The setting or tool to look at when it moves.
    public let knob: String?

    public init(_ label: String, narrow: String? = nil, unit: FigureUnit = .perSecond, trouble: Trouble = .none,
                _ source: ColumnSource, layer: Layer? = nil, meaning: String, knob: String? = nil) {
        self.label = label
        self.narrowLabel = narrow ?? (label.hasSuffix("/s") ? String(label.dropLast(2)) : label)
        self.unit = unit
        self.trouble = trouble
        self.source = source
        self.layer = layer
        self.meaning = meaning
        self.knob = knob
    }

    public var scope: ColumnScope {
        switch source {
        case .interface, .interfaceMegabits, .interfaceUtilization: return .interface
        case .softnet, .softnetBacklog, .softirqRX, .softirqTX, .networkIRQs, .networkIRQShare: return .cpu
        case .counter, .retransPercent, .sockstat, .tcpState: return .host
        case .dropReasonRate: return .dropReason
        case .qdisc: return .qdisc
        case .statTable(let id): return id.section == PerCPUStatSource.nfConntrack.section ? .conntrack : .neighbour
        case .conntrackFullness: return .conntrack
        case .namespace: return .namespace
        }
    }

    /// Levels are averaged as plain means; rates by interval length.
    public var isLevel: Bool { unit == .count }

    /// The protocol counter behind the column, if it shows one.
    public var counter: CounterID? {
        if case .counter(let id) = source { return id }
        return nil
    }

    /// Whole-host value (nil when unknown for this interval, or the column is not host-scoped).
    public func value(_ r: Report) -> Double? {
        switch source {
        case .counter(let id): return r.rate(id)
        case .retransPercent: return r.retransPercent
        case .sockstat(let proto, let key): return r.sample.sockstat?[proto]?[key].map { Double($0) }
        case .tcpState(let state): return r.sample.tcp?.states[state.name].map { Double($0) }
        default: return nil
        }
    }

    public func value(_ i: InterfaceReport) -> Double? {
        switch source {
        case .interface(let field, let kilobytes): return i.rate(field).map { kilobytes ? $0 / 1024 : $0 }
        case .interfaceMegabits(let field): return i.rate(field).map { $0 * 8 / 1_000_000 }
        // As sar: 0.00 when the link's speed is unknown (virtual links); unknown (nil) only
        // when there is no rate yet.
        case .interfaceUtilization: return i.utilPercent ?? (i.rate(.rxBytes) == nil ? nil : 0)
        default: return nil
        }
    }

    /// Per-CPU value; the IRQ share needs the whole report's total.
    public func value(_ c: CPUReport, in r: Report) -> Double? {
        switch source {
        case .softnet(let column): return c.softnetRates[column.name] ?? nil
        case .softnetBacklog: return c.softnet?.backlog.map { Double($0) }
        case .softirqRX: return c.netRXPerSecond
        case .softirqTX: return c.netTXPerSecond
        case .networkIRQs: return c.netIRQsPerSecond
        case .networkIRQShare:
            let total = r.cpus.reduce(0.0) { $0 + ($1.netIRQsPerSecond ?? 0) }
            guard let own = c.netIRQsPerSecond else { return nil }
            return total > 0 ? own / total * 100 : 0
        default: return nil
        }
    }
}

/// A named list of columns: a sar group for batch (`-n EDEV`), a pane, a history table.
public struct ColumnGroup: Sendable {
    public let name: String
    public let columns: [Column]
    /// Per column, how long a narrow pane keeps it: 0 the longest; the highest number goes first.
    public let priority: [Int]

    /// `priority` aligned with `columns`; by default columns go from the right.
    public init(_ name: String, _ columns: [Column], priority: [Int]? = nil) {
        self.name = name
        self.columns = columns
        self.priority = priority.map { $0.count == columns.count ? $0 : Array(columns.indices) } ?? Array(columns.indices)
    }

    public var scope: ColumnScope { columns.first?.scope ?? .host }
    public var labels: [String] { columns.map(\.label) }

    /// The header of the item column, as sar prints it.
    public var itemHeader: String? {
        switch scope {
        case .interface: return "IFACE"
        case .cpu: return "CPU"
        case .host: return nil
        case .dropReason: return "REASON"
        case .qdisc: return "IFACE"
        case .neighbour: return "TABLE"
        case .conntrack: return nil
        case .namespace: return "NETNS"
        }
    }

    /// (item, values) rows for one report; the item is nil for whole-host groups.
    public func rows(_ r: Report, interfaces: [InterfaceReport]? = nil) -> [(item: String?, values: [Double?])] {
        switch scope {
        case .interface: return (interfaces ?? r.interfaces).map { i in (i.name, columns.map { $0.value(i) }) }
        case .cpu: return r.cpus.map { c in (String(c.cpu), columns.map { $0.value(c, in: r) }) }
        case .host: return [(nil, columns.map { $0.value(r) })]
        case .dropReason: return r.dropReasons.map { d in (d.reason, columns.map { _ in d.perSecond }) }
        case .qdisc, .neighbour, .conntrack: return dropSourceRows(r)
        case .namespace: return r.namespaces.map { n in (n.identity.name, columns.map { $0.value(n) }) }
        }
    }
}
