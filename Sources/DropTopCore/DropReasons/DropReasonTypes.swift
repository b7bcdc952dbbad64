/// Packets the kernel freed as dropped for one reason since the counter was opened.
public struct DropReasonTotal: Sendable, Equatable, Codable {
    /// The kernel's name without the SKB_DROP_REASON_ prefix (NO_SOCKET), or UNKNOWN / UNKNOWN_<n>.
    public var reason: String
    public var total: UInt64
    public init(reason: String, total: UInt64) { self.reason = reason; self.total = total }
}

/// Why the drop-reason counter could not be started; `message` is one line for the operator.
public enum DropReasonUnavailable: Error, Equatable, Sendable {
    /// bpf() or perf_event_open() said EPERM/EACCES.
    case notPermitted(operation: String)
    /// The running kernel's skb:kfree_skb has no `reason` (before Linux 5.17).
    case kernelWithoutReasonField(source: String)
    /// Neither BTF nor a mounted tracefs describes skb:kfree_skb.
    case noDescription(btfPath: String, btfProblem: String, tracefsRoots: [String])
    /// A description file exists but cannot be used (truncated, unexpected layout).
    case malformed(source: String, detail: String)
    /// A system call failed for another reason.
    case systemCallFailed(operation: String, error: String)
    /// The verifier refused the counting program; `log` is the first line of its log.
    case programRejected(error: String, log: String)

    public var message: String {
        switch self {
        case .notPermitted(let operation):
            return "kernel drop reasons need root (or CAP_BPF and CAP_PERFMON): \(operation) was refused"
        case .kernelWithoutReasonField(let source):
            return "this kernel's skb:kfree_skb has no reason field (drop reasons need Linux 5.17 or later; read \(source))"
        case .noDescription(let btfPath, let btfProblem, let roots):
            return "kernel drop reasons need BTF (\(btfPath): \(btfProblem)) or tracefs mounted at one of "
                + roots.joined(separator: ", ")
        case .malformed(let source, let detail):
            return "cannot use \(source): \(detail)"
        case .systemCallFailed(let operation, let error):
            return "\(operation) failed: \(error)"
        case .programRejected(let error, let log):
            return "the kernel refused the drop-reason program (\(error))" + (log.isEmpty ? "" : ": \(log)")
        }
    }
}

/// A description problem found by a pure parser, before the caller knows which file it came from.
struct DescriptionError: Error, Equatable {
    enum Kind: Equatable { case malformed, noReasonField, missing }
    var kind: Kind
    var detail: String
    static func malformed(_ detail: String) -> Self { Self(kind: .malformed, detail: detail) }
    static func noReasonField(_ detail: String) -> Self { Self(kind: .noReasonField, detail: detail) }
    static func missing(_ detail: String) -> Self { Self(kind: .missing, detail: detail) }

    func unavailable(source: String) -> DropReasonUnavailable {
        switch kind {
        case .noReasonField: return .kernelWithoutReasonField(source: source)
        case .malformed, .missing: return .malformed(source: source, detail: detail)
        }
    }
}

/// The running kernel's reason numbering: names by number and the first number past the enum.
public struct DropReasonNames: Equatable, Sendable {
    /// Enum names without their prefix (SKB_DROP_REASON_NO_SOCKET -> NO_SOCKET, SKB_CONSUMED -> CONSUMED).
    public var byNumber: [UInt32: String]
    /// SKB_DROP_REASON_MAX: every core reason is below it; larger values carry a subsystem or are unknown.
    public var limit: UInt32

    public init(byNumber: [UInt32: String], limit: UInt32) { self.byNumber = byNumber; self.limit = limit }

    /// Builds the table from (value, name) pairs; MAX sets the limit, values past 16 bits are masks.
    init(entries: [(value: UInt64, name: String)]) {
        var names: [UInt32: String] = [:]
        var limit: UInt32?
        for entry in entries where entry.value <= 0xFFFF {
            if entry.name == "MAX" { limit = UInt32(entry.value); continue }
            names[UInt32(entry.value)] = entry.name
        }
        self.byNumber = names
        self.limit = limit ?? names.keys.max().map { $0 + 1 } ?? 0
    }

    /// Names that are not drops: packets not yet freed, and packets consumed normally.
    public static let notDrops: Set<String> = ["NOT_DROPPED_YET", "CONSUMED"]

    /// The name a counter slot is reported under (slot `limit` gathers every value past the enum);
    /// nil for the names that are not drops.
    func dropName(slot: UInt32) -> String? {
        let name = slot == limit ? DropReasonCounter.overflowName : byNumber[slot] ?? "UNKNOWN_\(slot)"
        return Self.notDrops.contains(name) ? nil : name
    }

    /// Strips the enum prefix: SKB_DROP_REASON_ first, else SKB_ (NOT_DROPPED_YET, CONSUMED).
    static func shortName(_ enumName: String) -> String {
        for prefix in ["SKB_DROP_REASON_", "SKB_"] where enumName.hasPrefix(prefix) {
            return String(enumName.dropFirst(prefix.count))
        }
        return enumName
    }
}
