import OrderedCollections

/// Everything read at one instant: raw counters and levels, never rates.
/// A recording stores these, so that every derived number can be computed again on replay.
public struct Sample: Codable, Sendable {
    /// Seconds on a monotonic clock: only differences between samples mean anything.
    public var monotonicSeconds: Double
    /// Wall-clock time (seconds since 1970, UTC) for display.
    public var wallSeconds: Double
    public var host: HostInfo
    public var interfaces: [InterfaceSample]
    public var softirqs: SoftIRQCounts?
    public var softnet: [SoftnetRow]?
    /// CPU numbers named by the /proc/interrupts header (online CPUs).
    public var interruptCPUs: [Int]?
    /// Only the IRQs that belong to a network interface.
    public var networkIRQs: [NetworkIRQSample]?
    public var tcp: TCPSummary?
    public var udp: UDPSummary?
    /// Monotonic time at which `tcp` and `udp` were read: earlier than `monotonicSeconds` when the
    /// sampler reused an earlier read to stay within its budget (see Sampler.socketTableBudget).
    public var socketTablesSeconds: Double?
    /// CPU time (user + kernel) that reading the socket tables took.
    public var socketTablesCostSeconds: Double?
    /// Monotonic time at which `tcp.listeners` were read: every sample where a cheap LISTEN-only
    /// dump exists, while the rest of `tcp` may be older (`socketTablesSeconds`).
    public var tcpListenersSeconds: Double?
    /// Monotonic time at which each count of `tcp.states` was read, by state: the tiers read
    /// ESTABLISHED and TIME_WAIT (from the counts) and LISTEN every sample, the other states more
    /// often than the walk (see SocketTiers). nil: every state is as old as `socketTablesSeconds`.
    public var tcpStateSeconds: OrderedDictionary<String, Double>?
    /// CPU time (user + kernel) that the last read of the transient states took (the dump
    /// filtered by state), where it is newer than the walk.
    public var tcpStatesCostSeconds: Double?
    public var sockstat: SockStat?
    public var protocols: ProtocolCounters?
    /// Kernel drop reasons (skb:kfree_skb), host-wide; nil where none were read (a captured tree).
    public var dropReasons: DropReasonSample?
    /// /proc/net/stat tables by file name (arp_cache, ndisc_cache, nf_conntrack); nil when none
    /// exists (a namespace other than the first sees no neighbour tables; conntrack loads on demand).
    public var statTables: OrderedDictionary<String, PerCPUStatTable>?
    /// nf_conntrack_count and nf_conntrack_max; nil when connection tracking is not loaded.
    public var conntrack: ConntrackFullness?
    /// Every qdisc of every interface (rtnetlink); nil when not read (a captured tree, a refused socket).
    public var qdiscs: [QdiscStats]?
    public var sysctl: OrderedDictionary<String, String>
    /// True on the first sample a run of droptop recorded: runs appended to one recording are
    /// kept apart, and no rate is computed across the gap between them (nil: not the first).
    public var startsRun: Bool? = nil
    public var errors: [SourceError]
    /// --all-netns: the other network namespaces, each its own sample (no host-wide sources).
    public var namespaces: [NamespaceSample]? = nil

    public init(monotonicSeconds: Double, wallSeconds: Double, host: HostInfo) {
        self.monotonicSeconds = monotonicSeconds
        self.wallSeconds = wallSeconds
        self.host = host
        self.interfaces = []
        self.sysctl = [:]
        self.errors = []
    }

    /// Every CPU any per-CPU source names, in ascending order.
    public var cpuIDs: [Int] {
        var ids = Set<Int>()
        if let s = softirqs { ids.formUnion(s.cpuIDs) }
        if let s = softnet { ids.formUnion(s.map(\.cpu)) }
        if let s = interruptCPUs { ids.formUnion(s) }
        return ids.sorted()
    }
}

public struct HostInfo: Codable, Equatable, Sendable {
    public var hostname: String
    public var kernel: String
    /// CPUs online (/sys/devices/system/cpu/online) when droptop started: sar's banner gives it
    /// even where no per-CPU source is read (`-n DEV`). nil in older recordings.
    public var onlineCPUs: Int?
    public init(hostname: String, kernel: String, onlineCPUs: Int? = nil) {
        self.hostname = hostname
        self.kernel = kernel
        self.onlineCPUs = onlineCPUs
    }
}

