#if canImport(Glibc)
import Glibc
#endif

/// One network namespace found by `NamespaceDiscovery`.
public struct DiscoveredNamespace: Equatable, Sendable {
    /// The inode of its nsfs file: the namespace's identity while it lives.
    public var inode: UInt64
    /// The first live (not zombie) process found in it, the lowest PID: usually its init
    /// (a pod's pause container). nil for a /run/netns namespace no process is in.
    public var pid: Int32?
    /// Processes seen in it.
    public var processes: Int = 0
    /// The first `pidsKept` processes in it, lowest first: where its sockets' owners are looked for.
    public var pids: [Int32] = []
    public static let pidsKept = 256
    /// Its /run/netns name (display form), when `ip netns` named it.
    public var netnsName: String?
}

/// Finds the network namespaces of live processes by the inode /proc/PID/ns/net links to
/// ("net:[4026532281]"), and those `ip netns add` bind-mounted under /run/netns. Bounded: at
/// most `maxProcesses` processes and `timeBudget` seconds of CPU per scan (`firstScanBudget` for
/// the first, which looks up every process: later scans look up only new ones and a tenth of the rest).
public final class NamespaceDiscovery {
    public let procRoot: String
    public var netnsDirectory = "/run/netns"
    public var maxProcesses = 20_000
    public var timeBudget = 0.05
    /// A first scan cut short would hide namespaces from `--once`, whose only scan it is.
    public var firstScanBudget = 1.0
    /// What the last scan could not see (other users' processes, a cut-short scan).
    public private(set) var notes: [SourceError] = []
    private var link = [CChar](repeating: 0, count: 64)
    private var statBuffer = [UInt8](repeating: 0, count: 1024)
    /// Each process's namespace inode (nil: not readable) and liveness, from the last scans.
    private var pidCache: [Int32: (inode: UInt64?, live: Bool, denied: Bool)] = [:]
    private var scans = 0
    /// The last /run/netns listing and the directory's inode and mtime then.
    private var namedCache: (version: [UInt64], names: [(String, UInt64)])?
    static let recheckScans = 10

    public init(procRoot: String = "/proc") { self.procRoot = procRoot }

    /// The namespace of the calling thread (droptop's own, or the one --netns entered).
    public func ownInode() -> UInt64? { inode(ofLink: procRoot + "/thread-self/ns/net") }

    /// Every namespace but the calling thread's, ordered by inode.
    public func discover() -> [DiscoveredNamespace] {
        notes = []
        let own = ownInode()
        var found: [UInt64: DiscoveredNamespace] = [:]
        scanProcesses(into: &found)
        for (name, inode) in namedNamespaces() {
            found[inode, default: DiscoveredNamespace(inode: inode)].netnsName = name
        }
        if let own { found[own] = nil }
        return found.values.sorted { $0.inode < $1.inode }
    }

