#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The bytes of a BTF blob: in memory, or a file read through one fixed window. The kernel's BTF
/// (/sys/kernel/btf/vmlinux) is 5+ MB of which droptop needs a few hundred bytes, so the file is
/// streamed, never held whole: reading it at once doubled droptop's peak memory.
final class BTFBytes {
    /// Bytes in the blob; for a file, its size when opened (Int.max when the file system says 0).
    let count: Int
    /// The most bytes one view may be required to hold.
    let capacity: Int
    private let memory: UnsafeBufferPointer<UInt8>?
    private let descriptor: Int32
    private let window: UnsafeMutableBufferPointer<UInt8>
    private var windowStart = 0, windowCount = 0

    init(_ memory: UnsafeBufferPointer<UInt8>) {
        self.memory = memory
        self.count = memory.count
        self.capacity = Int.max
        self.descriptor = -1
        self.window = .allocate(capacity: 0)
    }

    private init(descriptor: Int32, size: Int, windowSize: Int) {
        self.memory = nil
        self.count = size
        self.capacity = windowSize
        self.descriptor = descriptor
        self.window = .allocate(capacity: windowSize)
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
        window.deallocate()
    }

    /// Opens `path` for windowed reads; the descriptor is closed with the object. sysfs hands a
    /// binary file out one page a read, so a larger window would save no read but cost more for
    /// each of the scattered strings and records looked up after the passes.
    static func file(_ path: String, windowSize: Int = 4096) -> Result<BTFBytes, Errno32> {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return .failure(Errno32(errno)) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let error = Errno32(errno)
            close(descriptor)
            return .failure(error)
        }
        // A file that reports no size is read until it ends; a short read then says "truncated".
        let size = status.st_size > 0 ? Int(status.st_size) : Int.max
        return .success(BTFBytes(descriptor: descriptor, size: size, windowSize: max(windowSize, 64)))
    }

    /// Between `minimum` and `maximum` bytes from `offset` (fewer than `maximum` only where the window
    /// ends; `minimum` <= capacity). The view is valid until the next call.
    func bytes(from offset: Int, minimum: Int, maximum: Int) throws(DescriptionError) -> UnsafeBufferPointer<UInt8> {
        guard offset >= 0, minimum <= maximum, minimum <= count - offset else { throw .malformed("truncated at byte \(offset)") }
        let wanted = min(maximum, count - offset)
        if let memory { return UnsafeBufferPointer(rebasing: memory[offset..<offset + wanted]) }
        let windowEnd = windowStart + windowCount
        if offset < windowStart || offset + minimum > windowEnd {
            try fill(from: offset)
            guard minimum <= windowCount else { throw .malformed("truncated at byte \(offset + windowCount)") }
        }
        let available = min(wanted, windowStart + windowCount - offset)
        return UnsafeBufferPointer(rebasing: window[(offset - windowStart)..<(offset - windowStart + available)])
    }

    private func fill(from offset: Int) throws(DescriptionError) {
        let wanted = min(window.count, count - offset)
        var filled = 0
        while filled < wanted {
            let got = pread(descriptor, window.baseAddress! + filled, wanted - filled, off_t(offset + filled))
            if got < 0 && errno == EINTR { continue }
            guard got >= 0 else { throw .malformed("read failed at byte \(offset + filled): \(Errno32(errno).text)") }
            if got == 0 { break }
            filled += got
        }
        (windowStart, windowCount) = (offset, filled)
    }
}

/// How a BTF file could not be used: not opened, or not a usable blob.
enum BTFFileError: Error, Equatable {
    case unreadable(Errno32)
    case malformed(DescriptionError)
}

/// The validated sections of a BTF blob with bounds-checked little-endian reads.
struct BTFBlob {
    let source: BTFBytes
    let typesStart: Int, typesEnd: Int, stringsStart: Int, stringsEnd: Int

    init(_ bytes: UnsafeBufferPointer<UInt8>) throws(DescriptionError) { try self.init(BTFBytes(bytes)) }

    /// What `parse` finds in the BTF file at `path`, read through a fixed window (BTFBytes).
    static func streaming<T>(_ path: String, _ parse: (BTFBlob) throws(DescriptionError) -> T) -> Result<T, BTFFileError> {
        switch BTFBytes.file(path) {
        case .failure(let error): return .failure(.unreadable(error))
        case .success(let source):
            do { return .success(try parse(try BTFBlob(source))) } catch { return .failure(.malformed(error)) }
        }
    }

    init(_ source: BTFBytes) throws(DescriptionError) {
        self.source = source
        guard source.count >= 24 else { throw .malformed("shorter than a BTF header (\(source.count) bytes)") }
        let header = try source.bytes(from: 0, minimum: 24, maximum: 24)
        guard try Self.u16(header, 0) == 0xEB9F else { throw .malformed("not little-endian BTF (bad magic)") }
        let headerLength = Int(try Self.u32(header, 4))
        let (typeOffset, typeLength) = (Int(try Self.u32(header, 8)), Int(try Self.u32(header, 12)))
        let (stringOffset, stringLength) = (Int(try Self.u32(header, 16)), Int(try Self.u32(header, 20)))
        guard headerLength >= 24 else { throw .malformed("header length \(headerLength) is too small") }
        (typesStart, typesEnd) = (headerLength + typeOffset, headerLength + typeOffset + typeLength)
        (stringsStart, stringsEnd) = (headerLength + stringOffset, headerLength + stringOffset + stringLength)
        guard typesEnd <= source.count, stringsEnd <= source.count else {
            throw .malformed("truncated: sections end at \(max(typesEnd, stringsEnd)) of \(source.count) bytes")
        }
    }

