#if canImport(Glibc)
import Glibc
#endif

/// Who a network namespace belongs to, in the order droptop names it by: a Kubernetes pod,
/// a container, an `ip netns` name, else its main process. Every string is in display form.
public struct NamespaceIdentity: Codable, Equatable, Sendable {
    /// "pod", "container", "named" or "process".
    public var kind: String
    /// "namespace/pod", "containerd:3f2a9c1b0d4e", "blue", "nginx[4242]".
    public var name: String
    public var pid: Int32?
    /// The main process's command (/proc/PID/comm).
    public var command: String?
    public var pod: PodRef?
    public var containerID: String?
    public var runtime: String?
    public var netnsName: String?

    public struct PodRef: Codable, Equatable, Sendable {
        public var namespace: String?
        public var name: String?
        public var uid: String
    }

    public init(kind: String, name: String) {
        self.kind = kind
        self.name = name
    }

    /// The name from what is known: a pod (named from its log directory when one matches its
    /// UID, else by the UID), a container id, the /run/netns name, the command and PID.
    public static func make(cgroup: CgroupIdentity, pod: PodName?, netnsName: String?, command: String?, pid: Int32?,
                            inode: UInt64) -> NamespaceIdentity {
        var id: NamespaceIdentity
        if let uid = cgroup.podUID {
            id = NamespaceIdentity(kind: "pod", name: pod.map { "\($0.namespace)/\($0.pod)" } ?? "pod-\(uid)")
            id.pod = PodRef(namespace: pod?.namespace, name: pod?.pod, uid: uid)
        } else if let container = cgroup.containerID {
            id = NamespaceIdentity(kind: "container", name: "\(cgroup.runtime ?? "container"):\(container.prefix(12))")
        } else if let netnsName {
            id = NamespaceIdentity(kind: "named", name: netnsName)
        } else if let pid {
            id = NamespaceIdentity(kind: "process", name: "\(command ?? "?")[\(pid)]")
        } else {
            id = NamespaceIdentity(kind: "process", name: "net:[\(inode)]")
        }
        id.containerID = cgroup.containerID
        id.runtime = cgroup.runtime
        id.netnsName = netnsName
        id.command = command
        id.pid = pid
        return id
    }
}

/// Names namespaces: reads /proc/PID/cgroup and comm, and matches pod UIDs against the pod log
/// directories (/var/log/pods, or DROPTOP_POD_LOG_DIR), listed again only when a UID is unknown
/// (at most once a sample).
public final class NamespaceNamer {
    let reader: FileReader
    public let podLogDirectory: String
    private var pods: [String: PodName] = [:]
    private var listedAt: Double?

    public init(procRoot: String = "/proc", podLogDirectory: String? = nil) {
        reader = FileReader(procRoot: procRoot, sysRoot: "/sys")
        reader.procFileLimit = 64 << 10
        let env = getenv("DROPTOP_POD_LOG_DIR").map { String(cString: $0) }
        self.podLogDirectory = podLogDirectory ?? env ?? "/var/log/pods"
    }

    public func identity(of namespace: DiscoveredNamespace, now: Double) -> NamespaceIdentity {
        var cgroup = CgroupIdentity()
        var command: String?
        if let pid = namespace.pid {
            cgroup = (try? reader.withContents(.proc, "\(pid)/cgroup") { CgroupIdentity.parse($0) }) ?? CgroupIdentity()
            command = try? reader.withContents(.proc, "\(pid)/comm") { bytes in
                DisplayName.escaped(bytes.last == 0x0A ? UnsafeBufferPointer(rebasing: bytes.dropLast()) : bytes)
            }
        }
        return NamespaceIdentity.make(cgroup: cgroup, pod: cgroup.podUID.flatMap { pod($0, now: now) },
                                      netnsName: namespace.netnsName, command: command, pid: namespace.pid,
                                      inode: namespace.inode)
    }

    func pod(_ uid: String, now: Double) -> PodName? {
        if let known = pods[uid] { return known }
        guard listedAt != now else { return nil }
        listedAt = now
        pods = [:]
        let root = FileReader(procRoot: podLogDirectory, sysRoot: "/sys")
        for name in (root.directoryEntries(.proc, []) ?? []).prefix(100_000) {
            if let pod = NamespaceParsers.podLogDirectory(name) { pods[pod.uid] = pod }
        }
        return pods[uid]
    }
}
