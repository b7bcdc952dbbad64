/// Where on a packet's path a finding sits, closest to the wire first (the ranking order).
public enum Layer: Int, Comparable, Sendable, CaseIterable {
    case link, nic, cpu, ip, transport, socket, application

    public var name: String { ["link", "nic", "cpu-backlog", "ip", "tcp-udp", "socket", "application"][rawValue] }
    public static func < (a: Layer, b: Layer) -> Bool { a.rawValue < b.rawValue }
}

public enum Severity: Int, Comparable, Sendable {
    case info, warning, critical
    public var name: String { ["info", "warning", "critical"][rawValue] }
    public static func < (a: Severity, b: Severity) -> Bool { a.rawValue < b.rawValue }
    public init?(name: String) {
        switch name { case "info": self = .info; case "warning": self = .warning; case "critical": self = .critical; default: return nil }
    }
}

/// One counter or level that supports a finding.
public struct Evidence: Sendable, Equatable {
    public var name: String
    public var value: Double
    /// "per_s", "percent", "count".
    public var unit: String
    public var item: String?
}

public struct Finding: Sendable, Equatable {
    public var id: String
    public var severity: Severity
    public var layer: Layer
    public var title: String
    /// The interface, CPU, port or peer the finding is about, when there is one.
    public var item: String?
    public var evidence: [Evidence]
    public var explanation: String
    public var hint: String
    /// Built on /proc/interrupts, softirqs or softnet_stat, which count the whole host even
    /// inside a network namespace.
    public var hostWide: Bool
    /// Wall-clock seconds since which the finding has held (set by TriageEngine).
    public var since: Double = 0

    /// The number shown on the one-line form: the first piece of evidence.
    public var headline: String {
        guard let e = evidence.first else { return title }
        let value = e.unit == "count" ? String(e.value.saturatingInt64) : Self.short(e.value)
        let unit = e.unit == "per_s" ? "/s" : e.unit == "percent" ? "%" : ""
        return "\(e.name) \(value)\(unit)"
    }

    static func short(_ v: Double) -> String {
        if v >= 100 { return String(v.rounded().saturatingInt64) }
        let t = (v * 10).rounded() / 10
        return t == t.rounded() ? String(t.saturatingInt64) : String(t)
    }
}

/// Thresholds, in one place so docs/triage.md can quote them.
public enum TriageThresholds {
    /// Interface drops: at least this many per second and this share of the packets.
    public static let dropRate = 1.0, dropShare = 0.001, dropCriticalShare = 0.01
    /// softnet time_squeeze per second before it is a warning (below: info).
    public static let squeezeWarning = 10.0
    /// IRQ or NET_RX imbalance: at least this many per second in total, one CPU with this share.
    public static let imbalanceRate = 1000.0, imbalanceShare = 0.9
    /// IP, UDP error counters: per second.
    public static let errorRate = 1.0
    /// TCP retransmissions: share of segments sent, with at least this many segments per second.
    public static let retransWarning = 2.0, retransCritical = 10.0, retransMinSegments = 100.0
    /// Resets and aborts per second.
    public static let resetRate = 5.0
    /// Sockets in CLOSE_WAIT, SYN_RECV.
    public static let closeWaitCount: UInt64 = 50, synRecvCount: UInt64 = 100
    /// TIME_WAIT towards one peer as a share of the local port range.
    public static let timeWaitPortShare = 0.5
}

/// Rules over one report (rates of the last interval and levels now). Pure.
public enum TriageRules {
    public static func evaluate(_ r: Report) -> [Finding] {
        guard r.intervalSeconds != nil else { return [] }
        var f: [Finding] = []
        f += link(r); f += nic(r); f += interfaceDrops(r)
        f += softnet(r); f += imbalance(r)
        f += ip(r); f += udp(r); f += tcp(r)
        return f.sorted { ($0.layer, -$0.severity.rawValue, $0.id, $0.item ?? "") < ($1.layer, -$1.severity.rawValue, $1.id, $1.item ?? "") }
    }

