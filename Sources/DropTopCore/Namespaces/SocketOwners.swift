#if canImport(Glibc)
import Glibc
#endif

/// The process holding a socket, found by its inode among /proc/PID/fd's "socket:[inode]" links.
public struct SocketOwner: Codable, Equatable, Sendable {
    public var inode: UInt64
    public var pid: Int32
    /// /proc/PID/comm, display form.
    public var command: String
    /// "docker:3f2a9c1b0d4e" when its cgroup names a container (host findings only).
    public var container: String? = nil
    /// "namespace/pod", or the pod's UID when no log directory names it (host findings only).
    public var pod: String? = nil

    /// "nginx (pid 42, pod web/nginx-1)".
    public var label: String {
        let place = [pod.map { "pod \($0)" }, container.map { "container \($0)" }].compactMap { $0 }.first
        return "\(command) (pid \(pid)\(place.map { ", " + $0 } ?? ""))"
    }

    /// `hint` + "; held by nginx (pid 42), ..." (each process once, at most three).
    static func hint(_ hint: String, heldBy owners: [SocketOwner], in place: String = "") -> String {
        var seen = Set<Int32>()
        let unique = owners.filter { seen.insert($0.pid).inserted }
        guard !unique.isEmpty else { return hint }
        let who = unique.prefix(3).map(\.label).joined(separator: ", ") + (unique.count > 3 ? " and others" : "")
        return hint + (hint.isEmpty ? "held by " : "; held by ") + who + place
    }
}

/// Finds the owners of a few sockets (those a finding can name: UDP sockets that drop, listeners
/// with a queue) by reading the fd links of the given processes only, within a CPU budget.
public enum SocketOwners {
    public static func find(_ inodes: Set<UInt64>, among pids: [Int32], procRoot: String = "/proc",
                            budget: Double = 0.005) -> [SocketOwner] {
        scan(inodes, among: pids[...], procRoot: procRoot, budget: budget).owners
    }

    /// `find`, saying how many processes were read before the inodes were all found or the budget
    /// ran out (a caller can go on from there next time).
    static func scan(_ inodes: Set<UInt64>, among pids: ArraySlice<Int32>, procRoot: String,
                     budget: Double) -> (owners: [SocketOwner], scanned: Int) {
        guard !inodes.isEmpty else { return ([], 0) }
        let start = Sampler.threadCPUNow()
        var owners: [SocketOwner] = []
        var left = inodes
        var scanned = 0
        var target = [UInt8](repeating: 0, count: 64)
        for pid in pids where !left.isEmpty {
            if Sampler.threadCPUNow() - start > budget { break }
            scanned += 1
            guard let dir = opendir("\(procRoot)/\(pid)/fd") else { continue }
            defer { closedir(dir) }
            let directory = dirfd(dir)
            var checked = 0
            // readlinkat on each entry's own name: no path built, no String, a few µs a link.
            while let entry = readdir(dir), checked < 100_000, !left.isEmpty {
                checked += 1
                let n = withUnsafeBytes(of: entry.pointee.d_name) { name in
                    target.withUnsafeMutableBytes { out in
                        readlinkat(directory, name.baseAddress!.assumingMemoryBound(to: CChar.self), out.baseAddress!, out.count)
                    }
                }
                guard n > 0, let inode = target.withUnsafeBufferPointer({ socketInode(UnsafeBufferPointer(rebasing: $0[0..<n])) }),
                      left.contains(inode) else { continue }
                left.remove(inode)
                owners.append(SocketOwner(inode: inode, pid: pid, command: command(pid, procRoot: procRoot)))
            }
        }
        return (owners.sorted { $0.inode < $1.inode }, scanned)
    }

    /// "socket:[12345]" → 12345.
    public static func socketInode(_ target: [UInt8]) -> UInt64? {
        target.withUnsafeBufferPointer { socketInode($0) }
    }

    private static let socketPrefix = Array("socket:[".utf8)

    static func socketInode(_ target: UnsafeBufferPointer<UInt8>) -> UInt64? {
        let prefix = socketPrefix
        guard target.count > prefix.count + 1, target.count < 32, target.last == 0x5D,
              prefix.indices.allSatisfy({ target[$0] == prefix[$0] }) else { return nil }
        return NamespaceParsers.decimal(target[prefix.count..<(target.count - 1)])
    }

    static func command(_ pid: Int32, procRoot: String) -> String {
        let reader = FileReader(procRoot: procRoot)
        reader.procFileLimit = 4096
        return (try? reader.withContents(.proc, "\(pid)/comm") { bytes in
            DisplayName.escaped(bytes.last == 0x0A ? UnsafeBufferPointer(rebasing: bytes.dropLast()) : bytes)
        }) ?? "?"
    }
}
