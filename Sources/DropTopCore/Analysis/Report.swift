import OrderedCollections

/// Per-second rates of counters between two readings.
public enum Rate {
    static let implausibleJump: UInt64 = 1 << 53
    /// A counter that went down is a 32-bit wrap when the old value fits in 32 bits and the
    /// wrapped difference is plausible (under 2^31); otherwise it was reset and the rate is
    /// unknown for this interval. Never negative.
    public static func perSecond(from old: UInt64, to new: UInt64, seconds: Double) -> Double? {
        guard seconds > 0 else { return nil }
        // No counter moves 2^53 in one interval (that is 9 PB of bytes): a jump that large is a
        // counter replaced by garbage (0 -> 2^64-1), not traffic, and has no rate.
        if new >= old { return new - old > Self.implausibleJump ? nil : Double(new - old) / seconds }
        if old <= UInt64(UInt32.max), new <= UInt64(UInt32.max) {
            let wrapped = (UInt64(UInt32.max) - old) + new + 1
            if wrapped < 1 << 31 { return Double(wrapped) / seconds }
        }
        return nil
    }

    public static func perSecond(from old: UInt64?, to new: UInt64?, seconds: Double?) -> Double? {
        guard let old, let new, let seconds else { return nil }
        return perSecond(from: old, to: new, seconds: seconds)
    }
}

/// What every front end shows: the current sample plus everything derived from it and the
/// previous one. Built once per interval; the TUI, JSON, text and Prometheus read only this.
public struct Report: Sendable {
    public var sample: Sample
    /// Seconds between the two samples; nil for a single sample (every rate is then nil).
    public var intervalSeconds: Double?
    public var interfaces: [InterfaceReport]
    public var cpus: [CPUReport]
    public var irqs: [IRQReport]
    /// Change of each TCP state count since the previous sample.
    public var tcpStateChanges: OrderedDictionary<String, Int64>?
    public var protocolRates: OrderedDictionary<String, OrderedDictionary<String, Double?>>
    /// RetransSegs / OutSegs over the interval, in percent (sar's %retrans).
    public var retransPercent: Double?
    /// Drops per second of each busy UDP socket, by inode.
    public var udpDropRates: [UInt64: Double]
    /// Kernel drop reasons counted so far, with their rates (empty without a counter).
    public var dropReasons: [DropReasonRate]
    /// Queueing disciplines with their rates (empty when none were read).
    public var qdiscs: [QdiscReport] = []
    /// Triage findings for this interval, set by whoever runs a TriageEngine over the reports.
    public var findings: [Finding] = []
    /// The incident log after this report: active findings and ended ones not yet dismissed.
    public var incidents: [Incident] = []
    /// --all-netns: every other network namespace's report (NamespaceTriage).
    public var namespaces: [NamespaceReport] = []

    public init(previous: Sample?, current: Sample) {
        // A recording's next run starts afresh: its first sample has no rates, as a live start has none.
        let previous = current.startsRun == true ? nil : previous
        sample = current
        let seconds = Self.seconds(from: previous?.monotonicSeconds, to: current.monotonicSeconds)
        intervalSeconds = seconds

        let oldInterfaces = Dictionary(previous?.interfaces.map { ($0.name, $0) } ?? [], uniquingKeysWith: { a, _ in a })
        interfaces = current.interfaces.map { InterfaceReport(current: $0, previous: oldInterfaces[$0.name], seconds: seconds) }

        cpus = Self.cpuReports(previous: previous, current: current, seconds: seconds)
        irqs = Self.irqReports(previous: previous, current: current, cpuOrder: cpus.map(\.cpu), seconds: seconds)
        // Per-CPU network IRQ totals come from the mapped IRQs.
        if seconds != nil && previous?.networkIRQs != nil {
            for index in cpus.indices {
                cpus[index].netIRQsPerSecond = irqs.reduce(0.0) { $0 + ($1.perCPUPerSecond[index] ?? 0) }
            }
        }

        // Each TCP state may be read less often than every sample (SocketTiers).
        tcpStateChanges = Self.tcpStateChanges(previous: previous, current: current)

        protocolRates = [:]
        for (section, values) in current.protocols ?? [:] {
            let old = previous?.protocols?[section]
            var rates = OrderedDictionary<String, Double?>()
            for (name, value) in values.counters {
                rates[name] = Rate.perSecond(from: old?.counters[name], to: value, seconds: seconds)
            }
            protocolRates[section] = rates
        }

        protocolRates.merge(Self.statTableRates(previous: previous, current: current, seconds: seconds)) { a, _ in a }
        qdiscs = Self.qdiscReports(previous: previous, current: current, seconds: seconds)
        retransPercent = nil
        udpDropRates = Self.udpDropRates(previous: previous, current: current, seconds: seconds)
        dropReasons = Self.dropReasonRates(previous: previous, current: current, seconds: seconds)
        if let retrans = rate(.tcpRetransSegs), let out = rate(.tcpOutSegs), out > 0 {
            retransPercent = min(100, retrans / out * 100)
        }
    }

