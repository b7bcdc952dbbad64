/// Counts kernel drop reasons by the network namespace where each packet was dropped
/// (NamespaceDropProgram), for --all-netns: a second program on skb:kfree_skb beside the host's
/// DropReasonCounter, whose cost per drop it leaves as it was (it is loaded only with --all-netns).
///
/// Needs root and the kernel's BTF, for the tracepoint's arguments and the struct offsets. The
/// loader and map calls are the other counters' (BPFObjects); the kernel frees the program, map and
/// attachment with their last descriptor, so nothing outlives this object or its process.
public final class NamespaceDropCounter: Sendable {
    public static let programName = "droptop_nsdrops"
    public static let mapName = "droptop_nsdrops"
    /// (namespace, reason) keys the map holds: a namespace drops for a handful of reasons, so some
    /// thousands of namespaces; keys of namespaces gone are deleted every sample (`forget`). Past
    /// that, drops are counted as `overflowed` only.
    public static let capacity: UInt32 = 8192

    /// TCPStateChangeCounter.typedMechanism or .probeReadMechanism, for a note beside the figures.
    public var mechanism: String { attached.mechanism }
    let names: DropReasonNames
    private let attached: AttachedCounter

    private init(names: DropReasonNames, attached: AttachedCounter) {
        self.names = names
        self.attached = attached
    }

    /// `skipping`: droptop's own namespace (its drops are the host counter's), not counted.
    public static func open(btfPath: String = "/sys/kernel/btf/vmlinux",
                            skipping ownNamespace: UInt32? = nil) -> Result<NamespaceDropCounter, DropReasonUnavailable> {
        open(btfPath: btfPath, accesses: [.typedLoads, .probeReads], skipping: ownNamespace)
    }

    /// `accesses` in order of preference: the typed program (no helper calls) first; a kernel that
    /// refuses it gets the probe-reading one.
    static func open(btfPath: String, accesses: [TCPStateProgram.Access],
                     skipping ownNamespace: UInt32? = nil) -> Result<NamespaceDropCounter, DropReasonUnavailable> {
        guard let possibleCPUs = KernelFile.possibleCPUs() else {
            return .failure(.malformed(source: "/sys/devices/system/cpu/possible", detail: "no CPU list"))
        }
        let layout: SkbNamespaceLayout
        switch SkbNamespaceLayoutParser.parse(path: btfPath) {
        case .failure(.unreadable(let error)): return .failure(.noDescription(btfPath: btfPath, btfProblem: error.text, tracefsRoots: []))
        case .failure(.malformed(let error)): return .failure(error.unavailable(source: btfPath))
        case .success(let parsed): layout = parsed
        }
        return AttachedCounter.start(mapName: mapName, entries: capacity, overflowKey: NamespaceDropProgram.overflowKey,
                                     possibleCPUs: possibleCPUs, programName: programName, tracepoint: "kfree_skb",
                                     tracepointTypeID: layout.tracepointTypeID, accesses: accesses) { mapFD, access in
            NamespaceDropProgram.instructions(layout: layout, mapFD: mapFD, access: access, skipping: ownNamespace)
        }.map { NamespaceDropCounter(names: layout.names, attached: $0) }
    }

    /// Every count since open, in one batched read of the map; nil when the map cannot be read.
    public func counts() -> NamespaceDropCounts? {
        guard var sums = attached.sums() else { return nil }
        var counts = NamespaceDropCounts(overflowed: sums.removeValue(forKey: NamespaceDropProgram.overflowKey) ?? 0)
        for (key, count) in sums {
            let inode = UInt32(truncatingIfNeeded: key)
            counts.keys.append(key)
            guard count > 0, let name = names.dropName(slot: UInt32(key >> 32)) else { continue }
            counts.byInode[inode, default: []].append(DropReasonTotal(reason: name, total: count))
        }
        for inode in counts.byInode.keys { counts.byInode[inode]?.sort { ($0.total, $1.reason) > ($1.total, $0.reason) } }
        return counts
    }

    /// Deletes `keys` (those of namespaces gone: their inodes may come back for new namespaces),
    /// in one batch; returns how many were deleted.
    @discardableResult
    public func forget(keys: [UInt64]) -> Int {
        BPFObjects.deleteKeys(map: attached.map, keys.filter { $0 != NamespaceDropProgram.overflowKey })
    }

    /// The program's id, name and run statistics (run time grows only with kernel.bpf_stats_enabled=1).
    public func programInfo() -> BPFProgramInfo? { attached.programInfo() }
}

/// One read of the namespace-keyed counter.
public struct NamespaceDropCounts: Sendable, Equatable {
    /// Drops per reason by namespace inode (0: neither a device nor a socket said), largest first.
    public var byInode: [UInt32: [DropReasonTotal]] = [:]
    /// Every key in the map but the overflow key (inode in the low 32 bits), counted or not.
    public var keys: [UInt64] = []
    /// Drops the full map had no key for.
    public var overflowed: UInt64
}
