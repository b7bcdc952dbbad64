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
    private let encoder = JSONEncoder()
    private var wroteHeader: Bool

    public init(path: String) throws(SourceError) {
        do {
            fd = try FileDescriptor.open(FilePath(path), .readWrite, options: [.create, .append, .closeOnExec],
                                         permissions: [.ownerReadWrite, .groupRead, .otherRead])
            wroteHeader = try fd.seek(offset: 0, from: .end) > 0
        } catch {
            throw SourceError(source: path, message: "cannot open for recording: \(error)")
        }
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
            try writeLine(encoder.encode(sample))
        } catch let e as SourceError {
            throw e
        } catch {
            throw SourceError(source: "recording", message: "\(error)")
        }
    }

    private func writeLine(_ data: Data) throws {
        var bytes = [UInt8](data)
        bytes.append(0x0A)
        _ = try bytes.withUnsafeBytes { try fd.writeAll($0) }
    }
}

/// Reads a recording: every valid sample up to the first bad line, and what was wrong there.
public struct RecordingReader {
    public private(set) var samples: [Sample] = []
    /// "line 7: ..." when the file stops being valid before its end (truncated, corrupted).
    public private(set) var problem: String?

    public init(path: String) throws(SourceError) {
        let bytes: [UInt8]
        do {
            let fd = try FileDescriptor.open(FilePath(path), .readOnly, options: [.closeOnExec])
            defer { try? fd.close() }
            var all: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = try chunk.withUnsafeMutableBytes { try fd.read(into: $0) }
                if n == 0 { break }
                all.append(contentsOf: chunk[0..<n])
            }
            bytes = all
        } catch {
            throw SourceError(source: path, message: "cannot read the recording: \(error)")
        }
        try self.init(bytes: bytes, path: path)
    }

    public init(bytes: [UInt8], path: String = "recording") throws(SourceError) {
        let decoder = JSONDecoder()
        let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        guard let first = lines.first, !first.isEmpty,
              let header = try? decoder.decode(Recording.Header.self, from: Data(first)) else {
            throw SourceError(source: path, message: "not a droptop recording (line 1 is not a droptop.recording header)")
        }
        guard header.format == Recording.format else {
            throw SourceError(source: path, message: "recording format \(DisplayName.escaped(header.format)) is not known to this droptop (it reads \(Recording.format))")
        }
        for (index, line) in lines.enumerated().dropFirst() {
            if line.isEmpty { continue }
            do {
                samples.append(try decoder.decode(Sample.self, from: Data(line)))
            } catch {
                problem = "line \(index + 1) is not a valid sample (truncated or corrupted); replayed the \(samples.count) samples before it"
                break
            }
        }
    }
}
