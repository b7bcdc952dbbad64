import Foundation
import Testing
@testable import DropTopCore

/// Reason names (without SKB_DROP_REASON_) that are drops: not NOT_DROPPED_YET or CONSUMED.
private func dropNames(_ names: DropReasonNames) -> [String] {
    names.byNumber.sorted { $0.key < $1.key }.map(\.value).filter { !DropReasonNames.notDrops.contains($0) }
}

/// Tests/Fixtures/dropreasons/reasons_6.18.txt: Linux 6.18's reasons, one a line, in enum order.
private func fixtureReasons618() throws -> [String] {
    let text = try String(contentsOfFile: fixtureRoot("dropreasons") + "/reasons_6.18.txt", encoding: .utf8)
    return text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
}

private func missingEntries(_ reasons: [String]) -> [String] {
    reasons.filter { DropReasonCatalog.entries[$0] == nil }
}

@Suite struct DropReasonCatalogTests {
    @Test func everyLinux618ReasonHasAnEntry() throws {
        let reasons = try fixtureReasons618()
        #expect(reasons.count == 126)
        #expect(Set(reasons).count == reasons.count)
        #expect(missingEntries(reasons) == [])
    }

    /// The fixture list says the same as the captured tracefs format of the same kernel.
    @Test func fixtureListMatchesTheLinux618TracefsFormat() throws {
        let format = try parse(bytes: try dropReasonFixture("kfree_skb_format_6.18")) { try TracepointFormatParser.parse($0) }
        let names = try #require(format.names)
        #expect(dropNames(names) == (try fixtureReasons618()))
    }

    /// Reads the running kernel's enum skb_drop_reason through the project's BTF parser.
    @Test func everyReasonOfTheRunningKernelHasAnEntry() throws {
        let path = "/sys/kernel/btf/vmlinux"
        guard let data = FileManager.default.contents(atPath: path), !data.isEmpty else {
            print("skipped: \(path) is not readable, so only the 6.18 fixture list is checked")
            return
        }
        let btf = try parse(bytes: Array(data)) { try BTFParser.kfreeSkb($0) }
        guard let names = btf.names else {
            print("skipped: this kernel's BTF has no enum skb_drop_reason (before 5.17)")
            return
        }
        let reasons = dropNames(names)
        #expect(!reasons.isEmpty)
        #expect(missingEntries(reasons) == [], "reasons of the running kernel without a catalog entry")
    }

    @Test func subsystemSpecificAndRenamedReasonsHaveEntries() {
        #expect(DropReasonCatalog.entries[DropReasonCounter.overflowName] != nil)
        for old in ["PTYPE_ABSENT", "VXLAN_NO_REMOTE"] { #expect(DropReasonCatalog.entries[old] != nil, "\(old)") }
        for notDrop in DropReasonNames.notDrops.union(["MAX", "SUBSYS_MASK"]) {
            #expect(DropReasonCatalog.entries[notDrop] == nil, "\(notDrop) is not a drop")
        }
    }

    @Test func explainedByNamesOnlyKnownFindings() {
        let known = Set(FindingKind.all.map(\.id))
        for (reason, info) in DropReasonCatalog.entries {
            for id in info.explainedBy { #expect(known.contains(id), "\(reason): unknown finding \(id)") }
            #expect(Set(info.explainedBy).count == info.explainedBy.count, "\(reason): repeated finding")
        }
    }

    @Test func meaningsAreOneShortLineAndKnobsAreNotBlank() {
        for (reason, info) in DropReasonCatalog.entries {
            #expect(!info.meaning.isEmpty && info.meaning.count <= 100, "\(reason): \(info.meaning.count) characters")
            #expect(!info.meaning.contains("\n"), "\(reason)")
            if let knob = info.knob { #expect(!knob.trimmingCharacters(in: .whitespaces).isEmpty, "\(reason)") }
        }
    }

    @Test func knownReasonsUseTheirEntryAndUnknownOnesTheFallback() {
        #expect(DropReasonCatalog.info("TCP_LISTEN_OVERFLOW").explainedBy == ["tcp-listen-overflow"])
        #expect(DropReasonCatalog.info("CPU_BACKLOG").layer == .cpu)
        let unknown = DropReasonCatalog.info("TCP_SOMETHING_NEW")
        #expect(unknown.layer == .transport)
        #expect(unknown.meaning.contains("TCP_SOMETHING_NEW"))
        #expect(unknown.explainedBy.isEmpty)
    }
}
