/// Rules that need more than counters: the socket tables name the port, peer or listener.
extension TriageRules {
    /// Receive-buffer overflows of UDP and UDP-Lite, IPv4 and IPv6.
    static let udpReceiveCounters: [CounterID] = [.udpRcvbufErrors, .udp6RcvbufErrors, .udpLiteRcvbufErrors, .udpLite6RcvbufErrors]

    static func udpReceiveBuffers(_ r: Report) -> [Finding] {
        let counters = udpReceiveCounters.compactMap { ev($0, r) }
        guard !counters.isEmpty else { return [] }
        let sockets = (r.sample.udp?.busySockets ?? []).filter { (r.udpDropRates[$0.inode] ?? 0) > 0 }
        let items = sockets.map { Listener.hostPort($0.address, $0.port) }
        let evidence = counters + sockets.prefix(5).map {
            Evidence(name: "socket_drops", value: r.udpDropRates[$0.inode] ?? 0, unit: "per_s", item: "port \($0.port)")
        }
        let title = items.isEmpty ? nil : "UDP receive buffer full: \(items.prefix(3).joined(separator: ", "))"
        var finding = FindingKind.udpRcvbufErrors.finding(r, .critical, item: sockets.first.map { "port \($0.port)" },
                                                          fill: ["SOCKETS": udpSocketFacts(sockets.prefix(3), r)], evidence: evidence,
                                                          title: title)
        finding.sockets = sockets.prefix(3).map(\.inode)
        return [finding]
    }

    /// "port 5353: 480 drops/s, SO_RCVBUF 8192, 7680 bytes queued; " for each socket: its own limit
    /// (sock_diag only), which is what overflows, whatever the sysctls say.
    static func udpSocketFacts(_ sockets: ArraySlice<UDPSocket>, _ r: Report) -> String {
        sockets.map { socket in
            let facts = ["\(Finding.short(r.udpDropRates[socket.inode] ?? 0)) drops/s", socket.receiveBuffer.map { "SO_RCVBUF \($0)" },
                         "\(socket.rxQueue) bytes queued"]
            return "port \(socket.port): " + facts.compactMap { $0 }.joined(separator: ", ") + "; "
        }.joined()
    }

    /// Each section's InErrors and the counters it includes; what is left over has another cause.
    static let udpInErrorCounters: [(inErrors: CounterID, included: [CounterID])] = [
        (.udpInErrors, [.udpRcvbufErrors, .udpMemErrors, .udpInCsumErrors]),
        (.udp6InErrors, [.udp6RcvbufErrors, .udp6MemErrors, .udp6InCsumErrors]),
        (.udpLiteInErrors, [.udpLiteRcvbufErrors, .udpLiteMemErrors, .udpLiteInCsumErrors]),
        (.udpLite6InErrors, [.udpLite6RcvbufErrors, .udpLite6MemErrors, .udpLite6InCsumErrors]),
    ]

    static func udpInErrors(_ r: Report) -> Finding? {
        let moving = udpInErrorCounters.filter { section in
            let rest = (r.rate(section.inErrors) ?? 0) - section.included.reduce(0) { $0 + (r.rate($1) ?? 0) }
            return rest >= TriageThresholds.errorRate
        }.map(\.inErrors)
        guard !moving.isEmpty else { return nil }
        return FindingKind.udpInErrors.finding(r, .warning, fill: ["COUNTERS": names(moving)],
                                               evidence: moving.compactMap { ev($0, r) })
    }

    static func tcp(_ r: Report) -> [Finding] {
        [listenOverflow(r), synBacklog(r), retransmits(r), resets(r), closeWait(r), timeWait(r), udpInErrors(r)].compactMap { $0 }
    }

    static func listenOverflow(_ r: Report) -> Finding? {
        let overflows = r.rate(.tcpListenOverflows) ?? 0, drops = r.rate(.tcpListenDrops) ?? 0
        guard overflows + drops > 0 else { return nil }
        let full = (r.sample.tcp?.listeners ?? []).filter { $0.acceptQueue > 0 }
        let evidence = [ev(.tcpListenOverflows, r), ev(.tcpListenDrops, r)].compactMap { $0 }
            + full.prefix(3).map { Evidence(name: "accept_queue", value: Double($0.acceptQueue), unit: "count", item: "port \($0.port)") }
        // "port 8080: listen backlog 1, 2 waiting; ": the listener's own limit (a full queue holds one more).
        let facts = full.prefix(3).map { l in
            "port \(l.port): " + (l.backlog.map { "listen backlog \($0), " } ?? "") + "\(l.acceptQueue) waiting; "
        }.joined()
        var finding = FindingKind.tcpListenOverflow.finding(r, .critical, item: full.first.map { "port \($0.port)" },
                                                            fill: ["LISTENERS": facts], evidence: evidence,
                                                            title: full.first.map { "TCP accept queue full on port \($0.port)" })
        finding.sockets = full.prefix(3).compactMap(\.inode)
        return finding
    }

