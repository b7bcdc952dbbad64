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
    /// Set while everything it is built on reads as in the last two samples (every rate 0): the
    /// same memo in each of those reports keeps what outputs made of its counters.
    public var quietMemo: RenderMemo?
    /// Interface drops and errors per second plus findings, for ranking namespaces.
    public var dropsPerSecond: Double {
        let fields: [NetDevCounters.Field] = [.rxErrs, .rxDrop, .rxFifo, .rxFrame, .txErrs, .txDrop, .txFifo, .txCarrier]
        return report.interfaces.reduce(0.0) { sum, i in sum + fields.reduce(0.0) { $0 + (i.rates[$1.rawValue] ?? 0) } }
    }
    public var ref: NetnsRef { NetnsRef(inode: inode, name: identity.name) }
}

/// Builds the namespace reports of each host report: one TriageEngine per namespace inode (a
/// namespace that goes away takes its engine along), host-wide findings left to the host. A
/// namespace whose readings did not change is not triaged again (QuietNamespace).
public final class NamespaceTriage {
    private final class Kept {
        let engine = TriageEngine()
        /// The last report, and whether its readings were those of the sample before it.
        var last: NamespaceReport?
        var lastQuiet = false
        var zeros: ZeroRates?
    }
    private var kept: [UInt64: Kept] = [:]

    public init() {}

    public func evaluate(previous: Sample?, host: inout Report) -> [NamespaceReport] {
        guard let current = host.sample.namespaces else { kept = [:]; return [] }
        let before = Dictionary((previous?.namespaces ?? []).map { ($0.inode, $0) }, uniquingKeysWith: { a, _ in a })
        var next: [UInt64: Kept] = [:]
        var out: [NamespaceReport] = []
        for ns in current {
            let state = kept[ns.inode] ?? Kept()
            next[ns.inode] = state
            var member = Self.report(ns, previous: before[ns.inode], state: state)
            member.hostInterfaces = Self.hostPeers(of: ns.sample, host: host.sample)
            state.last = member
            out.append(member)
        }
        kept = next
        attributeHostInterfaces(out, host: &host)
        return out
    }

    /// Rates against `previous`; the findings of the last report when the rules would see the
    /// same report again, else the rules' findings, each with the namespace and a port's owners.
    private static func report(_ ns: NamespaceSample, previous: NamespaceSample?, state: Kept) -> NamespaceReport {
        let same = previous.map { QuietNamespace.sameReadings(ns, $0) } == true
        if same, state.lastQuiet, let previous, var member = state.last {
            member.report = QuietNamespace.repeated(member.report, previous: previous.sample, current: ns.sample)
            if member.report.intervalSeconds != nil { return member }
        }
        let report = QuietNamespace.report(previous: previous, current: ns, zeros: &state.zeros)
        var member = NamespaceReport(inode: ns.inode, identity: ns.identity, report: report)
        let quiet = same && report.intervalSeconds != nil
        state.lastQuiet = quiet
        member.report.findings = state.engine.evaluate(report).filter { !$0.hostWide }.map { f in
            var f = f
            f.netns = member.ref
            Self.nameOwners(&f, ns)
            return f
        }
        if quiet { member.quietMemo = RenderMemo() }
        return member
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
