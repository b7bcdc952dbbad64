import OrderedCollections

/// Rules over one report (rates of the last interval and levels now). Pure. What each finding
/// says is declared in Catalog/FindingKinds.swift; thresholds live in TriageThresholds.
public enum TriageRules {
    public static func evaluate(_ r: Report) -> [Finding] {
        guard r.intervalSeconds != nil else { return [] }
        var f: [Finding] = []
        f += link(r); f += nic(r); f += interfaceDrops(r)
        f += softnet(r); f += imbalance(r)
        f += counterRules.compactMap { $0.evaluate(r) }
        f += udpReceiveBuffers(r) + tcp(r)
        f = withDropSources(r, f)
        f += unexplained(r, after: f)
        return withDropReasons(r, f).sorted {
            ($0.layer, -$0.severity.rawValue, $0.id, $0.item ?? "") < ($1.layer, -$1.severity.rawValue, $1.id, $1.item ?? "")
        }
    }

    /// Evidence for a rate that moved; nil when it did not.
    static func ev(_ name: String, _ value: Double?, _ unit: String = "per_s", item: String? = nil) -> Evidence? {
        guard let value, value > 0 else { return nil }
        return Evidence(name: name, value: value, unit: unit, item: item)
    }

    static func ev(_ counter: CounterID, _ r: Report) -> Evidence? { ev(counter.description, r.rate(counter)) }

    // MARK: link and NIC

    static func link(_ r: Report) -> [Finding] {
        var out: [Finding] = []
        for i in r.interfaces where i.name != "lo" {
            let fill = ["IF": i.name]
            if i.sample.carrier == 0 {
                out.append(FindingKind.linkNoCarrier.finding(r, .critical, item: i.name, fill: fill,
                                                             evidence: [Evidence(name: "carrier", value: 0, unit: "count", item: i.name)]))
            }
            let errors = [("tx_carrier", i.rate(.txCarrier)), ("rx_frame", i.rate(.rxFrame)),
                          ("rx_crc_errors", i.statisticRates["rx_crc_errors"] ?? nil)].compactMap { ev($0.0, $0.1, item: i.name) }
            if !errors.isEmpty {
                out.append(FindingKind.linkErrors.finding(r, .warning, item: i.name, fill: fill, evidence: errors))
            }
        }
        return out
    }

    /// Ring and FIFO overruns from the /sys breakdown; /proc/net/dev's fifo column where there is none.
    static func nic(_ r: Report) -> [Finding] {
        r.interfaces.compactMap { i in
            let breakdown = ["rx_missed_errors", "rx_over_errors", "rx_fifo_errors"].map { ($0, i.statisticRates[$0] ?? nil) }
            let e = (breakdown + [("rx_fifo", i.statisticRates.isEmpty ? i.rate(.rxFifo) : nil)])
                .compactMap { ev($0.0, $0.1, item: i.name) }
            guard !e.isEmpty else { return nil }
            let total = e.reduce(0) { $0 + $1.value }, packets = i.rate(.rxPackets) ?? 0
            let critical = packets > 0 && total / (packets + total) >= TriageThresholds.dropCriticalShare
            return FindingKind.nicRingOverrun.finding(r, critical ? .critical : .warning, item: i.name, fill: ["IF": i.name], evidence: e)
        }
    }

    static func interfaceDrops(_ r: Report) -> [Finding] {
        r.interfaces.compactMap { i in
            let rx = i.rate(.rxDrop) ?? 0, tx = i.rate(.txDrop) ?? 0
            let packets = (i.rate(.rxPackets) ?? 0) + (i.rate(.txPackets) ?? 0)
            let drops = rx + tx, share = drops / max(1, packets + drops)
            guard drops >= TriageThresholds.dropRate, share >= TriageThresholds.dropShare else { return nil }
            let veth = i.sample.speedMbps == nil && i.name != "lo"
            let evidence = [ev("rx_drop", rx, item: i.name), ev("tx_drop", tx, item: i.name),
                            ev("drop_share", share * 100, "percent", item: i.name)].compactMap { $0 }
            return FindingKind.interfaceDrops.finding(r, share >= TriageThresholds.dropCriticalShare ? .critical : .warning,
                                                      item: i.name, fill: ["IF": i.name], evidence: evidence,
                                                      explanationSuffix: veth ? FindingKind.vethNote : "")
        }
    }

