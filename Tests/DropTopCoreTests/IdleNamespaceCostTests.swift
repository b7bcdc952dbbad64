import Foundation
import Testing
@testable import DropTopCore

/// Issue 13's cost: what an idle namespace is spared each sample (no dump where the counts say
/// there is no TCP socket, no LISTEN dump where no packet came, no parse of unchanged bytes), and
/// that each saving stays off where it would hide something.
@Suite struct IdleNamespaceCostTests {
    /// Counts its walks and LISTEN dumps; its one listener has `queue` connections waiting.
    final class CountingTables: SocketTableSource {
        var walks = 0, listenerDumps = 0, udpReads = 0
        var queue: UInt64 = 0
        func tcpSummary(includeIPv6: Bool) -> (TCPSummary?, [SourceError]) {
            walks += 1
            var summary = TCPSummary.empty(source: "netlink")
            summary.states[TCPState.listen.name] = 1
            summary.listeners = [listener]
            return (summary, [])
        }
        func udpSummary(includeIPv6: Bool) -> (UDPSummary?, [SourceError]) {
            udpReads += 1
            return (UDPSummary(sockets: 1, busySockets: [], source: "netlink"), [])
        }
        func listeners(includeIPv6: Bool) -> ([Listener], [SourceError])? {
            listenerDumps += 1
            return ([listener], [])
        }
        var listener: Listener { Listener(address: "0.0.0.0", port: 8080, acceptQueue: queue, backlog: 128) }
    }

    /// A sample at `t` whose counts say `inuse` TCP sockets (none ESTABLISHED, none in TIME_WAIT).
    func sample(_ t: Double, inuse: UInt64, udp: UInt64 = 0) -> Sample {
        var s = Sample(monotonicSeconds: t, wallSeconds: 1000 + t, host: HostInfo(hostname: "h", kernel: "k"))
        s.sockstat = ["TCP": ["inuse": inuse, "orphan": 0, "tw": 0, "alloc": inuse], "TCP6": ["inuse": 0],
                      "UDP": ["inuse": udp, "mem": 0], "UDP6": ["inuse": 0]]
        var tcp = ProtocolSection()
        tcp.gauges["CurrEstab"] = 0
        s.protocols = ["Tcp": tcp]
        return s
    }

    func read(_ tiers: SocketTiers, _ s: Sample, quiet: Bool = false) -> Sample {
        var s = s, errors: [SourceError] = []
        tiers.read(into: &s, needs: .all, includeIPv6: true, quiet: quiet, errors: &errors)
        return s
    }

    @Test func countsOfZeroMeanEmptyTablesWithoutADump() {
        let fake = CountingTables(), tiers = SocketTiers(source: fake)
        tiers.budget = 0.002
        tiers.trustsEmptyCounts = true
        let a = read(tiers, sample(0, inuse: 0))
        #expect(fake.walks == 0 && fake.listenerDumps == 0)
        #expect(a.tcp?.states.values.allSatisfy { $0 == 0 } == true && a.tcp?.states.count == tcpStateNames.count)
        #expect(a.tcp?.listeners == [] && a.tcpStateAge(TCPState.closeWait.name) == 0 && a.tcpStateAge(TCPState.listen.name) == 0)
        // A listener appears: its socket is counted, and the tables are read.
        let b = read(tiers, sample(1, inuse: 1))
        #expect(fake.walks == 1 && b.tcp?.listeners.first?.port == 8080 && b.tcp?.states[TCPState.listen.name] == 1)
    }

    /// A pod whose one TCP socket is its idle listener: the LISTEN dump (or the kept listeners)
    /// is the whole table, so the walk of the host's hash is not needed however old it gets.
    @Test func aQuietNamespaceOfIdleListenersIsNotWalked() {
        let fake = CountingTables(), tiers = SocketTiers(source: fake)
        tiers.budget = 0.002
        tiers.maxAge = 30
        tiers.trustsEmptyCounts = true
        _ = read(tiers, sample(0, inuse: 1))
        #expect(fake.walks == 1)
        var last = Sample(monotonicSeconds: 0, wallSeconds: 0, host: HostInfo(hostname: "h", kernel: "k"))
        for t in stride(from: 1.0, through: 100, by: 1) { last = read(tiers, sample(t, inuse: 1), quiet: true) }
        #expect(fake.walks == 1 && last.tcp?.states[TCPState.listen.name] == 1 && last.tcp?.listeners.first?.port == 8080)
        #expect(last.tcp?.sockets == 1 && last.tcp?.states[TCPState.established.name] == 0)
        // Not quiet: the rule is off, the walk follows its age and counts as before.
        _ = read(tiers, sample(101, inuse: 2))
        #expect(fake.walks == 2)
    }

