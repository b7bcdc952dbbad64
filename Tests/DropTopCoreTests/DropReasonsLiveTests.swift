import Foundation
import Testing
@testable import DropTopCore

/// Runs a program to completion with posix_spawn (killed after `timeout` s); returns its exit status.
@discardableResult
func runQuietly(_ arguments: [String], timeout: Double = 60) -> Int32 {
    let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    guard posix_spawnp(&pid, arguments[0], nil, nil, argv, environ) == 0 else { return -1 }
    var status: Int32 = 0
    let deadline = Date().addingTimeInterval(timeout)
    while waitpid(pid, &status, WNOHANG) == 0 {
        if Date() > deadline { kill(pid, SIGKILL); waitpid(pid, &status, 0); return -1 }
        usleep(2_000)
    }
    return (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
}

/// A network namespace with loopback up, deleted when the value goes away.
struct DropReasonNamespace: ~Copyable {
    let name = "dt-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"

    init() throws {
        guard runQuietly(["ip", "netns", "add", name]) == 0 else { throw NamespaceFailure(step: "ip netns add") }
        guard runQuietly(["ip", "-n", name, "link", "set", "lo", "up"]) == 0 else {
            runQuietly(["ip", "netns", "del", name])
            throw NamespaceFailure(step: "ip link set lo up")
        }
    }

    deinit { runQuietly(["ip", "netns", "del", name]) }

    /// Runs a python3 program inside the namespace and expects it to succeed.
    func python(_ program: String, timeout: Double = 120) {
        let status = runQuietly(["ip", "netns", "exec", name, "/usr/bin/env", "python3", "-c", program], timeout: timeout)
        #expect(status == 0, "python3 in \(name) exited with \(status)")
    }
}

struct NamespaceFailure: Error { var step: String }

/// Starts this test binary again to run one test, with `environment` added and output discarded.
/// With `asNobody`, through setpriv as uid/gid 65534 with no capabilities.
func spawnThisTestBinary(test: String, environment: [String: String], asNobody: Bool = false) -> pid_t? {
    let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    let nobody = ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all"]
    let arguments = (asNobody ? nobody : []) + [executable, "--testing-library", "swift-testing", "--filter", test]
    let variables = ProcessInfo.processInfo.environment.merging(environment) { $1 }.map { "\($0.key)=\($0.value)" }
    let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
    let envp: [UnsafeMutablePointer<CChar>?] = variables.map { strdup($0) } + [nil]
    defer { (argv + envp).forEach { free($0) } }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    var pid: pid_t = 0
    return posix_spawn(&pid, arguments[0], &actions, nil, argv, envp) == 0 ? pid : nil
}

/// Polls until no loaded program has this id (the kernel may finish releasing a link just after close).
func waitUntilUnloaded(_ id: UInt32, name: String = DropReasonCounter.programName) -> Bool {
    for _ in 0..<100 {
        if !DropReasonCounter.loadedProgramIDs(named: name).contains(id) { return true }
        usleep(20_000)
    }
    return false
}

let counterHolderVariable = "DROPTOP_TEST_HOLD_COUNTER_ID_FILE"
let unavailableReportVariable = "DROPTOP_TEST_UNAVAILABLE_MESSAGE_FILE"

/// Starts the child test `holder` (which opens a BPF counter, writes its program id to the file
/// named by counterHolderVariable and sleeps), SIGKILLs it, and expects the program to be unloaded.
func expectProgramGoneAfterKill(holder: String, programName: String) throws {
    let idFile = NSTemporaryDirectory() + "droptop-holder-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: idFile) }
    let pid = try #require(spawnThisTestBinary(test: holder, environment: [counterHolderVariable: idFile]))
    var status: Int32 = 0, reaped = false
    defer { if !reaped { kill(pid, SIGKILL); waitpid(pid, &status, 0) } }
    var id: UInt32?
    for _ in 0..<1000 where id == nil {
        usleep(20_000)
        id = (try? String(contentsOfFile: idFile, encoding: .utf8)).flatMap { UInt32($0) }
    }
    let held = try #require(id, "the child test never reported its program id")
    #expect(DropReasonCounter.loadedProgramIDs(named: programName).contains(held))
    kill(pid, SIGKILL)
    reaped = waitpid(pid, &status, 0) == pid
    #expect(reaped && (status & 0x7F) == SIGKILL, "the child was not killed: status \(status)")
    #expect(waitUntilUnloaded(held, name: programName))
}

/// For the child test of expectProgramGoneAfterKill: writes the held program's id to the file
/// named by counterHolderVariable, then waits to be killed.
func reportProgramIDAndWait(_ programID: UInt32?) throws {
    let id = try #require(programID)
    let path = try #require(ProcessInfo.processInfo.environment[counterHolderVariable])
    try "\(id)".write(toFile: path, atomically: true, encoding: .utf8)
    sleep(60)
}

/// Runs the child test `test` as nobody without capabilities; returns what it wrote to the file
/// named by unavailableReportVariable (the counter's "unavailable" message).
func messageFromUnprivilegedChild(test: String) throws -> String {
    let directory = NSTemporaryDirectory() + "droptop-unprivileged-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false,
                                            attributes: [.posixPermissions: 0o777])
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/message"
    let pid = try #require(spawnThisTestBinary(test: test, environment: [unavailableReportVariable: path], asNobody: true))
    var status: Int32 = 0
    waitpid(pid, &status, 0)
    return try String(contentsOfFile: path, encoding: .utf8)
}

