/// The counters of the /proc/net/stat tables (arp_cache, ndisc_cache, nf_conntrack), filed as
/// protocol sections ("ArpCache", "NdiscCache", "Conntrack") so that `Report.rate(CounterID)`,
/// `CounterRule` and the columns read them as they read snmp's. Column names are the kernel's
/// header names; each counter droptop reasons about is declared here once.
extension CounterID {
    // /proc/net/stat/arp_cache (host-wide: the kernel keeps one table for every namespace)
    public static let arpUnresolvedDiscards = CounterID("ArpCache", "unresolved_discards")
    public static let arpTableFulls = CounterID("ArpCache", "table_fulls")
    public static let arpResFailed = CounterID("ArpCache", "res_failed")
    public static let arpForcedGCRuns = CounterID("ArpCache", "forced_gc_runs")
    // /proc/net/stat/ndisc_cache
    public static let ndiscUnresolvedDiscards = CounterID("NdiscCache", "unresolved_discards")
    public static let ndiscTableFulls = CounterID("NdiscCache", "table_fulls")
    public static let ndiscResFailed = CounterID("NdiscCache", "res_failed")
    public static let ndiscForcedGCRuns = CounterID("NdiscCache", "forced_gc_runs")
    // /proc/net/stat/nf_conntrack (per namespace)
    public static let conntrackDrop = CounterID("Conntrack", "drop")
    public static let conntrackEarlyDrop = CounterID("Conntrack", "early_drop")
    public static let conntrackInsertFailed = CounterID("Conntrack", "insert_failed")
    public static let conntrackInvalid = CounterID("Conntrack", "invalid")
}

extension PerCPUStatSource {
    /// The section its counters are filed under in `Report.protocolRates`.
    public var section: String {
        switch self {
        case .arpCache: return "ArpCache"
        case .ndiscCache: return "NdiscCache"
        case .nfConntrack: return "Conntrack"
        }
    }

    /// The short name batch rows use ("arp", "ndisc", "conntrack").
    public var label: String { rawValue.split(separator: "_").first.map(String.init) ?? rawValue }

    /// The kernel keeps one neighbour table for all namespaces and prints it only in the
    /// initial one; conntrack's statistics are per namespace.
    public var hostWide: Bool { self != .nfConntrack }

    public init?(section: String) {
        guard let found = Self.allCases.first(where: { $0.section == section }) else { return nil }
        self = found
    }
}

/// The drop-indicating counters of the /proc/net/stat tables, with where the kernel counts them.
/// Apart from `CounterCatalog` (which mirrors docs/mib-census.tsv for snmp, netstat and snmp6).
public enum StatTableCatalog {
    public static let all: [CatalogCounter] = [
        .init(.arpUnresolvedDiscards, .yes, .ip,
              "__neigh_event_send: packet dropped from the queue of an unresolved IPv4 neighbour (ARP pending, unres_qlen full)",
              knob: "net.ipv4.neigh.default.unres_qlen_bytes; ip neigh show nud incomplete"),
        .init(.arpTableFulls, .yes, .ip,
              "neigh_alloc: ARP table at gc_thresh3 and forced GC freed nothing; no entry, packet dropped",
              knob: "net.ipv4.neigh.default.gc_thresh3"),
        .init(.arpResFailed, .maybe, .ip, "neigh_invalidate: ARP resolution failed (no answer to the probes)",
              knob: "ip neigh show nud failed"),
        .init(.arpForcedGCRuns, .maybe, .ip, "neigh_forced_gc: ARP table over gc_thresh2 or 3, entries evicted early",
              knob: "net.ipv4.neigh.default.gc_thresh3"),
        .init(.ndiscUnresolvedDiscards, .yes, .ip,
              "__neigh_event_send: packet dropped from the queue of an unresolved IPv6 neighbour (ND pending, unres_qlen full)",
              knob: "net.ipv6.neigh.default.unres_qlen_bytes; ip -6 neigh show nud incomplete"),
        .init(.ndiscTableFulls, .yes, .ip,
              "neigh_alloc: ND table at gc_thresh3 and forced GC freed nothing; no entry, packet dropped",
              knob: "net.ipv6.neigh.default.gc_thresh3"),
        .init(.ndiscResFailed, .maybe, .ip, "neigh_invalidate: neighbour discovery failed (no answer to the solicitations)",
              knob: "ip -6 neigh show nud failed"),
        .init(.ndiscForcedGCRuns, .maybe, .ip, "neigh_forced_gc: ND table over gc_thresh2 or 3, entries evicted early",
              knob: "net.ipv6.neigh.default.gc_thresh3"),
        .init(.conntrackDrop, .yes, .ip,
              "nf_conntrack_in: no room for a new connection (table full, nothing evictable); packet dropped",
              knob: "net.netfilter.nf_conntrack_max; net.netfilter.nf_conntrack_buckets"),
        .init(.conntrackEarlyDrop, .yes, .ip,
              "early_drop: an unconfirmed entry evicted to make room in a full table (its connection is lost)",
              knob: "net.netfilter.nf_conntrack_max"),
        .init(.conntrackInsertFailed, .yes, .ip,
              "__nf_conntrack_confirm: inserting the entry clashed with another (races, NAT); packet dropped",
              knob: "conntrack -S; NAT port ranges"),
        .init(.conntrackInvalid, .maybe, .ip,
              "nf_conntrack_in: packet that could not be tracked (out of window, malformed); dropped only if a rule says so",
              knob: "conntrack -S; nf_conntrack_tcp_be_liberal"),
    ]

    public static let drops: [CatalogCounter] = all.filter { $0.drop == .yes }

    public static func entry(_ id: CounterID) -> CatalogCounter? { all.first { $0.id == id } }
}
