#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import SystemPackage

/// Why a source could not be read or parsed; becomes one entry of the `errors` list.
public struct SourceError: Error, Equatable, Codable, Sendable {
    /// The path as the user knows it (/proc/net/snmp), not the captured tree's path.
    public var source: String
    public var message: String
    public init(source: String, message: String) { self.source = source; self.message = message }
}

/// Reads files under a /proc root and a /sys root with a POSIX read loop into one reused buffer.
///
/// Foundation's file APIs stop after the first page of a /proc file (its size reads as 0), so
/// every read here loops until read(2) returns 0. The buffer grows to the largest file seen and
/// is then reused, so a steady-state sample does not allocate for I/O.
public final class FileReader {
    public let procRoot: String
    public let sysRoot: String
    private var buffer: [UInt8]
    /// The most read from one /proc file. A larger one is refused and its source dropped with
    /// an error (a truncated table would look complete), so no tree can take the memory.
    public var procFileLimit = 16 << 20
    /// The most read from one /sys file: each holds one value.
    public var sysFileLimit = 4 << 10
    /// The piece size for `forEachLineChunk` (socket tables are streamed, not capped). 64 KiB,
    /// as each namespace's reader: the buffer stays resident for the whole run, and at 1 MiB it
    /// was a quarter of the live view's own (anonymous) memory; a 9 MB table takes ~140 reads.
    public var chunkSize = 64 << 10
    /// Files refused before any parser saw them (not regular, too large) or cut short (below),
    /// also by callers that ignore errors because a missing file is normal: the sampler reports
    /// these every time.
    public var refusals: [SourceError] = []
    /// Bytes read by the last call, for the benchmark.
    public private(set) var lastByteCount = 0
    /// Keep files open and read them again from the start (pread at 0: /proc, /proc/sys and
    /// sysfs files are produced anew then) instead of opening them on every sample: the path
    /// lookups cost more than the reads. Only for the live /proc and /sys, never for a captured
    /// tree whose files a test may replace. A file that fails a read is opened again.
    public var keepsFilesOpen = false
    /// With `keepsFilesOpen`, only these files (paths under the root) are kept; nil: any file.
    public var keptOnly: Set<[UInt8]>?
    /// At most this many kept open under each root; the others are opened per read as before.
    static let keptPerRoot = 64
    private var kept: [Root: [[UInt8]: FileDescriptor]] = [:]
    /// The last bytes of each file read with `withParse`, and what they parsed to.
    private var lastParse: [[UInt8]: (bytes: [UInt8], value: Any)] = [:]

    deinit {
        for files in kept.values { for fd in files.values { try? fd.close() } }
    }

    /// Closes the files kept open under `root`: the next reads open them again by path.
    public func closeKeptFiles(_ root: Root) {
        for fd in kept[root]?.values ?? [:].values { try? fd.close() }
        kept[root] = nil
    }

    public init(procRoot: String = "/proc", sysRoot: String = "/sys") {
        self.procRoot = procRoot
        self.sysRoot = sysRoot
        self.buffer = [UInt8](repeating: 0, count: 64 * 1024)
    }

    public enum Root: Sendable { case proc, sys }

    func fullPath(_ root: Root, _ relative: [UInt8]) -> [UInt8] {
        var path = Array((root == .proc ? procRoot : sysRoot).utf8)
        path.append(0x2F)
        path.append(contentsOf: relative)
        return path
    }

    /// The name shown in error messages: always the live path, e.g. "/proc/net/dev".
    public static func displayPath(_ root: Root, _ relative: [UInt8]) -> String {
        (root == .proc ? "/proc/" : "/sys/") + DisplayName.escaped(relative)
    }

    /// Reads a whole file and hands its bytes to `body` (valid only during the call).
    public func withContents<T>(_ root: Root, _ relative: String,
                                _ body: (UnsafeBufferPointer<UInt8>) throws -> T) throws(SourceError) -> T {
        try withContents(root, Array(relative.utf8), body)
    }

