import OrderedCollections

/// The counters of one protocol section ("Tcp", "TcpExt", "Udp6", ...), kept in kernel order.
/// Gauges (values that are levels, not running totals) are kept apart: they get no rate.
public struct ProtocolSection: Codable, Equatable, Sendable {
    public var counters: OrderedDictionary<String, UInt64> = [:]
    public var gauges: OrderedDictionary<String, Int64> = [:]
    public init() {}
}

/// Every section from /proc/net/snmp, /proc/net/netstat and /proc/net/snmp6, by name.
public typealias ProtocolCounters = OrderedDictionary<String, ProtocolSection>

/// A parse that keeps what it could read and lists what it had to skip.
public struct PartialParse<Value> {
    public var value: Value
    public var problems: [String]
}

/// Parses the "Section: names" / "Section: values" line pairs of /proc/net/snmp and /proc/net/netstat,
/// and the "Name value" lines of /proc/net/snmp6. Columns are read by name, never by position.
public enum SNMPParser {
    /// Values that are levels rather than running totals.
    public static let gaugeNames: Set<String> = [
        "Ip.Forwarding", "Ip.DefaultTTL",
        "Tcp.RtoAlgorithm", "Tcp.RtoMin", "Tcp.RtoMax", "Tcp.MaxConn", "Tcp.CurrEstab",
        "MPTcpExt.MPCurrEstab",
    ]

    public static func parsePairs(_ bytes: UnsafeBufferPointer<UInt8>) throws(ParseError) -> PartialParse<ProtocolCounters> {
        var cursor = ByteCursor(bytes)
        var result = ProtocolCounters()
        var problems: [String] = []
        var lineNumber = 0
        while let header = cursor.line() {
            lineNumber += 1
            if header.allSatisfy(ByteCursor.isBlank) { continue }
            guard let colon = header.firstIndex(of: 0x3A) else {
                problems.append("line \(lineNumber): no 'Section:' prefix; skipped")
                continue
            }
            let section = UnsafeBufferPointer(rebasing: header[..<colon]).asciiString
            guard let valuesLine = cursor.line() else {
                problems.append("\(section): header without a value line (truncated file?)")
                break
            }
            lineNumber += 1
            guard let valueColon = valuesLine.firstIndex(of: 0x3A),
                  UnsafeBufferPointer(rebasing: valuesLine[..<valueColon]).asciiString == section else {
                problems.append("\(section): line \(lineNumber) is not its value line; section skipped")
                continue
            }
            var names = ByteCursor(UnsafeBufferPointer(rebasing: header[(colon + 1)...]))
            var values = ByteCursor(UnsafeBufferPointer(rebasing: valuesLine[(valueColon + 1)...]))
            var parsed = ProtocolSection()
            var count = 0
            var failed = false
            while let name = names.token() {
                count += 1
                let key = name.asciiString
                let isNegative: Bool = { values.skipBlanks(); return values.peek() == 0x2D }()
                do throws(ParseError) {
                    if isNegative || gaugeNames.contains("\(section).\(key)") {
                        parsed.gauges[key] = try values.signedDecimal()
                    } else {
                        parsed.counters[key] = try values.decimal()
                    }
                } catch {
                    problems.append("\(section).\(key): \(error.message); the rest of \(section) skipped")
                    failed = true
                    break
                }
            }
            if !failed && !values.atEndOfLine() {
                problems.append("\(section): more values than the \(count) names; extra values ignored")
            }
            if !parsed.counters.isEmpty || !parsed.gauges.isEmpty { result[section] = parsed }
        }
        if result.isEmpty { throw ParseError(problems.first ?? "no counters found") }
        return PartialParse(value: result, problems: problems)
    }

    /// Files an snmp6 name under its section: Udp6RcvbufErrors -> ("Udp6", "RcvbufErrors").
    static func snmp6Section(_ name: String) -> (String, String) {
        for prefix in ["UdpLite6", "Udp6", "Ip6"] where name.hasPrefix(prefix) {
            return (prefix, String(name.dropFirst(prefix.count)))
        }
        if name.hasPrefix("Icmp6InType") || name.hasPrefix("Icmp6OutType") {
            return ("Icmp6Msg", String(name.dropFirst(5)))
        }
        if name.hasPrefix("Icmp6") { return ("Icmp6", String(name.dropFirst(5))) }
        return ("Other6", name)
    }

    public static func parseSNMP6(_ bytes: UnsafeBufferPointer<UInt8>) throws(ParseError) -> PartialParse<ProtocolCounters> {
        var cursor = ByteCursor(bytes)
        var result = ProtocolCounters()
        var problems: [String] = []
        var lineNumber = 0
        while let line = cursor.line() {
            lineNumber += 1
            var fields = ByteCursor(line)
            guard let name = fields.token() else { continue }
            let (section, key) = snmp6Section(name.asciiString)
            do throws(ParseError) {
                let value = try fields.decimal()
                result[section, default: ProtocolSection()].counters[key] = value
            } catch {
                problems.append("line \(lineNumber) (\(name.asciiString)): \(error.message)")
            }
        }
        if result.isEmpty { throw ParseError(problems.first ?? "no counters found") }
        return PartialParse(value: result, problems: problems)
    }
}
