import Foundation
import Testing
@testable import DropTopCore

/// The arithmetic of LiveStateHistogram, on made-up counts.
@Suite struct LiveStateHistogramTests {
    let namespace: UInt32 = 4026532000
    func change(_ from: TCPState, _ to: TCPState, in inode: UInt32? = nil) -> TCPTransition {
        let number = { (state: TCPState) in UInt8(TCPState.allCases.firstIndex(of: state)! + 1) }
        return TCPTransition(namespaceInode: inode ?? namespace, from: number(from), to: number(to))
    }

    @Test func changesMoveSocketsBetweenStatesAndChildrenDoNotEmptyTheListener() throws {
        var census = TCPStateCensus()
        census.fullSockets = [.listen: 1, .established: 4]
        var histogram = LiveStateHistogram(namespaceInode: namespace)
        #expect(histogram.resync(census: census, changesBeforeDump: TCPTransitionCounts(counts: [change(.close, .synSent): 7])) == nil)
        let later = TCPTransitionCounts(counts: [
            change(.close, .synSent): 10,             // 3 connects
            change(.synSent, .established): 3,
            change(.listen, .synRecv): 3,             // 3 children: LISTEN stays 1
            change(.synRecv, .established): 3,
            change(.established, .closeWait): 2,
            change(.established, .finWait1): 1,
            change(.finWait1, .finWait2): 1,
            change(.finWait2, .close): 1,             // into time-wait: leaves the full-socket counts
            change(.close, .synSent, in: 1): 50,      // another namespace: ignored
        ])
        let states = try #require(histogram.states(changes: later))
        #expect(states[.listen] == 1)
        #expect(states[.established] == 4 + 3 + 3 - 2 - 1)
        #expect(states[.closeWait] == 2)
        #expect(states[.finWait2] == 0 && states[.timeWait] == 0 && states[.close] == 0)
        #expect(states[.synSent] == 0 && states[.synRecv] == 0)
    }

    @Test func resyncReportsHowFarThePredictionDrifted() {
        var census = TCPStateCensus()
        census.fullSockets = [.established: 10]
        var histogram = LiveStateHistogram(namespaceInode: namespace)
        histogram.resync(census: census, changesBeforeDump: TCPTransitionCounts(counts: [:]))
        let changes = TCPTransitionCounts(counts: [change(.established, .closeWait): 4])
        census.fullSockets = [.established: 7, .closeWait: 4]     // one more than predicted: a missed change
        let drift = histogram.resync(census: census, changesBeforeDump: changes)
        #expect(drift?.byState == [.established: -1])
        #expect(drift?.total == 1)
        #expect(histogram.states(changes: changes)?[.established] == 7)
    }

    @Test func nothingBeforeTheFirstResync() {
        #expect(LiveStateHistogram(namespaceInode: namespace).states(changes: TCPTransitionCounts(counts: [:])) == nil)
    }

    @Test func theMapKeyDecodesAsTheProgramWritesIt() {
        let key: UInt64 = 4026531840 | 1 << 32 | 8 << 40
        #expect(TCPTransition(key: key) == TCPTransition(namespaceInode: 4026531840, from: 1, to: 8))
        #expect(TCPStateProgram.overflowKey == 0xFF << 32 | 0xFF << 40)
    }
}

/// The running kernel's BTF gives the members the program reads.
@Suite(.enabled(if: FileManager.default.isReadableFile(atPath: "/sys/kernel/btf/vmlinux"), "no /sys/kernel/btf/vmlinux"))
struct TCPSocketLayoutTests {
    @Test func theRunningKernelDescribesSockAndNet() throws {
        let bytes = try KernelFile.contents(of: "/sys/kernel/btf/vmlinux").get()
        let layout = try bytes.withUnsafeBufferPointer { try TCPSocketLayoutParser.parse($0) }
        #expect(layout.protocolSize == 2)
        #expect(layout.keysNamespaces)
        #expect(layout.argumentCount == 3)
        print("layout: \(layout)")
    }

    @Test func aTruncatedBlobIsAnErrorNotATrap() throws {
        let bytes = try KernelFile.contents(of: "/sys/kernel/btf/vmlinux").get()
        for size in [0, 10, 24, 4096] {
            let prefix = Array(bytes.prefix(size))
            #expect(throws: DescriptionError.self) { try prefix.withUnsafeBufferPointer { try TCPSocketLayoutParser.parse($0) } }
        }
    }
}

