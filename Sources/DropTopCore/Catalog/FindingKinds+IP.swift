/// IP, ICMP and ARP findings, one per mechanism the counters tell apart. `{COUNTERS}` in a
/// title is filled with the counters that moved (Analysis/CounterRules.swift).
extension FindingKind {
    public static let arpFilter = FindingKind(
        "arp-filter", .link, title: "ARP requests ignored by arp_filter ({COUNTERS})",
        explanation: "ARP requests were dropped because, with arp_filter on, the kernel answers only on the interface it "
            + "would route the reply out of. Expected on multi-homed hosts that set it on purpose; otherwise neighbours "
            + "cannot resolve this host on that interface.",
        hint: "{net.ipv4.conf.all.arp_filter}; ip route get <requester>; ip neigh on the peer")
    public static let ipHeaderErrors = FindingKind(
        "ip-header-errors", .ip, title: "IP packets with bad headers dropped ({COUNTERS})",
        explanation: "Received packets failed the IP header checks: wrong version or length, bad header checksum, "
            + "truncated (shorter than the header says), bad options — or, when forwarding, their TTL or hop limit ran "
            + "out, which the kernel counts here too. If Icmp.OutTimeExcds moves with it, it is TTL expiry (a routing "
            + "loop, or traceroute); with IpExt.InCsumErrors or InTruncatedPkts, corruption on the link or the NIC.",
        hint: "link errors in pane 2; ethtool -k IF (rx-checksumming); ip route (loops); tcpdump -v to see the senders")
    public static let ipAddressErrors = FindingKind(
        "ip-address-errors", .ip, title: "IP packets for unusable addresses dropped ({COUNTERS})",
        explanation: "The route lookup for a received packet refused its destination: a martian or unusable address, "
            + "or a packet for another host while forwarding is off. Misdirected traffic, a wrong netmask or a host "
            + "expected to route that does not.",
        hint: "ip route get <dst> iif IF; ip addr; {net.ipv4.ip_forward}; {net.ipv4.conf.all.log_martians}")
    public static let ipUnknownProtocol = FindingKind(
        "ip-unknown-protocol", .ip, title: "IP packets for an unknown protocol dropped ({COUNTERS})",
        explanation: "Packets addressed to this host carried a protocol number (or IPv6 next header) that no kernel "
            + "module or raw socket handles: a tunnel (GRE, IPIP, SCTP) whose module is not loaded, or a probe.",
        hint: "tcpdump -n 'not tcp and not udp and not icmp' to see the protocol; lsmod; ip tunnel")
    public static let ipNoRoute = FindingKind(
        "ip-no-route", .ip, title: "IP packets dropped: no route ({COUNTERS})",
        explanation: "The routing table had no route: OutNoRoutes for packets this host sends (the sender gets an "
            + "error), InNoRoutes for packets it would forward. A missing default route, a down interface or a policy "
            + "rule pointing to an empty table.",
        hint: "ip route get <dst>; ip rule; ip -6 route; {net.ipv4.ip_forward}")
    public static let ipDiscards = FindingKind(
        "ip-discards", .ip, title: "IP packets discarded without an error ({COUNTERS})",
        explanation: "IP dropped packets that had nothing wrong in their header: on input when memory ran out to copy "
            + "or trim them or an IPsec policy refused them; on output when a buffer could not be allocated, the "
            + "neighbour entry could not be made, or output is disabled. These counters cannot tell the causes apart: "
            + "the kernel's drop reasons can.",
        hint: "droptop's drop reasons (if enabled); perf record -e skb:kfree_skb; ip -s neigh; "
            + "{net.ipv4.neigh.default.gc_thresh3}")
    public static let ipReassemblyFailures = FindingKind(
        "ip-reassembly-failures", .ip, title: "IP fragments could not be reassembled ({COUNTERS})",
        explanation: "Datagrams that arrived in fragments were lost: a fragment did not arrive in time (ReasmTimeout: "
            + "lost upstream, or one path drops fragments), fragments overlapped (ReasmOverlaps: forged or broken "
            + "senders), or reassembly memory passed its high threshold. ReasmFails counts all of these; when neither "
            + "ReasmTimeout nor ReasmOverlaps moves with it, memory is the likely cause.",
        hint: "{net.ipv4.ipfrag_high_thresh}, {net.ipv4.ipfrag_time}, {net.ipv6.ip6frag_high_thresh}; "
            + "avoid fragmentation (path MTU, smaller UDP payloads)")
    public static let ipMTUExceeded = FindingKind(
        "ip-mtu-exceeded", .ip, title: "IP packets larger than the MTU dropped ({COUNTERS})",
        explanation: "A packet was too big for the next link and could not be fragmented: IPv4 with Don't Fragment set "
            + "(FragFails; an ICMP 'fragmentation needed' goes back to the sender) or IPv6, which routers never "
            + "fragment (InTooBigErrors, FragFails). If the ICMP is filtered on the way back, the connection stalls: "
            + "a path-MTU black hole. FragFails also counts rare failures to build the fragments.",
        hint: "ip route get <dst> (mtu); ip link (mtu of each hop: tunnels, VPNs); tracepath <dst>; "
            + "{net.ipv4.ip_no_pmtu_disc}")
    public static let ipRPFilter = FindingKind(
        "ip-rp-filter", .ip, title: "IP packets dropped by the reverse-path filter ({COUNTERS})",
        explanation: "rp_filter dropped received packets whose source address would not be routed back out of the "
            + "interface they came in on: spoofed sources, or legitimate asymmetric routing (multi-homing, policy "
            + "routing) under strict mode.",
        hint: "{net.ipv4.conf.all.rp_filter}, {net.ipv4.conf.default.rp_filter} (2 = loose); "
            + "ip route get <src> iif IF; {net.ipv4.conf.all.log_martians}")
    public static let icmpErrors = FindingKind(
        "icmp-errors", .ip, title: "ICMP messages dropped or not sent ({COUNTERS})",
        explanation: "ICMP messages arrived malformed or with a bad checksum (InErrors, InCsumErrors), or an ICMP "
            + "this host meant to send could not be built or sent (OutErrors). Lost ICMP errors hide unreachable "
            + "hosts and path-MTU problems.",
        hint: "tcpdump -n icmp or icmp6; ethtool -k IF; link errors in pane 2")
    public static let icmpRateLimited = FindingKind(
        "icmp-rate-limited", .ip, title: "ICMP replies suppressed by rate limits ({COUNTERS})",
        explanation: "This host meant to send ICMP (port unreachable, time exceeded, fragmentation needed, echo reply) "
            + "but a rate limit held it back: host-wide (OutRateLimitGlobal) or per destination (OutRateLimitHost). "
            + "Usually a scan or a flood of packets to closed ports; a suppressed 'fragmentation needed' can leave a "
            + "sender in a path-MTU black hole.",
        hint: "{net.ipv4.icmp_msgs_per_sec}, {net.ipv4.icmp_ratelimit}, {net.ipv6.icmp.ratelimit}; "
            + "udp-no-ports and tcp resets point to the traffic that triggers them")
}