public struct InterfaceSample: Codable, Equatable, Sendable {
    /// Display form of the name (see DisplayName): unambiguous and terminal-safe.
    public var name: String
    public var operstate: String?
    /// 1 = carrier present, 0 = NO-CARRIER; nil when the link is administratively down or unknown.
    public var carrier: Int?
    /// nil when the driver does not know (virtual links print -1 or refuse the read).
    public var speedMbps: Int?
    /// "full", "half" or "unknown" from /sys/class/net/IF/duplex; read only where a speed is.
    public var duplex: String? = nil
    public var mtu: Int?
    public var txQueueLen: Int?
    public var counters: NetDevCounters
    /// The breakdown /proc/net/dev folds together, from /sys/class/net/IF/statistics/.
    public var statistics: OrderedDictionary<String, UInt64>?
    /// ifindex and peer, from rtnetlink on a live host.
    public var link: LinkIdentity? = nil
}

public struct NetworkIRQSample: Codable, Equatable, Sendable {
    public var irq: String
    /// The /proc/interrupts description (chip, type, action name), display form.
    public var device: String
    public var interface: String
    /// Counts by CPU number.
    public var counts: [Int: UInt64]
}



/// The kernel's TCP state names in its numbering order (TCPState).
public let tcpStateNames: [String] = TCPState.allCases.map(\.name)

public struct TCPSummary: Codable, Equatable, Sendable {
    /// Count of sockets in each state, every state present (0 when none), tcp and tcp6 together.
    public var states: OrderedDictionary<String, UInt64>
    public var listeners: [Listener]
    public var peers: [PeerCount]
    /// Peers with the most sockets that have unacknowledged retransmissions now.
    public var retransmittingPeers: [PeerCount]
    public var timeWaitPeers: [PeerCount]
    public var closeWaitPorts: [PortCount]
    public var sockets: UInt64
    public var retransmittingSockets: UInt64
    /// "netlink" (sock_diag) or "proc" (/proc/net/tcp and tcp6); nil in older recordings.
    public var source: String? = nil
    /// Why a live read used the /proc files although netlink was tried.
    public var sourceNote: String? = nil
}

extension TCPSummary {
    /// No TCP socket: every state at 0.
    static func empty(source: String?) -> TCPSummary {
        TCPSummary(states: .init(uniqueKeysWithValues: tcpStateNames.map { ($0, 0) }), listeners: [], peers: [],
                   retransmittingPeers: [], timeWaitPeers: [], closeWaitPorts: [], sockets: 0, retransmittingSockets: 0,
                   source: source)
    }
}

public struct Listener: Codable, Equatable, Sendable {
    public var address: String
    public var port: Int
    /// Connections waiting to be accept()ed (rx_queue of a LISTEN row).
    public var acceptQueue: UInt64
    /// The accept queue's limit (listen()'s backlog capped by somaxconn): sock_diag's
    /// idiag_wqueue, or the tx_queue of a LISTEN row of /proc/net/tcp; nil in older recordings.
    public var backlog: UInt64? = nil
    public var inode: UInt64? = nil

    /// "10.0.0.1:80", "[::1]:80": an address and port as ss writes them.
    public static func hostPort(_ address: String, _ port: Int) -> String {
        address.contains(":") ? "[\(address)]:\(port)" : "\(address):\(port)"
    }
}

public struct PeerCount: Codable, Equatable, Sendable {
    public var address: String
    public var connections: UInt64
    public var retransmitting: UInt64
    public var timeWait: UInt64
}

public struct PortCount: Codable, Equatable, Sendable {
    public var port: Int
    public var count: UInt64
    /// One of its sockets (CLOSE_WAIT ports), to find the process that holds them.
    public var inode: UInt64? = nil
}

public struct UDPSummary: Codable, Equatable, Sendable {
    public var sockets: UInt64
    /// Sockets that have dropped datagrams or hold unread data, most drops first.
    public var busySockets: [UDPSocket]
    /// "netlink" (sock_diag, with receive buffers) or "proc" (/proc/net/udp); nil in older recordings.
    public var source: String? = nil
    /// Why netlink was not used, when it was refused.
    public var sourceNote: String? = nil
}

public struct UDPSocket: Codable, Equatable, Sendable {
    public var address: String
    public var port: Int
    public var rxQueue: UInt64
    public var drops: UInt64
    public var inode: UInt64
    /// Its SO_RCVBUF as the kernel holds it (twice what setsockopt asked), from sock_diag's
    /// SKMEMINFO; nil from /proc/net/udp, which does not show it.
    public var receiveBuffer: UInt64? = nil
}

extension Sample {
    /// False when not a single source could be read (wrong --proc, a locked-down container).
    public var hasAnyData: Bool {
        !interfaces.isEmpty || softirqs != nil || softnet != nil || interruptCPUs != nil
            || tcp != nil || udp != nil || sockstat != nil || protocols != nil
    }
}
