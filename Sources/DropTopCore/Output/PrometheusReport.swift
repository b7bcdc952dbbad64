/// The snapshot in the Prometheus text exposition format (version 0.0.4): counters as `_total`
/// in base units, gauges for levels; names prefixed `droptop_`. `sampleDurationSeconds` is how
/// long taking the sample took, when the caller timed it (--listen, --textfile).
public enum PrometheusReport {
    public static func text(_ r: Report, sampleDurationSeconds: Double? = nil) -> String {
        families(r) + selfMetrics(r.sample, sampleDurationSeconds: sampleDurationSeconds)
    }

    typealias Series = [(labels: [(String, String)], value: Double)]

    /// Every series of the report: interfaces, CPUs, sockets, protocol counters, findings.
    static func families(_ r: Report) -> String { deviceFamilies(r) + socketAndCounterFamilies(r) }

    /// One metric family: HELP, TYPE and a line per sample; nothing when there is no sample.
    static func append(_ out: inout String, _ name: String, _ type: String, _ help: String, _ samples: Series) {
        guard !samples.isEmpty else { return }
        out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
        for s in samples {
            let labels = s.labels.isEmpty ? "" : "{" + s.labels.map { "\($0.0)=\"\(escapeLabel($0.1))\"" }.joined(separator: ",") + "}"
            out += "\(name)\(labels) \(format(s.value))\n"
        }
    }

    /// Interfaces, softnet, softirqs and network IRQs.
    static func deviceFamilies(_ r: Report) -> String {
        var out = ""
        func family(_ name: String, _ type: String, _ help: String, _ samples: Series) { append(&out, name, type, help, samples) }
        let s = r.sample
        for field in NetDevCounters.Field.allCases {
            family("droptop_network_\(field.metricName)", "counter", sentence(field.meaning) + " (/proc/net/dev)",
                   s.interfaces.map { ([("device", $0.name)], Double($0.counters[field])) })
        }
        family("droptop_network_up", "gauge", "1 when the link is up with carrier, else 0.",
               r.interfaces.map { ([("device", $0.name)], $0.linkState == "up" ? 1 : 0) })
        family("droptop_network_carrier", "gauge", "Carrier (1) or NO-CARRIER (0), from /sys/class/net/IF/carrier.",
               s.interfaces.compactMap { i in i.carrier.map { ([("device", i.name)], Double($0)) } })
        family("droptop_network_speed_bytes", "gauge", "Link speed in bytes per second.",
               s.interfaces.compactMap { i in i.speedMbps.map { ([("device", i.name)], Double($0) * 125_000) } })

        for column in SoftnetColumn.allCases {
            family("droptop_\(column.metricName)", "counter", sentence(column.meaning) + " (/proc/net/softnet_stat)",
                   (s.softnet ?? []).compactMap { row in row.counter(column).map { ([("cpu", String(row.cpu))], Double($0)) } })
        }
        if let softirqs = s.softirqs {
            family("droptop_softirqs_net_rx_total", "counter", "NET_RX softirqs (/proc/softirqs).",
                   zip(softirqs.cpuIDs, softirqs.netRX).map { ([("cpu", String($0))], Double($1)) })
            family("droptop_softirqs_net_tx_total", "counter", "NET_TX softirqs (/proc/softirqs).",
                   zip(softirqs.cpuIDs, softirqs.netTX).map { ([("cpu", String($0))], Double($1)) })
        }
        family("droptop_interrupts_total", "counter", "Interrupts of network IRQs per CPU (/proc/interrupts).",
               (s.networkIRQs ?? []).flatMap { irq in
                   irq.counts.sorted { $0.key < $1.key }
                       .map { ([("irq", irq.irq), ("device", irq.interface), ("cpu", String($0.key))], Double($0.value)) }
               })
        return out
    }

