/// The NETNS group of batch text (--all-netns): after each namespace's name come its kind and
/// the PID droptop reads it through, then the catalog's columns.
extension TextReport {
    static func headerLabels(_ g: ColumnGroup) -> [String] {
        g.scope == .namespace ? ["kind", "pid"] + g.labels : g.labels
    }

    static func namespaceDetails(_ n: NamespaceReport) -> [String] {
        [n.identity.kind, n.identity.pid.map { String($0) } ?? "-"]
    }

    /// A namespace's name as one whitespace-free field for awk: its spaces (a command may have
    /// some) written \x20, as DisplayName writes other bytes.
    static func batchName(_ name: String) -> String {
        name.contains(" ") ? name.split(separator: " ", omittingEmptySubsequences: false).joined(separator: "\\x20") : name
    }
}
