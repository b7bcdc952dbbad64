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

    /// The catalogued drop counters' families, made once (the ones each other namespace exports).
    public static let catalogCounters: [(id: CounterID, family: MetricFamily)] = {
        var seen = Set<CounterID>()
        return CounterCatalog.all.filter { seen.insert($0.id).inserted }.map { ($0.id, .protocolCounter($0.id)) }
    }()

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

/// The families only the host fills, and droptop's own.
extension MetricFamily {
    // MARK: links and CPUs
    public static let networkUp = MetricFamily("droptop_network_up", .gauge, "1 when the link is up with carrier, else 0.")
    public static let networkCarrier = MetricFamily("droptop_network_carrier", .gauge,
                                                    "Carrier (1) or NO-CARRIER (0), from /sys/class/net/IF/carrier.")
    public static let networkSpeed = MetricFamily("droptop_network_speed_bytes", .gauge, "Link speed in bytes per second.")
    public static func softnet(_ column: SoftnetColumn) -> MetricFamily {
        MetricFamily("droptop_\(column.metricName)", .counter, sentence(column.meaning) + " (/proc/net/softnet_stat)")
    }
    public static let softirqsNetRX = MetricFamily("droptop_softirqs_net_rx_total", .counter, "NET_RX softirqs (/proc/softirqs).")
    public static let softirqsNetTX = MetricFamily("droptop_softirqs_net_tx_total", .counter, "NET_TX softirqs (/proc/softirqs).")
    public static let interrupts = MetricFamily("droptop_interrupts_total", .counter,
                                                "Interrupts of network IRQs per CPU (/proc/interrupts).")

    // MARK: sockets and kernel drop reasons
    public static let tcpSockets = MetricFamily("droptop_tcp_sockets", .gauge, "TCP sockets by state (/proc/net/tcp, tcp6).")
    public static let tcpListenAcceptQueue = MetricFamily("droptop_tcp_listen_accept_queue", .gauge,
                                                          "Connections waiting in a listener's accept queue.")
    public static let udpSocketDrops = MetricFamily("droptop_udp_socket_drops_total", .counter,
                                                    "Datagrams dropped by a busy UDP socket (/proc/net/udp drops column).")
    public static let kernelDropReasonsAvailable = MetricFamily("droptop_kernel_drop_reasons_available", .gauge,
        "1 when droptop counts the kernel's drop reasons (skb:kfree_skb through BPF), else 0.")
    public static let kernelDrops = MetricFamily("droptop_kernel_drops_total", .counter,
        "Packets the kernel freed as dropped, by drop reason, since droptop started (host-wide; with a netns label, that namespace's own).")

    // MARK: neighbour tables, connection tracking, qdiscs
    /// A /proc/net/stat column: the catalog's meaning as HELP where it has one.
    public static func statCounter(_ prefix: String, _ id: CounterID, files: String) -> MetricFamily {
        MetricFamily("droptop_\(prefix)_\(snake(id.name))_total", .counter,
                     "\(id.name) (\(files))" + (id.meaning.map { ": \($0)." } ?? "."))
    }
    public static let neighbourEntries = MetricFamily("droptop_neighbour_entries", .gauge, "Entries in the neighbour table (host-wide).")
    public static let conntrackEntries = MetricFamily("droptop_conntrack_entries", .gauge, "Tracked connections (nf_conntrack_count).")
    public static let conntrackMax = MetricFamily("droptop_conntrack_max", .gauge, "The table's limit (nf_conntrack_max; 0 = none).")
    static func qdisc(_ name: String, _ type: Kind, _ help: String) -> MetricFamily {
        MetricFamily("droptop_qdisc_\(name)", type, help + " (rtnetlink, tc -s qdisc).")
    }
    public static let qdiscDrops = qdisc("drops_total", .counter, "Packets the queueing discipline dropped")
    public static let qdiscOverlimits = qdisc("overlimits_total", .counter, "Times a shaper held packets back over its rate")
    public static let qdiscRequeues = qdisc("requeues_total", .counter, "Packets the driver handed back to be sent again")
    public static let qdiscSentPackets = qdisc("sent_packets_total", .counter, "Packets the queueing discipline sent")
    public static let qdiscSentBytes = qdisc("sent_bytes_total", .counter, "Bytes the queueing discipline sent")
    public static let qdiscBacklogBytes = qdisc("backlog_bytes", .gauge, "Bytes queued now")
    public static let qdiscBacklogPackets = qdisc("backlog_packets", .gauge, "Packets queued now")

    // MARK: droptop itself
    public static let up = MetricFamily("droptop_up", .gauge, "1 while droptop is sampling.")
    public static let lastSampleTimestamp = MetricFamily("droptop_last_sample_timestamp_seconds", .gauge,
                                                         "Wall-clock time of the latest sample, seconds since 1970.")
    public static let sampleDuration = MetricFamily("droptop_sample_duration_seconds", .gauge, "Seconds the latest sample took to read.")
    public static let socketTablesAge = MetricFamily("droptop_socket_tables_age_seconds", .gauge,
                                                     "Age of the walk of every TCP socket (peers) in the latest sample.")
    public static let tcpStatesAge = MetricFamily("droptop_tcp_states_age_seconds", .gauge,
                                                  "Age of the oldest TCP state count in the latest sample (each state: JSON).")
    public static let tcpListenersAge = MetricFamily("droptop_tcp_listeners_age_seconds", .gauge,
                                                     "Age of the TCP listeners and their accept queues (0: read every interval).")
    public static let lastSuccessTimestamp = MetricFamily("droptop_last_success_timestamp_seconds", .gauge,
                                                          "When droptop last wrote this file, seconds since 1970.")
}
