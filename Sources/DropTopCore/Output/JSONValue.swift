/// A JSON document with ordered object keys, so output reads in a stable, meaningful order.
public indirect enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])
    /// A part that did not change since the last document (a quiet namespace's counters, see
    /// RenderMemo): compact output writes the text kept from the first time, pretty output `value()`.
    case kept(RenderMemo, part: String, value: @Sendable () -> JSONValue)

    public static func == (a: JSONValue, b: JSONValue) -> Bool { a.serialized() == b.serialized() }

    public static func number(_ d: Double?) -> JSONValue {
        guard let d, d.isFinite else { return .null }
        return .double(d)
    }

    public func serialized(pretty: Bool = false) -> String {
        var out = ""
        out.reserveCapacity(4096)
        write(to: &out, pretty: pretty, indent: 0)
        return out
    }

    private func write(to out: inout String, pretty: Bool, indent: Int) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .uint(let u): out += String(u)
        case .double(let d): out += Self.format(d)
        case .string(let s): Self.writeString(s, to: &out)
        case .kept(let memo, let part, let value):
            if pretty { value().write(to: &out, pretty: true, indent: indent) } else { out += memo.text(part) { value().serialized() } }
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                if pretty { newline(&out, indent + 1) }
                item.write(to: &out, pretty: pretty, indent: indent + 1)
            }
            if pretty { newline(&out, indent) }
            out += "]"
        case .object(let members):
            if members.isEmpty { out += "{}"; return }
            out += "{"
            for (i, (key, value)) in members.enumerated() {
                if i > 0 { out += "," }
                if pretty { newline(&out, indent + 1) }
                Self.writeString(key, to: &out)
                out += pretty ? ": " : ":"
                value.write(to: &out, pretty: pretty, indent: indent + 1)
            }
            if pretty { newline(&out, indent) }
            out += "}"
        }
    }

    private func newline(_ out: inout String, _ indent: Int) {
        out += "\n"
        out += String(repeating: "  ", count: indent)
    }

    /// Rates print with at most three decimals; whole numbers print without a fraction.
    /// Non-finite values (never produced by a rate, but possible from a crafted recording) are
    /// null; 1e15 and beyond keep Swift's exponent form, which is valid JSON.
    static func format(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        if abs(d) >= 1e15 { return String(d) }
        if d == d.rounded() { return String(Int64(d)) }
        let scaled = (d * 1000).rounded() / 1000
        var s = String(scaled)
        if s.contains("e") { s = String(format3(scaled)) }
        return s
    }

    private static func format3(_ d: Double) -> String {
        let negative = d < 0
        let v = abs(d)
        let whole = v.rounded(.down)
        let frac = Int(((v - whole) * 1000).rounded())
        var fracText = String(frac)
        while fracText.count < 3 { fracText = "0" + fracText }
        return (negative ? "-" : "") + String(Int64(whole)) + "." + fracText
    }

    static func writeString(_ s: String, to out: inout String) {
        out += "\""
        // Most strings (keys, counter names) need no escape: appended whole, not scalar by scalar.
        if s.utf8.allSatisfy({ $0 >= 0x20 && $0 != 0x22 && $0 != 0x5C && $0 != 0x7F }) {
            out += s
            out += "\""
            return
        }
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
