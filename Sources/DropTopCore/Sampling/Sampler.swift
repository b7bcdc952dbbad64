#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import OrderedCollections

/// Reads every source once and returns a Sample. Each source that fails adds one entry to
/// `errors` and leaves its own section empty; the rest is still read.
public final class Sampler {
    public let reader: FileReader
    /// Sysctls a triage needs, read-only, by their dotted names.
    public static let sysctlNames = [
        "net.core.netdev_max_backlog", "net.core.netdev_budget", "net.core.netdev_budget_usecs",
        "net.core.somaxconn", "net.core.rmem_default", "net.core.rmem_max", "net.core.wmem_default",
        "net.core.wmem_max", "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem", "net.ipv4.tcp_max_syn_backlog",
        "net.ipv4.tcp_syncookies", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_fin_timeout",
        "net.ipv4.ipfrag_high_thresh", "net.ipv4.ipfrag_time", "net.ipv6.ip6frag_high_thresh", "net.ipv4.ip_forward",
        "net.ipv4.ip_no_pmtu_disc", "net.ipv4.conf.all.rp_filter", "net.ipv4.conf.default.rp_filter",
        "net.ipv4.conf.all.log_martians", "net.ipv4.conf.all.arp_filter", "net.ipv4.neigh.default.gc_thresh3",
        "net.ipv4.icmp_msgs_per_sec", "net.ipv4.icmp_ratelimit", "net.ipv6.icmp.ratelimit", "net.ipv4.tcp_timestamps",
        "net.ipv4.tcp_tw_reuse", "net.ipv4.tcp_mem", "net.ipv4.tcp_max_orphans", "vm.min_free_kbytes",
        "net.ipv4.tcp_retries2", "net.ipv4.tcp_migrate_req", "net.ipv4.udp_mem", "net.mptcp.checksum_enabled",
        "net.ipv4.neigh.default.unres_qlen_bytes", "net.ipv6.neigh.default.unres_qlen_bytes", "net.ipv6.neigh.default.gc_thresh3",
        "net.netfilter.nf_conntrack_max", "net.netfilter.nf_conntrack_buckets",
    ]
    /// The /sys/class/net/IF/statistics files that break down /proc/net/dev's folded columns.
    public static let statisticNames = [
        "rx_missed_errors", "rx_over_errors", "rx_fifo_errors", "rx_crc_errors", "rx_length_errors",
        "rx_frame_errors", "rx_dropped", "tx_dropped", "tx_carrier_errors", "tx_aborted_errors", "tx_fifo_errors",
    ]

    /// Facts that change rarely (which device and IRQs belong to an interface, online CPUs,
    /// sysctl values) are read again when the set of interfaces changes or every
    /// `slowFactRefreshSamples` samples, not on every refresh.
    private var devices: [InterfaceDevice] = []
    private var interfaceKey: [String]?
    private var samplesSinceSlowRefresh = 0
    private let slowFactRefreshSamples = 30
    private var onlineCPUList: [Int]?
    private var sysctlValues: OrderedDictionary<String, String> = [:]
    private var slowFactRefusals: [SourceError] = []
    /// Matching an IRQ to an interface compares strings; the answer is kept per IRQ row.
    private var irqInterface: [String: String?] = [:]
    private var cachedHost: HostInfo?
    /// The socket tables, read in tiers by cost (see SocketTiers).
    let socketTiers: SocketTiers
    public var socketSource: SocketTableSource {
        get { socketTiers.source }
        set { socketTiers.source = newValue }
    }
    /// The share of one core that walking every TCP socket may use (nil: walk every sample). The
    /// kernel's walk costs ~110 ms of CPU at 100,000 sockets; on a host in trouble the live modes
    /// walk less often instead of adding to the load, and say how old the figures are.
    public var socketTableBudget: Double? {
        get { socketTiers.budget }
        set { socketTiers.budget = newValue }
    }
    /// With a budget, unchanged socket counts let a walk be reused this long.
    public var socketTableMaxAge: Double {
        get { socketTiers.maxAge }
        set { socketTiers.maxAge = newValue }
    }
    /// The share of one core that reading the transient TCP states (a dump filtered by state) may
    /// use (nil: every sample); they are reused at most `socketStatesMaxAge` while the counts hold still.
    public var socketStatesBudget: Double? {
        get { socketTiers.statesBudget }
        set { socketTiers.statesBudget = newValue }
    }
    public var socketStatesMaxAge: Double {
        get { socketTiers.statesMaxAge }
        set { socketTiers.statesMaxAge = newValue }
    }
    /// A live histogram of the transient TCP states (a tracker of state transitions), read every
    /// sample in place of the filtered dump.
    public var liveTCPStates: TransientStateSource? {
        get { socketTiers.liveStates }
        set { socketTiers.liveStates = newValue }
    }
    /// What the outputs of this run need: sources outside it are not read.
    public var needs: SampleNeeds = .all
    /// The next sample walks the socket tables whatever the budget says (the TUI's `r`).
    public func readSocketTablesNow() { socketTiers.invalidate() }

