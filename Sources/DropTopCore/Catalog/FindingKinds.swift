/// What a finding says, declared once: its id, layer, explanation and hint. The rules
/// (Analysis/TriageRules*.swift) decide when it holds and with what evidence.
///
/// In `title`, `explanation` and `hint`, `{IF}` stands for the finding's interface and
/// `{net.core.somaxconn}` (any name with a dot) for "net.core.somaxconn = <current value>".
public struct FindingKind: Sendable {
    public let id: String
    public let layer: Layer
    public let title: String
    public let explanation: String
    public let hint: String
    /// Built on /proc/interrupts, softirqs or softnet_stat, which count the whole host.
    public let hostWide: Bool

    public init(_ id: String, _ layer: Layer, title: String, explanation: String, hint: String, hostWide: Bool = false) {
        self.id = id; self.layer = layer; self.title = title; self.explanation = explanation; self.hint = hint
        self.hostWide = hostWide
    }
}

extension FindingKind {
    public static let linkNoCarrier = FindingKind(
        "link-no-carrier", .link, title: "{IF}: no carrier (NO-CARRIER)",
        explanation: "The interface is administratively up but sees no link: cable, transceiver, switch port or the peer end "
            + "of a virtual link is down. Nothing is received or sent.",
        hint: "ip link show {IF}; ethtool {IF} (Link detected); check the switch port or the veth peer")
    public static let linkErrors = FindingKind(
        "link-errors", .link, title: "{IF}: carrier/frame errors moving",
        explanation: "Frames arrive damaged or the carrier flaps: usually a physical problem (cable, optics, duplex mismatch) "
            + "rather than load.",
        hint: "ethtool -S {IF} | grep -i -E 'crc|frame|carrier'; ethtool {IF} (speed, duplex)")
    public static let nicRingOverrun = FindingKind(
        "nic-ring-overrun", .nic, title: "{IF}: NIC ring/FIFO overruns",
        explanation: "The NIC had no free receive descriptor: packets arrived faster than the driver's interrupt/NAPI handling "
            + "emptied the ring. /proc/net/dev folds these into its drop and fifo columns; the breakdown comes from "
            + "/sys/class/net/{IF}/statistics.",
        hint: "ethtool -g {IF} (ring size; raise with ethtool -G {IF} rx N); check that its IRQs are spread over CPUs (pane 3, key i)")
    public static let interfaceDrops = FindingKind(
        "interface-drops", .nic, title: "{IF}: packets dropped",
        explanation: "The kernel or driver discarded packets on this interface: rx_drop counts packets the stack could not take "
            + "(no buffer, unknown protocol, filtered, backlog full), tx_drop packets the queue discipline or driver refused.",
        hint: "ip -s -s link show {IF}; tc -s qdisc show dev {IF}; softnet drops in pane 3")
    /// Appended to interface-drops' explanation on virtual links.
    public static let vethNote = " On veth pairs a drop is counted on both ends; look at the peer too."
    public static let softnetBacklogDrops = FindingKind(
        "softnet-backlog-drops", .cpu, title: "CPU {CPU}: backlog full, packets dropped",
        explanation: "The per-CPU input backlog (used by RPS, loopback, veth and non-NAPI drivers) was full, so the kernel dropped "
            + "packets before IP saw them. Host-wide figure: /proc/net/softnet_stat counts every namespace.",
        hint: "{net.core.netdev_max_backlog}; spread load with RPS (/sys/class/net/IF/queues/rx-N/rps_cpus)", hostWide: true)
    public static let softnetTimeSqueeze = FindingKind(
        "softnet-time-squeeze", .cpu, title: "CPU {CPU}: NAPI budget exhausted",
        explanation: "The receive softirq ran out of budget or time with packets still waiting; they stay in the ring and wait "
            + "for the next run. Sustained squeezing precedes ring overruns. Host-wide figure.",
        hint: "{net.core.netdev_budget}, {net.core.netdev_budget_usecs}", hostWide: true)
    public static let irqImbalance = FindingKind(
        "irq-imbalance", .cpu, title: "{IF}: CPU {CPU} takes {SHARE}% of its interrupts",
        explanation: "One CPU handles nearly all of this interface's interrupts while the others idle, so receive processing is "
            + "limited to one core. Host-wide figure.",
        hint: "cat /proc/irq/N/smp_affinity_list for its IRQs (pane 3, key i); irqbalance; RPS: /sys/class/net/{IF}/queues/rx-N/rps_cpus",
        hostWide: true)
    public static let netRXImbalance = FindingKind(
        "net-rx-imbalance", .cpu, title: "CPU {CPU} runs {SHARE}% of NET_RX softirqs",
        explanation: "Receive processing is concentrated on one CPU. Host-wide figure.",
        hint: "RPS (/sys/class/net/IF/queues/rx-N/rps_cpus), IRQ affinity (/proc/irq/N/smp_affinity), irqbalance", hostWide: true)
    public static let udpRcvbufErrors = FindingKind(
        "udp-rcvbuf-errors", .socket, title: "UDP receive buffers overflowing",
        explanation: "Datagrams arrived for a socket whose receive buffer was full, so the kernel dropped them: the application "
            + "reads too slowly or its buffer is too small.",
        hint: "{SOCKETS}raise the application's SO_RCVBUF (the kernel holds twice the setsockopt value, capped by "
            + "{net.core.rmem_max}; unset: {net.core.rmem_default}) or read faster; ss -u -a -m -p")
    public static let udpSndbufErrors = FindingKind(
        "udp-sndbuf-errors", .socket, title: "UDP sends failing: buffer or queue full ({COUNTERS})",
        explanation: "Sends failed because the socket send buffer or the device queue was full (Udp, Udp6, UDP-Lite).",
        hint: "tc -s qdisc (drops, backlog); txqueuelen (ip link); {net.core.wmem_max}")
    public static let udpNoPorts = FindingKind(
        "udp-no-ports", .application, title: "UDP datagrams to closed ports ({COUNTERS})",
        explanation: "Datagrams arrived for a port nobody listens on: a service is down, or clients send to the wrong port "
            + "(or it is a scan).",
        hint: "ss -u -a -n (who listens); tcpdump -n udp to see the destination port")
    public static let udpCsumErrors = FindingKind(
        "udp-csum-errors", .transport, title: "UDP checksum errors ({COUNTERS})",
        explanation: "Datagrams failed their checksum: corruption on the path or a NIC offload problem.",
        hint: "ethtool -k IF (rx-checksumming); link errors in pane 2")
    public static let tcpListenOverflow = FindingKind(
        "tcp-listen-overflow", .application, title: "TCP accept queue overflowing",
        explanation: "Connections completed the handshake but the application did not accept() them fast enough, so the "
            + "kernel dropped them: clients see timeouts and retries.",
        hint: "{LISTENERS}the application's listen() backlog, capped by {net.core.somaxconn}; ss -l -t -n -p (Recv-Q vs Send-Q)")
    public static let tcpSynBacklog = FindingKind(
        "tcp-syn-backlog", .transport, title: "SYN backlog under pressure (SYN flood or slow handshakes)",
        explanation: "Half-open connections filled the SYN queue: the kernel is dropping SYNs or answering with syncookies. "
            + "SyncookiesFailed counts ACKs to a listener that carried no valid cookie (stale, or an ACK flood).",
        hint: "{net.ipv4.tcp_max_syn_backlog}, {net.ipv4.tcp_syncookies}")
    public static let tcpRetransmits = FindingKind(
        "tcp-retransmits", .transport, title: "TCP retransmitting {PERCENT}% of segments",
        explanation: "Segments are being sent again: loss somewhere on the path (or at the peer), or a peer that stopped "
            + "answering.",
        hint: "ss -t -i dst <peer> (retrans, rtt, cwnd); mtr <peer>; drops on the peer and in between")
    public static let tcpRcvPressure = FindingKind(
        "tcp-rcv-pressure", .socket, title: "TCP receive buffers under pressure ({COUNTERS})",
        explanation: "Sockets ran out of receive memory: the kernel pruned or dropped queued data (out-of-order segments "
            + "first: OfoPruned, TCPOFODrop), or the application reads too slowly and the window closed.",
        hint: "{net.ipv4.tcp_rmem}; the application's read loop; ss -t -m (rb, r)")
    public static let tcpResets = FindingKind(
        "tcp-resets", .transport, title: "TCP connections reset or aborted",
        explanation: "Connections are refused (RST to a closed port: AttemptFails, OutRsts), reset in the middle (EstabResets) "
            + "or aborted by this host (TCPAbortOn*: data left unread at close or arriving after it, or retransmissions "
            + "timed out). Aborts for lack of memory are the tcp-memory-pressure finding.",
        hint: "ss -t -a state syn-sent; tcpdump 'tcp[tcpflags] & tcp-rst != 0'; {net.ipv4.tcp_retries2}")
    public static let tcpCloseWait = FindingKind(
        "tcp-close-wait", .application, title: "{COUNT} sockets in CLOSE_WAIT",
        explanation: "The peer closed these connections but the local application never called close(): a leak of sockets and "
            + "file descriptors in the application listening on (or connecting from) these ports.",
        hint: "ss -t -n state close-wait '( sport = :PORT )' -p to find the process; fix its close path")
    public static let tcpTimeWait = FindingKind(
        "tcp-time-wait", .transport, title: "TIME_WAIT table overflowing",
        explanation: "Many short connections closed by this host wait out TIME_WAIT; towards one peer (address and port) they "
            + "use up the local port range, and new connects fail.",
        hint: "{net.ipv4.ip_local_port_range}; connection reuse (keep-alive, pools); net.ipv4.tcp_tw_reuse; "
            + "net.ipv4.tcp_max_tw_buckets")