/// Run only as a child without privileges (see withoutPrivilegesTheMessageSaysWhatIsNeeded): writes open()'s message.
@Suite struct DropReasonsUnprivilegedChild {
    @Test(.enabled(if: ProcessInfo.processInfo.environment[unavailableReportVariable] != nil))
    func reportWhyTheCounterIsUnavailable() throws {
        let path = try #require(ProcessInfo.processInfo.environment[unavailableReportVariable])
        switch DropReasonCounter.open() {
        case .success: try "opened".write(toFile: path, atomically: false, encoding: .utf8)
        case .failure(let reason): try reason.message.write(toFile: path, atomically: false, encoding: .utf8)
        }
    }
}

/// Sends `count` UDP datagrams to 127.0.0.1:9, where nothing listens: each is dropped as NO_SOCKET.
func sendToClosedPort(count: Int) -> String {
    """
    import socket
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for _ in range(\(count)): s.sendto(b'x', ('127.0.0.1', 9))
    """
}

/// `count` datagrams of 200 bytes to a UDP socket whose receive buffer holds almost none, never read.
func overflowReceiveBuffer(count: Int) -> String {
    """
    import socket
    r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    r.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1)
    r.bind(('127.0.0.1', 5555))
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for _ in range(\(count)): s.sendto(b'x' * 200, ('127.0.0.1', 5555))
    """
}

func total(_ totals: [DropReasonTotal], _ reason: String) -> UInt64 {
    totals.first { $0.reason == reason }?.total ?? 0
}

func openCounter() throws -> DropReasonCounter {
    switch DropReasonCounter.open() {
    case .success(let counter): return counter
    case .failure(let reason): throw NamespaceFailure(step: reason.message)
    }
}

/// Loads a real program; drops are counted machine-wide, so these run one at a time.
@Suite(.serialized, .enabled(if: getuid() == 0, "needs root to load BPF programs and create network namespaces"))
struct DropReasonsLiveTests {
    @Test func closedPortDatagramsAreCountedAsNoSocket() throws {
        let counter = try openCounter()
        let namespace = try DropReasonNamespace()
        let before = total(counter.totals(), "NO_SOCKET")
        namespace.python(sendToClosedPort(count: 500))
        let gained = total(counter.totals(), "NO_SOCKET") - before
        #expect(gained >= 500 && gained < 800, "NO_SOCKET gained \(gained) via \(counter.mechanism)")
        #expect(!counter.totals().contains { DropReasonNames.notDrops.contains($0.reason) })
    }

