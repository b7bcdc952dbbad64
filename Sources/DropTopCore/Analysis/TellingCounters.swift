/// The protocol counters that say something, as `nstat` shows them by default (it leaves zeros
/// out unless -z): an idle namespace's ~400 counters are almost all 0 with a rate of 0, noise in
/// a log pipeline. The one place that decides it, for any output that wants the short form.
public enum TellingCounters {
    /// A counter says something when its value is not 0, or over an interval its rate is not 0:
    /// a move, a 32-bit wrap that landed on 0 (a positive rate, never a negative one), or no rate
    /// at all (reset, or new since the last sample), which is news too. Without an interval (the
    /// first sample) no counter has a rate: only the values speak.
    public static func says(value: UInt64, rate: Double?, interval: Double?) -> Bool {
        if value != 0 { return true }
        guard interval != nil else { return false }
        return rate != 0
    }

    /// `report`'s protocol sections cut to the counters that say something, in kernel order; a
    /// section with none is left out (its gauges with it: levels such as `Tcp.RtoMin` are
    /// settings, and a gauge that counts, `Tcp.CurrEstab`, implies counters that moved). Empty
    /// when every counter is 0; nil when no protocol file was read.
    public static func protocols(_ report: Report) -> ProtocolCounters? {
        guard let all = report.sample.protocols else { return nil }
        var telling = ProtocolCounters()
        for (section, values) in all {
            let rates = report.protocolRates[section]
            var kept = ProtocolSection()
            for (name, value) in values.counters where says(value: value, rate: rates?[name] ?? nil, interval: report.intervalSeconds) {
                kept.counters[name] = value
            }
            guard !kept.counters.isEmpty else { continue }
            kept.gauges = values.gauges
            telling[section] = kept
        }
        return telling
    }
}
