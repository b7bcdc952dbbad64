/// The neighbour tables, connection tracking and qdiscs in the Prometheus exposition.
extension PrometheusReport {
    typealias Labels = [(String, String)]
    typealias Family = (family: MetricFamily, samples: Series)

    static func dropSourceFamilies(_ r: Report) -> [Family] {
        neighbourFamilies(r.sample) + conntrackFamilies(r.sample) + qdiscFamilies(r.sample.qdiscs ?? [])
    }

    static func neighbourFamilies(_ s: Sample) -> [Family] {
        let tables = JSONReport.neighbourTables.compactMap { source in s.statTables?[source.rawValue].map { (source, $0) } }
        guard let first = tables.first else { return [] }
        let files = tables.map { "/proc/" + $0.0.relativePath }.joined(separator: ", ")
        var columns: [String] = []
        for (_, table) in tables { for name in table.counters.keys where !columns.contains(name) { columns.append(name) } }
        var out: [Family] = columns.map { name in
            (.statCounter("neighbour", CounterID(first.0.section, name), files: files),
             tables.compactMap { source, table in table[name].map { ([("table", source.rawValue)], Double($0)) } })
        }
        out.append((.neighbourEntries,
                    tables.compactMap { source, table in table.entries.map { ([("table", source.rawValue)], Double($0)) } }))
        return out
    }

    static func conntrackFamilies(_ s: Sample) -> [Family] {
        var out: [Family] = []
        if let c = s.conntrack {
            out.append((.conntrackEntries, [([], Double(c.count))]))
            out.append((.conntrackMax, [([], Double(c.max))]))
        }
        let source = PerCPUStatSource.nfConntrack
        for (name, value) in s.statTables?[source.rawValue]?.counters ?? [:] {
            out.append((.statCounter("conntrack", CounterID(source.section, name), files: "/proc/" + source.relativePath),
                        [([], Double(value))]))
        }
        return out
    }

    static func qdiscFamilies(_ qdiscs: [QdiscStats]) -> [Family] {
        func labels(_ q: QdiscStats) -> Labels {
            [("device", q.interface), ("kind", q.kind), ("handle", QdiscStats.handleText(q.handle)),
             ("parent", QdiscStats.handleText(q.parent))]
        }
        func family(_ family: MetricFamily, _ value: (QdiscStats) -> UInt64) -> Family {
            (family, qdiscs.map { (labels($0), Double(value($0))) })
        }
        return [
            family(.qdiscDrops, \.drops), family(.qdiscOverlimits, \.overlimits), family(.qdiscRequeues, \.requeues),
            family(.qdiscSentPackets, \.packets), family(.qdiscSentBytes, \.bytes), family(.qdiscBacklogBytes, \.backlog),
            family(.qdiscBacklogPackets, \.qlen),
        ]
    }
}
