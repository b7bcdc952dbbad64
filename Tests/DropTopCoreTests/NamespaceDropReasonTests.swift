import Foundation
import Testing
@testable import DropTopCore

extension SyntheticBTF {
    /// A struct or union (`kind` 4 or 5) of (name, type, bit offset) members; "" names an anonymous member.
    mutating func aggregate(_ name: String, kind: UInt32 = 4, size: UInt32, _ members: [(String, UInt32, UInt32)]) -> UInt32 {
        let data = members.flatMap { [$0.0.isEmpty ? 0 : self.name($0.0), $0.1, $0.2] }
        return type(name, kind: kind, vlen: members.count, sizeOrType: size, data: data)
    }

    /// kfree_skb's description plus sk_buff, net_device, sock and net laid out as Linux 6.18 has
    /// them: dev inside an anonymous union in an anonymous struct in an anonymous union, sk in an
    /// anonymous union, nd_net and skc_net the one-pointer possible_net_t.
    static func skbNamespaces() -> SyntheticBTF {
        var btf = kfreeSkb()
        let int = btf.type("int", kind: 1, sizeOrType: 4, data: [32])
        let anyPointer = btf.type("", kind: 2, sizeOrType: 0)
        let netPointer = btf.type("", kind: 2, sizeOrType: 0)  // the parser takes struct net by name, not through the pointer
        let possibleNet = btf.aggregate("", size: 8, [("net", netPointer, 0)])
        let devUnion = btf.aggregate("", kind: 5, size: 8, [("dev", anyPointer, 0), ("dev_scratch", anyPointer, 0)])
        let listStruct = btf.aggregate("", size: 24, [("next", anyPointer, 0), ("prev", anyPointer, 64), ("", devUnion, 128)])
        let outerUnion = btf.aggregate("", kind: 5, size: 24, [("", listStruct, 0), ("rbnode", int, 0)])
        let skUnion = btf.aggregate("", kind: 5, size: 8, [("sk", anyPointer, 0), ("ip_defrag_offset", int, 0)])
        btf.aggregate("sk_buff", size: 64, [("", outerUnion, 0), ("", skUnion, 192)])
        btf.aggregate("net_device", size: 2048, [("flags", int, 0), ("nd_net", possibleNet, 8 * 1200)])
        let common = btf.aggregate("sock_common", size: 136, [("skc_hash", int, 0), ("skc_net", possibleNet, 8 * 48)])
        btf.aggregate("sock", size: 800, [("__sk_common", common, 0)])
        let nsCommon = btf.aggregate("ns_common", size: 24, [("stashed", anyPointer, 0), ("inum", int, 8 * 16)])
        btf.aggregate("net", size: 4096, [("passive", int, 0), ("ns", nsCommon, 8 * 120)])
        return btf
    }
}

@Suite struct NamespaceDropLayoutTests {
    @Test func membersInsideAnonymousUnionsAreFound() throws {
        let bytes = SyntheticBTF.skbNamespaces().bytes
        let layout = try bytes.withUnsafeBufferPointer { try SkbNamespaceLayoutParser.parse($0) }
        #expect(layout.deviceOffset == 16 && layout.socketOffset == 24)
        #expect(layout.deviceNetOffset == 1200 && layout.socketNetOffset == 48 && layout.inumOffset == 136)
        #expect(layout.reasonArgumentIndex == 2 && layout.names.limit == 4)
    }

    @Test func aBlobWithoutTheStructsSaysSo() {
        let bytes = SyntheticBTF.kfreeSkb().bytes
        #expect(throws: DescriptionError.self) { try bytes.withUnsafeBufferPointer { try SkbNamespaceLayoutParser.parse($0) } }
        for size in [0, 24, 100] {
            let prefix = Array(SyntheticBTF.skbNamespaces().bytes.prefix(size))
            #expect(throws: DescriptionError.self) { try prefix.withUnsafeBufferPointer { try SkbNamespaceLayoutParser.parse($0) } }
        }
    }

