/// What the findings over the neighbour tables, connection tracking and queueing disciplines
/// say (issue 12). Their rules are in Analysis/DropSourceRules.swift.
extension FindingKind {
    public static let neighbourUnresolved = FindingKind(
        "neighbour-unresolved", .ip, title: "Packets dropped waiting for ARP/ND resolution ({COUNTERS})",
        explanation: "Packets for a next hop whose link-layer address is not known yet wait in a small per-neighbour queue "
            + "while ARP (IPv4) or neighbour discovery (IPv6) asks for it; when the queue is full the oldest are dropped, "
            + "and when nobody answers all of them are. Usually the destination or gateway is down, the address is unused "
            + "on that subnet, or a burst went to a new neighbour. Host-wide figure: the kernel keeps one neighbour table "
            + "for every namespace and prints /proc/net/stat/arp_cache only in the initial one.",
        hint: "ip neigh show nud incomplete; ip neigh show nud failed; {net.ipv4.neigh.default.unres_qlen_bytes}, "
            + "{net.ipv6.neigh.default.unres_qlen_bytes}", hostWide: true)
    public static let neighbourTableFull = FindingKind(
        "neighbour-table-full", .ip, title: "Neighbour table full: new entries refused ({COUNTERS})",
        explanation: "The ARP or ND table reached gc_thresh3 and forced garbage collection could not free an entry, so the "
            + "kernel created none and dropped the packet (dmesg: \"neighbour table overflow\"). Common on hosts that talk "
            + "to very many neighbours on one subnet (large L2 domains, container bridges). Host-wide figure.",
        hint: "{net.ipv4.neigh.default.gc_thresh3}, {net.ipv6.neigh.default.gc_thresh3}; ip -4 neigh | wc -l", hostWide: true)
    public static let conntrackDrops = FindingKind(
        "conntrack-drops", .ip, title: "Connection tracking dropping packets ({COUNTERS})",
        explanation: "Netfilter's connection tracking refused packets: the table was full and no entry could be evicted "
            + "(drop; dmesg: \"nf_conntrack: table full, dropping packet\"), unconfirmed entries were evicted to make room "
            + "(early_drop: those connections are lost), or a new entry clashed with an existing one (insert_failed: "
            + "races between CPUs, NAT port clashes).",
        hint: "{net.netfilter.nf_conntrack_max}, {net.netfilter.nf_conntrack_buckets}; conntrack -S; conntrack -C")
    public static let conntrackTableFull = FindingKind(
        "conntrack-table-full", .ip, title: "Connection tracking table {PERCENT}% full",
        explanation: "nf_conntrack_count is close to nf_conntrack_max. When the table is full, new connections are dropped "
            + "(\"nf_conntrack: table full, dropping packet\"). Many short connections or long timeouts fill it.",
        hint: "{net.netfilter.nf_conntrack_max}, {net.netfilter.nf_conntrack_buckets}; conntrack -L | awk '{print $4}' | sort | "
            + "uniq -c (states); shorter timeouts (net.netfilter.nf_conntrack_tcp_timeout_*)")
    public static let qdiscDrops = FindingKind(
        "qdisc-drops", .nic, title: "{IF}: queueing discipline {KIND} dropping packets",
        explanation: "The queueing discipline on {IF}'s transmit side dropped packets: its queue was over its limit "
            + "(pfifo/bfifo limit, a tbf or htb rate with too small a buffer, txqueuelen), or its AQM (fq_codel, cake) "
            + "dropped them on purpose to keep the queue short. Senders on this host see ENOBUFS (Udp.SndbufErrors, "
            + "Ip.OutDiscards) and TCP slows down. These drops are not in /proc/net/dev's tx_drop.",
        hint: "tc -s qdisc show dev {IF} (dropped, overlimits, backlog); ip link show {IF} (qlen); the qdisc's limit or rate")

    /// The kinds of this file, in FindingKind.all.
    static let dropSourceKinds: [FindingKind] = [
        .neighbourUnresolved, .neighbourTableFull, .conntrackDrops, .conntrackTableFull, .qdiscDrops,
    ]
}
