/// The sar groups batch mode prints (`-n DEV,EDEV`); their columns are the catalog's (Catalog/Groups.swift).
public enum BatchGroups {
    public static let defaults: [ColumnGroup] = [.dev, .edev, .soft, .sock, .tcp, .etcp]

    /// "DEV,EDEV" or "ALL" -> groups; throws naming the first unknown group.
    public static func parse(_ list: String) throws(ParseError) -> [ColumnGroup] {
        let known = ColumnGroup.batchGroups
        var groups: [ColumnGroup] = []
        for name in list.split(separator: ",").map({ $0.uppercased() }) {
            if name == "ALL" { return known }
            guard let g = known.first(where: { $0.name == name }) else {
                throw ParseError("unknown group \(name) (known: \(known.map(\.name).joined(separator: ",")),ALL)")
            }
            if !groups.contains(where: { $0.name == g.name }) { groups.append(g) }
        }
        if groups.isEmpty { throw ParseError("no groups given") }
        return groups
    }
}

/// Formats reports as sar does and keeps what the final `Average:` block needs.
public struct TextReport {
    public let groups: [ColumnGroup]
    /// The CPUs the per-CPU groups print (sar's -P).
    public var cpus: CPUSelection = .allRowOnly
    private var sums: [String: [(item: String?, sums: [Double], weights: [Double])]] = [:]
    /// How many reports each finding (severity layer id item) held in, in order of first sight.
    private var heldCounts: [String: Int] = [:]
    private var heldOrder: [String] = []
    private var reports = 0
    /// NETNS: the kind and PID last printed for each namespace, for its `Average:` row.
    private var namespaceDetailsSeen: [String: [String]] = [:]

    public init(groups: [ColumnGroup]) { self.groups = groups }

    /// "Linux 6.1.0 (host)  2026-11-24  (2 CPU)" and a blank line, as sar starts.
    /// The CPU count is the sample's CPUs, or the host's online CPUs where no per-CPU source was read.
    public static func banner(_ s: Sample) -> String {
        let cpus = s.cpuIDs.isEmpty ? s.host.onlineCPUs ?? 0 : s.cpuIDs.count
        return "Linux \(s.host.kernel) (\(s.host.hostname)) \t\(TimeText.date(s.wallSeconds)) \t(\(cpus) CPU)\n\n"
    }

    /// One report's blocks; reports without rates (the first sample) print nothing. As sar
    /// prints them, the header line carries the time the interval started, its rows the time it ended.
    /// A report without an interval (a recording of one sample) prints its levels and `-` for
    /// every rate, and adds nothing to the averages.
    public mutating func render(_ r: Report) -> String {
        let interval = r.intervalSeconds
        let time = TimeText.clock(r.sample.wallSeconds)
        let start = interval.map { TimeText.clock(r.sample.wallSeconds - $0) } ?? time
        var out = ""
        for g in groups {
            let columns = g.columns, rows = g.scope == .cpu ? cpus.rows(g, r) : g.rows(r)
            // DROP can have no rows (no reason counted yet), NETNS none without --all-netns.
            if rows.isEmpty { continue }
            out += Self.line(start, g.itemHeader, Self.headerLabels(g))
            let details = g.scope == .namespace ? r.namespaces.map(Self.namespaceDetails) : []
            for (k, (rawItem, values)) in rows.enumerated() {
                let item = g.scope == .namespace ? rawItem.map(Self.batchName) : rawItem
                // Levels print as whole numbers, like sar's, and so do their averages (sar's %9.0f).
                let texts = zip(columns, values).map { c, v in c.isLevel ? (v.map { String($0.saturatingInt64) } ?? "-") : Self.number(v) }
                let detail = k < details.count ? details[k] : []
                out += Self.line(time, item, detail + texts)
                if !detail.isEmpty, let item { namespaceDetailsSeen[item] = detail }
                if let interval { accumulate(g, item, values, weights: columns.map { $0.isLevel ? 1 : interval }) }
            }
            out += Self.ageLines(g, r, time: time) + "\n"
        }
        return out + findingLines(r, time: time)
    }

    /// After a group's rows, one line for each age of figures not read in this interval (the TCP
    /// states between two reads of them, SocketTiers): time, AGE, the group, its columns of that
    /// age (comma-separated) and the age in seconds, for grep and awk like the FINDING lines.
    static func ageLines(_ g: ColumnGroup, _ r: Report, time: String) -> String {
        var byAge: [(age: Double, labels: [String])] = []
        for column in g.columns {
            guard let age = column.age(r) else { continue }
            if let i = byAge.firstIndex(where: { abs($0.age - age) < 0.005 }) { byAge[i].labels.append(column.label) } else {
                byAge.append((age, [column.label]))
            }
        }
        return byAge.map { "\(time.padding(to: 11))AGE \(g.name) \($0.labels.joined(separator: ",")) \(TimeText.fixed2($0.age))\n" }
            .joined()
    }

