/// One kind of TCP state change in one network namespace.
public struct TCPTransition: Hashable, Sendable {
    /// The namespace's inode (as /proc/PID/ns/net and /run/netns/NAME show it); 0 when the kernel
    /// has no network namespaces.
    public var namespaceInode: UInt32
    /// The kernel's state numbers (1 ESTABLISHED ... 11 CLOSING; TCPStateCensus.state(number:)).
    public var from: UInt8, to: UInt8

    public init(namespaceInode: UInt32, from: UInt8, to: UInt8) {
        (self.namespaceInode, self.from, self.to) = (namespaceInode, from, to)
    }

    /// The map key: u32 inode, u8 old, u8 new, u16 zero, little-endian.
    init(key: UInt64) {
        self.init(namespaceInode: UInt32(truncatingIfNeeded: key), from: UInt8(truncatingIfNeeded: key >> 32),
                  to: UInt8(truncatingIfNeeded: key >> 40))
    }
}

/// The state-change counts since the counter started, read at one moment.
public struct TCPTransitionCounts: Sendable, Equatable {
    public var counts: [TCPTransition: UInt64]
    /// Changes not counted by (namespace, old, new) because the map was full (TCPStateChangeCounter.capacity).
    public var overflowed: UInt64
    /// Changes the kernel did not run the program for (bpf_prog_info.recursion_misses: a softirq hit
    /// the tracepoint while the program ran on that CPU). Lost: the next resync corrects them.
    public var missedRuns: UInt64

    public init(counts: [TCPTransition: UInt64], overflowed: UInt64 = 0, missedRuns: UInt64 = 0) {
        (self.counts, self.overflowed, self.missedRuns) = (counts, overflowed, missedRuns)
    }

    /// The counts of one namespace; nil: all of them (a counter that does not key namespaces).
    public func counts(namespaceInode: UInt32?) -> [TCPTransition: UInt64] {
        guard let namespaceInode else { return counts }
        return counts.filter { $0.key.namespaceInode == namespaceInode }
    }
}

/// Why the state-change counter could not be started; `message` is one line for the operator.
public enum TCPStateCountingUnavailable: Error, Equatable, Sendable {
    /// bpf() said EPERM/EACCES.
    case notPermitted(operation: String)
    /// No usable BTF: the program needs it for struct sock's offsets and the raw tracepoint.
    case noDescription(source: String, detail: String)
    case systemCallFailed(operation: String, error: String)
    /// The verifier refused the program; `log` is the first line of its log.
    case programRejected(error: String, log: String)

    public var message: String {
        switch self {
        case .notPermitted(let operation):
            return "live TCP states need root (or CAP_BPF and CAP_PERFMON): \(operation) was refused"
        case .noDescription(let source, let detail):
            return "live TCP states need the kernel's BTF (\(source): \(detail))"
        case .systemCallFailed(let operation, let error):
            return "\(operation) failed: \(error)"
        case .programRejected(let error, let log):
            return "the kernel refused the TCP state-change program (\(error))" + (log.isEmpty ? "" : ": \(log)")
        }
    }

    /// The shared BPF calls report in the drop-reason counter's terms; this says it for this counter.
    init(_ failure: DropReasonUnavailable) {
        switch failure {
        case .notPermitted(let operation): self = .notPermitted(operation: operation)
        case .systemCallFailed(let operation, let error): self = .systemCallFailed(operation: operation, error: error)
        case .programRejected(let error, let log): self = .programRejected(error: error, log: log)
        case .malformed(let source, let detail): self = .noDescription(source: source, detail: detail)
        case .kernelWithoutReasonField(let source): self = .noDescription(source: source, detail: "unexpected layout")
        case .noDescription(let btfPath, let problem, _): self = .noDescription(source: btfPath, detail: problem)
        }
    }
}
