/// What each kernel drop reason (enum skb_drop_reason, as the running kernel names it without
/// its SKB_DROP_REASON_ prefix) means for an operator: where on the path it sits, a one-line
/// meaning, the setting or tool to look at, and the findings whose cause it is.
public struct DropReasonInfo: Sendable, Equatable {
    public let layer: Layer
    public let meaning: String
    public let knob: String?
    /// Ids of the findings (FindingKind.id) that explain drops of this reason.
    public let explainedBy: [String]
    /// The cause is the host's whatever namespace dropped (a CPU's backlog, global memory limits):
    /// with --all-netns such a reason makes a finding of the host only, never of a namespace.
    public let hostWide: Bool

    public init(_ layer: Layer, _ meaning: String, knob: String? = nil, explainedBy: [String] = [], hostWide: Bool = false) {
        self.layer = layer; self.meaning = meaning; self.knob = knob; self.explainedBy = explainedBy; self.hostWide = hostWide
    }
}

public enum DropReasonCatalog {
    /// The entry for a reason; reasons this table does not know (a newer kernel) get a layer
    /// from their name's prefix and a meaning that says so.
    public static func info(_ reason: String) -> DropReasonInfo {
        if let known = entries[reason] { return known }
        let layer: Layer
        switch reason {
        case let r where r.hasPrefix("TCP_") || r.hasPrefix("UDP_") || r.hasPrefix("ICMP"): layer = .transport
        case let r where r.hasPrefix("IP") || r.hasPrefix("NEIGH") || r.hasPrefix("NETFILTER"): layer = .ip
        case let r where r.hasPrefix("SOCKET") || r.hasPrefix("PROTO_MEM"): layer = .socket
        case let r where r.hasPrefix("QDISC") || r.hasPrefix("DEV_") || r.hasPrefix("TC_") || r.hasPrefix("XDP"): layer = .nic
        case let r where r.hasPrefix("CPU_") || r.hasPrefix("SKB_"): layer = .cpu
        default: layer = .ip
        }
        return DropReasonInfo(layer, "kernel drop reason \(reason) (see the kernel's include/net/dropreason-core.h)")
    }

    // `entries`, the table itself, is in DropReasonEntries.swift.
}