    /// Socket levels, protocol counters, kernel drop reasons and findings.
    static func socketAndCounterFamilies(_ r: Report) -> String {
        var out = ""
        func family(_ name: String, _ type: String, _ help: String, _ samples: Series) { append(&out, name, type, help, samples) }
        let s = r.sample
        if let tcp = s.tcp {
            family("droptop_tcp_sockets", "gauge", "TCP sockets by state (/proc/net/tcp, tcp6).",
                   tcp.states.map { ([("state", $0.key)], Double($0.value)) })
            family("droptop_tcp_listen_accept_queue", "gauge", "Connections waiting in a listener's accept queue.",
                   tcp.listeners.map { ([("address", $0.address), ("port", String($0.port))], Double($0.acceptQueue)) })
        }
        if let udp = s.udp {
            family("droptop_udp_socket_drops_total", "counter", "Datagrams dropped by a busy UDP socket (/proc/net/udp drops column).",
                   udp.busySockets.map { ([("address", $0.address), ("port", String($0.port))], Double($0.drops)) })
        }
        for (section, values) in s.protocols ?? [:] {
            let base = "droptop_" + snake(section)
            for (name, value) in values.counters {
                let id = CounterID(section, name)
                let help = "\(id) (\(id.file))" + (id.meaning.map { ": \($0)." } ?? ".")
                family("\(base)_\(snake(name))_total", "counter", help, [([], Double(value))])
            }
            for (name, value) in values.gauges {
                family("\(base)_\(snake(name))", "gauge", "\(section) \(name), a level.", [([], Double(value))])
            }
        }
        if let reasons = s.dropReasons {
            family("droptop_kernel_drop_reasons_available", "gauge",
                   "1 when droptop counts the kernel's drop reasons (skb:kfree_skb through BPF), else 0.",
                   [([], reasons.available ? 1 : 0)])
            family("droptop_kernel_drops_total", "counter",
                   "Packets the kernel freed as dropped, by drop reason, since droptop started (host-wide).",
                   reasons.totals.map { ([("reason", $0.reason)], Double($0.total)) })
        }
        for f in dropSourceFamilies(r) { family(f.name, f.type, f.help, f.samples) }
        family("droptop_finding", "gauge", "1 for each triage finding that holds now (docs/triage.md).",
               r.findings.map { ([("id", $0.id), ("severity", $0.severity.name), ("layer", $0.layer.name), ("item", $0.item ?? "")], 1) })
        return out
    }

    /// droptop's own health: that it runs, when it sampled, how long that took and how old the
    /// socket tables are (the sampler reuses an earlier read to stay within its CPU budget).
    static func selfMetrics(_ s: Sample, sampleDurationSeconds: Double?) -> String {
        var out = "# HELP droptop_up 1 while droptop is sampling.\n# TYPE droptop_up gauge\ndroptop_up 1\n"
        func gauge(_ name: String, _ help: String, _ value: Double?) {
            guard let value else { return }
            out += "# HELP \(name) \(help)\n# TYPE \(name) gauge\n\(name) \(format(value))\n"
        }
        gauge("droptop_last_sample_timestamp_seconds", "Wall-clock time of the latest sample, seconds since 1970.", s.wallSeconds)
        gauge("droptop_sample_duration_seconds", "Seconds the latest sample took to read.", sampleDurationSeconds)
        let ages = JSONReport.tcpAges(s)
        gauge("droptop_socket_tables_age_seconds", "Age of the walk of every TCP socket (peers) in the latest sample.",
              ages.walk)
        gauge("droptop_tcp_states_age_seconds", "Age of the oldest TCP state count in the latest sample (each state: JSON).",
              ages.states)
        gauge("droptop_tcp_listeners_age_seconds", "Age of the TCP listeners and their accept queues (0: read every interval).",
              ages.listeners)
        return out
    }

    /// "packets received" -> "Packets received"
    static func sentence(_ text: String) -> String { text.prefix(1).uppercased() + text.dropFirst() }

    /// "TcpExt" -> "tcpext", "ListenOverflows" -> "listenoverflows": lower case, [a-z0-9_] only.
    static func snake(_ s: String) -> String {
        String(s.lowercased().map { ($0.isASCII && ($0.isLetter || $0.isNumber)) ? $0 : "_" })
    }

    static func escapeLabel(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(ch)
            }
        }
        return out
    }

    static func format(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v > 0 ? "+Inf" : "-Inf" }
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return String(v)
    }
}
