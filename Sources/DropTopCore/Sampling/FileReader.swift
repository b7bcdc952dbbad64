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
    /// Bytes read by the last call, for the benchmark.
    public private(set) var lastByteCount = 0

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
        do { count = try readAll(fullPath(root, relative)) } catch let error as Errno {
            throw SourceError(source: display, message: error.description)
        } catch {
            throw SourceError(source: display, message: "\(error)")
        }
        lastByteCount = count
        do {
            return try buffer.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[0..<count])) }
        } catch let error as ParseError {
            throw SourceError(source: display, message: error.message)
        } catch let error as SourceError {
            throw error
        } catch {
            throw SourceError(source: display, message: "\(error)")
        }
    }

    /// Reads the file into `buffer`; returns the byte count.
    private func readAll(_ path: [UInt8]) throws -> Int {
        let fd = try openPath(path)
        defer { try? fd.close() }
        var count = 0
        while true {
            if count == buffer.count { buffer.append(contentsOf: repeatElement(0, count: buffer.count)) }
            let n = try buffer.withUnsafeMutableBytes { raw in
                try fd.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[count...]))
            }
            if n == 0 { return count }
            count += n
        }
    }

    private func openPath(_ path: [UInt8]) throws -> FileDescriptor {
        let cString = path.map { CChar(bitPattern: $0) } + [0]
        let filePath = cString.withUnsafeBufferPointer { p in
            p.baseAddress.map { FilePath(platformString: $0) } ?? FilePath()
        }
        return try FileDescriptor.open(filePath, .readOnly, options: [.closeOnExec])
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
