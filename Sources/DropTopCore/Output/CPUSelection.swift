/// Which CPUs the per-CPU batch groups (SOFT, IRQ) print, as sar's `-P`: without it only the
/// `all` row (the sum over every CPU); `-P ALL` the `all` row and every CPU; `-P 0,3` those CPUs.
public enum CPUSelection: Sendable, Equatable {
    case allRowOnly
    case every
    case list([Int])

    /// "ALL", "0,3" or "0-3,8"; throws naming what is wrong.
    public static func parse(_ text: String) throws(ParseError) -> CPUSelection {
        if text.uppercased() == "ALL" { return .every }
        var cpus: [Int] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let bounds = part.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false).map { Int($0) }
            guard !bounds.isEmpty, bounds.allSatisfy({ $0 != nil && $0! >= 0 }),
                  let low = bounds.first ?? nil, let high = bounds.last ?? nil, low <= high, high - low < 65536 else {
                throw ParseError("\(part.isEmpty ? "an empty item" : String(part)) is not a CPU number or range (e.g. ALL, 0,3 or 0-7)")
            }
            for cpu in low...high where !cpus.contains(cpu) { cpus.append(cpu) }
        }
        return .list(cpus)
    }

    /// The rows to print: the `all` row (item "all") when selected, then the chosen CPUs.
    func rows(_ g: ColumnGroup, _ r: Report) -> [(item: String?, values: [Double?])] {
        let perCPU = g.rows(r)
        let all: (item: String?, values: [Double?]) = ("all", Self.sums(perCPU.map(\.values), count: g.columns.count))
        switch self {
        case .allRowOnly: return [all]
        case .every: return [all] + perCPU
        case .list(let wanted): return perCPU.filter { row in row.item.flatMap { Int($0) }.map(wanted.contains) ?? false }
        }
    }

    /// Column-wise sums of the known values; nil where no CPU has one.
    static func sums(_ rows: [[Double?]], count: Int) -> [Double?] {
        (0..<count).map { k in
            let known = rows.compactMap { k < $0.count ? $0[k] : nil }
            return known.isEmpty ? nil : known.reduce(0, +)
        }
    }
}
