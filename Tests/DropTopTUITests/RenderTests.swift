import Foundation
import Testing
@testable import DropTopCore
@testable import DropTopTUI

private let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures").path

/// Two samples of a fixture tree one second apart; `traffic` changes the second one.
func history(_ fixture: String, traffic: (inout Sample) -> Void = { _ in }) -> History {
    setenv("TZ", "UTC", 1)
    tzset()
    let sampler = Sampler(procRoot: "\(fixtures)/\(fixture)/proc", sysRoot: "\(fixtures)/\(fixture)/sys")
    var first = sampler.sample()
    first.dropReasons = DropReasonSample(available: true, note: "test", totals: [DropReasonTotal(reason: "NO_SOCKET", total: 10)])
    first.monotonicSeconds = 100
    first.wallSeconds = 1_764_000_000
    var second = first
    second.monotonicSeconds = 101
    second.wallSeconds = 1_764_000_001
    traffic(&second)
    var h = History()
    h.append(Report(previous: nil, current: first))
    h.append(Report(previous: first, current: second))
    return h
}

/// eth0 receives 1 Gbit/s with drops and FIFO overruns; CPU 3 takes all of eth0's queue-3 IRQs and drops.
func busyServer(_ s: inout Sample) {
    if let i = s.interfaces.firstIndex(where: { $0.name == "eth0" }) {
        var v = s.interfaces[i].counters.values
        v[0] += 125_000_000; v[1] += 100_000; v[3] += 50; v[4] += 20; v[8] += 5_000_000; v[9] += 40_000
        s.interfaces[i].counters = NetDevCounters(values: v)
    }
    if let rows = s.softnet, let k = rows.firstIndex(where: { $0.cpu == 3 }) {
        s.softnet?[k].dropped += 7
        s.softnet?[k].timeSqueeze += 2
    }
    if let i = s.interfaces.firstIndex(where: { $0.name == "eth0" }) {
        s.interfaces[i].statistics?["rx_missed_errors"]? += 20
        s.interfaces[i].statistics?["rx_fifo_errors"]? += 20
    }
    if let k = s.networkIRQs?.firstIndex(where: { $0.irq == "103" }) { s.networkIRQs?[k].counts[3, default: 0] += 5000 }
    if let k = s.softirqs?.cpuIDs.firstIndex(of: 3) { s.softirqs?.netRX[k] += 6000 }
    s.protocols?["Tcp"]?.counters["OutSegs"]? += 1000
    s.protocols?["Tcp"]?.counters["RetransSegs"]? += 30
    s.protocols?["TcpExt"]?.counters["ListenOverflows"]? += 4
    // The kernel's account: the listen overflows, and datagrams to a closed port.
    s.dropReasons?.totals = [DropReasonTotal(reason: "NO_SOCKET", total: 40), DropReasonTotal(reason: "TCP_LISTEN_OVERFLOW", total: 4)]
}

func render(_ h: History, _ state: ViewState = ViewState(), width: Int, height: Int) -> Grid {
    ScreenRenderer.render(history: h, state: state, width: width, height: height)
}

/// The same history with findings evaluated, as the app does.
func withFindings(_ h: History) -> History {
    let engine = TriageEngine()
    var out = History()
    for var r in h.reports { r.findings = engine.evaluate(r); out.append(r) }
    return out
}

/// Compares with Tests/Fixtures/golden/NAME.txt; UPDATE_GOLDEN=1 rewrites the file (then review it).
func expectGolden(_ grid: Grid, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let path = "\(fixtures)/golden/\(name).txt"
    let text = grid.text + "\n"
    if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
        try FileManager.default.createDirectory(atPath: "\(fixtures)/golden", withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return
    }
    let golden = try String(contentsOfFile: path, encoding: .utf8)
    #expect(text == golden, "render differs from golden/\(name).txt", sourceLocation: sourceLocation)
}

