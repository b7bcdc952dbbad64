/// Conversions from Double that cannot trap. Rates come from counters a driver or a recording
/// may fill with anything (a counter jumping to 2^64-1 over one second is 1.8e19/s, beyond
/// Int64), and Swift's Int64(Double) stops the program on such values.
extension Double {
    /// Int64(self), with NaN as 0 and values beyond Int64's range clamped to its ends.
    public var saturatingInt64: Int64 {
        if isNaN { return 0 }
        if self >= 9_223_372_036_854_775_808.0 { return .max }    // 2^63
        if self <= -9_223_372_036_854_775_808.0 { return .min }
        return Int64(self)
    }

    /// Int(self), with the same clamping.
    public var saturatingInt: Int { Int(clamping: saturatingInt64) }

    /// UInt64(self): NaN and negative values are 0, values beyond UInt64's range its maximum.
    public var saturatingUInt64: UInt64 {
        if isNaN || self <= 0 { return 0 }
        if self >= 18_446_744_073_709_551_616.0 { return .max }   // 2^64
        return UInt64(self)
    }

    /// Seconds since the epoch that time_t, gmtime and localtime accept: year 0 to 9999.
    public var clampedEpochSeconds: Double {
        guard isFinite else { return 0 }
        return Swift.min(253_402_300_799, Swift.max(-62_167_219_200, self))
    }
}
