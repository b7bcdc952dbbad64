/// Shell-style name globs (`*`, `?`) as given to --iface, e.g. "eth*,bond0".
public enum InterfaceGlob {
    public static func matches(_ name: String, any globs: [String]) -> Bool {
        globs.isEmpty || globs.contains { matches(name, $0) }
    }

    public static func matches(_ name: String, _ pattern: String) -> Bool {
        let p = Array(pattern), n = Array(name)
        var pi = 0, ni = 0, star = -1, mark = 0
        while ni < n.count {
            if pi < p.count && (p[pi] == "?" || p[pi] == n[ni]) { pi += 1; ni += 1 }
            else if pi < p.count && p[pi] == "*" { star = pi; mark = ni; pi += 1 }
            else if star >= 0 { pi = star + 1; mark += 1; ni = mark }
            else { return false }
        }
        while pi < p.count && p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