    /// Whether this kernel has IPv6 (refreshed with the slow facts).
    private var ipv6Present = true
    static let noIPv6 = SourceError(source: "/proc/net/if_inet6",
        message: "IPv6 is not available (no /proc/net/if_inet6, snmp6, tcp6, udp6 or sockstat6: ipv6.disable=1, or hidden): "
            + "tcp6, udp6, snmp6 and sockstat6 are not read")
    /// Kernel drop reasons through BPF; set only for the live host (nil: not read).
    public var dropReasons: DropReasonReader?
    /// --iface: only interfaces whose names match one of these globs (empty: all).
    public var interfaceGlobs: [String] = []
    /// Queueing disciplines over rtnetlink; only for the live host (a captured tree has none).
    public var qdiscSource: RtnetlinkQdiscs?
    /// Link facts over rtnetlink, correct in any namespace (nil: /sys only, as for a captured tree).
    public var linkFacts: LinkFactsSource?
    /// A sampler of another network namespace: no host-wide sources (CPUs, IRQs) and no /sys.
    public var namespaceScope = false
    /// --all-netns: every other network namespace, sampled with this one.
    public var namespaces: NamespaceSampler?
    /// A namespace's sampler: the last protocol counters while no interface counter moved.
    public var protocolGate: ProtocolGate?

    public init(procRoot: String = "/proc", sysRoot: String = "/sys") {
        reader = FileReader(procRoot: procRoot, sysRoot: sysRoot)
        reader.keepsFilesOpen = procRoot == "/proc" && sysRoot == "/sys"
        // The live kernel answers sock_diag far cheaper than it prints /proc/net/tcp; a captured
        // tree has only the files. DROPTOP_SOCKET_TABLES=proc keeps the files on a live host.
        let files = ProcSocketTables(reader: reader)
        let wantsFiles = getenv("DROPTOP_SOCKET_TABLES").map { String(cString: $0) } == "proc"
        socketTiers = SocketTiers(source: procRoot == "/proc" && !wantsFiles ? NetlinkSocketTables(fallback: files) : files)
        socketTiers.trustsEmptyCounts = procRoot == "/proc"
        qdiscSource = procRoot == "/proc" ? RtnetlinkQdiscs() : nil
    }

    public func sample() -> Sample {
        reader.refusals.removeAll(keepingCapacity: true)
        var s = Sample(monotonicSeconds: Self.monotonicNow(), wallSeconds: Self.wallNow(), host: host())
        var errors: [SourceError] = []
        readInterfaces(into: &s, errors: &errors)
        if needs.contains(.cpu) && !namespaceScope { readCPUSources(into: &s, errors: &errors) }
        if !ipv6Present { errors.append(Self.noIPv6) }
        // A namespace where no packet moved keeps its last sockstat and protocol counters.
        let reused = protocolGate?.reuse(s)
        // The counts decide whether the expensive walk of the socket tables runs.
        if !needs.isDisjoint(with: [.sockstat, .tcpTables]) {
            var sockstat = reused != nil ? reused?.sockstat : parse("net/sockstat", &errors) { try SockStatParser.parse($0) }
            if reused == nil, ipv6Present, let v6 = parse("net/sockstat6", &errors, { try SockStatParser.parse($0) }) {
                sockstat = (sockstat ?? [:]).merging(v6) { a, _ in a }
            }
            // Another namespace's sockstat also prints the host's totals (TCP orphan, alloc, mem; UDP
            // mem): they are the host's figures, not this namespace's, and they move with any socket anywhere.
            if namespaceScope, reused == nil { sockstat = sockstat.map(SockstatHostWide.removed) }
            s.sockstat = sockstat
        }
        if !needs.isDisjoint(with: [.protocols, .tcpTables]) {
            if let reused { s.protocols = reused.protocols } else { s.protocols = readProtocols(&errors) }
        }
        socketTiers.read(into: &s, needs: needs, includeIPv6: ipv6Present, quiet: reused != nil, errors: &errors)
        if let reused, needs.contains(.dropSources) {
            s.statTables = reused.statTables; s.conntrack = reused.conntrack
        } else if needs.contains(.dropSources) {
            readDropSources(into: &s, errors: &errors)
        }
        if reused == nil { protocolGate?.remember(s) }
        s.sysctl = sysctlValues
        if needs.contains(.dropReasons) { s.dropReasons = dropReasons?.sample() }
        s.namespaces = namespaces?.sample(host: s.host, errors: &errors)
        // Refused files (a FIFO, an oversized value file) are reported even where a missing
        // file is normal and its error ignored (the /sys link facts, sysctls).
        s.errors = errors + reader.refusals.filter { !errors.contains($0) }
        return s
    }

