import DropTopCore
import Foundation
import Testing

/// The live TCP state histogram (a sock_diag baseline plus state changes from BPF) against a fresh
/// dump, in namespaces the test makes; TIME_WAIT against /proc/net/sockstat's tw.
@Suite(.serialized, .enabled(if: isRoot, "needs root to load BPF programs and create network namespaces"))
struct LiveTCPStateTests {
    func census(in namespace: borrowing TestNamespace) throws -> TCPStateCensus {
        let path = "/run/netns/\(namespace.name)"
        return try #require(try NetworkNamespace.run(in: path) { try? TCPStateCensus.read() }, "sock_diag dump in \(path) failed")
    }

    func inode(of namespace: borrowing TestNamespace) throws -> UInt32 {
        try #require(TCPStateChangeCounter.namespaceInode(at: "/run/netns/\(namespace.name)"))
    }

    @Test func baselinePlusChangesMatchesAFreshDumpAndIgnoresOtherNamespaces() throws {
        let counter: TCPStateChangeCounter
        switch TCPStateChangeCounter.open() {
        case .success(let opened): counter = opened
        case .failure(let reason): Issue.record(Comment(rawValue: reason.message)); return
        }
        let mine = try TestNamespace(), other = try TestNamespace()
        let n = 80, q = n / 4
        let (helper, input, output) = try mine.start(["python3", packageRoot + "/Tests/scenarios/tcp_state_mix.py", "\(n)"])
        defer { try? input.fileHandleForWriting.close(); helper.waitUntilExit() }
        try #require(readLine(output) == "ready", "the helper did not start")

        let live = LiveTCPStates(counter: counter, namespaceInode: try inode(of: mine))
        #expect(live.fullSocketStates() == nil)
        live.walkStarting()
        let baseline = try census(in: mine)
        #expect(baseline.fullSockets[.established] == UInt64(2 * n) && baseline.fullSockets[.listen] == 1)
        #expect(live.walkEnded(baseline) == nil)

        input.fileHandleForWriting.write(Data("go\n".utf8))
        try #require(readLine(output) == "done", "the helper did not finish")
        let churn = "import socket\nl = socket.socket(); l.bind(('127.0.0.1', 7200)); l.listen(64)\n"
            + "for _ in range(100): c = socket.create_connection(('127.0.0.1', 7200)); l.accept()[0].close(); c.close()\n"
        #expect(try other.exec(["python3", "-c", churn]).status == 0)

        let now = try #require(counter.transitions())
        let states = try #require(live.fullSocketStates())
        let fresh = try census(in: mine)
        for state in TCPState.allCases {
            let dumped = fresh.fullSockets[state] ?? 0
            #expect(states[state] == dumped, "\(state.name): live \(states[state] ?? 0), dumped \(dumped)")
        }
        #expect(states[.established] == UInt64(2 * (n - 3 * q) + 2 * q) && states[.listen] == 1)
        #expect(states[.finWait2] == UInt64(q) && states[.closeWait] == UInt64(2 * q) && states[.timeWait] == 0)
        // The minisockets ss also lists: the closed pairs' TIME_WAIT and the orphans' FIN_WAIT2.
        #expect(fresh.timeWaitSockets == [.timeWait: UInt64(q), .finWait2: UInt64(q)])
        #expect(fresh.allSockets[.finWait2] == UInt64(2 * q))
        let sockstat = try mine.exec(["cat", "/proc/net/sockstat"]).stdout
        #expect(sockstat.contains(" tw \(2 * q)"), "sockstat: \(sockstat)")
        // The other namespace's 100 connections were counted, under its own inode only.
        #expect(now.counts(namespaceInode: try inode(of: other)).values.reduce(0, +) >= 700)
        live.walkStarting()
        #expect(live.walkEnded(try census(in: mine))?.total == 0)
        #expect(now.overflowed == 0)
    }
}

/// Not an assertion: prints the drift each walk finds while connections churn in the namespace
/// (changes during a walk may be counted twice). Run with DROPTOP_MEASURE_COST=1.
@Suite(.serialized, .enabled(if: isRoot && ProcessInfo.processInfo.environment["DROPTOP_MEASURE_COST"] == "1"))
struct LiveTCPStateDriftMeasurement {
    @Test func driftUnderChurnIsPrinted() throws {
        let counter = try TCPStateChangeCounter.open().get()
        let mine = try TestNamespace()
        let churn = """
            import socket, time
            l = socket.socket(); l.bind(('127.0.0.1', 7300)); l.listen(1024)
            idle = [(socket.create_connection(('127.0.0.1', 7300)), l.accept()[0]) for _ in range(2000)]
            print('ready', flush=True)
            end = time.time() + 6
            while time.time() < end:
                c = socket.create_connection(('127.0.0.1', 7300)); s = l.accept()[0]; c.close(); s.close()
            print('done', flush=True)
            input()
            """
        let (helper, input, output) = try mine.start(["python3", "-c", churn])
        defer { try? input.fileHandleForWriting.close(); helper.waitUntilExit() }
        try #require(readLine(output) == "ready")
        let path = "/run/netns/\(mine.name)"
        let inode = try #require(TCPStateChangeCounter.namespaceInode(at: path))
        let live = LiveTCPStates(counter: counter, namespaceInode: inode)
        let changesIn = { counter.transitions()?.counts(namespaceInode: inode).values.reduce(0, +) ?? 0 }
        let first = changesIn()
        let clock = ContinuousClock(), began = clock.now
        var drifts: [String] = []
        for _ in 0..<10 {
            live.walkStarting()
            let walkStart = clock.now
            let census = try #require(try NetworkNamespace.run(in: path) { try? TCPStateCensus.read() })
            let walk = clock.now - walkStart
            let drift = live.walkEnded(census)
            let states = drift.map { $0.byState.map { "\($0.key.name) \($0.value)" }.sorted() } ?? []
            drifts.append("\(drift?.total ?? 0) \(states) (walk \(walk))")
            usleep(400_000)
        }
        let elapsed = (clock.now - began).components
        let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        print("drift under churn, \(Double(changesIn() - first) / seconds) changes/s: " + drifts.joined(separator: "; "))
        _ = readLine(output)
        live.walkStarting()
        let settled = try #require(try NetworkNamespace.run(in: path) { try? TCPStateCensus.read() })
        print("after the churn: \(live.walkEnded(settled)?.total ?? 0)")
    }
}