@Suite(.serialized) struct RenderTests {
    @Test(arguments: [(80, 24), (120, 40), (40, 10)])
    func wholeScreenBusyServer(width: Int, height: Int) throws {
        let grid = render(history("server64", traffic: busyServer), width: width, height: height)
        try expectGolden(grid, "server64-\(width)x\(height)")
        if width >= 80 {
            for title in ["1 Throughput", "2 Drops & errors", "3 CPU / IRQ", "4 TCP sockets"] {
                #expect(grid.text.contains(title), "missing pane \(title) at \(width)x\(height)")
            }
            #expect(grid.text.contains("5 Protocols") == (width >= 120))
        } else {
            #expect(grid.text.contains("terminal too small: need 64x18"))
        }
    }

    @Test func realValuesAppearInTheirColumns() throws {
        let text = render(history("server64", traffic: busyServer), width: 120, height: 40).text
        let eth0 = try #require(text.split(separator: "\n").first { $0.contains("│eth0 ") && $0.contains("10G") })
        // 100,000 packets/s, 122070.31 kB/s, 10% of a 10 Gbit/s link.
        #expect(eth0.contains("100000.00"))
        #expect(eth0.contains("122070.31"))
        #expect(eth0.contains("10.00"))
        let drops = try #require(text.split(separator: "\n").first { $0.contains("│eth0 ") && !$0.contains("10G") })
        #expect(drops.contains("50.00") && drops.contains("20.00"))
        #expect(text.contains("ESTAB          44"))
        #expect(text.contains("0.0.0.0:5432"))
    }

    @Test func movingDropsAreAlertStyled() throws {
        let grid = render(history("server64", traffic: busyServer), width: 120, height: 40)
        let rows = grid.text.split(separator: "\n", omittingEmptySubsequences: false)
        let y = try #require(rows.firstIndex { $0.contains("│eth0 ") && !$0.contains("10G") })
        let x = try #require(rows[y].range(of: "50.00")).lowerBound.utf16Offset(in: rows[y])
        #expect(grid[x, y].style == .alert)
    }

    @Test func everyPaneZoomed() throws {
        let h = history("server64", traffic: busyServer)
        for pane in PaneID.allCases {
            var state = ViewState()
            state.zoomed = pane
            let grid = render(h, state, width: 120, height: 40)
            try expectGolden(grid, "server64-zoom\(pane.rawValue)-120x40")
            #expect(grid.text.contains("\(pane.rawValue) \(pane.title)"))
            #expect(grid.text.contains("history, one row per interval"))
            #expect(grid.text.contains("Average:"))
        }
    }

    @Test func triagePaneShowsFindingsInTheOverviewAndDetailWhenZoomed() throws {
        let h = withFindings(history("server64", traffic: busyServer))
        let latest = try #require(h.latest)
        let ids = Set(latest.findings.map(\.id))
        #expect(ids.isSuperset(of: ["link-no-carrier", "nic-ring-overrun", "softnet-backlog-drops", "tcp-listen-overflow", "tcp-retransmits"]))
        let overview = render(h, width: 120, height: 40)
        try expectGolden(overview, "server64-triage-120x40")
        #expect(overview.text.contains("6 Triage"))
        #expect(overview.text.contains("CRITICAL"))
        let small = render(h, width: 80, height: 24)
        #expect(small.text.contains("6 Triage"))
        var state = ViewState()
        #expect(KeyHandler.apply(.char("t"), to: &state) == .redraw)
        #expect(state.zoomed == .triage)
        let detail = render(h, state, width: 120, height: 40)
        try expectGolden(detail, "server64-triage-zoom-120x40")
        #expect(detail.text.contains("look:"))
        _ = KeyHandler.apply(.end, to: &state)
        let end = render(h, state, width: 120, height: 40).text
        #expect(end.contains("net.core.somaxconn = 128"))
    }

