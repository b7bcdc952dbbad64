/// --all-netns: starts the namespace-keyed drop counter on first use and gives each sampled
/// namespace its own drop reasons, from one read of the map per sample; the keys of namespaces
/// gone are deleted in the same pass, so that a container host's churn cannot fill the map. A
/// counter that cannot start is tried once; every namespace then carries the reason.
public final class NamespaceDropReasons {
    private(set) var counter: NamespaceDropCounter?
    private var unavailable: String?
    private let open: () -> Result<NamespaceDropCounter, DropReasonUnavailable>
    /// droptop's own namespace: never among the namespaces sampled, so not counted (the host
    /// counter has its drops); its keys, should a counter make any, are kept all the same.
    private let ownInode: UInt32?
    private var overflowedBefore: UInt64 = 0

    public convenience init(ownInode: UInt32? = TCPStateChangeCounter.namespaceInode()) {
        self.init(ownInode: ownInode) { NamespaceDropCounter.open(skipping: ownInode) }
    }

    init(ownInode: UInt32?, open: @escaping () -> Result<NamespaceDropCounter, DropReasonUnavailable>) {
        self.ownInode = ownInode
        self.open = open
    }

    /// Reads every namespace's counts, once for the sample, before the namespaces are read (their
    /// own times then follow this read by the same delay every sample, and starting the counter
    /// does not fall inside the first interval). `live`: the inodes of every namespace found
    /// (sampled or not); the keys of all others are deleted.
    public func read(live: Set<UInt64>, errors: inout [SourceError]) -> NamespaceDropReading {
        if counter == nil && unavailable == nil {
            switch open() {
            case .success(let started): counter = started
            case .failure(let reason): unavailable = "by namespace: " + reason.message
            }
        }
        guard let counter, let counts = counter.counts() else {
            return NamespaceDropReading(note: unavailable ?? "by namespace: the counter's map could not be read", counts: nil)
        }
        counter.forget(keys: Self.staleKeys(counts.keys, live: live, own: ownInode))
        // Said while it grows: the count is since start, and a map that filled once may have room again.
        if counts.overflowed > overflowedBefore {
            errors.append(SourceError(source: "--all-netns", message: "\(counts.overflowed - overflowedBefore) kernel drops were not "
                + "attributed to a namespace: the counter's map (\(NamespaceDropCounter.capacity) namespace and reason pairs) was full"))
        }
        overflowedBefore = counts.overflowed
        let note = "this namespace's (\(counter.mechanism) skb:kfree_skb: the dropping device's namespace, else the socket's)"
        return NamespaceDropReading(note: note, counts: counts)
    }

    /// The keys of namespaces that are neither live nor droptop's own; inode 0 (unknown) stays.
    static func staleKeys(_ keys: [UInt64], live: Set<UInt64>, own: UInt32?) -> [UInt64] {
        keys.filter { key in
            let inode = UInt32(truncatingIfNeeded: key)
            return inode != 0 && inode != own && !live.contains(UInt64(inode))
        }
    }

    /// The program's run statistics, for cost measurements; nil before the counter started.
    public func programInfo() -> BPFProgramInfo? { counter?.programInfo() }
}

/// One read of the namespace-keyed counter, handed out namespace by namespace.
public struct NamespaceDropReading: Sendable {
    let note: String
    /// nil: not counted (`note` says why).
    let counts: NamespaceDropCounts?

    /// The namespace's own drop reasons, as its sample holds them.
    public func sample(inode: UInt64) -> DropReasonSample {
        guard let counts else { return DropReasonSample(available: false, note: note, totals: []) }
        let totals = inode <= UInt32.max ? counts.byInode[UInt32(inode)] ?? [] : []
        return DropReasonSample(available: true, note: note, totals: totals, namespaceInode: inode)
    }
}
