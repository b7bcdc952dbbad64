/// --all-netns: starts the namespace-keyed drop counter on first use and gives each sampled
/// namespace its own drop reasons, from one read of the map per sample; the keys of namespaces
/// gone are deleted in the same pass, so that a container host's churn cannot fill the map. A
/// counter that cannot start is tried once; every namespace then carries the reason.
public final class NamespaceDropReasons {
    private(set) var counter: NamespaceDropCounter?
    private var unavailable: String?
    private let open: () -> Result<NamespaceDropCounter, DropReasonUnavailable>
    /// droptop's own namespace: never among the namespaces sampled, its keys are kept all the same.
    private let ownInode: UInt32?

    public init(ownInode: UInt32? = TCPStateChangeCounter.namespaceInode(),
                open: @escaping () -> Result<NamespaceDropCounter, DropReasonUnavailable> = { NamespaceDropCounter.open() }) {
        self.ownInode = ownInode
        self.open = open
    }

    /// Sets each namespace's `sample.dropReasons`; `live`: the inodes of every namespace found
    /// (sampled or not), whose keys are kept.
    public func attribute(_ namespaces: inout [NamespaceSample], live: Set<UInt64>, errors: inout [SourceError]) {
        if counter == nil && unavailable == nil {
            switch open() {
            case .success(let started): counter = started
            case .failure(let reason): unavailable = "by namespace: " + reason.message
            }
        }
        guard let counter, let counts = counter.counts() else {
            let note = unavailable ?? "by namespace: the counter's map could not be read"
            for i in namespaces.indices { namespaces[i].sample.dropReasons = DropReasonSample(available: false, note: note, totals: []) }
            return
        }
        let note = "this namespace's (\(counter.mechanism) skb:kfree_skb: the dropping device's namespace, else the socket's)"
        for i in namespaces.indices {
            let inode = namespaces[i].inode
            let totals = inode <= UInt32.max ? counts.byInode[UInt32(inode)] ?? [] : []
            namespaces[i].sample.dropReasons = DropReasonSample(available: true, note: note, totals: totals, namespaceInode: inode)
        }
        counter.forget(keys: Self.staleKeys(counts.keys, live: live, own: ownInode))
        if counts.overflowed > 0 {
            errors.append(SourceError(source: "--all-netns", message: "\(counts.overflowed) kernel drops were not attributed to a "
                + "namespace: the counter's map (\(NamespaceDropCounter.capacity) namespace and reason pairs) is full"))
        }
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