    public func withContents<T>(_ root: Root, _ relative: [UInt8],
                                _ body: (UnsafeBufferPointer<UInt8>) throws -> T) throws(SourceError) -> T {
        let display = Self.displayPath(root, relative)
        let count: Int
        do { count = try readAll(root, relative) } catch {
            throw refused(display, error)
        }
        return try parse(display, count, body)
    }

    /// As `withContents`, but the same bytes as at the last read give the last value without
    /// parsing again: an idle namespace prints the same ~400 protocol counters every time.
    public func withParse<T>(_ root: Root, _ relative: String,
                             _ body: (UnsafeBufferPointer<UInt8>) throws -> T) throws(SourceError) -> T {
        let path = Array(relative.utf8)
        let display = Self.displayPath(root, path)
        let count: Int
        do { count = try readAll(root, path) } catch {
            lastParse[path] = nil
            throw refused(display, error)
        }
        if let last = lastParse[path], last.bytes.count == count, let value = last.value as? T,
           buffer.withUnsafeBytes({ memcmp($0.baseAddress!, last.bytes, count) == 0 }) {
            lastByteCount = count
            _ = wholeLines(display, count)   // a line cut short is named again, as on every read
            return value
        }
        let value = try parse(display, count, body)
        lastParse[path] = (Array(buffer[0..<count]), value)
        return value
    }

    /// As `withContents`, but nil when the file does not exist (a module that is not loaded):
    /// one open instead of access(2) and then open.
    public func withContentsIfPresent<T>(_ root: Root, _ relative: String,
                                         _ body: (UnsafeBufferPointer<UInt8>) throws -> T) throws(SourceError) -> T? {
        let display = Self.displayPath(root, Array(relative.utf8))
        let count: Int
        do { count = try readAll(root, Array(relative.utf8)) } catch {
            if let errno = error as? Errno, errno == .noSuchFileOrDirectory { return nil }
            throw refused(display, error)
        }
        return try parse(display, count, body)
    }

