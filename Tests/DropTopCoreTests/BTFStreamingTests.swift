import Foundation
import Testing
@testable import DropTopCore

/// The live counter streams the kernel's BTF through a fixed window (BTFBytes) instead of reading
/// it whole; these check that streaming finds exactly what the in-memory parse finds.
@Suite struct BTFStreamingTests {
    private func withFile<T>(_ bytes: [UInt8], _ body: (String) throws -> T) throws -> T {
        let path = NSTemporaryDirectory() + "droptop-btf-\(UUID().uuidString)"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try body(path)
    }

    /// Streams `path` through a window of `windowSize` bytes.
    private func streamed(_ path: String, windowSize: Int) -> Result<BTFKfreeSkb, BTFFileError> {
        BTFBytes.file(path, windowSize: windowSize).mapError(BTFFileError.unreadable).flatMap { source in
            Result { () throws(DescriptionError) in try BTFParser.kfreeSkb(try BTFBlob(source)) }.mapError(BTFFileError.malformed)
        }
    }

    private func inMemory(_ bytes: [UInt8]) -> BTFKfreeSkb? { try? parse(bytes: bytes) { try BTFParser.kfreeSkb($0) } }

    /// Names straddling window edges (every padding up to past the window) and ids past the index's stride.
    @Test func smallWindowsFindWhatTheWholeBlobHolds() throws {
        for padding in 0..<80 {
            let bytes = SyntheticBTF.kfreeSkb(padding: padding, fillerTypes: padding * 3).bytes
            let expected = try #require(inMemory(bytes))
            #expect(expected.reasonArgumentIndex == 2 && expected.names?.limit == 4)
            for windowSize in [64, 100, 4096] {
                let found = try withFile(bytes) { streamed($0, windowSize: windowSize) }
                #expect(found == .success(expected), "padding \(padding), window \(windowSize)")
            }
        }
    }

    /// Every truncation and single corrupted byte gives the in-memory answer, value or error.
    @Test func damagedBlobsGiveTheSameAnswerStreamed() throws {
        let bytes = SyntheticBTF.kfreeSkb(padding: 40).bytes
        var damaged = (0..<bytes.count).map { Array(bytes.prefix($0)) }
        for position in 0..<bytes.count {
            var corrupt = bytes
            corrupt[position] ^= 0xFF
            damaged.append(corrupt)
        }
        for blob in damaged {
            let found = try withFile(blob) { streamed($0, windowSize: 64) }
            #expect((try? found.get()) == inMemory(blob))
        }
    }

    @Test func aMissingFileIsUnreadable() {
        #expect(BTFParser.kfreeSkb(path: "/nonexistent/vmlinux") == .failure(.unreadable(Errno32(ENOENT))))
    }

    @Test func theRunningKernelsBTFStreamedEqualsReadWhole() throws {
        let path = "/sys/kernel/btf/vmlinux"
        guard let data = FileManager.default.contents(atPath: path), !data.isEmpty else {
            print("skipped: \(path) is not readable")
            return
        }
        let whole = try parse(bytes: Array(data)) { try BTFParser.kfreeSkb($0) }
        #expect(BTFParser.kfreeSkb(path: path) == .success(whole))
    }
}
