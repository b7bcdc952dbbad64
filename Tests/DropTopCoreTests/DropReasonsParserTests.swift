import Foundation
import Testing
@testable import DropTopCore

/// A small BTF blob written the way the kernel lays it out, for the parser tests.
struct SyntheticBTF {
    private var types: [UInt8] = []
    private var strings: [UInt8] = [0]
    private(set) var lastID: UInt32 = 0

    mutating func name(_ text: String) -> UInt32 {
        let offset = UInt32(strings.count)
        strings += Array(text.utf8) + [0]
        return offset
    }

    private mutating func word(_ value: UInt32) { types += withUnsafeBytes(of: value.littleEndian, Array.init) }

    /// Appends a type record and its data words; returns its id.
    @discardableResult
    mutating func type(_ name: String, kind: UInt32, vlen: Int = 0, sizeOrType: UInt32 = 0, data: [UInt32] = []) -> UInt32 {
        word(name.isEmpty ? 0 : self.name(name))
        word(kind << 24 | UInt32(vlen))
        word(sizeOrType)
        data.forEach { word($0) }
        lastID += 1
        return lastID
    }

    mutating func enumeration(_ name: String, _ members: [(String, UInt32)]) -> UInt32 {
        let data = members.flatMap { [self.name($0.0), $0.1] }
        return type(name, kind: 6, vlen: members.count, sizeOrType: 4, data: data)
    }

    mutating func prototype(_ parameters: [(String, UInt32)]) -> UInt32 {
        let data = parameters.flatMap { [self.name($0.0), $0.1] }
        return type("", kind: 13, vlen: parameters.count, data: data)
    }

    var bytes: [UInt8] {
        var header: [UInt8] = [0x9F, 0xEB, 1, 0]
        for value in [24, 0, UInt32(types.count), UInt32(types.count), UInt32(strings.count)] as [UInt32] {
            header += withUnsafeBytes(of: value.littleEndian, Array.init)
        }
        return header + types + strings
    }

    /// int, enum skb_drop_reason, void *, the tracepoint prototype and its typedef, like vmlinux.
    /// `padding` bytes of string and `fillerTypes` ints before the rest move names and ids across read windows.
    static func kfreeSkb(parameters: [String] = ["__data", "skb", "location", "reason", "rx_sk"],
                         padding: Int = 0, fillerTypes: Int = 0) -> SyntheticBTF {
        var btf = SyntheticBTF()
        if padding > 0 { _ = btf.name(String(repeating: "p", count: padding)) }
        for _ in 0..<fillerTypes { btf.type("int", kind: 1, sizeOrType: 4, data: [32]) }
        btf.type("unsigned int", kind: 1, sizeOrType: 4, data: [32])
        let reasons = btf.enumeration("skb_drop_reason", [
            ("SKB_NOT_DROPPED_YET", 0), ("SKB_CONSUMED", 1), ("SKB_DROP_REASON_NOT_SPECIFIED", 2),
            ("SKB_DROP_REASON_NO_SOCKET", 3), ("SKB_DROP_REASON_MAX", 4), ("SKB_DROP_REASON_SUBSYS_MASK", 0xFFFF_0000),
        ])
        let voidPointer = btf.type("", kind: 2, sizeOrType: 0)
        let proto = btf.prototype(parameters.map { $0 == "reason-typed" ? ("", reasons) : ($0, $0 == "reason" ? reasons : voidPointer) })
        let pointer = btf.type("", kind: 2, sizeOrType: proto)
        btf.type("btf_trace_kfree_skb", kind: 8, sizeOrType: pointer)
        return btf
    }
}

/// Reads fixture files, or nothing, for the planner.
func fixtureReader(_ files: [String: [UInt8]]) -> DropReasonPlanner.Reader {
    { path in files[path].map { .success($0) } ?? .failure(Errno32(ENOENT)) }
}

func dropReasonFixture(_ name: String) throws -> [UInt8] {
    Array(try Data(contentsOf: URL(fileURLWithPath: fixtureRoot("dropreasons") + "/" + name)))
}

@Suite struct DropReasonsParserTests {
    @Test func tracefsFormatOfLinux618GivesOffsetSizeIDAndNames() throws {
        let format = try parse(bytes: try dropReasonFixture("kfree_skb_format_6.18")) { try TracepointFormatParser.parse($0) }
        #expect(format.reasonOffset == 36)
        #expect(format.reasonSize == 4)
        #expect(format.id == 2310)
        let names = try #require(format.names)
        #expect(names.byNumber[3] == "NO_SOCKET")
        #expect(names.byNumber[6] == "SOCKET_RCVBUFF")
        #expect(names.byNumber[40] == "TCP_LISTEN_OVERFLOW")
        #expect(names.limit == 128)
        #expect(!names.byNumber.values.contains("MAX"))
    }

