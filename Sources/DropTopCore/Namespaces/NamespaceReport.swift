/// The namespace a finding is about, when it is not the host's own.
public struct NetnsRef: Sendable, Equatable {
    public var inode: UInt64
    public var name: String
}

/// One other network namespace's report: rates against its previous sample (matched by inode),
/// its own findings, and the host interfaces that are the other ends of its veths.
public struct NamespaceReport: Sendable {
    public var inode: UInt64
    public var identity: NamespaceIdentity
    public var report: Report
    /// Host interfaces whose peer is in this namespace (veth pairs, matched both ways by ifindex).
    public var hostInterfaces: [String] = []
    /// Interface drops and errors per second plus findings, for ranking namespaces.
    public var dropsPerSecond: Double {
        let fields: [NetDevCounters.Field] = [.rxErrs, .rxDrop, .rxFifo, .rxFrame, .txErrs, .txDrop, .txFifo, .txCarrier]
        return report.interfaces.reduce(0.0) { sum, i in sum + fields.reduce(0.0) { $0 + (i.rates[$1.rawValue] ?? 0) } }
    }
    public var ref: NetnsRef { NetnsRef(inode: inode, name: identity.name) }
}

/// Builds the namespace reports of each host report: one TriageEngine per namespace inode (a
/// namespace that goes away takes its engine along), host-wide findings left to the host.
public final class NamespaceTriage {
    private var engines: [UInt64: TriageEngine] = [:]

    public init() {}

    public func evaluate(previous: Sample?, host: inout Report) -> [NamespaceReport] {
        guard let current = host.sample.namespaces else { engines = [:]; return [] }
        let before = Dictionary((previous?.namespaces ?? []).map { ($0.inode, $0) }, uniquingKeysWith: { a, _ in a })
        var next: [UInt64: TriageEngine] = [:]
        var out: [NamespaceReport] = []
        for ns in current {
            let engine = engines[ns.inode] ?? TriageEngine()
            next[ns.inode] = engine
            var report = Report(previous: before[ns.inode]?.sample, current: ns.sample)
            var member = NamespaceReport(inode: ns.inode, identity: ns.identity, report: report)
            report.findings = engine.evaluate(report).filter { !$0.hostWide }.map { f in
                var f = f
                f.netns = member.ref
                Self.nameOwners(&f, ns)
                return f
            }
            member.report = report
            member.hostInterfaces = Self.hostPeers(of: ns.sample, host: host.sample)
            out.append(member)
        }
        engines = next
        attributeHostInterfaces(out, host: &host)
        return out
    }

    /// A finding that names sockets gets the processes holding them, in `owners` and its hint.
    static func nameOwners(_ f: inout Finding, _ ns: NamespaceSample) {
        let owners = ns.owners.filter { f.sockets.contains($0.inode) }
        guard !owners.isEmpty else { return }
        f.owners = owners
        f.hint = SocketOwner.hint(f.hint, heldBy: owners, in: " in \(ns.identity.kind) \(ns.identity.name)")
    }

    /// Host interfaces whose IFLA_LINK is one of the namespace's interfaces, and the other way.
    static func hostPeers(of namespace: Sample, host: Sample) -> [String] {
        var peers: [String] = []
        for inner in namespace.interfaces {
            guard let link = inner.link, link.peerNetnsID != nil, let peerIndex = link.peerIndex else { continue }
            for outer in host.interfaces where outer.link?.ifindex == peerIndex && outer.link?.peerIndex == link.ifindex {
                peers.append(outer.name)
            }
        }
        return peers
    }

    /// A host finding about a host veth is about the namespace at its other end.
    private func attributeHostInterfaces(_ namespaces: [NamespaceReport], host: inout Report) {
        var owner: [String: NetnsRef] = [:]
        for ns in namespaces { for name in ns.hostInterfaces { owner[name] = ns.ref } }
        guard !owner.isEmpty else { return }
        for i in host.findings.indices where host.findings[i].netns == nil {
            if let item = host.findings[i].item, let ref = owner[item] { host.findings[i].netns = ref }
        }
    }
}