    /// Under the budget all namespaces share, a namespace's listeners still come from the LISTEN
    /// dump (it used to say it had none, so each namespace waited for a walk of the host's hash).
    @Test func theSharedBudgetPassesTheListenDumpOn() {
        let fake = CountingTables()
        let tiers = SocketTiers(source: BudgetedSocketTables(fake, budget: SharedSocketBudget(share: 0.002)))
        tiers.budget = 0.002
        tiers.trustsEmptyCounts = true
        _ = read(tiers, sample(0, inuse: 1))
        var last = Sample(monotonicSeconds: 0, wallSeconds: 0, host: HostInfo(hostname: "h", kernel: "k"))
        for t in stride(from: 1.0, through: 60, by: 1) { last = read(tiers, sample(t, inuse: 1), quiet: true) }
        #expect(fake.listenerDumps >= 1 && fake.walks <= 1 && last.tcp?.listeners.first?.port == 8080)
    }

    @Test func noUDPSocketMeansAnEmptyUDPTableWithoutADump() {
        let fake = CountingTables(), tiers = SocketTiers(source: fake)
        tiers.trustsEmptyCounts = true
        let a = read(tiers, sample(0, inuse: 0))
        #expect(fake.udpReads == 0 && a.udp?.sockets == 0 && a.udp?.source == "netlink")
        let b = read(tiers, sample(1, inuse: 0, udp: 1))
        #expect(fake.udpReads == 1 && b.udp?.sockets == 1)
    }

    /// A namespace with UDP sockets and no TCP socket: no TCP read asks the shared budget first,
    /// so the UDP read asks it itself (it used to wait for a TCP read that never came).
    @Test func aUDPOnlyNamespaceGetsItsUDPTableUnderTheSharedBudget() {
        let fake = CountingTables()
        let tiers = SocketTiers(source: BudgetedSocketTables(fake, budget: SharedSocketBudget(share: 0.002)))
        tiers.budget = 0.002
        tiers.trustsEmptyCounts = true
        let a = read(tiers, sample(0, inuse: 0, udp: 2))
        #expect(fake.walks == 0 && fake.udpReads == 1 && a.udp?.sockets == 1)
    }

    @Test func aCapturedTreeIsWalkedWhateverItsCountsSay() {
        let fake = CountingTables(), tiers = SocketTiers(source: fake)   // trustsEmptyCounts: false
        let a = read(tiers, sample(0, inuse: 0))
        #expect(fake.walks == 1 && a.tcp?.listeners.count == 1)
    }

    @Test func aQuietNamespaceKeepsItsListenersWhileNoConnectionWaits() {
        let fake = CountingTables(), tiers = SocketTiers(source: fake)
        tiers.budget = 1e-9   // one walk, then the counts' tier
        _ = read(tiers, sample(0, inuse: 1))
        let b = read(tiers, sample(1, inuse: 1))
        #expect(fake.walks == 1 && fake.listenerDumps == 2 && b.tcpStateAge(TCPState.listen.name) == 0)
        // No packet since: the LISTEN dump is not asked for; the queues are still empty now.
        let c = read(tiers, sample(2, inuse: 1), quiet: true)
        #expect(fake.listenerDumps == 2 && c.tcp?.listeners.first?.port == 8080 && c.tcpStateAge(TCPState.listen.name) == 0)
        // Packets again: dumped; a connection waits.
        fake.queue = 3
        let d = read(tiers, sample(3, inuse: 1))
        #expect(fake.listenerDumps == 3 && d.tcp?.listeners.first?.acceptQueue == 3)
        // Quiet, but a connection was waiting: the application may accept it without a packet.
        let e = read(tiers, sample(4, inuse: 1), quiet: true)
        #expect(fake.listenerDumps == 4 && e.tcpStateAge(TCPState.listen.name) == 0)
    }

    /// Namespaces found in the same sample read their counters again in different ones.
    @Test func theFirstReReadIsStaggeredByPhase() {
        func idle(_ t: Double) -> Sample {
            var s = Sample(monotonicSeconds: t, wallSeconds: t, host: HostInfo(hostname: "h", kernel: "k"))
            s.interfaces = [InterfaceSample(name: "lo", counters: NetDevCounters(values: Array(repeating: 0, count: 16)))]
            return s
        }
        let early = ProtocolGate(phase: 0.5), plain = ProtocolGate()
        early.remember(idle(0)); plain.remember(idle(0))
        #expect(early.reuse(idle(4.9)) != nil && plain.reuse(idle(4.9)) != nil)
        #expect(early.reuse(idle(5.1)) == nil && plain.reuse(idle(5.1)) != nil)
        // Later reads keep their full age.
        early.remember(idle(5.1))
        #expect(early.reuse(idle(15)) != nil && early.reuse(idle(15.2)) == nil)
    }

