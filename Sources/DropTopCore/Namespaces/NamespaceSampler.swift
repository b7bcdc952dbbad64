#if canImport(Glibc)
import Glibc
#endif
import OrderedCollections

/// One other network namespace, read at one instant.
public struct NamespaceSample: Codable, Sendable {
    public var inode: UInt64
    public var identity: NamespaceIdentity
    /// Its own counters: interfaces, sockets, protocols (no host-wide sources: CPUs, IRQs).
    public var sample: Sample
    /// The processes holding the sockets a finding may name (see `SocketOwners`).
    public var owners: [SocketOwner] = []
}

/// --all-netns: samples every other network namespace without entering it. Per-namespace
/// files come from /proc/PID/net/ of a live process in it (they follow that process's
/// namespace); link facts from an rtnetlink socket opened inside the namespace once and kept
/// (needs CAP_SYS_ADMIN; without it the link facts are left out, with a note). Namespaces are
/// keyed by inode: one that disappears takes its state with it, one that appears has no rates
/// until its second sample.
public final class NamespaceSampler {
    let discovery: NamespaceDiscovery
    let namer: NamespaceNamer
    /// At most this many namespaces are sampled (each keeps a netlink socket open).
    public var maxNamespaces = 2000
    /// The share of one core all namespaces' socket-table reads may use together (nil: every sample).
    public var socketTableBudget: Double? {
        didSet { sharedBudget = socketTableBudget.map { SharedSocketBudget(share: $0) } }
    }
    private var sharedBudget: SharedSocketBudget?
    /// Each namespace's own kernel drop reasons (root); nil: not counted.
    public var dropReasons: NamespaceDropReasons?
    private var members: [UInt64: Member] = [:]
    private var linkFactsRefused: String?
    /// The open-file limit, when it is what caps `maxNamespaces`.
    private var descriptorLimit: Int?

    final class Member {
        var pid: Int32
        var sampler: Sampler
        var identity: NamespaceIdentity
        let links: LinkFactsSource?
        /// A sock_diag socket opened inside the namespace: its TCP sockets at netlink's cost.
        var sockDiag: KeptSocket?
        /// The namespace's own sysctls (read once, when droptop first looks into it), for the hints.
        var sysctls: OrderedDictionary<String, String> = [:]
        init(pid: Int32, sampler: Sampler, identity: NamespaceIdentity, links: LinkFactsSource?) {
            self.pid = pid; self.sampler = sampler; self.identity = identity; self.links = links
        }
    }

    /// What one sampled namespace holds open: its rtnetlink and sock_diag sockets and its net/dev.
    static let descriptorsPerNamespace = 3

