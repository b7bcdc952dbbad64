#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// A recording is JSON Lines: a header naming the format and host, then one raw Sample per
/// line (counters and socket aggregates, never rates), so every derived number can be
/// computed again on replay, on any machine.
public enum Recording {
    public static let format = "droptop.recording/1"

    struct Header: Codable {
        var format: String
        var hostname: String?
        var kernel: String?
        var created: String?
    }
}

/// Appends samples to a recording; each line is written with one write(2) and is complete
/// before the next begins, so a droptop killed mid-run leaves a file that replays.
public final class RecordingWriter {
    private let fd: FileDescriptor
    private let path: String
    private let encoder = JSONEncoder()
    private var wroteHeader: Bool
    /// The first sample this writer appends is marked as the start of a run.
    private var markedRunStart = false

    public init(path: String) throws(SourceError) {
        self.path = path
        do {
            fd = try FileDescriptor.open(FilePath(path), .readWrite, options: [.create, .append, .closeOnExec],
                                         permissions: [.ownerReadWrite, .groupRead, .otherRead])
            wroteHeader = try fd.seek(offset: 0, from: .end) > 0
        } catch {
            throw SourceError(source: path, message: "cannot open for recording: \(error)")
        }
        // Appending samples to some other file would damage it, and it would not replay.
        do { try RecordingFile.checkAppendable(fd, path: path) } catch { try? fd.close(); throw error }
    }

    deinit { try? fd.close() }

    public func append(_ sample: Sample) throws(SourceError) {
        do {
            if !wroteHeader {
                let header = Recording.Header(format: Recording.format, hostname: sample.host.hostname,
                                              kernel: sample.host.kernel, created: JSONReport.isoTime(sample.wallSeconds))
                try writeLine(encoder.encode(header))
                wroteHeader = true
            }
            var sample = sample
            if !markedRunStart { sample.startsRun = true; markedRunStart = true }
            try writeLine(encoder.encode(sample))
        } catch let e as SourceError {
            throw e
        } catch {
            throw SourceError(source: path, message: "cannot write the recording: \(error)")
        }
    }

    private func writeLine(_ data: Data) throws {
        var bytes = [UInt8](data)
        bytes.append(0x0A)
        try RecordingFile.appendLine(bytes, to: fd)
    }
}

/// Reads a recording: every valid sample up to the first bad line, and what was wrong there.
public struct RecordingReader {
    public private(set) var samples: [Sample] = []
    /// "line 7: ..." when the file stops being valid before its end (truncated, corrupted).
    public private(set) var problem: String?
    /// The largest recording read (a day of one-second samples of a big server fits).
    public static let maxBytes = 1 << 30

    public init(path: String) throws(SourceError) {
        let bytes: [UInt8]
        do {
            // A FIFO or device is refused, not waited on; the size is capped (Sampling/FileReader).
            bytes = try FileReader.readWholeFile(path, limit: Self.maxBytes)
        } catch {
            throw SourceError(source: path, message: "cannot read the recording: \(error)")
        }
        try self.init(bytes: bytes, path: path)
    }

    public init(bytes: [UInt8], path: String = "recording") throws(SourceError) {
        let decoder = JSONDecoder()
        let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        // Every string is shortened before decoding: no value from a file is shown whole if huge.
        guard let first = lines.first, !first.isEmpty,
              let header = try? decoder.decode(Recording.Header.self, from: Data(JSONStringClamp.clamped(first))) else {
            throw SourceError(source: path, message: "not a droptop recording (line 1 is not a droptop.recording header)")
        }
        guard header.format == Recording.format else {
            let format = DisplayName.escaped(header.format)
            throw SourceError(source: path,
                              message: "recording format \(format) is not known to this droptop (it reads \(Recording.format))")
        }
        for (index, line) in lines.enumerated().dropFirst() {
            if line.isEmpty { continue }
            do {
                let clamped = Data(JSONStringClamp.clamped(line))
                samples.append(try decoder.decode(Sample.self, from: clamped))
            } catch {
                problem = "line \(index + 1) is not a valid sample (truncated or corrupted); "
                    + "replayed the \(samples.count) samples before it"
                break
            }
        }
    }
}