    @Test func formatWithoutReasonIsAKernelWithoutTheField() throws {
        let bytes = try dropReasonFixture("kfree_skb_format_5.10_no_reason")
        #expect(throws: DescriptionError.noReasonField("skb:kfree_skb has no field named reason")) {
            try parse(bytes: bytes) { try TracepointFormatParser.parse($0) }
        }
        let plan = DropReasonPlanner.plan(btfPath: "/btf", tracefsRoots: ["/t"],
                                          read: fixtureReader(["/t/events/skb/kfree_skb/format": bytes]))
        #expect(plan == .failure(.kernelWithoutReasonField(source: "/t/events/skb/kfree_skb/format")))
    }

    @Test func truncatedFormatFilesNeverTrap() throws {
        let bytes = try dropReasonFixture("kfree_skb_format_6.18")
        for length in stride(from: 0, to: bytes.count, by: 7) {
            _ = try? parse(bytes: Array(bytes.prefix(length))) { try TracepointFormatParser.parse($0) }
        }
    }

    @Test func syntheticBTFGivesEnumNamesAndReasonArgumentIndex() throws {
        let btf = try parse(bytes: SyntheticBTF.kfreeSkb().bytes) { try BTFParser.kfreeSkb($0) }
        #expect(btf.tracepointArgumentCount == 4)
        #expect(btf.reasonArgumentIndex == 2)
        let names = try #require(btf.names)
        #expect(names.byNumber == [0: "NOT_DROPPED_YET", 1: "CONSUMED", 2: "NOT_SPECIFIED", 3: "NO_SOCKET"])
        #expect(names.limit == 4)
    }

    /// vmlinux leaves the prototype's parameter names empty: the reason is the one typed enum skb_drop_reason.
    @Test func unnamedPrototypeParametersAreFoundByType() throws {
        let unnamed = SyntheticBTF.kfreeSkb(parameters: ["", "", "", "reason-typed", ""])
        let btf = try parse(bytes: unnamed.bytes) { try BTFParser.kfreeSkb($0) }
        #expect(btf.reasonArgumentIndex == 2)
    }

    @Test func plannerPrefersBTFAndFallsBackToTracefs() throws {
        let format = try dropReasonFixture("kfree_skb_format_6.18")
        let files = ["/btf": SyntheticBTF.kfreeSkb().bytes, "/t/events/skb/kfree_skb/format": format]
        let btfPlan = try DropReasonPlanner.plan(btfPath: "/btf", tracefsRoots: ["/t"], read: fixtureReader(files)).get()
        #expect(btfPlan.location == .rawTracepointArgument(index: 2))
        #expect(btfPlan.attachment == .rawTracepoint(name: "kfree_skb"))
        let tracefsPlan = try DropReasonPlanner.plan(btfPath: "/missing", tracefsRoots: ["/none", "/t"], read: fixtureReader(files)).get()
        #expect(tracefsPlan.location == .traceRecord(offset: 36, size: 4))
        #expect(tracefsPlan.attachment == .tracepoint(id: 2310))
        #expect(tracefsPlan.mechanism == "tracefs tracepoint")
    }

    @Test func btfWithoutReasonArgumentIsAKernelWithoutTheField() {
        let old = SyntheticBTF.kfreeSkb(parameters: ["__data", "skb", "location"]).bytes
        let plan = DropReasonPlanner.plan(btfPath: "/btf", tracefsRoots: [], read: fixtureReader(["/btf": old]))
        #expect(plan == .failure(.kernelWithoutReasonField(source: "/btf")))
    }

    @Test func nothingToReadSaysWhatWasMissing() {
        let plan = DropReasonPlanner.plan(btfPath: "/btf", tracefsRoots: ["/t"], read: fixtureReader([:]))
        guard case .failure(let reason) = plan else { Issue.record("expected a failure"); return }
        #expect(reason.message.contains("/btf") && reason.message.contains("/t"))
    }

    @Test func truncatedOrCorruptBTFGivesErrorsNotTraps() {
        let bytes = SyntheticBTF.kfreeSkb().bytes
        for length in 0..<bytes.count {
            #expect(throws: DescriptionError.self) { try parse(bytes: Array(bytes.prefix(length))) { try BTFParser.kfreeSkb($0) } }
        }
        for position in 0..<bytes.count {
            var corrupt = bytes
            corrupt[position] ^= 0xFF
            _ = try? parse(bytes: corrupt) { try BTFParser.kfreeSkb($0) }
        }
    }

    @Test func programReadsTheRightContextSlot() {
        let raw = DropCountingProgram.instructions(reason: .rawTracepointArgument(index: 2), mapFD: 7, overflowSlot: 128)
        #expect(raw.count == 15)
        #expect(raw[0] == BPFInstruction(code: 0x79, dst: 2, src: 1, offset: 16))
        #expect(raw[0].bytes == [0x79, 0x12, 16, 0, 0, 0, 0, 0])
        let record = DropCountingProgram.instructions(reason: .traceRecord(offset: 36, size: 4), mapFD: 7, overflowSlot: 128)
        #expect(record[0] == BPFInstruction(code: 0x61, dst: 2, src: 1, offset: 36))
        #expect(record[6].bytes == [0x18, 0x11, 0, 0, 7, 0, 0, 0])
    }

    @Test func possibleCPUListsGiveACount() {
        #expect(KernelFile.possibleCPUCount("0-1\n") == 2)
        #expect(KernelFile.possibleCPUCount("0,2-7") == 8)
        #expect(KernelFile.possibleCPUCount("0") == 1)
        #expect(KernelFile.possibleCPUCount("") == nil)
        #expect(KernelFile.possibleCPUCount("x") == nil)
    }
}