    /// Drops per second of each busy UDP socket. The UDP sockets are read every sample
    /// (SocketTiers), not with the TCP walk: their rates are over the sample interval.
    static func udpDropRates(previous: Sample?, current: Sample, seconds: Double?) -> [UInt64: Double] {
        var rates: [UInt64: Double] = [:]
        let oldUDP = Dictionary(previous?.udp?.busySockets.map { ($0.inode, $0.drops) } ?? [], uniquingKeysWith: { a, _ in a })
        for socket in current.udp?.busySockets ?? [] {
            if let rate = Rate.perSecond(from: oldUDP[socket.inode], to: socket.drops, seconds: seconds) {
                rates[socket.inode] = rate
            }
        }
        return rates
    }

    /// Each TCP state's change over the time between two reads of it (the tiers read states at
    /// different times); a state whose read is reused is left out, unknown rather than "no change".
    static func tcpStateChanges(previous: Sample?, current: Sample) -> OrderedDictionary<String, Int64>? {
        guard let previous, let now = current.tcp?.states, let before = previous.tcp?.states else { return nil }
        var changes = OrderedDictionary<String, Int64>()
        for (name, value) in now {
            guard seconds(from: previous.tcpStateReadAt(name) ?? previous.monotonicSeconds,
                          to: current.tcpStateReadAt(name) ?? current.monotonicSeconds) != nil else { continue }
            let old = before[name] ?? 0
            changes[name] = value >= old ? Int64(clamping: value - old) : -Int64(clamping: old - value)
        }
        return changes.isEmpty ? nil : changes
    }

    /// The time between two readings, or nil when there is none to divide by: under a
    /// millisecond (droptop never samples that fast, so only a crafted or corrupted recording
    /// gets here), backwards, or not finite. Rates are then unknown, and never infinite.
    static func seconds(from old: Double?, to new: Double) -> Double? {
        guard let old else { return nil }
        let seconds = new - old
        guard seconds.isFinite, seconds >= 0.001 else { return nil }
        return seconds
    }

    /// Per-CPU rates of each network IRQ, aligned with `cpuOrder`; IRQs matched by number and interface.
    private static func irqReports(previous: Sample?, current: Sample, cpuOrder: [Int], seconds: Double?) -> [IRQReport] {
        func key(_ irq: NetworkIRQSample) -> String { irq.irq + "\u{0}" + irq.interface }
        let oldIRQs = Dictionary(previous?.networkIRQs?.map { (key($0), $0) } ?? [], uniquingKeysWith: { a, _ in a })
        return (current.networkIRQs ?? []).map { irq in
            let old = oldIRQs[key(irq)]
            let perCPU = cpuOrder.map { cpu in Rate.perSecond(from: old?.counts[cpu], to: irq.counts[cpu], seconds: seconds) }
            let total: Double? = old == nil || seconds == nil ? nil : perCPU.compactMap { $0 }.reduce(0, +)
            return IRQReport(irq: irq.irq, device: irq.device, interface: irq.interface, perCPUPerSecond: perCPU, totalPerSecond: total)
        }
    }

    public func rate(_ section: String, _ counter: String) -> Double? { protocolRates[section]?[counter] ?? nil }
    public func rate(_ counter: CounterID) -> Double? { rate(counter.section, counter.name) }