    static func sysctl(_ r: Report, _ name: String) -> String {
        "\(name) = \(r.sample.sysctl[name] ?? "unknown")"
    }

    static func ev(_ name: String, _ value: Double?, _ unit: String = "per_s", item: String? = nil) -> Evidence? {
        guard let value, value > 0 else { return nil }
        return Evidence(name: name, value: value, unit: unit, item: item)
    }

    // 15. Link
    static func link(_ r: Report) -> [Finding] {
        var out: [Finding] = []
        for i in r.interfaces where i.name != "lo" {
            if i.sample.carrier == 0 {
                out.append(Finding(id: "link-no-carrier", severity: .critical, layer: .link, title: "\(i.name): no carrier (NO-CARRIER)",
                                   item: i.name, evidence: [Evidence(name: "carrier", value: 0, unit: "count", item: i.name)],
                                   explanation: "The interface is administratively up but sees no link: cable, transceiver, switch port or the peer end of a virtual link is down. Nothing is received or sent.",
                                   hint: "ip link show \(i.name); ethtool \(i.name) (Link detected); check the switch port or the veth peer", hostWide: false))
            }
            let errors = [("tx_carrier", i.rate(.txCarrier)), ("rx_frame", i.rate(.rxFrame)),
                          ("rx_crc_errors", i.statisticRates["rx_crc_errors"] ?? nil)].compactMap { ev($0.0, $0.1, item: i.name) }
            if !errors.isEmpty {
                out.append(Finding(id: "link-errors", severity: .warning, layer: .link, title: "\(i.name): carrier/frame errors moving",
                                   item: i.name, evidence: errors,
                                   explanation: "Frames arrive damaged or the carrier flaps: usually a physical problem (cable, optics, duplex mismatch) rather than load.",
                                   hint: "ethtool -S \(i.name) | grep -i -E 'crc|frame|carrier'; ethtool \(i.name) (speed, duplex)", hostWide: false))
            }
        }
        return out
    }

    // 1. NIC ring / FIFO overruns
    static func nic(_ r: Report) -> [Finding] {
        r.interfaces.compactMap { i in
            let e = [("rx_missed_errors", i.statisticRates["rx_missed_errors"] ?? nil), ("rx_over_errors", i.statisticRates["rx_over_errors"] ?? nil),
                     ("rx_fifo_errors", i.statisticRates["rx_fifo_errors"] ?? nil), ("rx_fifo", i.statisticRates.isEmpty ? i.rate(.rxFifo) : nil)]
                .compactMap { ev($0.0, $0.1, item: i.name) }
            guard !e.isEmpty else { return nil }
            let total = e.reduce(0) { $0 + $1.value }, packets = i.rate(.rxPackets) ?? 0
            let severity: Severity = packets > 0 && total / (packets + total) >= TriageThresholds.dropCriticalShare ? .critical : .warning
            return Finding(id: "nic-ring-overrun", severity: severity, layer: .nic, title: "\(i.name): NIC ring/FIFO overruns",
                           item: i.name, evidence: e,
                           explanation: "The NIC had no free receive descriptor: packets arrived faster than the driver's interrupt/NAPI handling emptied the ring. /proc/net/dev folds these into its drop and fifo columns; the breakdown comes from /sys/class/net/\(i.name)/statistics.",
                           hint: "ethtool -g \(i.name) (ring size; raise with ethtool -G \(i.name) rx N); check that its IRQs are spread over CPUs (pane 3, key i)",
                           hostWide: false)
        }
    }

