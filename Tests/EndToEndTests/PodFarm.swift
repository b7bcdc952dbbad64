import Foundation
import Testing

/// Network namespaces shaped like a Kubernetes node's pods, made for one test and removed after
/// it: each an `ip netns` namespace with one process in a cgroup named as the kubelet's systemd
/// driver names it (kubepods-burstable-pod<uid_with_underscores>.slice/cri-containerd-<id>.scope,
/// under /sys/fs/cgroup/unified) and a pod log directory <namespace>_<pod>_<uid> in a temporary
/// directory given to droptop as DROPTOP_POD_LOG_DIR.
final class PodFarm {
    struct Pod {
        var netns: String
        var namespace: String
        var name: String
        var uid: String
        var containerID: String
        var cgroup: String
        var process: Process?
        var output: Pipe?
    }

    static let cgroupRoot = "/sys/fs/cgroup/unified"
    let tag = "dt\(getpid() % 100_000)x\(UInt16.random(in: 0...UInt16.max))"
    let podLogs: String
    private(set) var pods: [Pod] = []
    private var cgroupDirectories: [String] = []

    init() throws {
        podLogs = NSTemporaryDirectory() + "droptop-pods-" + tag
        try FileManager.default.createDirectory(atPath: podLogs, withIntermediateDirectories: true)
    }

    /// A pod whose process runs `command` in the namespace with stdout piped back.
    @discardableResult
    func add(namespace: String, name: String, command: [String]) throws -> Pod {
        let uid = UUID().uuidString.lowercased()
        let container = (0..<4).map { _ in String(format: "%016llx", UInt64.random(in: 0...UInt64.max)) }.joined()
        let top = Self.cgroupRoot + "/\(tag).slice", kube = top + "/kubepods.slice"
        let slice = kube + "/kubepods-burstable.slice"
        let pod = slice + "/kubepods-burstable-pod\(uid.replacingOccurrences(of: "-", with: "_")).slice"
        let scope = pod + "/cri-containerd-\(container).scope"
        try FileManager.default.createDirectory(atPath: scope, withIntermediateDirectories: true)
        for directory in [top, kube, slice, pod, scope] where !cgroupDirectories.contains(directory) { cgroupDirectories.append(directory) }
        try FileManager.default.createDirectory(atPath: podLogs + "/\(namespace)_\(name)_\(uid)", withIntermediateDirectories: true)
        let netns = "\(tag)-\(pods.count)"
        let add = try run("/usr/bin/env", ["ip", "netns", "add", netns])
        guard add.status == 0 else { throw NamespaceError(message: "ip netns add: \(add.stderr)") }
        var entry = Pod(netns: netns, namespace: namespace, name: name, uid: uid, containerID: container, cgroup: scope)
        pods.append(entry)
        try run("/usr/bin/env", ["ip", "-n", netns, "link", "set", "lo", "up"])
        // The shell joins the cgroup, then becomes the process in the namespace.
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "echo $$ > \(scope)/cgroup.procs && exec ip netns exec \(netns) \"$@\"", "sh"] + command
        let output = Pipe()
        p.standardOutput = output
        p.standardInput = FileHandle.nullDevice
        p.standardError = FileHandle.standardError
        try p.run()
        entry.process = p
        entry.output = output
        pods[pods.count - 1] = entry
        return entry
    }

    /// Ends the pod's process (and waits for it), keeping its namespace.
    func stop(_ index: Int) {
        guard let p = pods[index].process, p.isRunning else { return }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
    }

    func deleteNamespace(_ index: Int) {
        _ = try? run("/usr/bin/env", ["ip", "netns", "del", pods[index].netns])
    }

    deinit {
        for i in pods.indices { stop(i); deleteNamespace(i) }
        for directory in cgroupDirectories.reversed() { rmdir(directory) }
        try? FileManager.default.removeItem(atPath: podLogs)
    }
}
