import Foundation
import Testing
@testable import DropTopCore

/// The live sampler keeps its files open and reads each again from the start (FileReader.keepsFilesOpen).
@Suite struct KeptFileTests {
    private func value(_ reader: FileReader, _ path: String) throws -> String {
        try reader.withContents(.proc, path) { String(decoding: $0, as: UTF8.self) }
    }

    @Test func aKeptFileIsReadFromItsStartEveryTime() throws {
        let tree = try TreeCopy("server64")
        let reader = FileReader(procRoot: tree.root + "/proc", sysRoot: tree.root + "/sys")
        reader.keepsFilesOpen = true
        let path = tree.root + "/proc/sys/net/core/somaxconn"
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        defer { try? handle.close() }
        func rewrite(_ text: String) throws {   // in place, as the kernel changes a value: same file
            try handle.truncate(atOffset: 0)
            try handle.write(contentsOf: Data(text.utf8))
        }
        try rewrite("4096\n")
        #expect(try value(reader, "sys/net/core/somaxconn") == "4096\n")
        try rewrite("128\n")
        #expect(try value(reader, "sys/net/core/somaxconn") == "128\n")
        try rewrite(String(repeating: "9", count: 5000) + "\n")   // longer than one 4 KiB read of /proc/sys
        #expect(try value(reader, "sys/net/core/somaxconn").count == 5001)
    }

    @Test func aFileThatAppearsLaterIsReadAndAMissingOneIsNil() throws {
        let tree = try TreeCopy("server64")
        let reader = FileReader(procRoot: tree.root + "/proc", sysRoot: tree.root + "/sys")
        reader.keepsFilesOpen = true
        #expect(try reader.withContentsIfPresent(.proc, "net/absent") { Array($0) } == nil)
        try tree.write("proc/net/absent", Array("1\n".utf8))
        #expect(try reader.withContentsIfPresent(.proc, "net/absent") { Array($0) } == Array("1\n".utf8))
    }

    @Test func onlyTheLiveRootsKeepFilesOpen() throws {
        let tree = try TreeCopy("server64")
        #expect(!tree.sampler().reader.keepsFilesOpen)
        #expect(Sampler().reader.keepsFilesOpen)
    }

    /// A kept /sys file follows its device (a rename, a move to another namespace): when the
    /// interface names change, the link facts are opened again by name.
    @Test func keptLinkFactsAreOpenedAgainWhenTheInterfacesChange() throws {
        let tree = try TreeCopy("server64")
        let sampler = tree.sampler()
        sampler.reader.keepsFilesOpen = true
        #expect(sampler.sample().interfaces.first { $0.name == "eth0" }?.mtu == 9000)
        try tree.write("sys/class/net/eth0/mtu", Array("1500\n".utf8))   // a new file, as a new device's would be
        #expect(sampler.sample().interfaces.first { $0.name == "eth0" }?.mtu == 9000)   // the kept one is still read
        // /proc/net/dev is kept too: changed in place, as the kernel's is produced anew.
        let dev = try #require(FileHandle(forUpdatingAtPath: tree.root + "/proc/net/dev"))
        defer { try? dev.close() }
        let text = String(decoding: try dev.readToEnd() ?? Data(), as: UTF8.self)
        try dev.truncate(atOffset: 0)
        try dev.write(contentsOf: Data(text.replacingOccurrences(of: "ens1f0:", with: "ens1f1:").utf8))
        #expect(sampler.sample().interfaces.first { $0.name == "eth0" }?.mtu == 1500)
    }
}
