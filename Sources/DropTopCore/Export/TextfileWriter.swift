#if canImport(Glibc)
import Glibc
#endif

/// `--textfile DIR`: writes DIR/droptop.prom for node_exporter's textfile collector so that a
/// reader never sees a partial file: a temporary file in the same directory (a name the
/// collector ignores, as it reads only *.prom), fsync, then rename over the old one.
public struct TextfileWriter {
    public static let fileName = "droptop.prom"
    public let directory: String

    public init(directory: String) { self.directory = directory }

    public var path: String { directory.hasSuffix("/") ? directory + Self.fileName : directory + "/" + Self.fileName }
    var temporaryPath: String { (directory.hasSuffix("/") ? directory : directory + "/") + ".droptop.prom.\(getpid()).tmp" }

    /// Writes `text` plus the droptop_last_success_timestamp_seconds gauge (wall time now).
    public func write(_ text: String, now: Double) throws(TextfileError) {
        var e = PrometheusReport.Exposition()
        e.add(.lastSuccessTimestamp, [([], (now * 1000).rounded() / 1000)])
        let stamp = e.text
        let bytes = Array((text + stamp).utf8)
        let temporary = temporaryPath
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else { throw failure("cannot create the temporary file \(temporary)") }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return try abandon(fd, temporary, failure("cannot write \(temporary)")) }
            offset += n
        }
        guard fsync(fd) == 0 else { return try abandon(fd, temporary, failure("cannot sync \(temporary)")) }
        guard close(fd) == 0 else { return try abandon(-1, temporary, failure("cannot write \(temporary)")) }
        guard rename(temporary, path) == 0 else { return try abandon(-1, temporary, failure("cannot rename \(temporary) over it")) }
    }

    /// Removes what a failed write left, then throws.
    private func abandon(_ fd: Int32, _ temporary: String, _ error: TextfileError) throws(TextfileError) {
        if fd >= 0 { close(fd) }
        unlink(temporary)
        throw error
    }

    private func failure(_ what: String) -> TextfileError {
        let reason = String(cString: strerror(errno))
        var hint = ""
        switch errno {
        case ENOENT, ENOTDIR: hint = " (create the directory, or pass the textfile collector's directory)"
        case EACCES, EPERM, EROFS: hint = " (droptop's user must be able to write \(directory))"
        case ENOSPC, EDQUOT: hint = " (the file system is full)"
        default: break
        }
        return TextfileError(message: "\(path): \(what): \(reason)\(hint)")
    }
}

public struct TextfileError: Error, Equatable, Sendable {
    public var message: String
}
