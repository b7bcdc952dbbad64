/// One kernel drop reason over the last interval.
public struct DropReasonRate: Sendable, Equatable {
    public var reason: String
    /// Drops since droptop started counting.
    public var total: UInt64
    /// nil for the first sample, or when the previous sample had no counter.
    public var perSecond: Double?
    public var info: DropReasonInfo { DropReasonCatalog.info(reason) }
}

extension Report {
    /// Every reason counted so far, the fastest first. A reason absent from the previous sample
    /// had dropped nothing yet (the counter starts at zero), so it gets a rate at once.
    static func dropReasonRates(previous: Sample?, current: Sample, seconds: Double?) -> [DropReasonRate] {
        guard let now = current.dropReasons, now.available else { return [] }
        let before = previous?.dropReasons.flatMap { $0.available ? $0 : nil }
        let old = Dictionary(before?.totals.map { ($0.reason, $0.total) } ?? [], uniquingKeysWith: { a, _ in a })
        let rates = now.totals.map { t in
            DropReasonRate(reason: t.reason, total: t.total,
                           perSecond: before == nil ? nil : Rate.perSecond(from: old[t.reason] ?? 0, to: t.total, seconds: seconds))
        }
        return rates.sorted { ($0.perSecond ?? -1, $0.total, $1.reason) > ($1.perSecond ?? -1, $1.total, $0.reason) }
    }

    /// The reasons that dropped something during the last interval.
    public var movingDropReasons: [DropReasonRate] { dropReasons.filter { ($0.perSecond ?? 0) > 0 } }
}