    /// sockstat's host totals would make every namespace differ from its last sample whenever a
    /// socket is opened anywhere: a namespace keeps its own levels only.
    @Test func aNamespacesSockstatLeavesTheHostTotalsOut() {
        let sockstat: SockStat = ["sockets": ["used": 3], "TCP": ["inuse": 1, "orphan": 2, "tw": 0, "alloc": 900, "mem": 40],
                                  "UDP": ["inuse": 1, "mem": 9], "FRAG": ["inuse": 0, "memory": 0]]
        let own = SockstatHostWide.removed(sockstat)
        #expect(own["TCP"] == ["inuse": 1, "tw": 0] && own["UDP"] == ["inuse": 1])
        #expect(own["sockets"] == ["used": 3] && own["FRAG"] == ["inuse": 0, "memory": 0])
    }

    /// A quiet namespace's TCP text is kept only while every figure in it was read now: its ages
    /// are part of it.
    @Test func aQuietNamespacesTCPTextKeepsItsAgesRight() throws {
        let q = QuietNamespaceTests(), idle = q.protocols(udpErrors: 10)
        func texts(walkedAt: (Double) -> Double) throws -> [String] {
            let samples = (0..<5).map { t -> Sample in
                var s = q.sample(at: Double(t), drops: 0, protocols: idle)
                s.namespaces?[0].sample.socketTablesSeconds = walkedAt(Double(t))
                s.namespaces?[0].sample.tcpListenersSeconds = walkedAt(Double(t))
                return s
            }
            let pipeline = Pipeline(ReplaySampleSource(samples))
            var out: [String] = []
            while let r = pipeline.next() {
                var n = try #require(r.namespaces.first)
                out.append(NamespaceJSON.namespace(n).serialized())
                _ = NamespaceJSON.namespace(n).serialized()   // from the memo, where there is one
                if n.quietMemo != nil {
                    let kept = NamespaceJSON.namespace(n).serialized()
                    n.quietMemo = nil
                    #expect(kept == NamespaceJSON.namespace(n).serialized())   // what a fresh rendering gives
                    out[out.count - 1] += " (quiet)"
                }
            }
            return out
        }
        let fresh = try texts { $0 }, old = try texts { _ in 0 }
        #expect(fresh.last?.hasSuffix(" (quiet)") == true && fresh.last?.contains("\"walk_age_seconds\":0") == true)
        #expect(old[3].contains("\"walk_age_seconds\":3") && old[4].contains("\"walk_age_seconds\":4"), "\(old[4])")
    }

    @Test func sameBytesAreNotParsedAgain() throws {
        let tree = try TreeCopy("server64")
        let reader = FileReader(procRoot: tree.root + "/proc", sysRoot: tree.root + "/sys")
        var parses = 0
        func read() throws -> String {
            try reader.withParse(.proc, "net/snmp") { parses += 1; return String(decoding: $0, as: UTF8.self) }
        }
        let first = try read()
        #expect(try read() == first && parses == 1)
        try tree.write("proc/net/snmp", Array((first + "Extra: 1\n").utf8))
        #expect(try read().hasSuffix("Extra: 1\n") && parses == 2)
        // Cut short: the refusal is named at every read, parsed or not.
        try tree.write("proc/net/snmp", Array((first + "Extra: 1").utf8))
        reader.refusals = []
        _ = try read()
        _ = try read()
        #expect(parses == 3 && reader.refusals.count == 2 && reader.refusals.first?.source == "/proc/net/snmp")
    }

    @Test func onlyTheNamedFilesAreKeptOpen() throws {
        let tree = try TreeCopy("server64")
        let reader = FileReader(procRoot: tree.root + "/proc", sysRoot: tree.root + "/sys")
        reader.keepsFilesOpen = true
        reader.keptOnly = [Array("net/dev".utf8)]
        func text(_ file: String) throws -> String { try reader.withContents(.proc, file) { String(decoding: $0, as: UTF8.self) } }
        let dev = try text("net/dev"), snmp = try text("net/snmp")
        // New files by those names (a rename, as a new namespace's would be): the kept one is still read.
        try tree.write("proc/net/dev", Array("replaced\n".utf8))
        try tree.write("proc/net/snmp", Array("replaced\n".utf8))
        #expect(try text("net/dev") == dev && dev != "replaced\n")
        #expect(try text("net/snmp") == "replaced\n" && snmp != "replaced\n")
    }
}

/// /run/netns is listed again only when it changed: a name added or removed shows at the next scan.
@Suite(.serialized, .enabled(if: getuid() == 0, "needs root to make named network namespaces"))
struct NamedNamespaceListingTests {
    func names(_ discovery: NamespaceDiscovery) -> Set<String> { Set(discovery.discover().compactMap(\.netnsName)) }

    @Test func aNameAddedOrRemovedShowsAtTheNextScan() throws {
        let discovery = NamespaceDiscovery()
        let name = "dtlist-\(getpid())"
        #expect(!names(discovery).contains(name))
        #expect(!names(discovery).contains(name))   // the kept listing
        runQuietly(["ip", "netns", "add", name])
        defer { runQuietly(["ip", "netns", "del", name]) }
        #expect(names(discovery).contains(name))
        runQuietly(["ip", "netns", "del", name])
        #expect(!names(discovery).contains(name))
    }
}
