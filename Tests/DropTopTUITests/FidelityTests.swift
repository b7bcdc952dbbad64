import Foundation
import Testing
@testable import DropTopCore
@testable import DropTopTUI

/// Issue 17, terminal: keys and views that keep the habits of top, ss, nstat and bmon users.
@Suite(.serialized) struct FidelityTests {
    func busy() -> History { history("server64", traffic: busyServer) }

    @Test func zoomedHistoriesScrollColumnsWithAMarker() throws {
        var state = ViewState()
        state.zoomed = .protocols
        let first = render(busy(), state, width: 80, height: 24).text
        #expect(first.contains("[cols 1-6/30 >: Left/Right]"), "\(first)")
        #expect(!first.contains("lstovf/│") && !first.contains("lstovf│"))
        _ = KeyHandler.apply(.right, to: &state)
        _ = KeyHandler.apply(.right, to: &state)
        let moved = render(busy(), state, width: 80, height: 24).text
        #expect(moved.contains("[< cols 3-8/30 >: Left/Right]"), "\(moved)")
        let lines = moved.split(separator: "\n")
        let head = try #require(lines.firstIndex { $0.contains("history, one row per interval") }).advanced(by: 1)
        #expect(!lines[head].contains("active/s") && lines[head].contains("iseg/s"), "\(lines[head])")
        state.zoomed = .drops
        state.hscroll = [:]
        let drops = render(history("longnames", traffic: busyLongNames), state, width: 80, height: 24).text
        #expect(drops.contains("cols 1-5/9 >"), "\(drops)")
        // Every header label is whole: none is cut at the right edge.
        #expect(!drops.contains("txcarr/│") && !drops.contains("%ifuti│"))
    }

    @Test func cpusSortByDropsOrIRQsAndListenersByAcceptQueue() throws {
        var state = ViewState()
        state.focus = .cpu
        #expect(Panes.sortedCPUs(try #require(busy().latest), state).first?.cpu == 0)
        _ = KeyHandler.apply(.char("s"), to: &state)
        #expect(state.cpuSort == .drops && state.sort == .name)
        #expect(Panes.sortedCPUs(try #require(busy().latest), state).first?.cpu == 3)
        _ = KeyHandler.apply(.char("s"), to: &state)
        #expect(state.cpuSort == .irqs)
        let text = render(busy(), state, width: 120, height: 40).text
        #expect(text.contains("[sort: network IRQs]"))
        #expect(text.contains("│3 "))
        state.focus = .tcp
        let tcp = try #require(busy().latest?.sample.tcp)
        #expect(Panes.listeners(tcp, state).first?.acceptQueue == 5)
        _ = KeyHandler.apply(.char("s"), to: &state)
        #expect(state.listenerSort == .address)
        let ports = Panes.listeners(tcp, state).map(\.port)
        #expect(ports == ports.sorted())
    }

    @Test func slashFindsAnInterfaceAPortOrACounter() throws {
        var state = ViewState()
        _ = KeyHandler.apply(.char("/"), to: &state)
        #expect(state.searching)
        for c in "eth" { _ = KeyHandler.apply(.char(c), to: &state) }
        _ = KeyHandler.apply(.char("\r"), to: &state)
        #expect(!state.searching && state.search == "eth")
        let latest = try #require(busy().latest)
        #expect(Panes.interfaces(latest, state).map(\.name) == ["eth0", "eth1"])
        #expect(render(busy(), state, width: 120, height: 40).text.contains("| /eth"))
        state.search = "5432"
        #expect(Panes.listeners(try #require(latest.sample.tcp), state).map(\.port) == [5432])
        state.search = "retrans"
        let protocols = Panes.protocols(latest, state: state, width: 80).rows.flatMap { $0.map(\.text) }.joined()
        #expect(protocols.contains("retrans/s") && !protocols.contains("iseg/s"))
        _ = KeyHandler.apply(.char("/"), to: &state)
        _ = KeyHandler.apply(.escape, to: &state)
        #expect(state.search.isEmpty && !state.searching)
    }