func openStateCounter(_ accesses: [TCPStateProgram.Access] = [.typedLoads, .probeReads]) throws -> TCPStateChangeCounter {
    switch TCPStateChangeCounter.open(btfPath: "/sys/kernel/btf/vmlinux", accesses: accesses) {
    case .success(let counter): return counter
    case .failure(let reason): throw NamespaceFailure(step: reason.message)
    }
}

/// `count` loopback connections to a listener, each closed by the client first.
func connectAndClose(count: Int) -> String {
    """
    import socket
    l = socket.socket(); l.bind(('127.0.0.1', 7000)); l.listen(1024)
    for _ in range(\(count)):
        c = socket.create_connection(('127.0.0.1', 7000)); s, _ = l.accept(); c.close(); s.close()
    """
}

/// Run only as a child without privileges (see withoutPrivilegesTheMessageSaysWhatIsNeeded).
@Suite struct TCPStateChangeUnprivilegedChild {
    @Test(.enabled(if: ProcessInfo.processInfo.environment[unavailableReportVariable] != nil))
    func reportWhyTheStateCounterIsUnavailable() throws {
        let path = try #require(ProcessInfo.processInfo.environment[unavailableReportVariable])
        switch TCPStateChangeCounter.open() {
        case .success: try "opened".write(toFile: path, atomically: false, encoding: .utf8)
        case .failure(let reason): try reason.message.write(toFile: path, atomically: false, encoding: .utf8)
        }
    }
}

/// Loads the real program. Namespace-keyed counts make these exact: nothing else runs in a namespace the test made.
@Suite(.serialized, .enabled(if: getuid() == 0, "needs root to load BPF programs and create network namespaces"))
struct TCPStateChangeLiveTests {
    /// Both programs: the typed one this kernel takes, and the probe-reading fallback.
    @Test(arguments: [TCPStateProgram.Access.typedLoads, .probeReads])
    func aNamespacesConnectionsAreCountedUnderItsInodeExactly(access: TCPStateProgram.Access) throws {
        let counter = try openStateCounter([access])
        let expected = access == .typedLoads ? TCPStateChangeCounter.typedMechanism : TCPStateChangeCounter.probeReadMechanism
        #expect(counter.mechanism == expected)
        #expect(counter.keysNamespaces)
        let namespace = try DropReasonNamespace()
        let inode = try #require(TCPStateChangeCounter.namespaceInode(at: "/run/netns/\(namespace.name)"))
        namespace.python(connectAndClose(count: 40))
        let changes = try #require(counter.transitions()).counts(namespaceInode: inode)
        let number = { (state: TCPState) in UInt8(TCPState.allCases.firstIndex(of: state)! + 1) }
        let count = { (from: TCPState, to: TCPState) in
            changes[TCPTransition(namespaceInode: inode, from: number(from), to: number(to))] ?? 0
        }
        #expect(count(.close, .listen) == 1 && count(.listen, .close) == 1)
        #expect(count(.close, .synSent) == 40 && count(.synSent, .established) == 40)
        #expect(count(.listen, .synRecv) == 40 && count(.synRecv, .established) == 40)
        #expect(count(.established, .finWait1) == 40 && count(.established, .closeWait) == 40)
        #expect(count(.closeWait, .lastAck) == 40 && count(.lastAck, .close) == 40)
        // Into time-wait the full socket is closed: the minisocket's TIME_WAIT fires nothing.
        #expect(count(.finWait2, .close) == 40)
        #expect(!changes.keys.contains { $0.to == number(.timeWait) })
    }

    /// droptop counts its own namespace alone: a container host's other namespaces add no key.
    @Test(arguments: [TCPStateProgram.Access.typedLoads, .probeReads])
    func aCounterForOneNamespaceLeavesTheOthersOut(access: TCPStateProgram.Access) throws {
        let mine = try DropReasonNamespace(), other = try DropReasonNamespace()
        let inode = try #require(TCPStateChangeCounter.namespaceInode(at: "/run/netns/\(mine.name)"))
        let otherInode = try #require(TCPStateChangeCounter.namespaceInode(at: "/run/netns/\(other.name)"))
        let counter = try TCPStateChangeCounter.open(btfPath: "/sys/kernel/btf/vmlinux", accesses: [access], onlyNamespace: inode).get()
        mine.python(connectAndClose(count: 10))
        other.python(connectAndClose(count: 10))
        let all = try #require(counter.transitions())
        let counted: UInt64 = all.counts(namespaceInode: inode).values.reduce(0, +)
        #expect(counted == 102)   // 5 changes at each end of a connection, 2 the listener's
        #expect(all.counts(namespaceInode: otherInode).isEmpty)
        let inodes = Set(all.counts.keys.map(\.namespaceInode))
        #expect(inodes == [inode] && all.overflowed == 0)
    }

