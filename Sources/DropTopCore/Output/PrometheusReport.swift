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
            // Appended piece by piece: with --all-netns this runs for every series of every namespace.
            for s in samples {
                var line = family.name
                if !s.labels.isEmpty || !extra.isEmpty {
                    line += "{"
                    for (k, label) in s.labels.enumerated() {
                        if k > 0 { line += "," }
                        line += label.0; line += "=\""; line += escapeLabel(label.1); line += "\""
                    }
                    if !extra.isEmpty { line += s.labels.isEmpty ? extra : "," + extra }
                    line += "}"
                }
                line += " "; line += format(s.value); line += "\n"
                families[at].lines += line
            }
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
        e.add(.networkUp, r.interfaces.map { ([("device", $0.name)], $0.linkState == "up" ? 1 : 0) })
        e.add(.networkCarrier, s.interfaces.compactMap { i in i.carrier.map { ([("device", i.name)], Double($0)) } })
        e.add(.networkSpeed, s.interfaces.compactMap { i in i.speedMbps.map { ([("device", i.name)], Double($0) * 125_000) } })
        for column in SoftnetColumn.allCases {
            e.add(.softnet(column),
                  (s.softnet ?? []).compactMap { row in row.counter(column).map { ([("cpu", String(row.cpu))], Double($0)) } })
        }
        if let softirqs = s.softirqs {
            e.add(.softirqsNetRX, zip(softirqs.cpuIDs, softirqs.netRX).map { ([("cpu", String($0))], Double($1)) })
            e.add(.softirqsNetTX, zip(softirqs.cpuIDs, softirqs.netTX).map { ([("cpu", String($0))], Double($1)) })
        }
        e.add(.interrupts, (s.networkIRQs ?? []).flatMap { irq in
            irq.counts.sorted { $0.key < $1.key }
                .map { ([("irq", irq.irq), ("device", irq.interface), ("cpu", String($0.key))], Double($0.value)) }
        })
    }

    /// Socket levels, protocol counters, kernel drop reasons and findings.
    static func socketAndCounterFamilies(_ r: Report, into e: inout Exposition) {
        let s = r.sample
        if let tcp = s.tcp {
            e.add(.tcpSockets, tcp.states.map { ([("state", $0.key)], Double($0.value)) })
            e.add(.tcpListenAcceptQueue,
                  tcp.listeners.map { ([("address", $0.address), ("port", String($0.port))], Double($0.acceptQueue)) })
        }
        if let udp = s.udp {
            e.add(.udpSocketDrops, udp.busySockets.map { ([("address", $0.address), ("port", String($0.port))], Double($0.drops)) })
        }
        sockstatFamilies(s, into: &e)
        for (section, values) in s.protocols ?? [:] {
            for (name, value) in values.counters { e.add(.protocolCounter(CounterID(section, name)), [([], Double(value))]) }
            for (name, value) in values.gauges { e.add(.protocolGauge(section: section, name: name), [([], Double(value))]) }
        }
        if let reasons = s.dropReasons {
            e.add(.kernelDropReasonsAvailable, [([], reasons.available ? 1 : 0)])
            e.add(.kernelDrops, reasons.totals.map { ([("reason", $0.reason)], Double($0.total)) })
        }
        for (family, samples) in dropSourceFamilies(r) { e.add(family, samples) }
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
        var e = Exposition()
        let ages = JSONReport.tcpAges(s)
        let values: [(MetricFamily, Double?)] = [(.up, 1), (.lastSampleTimestamp, s.wallSeconds), (.sampleDuration, sampleDurationSeconds),
                                                 (.socketTablesAge, ages.walk), (.tcpStatesAge, ages.states),
                                                 (.tcpListenersAge, ages.listeners)]
        for (family, value) in values { if let value { e.add(family, [([], value)]) } }
        return e.text
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
