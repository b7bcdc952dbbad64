/// One protocol counter that can indicate lost packets, as docs/mib-census.tsv describes it.
/// The entries (CounterCatalog+IP/TCP/UDP.swift) are generated from that file by
/// scripts/gen_counter_catalog.py; counters that never mean loss stay in the TSV only.
public struct CatalogCounter: Sendable {
    /// yes: each increment is a packet (or a message, a connection) lost or refused;
    /// maybe: a symptom of loss or pressure, or a discard that is sometimes by design.
    public enum Drop: String, Sendable { case yes, maybe }

    public let id: CounterID
    public let drop: Drop
    public let layer: Layer
    /// Where the kernel counts it and what that means, in one line.
    public let meaning: String
    /// The setting or command to look at, when there is one.
    public let knob: String?

    init(_ id: CounterID, _ drop: Drop, _ layer: Layer, _ meaning: String, knob: String? = nil) {
        self.id = id; self.drop = drop; self.layer = layer; self.meaning = meaning; self.knob = knob
    }
}

public enum CounterCatalog {
    /// Every catalogued counter, in the census' order (snmp, netstat, snmp6 by section).
    public static let all: [CatalogCounter] = ip + tcp + udp

    /// The counters whose every increment is a loss: each must reach a finding.
    public static let drops: [CatalogCounter] = all.filter { $0.drop == .yes }

    private static let byID: [CounterID: CatalogCounter] =
        Dictionary(all.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })

    public static func entry(_ id: CounterID) -> CatalogCounter? { byID[id] }
}
