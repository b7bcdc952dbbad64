import OrderedCollections

/// The sources of issue 12: the /proc/net/stat tables, conntrack's fullness and the queueing
/// disciplines. A missing file is no data, not an error; a refused netlink socket is one error.
extension Sampler {
    static let qdiscSourceName = "rtnetlink (tc qdiscs)"

    func readDropSources(into s: inout Sample, errors: inout [SourceError]) {
        var tables = OrderedDictionary<String, PerCPUStatTable>()
        // Another namespace has no neighbour tables of its own: the kernel prints them only in the initial one.
        for source in PerCPUStatSource.allCases where !(namespaceScope && source.hostWide) {
            let (table, problems) = reader.perCPUStatTable(source)
            errors += problems
            if let table { tables[source.rawValue] = table }
        }
        s.statTables = tables.isEmpty ? nil : tables
        let (conntrack, conntrackErrors) = reader.conntrackFullness()
        s.conntrack = conntrack
        errors += conntrackErrors
        s.qdiscs = readQdiscs(&errors)
    }

    private func readQdiscs(_ errors: inout [SourceError]) -> [QdiscStats]? {
        guard let qdiscSource else { return nil }
        do {
            let parsed = try qdiscSource.dump()
            errors += parsed.problems.map { SourceError(source: Self.qdiscSourceName, message: $0) }
            return parsed.value.filter { InterfaceGlob.matches($0.interface, any: interfaceGlobs) }
        } catch {
            errors.append(SourceError(source: Self.qdiscSourceName, message: error.message + "; qdisc drops are not shown"))
            return nil
        }
    }
}
