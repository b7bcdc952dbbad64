#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import SystemPackage

/// The file side of a recording being written: what may be appended to, and writes that leave
/// only whole lines behind.
enum RecordingFile {
    /// Refuses to append to a file that has content but is not a droptop recording: its first
    /// line must be a droptop.recording header (checked by the reader's own decoder).
    static func checkAppendable(_ fd: FileDescriptor, path: String) throws(SourceError) {
        var info = stat()
        guard fstat(fd.rawValue, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_size > 0 else { return }
        var head = [UInt8](repeating: 0, count: 4096)
        let n = (try? head.withUnsafeMutableBytes { try fd.read(fromAbsoluteOffset: 0, into: $0) }) ?? 0
        let firstLine = Array(head[0..<n].prefix { $0 != 0x0A })
        do {
            _ = try RecordingReader(bytes: firstLine, path: path)
        } catch {
            throw SourceError(source: path, message: "not a droptop recording (line 1 is not a droptop.recording header); "
                                  + "not appending to it")
        }
    }

    /// Appends one line with one write; when it cannot be written whole (disk full), the part
    /// that was written is cut off again, so the file still ends with a whole line.
    static func appendLine(_ bytes: [UInt8], to fd: FileDescriptor) throws {
        var info = stat()
        let before: off_t? = fstat(fd.rawValue, &info) == 0 && info.st_mode & S_IFMT == S_IFREG ? info.st_size : nil
        do {
            _ = try bytes.withUnsafeBytes { try fd.writeAll($0) }
        } catch {
            if let before { _ = ftruncate(fd.rawValue, before) }
            throw error
        }
    }
}