    // 2. Interface drops
    static func interfaceDrops(_ r: Report) -> [Finding] {
        r.interfaces.compactMap { i in
            let rx = i.rate(.rxDrop) ?? 0, tx = i.rate(.txDrop) ?? 0
            let packets = (i.rate(.rxPackets) ?? 0) + (i.rate(.txPackets) ?? 0)
            let drops = rx + tx
            guard drops >= TriageThresholds.dropRate, drops / max(1, packets + drops) >= TriageThresholds.dropShare else { return nil }
            let share = drops / max(1, packets + drops)
            let veth = i.sample.speedMbps == nil && i.name != "lo"
            return Finding(id: "interface-drops", severity: share >= TriageThresholds.dropCriticalShare ? .critical : .warning, layer: .nic,
                           title: "\(i.name): packets dropped", item: i.name,
                           evidence: [ev("rx_drop", rx, item: i.name), ev("tx_drop", tx, item: i.name),
                                      ev("drop_share", share * 100, "percent", item: i.name)].compactMap { $0 },
                           explanation: "The kernel or driver discarded packets on this interface: rx_drop counts packets the stack could not take (no buffer, unknown protocol, filtered, backlog full), tx_drop packets the queue discipline or driver refused." + (veth ? " On veth pairs a drop is counted on both ends; look at the peer too." : ""),
                           hint: "ip -s -s link show \(i.name); tc -s qdisc show dev \(i.name); softnet drops in pane 3", hostWide: false)
        }
    }

    // 3, 4. softnet backlog drops and squeezes (host-wide)
    static func softnet(_ r: Report) -> [Finding] {
        var out: [Finding] = []
        for c in r.cpus {
            if let d = c.softnetRates["dropped"] ?? nil, d > 0 {
                out.append(Finding(id: "softnet-backlog-drops", severity: .critical, layer: .cpu, title: "CPU \(c.cpu): backlog full, packets dropped",
                                   item: "cpu\(c.cpu)", evidence: [Evidence(name: "softnet_dropped", value: d, unit: "per_s", item: "cpu\(c.cpu)")],
                                   explanation: "The per-CPU input backlog (used by RPS, loopback, veth and non-NAPI drivers) was full, so the kernel dropped packets before IP saw them. Host-wide figure: /proc/net/softnet_stat counts every namespace.",
                                   hint: "\(sysctl(r, "net.core.netdev_max_backlog")); spread load with RPS (/sys/class/net/IF/queues/rx-N/rps_cpus)", hostWide: true))
            }
            if let s = c.softnetRates["time_squeeze"] ?? nil, s >= 1 {
                out.append(Finding(id: "softnet-time-squeeze", severity: s >= TriageThresholds.squeezeWarning ? .warning : .info, layer: .cpu,
                                   title: "CPU \(c.cpu): NAPI budget exhausted", item: "cpu\(c.cpu)",
                                   evidence: [Evidence(name: "time_squeeze", value: s, unit: "per_s", item: "cpu\(c.cpu)")],
                                   explanation: "The receive softirq ran out of budget or time with packets still waiting; they stay in the ring and wait for the next run. Sustained squeezing precedes ring overruns. Host-wide figure.",
                                   hint: "\(sysctl(r, "net.core.netdev_budget")), \(sysctl(r, "net.core.netdev_budget_usecs"))", hostWide: true))
            }
        }
        return out
    }