    /// Raises this process's soft limit on open files to its hard limit and caps `maxNamespaces` so
    /// that every sampled namespace's descriptors fit, 256 left for the rest. The soft limit is
    /// often 1,024 (systemd's default): 2,000 namespaces need 6,000. Returns the limit now in force.
    @discardableResult
    public func fitToDescriptorLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return maxNamespaces }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        let room = (Int(clamping: limit.rlim_cur) - 256) / Self.descriptorsPerNamespace
        if room < maxNamespaces { descriptorLimit = Int(clamping: limit.rlim_cur) }
        maxNamespaces = max(1, min(maxNamespaces, room))
        return Int(clamping: limit.rlim_cur)
    }

    public init(procRoot: String = "/proc", podLogDirectory: String? = nil) {
        discovery = NamespaceDiscovery(procRoot: procRoot)
        namer = NamespaceNamer(procRoot: procRoot, podLogDirectory: podLogDirectory)
    }

    /// Every other namespace that has a live process, ordered by inode; what could not be seen
    /// goes to `errors`.
    public func sample(host: HostInfo, errors: inout [SourceError]) -> [NamespaceSample] {
        let found = discovery.discover()
        errors += discovery.notes
        if found.count > maxNamespaces {
            errors.append(SourceError(source: "--all-netns",
                message: "\(found.count) network namespaces; only the first \(maxNamespaces) by inode are sampled"
                    + (descriptorLimit.map { " (the open-file limit, ulimit -n \($0), leaves room for no more)" } ?? "")))
        }
        let now = Sampler.monotonicNow()
        var next: [UInt64: Member] = [:]
        var out: [NamespaceSample] = []
        let reasons = dropReasons?.read(live: Set(found.map(\.inode)), errors: &errors)
        let budget = socketTableBudget.map { $0 / Double(max(1, min(found.count, maxNamespaces))) }
        for namespace in found.prefix(maxNamespaces) {
            guard let pid = namespace.pid, let member = member(for: namespace, pid: pid, now: now) else { continue }
            next[namespace.inode] = member
            member.sampler.socketTableBudget = budget
            var s = member.sampler.sample()
            // The process may have exited during the read: then its files were gone or empty, and
            // its ns/net link no longer resolves (a zombie has no namespaces left). Not needed for a
            // quiet sample over sock_diag: it read only net/dev, kept open (bound to the namespace).
            let readKeptOnly = member.sampler.protocolGate?.reusing == true && member.sockDiag != nil
            guard s.hasAnyData, readKeptOnly || discovery.inode(ofLink: "\(discovery.procRoot)/\(pid)/ns/net") == namespace.inode
            else { continue }
            s.host = host
            s.sysctl = member.sysctls
            s.dropReasons = reasons?.sample(inode: namespace.inode)
            var entry = NamespaceSample(inode: namespace.inode, identity: member.identity, sample: s)
            entry.owners = SocketOwners.find(Self.namedSockets(s), among: namespace.pids, procRoot: discovery.procRoot)
            out.append(entry)
        }
        if let linkFactsRefused, next.values.contains(where: { $0.links == nil }) {
            errors.append(SourceError(source: "setns", message: linkFactsRefused))
        }
        members = next   // the sockets of namespaces that went away close here
        return out
    }

    /// The namespace's member, kept from the last sample (moved to another process if its
    /// process is gone) or new.
    private func member(for namespace: DiscoveredNamespace, pid: Int32, now: Double) -> Member? {
        if let known = members[namespace.inode] {
            if known.pid != pid {
                known.pid = pid
                known.sampler = makeSampler(pid: pid, inode: namespace.inode, links: known.links, sockDiag: known.sockDiag)
                known.identity = namer.identity(of: namespace, now: now)
            } else if known.identity.kind == "pod" && known.identity.pod?.name == nil
                        || known.identity.netnsName != namespace.netnsName {
                known.identity = namer.identity(of: namespace, now: now)
            }
            return known
        }
        var links: LinkFactsSource?
        var sysctls: OrderedDictionary<String, String> = [:]
        var sockDiag: KeptSocket?
        do {
            let opened = try RtnetlinkLinks.open(namespacePath: "\(discovery.procRoot)/\(pid)/ns/net", alsoRead: Sampler.sysctlNames)
            links = LinkFactsSource(opened.links, sysAllowed: false)
            for (name, value) in opened.sysctls { sysctls[name] = value }
            sockDiag = opened.sockDiag
        } catch {
            // A process that exited in between is no refusal: the namespace is looked at again next time.
            guard discovery.inode(ofLink: "\(discovery.procRoot)/\(pid)/ns/net") == namespace.inode else { return nil }
            linkFactsRefused = "link state, carrier and MTU of other namespaces are not shown: entering them failed "
                + "(\(error.message)); run as root (CAP_SYS_ADMIN) for them"
        }
        let member = Member(pid: pid, sampler: makeSampler(pid: pid, inode: namespace.inode, links: links, sockDiag: sockDiag),
                            identity: namer.identity(of: namespace, now: now), links: links)
        member.sysctls = sysctls
        member.sockDiag = sockDiag
        return member
    }

    /// The sockets a finding can name: UDP sockets that dropped, listeners with a queue, the
    /// CLOSE_WAIT ports once tcp-close-wait can hold.
    static func namedSockets(_ s: Sample) -> Set<UInt64> {
        var inodes = Set((s.udp?.busySockets ?? []).filter { $0.drops > 0 }.map(\.inode))
        for l in s.tcp?.listeners ?? [] where l.acceptQueue > 0 { if let inode = l.inode { inodes.insert(inode) } }
        if let tcp = s.tcp, (tcp.states[TCPState.closeWait.name] ?? 0) >= TriageThresholds.closeWaitCount {
            inodes.formUnion(tcp.closeWaitPorts.compactMap(\.inode))
        }
        return inodes
    }

    private func makeSampler(pid: Int32, inode: UInt64, links: LinkFactsSource?, sockDiag: KeptSocket?) -> Sampler {
        let sampler = Sampler(procRoot: "\(discovery.procRoot)/\(pid)", sysRoot: "/nonexistent-sys")
        if let sockDiag { sampler.socketSource = NetlinkSocketTables(fallback: ProcSocketTables(reader: sampler.reader), kept: sockDiag) }
        let gate = ProtocolGate(phase: Double(inode % 10) / 10)   // one namespace in ten re-reads in a given second
        if let sharedBudget { sampler.socketSource = BudgetedSocketTables(sampler.socketSource, budget: sharedBudget, gate: gate) }
        sampler.namespaceScope = true
        sampler.socketTiers.trustsEmptyCounts = true   // the live kernel's own counts, through /proc/PID
        sampler.protocolGate = gate
        // An idle namespace's TCP table (its own counts unchanged) is walked again every 30 s, not 10:
        // the walk scans the host's whole hash table, whatever the namespace holds (none without a socket).
        sampler.socketTableMaxAge = 30
        // Socket tables are streamed in pieces; 64 KiB (not 1 MiB) a namespace keeps memory small.
        sampler.reader.chunkSize = 64 << 10
        // net/dev is read every sample (it says whether the namespace is idle): kept open, it costs a
        // quarter of an open by path. Not the files an idle namespace reads every 10 s: each kept
        // one holds a kernel buffer. A kept file holds the namespace too, until this sampler goes
        // with the namespace's last process.
        sampler.reader.keepsFilesOpen = true
        sampler.reader.keptOnly = [Array("net/dev".utf8)]
        sampler.linkFacts = links
        return sampler
    }
}