    static func u16(_ bytes: UnsafeBufferPointer<UInt8>, _ at: Int) throws(DescriptionError) -> UInt16 {
        guard at >= 0, at + 2 <= bytes.count else { throw .malformed("truncated at byte \(at)") }
        return UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8
    }

    static func u32(_ bytes: UnsafeBufferPointer<UInt8>, _ at: Int) throws(DescriptionError) -> UInt32 {
        guard at >= 0, at + 4 <= bytes.count else { throw .malformed("truncated at byte \(at)") }
        return UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
    }

    func u32(_ at: Int) throws(DescriptionError) -> UInt32 { try Self.u32(source.bytes(from: at, minimum: 4, maximum: 4), 0) }

    func record(at position: Int) throws(DescriptionError) -> BTFRecord {
        guard position + 12 <= typesEnd else { throw .malformed("type record at \(position) runs past the type section") }
        let head = try source.bytes(from: position, minimum: 12, maximum: 12)
        let info = try Self.u32(head, 4)
        let kind = (info >> 24) & 0x1F, vlen = Int(info & 0xFFFF)
        guard let extra = BTFKind.dataSize(kind: kind, vlen: vlen) else { throw .malformed("unknown type kind \(kind)") }
        let end = position + 12 + extra
        guard end <= typesEnd else { throw .malformed("type record at \(position) runs past the type section") }
        return BTFRecord(nameOffset: try Self.u32(head, 0), kind: kind, vlen: vlen, sizeOrType: try Self.u32(head, 8),
                         kindFlag: info >> 31 == 1, dataStart: position + 12, end: end)
    }

    /// The NUL-terminated string at `offset` in the string section.
    func string(_ offset: UInt32) throws(DescriptionError) -> String {
        var position = stringsStart + Int(offset)
        guard position < stringsEnd else { throw .malformed("string offset \(offset) is past the string section") }
        var text: [UInt8] = []
        while position < stringsEnd {
            let piece = try source.bytes(from: position, minimum: 1, maximum: stringsEnd - position)
            if let end = piece.firstIndex(of: 0) { return String(decoding: text + piece[..<end], as: UTF8.self) }
            text += piece
            position += piece.count
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Compares without making a String.
    func name(_ offset: UInt32, equals target: StaticString) -> Bool {
        let start = stringsStart + Int(offset), count = target.utf8CodeUnitCount
        guard start + count < stringsEnd, count < source.capacity,
              let stored = try? source.bytes(from: start, minimum: count + 1, maximum: count + 1) else { return false }
        return stored[count] == 0 && memcmp(stored.baseAddress!, target.utf8Start, count) == 0
    }

    /// The string-section offsets whose string is each of `targets`, in one streamed pass: an offset
    /// matches when the bytes from it up to a NUL are the target, as in `name(_:equals:)`, so an
    /// offset into the tail of a longer string counts too. The type walk then compares numbers.
    func offsets(ofNames targets: [StaticString]) throws(DescriptionError) -> [Set<UInt32>] {
        var found = Array(repeating: Set<UInt32>(), count: targets.count)
        let longest = targets.map(\.utf8CodeUnitCount).max() ?? 0
        var scanned = stringsStart  // every NUL before this has been looked at
        while scanned < stringsEnd {
            // Start `longest` bytes early so a name split across two windows is still whole.
            let from = max(stringsStart, scanned - longest)
            let piece = try source.bytes(from: from, minimum: scanned - from + 1, maximum: stringsEnd - from)
            let base = piece.baseAddress!
            var at = scanned - from
            while at < piece.count, let hit = memchr(base + at, 0, piece.count - at) {
                let nul = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                for (index, target) in targets.enumerated() {
                    let length = target.utf8CodeUnitCount
                    if nul >= length, memcmp(base + nul - length, target.utf8Start, length) == 0 {
                        found[index].insert(UInt32(from + nul - length - stringsStart))
                    }
                }
                at = nul + 1
            }
            scanned = from + piece.count
        }
        return found
    }
}

/// Where type records start, kept for every 64th id: any id is found by walking at most 63 records,
/// where a table of every record (vmlinux has 150,000+) would take 1.2 MB.
struct BTFTypeIndex {
    static let stride = 64
    private var checkpoints: [Int] = []
    /// Ids given so far, counting void (id 0).
    private(set) var count = 1

    /// Records the next id's record position; ids count from 1 in record order.
    mutating func append(_ position: Int) {
        if (count - 1) % Self.stride == 0 { checkpoints.append(position) }
        count += 1
    }

    func record(_ id: Int, in blob: BTFBlob) throws(DescriptionError) -> BTFRecord {
        guard id > 0, id < count else { throw .malformed("type id \(id) is not in the type section") }
        var record = try blob.record(at: checkpoints[(id - 1) / Self.stride])
        for _ in 0..<((id - 1) % Self.stride) { record = try blob.record(at: record.end) }
        return record
    }
}
