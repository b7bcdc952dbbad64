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

    public init() {}

    public func scroll(_ pane: PaneID) -> Int { scroll[pane] ?? 0 }
}

/// The last reports, oldest first; what zoomed panes show sar-style.
public struct History: Sendable {
    public private(set) var reports: Deque<Report> = []
    public let capacity: Int

    public init(capacity: Int = 300) { self.capacity = capacity }

    public mutating func append(_ report: Report) {
        reports.append(report)
        while reports.count > capacity { reports.removeFirst() }
    }

    public var latest: Report? { reports.last }
    /// Reports that carry rates (the first sample of a run has none).
    public var withRates: [Report] { reports.filter { $0.intervalSeconds != nil } }
}
