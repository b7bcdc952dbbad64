/// The neighbour tables, connection tracking and qdiscs in the Prometheus exposition.
extension PrometheusReport {
    typealias Labels = [(String, String)]
    typealias Family = (name: String, type: MetricFamily.Kind, help: String, samples: [(labels: Labels, value: Double)])

    static func dropSourceFamilies(_ r: Report) -> [Family] {
        neighbourFamilies(r.sample) + conntrackFamilies(r.sample) + qdiscFamilies(r.sample.qdiscs ?? [])
    }

    /// HELP for a /proc/net/stat column: the catalog's meaning where it has one.
    static func statHelp(_ id: CounterID, _ files: String) -> String {
        "\(id.name) (\(files))" + (id.meaning.map { ": \($0)." } ?? ".")
    }

    static func neighbourFamilies(_ s: Sample) -> [Family] {
        let tables = JSONReport.neighbourTables.compactMap { source in s.statTables?[source.rawValue].map { (source, $0) } }
        guard let first = tables.first else { return [] }
        let files = tables.map { "/proc/" + $0.0.relativePath }.joined(separator: ", ")
        var columns: [String] = []
        for (_, table) in tables { for name in table.counters.keys where !columns.contains(name) { columns.append(name) } }
        var out: [Family] = columns.map { name in
            ("droptop_neighbour_\(MetricFamily.snake(name))_total", .counter, statHelp(CounterID(first.0.section, name), files),
             tables.compactMap { source, table in table[name].map { ([("table", source.rawValue)], Double($0)) } })
        }
        out.append(("droptop_neighbour_entries", .gauge, "Entries in the neighbour table (host-wide).",
                    tables.compactMap { source, table in table.entries.map { ([("table", source.rawValue)], Double($0)) } }))
        return out
    }

    static func conntrackFamilies(_ s: Sample) -> [Family] {
        var out: [Family] = []
        if let c = s.conntrack {
            out.append(("droptop_conntrack_entries", .gauge, "Tracked connections (nf_conntrack_count).", [([], Double(c.count))]))
            out.append(("droptop_conntrack_max", .gauge, "The table's limit (nf_conntrack_max; 0 = none).", [([], Double(c.max))]))
        }
        let source = PerCPUStatSource.nfConntrack
        for (name, value) in s.statTables?[source.rawValue]?.counters ?? [:] {
            out.append(("droptop_conntrack_\(MetricFamily.snake(name))_total", .counter,
                        statHelp(CounterID(source.section, name), "/proc/" + source.relativePath), [([], Double(value))]))
        }
        return out
    }

    static func qdiscFamilies(_ qdiscs: [QdiscStats]) -> [Family] {
        func labels(_ q: QdiscStats) -> Labels {
            [("device", q.interface), ("kind", q.kind), ("handle", QdiscStats.handleText(q.handle)),
             ("parent", QdiscStats.handleText(q.parent))]
        }
        func family(_ name: String, _ type: MetricFamily.Kind, _ help: String, _ value: (QdiscStats) -> UInt64) -> Family {
            (name, type, help + " (rtnetlink, tc -s qdisc).", qdiscs.map { (labels($0), Double(value($0))) })
        }
        return [
            family("droptop_qdisc_drops_total", .counter, "Packets the queueing discipline dropped", \.drops),
            family("droptop_qdisc_overlimits_total", .counter, "Times a shaper held packets back over its rate", \.overlimits),
            family("droptop_qdisc_requeues_total", .counter, "Packets the driver handed back to be sent again", \.requeues),
            family("droptop_qdisc_sent_packets_total", .counter, "Packets the queueing discipline sent", \.packets),
            family("droptop_qdisc_sent_bytes_total", .counter, "Bytes the queueing discipline sent", \.bytes),
            family("droptop_qdisc_backlog_bytes", .gauge, "Bytes queued now", \.backlog),
            family("droptop_qdisc_backlog_packets", .gauge, "Packets queued now", \.qlen),
        ]
    }
}
