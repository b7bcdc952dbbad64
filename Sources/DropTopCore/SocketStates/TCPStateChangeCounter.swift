#if canImport(Glibc)
import Glibc
#endif

/// Counts TCP state changes by (network namespace, old state, new state) from the
/// sock:inet_sock_set_state tracepoint: a cost per state change, none per socket, so that a
/// state histogram can be kept current between the full sock_diag dumps (LiveStateHistogram).
///
/// Needs root (CAP_BPF and CAP_PERFMON) and the kernel's BTF (/sys/kernel/btf/vmlinux), which
/// gives both the raw tracepoint and the struct offsets the program reads. The loader and system
/// calls are the drop-reason counter's (BPFObjects). The kernel frees the program, map and
/// attachment with their last descriptor, so nothing outlives this object or its process.
public final class TCPStateChangeCounter: Sendable {
    public static let programName = "droptop_tcpstat"
    public static let mapName = "droptop_tcpstat"
    public static let tracepoint = "inet_sock_set_state"
    /// (namespace, old, new) entries the map holds: about 20 kinds of change occur per namespace,
    /// so some 400 namespaces when every namespace is counted (droptop counts its own alone);
    /// past that, changes are counted as `overflowed` only.
    public static let capacity: UInt32 = 8192

    /// typedMechanism or probeReadMechanism, for a note beside the figures.
    public var mechanism: String { attached.mechanism }
    /// False on a kernel without network namespaces: every change is then keyed 0.
    public let keysNamespaces: Bool
    private let attached: AttachedCounter

    private init(keysNamespaces: Bool, attached: AttachedCounter) {
        self.keysNamespaces = keysNamespaces
        self.attached = attached
    }

    /// `onlyNamespace`: the inode of the one namespace whose changes are counted (nil: every namespace's).
    public static func open(btfPath: String = "/sys/kernel/btf/vmlinux",
                            onlyNamespace: UInt32? = nil) -> Result<TCPStateChangeCounter, TCPStateCountingUnavailable> {
        open(btfPath: btfPath, accesses: [.typedLoads, .probeReads], onlyNamespace: onlyNamespace)
    }

    static func open(btfPath: String, accesses: [TCPStateProgram.Access],
                     onlyNamespace: UInt32? = nil) -> Result<TCPStateChangeCounter, TCPStateCountingUnavailable> {
        guard let possibleCPUs = KernelFile.possibleCPUs() else {
            return .failure(.systemCallFailed(operation: "read /sys/devices/system/cpu/possible", error: "no CPU list"))
        }
        let layout: TCPSocketLayout
        switch TCPSocketLayoutParser.parse(path: btfPath) {
        case .failure(.unreadable(let error)): return .failure(.noDescription(source: btfPath, detail: error.text))
        case .failure(.malformed(let error)): return .failure(.noDescription(source: btfPath, detail: error.detail))
        case .success(let parsed): layout = parsed
        }
        return start(layout, possibleCPUs: possibleCPUs, accesses: accesses, onlyNamespace: onlyNamespace)
            .mapError(TCPStateCountingUnavailable.init)
    }

    /// `accesses` in order of preference: the typed program first (no helper calls); a kernel that
    /// refuses it (before 5.5, or a verifier that will not follow a member) gets the probe-reading one.
    static func start(_ layout: TCPSocketLayout, possibleCPUs: Int, accesses: [TCPStateProgram.Access],
                      onlyNamespace: UInt32? = nil) -> Result<TCPStateChangeCounter, DropReasonUnavailable> {
        AttachedCounter.start(mapName: mapName, entries: capacity, overflowKey: TCPStateProgram.overflowKey,
                              possibleCPUs: possibleCPUs, programName: programName, tracepoint: tracepoint,
                              tracepointTypeID: layout.tracepointTypeID, accesses: accesses) { mapFD, access in
            TCPStateProgram.instructions(layout: layout, mapFD: mapFD, access: access, onlyNamespace: onlyNamespace)
        }.map { TCPStateChangeCounter(keysNamespaces: layout.keysNamespaces, attached: $0) }
    }

    public static let typedMechanism = "BTF-typed tracepoint"
    public static let probeReadMechanism = "raw tracepoint with probe reads"

    /// Every count since open, in one batched read of the map; nil when the map cannot be read.
    public func transitions() -> TCPTransitionCounts? {
        guard var sums = attached.sums() else { return nil }
        let overflowed = sums.removeValue(forKey: TCPStateProgram.overflowKey) ?? 0
        var counts: [TCPTransition: UInt64] = [:]
        for (key, count) in sums where count > 0 { counts[TCPTransition(key: key)] = count }
        return TCPTransitionCounts(counts: counts, overflowed: overflowed, missedRuns: programInfo()?.recursionMisses ?? 0)
    }

    /// The inode of the network namespace at `path` (/proc/self/ns/net, /run/netns/NAME), as the
    /// program keys it; nil when it cannot be read.
    public static func namespaceInode(at path: String = "/proc/self/ns/net") -> UInt32? {
        var info = stat()
        return stat(path, &info) == 0 ? UInt32(truncatingIfNeeded: info.st_ino) : nil
    }

    /// The program's id, name and run statistics (run time grows only with kernel.bpf_stats_enabled=1).
    public func programInfo() -> BPFProgramInfo? { attached.programInfo() }
}
