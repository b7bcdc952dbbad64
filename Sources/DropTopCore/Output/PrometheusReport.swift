/// The snapshot in the Prometheus text exposition format (version 0.0.4): counters as `_total`
/// in base units, gauges for levels; names prefixed `droptop_`. `sampleDurationSeconds` is how
/// long taking the sample took, when the caller timed it (--listen, --textfile). With
/// --all-netns the other namespaces' series join the host's families, labelled with their
/// namespace (PrometheusNamespaces.swift); the host's series carry no such label.
public enum PrometheusReport {
    public static func text(_ r: Report, sampleDurationSeconds: Double? = nil) -> String {
        var e = Exposition()
        deviceFamilies(r, into: &e)
        socketAndCounterFamilies(r, into: &e)
        namespaceFamilies(r, into: &e)
        return e.text + selfMetrics(r.sample, sampleDurationSeconds: sampleDurationSeconds)
    }

    typealias Series = [(labels: [(String, String)], value: Double)]

    /// The families being written, in the order first given, each with every series any part
    /// of the report added to it: HELP and TYPE once per family, as the format requires.
    struct Exposition {
        private var index: [String: Int] = [:]
        private var families: [(family: MetricFamily, lines: String)] = []

        /// Adds series; `extra` is rendered label text (`netns="…",…`) appended to each one's labels.
        mutating func add(_ family: MetricFamily, _ samples: Series, extra: String = "") {
            guard !samples.isEmpty else { return }
            let at = index[family.name] ?? families.count
            if at == families.count {
                index[family.name] = at
                families.append((family, ""))
            }
            for s in samples {
                var labels = s.labels.map { "\($0.0)=\"\(escapeLabel($0.1))\"" }.joined(separator: ",")
                if !extra.isEmpty { labels += labels.isEmpty ? extra : "," + extra }
                families[at].lines += "\(family.name)\(labels.isEmpty ? "" : "{\(labels)}") \(format(s.value))\n"
            }
        }

        mutating func add(_ name: String, _ type: MetricFamily.Kind, _ help: String, _ samples: Series) {
            add(MetricFamily(name, type, help), samples)
        }

        var text: String {
            var out = ""
            for f in families {
                out += "# HELP \(f.family.name) \(f.family.help)\n# TYPE \(f.family.name) \(f.family.type.rawValue)\n" + f.lines
            }
            return out
        }
    }

    /// Interfaces, softnet, softirqs and network IRQs.
    static func deviceFamilies(_ r: Report, into e: inout Exposition) {
        let s = r.sample
        for field in NetDevCounters.Field.allCases {
            e.add(.interface(field), s.interfaces.map { ([("device", $0.name)], Double($0.counters[field])) })
        }
        e.add("droptop_network_up", .gauge, "1 when the link is up with carrier, else 0.",
              r.interfaces.map { ([("device", $0.name)], $0.linkState == "up" ? 1 : 0) })
        e.add("droptop_network_carrier", .gauge, "Carrier (1) or NO-CARRIER (0), from /sys/class/net/IF/carrier.",
              s.interfaces.compactMap { i in i.carrier.map { ([("device", i.name)], Double($0)) } })
        e.add("droptop_network_speed_bytes", .gauge, "Link speed in bytes per second.",
              s.interfaces.compactMap { i in i.speedMbps.map { ([("device", i.name)], Double($0) * 125_000) } })

        for column in SoftnetColumn.allCases {
            e.add("droptop_\(column.metricName)", .counter, MetricFamily.sentence(column.meaning) + " (/proc/net/softnet_stat)",
                  (s.softnet ?? []).compactMap { row in row.counter(column).map { ([("cpu", String(row.cpu))], Double($0)) } })
        }
        if let softirqs = s.softirqs {
            e.add("droptop_softirqs_net_rx_total", .counter, "NET_RX softirqs (/proc/softirqs).",
                  zip(softirqs.cpuIDs, softirqs.netRX).map { ([("cpu", String($0))], Double($1)) })
            e.add("droptop_softirqs_net_tx_total", .counter, "NET_TX softirqs (/proc/softirqs).",
                  zip(softirqs.cpuIDs, softirqs.netTX).map { ([("cpu", String($0))], Double($1)) })
        }
        e.add("droptop_interrupts_total", .counter, "Interrupts of network IRQs per CPU (/proc/interrupts).",
              (s.networkIRQs ?? []).flatMap { irq in
                  irq.counts.sorted { $0.key < $1.key }
                      .map { ([("irq", irq.irq), ("device", irq.interface), ("cpu", String($0.key))], Double($0.value)) }
              })
    }

    /// Socket levels, protocol counters, kernel drop reasons and findings.
    static func socketAndCounterFamilies(_ r: Report, into e: inout Exposition) {
        let s = r.sample
        if let tcp = s.tcp {
            e.add("droptop_tcp_sockets", .gauge, "TCP sockets by state (/proc/net/tcp, tcp6).",
                  tcp.states.map { ([("state", $0.key)], Double($0.value)) })
            e.add("droptop_tcp_listen_accept_queue", .gauge, "Connections waiting in a listener's accept queue.",
                  tcp.listeners.map { ([("address", $0.address), ("port", String($0.port))], Double($0.acceptQueue)) })
        }
        if let udp = s.udp {
            e.add("droptop_udp_socket_drops_total", .counter, "Datagrams dropped by a busy UDP socket (/proc/net/udp drops column).",
                  udp.busySockets.map { ([("address", $0.address), ("port", String($0.port))], Double($0.drops)) })
        }
        sockstatFamilies(s, into: &e)
        for (section, values) in s.protocols ?? [:] {
            for (name, value) in values.counters { e.add(.protocolCounter(CounterID(section, name)), [([], Double(value))]) }
            for (name, value) in values.gauges { e.add(.protocolGauge(section: section, name: name), [([], Double(value))]) }
        }
        if let reasons = s.dropReasons {
            e.add("droptop_kernel_drop_reasons_available", .gauge,
                  "1 when droptop counts the kernel's drop reasons (skb:kfree_skb through BPF), else 0.",
                  [([], reasons.available ? 1 : 0)])
            e.add("droptop_kernel_drops_total", .counter,
                  "Packets the kernel freed as dropped, by drop reason, since droptop started (host-wide).",
                  reasons.totals.map { ([("reason", $0.reason)], Double($0.total)) })
        }
        for f in dropSourceFamilies(r) { e.add(f.name, f.type, f.help, f.samples) }
        hostFindings(r, into: &e)
    }

    /// /proc/net/sockstat and sockstat6: one gauge family per protocol and field.
    static func sockstatFamilies(_ s: Sample, into e: inout Exposition, extra: String = "") {
        for (proto, fields) in s.sockstat ?? [:] {
            for (field, value) in fields { e.add(.sockstat(proto, field), [([], Double(value))], extra: extra) }
        }
    }

    static func findingSeries(_ findings: [Finding]) -> Series {
        findings.map { ([("id", $0.id), ("severity", $0.severity.name), ("layer", $0.layer.name), ("item", $0.item ?? "")], 1) }
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
        gauge("droptop_socket_tables_age_seconds", "Age of the walked socket tables (TCP states, peers) in the latest sample.",
              ages.states)
        gauge("droptop_tcp_listeners_age_seconds", "Age of the TCP listeners and their accept queues (0: read every interval).",
              ages.listeners)
        return out
    }

    /// A label value as the exposition format quotes it: backslash, double quote and newline escaped.
    static func escapeLabel(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 == 0x5C || $0 == 0x22 || $0 == 0x0A }) else { return s }
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
