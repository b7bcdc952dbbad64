import Testing
@testable import DropTopCore
@testable import DropTopTUI

/// Pane 8 and the namespace findings in the Triage pane (--all-netns).
struct NamespacesPaneTests {
    func sample(at t: Double, drops: [UInt64]) -> Sample {
        var s = Sample(monotonicSeconds: t, wallSeconds: 1_764_000_000 + t, host: HostInfo(hostname: "h", kernel: "k"))
        s.namespaces = drops.enumerated().map { index, d in
            var inner = Sample(monotonicSeconds: t, wallSeconds: s.wallSeconds, host: s.host)
            var values = [UInt64](repeating: 0, count: 16)
            values[1] = 1_000 + d * 10; values[3] = d
            inner.interfaces = [InterfaceSample(name: "eth0", counters: NetDevCounters(values: values))]
            let name = index == 0 ? "shop/cart-\u{1b}[31m" : "idle/pod-\(index)"
            return NamespaceSample(inode: UInt64(100 + index), identity: NamespaceIdentity(kind: "pod", name: DisplayName.escaped(name)),
                                   sample: inner)
        }
        return s
    }

    func history() -> History {
        let pipeline = Pipeline(ReplaySampleSource([sample(at: 0, drops: [0, 0, 0]), sample(at: 1, drops: [0, 500, 0])]))
        var h = History()
        while let r = pipeline.next() { h.append(r) }
        return h
    }

    @Test func namespacesAreRankedByDropsAndNamedSafely() throws {
        let report = try #require(history().latest)
        let pane = Panes.namespaces(report, width: 100)
        let rows = pane.rows.map { $0.map(\.text).joined() }
        #expect(rows.count == 3)
        #expect(rows.first?.hasPrefix("idle/pod-1") == true, "\(rows)")
        #expect(rows.first?.contains("500.00") == true, "\(rows)")
        #expect(rows.contains { $0.contains("shop/cart-\\x1b[31m") })
        #expect(!rows.joined().contains("\u{1b}"))
    }

    @Test func theTriagePaneNamesTheNamespaceOfEachFinding() throws {
        var state = ViewState()
        state.zoomed = .triage
        let grid = ScreenRenderer.render(history: history(), state: state, width: 120, height: 40)
        #expect(grid.text.contains("[idle/pod-1] "), "\(grid.text)")
        state.zoomed = .namespaces
        let zoomed = ScreenRenderer.render(history: history(), state: state, width: 120, height: 40).text
        #expect(zoomed.contains("8 Namespaces") && zoomed.contains("idle/pod-1"))
    }

    @Test func withoutAllNetnsThePaneSaysHowToGetIt() {
        var s = Sample(monotonicSeconds: 0, wallSeconds: 0, host: HostInfo(hostname: "h", kernel: "k"))
        s.interfaces = []
        let text = Panes.namespaces(Report(previous: nil, current: s), width: 80).rows.flatMap { $0.map(\.text) }.joined()
        #expect(text.contains("--all-netns"))
    }

    @Test func key8ZoomsTheNamespacesPane() {
        var s = ViewState()
        _ = KeyHandler.apply(.char("8"), to: &s)
        #expect(s.zoomed == .namespaces && s.focus == .namespaces)
        _ = KeyHandler.apply(.char("8"), to: &s)
        #expect(s.zoomed == nil)
    }
}
