/// TCP, UDP and MPTCP findings beyond the first twenty, one per mechanism, and the safety net.
extension FindingKind {
    public static let tcpBadSegments = FindingKind(
        "tcp-bad-segments", .transport, title: "TCP segments with bad checksum or header dropped ({COUNTERS})",
        explanation: "Received segments were rejected before reaching a socket: a wrong checksum (InCsumErrors, also "
            + "in InErrs) means corruption on the path or a NIC offload problem; InErrs alone counts short or "
            + "malformed headers and SYNs inside an established window.",
        hint: "ethtool -k IF (rx-checksumming); link errors in pane 2; tcpdump -vv to see the senders")
    public static let tcpPAWSRejects = FindingKind(
        "tcp-paws-rejects", .transport, title: "TCP segments rejected by timestamp checks ({COUNTERS})",
        explanation: "Protection against wrapped sequence numbers (PAWS) dropped segments whose TCP timestamp was older "
            + "than one already seen on that connection (or the echoed timestamp was one this host never sent). "
            + "Common behind NAT, where clients with different clocks share one address, and with reused TIME_WAIT "
            + "ports; otherwise old duplicates or forged segments.",
        hint: "{net.ipv4.tcp_timestamps}, {net.ipv4.tcp_tw_reuse}; look for NAT between the peers; ss -t -i dst <peer>")
    public static let tcpOutOfWindow = FindingKind(
        "tcp-out-of-window", .transport, title: "TCP segments outside the receive window dropped ({COUNTERS})",
        explanation: "Segments carried sequence numbers entirely outside the window this host advertised, so TCP "
            + "threw them away and answered with an ACK (a challenge ACK for suspicious RSTs and SYNs). Old "
            + "duplicates after a long delay, a middlebox that rewrites sequence numbers, or injection attempts.",
        hint: "tcpdump on the peer's address; check sequence-rewriting firewalls or load balancers on the path")
    public static let tcpICMPIgnored = FindingKind(
        "tcp-icmp-ignored", .transport, title: "ICMP errors for TCP connections ignored ({COUNTERS})",
        explanation: "ICMP errors about TCP connections were discarded: they quoted a sequence number outside the "
            + "send window (stale or forged: OutOfWindowIcmps), or arrived while the application held the socket "
            + "(LockDroppedIcmps). A lost 'fragmentation needed' can stall a connection until it retransmits smaller.",
        hint: "tcpdump -n icmp; a path-MTU problem shows as ip-mtu-exceeded on a router or tcp-retransmits here")
    public static let tcpMemoryPressure = FindingKind(
        "tcp-memory-pressure", .socket, title: "TCP out of memory ({COUNTERS})",
        explanation: "TCP as a whole ran short of memory: it entered memory pressure (tcp_mem's middle value, buffers "
            + "get trimmed), aborted connections because of too many orphans or no memory (TCPAbortOnMemory), could "
            + "not allocate a reset (TCPAbortFailed), or dropped packets taken from the emergency reserve "
            + "(PFMemallocDrop: the whole machine is short of memory).",
        hint: "{net.ipv4.tcp_mem} (pages); cat /proc/net/sockstat (mem, orphan); {net.ipv4.tcp_max_orphans}; "
            + "{vm.min_free_kbytes}")
    public static let tcpAuthFailures = FindingKind(
        "tcp-auth-failures", .transport, title: "TCP segments failing MD5/AO authentication ({COUNTERS})",
        explanation: "Segments on sockets protected by TCP-MD5 (RFC 2385) or TCP-AO (RFC 5925) were dropped: the "
            + "signature was missing, unexpected, wrong, or used an unknown key. Usually mismatched keys between BGP "
            + "peers (the session will not come up or flaps), sometimes forged segments.",
        hint: "compare the keys on both peers (routing daemon configuration); ip tcp_metrics; tcpdump -M <secret>")
    public static let tcpMinTTLDrops = FindingKind(
        "tcp-min-ttl-drops", .transport, title: "TCP segments under the minimum TTL dropped ({COUNTERS})",
        explanation: "A socket set IP_MINTTL (the Generalized TTL Security Mechanism, RFC 5082, used by BGP) and "
            + "segments arrived with a lower TTL: sent from further away than a direct peer, so possibly spoofed, or "
            + "an extra hop appeared on the path.",
        hint: "the routing daemon's ttl-security setting; traceroute to the peer (hop count)")
    public static let tcpSendFailures = FindingKind(
        "tcp-send-failures", .transport, title: "TCP could not send a segment ({COUNTERS})",
        explanation: "A retransmission could not be sent (TCPRetransFail: no memory, or the queue discipline or "
            + "driver refused it) or the write queue was too large to split a buffer (TCPWqueueTooBig). The data "
            + "waits for the next attempt, so the connection slows.",
        hint: "tc -s qdisc show dev IF (drops, backlog); {net.ipv4.tcp_wmem}; softnet and interface drops")
    public static let tcpMigrateReqFailures = FindingKind(
        "tcp-migrate-req-failures", .socket, title: "TCP handshakes lost when a listener closed ({COUNTERS})",
        explanation: "A SO_REUSEPORT listener closed with connections still in its queues and the kernel could not "
            + "move them to another listener of the group, so those handshakes were dropped (clients retry).",
        hint: "{net.ipv4.tcp_migrate_req}; restart listeners one at a time; ss -l -t -n")
    public static let udpMemoryErrors = FindingKind(
        "udp-memory-errors", .socket, title: "UDP out of memory, datagrams dropped ({COUNTERS})",
        explanation: "Datagrams were dropped because UDP as a whole reached its memory limit (udp_mem), not because "
            + "one socket's buffer was full: many sockets hold unread data at once.",
        hint: "{net.ipv4.udp_mem} (pages); cat /proc/net/sockstat (UDP mem); ss -u -a -m (which sockets hold memory)")
    public static let udpInErrors = FindingKind(
        "udp-in-errors", .transport, title: "UDP datagrams dropped on receive ({COUNTERS})",
        explanation: "InErrors moved by more than the buffer, memory and checksum errors it includes: datagrams were "
            + "dropped for another reason — a socket filter (BPF, SO_ATTACH_FILTER) rejected them, they were "
            + "malformed or shorter than their header, or an IPsec policy or encapsulation socket refused them. "
            + "The counters cannot tell these apart: the kernel's drop reasons can.",
        hint: "droptop's drop reasons (if enabled); perf record -e skb:kfree_skb; ss -u -a -p (sockets with filters)")
    public static let mptcpJoinFailures = FindingKind(
        "mptcp-join-failures", .transport, title: "MPTCP subflows or address announcements refused ({COUNTERS})",
        explanation: "Multipath TCP could not add a path: an MP_JOIN was refused (unknown token, wrong HMAC, limit "
            + "reached, port not announced), a new subflow could not be created, bound or connected, or an "
            + "address announcement (ADD_ADDR, REMOVE_ADDR) was dropped or could not be sent. Connections keep "
            + "working on fewer paths.",
        hint: "ip mptcp limits show; ip mptcp endpoint show; nstat -az 'MPTcpExt*'")
    public static let mptcpDataErrors = FindingKind(
        "mptcp-data-errors", .transport, title: "MPTCP data mappings or checksums failed ({COUNTERS})",
        explanation: "Multipath TCP found its data-sequence mapping (DSS) inconsistent or the data checksum wrong, "
            + "so it reset a subflow, dropped data or fell back to plain TCP; usually a middlebox that rewrites or "
            + "splits TCP payloads or strips options.",
        hint: "{net.mptcp.checksum_enabled}; look for proxies or NAT rewriting payloads; nstat -az 'MPTcpExt*'")
    /// The safety net: a drop counter moved that no rule watches (Analysis/UnexplainedDrops.swift).
    public static let unexplainedDrops = FindingKind(
        "unexplained-drops", .ip, title: "Drop counters moving with no finding to explain them ({COUNTERS})",
        explanation: "These kernel counters only move when packets are lost, and no more specific rule covers them:",
        hint: "nstat -az <counter>; the counter catalog (docs/mib-census.tsv) says where the kernel counts it")
}