    @Test func fOnTheProtocolPaneShowsOnlyCountersThatMove() throws {
        var state = ViewState()
        state.focus = .protocols
        _ = KeyHandler.apply(.char("f"), to: &state)
        #expect(state.movingOnly && state.filter == .all)
        let text = Panes.protocols(try #require(busy().latest), state: state, width: 100).rows.flatMap { $0.map(\.text) }.joined()
        #expect(text.contains("oseg/s") && text.contains("retrans/s") && text.contains("lstovf/s"))
        #expect(!text.contains("idgm/s") && !text.contains("active/s"))
    }

    @Test func uShowsThroughputInMegabits() throws {
        var state = ViewState()
        _ = KeyHandler.apply(.char("u"), to: &state)
        #expect(state.bits)
        let text = render(busy(), state, width: 120, height: 40).text
        let eth0 = try #require(text.split(separator: "\n").first { $0.contains("│eth0 ") && $0.contains("10G") })
        #expect(text.contains(Column.rxMbit.label) && !text.contains(Column.rxkB.label))
        #expect(eth0.contains("1000.00"), "125,000,000 bytes/s are 1000 Mbit/s: \(eth0)")
    }

    @Test func statusLineShowsTheIntervalTheSameWayBeforeAndAfterPlusMinus() {
        var state = ViewState()
        state.interval = 1.5
        #expect(render(busy(), state, width: 120, height: 40).text.contains("every 1.5s"))
        _ = KeyHandler.apply(.char("+"), to: &state)
        #expect(render(busy(), state, width: 120, height: 40).text.contains("every 2.5s"))
        state.interval = 1
        _ = KeyHandler.apply(.char("-"), to: &state)
        #expect(render(busy(), state, width: 120, height: 40).text.contains("every 0.9s"))
        _ = KeyHandler.apply(.char("+"), to: &state)
        #expect(state.interval == 1)
        let text = render(busy(), state, width: 120, height: 40).text
        #expect(text.contains("every 1s") && !text.contains("every 1.0s"))
    }

    @Test func qInTheHelpClosesIt() {
        var state = ViewState()
        state.showHelp = true
        #expect(KeyHandler.apply(.char("q"), to: &state) == .redraw)
        #expect(!state.showHelp)
        #expect(ScreenRenderer.helpLines.contains { $0.contains("q too, closes it") })
    }

    @Test func infoLevelDropsAreNotPaintedRed() throws {
        // Datagrams to a closed port: an info-level finding (udp-no-port), counted in noport/s.
        let h = withFindings(history("server64") { s in s.protocols?["Udp"]?.counters["NoPorts"]? += 50 })
        let latest = try #require(h.latest)
        #expect(latest.findings.contains { $0.severity == .info })
        #expect(Panes.style(.udpNoPorts, 50) != .alert)
        let grid = render(h, width: 120, height: 40)
        let rows = grid.text.split(separator: "\n", omittingEmptySubsequences: false)
        let y = try #require(rows.firstIndex { $0.contains("│INFO") })
        for x in 0..<grid.width { #expect(grid[x, y].style != .alert) }
    }

    @Test func insideANamespaceTheCPUPaneSaysHostWide() {
        var state = ViewState()
        #expect(!render(busy(), state, width: 120, height: 40).text.contains("CPU / IRQ (per second, host-wide)"))
        state.insideNamespace = true
        #expect(render(busy(), state, width: 120, height: 40).text.contains("3 CPU / IRQ (per second, host-wide)"))
        // On the host (or without the right to read init's namespace) droptop says nothing.
        if NamespaceCheck.link("/proc/1/ns/net") != nil { #expect(!NamespaceCheck.insideNetworkNamespace() || getuid() == 0) }
    }
}
