/// Who holds the sockets the host's findings name (Finding.sockets): looked up on a live host,
/// only for those inodes and only while a finding names them, by reading /proc/PID/fd under a
/// CPU budget; a pass the budget cuts short goes on at the next sample. Found owners are kept per
/// inode while a finding still names them; an inode not found is looked for again after 10 s.
public final class HostSocketOwners {
    let procRoot: String
    let reader: FileReader
    let namer: NamespaceNamer
    /// CPU seconds one sample's lookup may use: reading a process's fd links costs ~3 µs a link,
    /// and a host can hold 100,000 of them; a pass cut short goes on at the next sample.
    public var budget = 0.025
    var retryAfter = 10.0
    private var found: [UInt64: SocketOwner] = [:]
    private var givenUp: [UInt64: Double] = [:]
    /// The processes of the pass under way, and how far it got.
    private var pids: [Int32] = []
    private var cursor = 0

    public init(procRoot: String = "/proc", podLogDirectory: String? = nil) {
        self.procRoot = procRoot
        reader = FileReader(procRoot: procRoot)
        reader.procFileLimit = 64 << 10
        namer = NamespaceNamer(procRoot: procRoot, podLogDirectory: podLogDirectory)
    }

    /// Fills `owners` of the findings that name sockets, and says who they are in their hints.
    public func attach(_ findings: inout [Finding], now: Double) {
        let found = owners(of: Set(findings.flatMap(\.sockets)), now: now)
        guard !found.isEmpty else { return }
        for i in findings.indices where !findings[i].sockets.isEmpty {
            let owners = findings[i].sockets.compactMap { found[$0] }
            guard !owners.isEmpty else { continue }
            findings[i].owners = owners
            findings[i].hint = SocketOwner.hint(findings[i].hint, heldBy: owners)
        }
    }

    /// The owners of these sockets known so far; what else is remembered is forgotten.
    public func owners(of wanted: Set<UInt64>, now: Double) -> [UInt64: SocketOwner] {
        found = found.filter { wanted.contains($0.key) }
        givenUp = givenUp.filter { wanted.contains($0.key) }
        guard !wanted.isEmpty else { return [:] }
        look(for: wanted.filter { found[$0] == nil && givenUp[$0].map { now - $0 >= retryAfter } != false }, now: now)
        return found
    }

    private func look(for inodes: Set<UInt64>, now: Double) {
        guard !inodes.isEmpty else { return }
        if cursor >= pids.count { pids = processes(); cursor = 0 }
        let (owners, scanned) = SocketOwners.scan(inodes, among: pids[cursor...], procRoot: procRoot, budget: budget)
        cursor += scanned
        for owner in owners { found[owner.inode] = placed(owner, now: now) }
        // A whole pass without them: closed meanwhile, or held by a process gone since.
        if cursor >= pids.count { for inode in inodes where found[inode] == nil { givenUp[inode] = now } }
    }

    /// Every process, those in droptop's own network namespace first (the sockets a host finding
    /// names are of that namespace, and a process elsewhere rarely holds one), lowest PID first:
    /// one link read a process, against one a file descriptor, so a node full of containers
    /// searches its own processes before theirs.
    private func processes() -> [Int32] {
        let pids = (reader.directoryEntries(.proc, []) ?? []).compactMap { NamespaceParsers.decimal($0).flatMap { Int32(exactly: $0) } }
        let own = reader.linkTarget(.proc, Array("self/ns/net".utf8))
        var here: [Int32] = [], elsewhere: [Int32] = []
        for pid in pids.sorted() {
            let same = own != nil && reader.linkTarget(.proc, Array("\(pid)/ns/net".utf8)) == own
            if same { here.append(pid) } else { elsewhere.append(pid) }
        }
        return here + elsewhere
    }

    /// The owner with its container and pod, from its cgroup.
    private func placed(_ owner: SocketOwner, now: Double) -> SocketOwner {
        let cgroup = (try? reader.withContents(.proc, "\(owner.pid)/cgroup") { CgroupIdentity.parse($0) }) ?? CgroupIdentity()
        var placed = owner
        placed.container = cgroup.containerID.map { "\(cgroup.runtime ?? "container"):\($0.prefix(12))" }
        placed.pod = cgroup.podUID.map { uid in namer.pod(uid, now: now).map { "\($0.namespace)/\($0.pod)" } ?? uid }
        return placed
    }
}
