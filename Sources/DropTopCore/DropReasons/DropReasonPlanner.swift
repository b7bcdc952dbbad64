#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// How to count on this kernel: the reason names, where the program reads `reason`, and how it attaches.
struct DropReasonPlan: Equatable, Sendable {
    enum Attachment: Equatable, Sendable {
        case rawTracepoint(name: String)
        case tracepoint(id: UInt64)
    }

    var names: DropReasonNames
    var location: ReasonLocation
    var attachment: Attachment
    var mechanism: String

    static let rawTracepointMechanism = "BTF raw tracepoint"
    static let tracefsMechanism = "tracefs tracepoint"
}

/// Chooses BTF first, then tracefs, reading through `read` so tests can hand it fixture bytes.
///
/// BTF first: /sys/kernel/btf/vmlinux is present on most kernels built since 5.4 whether or not
/// tracefs is mounted, and it names both the reason enum and the tracepoint's arguments, so a raw
/// tracepoint needs no tracefs, no tracepoint id and no record offset. Tracefs is the fallback for
/// kernels without BTF (or whose BTF lacks the tracepoint); nothing is ever mounted here.
enum DropReasonPlanner {
    typealias Reader = (String) -> Result<[UInt8], Errno32>
    typealias BTFReader = (String) -> Result<BTFKfreeSkb, BTFFileError>

    /// Reads every file through `read`, the BTF blob whole (fixtures in tests).
    static func plan(btfPath: String, tracefsRoots: [String], read: Reader) -> Result<DropReasonPlan, DropReasonUnavailable> {
        plan(btfPath: btfPath, tracefsRoots: tracefsRoots, read: read) { path in
            read(path).mapError(BTFFileError.unreadable).flatMap { bytes in
                Result { () throws(DescriptionError) in
                    try bytes.withUnsafeBufferPointer { buffer throws(DescriptionError) in try BTFParser.kfreeSkb(buffer) }
                }.mapError(BTFFileError.malformed)
            }
        }
    }

    /// `readBTF` describes the BTF file (the live counter streams it: BTFParser.kfreeSkb(path:)).
    static func plan(btfPath: String, tracefsRoots: [String], read: Reader,
                     readBTF: BTFReader) -> Result<DropReasonPlan, DropReasonUnavailable> {
        var btfProblem = "not read"
        var btfNames: DropReasonNames?
        switch readBTF(btfPath) {
        case .failure(.unreadable(let error)):
            btfProblem = error.text
        case .failure(.malformed(let error)):
            btfProblem = error.detail
        case .success(let btf):
            btfNames = btf.names
            do {
                if let plan = try rawTracepointPlan(btf, source: btfPath) { return .success(plan) }
                btfProblem = "no btf_trace_kfree_skb type"
            } catch {
                if error.kind == .noReasonField { return .failure(error.unavailable(source: btfPath)) }
                btfProblem = error.detail
            }
        }
        for root in tracefsRoots {
            let formatPath = root + "/events/skb/kfree_skb/format"
            guard case .success(let bytes) = read(formatPath) else { continue }
            return tracepointPlan(bytes, formatPath: formatPath, fallbackNames: btfNames, read: read)
        }
        return .failure(.noDescription(btfPath: btfPath, btfProblem: btfProblem, tracefsRoots: tracefsRoots))
    }

    /// nil when BTF does not describe the tracepoint (try tracefs); throws when it shows no reason.
    private static func rawTracepointPlan(_ btf: BTFKfreeSkb, source: String) throws(DescriptionError) -> DropReasonPlan? {
        guard btf.tracepointArgumentCount != nil else { return nil }
        guard let index = btf.reasonArgumentIndex else { throw .noReasonField("btf_trace_kfree_skb has no reason argument") }
        guard let names = btf.names, usable(names) else { throw .malformed("enum skb_drop_reason is missing or empty") }
        return DropReasonPlan(names: names, location: .rawTracepointArgument(index: index),
                              attachment: .rawTracepoint(name: "kfree_skb"), mechanism: DropReasonPlan.rawTracepointMechanism)
    }

    private static func tracepointPlan(_ bytes: [UInt8], formatPath: String, fallbackNames: DropReasonNames?,
                                       read: Reader) -> Result<DropReasonPlan, DropReasonUnavailable> {
        let format: KfreeSkbFormat
        do {
            format = try bytes.withUnsafeBufferPointer { buffer throws(DescriptionError) in try TracepointFormatParser.parse(buffer) }
        } catch {
            return .failure(error.unavailable(source: formatPath))
        }
        let idPath = String(formatPath.dropLast("format".count)) + "id"
        var id = format.id
        if id == nil, case .success(let idBytes) = read(idPath) {
            id = UInt64(String(decoding: idBytes, as: UTF8.self).filter { !$0.isWhitespace })
        }
        guard let id else {
            return .failure(.malformed(source: formatPath, detail: "no tracepoint id (no ID: line and no readable \(idPath))"))
        }
        guard let names = format.names ?? fallbackNames, usable(names) else {
            return .failure(.malformed(source: formatPath, detail: "no numeric __print_symbolic list of reason names"))
        }
        return .success(DropReasonPlan(names: names, location: .traceRecord(offset: format.reasonOffset, size: format.reasonSize),
                                       attachment: .tracepoint(id: id), mechanism: DropReasonPlan.tracefsMechanism))
    }

    /// A limit of zero would leave only the overflow slot; past 16 bits it is not a core reason number.
    private static func usable(_ names: DropReasonNames) -> Bool { names.limit > 0 && names.limit <= 0xFFFF }
}

/// Whole-file reads with a POSIX read loop: /sys and tracefs files report a size of 0 or one page.
enum KernelFile {
    static func contents(of path: String) -> Result<[UInt8], Errno32> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(Errno32(errno)) }
        defer { close(fd) }
        var contents: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(Errno32(errno))
            }
            if count == 0 { return .success(contents) }
            contents.append(contentsOf: chunk[0..<count])
        }
    }

    /// The number of possible CPUs (per-CPU map values come in that many), from /sys.
    static func possibleCPUs() -> Int? {
        guard case .success(let list) = contents(of: "/sys/devices/system/cpu/possible") else { return nil }
        return possibleCPUCount(String(decoding: list, as: UTF8.self))
    }

    /// The number of possible CPUs from a list such as "0-1" or "0,2-7" (per-CPU values come in that many).
    static func possibleCPUCount(_ text: String) -> Int? {
        var highest = -1
        for range in text.split(whereSeparator: { $0 == "," || $0.isWhitespace }) {
            guard let last = range.split(separator: "-").last, let value = Int(last), value >= 0 else { return nil }
            highest = max(highest, value)
        }
        return highest >= 0 ? highest + 1 : nil
    }
}
