import Foundation
import Testing
@testable import DropTopCore

/// A copy of a fixture tree in a temporary directory, to plant hostile files in.
final class TreeCopy {
    let root: String

    init(_ fixture: String) throws {
        root = NSTemporaryDirectory() + "droptop-tree-\(UUID().uuidString)"
        try FileManager.default.copyItem(atPath: fixtureRoot(fixture), toPath: root)
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    func write(_ relative: String, _ bytes: [UInt8]) throws {
        try? FileManager.default.removeItem(atPath: root + "/" + relative)
        try Data(bytes).write(to: URL(fileURLWithPath: root + "/" + relative))
    }

    func size(_ relative: String) throws -> Int {
        try FileManager.default.attributesOfItem(atPath: root + "/" + relative)[.size] as? Int ?? -1
    }

    func sampler() -> Sampler { Sampler(procRoot: root + "/proc", sysRoot: root + "/sys") }
}

@Suite struct HostileFileTests {
    @Test func procFileOverTheLimitIsDroppedWithAnError() throws {
        let tree = try TreeCopy("server64")
        let size = try tree.size("proc/net/dev")
        let sampler = tree.sampler()
        sampler.reader.procFileLimit = size          // exactly the limit: read
        #expect(sampler.sample().interfaces.count == 4)
        sampler.reader.procFileLimit = size - 1      // one byte over: refused, the rest read
        let s = sampler.sample()
        #expect(s.errors.contains(SourceError(source: "/proc/net/dev", message: "larger than \(size - 1) bytes; not read")),
                "\(s.errors)")
        #expect(s.interfaces.isEmpty)
        #expect(s.protocols?["Tcp"]?.counters["RetransSegs"] == 1200)   // smaller files still read
    }

    @Test func sysValueFileOverFourKiBIsReportedNotRead() throws {
        let tree = try TreeCopy("server64")
        try tree.write("sys/class/net/eth0/operstate", [UInt8](repeating: 0x41, count: 4097))
        let s = tree.sampler().sample()
        #expect(s.errors == [SourceError(source: "/sys/class/net/eth0/operstate", message: "larger than 4 KiB; not read")])
        #expect(s.interfaces[1].operstate == nil)
        #expect(s.interfaces[1].mtu == 9000)
    }

    @Test func longValueIsShortened() throws {
        let tree = try TreeCopy("server64")
        try tree.write("proc/sys/net/core/somaxconn", [UInt8](repeating: 0x41, count: 4000) + [0x0A])
        let value = try #require(tree.sampler().sample().sysctl["net.core.somaxconn"])
        #expect(value == String(repeating: "A", count: 256) + "...")
    }

    @Test func longOperstateIsNullWithAnErrorNotEchoed() throws {
        let tree = try TreeCopy("server64")
        try tree.write("sys/class/net/eth0/operstate", [UInt8](repeating: 0x41, count: 4000) + [0x0A])
        let s = tree.sampler().sample()
        #expect(s.interfaces[1].operstate == nil)
        let error = try #require(s.errors.first { $0.source == "/sys/class/net/eth0/operstate" })
        #expect(!error.message.contains("AAAA"))
    }

    @Test func socketTablesStreamedInSmallPiecesGiveTheSameSummary() throws {
        let tree = try TreeCopy("server64")
        let whole = ProcSocketTables(reader: FileReader(procRoot: tree.root + "/proc"))
        let pieces = FileReader(procRoot: tree.root + "/proc")
        pieces.chunkSize = 400                        // two or three rows per piece
        let streamed = ProcSocketTables(reader: pieces)
        let (a, aErrors) = whole.tcpSummary(includeIPv6: true)
        let (b, bErrors) = streamed.tcpSummary(includeIPv6: true)
        #expect(aErrors.isEmpty && bErrors.isEmpty, "\(bErrors)")
        #expect(a?.states["ESTABLISHED"] == 44)
        #expect(a == b)
        #expect(whole.udpSummary(includeIPv6: true).0 == streamed.udpSummary(includeIPv6: true).0)
    }

    @Test func socketTableLineLongerThanAPieceIsAnError() throws {
        let tree = try TreeCopy("server64")
        let header = Array("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n".utf8)
        try tree.write("proc/net/tcp", header + [UInt8](repeating: 0x41, count: 300))
        let reader = FileReader(procRoot: tree.root + "/proc")
        reader.chunkSize = 128
        let (_, errors) = ProcSocketTables(reader: reader).tcpSummary(includeIPv6: false)
        #expect(errors == [SourceError(source: "/proc/net/tcp", message: "a line longer than 128 bytes; not read")])
    }

    @Test func fifoIsRefusedWithoutBlocking() throws {
        let tree = try TreeCopy("server64")
        try FileManager.default.removeItem(atPath: tree.root + "/sys/class/net/eth0/mtu")
        #expect(mkfifo(tree.root + "/sys/class/net/eth0/mtu", 0o600) == 0)
        let s = tree.sampler().sample()           // would block forever in open(2) without O_NONBLOCK
        #expect(s.errors == [SourceError(source: "/sys/class/net/eth0/mtu", message: "not a regular file (FIFO); not read")])
        #expect(s.interfaces[1].mtu == nil && s.interfaces[1].speedMbps == 10000)
    }
}

@Suite struct RecordingLimitTests {
    @Test func hugeInterfaceNameInARecordingIsShortened() throws {
        var sample = fixtureSampler("server64").sample()
        sample.interfaces[1].name = "\u{1B}" + String(repeating: "x", count: 10_000_000)
        let encoder = JSONEncoder()
        let header = Array(#"{"format":"droptop.recording/1"}"#.utf8)
        let bytes = header + [0x0A] + Array(try encoder.encode(sample)) + [0x0A]
        let reader = try RecordingReader(bytes: bytes)
        #expect(reader.problem == nil)
        let name = try #require(reader.samples.first?.interfaces[1].name)
        #expect(name == "\u{1B}" + String(repeating: "x", count: 250) + "...")   // \u001b is one 6-byte escape
        #expect(reader.samples.first?.interfaces[0].name == "lo")
    }

    @Test func clampKeepsEscapesAndUTF8Whole() {
        let line = Array(#"{"a":"\u00e9\u00e9","b":"ééé","c":[1,"xy"]}"#.utf8)
        let clamped = String(decoding: JSONStringClamp.clamped(line, maxBytes: 7), as: UTF8.self)
        #expect(clamped == #"{"a":"\u00e9...","b":"ééé","c":[1,"xy"]}"#)
        let short = String(decoding: JSONStringClamp.clamped(line, maxBytes: 5), as: UTF8.self)
        #expect(short == #"{"a":"...","b":"éé...","c":[1,"xy"]}"#)
    }

    @Test func replayOfAFIFOIsAnErrorNotAWait() throws {
        let path = NSTemporaryDirectory() + "droptop-fifo-\(UUID().uuidString)"
        #expect(mkfifo(path, 0o600) == 0)
        defer { unlink(path) }
        #expect(throws: SourceError(source: path, message: "cannot read the recording: not a regular file (FIFO); not read")) {
            try RecordingReader(path: path)
        }
    }
}

@Suite struct DisplayNameLimitTests {
    @Test func longNameKeepsItsFirst256Bytes() {
        let name = [UInt8](repeating: 0x61, count: 10_000)
        #expect(DisplayName.escaped(name) == String(repeating: "a", count: 256) + "...")
        #expect(DisplayName.escaped([UInt8](repeating: 0x61, count: 256)) == String(repeating: "a", count: 256))
    }
}