    // 5. IRQ / NET_RX imbalance (host-wide)
    static func imbalance(_ r: Report) -> [Finding] {
        guard r.cpus.count > 1 else { return [] }
        var out: [Finding] = []
        var byInterface: [String: [Double]] = [:]
        for irq in r.irqs {
            var v = byInterface[irq.interface] ?? [Double](repeating: 0, count: r.cpus.count)
            for (k, rate) in irq.perCPUPerSecond.enumerated() where k < v.count { v[k] += rate ?? 0 }
            byInterface[irq.interface] = v
        }
        for (interface, perCPU) in byInterface.sorted(by: { $0.key < $1.key }) {
            let total = perCPU.reduce(0, +)
            guard total >= TriageThresholds.imbalanceRate, let top = perCPU.indices.max(by: { perCPU[$0] < perCPU[$1] }),
                  perCPU[top] / total >= TriageThresholds.imbalanceShare else { continue }
            let cpu = r.cpus[top].cpu
            out.append(Finding(id: "irq-imbalance", severity: .warning, layer: .cpu, title: "\(interface): CPU \(cpu) takes \((perCPU[top] / total * 100).saturatingInt)% of its interrupts",
                               item: interface, evidence: [Evidence(name: "irqs", value: total, unit: "per_s", item: interface),
                                                           Evidence(name: "top_cpu_share", value: perCPU[top] / total * 100, unit: "percent", item: "cpu\(cpu)")],
                               explanation: "One CPU handles nearly all of this interface's interrupts while the others idle, so receive processing is limited to one core. Host-wide figure.",
                               hint: "cat /proc/irq/N/smp_affinity_list for its IRQs (pane 3, key i); irqbalance; RPS: /sys/class/net/\(interface)/queues/rx-N/rps_cpus",
                               hostWide: true))
        }
        let rx = r.cpus.map { $0.netRXPerSecond ?? 0 }, total = rx.reduce(0, +)
        if total >= TriageThresholds.imbalanceRate, let top = rx.indices.max(by: { rx[$0] < rx[$1] }), rx[top] / total >= TriageThresholds.imbalanceShare,
           out.isEmpty {
            out.append(Finding(id: "net-rx-imbalance", severity: .warning, layer: .cpu, title: "CPU \(r.cpus[top].cpu) runs \((rx[top] / total * 100).saturatingInt)% of NET_RX softirqs",
                               item: "cpu\(r.cpus[top].cpu)", evidence: [Evidence(name: "NET_RX", value: total, unit: "per_s", item: nil),
                                                                       Evidence(name: "top_cpu_share", value: rx[top] / total * 100, unit: "percent", item: "cpu\(r.cpus[top].cpu)")],
                               explanation: "Receive processing is concentrated on one CPU. Host-wide figure.",
                               hint: "RPS (/sys/class/net/IF/queues/rx-N/rps_cpus), IRQ affinity (/proc/irq/N/smp_affinity), irqbalance", hostWide: true))
        }
        return out
    }

    // 6. IP
    static func ip(_ r: Report) -> [Finding] {
        let counters: [(String, String)] = [("Ip", "InDiscards"), ("Ip", "InHdrErrors"), ("Ip", "InAddrErrors"), ("IpExt", "InNoRoutes"),
                                            ("Ip", "OutNoRoutes"), ("Ip", "OutDiscards"), ("Ip", "ReasmFails"), ("IpExt", "InCsumErrors")]
        let e = counters.compactMap { s, c in (r.rate(s, c) ?? 0) >= TriageThresholds.errorRate ? ev(c, r.rate(s, c)) : nil }
        guard !e.isEmpty else { return [] }
        let reasm = e.contains { $0.name == "ReasmFails" }
        return [Finding(id: "ip-errors", severity: .warning, layer: .ip, title: "IP layer discarding packets", item: nil, evidence: e,
                        explanation: "Packets were dropped by IP: bad headers or checksums, addresses not local, no route, or fragments that could not be reassembled.",
                        hint: reasm ? "\(sysctl(r, "net.ipv4.ipfrag_high_thresh")) (reassembly memory); ip route; nstat -az Ip*" : "ip route get <dst>; nstat -az 'Ip*'",
                        hostWide: false)]
    }

