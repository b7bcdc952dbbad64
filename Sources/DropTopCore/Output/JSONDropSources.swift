import OrderedCollections

/// The `neighbour`, `conntrack` and `qdiscs` members of the snapshot (docs/json.md).
extension JSONReport {
    static let neighbourTables: [PerCPUStatSource] = [.arpCache, .ndiscCache]

    static func statTable(_ table: PerCPUStatTable, rates: OrderedDictionary<String, Double?>) -> JSONValue {
        .object([
            ("entries", table.entries.map(JSONValue.uint) ?? .null),
            ("counters", .object(table.counters.map { ($0.key, .uint($0.value)) })),
            ("rates", .object(table.counters.keys.map { ($0, .number(rates[$0] ?? nil)) })),
        ])
    }

    /// `{"arp_cache": {...} or null, "ndisc_cache": ...}`; null when neither table exists.
    static func neighbour(_ r: Report) -> JSONValue {
        let tables = r.sample.statTables ?? [:]
        guard neighbourTables.contains(where: { tables[$0.rawValue] != nil }) else { return .null }
        return .object(neighbourTables.map { source in
            (source.rawValue, tables[source.rawValue].map { statTable($0, rates: r.protocolRates[source.section] ?? [:]) } ?? .null)
        })
    }

    /// Fullness and the nf_conntrack statistics; null when connection tracking is not loaded.
    static func conntrack(_ r: Report) -> JSONValue {
        let source = PerCPUStatSource.nfConntrack
        let table = r.sample.statTables?[source.rawValue], c = r.sample.conntrack
        guard table != nil || c != nil else { return .null }
        let rates = r.protocolRates[source.section] ?? [:]
        let counters = table?.counters ?? [:]
        return .object([
            ("count", c.map { .uint($0.count) } ?? .null),
            ("max", c.map { .uint($0.max) } ?? .null),
            ("fullness_percent", .number(r.conntrackFullnessPercent)),
            ("counters", .object(counters.map { ($0.key, .uint($0.value)) })),
            ("rates", .object(counters.keys.map { ($0, .number(rates[$0] ?? nil)) })),
        ])
    }

    /// Every qdisc with its counters and rates; null when none were read.
    static func qdiscs(_ r: Report) -> JSONValue {
        guard r.sample.qdiscs != nil else { return .null }
        return .array(r.qdiscs.map { q in
            let s = q.stats
            return .object([
                ("interface", .string(s.interface)), ("kind", .string(s.kind)),
                ("handle", .string(QdiscStats.handleText(s.handle))), ("parent", .string(QdiscStats.handleText(s.parent))),
                ("root", .bool(s.isRoot)), ("bytes", .uint(s.bytes)), ("packets", .uint(s.packets)),
                ("drops", .uint(s.drops)), ("drops_per_s", .number(q.dropsPerSecond)),
                ("overlimits", .uint(s.overlimits)), ("overlimits_per_s", .number(q.overlimitsPerSecond)),
                ("requeues", .uint(s.requeues)), ("requeues_per_s", .number(q.requeuesPerSecond)),
                ("backlog", .uint(s.backlog)), ("qlen", .uint(s.qlen)),
            ])
        })
    }
}