    /// A moving kernel drop reason that no other finding explains; its layer is the reason's.
    public static let kernelDropReason = FindingKind(
        "kernel-drop-reason", .ip, title: "Kernel dropping packets: {MEANING} ({REASON})",
        explanation: "The kernel freed these packets as dropped with reason {REASON}: {MEANING}. No counter-based finding "
            + "explains them. {SCOPE}",
        hint: "perf record -e skb:kfree_skb -g (where in the kernel); pane 7 for every reason", hostWide: true)

    /// Every kind, for the docs check.
    public static let all: [FindingKind] = [
        .linkNoCarrier, .linkErrors, .arpFilter, .nicRingOverrun, .interfaceDrops, .softnetBacklogDrops, .softnetTimeSqueeze,
        .irqImbalance, .netRXImbalance,
        .ipHeaderErrors, .ipAddressErrors, .ipUnknownProtocol, .ipNoRoute, .ipDiscards, .ipReassemblyFailures, .ipMTUExceeded,
        .ipRPFilter, .icmpErrors, .icmpRateLimited,
        .udpRcvbufErrors, .udpSndbufErrors, .udpNoPorts, .udpCsumErrors, .udpMemoryErrors, .udpInErrors,
        .tcpListenOverflow, .tcpSynBacklog, .tcpRetransmits, .tcpRcvPressure, .tcpResets, .tcpCloseWait, .tcpTimeWait,
        .tcpBadSegments, .tcpPAWSRejects, .tcpOutOfWindow, .tcpICMPIgnored, .tcpMemoryPressure, .tcpAuthFailures,
        .tcpMinTTLDrops, .tcpSendFailures, .tcpMigrateReqFailures, .mptcpJoinFailures, .mptcpDataErrors, .unexplainedDrops,
        .kernelDropReason,
    ] + dropSourceKinds
}