    // 7. UDP
    static func udp(_ r: Report) -> [Finding] {
        var out: [Finding] = []
        let rcv4 = r.rate("Udp", "RcvbufErrors") ?? 0, rcv6 = r.rate("Udp6", "RcvbufErrors") ?? 0
        if rcv4 + rcv6 > 0 {
            let sockets = (r.sample.udp?.busySockets ?? []).filter { (r.udpDropRates[$0.inode] ?? 0) > 0 }
            let items = sockets.map { $0.address.contains(":") ? "[\($0.address)]:\($0.port)" : "\($0.address):\($0.port)" }
            var evidence = [ev("Udp.RcvbufErrors", rcv4), ev("Udp6.RcvbufErrors", rcv6)].compactMap { $0 }
            evidence += sockets.prefix(5).map { Evidence(name: "socket_drops", value: r.udpDropRates[$0.inode] ?? 0, unit: "per_s", item: "port \($0.port)") }
            out.append(Finding(id: "udp-rcvbuf-errors", severity: .critical, layer: .socket,
                               title: items.isEmpty ? "UDP receive buffers overflowing" : "UDP receive buffer full: \(items.prefix(3).joined(separator: ", "))",
                               item: sockets.first.map { "port \($0.port)" }, evidence: evidence,
                               explanation: "Datagrams arrived for a socket whose receive buffer was full, so the kernel dropped them: the application reads too slowly or its buffer is too small.",
                               hint: "the application's SO_RCVBUF; \(sysctl(r, "net.core.rmem_max")), \(sysctl(r, "net.core.rmem_default")); ss -u -a -m", hostWide: false))
        }
        if let snd = r.rate("Udp", "SndbufErrors"), snd >= TriageThresholds.errorRate {
            out.append(Finding(id: "udp-sndbuf-errors", severity: .warning, layer: .socket, title: "UDP sends failing: buffer or queue full",
                               item: nil, evidence: [ev("Udp.SndbufErrors", snd)].compactMap { $0 },
                               explanation: "Sends failed because the socket send buffer or the device queue was full.",
                               hint: "tc -s qdisc (drops, backlog); txqueuelen (ip link); \(sysctl(r, "net.core.wmem_max"))", hostWide: false))
        }
        let noPorts = (r.rate("Udp", "NoPorts") ?? 0) + (r.rate("Udp6", "NoPorts") ?? 0)
        if noPorts >= TriageThresholds.errorRate {
            out.append(Finding(id: "udp-no-ports", severity: .info, layer: .application, title: "UDP datagrams to closed ports",
                               item: nil, evidence: [ev("Udp.NoPorts", r.rate("Udp", "NoPorts")), ev("Udp6.NoPorts", r.rate("Udp6", "NoPorts"))].compactMap { $0 },
                               explanation: "Datagrams arrived for a port nobody listens on: a service is down, or clients send to the wrong port (or it is a scan).",
                               hint: "ss -u -a -n (who listens); tcpdump -n udp to see the destination port", hostWide: false))
        }
        let csum = (r.rate("Udp", "InCsumErrors") ?? 0) + (r.rate("Udp6", "InCsumErrors") ?? 0)
        if csum >= TriageThresholds.errorRate {
            out.append(Finding(id: "udp-csum-errors", severity: .warning, layer: .transport, title: "UDP checksum errors",
                               item: nil, evidence: [ev("Udp.InCsumErrors", csum)].compactMap { $0 },
                               explanation: "Datagrams failed their checksum: corruption on the path or a NIC offload problem.",
                               hint: "ethtool -k IF (rx-checksumming); link errors in pane 2", hostWide: false))
        }
        return out
    }

