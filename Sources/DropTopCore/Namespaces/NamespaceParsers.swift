/// Bytes in, typed values out, for what namespace discovery reads: the target of
/// /proc/PID/ns/net, the state letter of /proc/PID/stat, /proc/PID/cgroup and the names of
/// Kubernetes' pod log directories. No I/O here.
public enum NamespaceParsers {
    /// "net:[4026531840]" (the link target of /proc/PID/ns/net) → 4026531840.
    public static func netInode<S: Collection>(_ target: S) -> UInt64? where S.Element == UInt8 {
        let bytes = Array(target)
        let prefix = Array("net:[".utf8)
        guard bytes.count > prefix.count + 1, bytes.count < 32, Array(bytes.prefix(prefix.count)) == prefix,
              bytes.last == 0x5D else { return nil }
        return decimal(bytes[prefix.count..<(bytes.count - 1)])
    }

    /// The state letter of /proc/PID/stat ("R", "S", "Z", ...): the field after the command,
    /// which is in parentheses and may itself hold ") ", so the last ")" ends it.
    public static func processState(_ stat: UnsafeBufferPointer<UInt8>) -> UInt8? {
        guard let close = stat.lastIndex(of: 0x29), close + 2 < stat.count, stat[close + 1] == 0x20 else { return nil }
        return stat[close + 2]
    }

    /// A process that still has a network namespace to show: not a zombie (Z) nor dead (X),
    /// whose /proc/PID/net is empty.
    public static func isLive(state: UInt8) -> Bool { state != 0x5A && state != 0x58 && state != 0x78 }

    /// An unsigned decimal of at most 19 digits.
    static func decimal<S: Collection>(_ digits: S) -> UInt64? where S.Element == UInt8 {
        guard !digits.isEmpty, digits.count <= 19 else { return nil }
        var value: UInt64 = 0
        for d in digits {
            guard d >= 0x30, d <= 0x39 else { return nil }
            value = value * 10 + UInt64(d - 0x30)
        }
        return value
    }

    /// A Kubernetes pod log directory name, "<namespace>_<pod>_<uid>": namespaces and pod names
    /// are DNS labels (no underscore), so the name splits at exactly two underscores.
    public static func podLogDirectory<S: Collection>(_ name: S) -> PodName? where S.Element == UInt8 {
        let parts = Array(name).split(separator: 0x5F, omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty }),
              let uid = CgroupIdentity.normalizedUID(parts[2]) else { return nil }
        return PodName(namespace: DisplayName.escaped(parts[0]), pod: DisplayName.escaped(parts[1]), uid: uid)
    }
}

/// A Kubernetes pod, from its log directory.
public struct PodName: Equatable, Sendable {
    public var namespace: String
    public var pod: String
    /// Lower case, with dashes: 8-4-4-4-12 hexadecimal digits.
    public var uid: String
}

/// What the cgroup path of a process says about who runs it: the Kubernetes pod UID and the
/// container id and runtime, from the naming schemes of the systemd and cgroupfs drivers:
/// kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod<uid_with_underscores>.slice/
/// cri-containerd-<id>.scope, kubepods/burstable/pod<uid>/<id>, system.slice/docker-<id>.scope,
/// docker/<id>, crio-<id>.scope, libpod-<id>.scope (podman).
public struct CgroupIdentity: Equatable, Sendable {
    public var podUID: String?
    public var containerID: String?
    /// "containerd", "cri-o", "docker", "podman"; nil when the path does not say.
    public var runtime: String?

    public init(podUID: String? = nil, containerID: String? = nil, runtime: String? = nil) {
        self.podUID = podUID
        self.containerID = containerID
        self.runtime = runtime
    }

    static let runtimePrefixes: [(String, String)] = [
        ("cri-containerd-", "containerd"), ("crio-", "cri-o"), ("docker-", "docker"), ("libpod-", "podman"),
    ]

    /// /proc/PID/cgroup: "hierarchy:controllers:path" lines; every path is looked at (cgroup v2's
    /// "0::" line and v1's), the first that names a pod or a container wins.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> CgroupIdentity {
        var found = CgroupIdentity()
        for line in bytes.split(separator: 0x0A) {
            let fields = line.split(separator: 0x3A, maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3 else { continue }
            let one = path(fields[2])
            if found.podUID == nil { found.podUID = one.podUID }
            if found.containerID == nil { found.containerID = one.containerID; found.runtime = one.runtime }
            if found.podUID != nil && found.containerID != nil { break }
        }
        return found
    }

    /// One cgroup path, component by component.
    static func path<S: Collection>(_ path: S) -> CgroupIdentity where S.Element == UInt8 {
        var found = CgroupIdentity()
        let components = Array(path).split(separator: 0x2F)
        let isKube = components.contains { $0.starts(with: Array("kubepods".utf8)) }
        for (index, raw) in components.enumerated() {
            var part = String(decoding: raw, as: UTF8.self)
            for suffix in [".slice", ".scope"] where part.hasSuffix(suffix) { part.removeLast(suffix.count) }
            if isKube, found.podUID == nil, let uid = podUID(in: Array(part.utf8)) { found.podUID = uid }
            if let (prefix, runtime) = runtimePrefixes.first(where: { part.hasPrefix($0.0) }),
               let id = containerHex(part.dropFirst(prefix.count)) {
                found.containerID = id; found.runtime = runtime
            } else if index > 0, part.utf8.count == 64, let id = containerHex(Substring(part)) {
                // cgroupfs driver: a bare 64-digit id under docker/ or a pod directory.
                let parent = components[index - 1]
                if parent.elementsEqual("docker".utf8) {
                    found.containerID = id; found.runtime = "docker"
                } else if isKube && parent.starts(with: "pod".utf8) {
                    found.containerID = id
                }
            }
        }
        return found
    }

    /// The UID after the last "pod" of a component: "kubepods-besteffort-pod<uid>" or "pod<uid>".
    static func podUID(in part: [UInt8]) -> String? {
        let marker = Array("pod".utf8)
        guard part.count > marker.count else { return nil }
        for start in stride(from: part.count - marker.count, through: 0, by: -1)
        where Array(part[start..<(start + marker.count)]) == marker {
            return normalizedUID(part[(start + marker.count)...])
        }
        return nil
    }

    /// A container id: 12 to 64 lower-case hexadecimal digits.
    static func containerHex(_ text: Substring) -> String? {
        guard (12...64).contains(text.utf8.count),
              text.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }) else { return nil }
        return String(text)
    }

    /// A pod UID written with dashes or (systemd slices) underscores → lower case with dashes.
    static func normalizedUID<S: Collection>(_ raw: S) -> String? where S.Element == UInt8 {
        let bytes = Array(raw).map { $0 == 0x5F ? 0x2D : ($0 >= 0x41 && $0 <= 0x46 ? $0 + 0x20 : $0) }
        let groups = bytes.split(separator: 0x2D, omittingEmptySubsequences: false)
        guard groups.map(\.count) == [8, 4, 4, 4, 12],
              groups.allSatisfy({ $0.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) } })
        else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }
}