    // MARK: CPU backlog (host-wide sources)

    static func softnet(_ r: Report) -> [Finding] {
        var out: [Finding] = []
        for c in r.cpus {
            let item = "cpu\(c.cpu)", fill = ["CPU": String(c.cpu)]
            if let d = c.softnetRates[SoftnetColumn.dropped.name] ?? nil, d > 0 {
                out.append(FindingKind.softnetBacklogDrops.finding(
                    r, .critical, item: item, fill: fill,
                    evidence: [Evidence(name: "softnet_dropped", value: d, unit: "per_s", item: item)]))
            }
            if let s = c.softnetRates[SoftnetColumn.timeSqueeze.name] ?? nil, s >= 1 {
                out.append(FindingKind.softnetTimeSqueeze.finding(
                    r, s >= TriageThresholds.squeezeWarning ? .warning : .info, item: item, fill: fill,
                    evidence: [Evidence(name: SoftnetColumn.timeSqueeze.name, value: s, unit: "per_s", item: item)]))
            }
        }
        return out
    }

    /// The CPU with the largest share of `perCPU`, when the total and the share pass the thresholds.
    static func dominant(_ perCPU: [Double]) -> (index: Int, total: Double, share: Double)? {
        let total = perCPU.reduce(0, +)
        guard total >= TriageThresholds.imbalanceRate, let top = perCPU.indices.max(by: { perCPU[$0] < perCPU[$1] }),
              perCPU[top] / total >= TriageThresholds.imbalanceShare else { return nil }
        return (top, total, perCPU[top] / total)
    }

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
            guard let top = dominant(perCPU) else { continue }
            let cpu = r.cpus[top.index].cpu
            out.append(FindingKind.irqImbalance.finding(
                r, .warning, item: interface, fill: ["IF": interface, "CPU": String(cpu), "SHARE": String((top.share * 100).saturatingInt)],
                evidence: [Evidence(name: "irqs", value: top.total, unit: "per_s", item: interface),
                           Evidence(name: "top_cpu_share", value: top.share * 100, unit: "percent", item: "cpu\(cpu)")]))
        }
        if out.isEmpty, let top = dominant(r.cpus.map { $0.netRXPerSecond ?? 0 }) {
            let cpu = r.cpus[top.index].cpu
            out.append(FindingKind.netRXImbalance.finding(
                r, .warning, item: "cpu\(cpu)", fill: ["CPU": String(cpu), "SHARE": String((top.share * 100).saturatingInt)],
                evidence: [Evidence(name: "NET_RX", value: top.total, unit: "per_s", item: nil),
                           Evidence(name: "top_cpu_share", value: top.share * 100, unit: "percent", item: "cpu\(cpu)")]))
        }
        return out
    }
}

extension FindingKind {
    /// A finding of this kind with its placeholders filled (see FindingKind) and the current
    /// values of the settings its hint names.
    func finding(_ r: Report, _ severity: Severity, item: String? = nil, fill: [String: String] = [:], evidence: [Evidence],
                 title: String? = nil, explanationSuffix: String = "", hint: String? = nil) -> Finding {
        func expand(_ template: String) -> String { FindingKind.expand(template, fill: fill, sysctl: r.sample.sysctl) }
        return Finding(id: id, severity: severity, layer: layer, title: title ?? expand(self.title), item: item, evidence: evidence,
                       explanation: expand(explanation) + explanationSuffix, hint: expand(hint ?? self.hint), hostWide: hostWide)
    }

    /// Replaces `{KEY}` by fill[KEY] and `{a.b.c}` by "a.b.c = <value>" (or "unknown").
    static func expand(_ template: String, fill: [String: String], sysctl: OrderedDictionary<String, String>) -> String {
        var out = "", rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            out += rest[..<open]
            let key = String(rest[rest.index(after: open)..<close])
            if key.contains(".") {
                out += "\(key) = \(sysctl[key] ?? "unknown")"
            } else {
                out += fill[key] ?? "{\(key)}"
            }
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }
}
