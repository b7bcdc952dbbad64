/// sar-style text: one block per group per interval, then `Average:` blocks.
/// Column names and units follow sar -n (DEV, EDEV, TCP, ETCP, UDP, IP, EIP, SOCK, SOFT) where
/// sar has the figure; IRQ is droptop's own (network interrupts per CPU).
public enum BatchGroup: String, CaseIterable, Sendable {
    case DEV, EDEV, TCP, ETCP, UDP, IP, EIP, SOCK, SOFT, IRQ

    public static let defaults: [BatchGroup] = [.DEV, .EDEV, .SOFT, .SOCK, .TCP, .ETCP]

    /// "DEV,EDEV" or "ALL" -> groups; throws naming the first unknown group.
    public static func parse(_ list: String) throws(ParseError) -> [BatchGroup] {
        var groups: [BatchGroup] = []
        for name in list.split(separator: ",").map({ $0.uppercased() }) {
            if name == "ALL" { return allCases }
            guard let g = BatchGroup(rawValue: name) else {
                throw ParseError("unknown group \(name) (known: \(allCases.map(\.rawValue).joined(separator: ",")),ALL)")
            }
            if !groups.contains(g) { groups.append(g) }
        }
        if groups.isEmpty { throw ParseError("no groups given") }
        return groups
    }

    var itemHeader: String? {
        switch self {
        case .DEV, .EDEV: return "IFACE"
        case .SOFT, .IRQ: return "CPU"
        default: return nil
        }
    }

    /// Levels (socket counts) are averaged as plain means; rates by interval length.
    var isLevel: Bool { self == .SOCK }

    var columns: [String] {
        switch self {
        case .DEV: return ["rxpck/s", "txpck/s", "rxkB/s", "txkB/s", "rxcmp/s", "txcmp/s", "rxmcst/s", "%ifutil"]
        case .EDEV: return ["rxerr/s", "txerr/s", "coll/s", "rxdrop/s", "txdrop/s", "txcarr/s", "rxfram/s", "rxfifo/s", "txfifo/s"]
        case .TCP: return ["active/s", "passive/s", "iseg/s", "oseg/s"]
        case .ETCP: return ["atmptf/s", "estres/s", "retrans/s", "isegerr/s", "orsts/s", "%retrans", "lstovf/s", "lstdrp/s"]
        case .UDP: return ["idgm/s", "odgm/s", "noport/s", "idgmerr/s", "rcvbuferr/s", "sndbuferr/s", "rcvbuf6/s"]
        case .IP: return ["irec/s", "fwddgm/s", "idel/s", "orq/s", "asmrq/s", "asmok/s", "fragok/s", "fragcrt/s"]
        case .EIP: return ["ihdrerr/s", "iadrerr/s", "iukwnpr/s", "idisc/s", "odisc/s", "onort/s", "asmf/s", "fragf/s"]
        case .SOCK: return ["totsck", "tcpsck", "udpsck", "rawsck", "ip-frag", "tcp-tw", "estab", "synrecv", "closewait", "listen"]
        case .SOFT: return ["total/s", "dropd/s", "squeezd/s", "rx_rps/s", "flw_lim/s", "NET_RX/s", "NET_TX/s"]
        case .IRQ: return ["netirq/s", "share%"]
        }
    }

