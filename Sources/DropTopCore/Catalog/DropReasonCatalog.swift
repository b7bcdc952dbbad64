/// What each kernel drop reason (enum skb_drop_reason, as the running kernel names it without
/// its SKB_DROP_REASON_ prefix) means for an operator: where on the path it sits, a one-line
/// meaning, the setting or tool to look at, and the findings whose cause it is.
public struct DropReasonInfo: Sendable, Equatable {
    public let layer: Layer
    public let meaning: String
    public let knob: String?
    /// Ids of the findings (FindingKind.id) that explain drops of this reason.
    public let explainedBy: [String]

    public init(_ layer: Layer, _ meaning: String, knob: String? = nil, explainedBy: [String] = []) {
        self.layer = layer; self.meaning = meaning; self.knob = knob; self.explainedBy = explainedBy
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

    static let entries: [String: DropReasonInfo] = [
        "NOT_SPECIFIED": DropReasonInfo(.ip, "freed as dropped without a reason (kfree_skb callers not yet annotated)",
                                        knob: "noisy by nature; look at the other reasons and counters"),
        "NO_SOCKET": DropReasonInfo(.application, "no socket for the destination port (closed port, or a reset to one)",
                                    knob: "ss -tuln (who listens)", explainedBy: ["udp-no-ports", "tcp-resets"]),
        "SOCKET_RCVBUFF": DropReasonInfo(.socket, "the socket's receive buffer was full", knob: "SO_RCVBUF; net.core.rmem_max",
                                         explainedBy: ["udp-rcvbuf-errors", "tcp-rcv-pressure"]),
        "TCP_LISTEN_OVERFLOW": DropReasonInfo(.application, "a listener's accept queue was full",
                                              knob: "net.core.somaxconn; listen() backlog", explainedBy: ["tcp-listen-overflow"]),
        "CPU_BACKLOG": DropReasonInfo(.cpu, "the CPU's input backlog was full", knob: "net.core.netdev_max_backlog",
                                      explainedBy: ["softnet-backlog-drops"]),
        "QDISC_DROP": DropReasonInfo(.nic, "a queue discipline dropped the packet on transmit", knob: "tc -s qdisc",
                                     explainedBy: ["interface-drops", "udp-sndbuf-errors"]),
    ]
}
