import Foundation
import Testing
@testable import DropTopCore
@testable import DropTopTUI

/// Panes 1 and 2 say why they have no rows: the filter, or what failed.
@Suite struct UnreadableSourceTests {
    func historyWithout(_ file: String) throws -> History {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/server64").path
        let root = NSTemporaryDirectory() + "droptop-tui-\(UUID().uuidString)"
        try FileManager.default.copyItem(atPath: fixture, toPath: root)
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.removeItem(atPath: root + "/proc/" + file)
        let sampler = Sampler(procRoot: root + "/proc", sysRoot: root + "/sys")
        var h = History()
        let first = sampler.sample()
        h.append(Report(previous: nil, current: first))
        h.append(Report(previous: first, current: sampler.sample()))
        return h
    }

    @Test func unreadableNetDevIsNamedNotBlamedOnTheFilter() throws {
        let grid = render(try historyWithout("net/dev"), width: 120, height: 40)
        let lines = grid.text.split(separator: "\n")
        // Both interface panes say what failed, with the error's message.
        #expect(lines.filter { $0.contains("/proc/net/dev: No such file or directory") }.count == 2, "\(grid.text)")
        #expect(!grid.text.contains("no interfaces match the filter"))
    }

    @Test func aFilterThatHidesEveryInterfaceSaysSo() throws {
        var state = ViewState()
        state.search = "no-such-interface"
        let grid = render(try historyWithout("net/snmp6"), state, width: 120, height: 40)
        #expect(grid.text.contains("no interfaces match the filter (f, /)"))
    }
}