    /// One /proc file through its parser; a failure becomes an entry of `errors` and nil.
    private func parse<T>(_ file: String, _ errors: inout [SourceError],
                          _ parser: (UnsafeBufferPointer<UInt8>) throws -> T) -> T? {
        do { return try reader.withContents(.proc, file, parser) } catch { errors.append(error); return nil }
    }

    /// As `parse`, for files that often read the same as last time: then the last value, unparsed.
    private func parseUnlessSame<T>(_ file: String, _ errors: inout [SourceError],
                                    _ parser: (UnsafeBufferPointer<UInt8>) throws -> T) -> T? {
        do { return try reader.withParse(.proc, file, parser) } catch { errors.append(error); return nil }
    }

    /// Interfaces: /proc/net/dev is the list; /sys adds link facts.
    private func readInterfaces(into s: inout Sample, errors: inout [SourceError]) {
        var rawNames: [[UInt8]] = []
        if let parsed = parseUnlessSame("net/dev", &errors, { try NetDevParser.parse($0) }) {
            errors += parsed.problems.map { SourceError(source: "/proc/net/dev", message: $0) }
            let entries = parsed.value.filter { InterfaceGlob.matches($0.name, any: interfaceGlobs) }
            // A kept /sys file follows its device through a rename or a move to another
            // namespace: opened again by name when the names change, and with the slow facts.
            if entries.map(\.name) != interfaceKey || samplesSinceSlowRefresh + 1 >= slowFactRefreshSamples {
                reader.closeKeptFiles(.sys)
            }
            for entry in entries {
                rawNames.append(entry.rawName)
                s.interfaces.append(namespaceScope ? InterfaceSample(name: entry.name, counters: entry.counters)
                                                   : interfaceSample(entry, errors: &errors))
            }
        }
        linkFacts?.apply(to: &s.interfaces, reader: reader, errors: &errors)
        refreshSlowFacts(rawNames: rawNames, names: s.interfaces.map(\.name))
    }

    /// softirqs, softnet_stat and the network IRQs of /proc/interrupts (host-wide files).
    private func readCPUSources(into s: inout Sample, errors: inout [SourceError]) {
        let online = onlineCPUList
        s.softirqs = parse("softirqs", &errors) { try SoftIRQsParser.parse($0) }
        s.softnet = parse("net/softnet_stat", &errors) { try SoftnetParser.parse($0, onlineCPUs: online) }
        guard let table = parse("interrupts", &errors, { try InterruptsParser.parse($0) }) else { return }
        errors += table.problems.map { SourceError(source: "/proc/interrupts", message: $0) }
        s.interruptCPUs = table.cpuIDs
        s.networkIRQs = table.rows.compactMap { row in
            guard let interface = networkInterface(of: row) else { return nil }
            var counts: [Int: UInt64] = [:]
            for (column, value) in row.counts.enumerated() where column < table.cpuIDs.count {
                counts[table.cpuIDs[column]] = value
            }
            return NetworkIRQSample(irq: row.id, device: row.description, interface: interface, counts: counts)
        }
    }

    /// Every section of snmp, netstat and snmp6, by name.
    private func readProtocols(_ errors: inout [SourceError]) -> ProtocolCounters? {
        var protocols = ProtocolCounters()
        for file in ["net/snmp", "net/netstat"] + (ipv6Present ? ["net/snmp6"] : []) {
            let parsed = parseUnlessSame(file, &errors) { bytes in
                file == "net/snmp6" ? try SNMPParser.parseSNMP6(bytes) : try SNMPParser.parsePairs(bytes)
            }
            guard let parsed else { continue }
            protocols.merge(parsed.value) { a, _ in a }
            errors += parsed.problems.map { SourceError(source: "/proc/" + file, message: $0) }
        }
        return protocols.isEmpty ? nil : protocols
    }