    @Test func helpOverlayListsEveryKey() throws {
        var state = ViewState()
        state.showHelp = true
        let grid = render(history("server64"), state, width: 80, height: 24)
        try expectGolden(grid, "server64-help-80x24")
        for key in ["Tab", "PgUp", "space or p", "q, Ctrl-C", "+ -", "1 to 8", "t "] { #expect(grid.text.contains(key), "\(key)") }
    }

    @Test func hostileNamesAreEscaped() throws {
        let grid = render(history("oddnames"), width: 80, height: 24)
        try expectGolden(grid, "oddnames-80x24")
        let text = grid.text
        #expect(text.contains("ev\\x1b[31"))
        #expect(text.contains("b\\xffd"))
        #expect(!grid.cells.contains { $0.char.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) } })
        // A right-to-left override and a zero-width space are shown as bytes, never sent.
        let tall = render(history("oddnames"), width: 80, height: 40).text
        #expect(tall.contains("│\\xe2\\x80\\xae1 ") && tall.contains("│\\xe2\\x80\\x8b "))
        #expect(!grid.cells.contains { $0.char.unicodeScalars.contains { $0.properties.generalCategory == .format } })
    }

    @Test func asciiGlyphsWhenNotUTF8() throws {
        var state = ViewState()
        state.glyphs = .ascii
        let grid = render(history("server64", traffic: busyServer), state, width: 120, height: 40)
        #expect(grid.text.unicodeScalars.allSatisfy { $0.isASCII })
        #expect(grid.text.contains("+- 1 Throughput"))
    }

    @Test func sixtyFourCPUsScrollInTheirPane() throws {
        var state = ViewState()
        state.focus = .cpu
        state.scroll[.cpu] = 40
        let text = render(history("server64"), state, width: 120, height: 40).text
        #expect(text.contains("│40 "))
        #expect(!text.contains("│0       "))
    }

    @Test func filterAndSort() throws {
        var state = ViewState()
        state.filter = .active
        let interfaces = Panes.interfaces(try #require(history("server64", traffic: busyServer).latest), state)
        #expect(interfaces.map(\.name) == ["eth0", "ens1f0"])
        state.filter = .withDrops
        state.sort = .rx
        #expect(Panes.interfaces(try #require(history("server64", traffic: busyServer).latest), state).map(\.name) == ["eth0"])
        state.filter = .all
        state.interfaceGlobs = ["e*1*"]
        #expect(Panes.interfaces(try #require(history("server64").latest), state).map(\.name) == ["ens1f0", "eth1"])
    }
}

@Suite struct KeyTests {
    @Test func zoomHelpPauseQuit() {
        var s = ViewState()
        #expect(KeyHandler.apply(.char("2"), to: &s) == .redraw)
        #expect(s.zoomed == .drops)
        _ = KeyHandler.apply(.escape, to: &s)
        #expect(s.zoomed == nil)
        _ = KeyHandler.apply(.char("h"), to: &s)
        #expect(s.showHelp)
        _ = KeyHandler.apply(.char("x"), to: &s)
        #expect(!s.showHelp)
        _ = KeyHandler.apply(.char(" "), to: &s)
        #expect(s.paused)
        #expect(KeyHandler.apply(.char("q"), to: &s) == .quit)
    }

    @Test func intervalNeverBelowMinimum() {
        var s = ViewState()
        for _ in 0..<30 { _ = KeyHandler.apply(.char("-"), to: &s) }
        #expect(s.interval == 0.1)
        _ = KeyHandler.apply(.char("+"), to: &s)
        #expect(abs(s.interval - 0.2) < 1e-9)
    }

    @Test func tabCyclesFocusAndSortFilterCycle() {
        var s = ViewState()
        for _ in 0..<PaneID.allCases.count { _ = KeyHandler.apply(.tab, to: &s) }
        #expect(s.focus == .throughput)
        _ = KeyHandler.apply(.backTab, to: &s)
        #expect(s.focus == .namespaces)
        _ = KeyHandler.apply(.char("s"), to: &s)
        #expect(s.sort == .rx)
        _ = KeyHandler.apply(.char("f"), to: &s)
        #expect(s.filter == .active)
    }
}

@Suite struct DropReasonPaneTests {
    @Test func withoutTheCounterTheStatusLineAndPane7SayWhy() throws {
        let note = "kernel drop reasons need root (or CAP_BPF and CAP_PERFMON): bpf(BPF_MAP_CREATE) was refused"
        let h = history("server64") { s in s.dropReasons = DropReasonSample(available: false, note: note, totals: []) }
        let overview = render(h, width: 120, height: 40).text
        #expect(overview.split(separator: "\n").first?.contains("no kernel drop reasons (7)") == true)
        var state = ViewState()
        state.zoomed = .dropReasons
        #expect(render(h, state, width: 120, height: 40).text.contains("need root (or CAP_BPF and CAP_PERFMON)"))
    }

    @Test func aMovingReasonShowsInTheOverviewWithItsLayerAndMeaning() throws {
        let text = render(history("server64", traffic: busyServer), width: 120, height: 40).text
        let row = try #require(text.split(separator: "\n").first { $0.contains("TCP_LISTEN_OVERFLOW") })
        #expect(row.contains("4.00") && row.contains("application") && row.contains("accept queue"))
        #expect(!text.contains("no kernel drop reasons"))
    }
}

/// The incident log in the Triage pane (issue 14).
struct IncidentRenderTests {
    func finding(_ value: Double) -> Finding {
        Finding(id: "tcp-listen-overflow", severity: .critical, layer: .application, title: "TCP accept queue full on port 80",
                item: "port 80", evidence: [Evidence(name: "TcpExt.ListenOverflows", value: value, unit: "per_s", item: nil)],
                explanation: "The application does not accept() fast enough.", hint: "", hostWide: false)
    }

    /// A finding that held for 3 s (peak 40/s) and ended 10 s before the newest report.
    func endedHistory() -> History {
        let log = IncidentLog()
        var h = History()
        var previous = Sample(monotonicSeconds: 0, wallSeconds: 1_764_000_000, host: HostInfo(hostname: "h", kernel: "k"))
        for t in 1...13 {
            var current = previous
            current.monotonicSeconds = Double(t); current.wallSeconds = 1_764_000_000 + Double(t)
            var r = Report(previous: previous, current: current)
            r.findings = t <= 3 ? [finding([5, 40, 10][t - 1])] : []
            log.update(&r)
            h.append(r)
            previous = current
        }
        return h
    }

    @Test func anEndedFindingStaysDimmedWithItsPeakUntilDismissed() throws {
        let h = endedHistory()
        var state = ViewState()
        let text = render(h, state, width: 120, height: 40).text
        #expect(text.contains("ENDED"), "\(text)")
        #expect(text.contains("TCP accept queue full on port 80"))
        #expect(text.contains("peak ListenOverflows 40/s, held 3 s, ended 10 s ago"), "\(text)")
        state.zoomed = .triage
        let zoomed = render(h, state, width: 120, height: 40).text
        #expect(zoomed.contains("~55 counted while it held") && zoomed.contains("TcpExt.ListenOverflows: 40.00/s"), "\(zoomed)")
        _ = KeyHandler.apply(.char("0"), to: &state)
        #expect(KeyHandler.apply(.char("x"), to: &state) == .dismissEnded)
        state.dismissedBefore = h.latest?.sample.wallSeconds ?? 0
        #expect(!render(h, state, width: 120, height: 40).text.contains("ENDED"))
    }

    @Test func liveStepBackShowsAnEarlierReport() {
        let h = endedHistory()
        #expect(h.steppedBack(11).latest?.findings.first?.evidence.first?.value == 40)
        #expect(h.steppedBack(0).latest?.sample.monotonicSeconds == 13)
        #expect(h.steppedBack(100).reports.count == 1)
        var state = ViewState()
        #expect(KeyHandler.apply(.char(","), to: &state) == .stepBack && state.paused)
        #expect(KeyHandler.apply(.char("r"), to: &state) == .readSocketsNow)
    }
}

/// Memory (issue 14): the history keeps what its tables read, not every raw counter.
struct HistoryMemoryTests {
    @Test func olderReportsAreSlimmedButKeepTheirRates() {
        let base = history("server64", traffic: busyServer)
        var h = History()
        for _ in 0..<(History.defaultCapacity + 5) { h.append(base.reports[1]) }
        #expect(h.reports.count == History.defaultCapacity)
        let old = h.reports[0], new = h.reports[h.reports.count - 1]
        #expect(old.sample.protocols == nil && new.sample.protocols != nil)
        #expect(old.sample.tcp?.states == new.sample.tcp?.states)
        #expect(old.rate(.tcpRetransSegs) == new.rate(.tcpRetransSegs) && old.rate(.tcpRetransSegs) != nil)
        #expect(old.retransPercent == new.retransPercent)
        #expect(h.reports.filter { $0.sample.protocols != nil }.count == History.detailed)
    }
}
