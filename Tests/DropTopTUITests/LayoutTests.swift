import Foundation
import Testing
@testable import DropTopCore
@testable import DropTopTUI

/// Every interface moves: bytes, packets, multicast and every error column.
func busyLongNames(_ s: inout Sample) {
    for k in s.interfaces.indices {
        var v = s.interfaces[k].counters.values
        for f in v.indices { v[f] += UInt64(1_000 + 37 * f) }
        v[0] += 1_250_000_000; v[8] += 600_000_000; v[1] += 987_654; v[9] += 123_456
        s.interfaces[k].counters = NetDevCounters(values: v)
    }
    s.protocols?["Udp"]?.counters["NoPorts"]? += 12
}

/// The value and header cells of every pane row of a rendered screen, as a list of "words":
/// a label or a value that runs into its neighbour shows up as one word no column has.
func words(_ grid: Grid) -> [String] {
    grid.text.split(separator: "\n").flatMap { $0.split(whereSeparator: { " │|".contains($0) }).map(String.init) }
}

@Suite(.serialized) struct LayoutTests {
    static let sizes = [(80, 24), (64, 18), (120, 40), (200, 60)]

    @Test(arguments: sizes)
    func longInterfaceNamesNeverRunTogether(width: Int, height: Int) throws {
        let h = history("longnames", traffic: busyLongNames)
        let grid = render(h, width: width, height: height)
        try expectGolden(grid, "longnames-\(width)x\(height)")
        let all = words(grid)
        for bad in ["rxmcst%ifutil", "collrxdrop", "rxdroptxdrop", "txdroptxcarr"] {
            #expect(!all.contains { $0.contains(bad) }, "\(bad) at \(width)x\(height)")
        }
        // Every label shown is a catalog label, whole.
        let labels = Set(ColumnGroup.allColumns.flatMap { [$0.label, $0.narrowLabel] })
        let headerWords = all.filter { $0.contains("/s") || $0.hasPrefix("rx") || $0.hasPrefix("tx") || $0.hasPrefix("%") }
        for w in headerWords where !w.contains(".") && !w.contains("(") && !w.hasPrefix("+-") && !w.hasPrefix("-") {
            #expect(labels.contains(w) || w == "rx+tx", "\(w) is not a whole label at \(width)x\(height)")
        }
        // No value loses its digits: nothing ends in a bare point.
        #expect(!all.contains { $0.hasSuffix(".") && Double($0.dropLast()) != nil }, "a cut value at \(width)x\(height)")
        #expect(grid.text.contains("h help  q quit"))
        // Screen leaves the bottom-right cell blank (it would scroll some terminals): nothing may need it.
        #expect(grid[grid.width - 1, grid.height - 1].char == " ")
    }

    @Test func narrowPanesSayHowManyColumnsTheyLeftOut() throws {
        let grid = render(history("longnames", traffic: busyLongNames), width: 64, height: 18)
        #expect(grid.text.contains("cols: zoom"), "\(grid.text)")
        let wide = render(history("longnames", traffic: busyLongNames), width: 200, height: 60)
        #expect(!wide.text.contains("cols: zoom"))
    }
}
