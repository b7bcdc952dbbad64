/// Where on a packet's path a finding sits, closest to the wire first (the ranking order).
public enum Layer: Int, Comparable, Sendable, CaseIterable {
    case link, nic, cpu, ip, transport, socket, application

    public var name: String { ["link", "nic", "cpu-backlog", "ip", "tcp-udp", "socket", "application"][rawValue] }
    public static func < (a: Layer, b: Layer) -> Bool { a.rawValue < b.rawValue }
}

public enum Severity: Int, Comparable, Sendable {
    case info, warning, critical
    public var name: String { ["info", "warning", "critical"][rawValue] }
    public static func < (a: Severity, b: Severity) -> Bool { a.rawValue < b.rawValue }
    public init?(name: String) {
        guard let index = ["info", "warning", "critical"].firstIndex(of: name) else { return nil }
        self.init(rawValue: index)
    }
}

/// One counter or level that supports a finding.
public struct Evidence: Sendable, Equatable {
    public var name: String
    public var value: Double
    /// "per_s", "percent", "count".
    public var unit: String
    public var item: String?
}

public struct Finding: Sendable, Equatable {
    public var id: String
    public var severity: Severity
    public var layer: Layer
    public var title: String
    /// The interface, CPU, port or peer the finding is about, when there is one.
    public var item: String?
    public var evidence: [Evidence]
    public var explanation: String
    public var hint: String
    /// Built on /proc/interrupts, softirqs or softnet_stat, which count the whole host even
    /// inside a network namespace.
    public var hostWide: Bool
    /// Wall-clock seconds since which the finding has held (set by TriageEngine).
    public var since: Double = 0
    /// From the incident log (IncidentLog): when this finding was first and last seen in this
    /// run, across gaps, and the highest value of its first piece of evidence meanwhile.
    public var firstSeen: Double?
    public var lastSeen: Double?
    public var peak: Double?
    /// The network namespace it is about, when not droptop's own (--all-netns).
    public var netns: NetnsRef? = nil
    /// The inodes of the sockets it names (the UDP socket that drops, the overflowing listener, a
    /// socket of each CLOSE_WAIT port): on a live host the pipeline looks up who holds them.
    public var sockets: [UInt64] = []
    /// The processes holding those sockets, when found (SocketOwners).
    public var owners: [SocketOwner] = []

    /// The number shown on the one-line form: the first piece of evidence, its counter named
    /// without the section ("ListenOverflows 4/s"; the detail view has "TcpExt.ListenOverflows").
    public var headline: String {
        guard let e = evidence.first else { return title }
        let value = e.unit == "count" ? String(e.value.saturatingInt64) : Self.short(e.value)
        let unit = e.unit == "per_s" ? "/s" : e.unit == "percent" ? "%" : ""
        return "\(e.name.split(separator: ".").last.map(String.init) ?? e.name) \(value)\(unit)"
    }

    static func short(_ v: Double) -> String {
        if v >= 100 { return String(v.rounded().saturatingInt64) }
        let t = (v * 10).rounded() / 10
        return t == t.rounded() ? String(t.saturatingInt64) : String(t)
    }
}

/// Thresholds, in one place so docs/triage.md can quote them.
public enum TriageThresholds {
    /// Interface drops: at least this many per second and this share of the packets.
    public static let dropRate = 1.0, dropShare = 0.001, dropCriticalShare = 0.01
    /// softnet time_squeeze per second before it is a warning (below: info).
    public static let squeezeWarning = 10.0
    /// IRQ or NET_RX imbalance: at least this many per second in total, one CPU with this share.
    public static let imbalanceRate = 1000.0, imbalanceShare = 0.9
    /// IP, UDP error counters: per second.
    public static let errorRate = 1.0
    /// Counters where a single event matters (memory exhausted, forged or mis-keyed segments):
    /// any increment fires.
    public static let singleEvent = Double.leastNonzeroMagnitude
    /// TCP retransmissions: share of segments sent, with at least this many segments per second.
    public static let retransWarning = 2.0, retransCritical = 10.0, retransMinSegments = 100.0
    /// Resets and aborts per second.
    public static let resetRate = 5.0
    /// Sockets in CLOSE_WAIT, SYN_RECV.
    public static let closeWaitCount: UInt64 = 50, synRecvCount: UInt64 = 100
    /// TIME_WAIT towards one peer as a share of the local port range.
    public static let timeWaitPortShare = 0.5
    /// The local port range when net.ipv4.ip_local_port_range is unknown (the kernel's default).
    public static let defaultPortRange = 28232.0
}

/// Keeps, across reports, since when each finding has held (an id and item seen in the
/// previous evaluation keeps its start time).
public final class TriageEngine {
    private var since: [String: Double] = [:]
    public init() {}

    public func evaluate(_ r: Report) -> [Finding] {
        var found = TriageRules.evaluate(r)
        var next: [String: Double] = [:]
        for i in found.indices {
            let key = found[i].id + "\u{0}" + (found[i].item ?? "")
            let start = since[key] ?? r.sample.wallSeconds
            found[i].since = start
            next[key] = start
        }
        since = next
        return found
    }
}
