import DropTopCore

/// Number and time formatting for fixed-width columns.
public enum Format {
    /// A rate right-aligned in `width` cells: two decimals like sar when it fits, fewer when not,
    /// then k/M/G suffixes. "-" when unknown.
    /// One cell is kept free on the left so that adjacent columns never run together.
    public static func rate(_ value: Double?, width: Int) -> String {
        guard let v = value, v.isFinite else { return pad("-", width) }
        let room = max(1, width - 1)
        for decimals in [2, 1, 0] {
            let s = fixed(v, decimals)
            if s.count <= room { return pad(s, width) }
        }
        var scaled = v
        for suffix in ["k", "M", "G", "T", "P"] {
            scaled /= 1000
            for decimals in [1, 0] {
                let s = fixed(scaled, decimals) + suffix
                if s.count <= room { return pad(s, width) }
            }
        }
        return pad(String(repeating: "#", count: room), width)
    }

    /// A whole number; with a k/M/G suffix when it does not fit.
    public static func count(_ value: UInt64, width: Int) -> String {
        let s = String(value)
        return s.count < width ? pad(s, width) : rate(Double(value), width: width)
    }

    public static func fixed(_ v: Double, _ decimals: Int) -> String {
        let negative = v < 0
        let scale = [1.0, 10.0, 100.0][decimals]
        let rounded = (abs(v) * scale).rounded()
        guard rounded < 9e15 else { return negative ? "-inf" : "inf" }
        let whole = Int64(rounded / scale)
        var text = String(whole)
        if decimals > 0 {
            var frac = String(Int64(rounded) - whole * Int64(scale))
            while frac.count < decimals { frac = "0" + frac }
            text += "." + frac
        }
        return (negative && rounded > 0 ? "-" : "") + text
    }

    /// An interval as the status line shows it, the same before and after + and -: "1s", "1.5s", "0.2s".
    public static func seconds(_ v: Double) -> String {
        var text = fixed(v, 2)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text + "s"
    }

    public static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
    }

    public static func padRight(_ s: String, _ width: Int) -> String {
        if s.count > width { return width > 1 ? String(s.prefix(width - 1)) + "~" : String(s.prefix(width)) }
        return s + String(repeating: " ", count: width - s.count)
    }

    /// "10G", "25G", "100M", or "-".
    public static func speed(_ mbps: Int?) -> String {
        guard let m = mbps else { return "-" }
        if m >= 1000 && m % 1000 == 0 { return "\(m / 1000)G" }
        if m >= 1000 { return fixed(Double(m) / 1000, 1) + "G" }
        return "\(m)M"
    }
}