    @Test(arguments: [TCPStateProgram.Access.typedLoads, .probeReads])
    func theProgramAssemblesWithItsJumpsInside(access: TCPStateProgram.Access) throws {
        let bytes = SyntheticBTF.skbNamespaces().bytes
        let layout = try bytes.withUnsafeBufferPointer { try SkbNamespaceLayoutParser.parse($0) }
        let code = try #require(NamespaceDropProgram.instructions(layout: layout, mapFD: 3, access: access))
        #expect(code.last == BPFInstruction(code: BPFOpcode.exit))
        #expect(code[1] == BPFInstruction(code: BPFOpcode.loadDoubleWord, dst: 9, src: 1, offset: 16))  // reason: ctx[2]
        for (at, instruction) in code.enumerated() where instruction.code & 0x07 == 0x05 && instruction.code != BPFOpcode.call
            && instruction.code != BPFOpcode.exit {
            #expect((0..<code.count).contains(at + 1 + Int(instruction.offset)), "jump at \(at) leaves the program")
        }
    }

    @Test func keysOfNamespacesGoneAreForgottenNotTheLiveOwnOrUnknown() {
        func key(_ inode: UInt32, _ slot: UInt32) -> UInt64 { NamespaceDropProgram.key(inode: inode, slot: slot) }
        let keys = [key(7, 3), key(7, 5), key(8, 3), key(9, 3), key(0, 3), key(4026531840, 3)]
        let stale = NamespaceDropReasons.staleKeys(keys, live: [7], own: 4026531840)
        #expect(stale == [key(8, 3), key(9, 3)])
        #expect(NamespaceDropProgram.key(inode: 7, slot: 3) == 3 << 32 | 7)
    }
}

/// The running kernel's BTF gives every offset the program reads.
@Suite(.enabled(if: FileManager.default.isReadableFile(atPath: "/sys/kernel/btf/vmlinux"), "no /sys/kernel/btf/vmlinux"))
struct NamespaceDropKernelLayoutTests {
    @Test func theRunningKernelDescribesSkbDeviceSocketAndNet() throws {
        let layout = try SkbNamespaceLayoutParser.parse(path: "/sys/kernel/btf/vmlinux").get()
        #if arch(x86_64) || arch(arm64)
        #expect(layout.deviceOffset == 16, "sk_buff.dev follows next and prev")
        #expect(layout.socketOffset == 24, "sk_buff.sk follows dev")
        #endif
        #expect(layout.deviceNetOffset > 0 && layout.socketNetOffset > 0 && layout.inumOffset > 0)
        #expect(layout.reasonArgumentIndex == 2)
        #expect(layout.names.byNumber.values.contains("NO_SOCKET"))
    }
}

func openNamespaceDropCounter(_ accesses: [TCPStateProgram.Access], skipping: UInt32? = nil) throws -> NamespaceDropCounter {
    switch NamespaceDropCounter.open(btfPath: "/sys/kernel/btf/vmlinux", accesses: accesses, skipping: skipping) {
    case .success(let counter): return counter
    case .failure(let reason): throw NamespaceFailure(step: reason.message)
    }
}

/// Run only as a child without privileges (see withoutPrivilegesEveryNamespaceSaysWhatIsNeeded).
@Suite struct NamespaceDropUnprivilegedChild {
    @Test(.enabled(if: ProcessInfo.processInfo.environment[unavailableReportVariable] != nil))
    func reportWhyTheNamespaceCounterIsUnavailable() throws {
        let path = try #require(ProcessInfo.processInfo.environment[unavailableReportVariable])
        var errors: [SourceError] = []
        let note = NamespaceDropReasons().read(live: [], errors: &errors).sample(inode: 7).note ?? "no note"
        try note.write(toFile: path, atomically: false, encoding: .utf8)
    }
}

/// Loads a real program; drops are counted machine-wide, so these run one at a time.
@Suite(.serialized, .enabled(if: getuid() == 0, "needs root to load BPF programs and create network namespaces"))
struct NamespaceDropCounterLiveTests {
    func inode(_ namespace: borrowing DropReasonNamespace) throws -> UInt32 {
        try #require(TCPStateChangeCounter.namespaceInode(at: "/run/netns/\(namespace.name)"))
    }

    func count(_ counts: NamespaceDropCounts?, _ inode: UInt32, _ reason: String) -> UInt64 {
        total(counts?.byInode[inode] ?? [], reason)
    }

