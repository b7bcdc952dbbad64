/// What some output of this run needs read: the Sampler skips every source no output asks for
/// (`droptop -b 1 -n DEV` makes no sock_diag dump and loads no BPF program). /proc/net/dev and
/// the rarely-changing facts are always read: they name the interfaces and their IRQs.
public struct SampleNeeds: OptionSet, Sendable, Hashable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// softirqs, softnet_stat and the network IRQs of /proc/interrupts.
    public static let cpu = SampleNeeds(rawValue: 1 << 0)
    /// /proc/net/sockstat and sockstat6 (socket counts: in use, orphans, TIME_WAIT).
    public static let sockstat = SampleNeeds(rawValue: 1 << 1)
    /// snmp, netstat and snmp6 (Tcp.CurrEstab among them).
    public static let protocols = SampleNeeds(rawValue: 1 << 2)
    /// LISTEN sockets with their accept queues and backlogs: cheap (a LISTEN-only dump).
    public static let listeners = SampleNeeds(rawValue: 1 << 3)
    /// UDP sockets with their drops (/proc/net/udp, udp6).
    public static let udpSockets = SampleNeeds(rawValue: 1 << 4)
    /// The expensive walk of every TCP socket: state counts, per-peer tables, CLOSE_WAIT ports.
    public static let tcpTables = SampleNeeds(rawValue: 1 << 5)
    /// The kernel's drop reasons (a BPF program, loaded on first need).
    public static let dropReasons = SampleNeeds(rawValue: 1 << 6)

    /// The /proc/net/stat tables, conntrack's fullness and the qdiscs (rtnetlink).
    public static let dropSources = SampleNeeds(rawValue: 1 << 7)

    public static let all: SampleNeeds = [.cpu, .sockstat, .protocols, .listeners, .udpSockets, .tcpTables, .dropReasons,
                                          .dropSources]

    /// What the triage rules read: every finding has its evidence (listen overflow names its port
    /// from the listeners, CLOSE_WAIT needs the states, UDP drops the sockets).
    public static let triage: SampleNeeds = .all

    /// What a column reads, from its catalog source.
    public init(_ source: ColumnSource) {
        switch source {
        case .interface, .interfaceMegabits, .interfaceUtilization: self = []
        case .softnet, .softnetBacklog, .softirqRX, .softirqTX, .networkIRQs, .networkIRQShare: self = .cpu
        case .counter, .retransPercent: self = .protocols
        case .sockstat: self = .sockstat
        case .tcpState(let state): self = state == .listen ? .listeners : [.tcpTables, .sockstat]
        case .dropReasonRate: self = .dropReasons
        case .qdisc, .statTable, .conntrackFullness: self = .dropSources
        // The other namespaces are sampled whole (their triage needs it) when --all-netns asks.
        case .namespace: self = []
        }
    }

    /// What a set of batch groups prints (the batch text shows no findings).
    public init(groups: [ColumnGroup]) {
        self = groups.flatMap(\.columns).reduce(into: []) { $0.formUnion(SampleNeeds($1.source)) }
    }
}
