#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The raw system calls behind the BPF counters (drop reasons, TCP state changes): bpf(2), perf_event_open(2) and ioctl(2).
///
/// Swift does not import C variadic functions, so `syscall(2)` is looked up once with dlsym and
/// called through a fixed seven-word signature; on the Linux ABIs Swift supports (x86_64,
/// arm64) integer arguments to a variadic callee travel in the same registers as fixed ones.
enum KernelCall {
    private typealias SyscallFunction = @convention(c) (Int, Int, Int, Int, Int, Int, Int) -> Int

    private static let syscallFunction: SyscallFunction? = {
        guard let symbol = dlsym(nil, "syscall") else { return nil }
        return unsafeBitCast(symbol, to: SyscallFunction.self)
    }()

    #if arch(x86_64)
    private static let bpfNumber = 321, perfEventOpenNumber = 298, ioctlNumber = 16
    #elseif arch(arm64)
    private static let bpfNumber = 280, perfEventOpenNumber = 241, ioctlNumber = 29
    #else
    private static let bpfNumber = -1, perfEventOpenNumber = -1, ioctlNumber = -1
    #endif

    /// The result, or the errno of the failure (ENOSYS when the call cannot be made here).
    private static func call(_ number: Int, _ a: Int, _ b: Int, _ c: Int, _ d: Int = 0, _ e: Int = 0) -> Result<Int, Errno32> {
        guard number >= 0, let function = syscallFunction else { return .failure(Errno32(ENOSYS)) }
        errno = 0
        let result = function(number, a, b, c, d, e, 0)
        return result < 0 ? .failure(Errno32(errno)) : .success(result)
    }

    /// bpf(command, attr, size) with `attr` as the kernel's union bpf_attr bytes.
    static func bpf(_ command: BPFCommand, _ attr: inout BPFAttr) -> Result<Int32, Errno32> {
        attr.bytes.withUnsafeMutableBytes { raw in
            call(bpfNumber, Int(command.rawValue), Int(bitPattern: raw.baseAddress), raw.count)
        }.map { Int32(truncatingIfNeeded: $0) }
    }

    /// perf_event_open for one tracepoint id, on `cpu`, any process; the descriptor closes on exec.
    static func openTracepointEvent(id: UInt64, cpu: Int32) -> Result<Int32, Errno32> {
        var attr = BPFAttr(size: PerfEventAttr.size)
        attr.set32(PerfEventAttr.type, PerfEventAttr.typeTracepoint)
        attr.set32(PerfEventAttr.sizeField, UInt32(PerfEventAttr.size))
        attr.set64(PerfEventAttr.config, id)
        attr.set64(PerfEventAttr.samplePeriod, 1)
        return attr.bytes.withUnsafeMutableBytes { raw in
            call(perfEventOpenNumber, Int(bitPattern: raw.baseAddress), -1, Int(cpu), -1, PerfEventAttr.flagCloseOnExec)
        }.map { Int32(truncatingIfNeeded: $0) }
    }

    static func ioctl(_ fd: Int32, _ request: UInt, _ argument: Int) -> Result<Int, Errno32> {
        call(ioctlNumber, Int(fd), Int(bitPattern: request), argument)
    }
}

/// An errno value with its strerror text, comparable in tests.
struct Errno32: Error, Equatable, Sendable {
    var code: Int32
    init(_ code: Int32) { self.code = code }
    var isPermission: Bool { code == EPERM || code == EACCES }
    var text: String { String(cString: strerror(code)) + " (errno \(code))" }
}

/// The bpf(2) commands used here (include/uapi/linux/bpf.h, enum bpf_cmd).
enum BPFCommand: UInt32 {
    case mapCreate = 0, mapLookupElement = 1, mapUpdateElement = 2, mapDeleteElement = 3, programLoad = 5, programGetNextID = 11
    case programGetFDByID = 13, objectGetInfoByFD = 15, rawTracepointOpen = 17, mapLookupBatch = 24
    case mapDeleteBatch = 27
}

/// Offsets and constants of struct perf_event_attr (include/uapi/linux/perf_event.h).
enum PerfEventAttr {
    static let size = 112  // PERF_ATTR_SIZE_VER5, understood since Linux 4.1
    static let type = 0, sizeField = 4, config = 8, samplePeriod = 16
    static let typeTracepoint: UInt32 = 2
    static let flagCloseOnExec = 8  // PERF_FLAG_FD_CLOEXEC
    static let ioctlEnable: UInt = 0x2400  // _IO('$', 0)
    static let ioctlSetBPF: UInt = 0x4004_2408  // _IOW('$', 8, __u32)
}

/// A zero-filled attribute block written field by field at the kernel's offsets (little-endian hosts).
struct BPFAttr {
    var bytes: [UInt8]
    init(size: Int = 128) { bytes = [UInt8](repeating: 0, count: size) }

    mutating func set32(_ offset: Int, _ value: UInt32) {
        for i in 0..<4 { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * i)) }
    }

    mutating func set64(_ offset: Int, _ value: UInt64) {
        for i in 0..<8 { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * i)) }
    }

    mutating func setPointer(_ offset: Int, _ pointer: UnsafeRawPointer?) {
        set64(offset, UInt64(UInt(bitPattern: pointer)))
    }

    /// A NUL-padded object name (BPF_OBJ_NAME_LEN is 16 including the NUL).
    mutating func setName(_ offset: Int, _ name: String) {
        for (i, byte) in name.utf8.prefix(15).enumerated() { bytes[offset + i] = byte }
    }

    func get32(_ offset: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << (8 * $1) }
    }

    func get64(_ offset: Int) -> UInt64 {
        (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[offset + $1]) << (8 * $1) }
    }
}

/// A file descriptor closed exactly once, by its owner.
final class OwnedDescriptor: Sendable {
    let fd: Int32
    init(_ fd: Int32) { self.fd = fd }
    deinit { close(fd) }
}