    private func refreshSlowFacts(rawNames: [[UInt8]], names: [String]) {
        samplesSinceSlowRefresh += 1
        // A sysctl refused when last read is reported on every sample until it is read again.
        guard names != interfaceKey || samplesSinceSlowRefresh >= slowFactRefreshSamples else {
            reader.refusals += slowFactRefusals
            return
        }
        let refusedBefore = reader.refusals.count
        defer { slowFactRefusals = Array(reader.refusals[refusedBefore...]) }
        samplesSinceSlowRefresh = 0
        interfaceKey = names
        irqInterface = [:]
        devices = zip(rawNames, names).compactMap { raw, name in
            guard name != "lo" else { return nil }
            let base: [UInt8] = Array("class/net/".utf8) + raw + Array("/device".utf8)
            let target = reader.linkTarget(.sys, base)
            let deviceName = target.map { t in DisplayName.escaped(t.split(separator: 0x2F).last.map(Array.init) ?? t) }
            let msi = reader.directoryEntries(.sys, base + Array("/msi_irqs".utf8)) ?? []
            return InterfaceDevice(interface: name, deviceName: deviceName, msiIRQs: Set(msi.map { DisplayName.escaped($0) }))
        }
        // A kernel booted with ipv6.disable=1 (or built without IPv6) has neither file; then
        // the four v6 files are one expected absence, not four read errors.
        // Each IPv6 file is read on its own: a missing snmp6 costs only its counters.
        ipv6Present = ["net/if_inet6", "net/snmp6", "net/tcp6", "net/udp6", "net/sockstat6"].contains { reader.exists(.proc, $0) }
        // Another namespace's sampler reads no host-wide source, and its sysctls are read once
        // by NamespaceSampler (40 files every 30 samples in each namespace, otherwise).
        guard !namespaceScope else { return }
        // /sys/devices/system/cpu/online ("0-3,5") numbers softnet rows on old kernels.
        onlineCPUList = (try? reader.withContents(.sys, "devices/system/cpu/online", { ValueFileParser.text($0) }))
            .flatMap(CPUList.parse)
        sysctlValues = [:]
        for name in Self.sysctlNames {
            let path = "sys/" + name.replacingOccurrences(".", with: "/")
            if let value = try? reader.withContents(.proc, path, { ValueFileParser.text($0) }) {
                sysctlValues[name] = value
            }
        }
    }

    private func networkInterface(of row: InterruptRow) -> String? {
        let key = row.id + "\u{0}" + row.description
        if let known = irqInterface[key] { return known }
        let found = NetworkIRQMatcher.interface(for: row, devices: devices)
        irqInterface[key] = found
        return found
    }

    private func host() -> HostInfo {
        if let h = cachedHost { return h }
        let hostname = (try? reader.withContents(.proc, "sys/kernel/hostname") { ValueFileParser.text($0) }) ?? "unknown"
        let kernel = (try? reader.withContents(.proc, "sys/kernel/osrelease") { ValueFileParser.text($0) }) ?? "unknown"
        let online = (try? reader.withContents(.sys, "devices/system/cpu/online", { ValueFileParser.text($0) })).flatMap(CPUList.parse)
        let h = HostInfo(hostname: hostname, kernel: kernel, onlineCPUs: online?.count)
        cachedHost = h
        return h
    }

    public static func monotonicNow() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// CPU time of the calling thread, kernel time included.
    public static func threadCPUNow() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    public static func wallNow() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

/// The kernel's CPU list format: "0-3,8,10-11".
public enum CPUList {
    /// CPU numbers stay under 65,536 (the kernel's NR_CPUS is at most 8,192), which also
    /// bounds the list a corrupted file can ask for.
    public static func parse(_ text: String) -> [Int]? {
        var result: [Int] = []
        for part in text.split(separator: ",") {
            let bounds = part.split(separator: "-", maxSplits: 1)
            guard let first = bounds.first, let lo = Int(first.trimmingSpaces), lo >= 0 else { return nil }
            let hi = bounds.count == 2 ? Int(bounds[1].trimmingSpaces) : lo
            guard let hi, hi >= lo, hi < 1 << 16, result.count + (hi - lo) < 1 << 16 else { return nil }
            result.append(contentsOf: lo...hi)
        }
        return result.isEmpty ? nil : result
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var s = self
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return s
    }
}

extension String {
    func replacingOccurrences(_ a: Character, with b: String) -> String {
        var out = ""
        for ch in self { if ch == a { out += b } else { out.append(ch) } }
        return out
    }
}