    private func scanProcesses(into found: inout [UInt64: DiscoveredNamespace]) {
        guard let dir = opendir(procRoot) else {
            notes.append(SourceError(source: "/proc", message: "cannot list processes: \(String(cString: strerror(errno)))"))
            return
        }
        defer { closedir(dir) }
        let start = Sampler.threadCPUNow()
        let budget = scans == 0 ? max(timeBudget, firstScanBudget) : timeBudget
        var scanned = 0, denied = 0
        var nextCache: [Int32: (inode: UInt64?, live: Bool, denied: Bool)] = [:]
        nextCache.reserveCapacity(pidCache.count)
        defer { pidCache = nextCache; scans &+= 1 }
        while let entry = readdir(dir) {
            let pid: Int32? = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                NamespaceParsers.decimal(raw.prefix { $0 != 0 }).flatMap { Int32(exactly: $0) }
            }
            guard let pid else { continue }
            scanned += 1
            if scanned > maxProcesses || (scanned & 255 == 0 && Sampler.threadCPUNow() - start > budget) {
                notes.append(SourceError(source: "/proc/PID/ns/net",
                    message: "stopped after \(scanned - 1) processes (limit \(maxProcesses) or \(budget) s of CPU): "
                        + "namespaces of the rest are not shown"))
                break
            }
            // A process's namespace is looked up again every `recheckScans` scans (staggered by PID);
            // the process a namespace is read through is checked on every sample (NamespaceSampler).
            var known = pidCache[pid]
            if known == nil || (scans &+ Int(pid)) % Self.recheckScans == 0 {
                let inode = inode(ofLink: "\(procRoot)/\(pid)/ns/net")
                known = (inode, inode != nil && isLive(pid), inode == nil && (errno == EACCES || errno == EPERM))
            }
            nextCache[pid] = known
            if known?.denied == true { denied += 1 }
            guard let known, let inode = known.inode else { continue }
            var namespace = found[inode] ?? DiscoveredNamespace(inode: inode)
            namespace.processes += 1
            // Only the reading process must be live; the others are where socket owners are looked for.
            if namespace.pid == nil, known.live { namespace.pid = pid }
            if namespace.pids.count < DiscoveredNamespace.pidsKept { namespace.pids.append(pid) }
            found[inode] = namespace
        }
        if denied > 0 {
            // Root is refused too for a process the kernel protects from it (another user namespace's
            // init, a sandbox's supervisor): then "run as root" would be no help.
            let why = geteuid() == 0 ? "could not be looked at even as root (the kernel refused: another user namespace "
                + "or a protected process)" : "of other users could not be looked at (needs root or CAP_SYS_PTRACE)"
            notes.append(SourceError(source: "/proc/PID/ns/net",
                message: "\(denied) processes \(why): namespaces only they are in are not shown"))
        }
    }

    /// /run/netns/NAME → the inode of the namespace mounted there. Listed again only when the
    /// directory changed (its mtime) or the last listing had an entry that was no namespace yet.
    private func namedNamespaces() -> [(String, UInt64)] {
        var directory = Glibc.stat()
        guard stat(netnsDirectory, &directory) == 0 else { return [] }
        let version = [UInt64(directory.st_ino), UInt64(bitPattern: Int64(directory.st_mtim.tv_sec)),
                       UInt64(bitPattern: Int64(directory.st_mtim.tv_nsec))]
        if let named = namedCache, named.version == version { return named.names }
        guard let dir = opendir(netnsDirectory) else { return [] }
        defer { closedir(dir) }
        var named: [(String, UInt64)] = []
        // A name whose namespace is gone (or not mounted yet: `ip netns add` creates the file, then
        // mounts it) is an empty file on tmpfs, not an nsfs inode; such a listing is not kept.
        var nsfs = Glibc.stat()
        guard stat(procRoot + "/thread-self/ns/net", &nsfs) == 0 else { return [] }
        var complete = true
        while let entry = readdir(dir), named.count < 4096 {
            let name: [UInt8] = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
            if name == [0x2E] || name == [0x2E, 0x2E] { continue }
            var info = Glibc.stat()
            let path = Array(netnsDirectory.utf8) + [0x2F] + name
            guard lstat(path.map { CChar(bitPattern: $0) } + [0], &info) == 0, info.st_dev == nsfs.st_dev else {
                complete = false
                continue
            }
            named.append((DisplayName.escaped(name), UInt64(info.st_ino)))
        }
        namedCache = complete ? (version, named) : nil
        return named
    }

    func inode(ofLink path: String) -> UInt64? {
        let n = readlink(path, &link, link.count)
        guard n > 0 else { return nil }
        return NamespaceParsers.netInode(link[0..<n].map { UInt8(bitPattern: $0) })
    }

    /// Not a zombie: a zombie's /proc/PID/net is empty.
    func isLive(_ pid: Int32) -> Bool {
        let fd = open("\(procRoot)/\(pid)/stat", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let n = statBuffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { return false }
        let state = statBuffer.withUnsafeBufferPointer { NamespaceParsers.processState(UnsafeBufferPointer(rebasing: $0[0..<n])) }
        return state.map(NamespaceParsers.isLive) ?? false
    }
}
