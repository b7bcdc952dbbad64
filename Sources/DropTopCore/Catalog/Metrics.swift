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
