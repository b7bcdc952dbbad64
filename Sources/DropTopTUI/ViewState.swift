import DequeModule
import DropTopCore

/// The panes, numbered as their zoom keys.
public enum PaneID: Int, CaseIterable, Sendable {
    case throughput = 1, drops, cpu, tcp, protocols, triage, dropReasons, namespaces

    public var title: String {
        switch self {
        case .throughput: return "Throughput"
        case .drops: return "Drops & errors"
        case .cpu: return "CPU / IRQ"
        case .tcp: return "TCP sockets"
        case .protocols: return "Protocols"
        case .triage: return "Triage"
        case .dropReasons: return "Kernel drop reasons"
        case .namespaces: return "Namespaces"
        }
    }
}

public enum InterfaceSort: Int, CaseIterable, Sendable {
    case name, rx, tx, drops
    public var label: String { ["name", "rx bytes", "tx bytes", "drops+errors"][rawValue] }
}

public enum InterfaceFilter: Int, CaseIterable, Sendable {
    case all, active, withDrops
    public var label: String { ["all", "hide lo and down", "with drops"][rawValue] }
}

/// Pane 3's order (`s` when it has the focus).
public enum CPUSort: Int, CaseIterable, Sendable {
    case cpu, drops, irqs
    public var label: String { ["cpu", "backlog drops", "network IRQs"][rawValue] }
}

/// Pane 4's listener order (`s` when it has the focus).
public enum ListenerSort: Int, CaseIterable, Sendable {
    case acceptQueue, address
    public var label: String { ["accept queue", "address"][rawValue] }
}

/// Everything the user changed with keys. Rendering is a pure function of this and the history.
public struct ViewState: Sendable {
    public var zoomed: PaneID?
    public var focus: PaneID = .throughput
    public var showHelp = false
    public var paused = false
    public var sort: InterfaceSort = .name
    public var filter: InterfaceFilter = .all
    /// Lines scrolled: in the overview, from the top of the focused pane; zoomed, up from the newest row.
    public var scroll: [PaneID: Int] = [:]
    public var showIRQRows = false
    public var interval: Double = 1
    public var useColor = true
    public var glyphs: Glyphs = .unicode
    /// Interface name globs from --iface (empty: all).
    public var interfaceGlobs: [String] = []
    /// Live step-back: how many samples before the newest the screen shows (0: the newest).
    public var stepBack = 0
    /// Ended incidents that last held at or before this wall-clock time are hidden (`x`).
    public var dismissedBefore: Double = 0
    public var cpuSort: CPUSort = .cpu
    public var listenerSort: ListenerSort = .acceptQueue
    /// Pane 5 (`f` when it has the focus): only the counters that moved, like nstat.
    public var movingOnly = false
    /// `u`: throughput in Mbit/s instead of kB/s.
    public var bits = false
    /// `/`: a substring every list is filtered by (interfaces, listeners, counters); empty: none.
    public var search = ""
    /// While `/` is being typed.
    public var searching = false
    /// Zoomed history tables: value columns scrolled off to the left (Left/Right).
    public var hscroll: [PaneID: Int] = [:]
    /// droptop runs inside a network namespace: CPU, IRQ and softnet figures are the host's.
    public var insideNamespace = false

    public init() {}

    public func scroll(_ pane: PaneID) -> Int { scroll[pane] ?? 0 }
}

/// The last reports, oldest first; what zoomed panes show sar-style.
public struct History: Sendable {
    public private(set) var reports: Deque<Report> = []
    public let capacity: Int

    public init(capacity: Int = History.defaultCapacity) { self.capacity = capacity }
    /// Enough for a zoomed pane's table on a tall terminal; each report holds a whole sample
    /// (~40 KB with every protocol counter), so 300 of them took ~18 MB.
    public static let defaultCapacity = 100

    public mutating func append(_ report: Report) {
        reports.append(report)
        while reports.count > capacity { reports.removeFirst() }
        // The report leaving the detailed tail keeps what the history tables read, no more.
        if reports.count > Self.detailed { reports[reports.count - Self.detailed - 1].slimForHistory() }
    }
    /// The newest reports kept whole, for live step-back; older ones are slimmed.
    public static let detailed = 4

    public var latest: Report? { reports.last }

    /// The history as it was `back` samples ago (live step-back), or self.
    public func steppedBack(_ back: Int) -> History {
        guard back > 0 else { return self }
        var h = History(capacity: capacity)
        for r in reports.dropLast(min(back, max(0, reports.count - 1))) { h.append(r) }
        return h
    }
    /// Reports that carry rates (the first sample of a run has none).
    public var withRates: [Report] { reports.filter { $0.intervalSeconds != nil } }
}

extension Report {
    /// What an older report in the history keeps: its rates, findings and TCP state counts (the
    /// zoomed tables and sparklines read those), not the raw counters, socket lists and the
    /// incident log. A whole report is ~40-60 KB with every protocol counter; 300 of them grew
    /// the TUI from 16 to 34 MB at -i 0.1.
    mutating func slimForHistory() {
        sample.protocols = nil
        sample.softirqs = nil
        sample.softnet = nil
        sample.networkIRQs = nil
        sample.errors = []
        sample.sockstat = nil
        sample.qdiscs = nil
        sample.dropReasons?.totals = []
        sample.udp?.busySockets = []
        if var tcp = sample.tcp {
            tcp.listeners = []; tcp.peers = []; tcp.retransmittingPeers = []; tcp.timeWaitPeers = []; tcp.closeWaitPorts = []
            sample.tcp = tcp
        }
        incidents = []
        for i in findings.indices { findings[i].explanation = ""; findings[i].hint = "" }
        // Only the counters some column shows have their rates kept.
        var kept = protocolRates
        kept.removeAll()
        for id in Self.historyCounters { if let v = protocolRates[id.section]?[id.name] { kept[id.section, default: [:]][id.name] = v } }
        protocolRates = kept
    }

    /// Every protocol counter a column reads.
    static let historyCounters: [CounterID] = ColumnGroup.allColumns.compactMap(\.counter)
}
