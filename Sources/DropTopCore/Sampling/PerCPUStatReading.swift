/// Reading the /proc/net/stat tables and the conntrack fullness files. A file that does not
/// exist is not an error: nf_conntrack is absent until its module loads, and the neighbour
/// tables are per namespace only on some kernels. Such a source is nil with no error.
extension FileReader {
    public func perCPUStatTable(_ source: PerCPUStatSource) -> (PerCPUStatTable?, [SourceError]) {
        let path = source.relativePath
        do {
            guard let parsed = try withContentsIfPresent(.proc, path, { bytes in try PerCPUStatParser.parse(bytes) }) else {
                return (nil, [])
            }
            let display = "/proc/" + path
            return (parsed.value, parsed.problems.map { SourceError(source: display, message: $0) })
        } catch {
            return (nil, [error])
        }
    }

    /// nil without an error when connection tracking is not loaded.
    public func conntrackFullness() -> (ConntrackFullness?, [SourceError]) {
        let countPath = "sys/net/netfilter/nf_conntrack_count", maxPath = "sys/net/netfilter/nf_conntrack_max"
        do {
            guard let count = try withContentsIfPresent(.proc, countPath, { try ConntrackCountParser.number($0, "nf_conntrack_count") })
            else { return (nil, []) }
            let max = try withContents(.proc, maxPath) { try ConntrackCountParser.number($0, "nf_conntrack_max") }
            return (ConntrackFullness(count: count, max: max), [])
        } catch {
            return (nil, [error])
        }
    }
}