    @Test func theProgramIsGoneWhenTheCounterIs() throws {
        var counter: TCPStateChangeCounter? = try openStateCounter()
        let id = try #require(counter?.programInfo()?.id)
        #expect(DropReasonCounter.loadedProgramIDs(named: TCPStateChangeCounter.programName).contains(id))
        counter = nil
        #expect(waitUntilUnloaded(id, name: TCPStateChangeCounter.programName))
    }

    /// Run only as the child of the next test: holds a counter, writes its program id, waits to be killed.
    @Test(.enabled(if: ProcessInfo.processInfo.environment[counterHolderVariable] != nil))
    func holdAStateCounterUntilKilled() throws {
        let counter = try openStateCounter()
        try withExtendedLifetime(counter) { try reportProgramIDAndWait(counter.programInfo()?.id) }
    }

    @Test func theProgramIsGoneAfterItsProcessIsKilled() throws {
        try expectProgramGoneAfterKill(holder: "holdAStateCounterUntilKilled", programName: TCPStateChangeCounter.programName)
    }

    @Test func withoutPrivilegesTheMessageSaysWhatIsNeeded() throws {
        let message = try messageFromUnprivilegedChild(test: "reportWhyTheStateCounterIsUnavailable")
        #expect(message.hasPrefix("live TCP states need root (or CAP_BPF and CAP_PERFMON)"), "\(message)")
    }
}

/// Not an assertion: prints ns per state change and the cost of one read. Run with
/// DROPTOP_MEASURE_COST=1 (see docs/performance.md). An empty program on the same tracepoint
/// measures what run_time_ns itself costs per run.
@Suite(.serialized, .enabled(if: getuid() == 0 && ProcessInfo.processInfo.environment["DROPTOP_MEASURE_COST"] == "1"))
struct TCPStateChangeCostTests {
    @Test(arguments: [TCPStateProgram.Access.typedLoads, .probeReads])
    func costPerStateChangeIsPrinted(access: TCPStateProgram.Access) throws {
        let statsPath = "/proc/sys/kernel/bpf_stats_enabled"
        let previous = try String(contentsOfFile: statsPath, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        try "1".write(toFile: statsPath, atomically: false, encoding: .utf8)
        defer { try? previous.write(toFile: statsPath, atomically: false, encoding: .utf8) }
        let counter = try openStateCounter([access])
        let empty = [BPFInstruction(code: 0xB7, dst: 0, immediate: 0), BPFInstruction(code: 0x95)]
        let baseline = try BPFObjects.loadProgram(type: DropCountingProgram.programTypeRawTracepoint, name: "droptop_empty", empty).get()
        let baselineLink = try BPFObjects.attachRawTracepoint(TCPStateChangeCounter.tracepoint, program: baseline).get()
        let namespace = try DropReasonNamespace()
        namespace.python(connectAndClose(count: 20_000), timeout: 300)
        let info = try #require(counter.programInfo())
        let floor = try #require(BPFObjects.programInfo(baseline.fd))
        _ = baselineLink
        let clock = ContinuousClock()
        var entries = 0
        let readTime = clock.measure { for _ in 0..<100 { entries = counter.transitions()?.counts.count ?? 0 } }
        let format: (BPFProgramInfo) -> String = { info in
            "\(info.runTimeNanoseconds) ns / \(info.runCount) runs = " + String(format: "%.1f ns", info.nanosecondsPerRun ?? 0)
        }
        let dir = "/proc/self/fdinfo"
        let memlock = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).compactMap { fd -> String? in
            let text = (try? String(contentsOfFile: "\(dir)/\(fd)", encoding: .utf8)) ?? ""
            guard text.contains("map_type:\t5"), text.contains("max_entries:\t\(TCPStateChangeCounter.capacity)") else { return nil }
            return text.split(separator: "\n").first { $0.hasPrefix("memlock:") }.map(String.init)
        }
        print("state-change cost via \(counter.mechanism): map \(memlock); counter \(format(info)); empty program \(format(floor)); "
              + "missed \(info.recursionMisses); one read of \(entries) entries: \(readTime / 100)")
    }
}