    /// (item, values) rows for one report; the item is nil for whole-host groups.
    func rows(_ r: Report) -> [(String?, [Double?])] {
        func p(_ section: String, _ names: [String]) -> [Double?] { names.map { r.rate(section, $0) } }
        switch self {
        case .DEV:
            return r.interfaces.map { i in
                (i.name, [i.rate(.rxPackets), i.rate(.txPackets), i.rate(.rxBytes).map { $0 / 1024 }, i.rate(.txBytes).map { $0 / 1024 },
                          i.rate(.rxCompressed), i.rate(.txCompressed), i.rate(.rxMulticast), i.utilPercent])
            }
        case .EDEV:
            return r.interfaces.map { i in
                (i.name, [NetDevCounters.Field.rxErrs, .txErrs, .txColls, .rxDrop, .txDrop, .txCarrier, .rxFrame, .rxFifo, .txFifo].map { i.rate($0) })
            }
        case .TCP: return [(nil, p("Tcp", ["ActiveOpens", "PassiveOpens", "InSegs", "OutSegs"]))]
        case .ETCP:
            return [(nil, p("Tcp", ["AttemptFails", "EstabResets", "RetransSegs", "InErrs", "OutRsts"]) + [r.retransPercent]
                     + p("TcpExt", ["ListenOverflows", "ListenDrops"]))]
        case .UDP:
            return [(nil, p("Udp", ["InDatagrams", "OutDatagrams", "NoPorts", "InErrors", "RcvbufErrors", "SndbufErrors"])
                     + p("Udp6", ["RcvbufErrors"]))]
        case .IP:
            return [(nil, p("Ip", ["InReceives", "ForwDatagrams", "InDelivers", "OutRequests", "ReasmReqds", "ReasmOKs", "FragOKs", "FragCreates"]))]
        case .EIP:
            return [(nil, p("Ip", ["InHdrErrors", "InAddrErrors", "InUnknownProtos", "InDiscards", "OutDiscards", "OutNoRoutes", "ReasmFails", "FragFails"]))]
        case .SOCK:
            let ss = r.sample.sockstat, states = r.sample.tcp?.states
            func v(_ a: String, _ b: String) -> Double? { ss?[a]?[b].map { Double($0) } }
            func st(_ name: String) -> Double? { states?[name].map { Double($0) } }
            return [(nil, [v("sockets", "used"), v("TCP", "inuse"), v("UDP", "inuse"), v("RAW", "inuse"), v("FRAG", "inuse"), v("TCP", "tw"),
                           st("ESTABLISHED"), st("SYN_RECV"), st("CLOSE_WAIT"), st("LISTEN")])]
        case .SOFT:
            return r.cpus.map { c in
                (String(c.cpu), ["processed", "dropped", "time_squeeze", "received_rps", "flow_limit_count"].map { c.softnetRates[$0] ?? nil }
                    + [c.netRXPerSecond, c.netTXPerSecond])
            }
        case .IRQ:
            let total = r.cpus.reduce(0.0) { $0 + ($1.netIRQsPerSecond ?? 0) }
            return r.cpus.map { c in
                (String(c.cpu), [c.netIRQsPerSecond, total > 0 ? (c.netIRQsPerSecond ?? 0) / total * 100 : (c.netIRQsPerSecond == nil ? nil : 0)])
            }
        }
    }
}

/// Formats reports as sar does and keeps what the final `Average:` block needs.
public struct TextReport {
    public let groups: [BatchGroup]
    private var sums: [BatchGroup: [(item: String?, sums: [Double], weights: [Double])]] = [:]

    public init(groups: [BatchGroup]) { self.groups = groups }

    /// "Linux 6.1.0 (host)  2026-11-24  (2 CPU)" and a blank line, as sar starts.
    public static func banner(_ s: Sample) -> String {
        "Linux \(s.host.kernel) (\(s.host.hostname)) \t\(TimeText.date(s.wallSeconds)) \t(\(s.cpuIDs.count) CPU)\n\n"
    }

    /// One report's blocks; reports without rates (the first sample) print nothing.
    public mutating func render(_ r: Report) -> String {
        guard let interval = r.intervalSeconds else { return "" }
        let time = TimeText.clock(r.sample.wallSeconds)
        var out = ""
        for g in groups {
            let rows = g.rows(r)
            out += Self.line(time, g.itemHeader, g.columns.map { $0 })
            for (item, values) in rows {
                // Levels print as whole numbers like sar's; their averages keep two decimals.
                out += Self.line(time, item, values.map { g.isLevel ? ($0.map { String($0.saturatingInt64) } ?? "-") : Self.number($0) })
                accumulate(g, item, values, weight: g.isLevel ? 1 : interval)
            }
            out += "\n"
        }
        return out
    }

    /// The `Average:` blocks over everything rendered so far.
    public func averages() -> String {
        var out = ""
        for g in groups {
            guard let items = sums[g], !items.isEmpty else { continue }
            out += Self.line("Average:", g.itemHeader, g.columns)
            for entry in items {
                let values = zip(entry.sums, entry.weights).map { s, w in w > 0 ? Self.number(s / w) : Self.number(nil) }
                out += Self.line("Average:", entry.item, values)
            }
            out += "\n"
        }
        return out
    }

    private mutating func accumulate(_ g: BatchGroup, _ item: String?, _ values: [Double?], weight: Double) {
        var items = sums[g] ?? []
        var index = items.firstIndex { $0.item == item }
        if index == nil {
            items.append((item, [Double](repeating: 0, count: values.count), [Double](repeating: 0, count: values.count)))
            index = items.count - 1
        }
        if let i = index {
            for (k, v) in values.enumerated() where k < items[i].sums.count {
                if let v { items[i].sums[k] += v * weight; items[i].weights[k] += weight }
            }
        }
        sums[g] = items
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
        return (Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
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
