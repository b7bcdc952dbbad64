/// Names and meanings of the raw counters that Prometheus exports (`_total` counters in base
/// units), next to the columns that show their rates.
extension NetDevCounters.Field {
    /// node_exporter's names, so dashboards written for it read droptop's series the same way.
    public var metricName: String {
        switch self {
        case .rxBytes: return "receive_bytes_total"
        case .rxPackets: return "receive_packets_total"
        case .rxErrs: return "receive_errors_total"
        case .rxDrop: return "receive_drop_total"
        case .rxFifo: return "receive_fifo_total"
        case .rxFrame: return "receive_frame_total"
        case .rxCompressed: return "receive_compressed_total"
        case .rxMulticast: return "receive_multicast_total"
        case .txBytes: return "transmit_bytes_total"
        case .txPackets: return "transmit_packets_total"
        case .txErrs: return "transmit_errors_total"
        case .txDrop: return "transmit_drop_total"
        case .txFifo: return "transmit_fifo_total"
        case .txColls: return "transmit_colls_total"
        case .txCarrier: return "transmit_carrier_total"
        case .txCompressed: return "transmit_compressed_total"
        }
    }

    /// What the counter counts: the catalog column's meaning where one shows it.
    public var meaning: String {
        switch self {
        case .rxBytes: return "bytes received"
        case .txBytes: return "bytes transmitted"
        case .rxDrop: return "received packets dropped (rx_dropped + rx_missed_errors)"
        default:
            let column = ColumnGroup.edev.columns.first { if case .interface(self, _) = $0.source { true } else { false } }
                ?? ColumnGroup.dev.columns.first { if case .interface(self, _) = $0.source { true } else { false } }
            return column?.meaning ?? "\(self)"
        }
    }
}

extension SoftnetColumn {
    public var metricName: String { self == .flowLimit ? "softnet_flow_limit_total" : "softnet_\(name)_total" }

    public var meaning: String {
        ColumnGroup.soft.columns.first { if case .softnet(self) = $0.source { true } else { false } }?.meaning ?? name
    }
}

extension CounterID {
    /// The one-line meaning of a protocol counter: a column's where one shows it, else the
    /// counter catalog's (docs/mib-census.tsv).
    public var meaning: String? {
        Self.meanings[self] ?? CounterCatalog.entry(self)?.meaning ?? StatTableCatalog.entry(self)?.meaning
    }

    private static let meanings: [CounterID: String] = {
        var map: [CounterID: String] = [:]
        for column in ColumnGroup.allColumns { if let id = column.counter { map[id] = column.meaning } }
        return map
    }()

    /// Which /proc file prints the section.
    public var file: String {
        if let table = PerCPUStatSource(section: section) { return "/proc/" + table.relativePath }
        switch section {
        case "Ip", "Icmp", "IcmpMsg", "Tcp", "Udp", "UdpLite": return "/proc/net/snmp"
        case "TcpExt", "IpExt", "MPTcpExt": return "/proc/net/netstat"
        default: return "/proc/net/snmp6"
        }
    }
}

/// One Prometheus metric family: its name, TYPE and HELP, declared once here for every family
/// both the host's series and the other namespaces' series (--all-netns) fill.
public struct MetricFamily: Sendable, Equatable {
    public enum Kind: String, Sendable { case counter, gauge }
    public let name: String
    public let type: Kind
    public let help: String

    public init(_ name: String, _ type: Kind, _ help: String) {
        self.name = name; self.type = type; self.help = help
    }

    /// A /proc/net/dev counter per device, in node_exporter's names.
    public static func interface(_ field: NetDevCounters.Field) -> MetricFamily {
        MetricFamily("droptop_network_\(field.metricName)", .counter, sentence(field.meaning) + " (/proc/net/dev)")
    }

    /// A snmp, netstat or snmp6 counter ("droptop_tcpext_listenoverflows_total").
    public static func protocolCounter(_ id: CounterID) -> MetricFamily {
        MetricFamily("droptop_\(snake(id.section))_\(snake(id.name))_total", .counter,
                     "\(id) (\(id.file))" + (id.meaning.map { ": \($0)." } ?? "."))
    }

    /// A snmp gauge (Tcp.CurrEstab, ...).
    public static func protocolGauge(section: String, name: String) -> MetricFamily {
        MetricFamily("droptop_\(snake(section))_\(snake(name))", .gauge, "\(section) \(name), a level.")
    }

    /// A /proc/net/sockstat or sockstat6 level ("droptop_sockstat_tcp_tw").
    public static func sockstat(_ proto: String, _ field: String) -> MetricFamily {
        let what: String
        switch field {
        case "inuse", "used": what = "sockets in use"
        case "orphan": what = "sockets no process holds any more"
        case "tw": what = "sockets in TIME_WAIT"
        case "alloc": what = "sockets allocated"
        case "mem": what = "memory the protocol uses, in pages (host-wide)"
        case "memory": what = "memory of the fragment queues, in bytes"
        default: what = field
        }
        return MetricFamily("droptop_sockstat_\(snake(proto))_\(snake(field))", .gauge,
                            "\(proto) \(field) in /proc/net/sockstat\(proto.hasSuffix("6") ? "6" : ""): \(what).")
    }

    public static let finding = MetricFamily("droptop_finding", .gauge, "1 for each triage finding that holds now (docs/triage.md).")

    /// --all-netns: one series per other network namespace, its labels saying who it belongs to.
    public static let netnsInfo = MetricFamily("droptop_netns_info", .gauge,
        "1 for each other network namespace droptop samples (--all-netns); netns is its inode, netns_name who it belongs to.")

    /// The /proc/net/dev counters exported per other namespace: packets, bytes, drops, errors.
    public static let namespaceInterfaceFields: [NetDevCounters.Field] = [
        .rxBytes, .rxPackets, .rxErrs, .rxDrop, .txBytes, .txPackets, .txErrs, .txDrop,
    ]

    /// "packets received" -> "Packets received"
    static func sentence(_ text: String) -> String { text.prefix(1).uppercased() + text.dropFirst() }

    /// "TcpExt" -> "tcpext", "ListenOverflows" -> "listenoverflows": lower case, [a-z0-9_] only.
    static func snake(_ s: String) -> String {
        String(s.lowercased().map { ($0.isASCII && ($0.isLetter || $0.isNumber)) ? $0 : "_" })
    }
}