    /// The fallback for hosts without BTF: a tracefs tracepoint, with tracefs mounted for the test only.
    @Test func tracefsFallbackCountsNoSocketToo() throws {
        let root = NSTemporaryDirectory() + "droptop-tracefs-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        try #require(runQuietly(["mount", "-t", "tracefs", "nodev", root]) == 0, "cannot mount tracefs at \(root)")
        defer { runQuietly(["umount", root]) }
        let counter: DropReasonCounter
        switch DropReasonCounter.open(btfPath: "/nonexistent/vmlinux", tracefsRoots: [root]) {
        case .success(let opened): counter = opened
        case .failure(let reason): Issue.record(Comment(rawValue: reason.message)); return
        }
        #expect(counter.mechanism == "tracefs tracepoint")
        let namespace = try DropReasonNamespace()
        let before = total(counter.totals(), "NO_SOCKET")
        namespace.python(sendToClosedPort(count: 500))
        let gained = total(counter.totals(), "NO_SOCKET") - before
        #expect(gained >= 500 && gained < 800, "NO_SOCKET gained \(gained) via \(counter.mechanism)")
    }

    @Test func aFullReceiveBufferIsCountedAsSocketRcvbuff() throws {
        let counter = try openCounter()
        let namespace = try DropReasonNamespace()
        let before = total(counter.totals(), "SOCKET_RCVBUFF")
        namespace.python(overflowReceiveBuffer(count: 2000))
        let gained = total(counter.totals(), "SOCKET_RCVBUFF") - before
        // Drops are machine-wide: other traffic on a shared host may add a few.
        #expect(gained >= 1500 && gained < 2500, "SOCKET_RCVBUFF gained \(gained)")
    }

    @Test func theProgramIsGoneWhenTheCounterIs() throws {
        var counter: DropReasonCounter? = try openCounter()
        let id = try #require(counter?.programInfo()?.id)
        #expect(DropReasonCounter.loadedProgramIDs(named: DropReasonCounter.programName).contains(id))
        counter = nil
        #expect(waitUntilUnloaded(id))
    }

    /// Run only as the child of the next test: holds a counter, writes its program id, waits to be killed.
    @Test(.enabled(if: ProcessInfo.processInfo.environment[counterHolderVariable] != nil))
    func holdACounterUntilKilled() throws {
        let counter = try openCounter()
        try withExtendedLifetime(counter) { try reportProgramIDAndWait(counter.programInfo()?.id) }
    }

    @Test func theProgramIsGoneAfterItsProcessIsKilled() throws {
        try expectProgramGoneAfterKill(holder: "holdACounterUntilKilled", programName: DropReasonCounter.programName)
    }

    @Test func withoutPrivilegesTheMessageSaysWhatIsNeeded() throws {
        let message = try messageFromUnprivilegedChild(test: "reportWhyTheCounterIsUnavailable")
        #expect(message.hasPrefix("kernel drop reasons need root (or CAP_BPF and CAP_PERFMON)"), "\(message)")
    }

    /// Not an assertion: prints ns per drop. Run with DROPTOP_MEASURE_COST=1 (see the report).
    /// An empty program attached beside the counter measures what run_time_ns itself costs per run.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["DROPTOP_MEASURE_COST"] == "1"))
    func costPerDropIsPrinted() throws {
        let statsPath = "/proc/sys/kernel/bpf_stats_enabled"
        let previous = try String(contentsOfFile: statsPath, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        try "1".write(toFile: statsPath, atomically: false, encoding: .utf8)
        defer { try? previous.write(toFile: statsPath, atomically: false, encoding: .utf8) }
        let counter = try openCounter()
        let empty = [BPFInstruction(code: 0xB7, dst: 0, immediate: 0), BPFInstruction(code: 0x95)]
        let baseline = try BPFObjects.loadProgram(type: DropCountingProgram.programTypeRawTracepoint, name: "droptop_empty", empty).get()
        let baselineLink = try BPFObjects.attachRawTracepoint("kfree_skb", program: baseline).get()
        let namespace = try DropReasonNamespace()
        namespace.python(sendToClosedPort(count: 200_000), timeout: 300)
        let info = try #require(counter.programInfo())
        let floor = try #require(BPFObjects.programInfo(baseline.fd))
        _ = baselineLink
        let format: (BPFProgramInfo) -> String = { info in
            "\(info.runTimeNanoseconds) ns / \(info.runCount) runs = " + String(format: "%.1f ns", info.nanosecondsPerRun ?? 0)
        }
        print("drop-reason cost via \(counter.mechanism): counter \(format(info)); empty program \(format(floor)); "
              + "NO_SOCKET \(total(counter.totals(), "NO_SOCKET"))")
    }
}