    @Test(arguments: [TCPStateProgram.Access.typedLoads, .probeReads])
    func eachNamespacesDropsAreCountedUnderItsInodeOnly(access: TCPStateProgram.Access) throws {
        let counter = try openNamespaceDropCounter([access])
        let a = try DropReasonNamespace(), b = try DropReasonNamespace()
        let (inodeA, inodeB) = (try inode(a), try inode(b))
        a.python(sendToClosedPort(count: 500))
        b.python(overflowReceiveBuffer(count: 2000))
        let counts = counter.counts()
        // The namespaces are new: nothing else drops in them.
        #expect(count(counts, inodeA, "NO_SOCKET") == 500, "via \(counter.mechanism): \(counts?.byInode[inodeA] ?? [])")
        #expect(count(counts, inodeB, "NO_SOCKET") == 0)
        let rcvbuf = count(counts, inodeB, "SOCKET_RCVBUFF")
        #expect(rcvbuf >= 1500 && rcvbuf <= 2000, "SOCKET_RCVBUFF in B: \(rcvbuf)")
        #expect(count(counts, inodeA, "SOCKET_RCVBUFF") == 0)
        #expect(counts?.overflowed == 0)
    }

    @Test(arguments: [TCPStateProgram.Access.typedLoads, .probeReads])
    func droptopsOwnNamespaceIsLeftToTheHostCounter(access: TCPStateProgram.Access) throws {
        let own = try DropReasonNamespace(), other = try DropReasonNamespace()
        let counter = try openNamespaceDropCounter([access], skipping: try inode(own))
        own.python(sendToClosedPort(count: 100))
        other.python(sendToClosedPort(count: 100))
        let counts = counter.counts()
        #expect(counts?.byInode[try inode(own)] == nil)
        #expect(count(counts, try inode(other), "NO_SOCKET") == 100)
    }

    /// Datagrams still queued on a closed UDP socket: UDP keeps its scratch word where skb->dev
    /// was and sets no skb->sk, so nothing in the packet names a namespace. They must count as
    /// unknown (inode 0, the host counter has them), never under an inode read from the scratch.
    @Test(arguments: [TCPStateProgram.Access.typedLoads, .probeReads])
    func datagramsQueuedOnAClosedSocketCountAsUnknown(access: TCPStateProgram.Access) throws {
        let counter = try openNamespaceDropCounter([access])
        let namespace = try DropReasonNamespace()
        namespace.python("""
            import socket
            r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); r.bind(('127.0.0.1', 5555))
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            for _ in range(100): s.sendto(b'x' * 100, ('127.0.0.1', 5555))
            r.close()
            """)
        usleep(300_000)  // UDP sockets are freed after an RCU grace period, their queue with them
        let counts = counter.counts()
        // Linux 6.18 frees them without a reason. Other hosts' traffic may add to inode 0, never take away.
        #expect(total(counts?.byInode[0] ?? [], "NOT_SPECIFIED") >= 100, "\(counts?.byInode ?? [:])")
        #expect(total(counts?.byInode[try inode(namespace)] ?? [], "NOT_SPECIFIED") <= 1)  // the sender's socket, freed on exit
        let inodes = Set(counts?.byInode.keys.map { $0 } ?? [])
        #expect(inodes.allSatisfy { $0 == 0 || $0 >= 0xF000_0000 }, "an inode that is no namespace's: \(inodes)")
    }