    // 8-14. TCP
    static func tcp(_ r: Report) -> [Finding] {
        var out: [Finding] = []
        let tcp = r.sample.tcp
        // 8. accept queue
        let overflows = r.rate("TcpExt", "ListenOverflows") ?? 0, listenDrops = r.rate("TcpExt", "ListenDrops") ?? 0
        if overflows + listenDrops > 0 {
            let full = (tcp?.listeners ?? []).filter { $0.acceptQueue > 0 }
            let item = full.first.map { "port \($0.port)" }
            out.append(Finding(id: "tcp-listen-overflow", severity: .critical, layer: .application,
                               title: full.isEmpty ? "TCP accept queue overflowing" : "TCP accept queue full on port \(full[0].port)",
                               item: item,
                               evidence: [ev("ListenOverflows", overflows), ev("ListenDrops", listenDrops)].compactMap { $0 }
                                   + full.prefix(3).map { Evidence(name: "accept_queue", value: Double($0.acceptQueue), unit: "count", item: "port \($0.port)") },
                               explanation: "Connections completed the handshake but the application did not accept() them fast enough, so the kernel dropped them: clients see timeouts and retries.",
                               hint: "\(sysctl(r, "net.core.somaxconn")) and the application's listen() backlog; ss -l -t -n (Recv-Q vs Send-Q)", hostWide: false))
        }
        // 9. SYN backlog
        let synE = [ev("TCPReqQFullDrop", r.rate("TcpExt", "TCPReqQFullDrop")), ev("TCPReqQFullDoCookies", r.rate("TcpExt", "TCPReqQFullDoCookies")),
                    ev("SyncookiesSent", r.rate("TcpExt", "SyncookiesSent"))].compactMap { $0 }
        let synRecv = tcp?.states["SYN_RECV"] ?? 0
        if !synE.isEmpty || synRecv >= TriageThresholds.synRecvCount {
            out.append(Finding(id: "tcp-syn-backlog", severity: synE.contains { $0.name == "TCPReqQFullDrop" } ? .critical : .warning, layer: .transport,
                               title: "SYN backlog under pressure (SYN flood or slow handshakes)", item: nil,
                               evidence: synE + (synRecv > 0 ? [Evidence(name: "SYN_RECV", value: Double(synRecv), unit: "count", item: nil)] : []),
                               explanation: "Half-open connections filled the SYN queue: the kernel is dropping SYNs or answering with syncookies.",
                               hint: "\(sysctl(r, "net.ipv4.tcp_max_syn_backlog")), \(sysctl(r, "net.ipv4.tcp_syncookies"))", hostWide: false))
        }
        // 10. retransmissions
        if let pct = r.retransPercent, let out_ = r.rate("Tcp", "OutSegs"), out_ >= TriageThresholds.retransMinSegments, pct >= TriageThresholds.retransWarning {
            let peers = (tcp?.retransmittingPeers ?? []).prefix(3)
            out.append(Finding(id: "tcp-retransmits", severity: pct >= TriageThresholds.retransCritical ? .critical : .warning, layer: .transport,
                               title: "TCP retransmitting \(Finding.short(pct))% of segments", item: peers.first?.address,
                               evidence: [Evidence(name: "retrans", value: pct, unit: "percent", item: nil), ev("RetransSegs", r.rate("Tcp", "RetransSegs")),
                                          ev("TCPTimeouts", r.rate("TcpExt", "TCPTimeouts")), ev("TCPSynRetrans", r.rate("TcpExt", "TCPSynRetrans")),
                                          ev("TCPLostRetransmit", r.rate("TcpExt", "TCPLostRetransmit"))].compactMap { $0 }
                                   + peers.map { Evidence(name: "retransmitting_sockets", value: Double($0.retransmitting), unit: "count", item: $0.address) },
                               explanation: "Segments are being sent again: loss somewhere on the path (or at the peer), or a peer that stopped answering.",
                               hint: "ss -t -i dst <peer> (retrans, rtt, cwnd); mtr <peer>; drops on the peer and in between", hostWide: false))
        }
        // 11. receive-side pressure
        let pressure = [("PruneCalled", "TcpExt"), ("RcvPruned", "TcpExt"), ("TCPRcvQDrop", "TcpExt"), ("TCPBacklogDrop", "TcpExt"),
                        ("TCPZeroWindowDrop", "TcpExt")].compactMap { ev($0.0, r.rate($0.1, $0.0)) }
        if !pressure.isEmpty {
            out.append(Finding(id: "tcp-rcv-pressure", severity: .warning, layer: .socket, title: "TCP receive buffers under pressure", item: nil,
                               evidence: pressure + [ev("TCPRcvCollapsed", r.rate("TcpExt", "TCPRcvCollapsed")), ev("TCPToZeroWindowAdv", r.rate("TcpExt", "TCPToZeroWindowAdv"))].compactMap { $0 },
                               explanation: "Sockets ran out of receive memory: the kernel pruned or dropped queued data, or the application reads too slowly and the window closed.",
                               hint: "\(sysctl(r, "net.ipv4.tcp_rmem")); the application's read loop; ss -t -m (rb, r)", hostWide: false))
        }
        // 12. resets and aborts
        let resets = [("EstabResets", "Tcp"), ("AttemptFails", "Tcp"), ("OutRsts", "Tcp"), ("TCPAbortOnData", "TcpExt"), ("TCPAbortOnClose", "TcpExt"),
                      ("TCPAbortOnMemory", "TcpExt"), ("TCPAbortOnTimeout", "TcpExt")].compactMap { ev($0.0, r.rate($0.1, $0.0)) }
        let memory = resets.contains { $0.name == "TCPAbortOnMemory" }
        if memory || resets.contains(where: { $0.value >= TriageThresholds.resetRate }) {
            out.append(Finding(id: "tcp-resets", severity: memory ? .critical : .warning, layer: .transport, title: "TCP connections reset or aborted", item: nil,
                               evidence: resets.sorted { $0.value > $1.value },
                               explanation: "Connections are refused (RST to a closed port: AttemptFails, OutRsts), reset in the middle (EstabResets) or aborted by this host (TCPAbortOn*: data left unread at close, timeouts, or out of memory).",
                               hint: "ss -t -a state syn-sent; tcpdump 'tcp[tcpflags] & tcp-rst != 0'; TCPAbortOnMemory: net.ipv4.tcp_mem", hostWide: false))
        }
        // 13. CLOSE_WAIT
        if let closeWait = tcp?.states["CLOSE_WAIT"], closeWait >= TriageThresholds.closeWaitCount {
            let ports = (tcp?.closeWaitPorts ?? []).prefix(3)
            out.append(Finding(id: "tcp-close-wait", severity: .warning, layer: .application,
                               title: "\(closeWait) sockets in CLOSE_WAIT" + (ports.first.map { ", most on port \($0.port)" } ?? ""),
                               item: ports.first.map { "port \($0.port)" },
                               evidence: [Evidence(name: "CLOSE_WAIT", value: Double(closeWait), unit: "count", item: nil)]
                                   + ports.map { Evidence(name: "close_wait", value: Double($0.count), unit: "count", item: "port \($0.port)") },
                               explanation: "The peer closed these connections but the local application never called close(): a leak of sockets and file descriptors in the application listening on (or connecting from) these ports.",
                               hint: "ss -t -n state close-wait '( sport = :PORT )' -p to find the process; fix its close path", hostWide: false))
        }
        // 14. TIME_WAIT
        let twOverflow = r.rate("TcpExt", "TCPTimeWaitOverflow") ?? 0
        var portRange = 28232.0
        if let text = r.sample.sysctl["net.ipv4.ip_local_port_range"] {
            let parts = text.split(separator: " ").compactMap { Double($0) }
            if parts.count == 2, parts[1] >= parts[0] { portRange = parts[1] - parts[0] + 1 }
        }
        let worst = tcp?.timeWaitPeers.first
        if twOverflow > 0 || Double(worst?.timeWait ?? 0) >= TriageThresholds.timeWaitPortShare * portRange {
            out.append(Finding(id: "tcp-time-wait", severity: twOverflow > 0 ? .critical : .warning, layer: .transport,
                               title: twOverflow > 0 ? "TIME_WAIT table overflowing" : "TIME_WAIT towards \(worst?.address ?? "?") near local port exhaustion",
                               item: worst?.address,
                               evidence: [ev("TCPTimeWaitOverflow", twOverflow), worst.map { Evidence(name: "time_wait", value: Double($0.timeWait), unit: "count", item: $0.address) },
                                          Evidence(name: "TIME_WAIT", value: Double(tcp?.states["TIME_WAIT"] ?? 0), unit: "count", item: nil)].compactMap { $0 },
                               explanation: "Many short connections closed by this host wait out TIME_WAIT; towards one peer (address and port) they use up the local port range, and new connects fail.",
                               hint: "\(sysctl(r, "net.ipv4.ip_local_port_range")); connection reuse (keep-alive, pools); net.ipv4.tcp_tw_reuse; net.ipv4.tcp_max_tw_buckets", hostWide: false))
        }
        return out
    }
}

/// Keeps, across reports, since when each finding has held (an id and item seen in the
/// previous evaluation keeps its start time).
public final class TriageEngine {
    private var since: [String: Double] = [:]
    public init() {}

    public func evaluate(_ r: Report) -> [Finding] {
        var found = TriageRules.evaluate(r)
        var next: [String: Double] = [:]
        for i in found.indices {
            let key = found[i].id + "\u{0}" + (found[i].item ?? "")
            let start = since[key] ?? r.sample.wallSeconds
            found[i].since = start
            next[key] = start
        }
        since = next
        return found
    }
}