    /// Hands the whole lines of the `count` bytes read to `body`.
    private func parse<T>(_ display: String, _ count: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) throws(SourceError) -> T {
        lastByteCount = count
        let whole = wholeLines(display, count)
        return try Self.parse(display) {
            try buffer.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[0..<whole])) }
        }
    }

    private func readAll(_ root: Root, _ relative: [UInt8]) throws -> Int {
        // A read of /proc/sys makes the kernel allocate and zero a buffer of the size asked
        // for (proc_sys_call_handler), the whole buffer (64 KiB or more): a value fits a page.
        let perRead = root == .proc && relative.starts(with: Self.sysctlPrefix) ? 4096 : Int.max
        let mayKeep = keepsFilesOpen && (keptOnly?.contains(relative) ?? true)
        return try readAll(root, fullPath(root, relative), perRead: perRead, mayKeep: mayKeep)
    }

    /// Streams a file that may be long (a socket table) to `body` in pieces of at most
    /// `chunkSize` bytes that end at a line end.
    /// Memory stays at one chunk however long the file; an empty file is one empty piece.
    /// A line longer than a chunk is an error.
    public func forEachLineChunk(_ root: Root, _ relative: String,
                                 _ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws(SourceError) {
        let display = Self.displayPath(root, Array(relative.utf8))
        do {
            let fd = try Self.openRegularFile(fullPath(root, Array(relative.utf8)))
            defer { try? fd.close() }
            if buffer.count < chunkSize { buffer = [UInt8](repeating: 0, count: chunkSize) }
            var filled = 0, handed = 0
            while true {
                let n = try buffer.withUnsafeMutableBytes { raw in
                    try fd.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[filled..<chunkSize]))
                }
                filled += n
                guard n == 0 || filled == chunkSize else { continue }
                // Hand over every complete line; at the end of the file, the rest too.
                let end = n == 0 ? (handed > 0 ? wholeLines(display, filled, after: true) : wholeLines(display, filled))
                    : (buffer[0..<filled].lastIndex(of: 0x0A).map { $0 + 1 } ?? 0)
                if n != 0 && end == 0 { throw FileRefusal.lineTooLong(chunkSize) }
                if end > 0 || handed == 0 {
                    try Self.parse(display) {
                        try buffer.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[0..<end])) }
                    }
                }
                if n == 0 { return }
                handed += end
                buffer.withUnsafeMutableBufferPointer { b in
                    for i in end..<filled { b[i - end] = b[i] }
                }
                filled -= end
            }
        } catch let error as SourceError {
            throw error
        } catch {
            throw refused(display, error)
        }
    }

    /// The kernel ends every line of a /proc table with a newline: a file of several lines whose
    /// last one has none was cut mid-line (a partial read, a truncated capture). That line is
    /// left out and the file named in `refusals`, rather than read with fields missing. A file
    /// of one line (a value) is taken whole. `after`: lines were handed over before.
    private func wholeLines(_ display: String, _ count: Int, after: Bool = false) -> Int {
        guard count > 0, buffer[count - 1] != 0x0A else { return count }
        guard let newline = buffer[0..<count].lastIndex(of: 0x0A) else {
            if after { refusals.append(SourceError(source: display, message: Self.cutShort)) }
            return after ? 0 : count
        }
        refusals.append(SourceError(source: display, message: Self.cutShort))
        return newline + 1
    }

    static let cutShort = "the last line is cut short (no newline at the end of the file); not used"

    /// The error for a file that could not be read; a refusal is also remembered.
    private func refused(_ display: String, _ error: any Error) -> SourceError {
        let sourceError = SourceError(source: display, message: Self.message(error))
        if error is FileRefusal { refusals.append(sourceError) }
        return sourceError
    }

    /// Runs a parser, turning what it throws into an error for `display`.
    private static func parse<T>(_ display: String, _ body: () throws -> T) throws(SourceError) -> T {
        do {
            return try body()
        } catch let error as ParseError {
            throw SourceError(source: display, message: error.message)
        } catch let error as SourceError {
            throw error
        } catch {
            throw SourceError(source: display, message: "\(error)")
        }
    }

    private static func message(_ error: any Error) -> String {
        switch error {
        case let e as Errno: e.description
        case let e as FileRefusal: e.message
        default: "\(error)"
        }
    }

    private func limit(_ root: Root) -> Int { root == .proc ? procFileLimit : sysFileLimit }

    private static let sysctlPrefix = Array("sys/".utf8)

    /// Reads the file into `buffer` through a kept descriptor when there is one; returns the byte count.
    private func readAll(_ root: Root, _ path: [UInt8], perRead: Int, mayKeep: Bool) throws -> Int {
        let limit = limit(root)
        if mayKeep, let fd = kept[root]?[path] {
            do { return try fill(fd, limit: limit, perRead: perRead) } catch let error as Errno where !Self.isGone(error) {
                throw error   // the file is there without a value now (a virtual link's speed): keep it
            } catch let error as FileRefusal {
                throw error
            } catch {
                kept[root]?[path] = nil
                try? fd.close()
            }
        }
        let fd = try Self.openRegularFile(path)
        let keep = mayKeep && kept[root, default: [:]].count < Self.keptPerRoot
        if keep { kept[root, default: [:]][path] = fd }
        defer { if !keep { try? fd.close() } }
        return try fill(fd, limit: limit, perRead: perRead)
    }

    /// What a kept descriptor reads once its file is gone: a removed device's sysfs file
    /// (ENODEV), an unloaded module's /proc file (EIO). It is then opened again by path.
    private static func isGone(_ error: Errno) -> Bool {
        error == .operationNotSupportedByDevice || error == .ioError || error == .noSuchFileOrDirectory
    }

    /// Reads from the start of the file into `buffer`, at most `limit` bytes, `perRead` at a time.
    private func fill(_ fd: FileDescriptor, limit: Int, perRead: Int) throws -> Int {
        // One byte more than the limit tells a file of exactly the limit from a larger one.
        let want = limit + 1
        var count = 0
        while true {
            if count == want { throw FileRefusal.tooLarge(limit) }
            if count == buffer.count { buffer.append(contentsOf: repeatElement(0, count: min(buffer.count, want - count))) }
            let end = min(buffer.count, count + min(perRead, want - count))
            let n = try buffer.withUnsafeMutableBytes { raw in
                try fd.read(fromAbsoluteOffset: Int64(count), into: UnsafeMutableRawBufferPointer(rebasing: raw[count..<end]))
            }
            if n == 0 { return count }
            count += n
        }
    }

    /// A whole file (a recording) of at most `limit` bytes, read like every other file.
    public static func readWholeFile(_ path: String, limit: Int) throws -> [UInt8] {
        let fd = try openRegularFile(Array(path.utf8))
        defer { try? fd.close() }
        var all: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = try chunk.withUnsafeMutableBytes { try fd.read(into: $0) }
            if n == 0 { return all }
            guard all.count + n <= limit else { throw FileRefusal.tooLarge(limit) }
            all.append(contentsOf: chunk[0..<n])
        }
    }

    /// Opens a file for reading without ever blocking: O_NONBLOCK makes opening a FIFO return
    /// at once, and anything but a regular file (every /proc and /sys file is one) is refused
    /// before it is read, so a FIFO or a device in a captured tree cannot hang droptop.
    public static func openRegularFile(_ path: [UInt8]) throws -> FileDescriptor {
        let cString = path.map { CChar(bitPattern: $0) } + [0]
        let filePath = cString.withUnsafeBufferPointer { p in
            p.baseAddress.map { FilePath(platformString: $0) } ?? FilePath()
        }
        let fd = try FileDescriptor.open(filePath, .readOnly, options: [.closeOnExec, .nonBlocking])
        var info = stat()
        guard fstat(fd.rawValue, &info) == 0 else {
            let error = Errno(rawValue: errno)
            try? fd.close()
            throw error
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            try? fd.close()
            throw FileRefusal.notRegular(FileRefusal.kind(info.st_mode))
        }
        return fd
    }

    /// The names in a directory (no "." or ".."), as raw bytes; nil when it cannot be opened.
    public func directoryEntries(_ root: Root, _ relative: [UInt8]) -> [[UInt8]]? {
        let cString = fullPath(root, relative).map { CChar(bitPattern: $0) } + [0]
        guard let dir = opendir(cString) else { return nil }
        defer { closedir(dir) }
        var names: [[UInt8]] = []
        while let entry = readdir(dir) {
            let name: [UInt8] = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                Array(raw.prefix { $0 != 0 })
            }
            if name == [0x2E] || name == [0x2E, 0x2E] { continue }
            names.append(name)
        }
        return names
    }

    /// The target of a symbolic link, nil when it is not one.
    public func linkTarget(_ root: Root, _ relative: [UInt8]) -> [UInt8]? {
        let cString = fullPath(root, relative).map { CChar(bitPattern: $0) } + [0]
        var target = [CChar](repeating: 0, count: 4096)
        let n = readlink(cString, &target, target.count - 1)
        guard n > 0 else { return nil }
        return target[0..<n].map { UInt8(bitPattern: $0) }
    }

    public func exists(_ root: Root, _ relative: String) -> Bool {
        access(fullPath(root, Array(relative.utf8)).map { CChar(bitPattern: $0) } + [0], F_OK) == 0
    }
}

/// Why a file was not read, before any parser saw it.
enum FileRefusal: Error, CustomStringConvertible {
    case notRegular(String)
    case tooLarge(Int)
    case lineTooLong(Int)

    var description: String { message }

    var message: String {
        switch self {
        case .notRegular(let kind): "not a regular file (\(kind)); not read"
        case .tooLarge(let limit): "larger than \(Self.size(limit)); not read"
        case .lineTooLong(let limit): "a line longer than \(Self.size(limit)); not read"
        }
    }

    static func size(_ bytes: Int) -> String {
        if bytes >= 1 << 20 && bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        if bytes >= 1 << 10 && bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
        return "\(bytes) bytes"
    }

    static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: "FIFO"
        case S_IFCHR: "character device"
        case S_IFBLK: "block device"
        case S_IFSOCK: "socket"
        case S_IFDIR: "directory"
        default: "special file"
        }
    }
}
