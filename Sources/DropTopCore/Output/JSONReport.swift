#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import OrderedCollections

/// The `droptop.snapshot/1` document (docs/json.md), used by `--once` and the JSON Lines stream.
public enum JSONReport {
    public static let schemaName = "droptop.snapshot/1"

    public static func document(_ report: Report) -> JSONValue {
        let s = report.sample
        var doc: [(String, JSONValue)] = [
            ("schema", .string(schemaName)),
            ("time", .string(isoTime(s.wallSeconds))),
            ("interval_seconds", .number(report.intervalSeconds)),
            ("host", .object([
                ("hostname", .string(s.host.hostname)),
                ("kernel", .string(s.host.kernel)),
                ("cpus", .int(Int64(s.cpuIDs.count))),
            ])),
            ("interfaces", .array(report.interfaces.map(interface))),
            ("cpus", .array(report.cpus.map(cpu))),
            ("irqs", .array(report.irqs.map(irq))),
            ("tcp", s.tcp.map { tcp($0, changes: report.tcpStateChanges, ages: tcpAges(s)) } ?? .null),
            ("udp", s.udp.map { udp($0, rates: report.udpDropRates) } ?? .null),
            ("sockstat", s.sockstat.map(sockstat) ?? .null),
            ("protocols", s.protocols == nil ? .null : protocols(report)),
            ("drop_reasons", dropReasons(report)),
            ("neighbour", neighbour(report)), ("conntrack", conntrack(report)), ("qdiscs", qdiscs(report)),
            ("derived", .object([("tcp_retrans_percent", .number(report.retransPercent))])),
            ("sysctl", .object(s.sysctl.map { ($0.key, .string($0.value)) })),
            ("findings", .array(report.findings.map(finding))),
            ("errors", .array(s.errors.map { .object([("source", .string($0.source)), ("message", .string($0.message))]) })),
        ]
        if s.namespaces != nil { doc.append(("namespaces", NamespaceJSON.namespaces(report))) }
        return .object(doc)
    }

