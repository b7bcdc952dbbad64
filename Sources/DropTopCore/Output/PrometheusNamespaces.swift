/// --all-netns in the exposition: for each other network namespace, its interfaces' packet,
/// byte, drop and error counters, its catalogued drop-indicating protocol counters (not all
/// ~400: a node of 100 pods would export 40,000 series), its sockstat levels, its own kernel drop
/// reasons and its findings, in the host's families, each series labelled with the namespace; and
/// droptop_netns_info.
extension PrometheusReport {
    /// netns (the inode), netns_name (who it belongs to), kind, and pod or container when known.
    static func namespaceLabels(_ n: NamespaceReport) -> [(String, String)] {
        let id = n.identity
        var labels = [("netns", String(n.inode)), ("netns_name", id.name), ("kind", id.kind)]
        if let pod = id.pod, let namespace = pod.namespace, let name = pod.name { labels.append(("pod", "\(namespace)/\(name)")) }
        if let container = id.containerID { labels.append(("container", container)) }
        return labels
    }

    /// `a="x",b="y"`, escaped: rendered once per namespace and appended to each of its series.
    static func rendered(_ labels: [(String, String)]) -> String {
        labels.map { "\($0.0)=\"\(escapeLabel($0.1))\"" }.joined(separator: ",")
    }

    static func namespaceFamilies(_ r: Report, into e: inout Exposition) {
        for n in r.namespaces {
            let labels = namespaceLabels(n), extra = rendered(labels)
            e.add(.netnsInfo, [(labels + infoLabels(n.identity), 1)])
            let s = n.report.sample
            for field in MetricFamily.namespaceInterfaceFields {
                e.add(.interface(field), s.interfaces.map { ([("device", $0.name)], Double($0.counters[field])) }, extra: extra)
            }
            if let protocols = s.protocols {
                for (id, family) in MetricFamily.catalogCounters {
                    if let value = protocols[id.section]?.counters[id.name] { e.add(family, [([], Double(value))], extra: extra) }
                }
            }
            sockstatFamilies(s, into: &e, extra: extra)
            if let reasons = s.dropReasons, reasons.available {
                e.add(.kernelDrops, reasons.totals.map { ([("reason", $0.reason)], Double($0.total)) }, extra: extra)
            }
            e.add(.finding, findingSeries(n.report.findings), extra: extra)
        }
    }

    /// What droptop_netns_info adds: the process it reads the namespace through, the runtime,
    /// the `ip netns` name.
    static func infoLabels(_ id: NamespaceIdentity) -> [(String, String)] {
        var labels: [(String, String)] = []
        if let pid = id.pid { labels.append(("pid", String(pid))) }
        if let command = id.command { labels.append(("command", command)) }
        if let runtime = id.runtime { labels.append(("runtime", runtime)) }
        if let name = id.netnsName { labels.append(("ip_netns", name)) }
        return labels
    }

    /// The host's findings; one about a host veth is labelled with the namespace at its other end.
    static func hostFindings(_ r: Report, into e: inout Exposition) {
        e.add(.finding, findingSeries(r.findings.filter { $0.netns == nil }))
        let attributed = r.findings.filter { $0.netns != nil }
        guard !attributed.isEmpty else { return }
        for ref in attributed.compactMap(\.netns).reduce(into: [NetnsRef](), { if !$0.contains($1) { $0.append($1) } }) {
            let labels = r.namespaces.first { $0.inode == ref.inode }.map(namespaceLabels)
                ?? [("netns", String(ref.inode)), ("netns_name", ref.name)]
            e.add(.finding, findingSeries(attributed.filter { $0.netns == ref }), extra: rendered(labels))
        }
    }
}