    /// One line per finding that holds, after the groups, for grep and awk: time, FINDING,
    /// severity, layer, id, item (- when none), netns=NAME for another namespace's, then the
    /// title and the moving number.
    mutating func findingLines(_ r: Report, time: String) -> String {
        reports += 1
        // With --all-netns each namespace's findings follow the host's, naming it (netns=NAME).
        let findings = r.findings + r.namespaces.flatMap(\.report.findings)
        guard !findings.isEmpty else { return "" }
        var out = ""
        for f in findings {
            let netns = f.netns.map { " netns=" + Self.batchName($0.name) } ?? ""
            let key = "\(f.severity.name) \(f.layer.name) \(f.id) \(f.item ?? "-")\(netns)"
            if heldCounts[key] == nil { heldOrder.append(key) }
            heldCounts[key, default: 0] += 1
            out += "\(time.padding(to: 11))FINDING \(key) \(f.title) (\(f.headline))\n"
        }
        return out + "\n"
    }

    /// The `Average:` blocks over everything rendered so far, then how often each finding held.
    public func averages() -> String {
        var out = ""
        for g in groups {
            guard let items = sums[g.name], !items.isEmpty else { continue }
            out += Self.line("Average:", g.itemHeader, Self.headerLabels(g))
            for entry in items {
                let detail = g.scope == .namespace ? namespaceDetailsSeen[entry.item ?? ""] ?? [] : []
                let values = zip(zip(entry.sums, entry.weights), g.columns).map { pair, column in
                    let (s, w) = pair
                    guard w > 0 else { return Self.number(nil) }
                    return column.isLevel ? String((s / w).rounded().saturatingInt64) : Self.number(s / w)
                }
                out += Self.line("Average:", entry.item, detail + values)
            }
            out += "\n"
        }
        for key in heldOrder { out += "\("Average:".padding(to: 11))FINDING \(key) held in \(heldCounts[key] ?? 0)/\(reports) intervals\n" }
        return out + (heldOrder.isEmpty ? "" : "\n")
    }

    private mutating func accumulate(_ g: ColumnGroup, _ item: String?, _ values: [Double?], weights: [Double]) {
        var items = sums[g.name] ?? []
        var index = items.firstIndex { $0.item == item }
        if index == nil {
            items.append((item, [Double](repeating: 0, count: values.count), [Double](repeating: 0, count: values.count)))
            index = items.count - 1
        }
        if let i = index {
            for (k, v) in values.enumerated() where k < items[i].sums.count {
                if let v { items[i].sums[k] += v * weights[k]; items[i].weights[k] += weights[k] }
            }
        }
        sums[g.name] = items
    }

    static func number(_ v: Double?) -> String {
        guard let v, v.isFinite else { return "-" }
        return TimeText.fixed2(v)
    }

    /// Time column 11 wide, item column 9, values right-aligned in 10 (wider values push right).
    static func line(_ time: String, _ item: String?, _ values: [String]) -> String {
        var s = time.padding(to: 11)
        if let item { s += String(repeating: " ", count: max(0, 9 - item.count)) + item }
        for v in values { s += " " + String(repeating: " ", count: max(0, 9 - v.count)) + v }
        return s + "\n"
    }
}

extension Column {
    /// How old this column's figure is, when it was not read in this interval (a TCP state count
    /// reused between two reads); nil when it is from this interval.
    func age(_ r: Report) -> Double? {
        guard case .tcpState(let state) = source, let age = r.sample.tcpStateAge(state.name), age >= 0.005 else { return nil }
        return age
    }
}

/// Small local-time and number formatting for text output (no Foundation).
public enum TimeText {
    public static func clock(_ seconds: Double) -> String {
        let t = local(seconds)
        return "\(two(t.hour)):\(two(t.minute)):\(two(t.second))"
    }

    public static func date(_ seconds: Double) -> String {
        let t = local(seconds)
        return "\(t.year)-\(two(t.month))-\(two(t.day))"
    }

    static func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }

    /// Two decimals, like sar.
    public static func fixed2(_ v: Double) -> String {
        let negative = v < 0
        let cents = (abs(v) * 100).rounded()
        guard cents < 9e17 else { return negative ? "-inf" : "inf" }
        let c = Int64(cents)
        let frac = c % 100
        return (negative && c > 0 ? "-" : "") + "\(c / 100)." + (frac < 10 ? "0\(frac)" : "\(frac)")
    }

    static func local(_ seconds: Double) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        var t = time_t(seconds.clampedEpochSeconds.rounded(.down))
        var parts = tm()
        localtime_r(&t, &parts)
        return (Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
                Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }
}

extension String {
    func padding(to width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