    private static func cpuReports(previous: Sample?, current: Sample, seconds: Double?) -> [CPUReport] {
        func softirqByCPU(_ s: Sample?) -> [Int: (UInt64, UInt64)] {
            guard let s = s?.softirqs else { return [:] }
            var map: [Int: (UInt64, UInt64)] = [:]
            for (i, cpu) in s.cpuIDs.enumerated() where i < s.netRX.count && i < s.netTX.count {
                map[cpu] = (s.netRX[i], s.netTX[i])
            }
            return map
        }
        let newSoftirq = softirqByCPU(current), oldSoftirq = softirqByCPU(previous)
        let newSoftnet = Dictionary(current.softnet?.map { ($0.cpu, $0) } ?? [], uniquingKeysWith: { a, _ in a })
        let oldSoftnet = Dictionary(previous?.softnet?.map { ($0.cpu, $0) } ?? [], uniquingKeysWith: { a, _ in a })
        return current.cpuIDs.map { cpu in
            let softnet = newSoftnet[cpu]
            var softnetRates = OrderedDictionary<String, Double?>()
            if let softnet {
                for column in SoftnetColumn.allCases where softnet.counter(column) != nil {
                    softnetRates[column.name] = Rate.perSecond(from: oldSoftnet[cpu]?.counter(column), to: softnet.counter(column),
                                                               seconds: seconds)
                }
            }
            return CPUReport(
                cpu: cpu, netIRQsPerSecond: nil,
                netRXPerSecond: Rate.perSecond(from: oldSoftirq[cpu]?.0, to: newSoftirq[cpu]?.0, seconds: seconds),
                netTXPerSecond: Rate.perSecond(from: oldSoftirq[cpu]?.1, to: newSoftirq[cpu]?.1, seconds: seconds),
                softnet: softnet, softnetRates: softnetRates)
        }
    }
}

public struct InterfaceReport: Sendable {
    public var sample: InterfaceSample
    /// Per-second rates in NetDevCounters.names order; nil when unknown for this interval.
    public var rates: [Double?]
    /// sar's %ifutil: bits/s over the link speed; the larger of rx and tx on a full-duplex
    /// link, their sum on a half-duplex one (both directions share the wire).
    public var utilPercent: Double?
    public var statisticRates: OrderedDictionary<String, Double?>

    init(current: InterfaceSample, previous: InterfaceSample?, seconds: Double?) {
        sample = current
        rates = (0..<16).map { i in Rate.perSecond(from: previous?.counters.values[i], to: current.counters.values[i], seconds: seconds) }
        statisticRates = [:]
        for (name, value) in current.statistics ?? [:] {
            // A statistic absent last time was zero then (it is read only once drops appear).
            let old: UInt64? = previous == nil ? nil : (previous?.statistics?[name] ?? 0)
            statisticRates[name] = Rate.perSecond(from: old, to: value, seconds: seconds)
        }
        if let speed = current.speedMbps, speed > 0,
           let rx = rates[NetDevCounters.Field.rxBytes.rawValue], let tx = rates[NetDevCounters.Field.txBytes.rawValue] {
            let busy = current.duplex == "half" ? rx + tx : max(rx, tx)
            utilPercent = min(100, busy * 8 / (Double(speed) * 1_000_000) * 100)
        }
    }

    public var name: String { sample.name }
    public func rate(_ field: NetDevCounters.Field) -> Double? { rates[field.rawValue] }

    /// "up", "down", "NO-CARRIER" or the kernel's operstate.
    public var linkState: String {
        if sample.carrier == 0 { return "NO-CARRIER" }
        // Loopback and many virtual links report "unknown" while passing traffic, as `ip link` shows.
        if sample.operstate == "unknown" && sample.carrier == 1 { return "up" }
        return sample.operstate ?? "unknown"
    }
}

public struct CPUReport: Sendable {
    public var cpu: Int
    public var netIRQsPerSecond: Double?
    public var netRXPerSecond: Double?
    public var netTXPerSecond: Double?
    public var softnet: SoftnetRow?
    public var softnetRates: OrderedDictionary<String, Double?>
}

public struct IRQReport: Sendable {
    public var irq: String
    public var device: String
    public var interface: String
    /// Aligned with Report.cpus.
    public var perCPUPerSecond: [Double?]
    public var totalPerSecond: Double?
}