    static func finding(_ f: Finding) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("id", .string(f.id)), ("severity", .string(f.severity.name)), ("layer", .string(f.layer.name)),
            ("title", .string(f.title)), ("item", f.item.map(JSONValue.string) ?? .null),
            ("evidence", .array(f.evidence.map { e in
                .object([("name", .string(e.name)), ("value", .number(e.value)), ("unit", .string(e.unit)),
                         ("item", e.item.map(JSONValue.string) ?? .null)])
            })),
            ("explanation", .string(f.explanation)), ("hint", .string(f.hint)), ("host_wide", .bool(f.hostWide)),
            ("since", .string(isoTime(f.since))),
            ("first_seen", .string(isoTime(f.firstSeen ?? f.since))), ("last_seen", .string(isoTime(f.lastSeen ?? f.since))),
            ("peak", .number(f.peak)),
            ("owners", .array(f.owners.map { o in
                .object([("pid", .int(Int64(o.pid))), ("command", .string(o.command)), ("inode", .uint(o.inode)),
                         ("container", o.container.map(JSONValue.string) ?? .null), ("pod", o.pod.map(JSONValue.string) ?? .null)])
            })),
        ]
        if let n = f.netns { members.append(("netns", .object([("inode", .uint(n.inode)), ("name", .string(n.name))]))) }
        return .object(members)
    }

    /// How old the TCP figures are, in seconds (0 when read this sample): each state's count, the
    /// oldest of them, the listeners, and the walk of every socket (peers, retransmitting sockets).
    public struct TCPAges: Sendable {
        public var states: Double?, listeners: Double?, walk: Double?
        public var perState: OrderedDictionary<String, Double>
        /// Every figure read for this sample (none reused from an earlier read).
        var readNow: Bool { walk == 0 && listeners == 0 && perState.values.allSatisfy { $0 == 0 } }
    }

    static func tcpAges(_ s: Sample) -> TCPAges {
        func age(_ at: Double?) -> Double? { at.map { max(0, s.monotonicSeconds - $0) } }
        var perState = OrderedDictionary<String, Double>()
        for name in s.tcp?.states.keys ?? [] { perState[name] = s.tcpStateAge(name) }
        return TCPAges(states: perState.values.max() ?? age(s.socketTablesSeconds),
                       listeners: age(s.tcpListenersSeconds ?? s.socketTablesSeconds), walk: age(s.socketTablesSeconds),
                       perState: perState)
    }

    /// The kernel's drop reasons: every reason counted since droptop started, the fastest first.
    static func dropReasons(_ r: Report) -> JSONValue {
        let sample = r.sample.dropReasons
        let note = sample?.note ?? "not read: kernel drop reasons are counted only on a live host"
        return .object([
            ("available", .bool(sample?.available ?? false)),
            ("note", .string(note)),
            ("reasons", .array(r.dropReasons.map { d in
                .object([("reason", .string(d.reason)), ("total", .uint(d.total)), ("per_s", .number(d.perSecond)),
                         ("layer", .string(d.info.layer.name))])
            })),
        ])
    }

    static func optionalInt(_ v: Int?) -> JSONValue { v.map { .int(Int64($0)) } ?? .null }

    static func interface(_ i: InterfaceReport) -> JSONValue {
        let names = NetDevCounters.names
        var members: [(String, JSONValue)] = [
            ("name", .string(i.sample.name)),
            ("operstate", i.sample.operstate.map(JSONValue.string) ?? .null),
            ("carrier", optionalInt(i.sample.carrier)),
            ("link_state", .string(i.linkState)),
            ("speed_mbps", optionalInt(i.sample.speedMbps)),
            ("duplex", i.sample.duplex.map(JSONValue.string) ?? .null),
            ("mtu", optionalInt(i.sample.mtu)),
            ("tx_queue_len", optionalInt(i.sample.txQueueLen)),
            ("counters", .object(zip(names, i.sample.counters.values).map { ($0, .uint($1)) })),
            ("rates", .object(zip(names, i.rates).map { ($0, .number($1)) })),
            ("util_percent", .number(i.utilPercent)),
        ]
        if let stats = i.sample.statistics {
            members.append(("statistics", .object([
                ("counters", .object(stats.map { ($0.key, .uint($0.value)) })),
                ("rates", .object(i.statisticRates.map { ($0.key, .number($0.value)) })),
            ])))
        }
        return .object(members)
    }

    static func cpu(_ c: CPUReport) -> JSONValue {
        var softnet: JSONValue = .null
        if let row = c.softnet {
            let counters: [(String, JSONValue)] = SoftnetColumn.allCases.compactMap { column in
                row.counter(column).map { (column.name, .uint($0)) }
            }
            softnet = .object([
                ("counters", .object(counters)),
                ("rates", .object(c.softnetRates.map { ($0.key, .number($0.value)) })),
                ("backlog", row.backlog.map(JSONValue.uint) ?? .null),
            ])
        }
        return .object([
            ("cpu", .int(Int64(c.cpu))),
            ("net_irqs_per_s", .number(c.netIRQsPerSecond)),
            ("net_rx_softirqs_per_s", .number(c.netRXPerSecond)),
            ("net_tx_softirqs_per_s", .number(c.netTXPerSecond)),
            ("softnet", softnet),
        ])
    }

    static func irq(_ r: IRQReport) -> JSONValue {
        .object([
            ("irq", .string(r.irq)),
            ("device", .string(r.device)),
            ("interface", .string(r.interface)),
            ("per_cpu_per_s", .array(r.perCPUPerSecond.map(JSONValue.number))),
            ("total_per_s", .number(r.totalPerSecond)),
        ])
    }

    static func tcp(_ t: TCPSummary, changes: OrderedDictionary<String, Int64>?,
                    ages: TCPAges) -> JSONValue {
        func peers(_ list: [PeerCount]) -> JSONValue {
            .array(list.map { .object([
                ("address", .string($0.address)), ("connections", .uint($0.connections)),
                ("retransmitting", .uint($0.retransmitting)), ("time_wait", .uint($0.timeWait)),
            ]) })
        }
        return .object([
            ("states", .object(t.states.map { ($0.key, .uint($0.value)) })),
            ("state_changes", changes.map { .object($0.map { ($0.key, .int($0.value)) }) } ?? .null),
            ("states_age_seconds", .number(ages.states)), ("listeners_age_seconds", .number(ages.listeners)),
            ("state_ages_seconds", .object(ages.perState.map { ($0.key, .number($0.value)) })),
            ("walk_age_seconds", .number(ages.walk)),
            ("sockets", .uint(t.sockets)),
            ("retransmitting_sockets", .uint(t.retransmittingSockets)),
            ("source", t.source.map(JSONValue.string) ?? .null),
            ("source_note", t.sourceNote.map(JSONValue.string) ?? .null),
            ("listeners", .array(t.listeners.map { .object([
                ("address", .string($0.address)), ("port", .int(Int64($0.port))), ("accept_queue", .uint($0.acceptQueue)),
                ("backlog", $0.backlog.map(JSONValue.uint) ?? .null),
            ]) })),
            ("peers", peers(t.peers)),
            ("retransmitting_peers", peers(t.retransmittingPeers)),
            ("time_wait_peers", peers(t.timeWaitPeers)),
            ("close_wait_ports", .array(t.closeWaitPorts.map { .object([("port", .int(Int64($0.port))), ("count", .uint($0.count))]) })),
        ])
    }

    static func udp(_ u: UDPSummary, rates: [UInt64: Double]) -> JSONValue {
        .object([
            ("sockets", .uint(u.sockets)),
            ("busy_sockets", .array(u.busySockets.map { .object([
                ("address", .string($0.address)), ("port", .int(Int64($0.port))), ("rx_queue", .uint($0.rxQueue)),
                ("drops", .uint($0.drops)), ("drops_per_s", .number(rates[$0.inode])), ("inode", .uint($0.inode)),
                ("receive_buffer", $0.receiveBuffer.map(JSONValue.uint) ?? .null),
            ]) })),
            ("source", u.source.map(JSONValue.string) ?? .null),
            ("source_note", u.sourceNote.map(JSONValue.string) ?? .null),
        ])
    }

    static func sockstat(_ s: SockStat) -> JSONValue {
        .object(s.map { proto, values in (proto, .object(values.map { ($0.key, .uint($0.value)) })) })
    }

    /// Every section and counter of the report (the host's `protocols`).
    static func protocols(_ report: Report) -> JSONValue {
        protocols(report.sample.protocols ?? [:], rates: report.protocolRates)
    }

    /// Only the counters that say something (TellingCounters): a namespace's `protocols`, `{}`
    /// when all are 0, null when no protocol file was read.
    static func tellingProtocols(_ report: Report) -> JSONValue {
        TellingCounters.protocols(report).map { protocols($0, rates: report.protocolRates) } ?? .null
    }

    static func protocols(_ counters: ProtocolCounters,
                          rates all: OrderedDictionary<String, OrderedDictionary<String, Double?>>) -> JSONValue {
        .object(counters.map { section, values in
            let rates = all[section] ?? [:]
            var members: [(String, JSONValue)] = [
                ("counters", .object(values.counters.map { ($0.key, .uint($0.value)) })),
                ("rates", .object(values.counters.keys.map { ($0, .number(rates[$0] ?? nil)) })),
            ]
            if !values.gauges.isEmpty { members.append(("gauges", .object(values.gauges.map { ($0.key, .int($0.value)) }))) }
            return (section, .object(members))
        })
    }

    /// ISO-8601 UTC with milliseconds: 2026-11-24T20:52:40.123Z.
    public static func isoTime(_ time: Double) -> String {
        let seconds = time.clampedEpochSeconds
        var t = time_t(seconds.rounded(.down))
        var parts = tm()
        gmtime_r(&t, &parts)
        let millis = Int((seconds - seconds.rounded(.down)) * 1000)
        func pad(_ v: Int32, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(millis), 3))Z"
    }
}