    @Test func aDeletedNamespacesKeysAreGoneAfterTheNextSample() throws {
        let reasons = NamespaceDropReasons()
        var errors: [SourceError] = []
        _ = reasons.read(live: [], errors: &errors)  // starts the counter
        var gone: DropReasonNamespace? = try DropReasonNamespace()
        let kept = try DropReasonNamespace()
        let (goneInode, keptInode) = (try inode(gone!), try inode(kept))
        gone?.python(sendToClosedPort(count: 50))
        kept.python(sendToClosedPort(count: 50))
        func inodes() throws -> Set<UInt32> { Set(try #require(reasons.counter?.counts()).keys.map { UInt32(truncatingIfNeeded: $0) }) }
        #expect(try inodes().isSuperset(of: [goneInode, keptInode]))
        gone = nil
        let reading = reasons.read(live: [UInt64(keptInode)], errors: &errors)
        #expect(total(reading.sample(inode: UInt64(keptInode)).totals, "NO_SOCKET") == 50)
        let after = try inodes()
        #expect(!after.contains(goneInode) && after.contains(keptInode), "\(after)")
        #expect(errors.isEmpty, "\(errors)")
    }

    @Test func withoutPrivilegesEveryNamespaceSaysWhatIsNeeded() throws {
        let message = try messageFromUnprivilegedChild(test: "reportWhyTheNamespaceCounterIsUnavailable")
        #expect(message.hasPrefix("by namespace: kernel drop reasons need root (or CAP_BPF and CAP_PERFMON)"), "\(message)")
    }

    /// Run only as the child of the next test: holds a counter, writes its program id, waits to be killed.
    @Test(.enabled(if: ProcessInfo.processInfo.environment[counterHolderVariable] != nil))
    func holdANamespaceDropCounterUntilKilled() throws {
        let counter = try openNamespaceDropCounter([.typedLoads, .probeReads])
        try withExtendedLifetime(counter) { try reportProgramIDAndWait(counter.programInfo()?.id) }
    }

    @Test func theProgramIsGoneAfterItsProcessIsKilled() throws {
        try expectProgramGoneAfterKill(holder: "holdANamespaceDropCounterUntilKilled", programName: NamespaceDropCounter.programName)
    }
}

/// Not assertions: prints ns per drop of the host counter and the namespace counter attached side
/// by side, with an empty program as the floor: for drops in another namespace (counted), then in
/// droptop's own (skipped). Run with DROPTOP_MEASURE_COST=1 (docs/performance.md).
@Suite(.serialized, .enabled(if: getuid() == 0 && ProcessInfo.processInfo.environment["DROPTOP_MEASURE_COST"] == "1"))
struct NamespaceDropCostTests {
    @Test(arguments: [TCPStateProgram.Access.typedLoads, .probeReads])
    func costPerDropIsPrinted(access: TCPStateProgram.Access) throws {
        let statsPath = "/proc/sys/kernel/bpf_stats_enabled"
        let previous = try String(contentsOfFile: statsPath, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        try "1".write(toFile: statsPath, atomically: false, encoding: .utf8)
        defer { try? previous.write(toFile: statsPath, atomically: false, encoding: .utf8) }
        let host = try openCounter()
        let namespaces = try openNamespaceDropCounter([access], skipping: TCPStateChangeCounter.namespaceInode())
        let empty = [BPFInstruction(code: 0xB7, dst: 0, immediate: 0), BPFInstruction(code: 0x95)]
        let baseline = try BPFObjects.loadProgram(type: DropCountingProgram.programTypeRawTracepoint, name: "droptop_empty", empty).get()
        let baselineLink = try BPFObjects.attachRawTracepoint("kfree_skb", program: baseline).get()
        func infos() -> [BPFProgramInfo?] { [host.programInfo(), namespaces.programInfo(), BPFObjects.programInfo(baseline.fd)] }
        func perRun(_ from: [BPFProgramInfo?], _ to: [BPFProgramInfo?]) -> String {
            zip(["host counter", "namespace counter", "empty program"], zip(from, to)).map { name, pair in
                guard let a = pair.0, let b = pair.1, b.runCount > a.runCount else { return "\(name): no statistics" }
                let ns = Double(b.runTimeNanoseconds - a.runTimeNanoseconds) / Double(b.runCount - a.runCount)
                return "\(name) " + String(format: "%.1f ns", ns)
            }.joined(separator: ", ")
        }
        let start = infos()
        let namespace = try DropReasonNamespace()
        namespace.python(sendToClosedPort(count: 200_000), timeout: 300)
        let other = infos()
        #expect(runQuietly(["/usr/bin/env", "python3", "-c", sendToClosedPort(count: 200_000)], timeout: 300) == 0)
        let own = infos()
        let clock = ContinuousClock()
        var entries = 0
        let readTime = clock.measure { for _ in 0..<100 { entries = namespaces.counts()?.keys.count ?? 0 } }
        _ = baselineLink
        print("drop cost (\(namespaces.mechanism)): another namespace's drops: \(perRun(start, other)); "
              + "droptop's own namespace's drops: \(perRun(other, own)); missed \(namespaces.programInfo()?.recursionMisses ?? 0); "
              + "one read of \(entries) keys: \(readTime / 100)")
    }
}
