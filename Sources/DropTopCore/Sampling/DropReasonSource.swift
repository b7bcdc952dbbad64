/// The kernel's own count of dropped packets by reason, as one sample holds it.
public struct DropReasonSample: Codable, Equatable, Sendable {
    /// False when the counter could not be started (no privileges, an old kernel, ...).
    public var available: Bool
    /// Why it is unavailable, or how it counts; one line for the operator.
    public var note: String?
    /// Drops per reason since droptop started counting; only reasons that dropped something.
    public var totals: [DropReasonTotal]
    /// The network namespace the counts are about (--all-netns, a namespace's own); nil: host-wide.
    public var namespaceInode: UInt64?

    public init(available: Bool, note: String?, totals: [DropReasonTotal], namespaceInode: UInt64? = nil) {
        self.available = available; self.note = note; self.totals = totals; self.namespaceInode = namespaceInode
    }
}

/// Starts the BPF drop-reason counter on first use and reads it every sample. A counter that
/// cannot start is tried once; every sample then carries the reason (said once, not as an error
/// on every sample). Only a live host has one: a captured tree or a replay does not.
public final class DropReasonReader {
    private var counter: DropReasonCounter?
    private var unavailable: String?
    private let open: () -> Result<DropReasonCounter, DropReasonUnavailable>

    public init(open: @escaping () -> Result<DropReasonCounter, DropReasonUnavailable> = { DropReasonCounter.open() }) {
        self.open = open
    }

    public func sample() -> DropReasonSample {
        if counter == nil && unavailable == nil {
            switch open() {
            case .success(let started): counter = started
            case .failure(let reason): unavailable = reason.message
            }
            // Reading the kernel's BTF (5 MB) left freed heap behind: hand it back to the system.
            _ = releaseFreedMemory(0)
        }
        guard let counter else { return DropReasonSample(available: false, note: unavailable, totals: []) }
        return DropReasonSample(available: true, note: "host-wide, every namespace (\(counter.mechanism) skb:kfree_skb)",
                                totals: counter.totals())
    }
}

/// glibc's malloc_trim, which Glibc's module map does not export.
@_silgen_name("malloc_trim")
private func releaseFreedMemory(_ pad: Int) -> Int32