    static let synBacklogCounters: [CounterID] = [.tcpReqQFullDrop, .tcpReqQFullDoCookies, .tcpSyncookiesSent, .tcpSyncookiesFailed]

    static func synBacklog(_ r: Report) -> Finding? {
        let counters = synBacklogCounters.compactMap { ev($0, r) }
        let synRecv = r.sample.tcp?.states[TCPState.synRecv.name] ?? 0
        guard !counters.isEmpty || synRecv >= TriageThresholds.synRecvCount else { return nil }
        let dropping = counters.contains { $0.name == CounterID.tcpReqQFullDrop.description }
        let level = synRecv > 0 ? [Evidence(name: TCPState.synRecv.name, value: Double(synRecv), unit: "count", item: nil)] : []
        return FindingKind.tcpSynBacklog.finding(r, dropping ? .critical : .warning, evidence: counters + level)
    }

    /// Shown when retransmissions pass their share of segments sent.
    static let retransmitCounters: [CounterID] = [.tcpRetransSegs, .tcpTimeouts, .tcpSynRetrans, .tcpLostRetransmit]

    static func retransmits(_ r: Report) -> Finding? {
        guard let percent = r.retransPercent, let sent = r.rate(.tcpOutSegs), sent >= TriageThresholds.retransMinSegments,
              percent >= TriageThresholds.retransWarning else { return nil }
        let peers = (r.sample.tcp?.retransmittingPeers ?? []).prefix(3)
        let evidence = [Evidence(name: "retrans", value: percent, unit: "percent", item: nil)]
            + retransmitCounters.compactMap { ev($0, r) }
            + peers.map { Evidence(name: "retransmitting_sockets", value: Double($0.retransmitting), unit: "count", item: $0.address) }
        return FindingKind.tcpRetransmits.finding(r, percent >= TriageThresholds.retransCritical ? .critical : .warning,
                                                  item: peers.first?.address, fill: ["PERCENT": Finding.short(percent)], evidence: evidence)
    }

    /// Aborts for lack of memory are tcp-memory-pressure's (DropRules.swift).
    static let resetCounters: [CounterID] = [.tcpEstabResets, .tcpAttemptFails, .tcpOutRsts, .tcpAbortOnData, .tcpAbortOnClose,
                                             .tcpAbortOnTimeout]

    static func resets(_ r: Report) -> Finding? {
        let moving = resetCounters.compactMap { ev($0, r) }
        guard moving.contains(where: { $0.value >= TriageThresholds.resetRate }) else { return nil }
        return FindingKind.tcpResets.finding(r, .warning, evidence: moving.sorted { $0.value > $1.value })
    }

    static func closeWait(_ r: Report) -> Finding? {
        guard let count = r.sample.tcp?.states[TCPState.closeWait.name], count >= TriageThresholds.closeWaitCount else { return nil }
        let ports = (r.sample.tcp?.closeWaitPorts ?? []).prefix(3)
        let evidence = [Evidence(name: TCPState.closeWait.name, value: Double(count), unit: "count", item: nil)]
            + ports.map { Evidence(name: "close_wait", value: Double($0.count), unit: "count", item: "port \($0.port)") }
        let title = "\(count) sockets in CLOSE_WAIT" + (ports.first.map { ", most on port \($0.port)" } ?? "")
        var finding = FindingKind.tcpCloseWait.finding(r, .warning, item: ports.first.map { "port \($0.port)" }, evidence: evidence,
                                                       title: title)
        finding.sockets = ports.compactMap(\.inode)
        return finding
    }

    /// The size of the local port range, from net.ipv4.ip_local_port_range ("32768 60999").
    static func localPortRange(_ r: Report) -> Double {
        let parts = (r.sample.sysctl["net.ipv4.ip_local_port_range"] ?? "").split(separator: " ").compactMap { Double($0) }
        return parts.count == 2 && parts[1] >= parts[0] ? parts[1] - parts[0] + 1 : TriageThresholds.defaultPortRange
    }

    static func timeWait(_ r: Report) -> Finding? {
        let overflow = r.rate(.tcpTimeWaitOverflow) ?? 0
        let worst = r.sample.tcp?.timeWaitPeers.first
        guard overflow > 0 || Double(worst?.timeWait ?? 0) >= TriageThresholds.timeWaitPortShare * localPortRange(r) else { return nil }
        let evidence = [ev(.tcpTimeWaitOverflow, r),
                        worst.map { Evidence(name: "time_wait", value: Double($0.timeWait), unit: "count", item: $0.address) },
                        Evidence(name: TCPState.timeWait.name, value: Double(r.sample.tcp?.states[TCPState.timeWait.name] ?? 0),
                                 unit: "count", item: nil)].compactMap { $0 }
        let title = overflow > 0 ? nil : "TIME_WAIT towards \(worst?.address ?? "?") near local port exhaustion"
        return FindingKind.tcpTimeWait.finding(r, overflow > 0 ? .critical : .warning, item: worst?.address, evidence: evidence,
                                               title: title)
    }
}
