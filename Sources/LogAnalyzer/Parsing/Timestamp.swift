/// A point in time: microseconds since the Unix epoch, UTC.
///
/// `hasDate` is false for time-of-day stamps whose date could not be learnt (no `--date`, no
/// dated record in the run): the value then counts from day 0 plus midnight rollovers, which keeps
/// ordering and durations right while renderers show only the time of day.
public struct Timestamp: Sendable, Hashable, Comparable {
    public var micros: Int64
    public var hasDate: Bool

    public init(micros: Int64, hasDate: Bool = true) {
        self.micros = micros
        self.hasDate = hasDate
    }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.micros < b.micros }

    public static let microsPerSecond: Int64 = 1_000_000
    public static let microsPerDay: Int64 = 86_400 * 1_000_000

    /// Seconds from `self` to `later` (negative when `later` is earlier).
    public func seconds(until later: Timestamp) -> Double {
        Double(later.micros - micros) / 1_000_000
    }

    public func adding(seconds: Double) -> Timestamp {
        let delta = seconds.isFinite ? max(-1e17, min(1e17, (seconds * 1_000_000).rounded())) : 0
        return Timestamp(micros: micros.addingReportingOverflow(Int64(delta)).partialValue, hasDate: hasDate)
    }

    /// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
    public static func days(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The civil date of a day number.
    public static func civil(days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (Int(m <= 2 ? y + 1 : y), Int(m), Int(d))
    }

    /// Day number (UTC) of this instant.
    public var day: Int64 {
        micros >= 0 ? micros / Self.microsPerDay : (micros - Self.microsPerDay + 1) / Self.microsPerDay
    }

    /// Microseconds since midnight UTC.
    public var microsOfDay: Int64 { micros - day * Self.microsPerDay }

    /// `2025-12-11T01:09:16.204Z`, or `01:09:16.204` when the date is unknown.
    public var iso8601: String {
        let (y, m, d) = Self.civil(days: day)
        guard (0...9999).contains(y) else {
            return hasDate ? "\(dateString)T\(timeOfDayString(fraction: 3))Z" : timeOfDayString(fraction: 3)
        }
        // Reports print one or two per session: digits written straight into the string.
        let us = microsOfDay
        let s = Int(us / 1_000_000)
        let ms = Int(us % 1_000_000 / 1000)
        return String(unsafeUninitializedCapacity: 24) { b in
            var i = 0
            func put(_ value: Int, _ width: Int) {
                var v = value
                var k = width - 1
                while k >= 0 {
                    b[i + k] = UInt8(ascii: "0") + UInt8(v % 10)
                    v /= 10
                    k -= 1
                }
                i += width
            }
            func char(_ c: UInt8) {
                b[i] = c
                i += 1
            }
            if hasDate {
                put(y, 4); char(UInt8(ascii: "-")); put(m, 2); char(UInt8(ascii: "-")); put(d, 2); char(UInt8(ascii: "T"))
            }
            put(s / 3600, 2); char(UInt8(ascii: ":")); put(s / 60 % 60, 2); char(UInt8(ascii: ":")); put(s % 60, 2)
            char(UInt8(ascii: ".")); put(ms, 3)
            if hasDate { char(UInt8(ascii: "Z")) }
            return i
        }
    }

    /// `2025-12-11`
    public var dateString: String {
        let (y, m, d) = Self.civil(days: day)
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }

    /// `01:09:16` (fraction 0) or `01:09:16.204` (fraction 3).
    public func timeOfDayString(fraction: Int = 0) -> String {
        let us = microsOfDay
        let s = us / 1_000_000
        var out = "\(pad(Int(s / 3600), 2)):\(pad(Int(s / 60 % 60), 2)):\(pad(Int(s % 60), 2))"
        if fraction == 3 { out += ".\(pad(Int(us % 1_000_000 / 1000), 3))" }
        return out
    }

    /// `2025-12-11 01:09:16` or `01:09:16` when the date is unknown.
    public var humanString: String {
        hasDate ? "\(dateString) \(timeOfDayString())" : timeOfDayString()
    }
}

@inline(__always)
func pad(_ value: Int, _ width: Int) -> String {
    let text = String(value)
    return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
}

/// Formats a duration in seconds as `17 min 30 s`, `5.37 s`, `2 h 3 min`.
public func humanDuration(_ seconds: Double) -> String {
    if !seconds.isFinite || abs(seconds) > 1e12 { return seconds.isNaN ? "?" : "\(seconds) s" }
    let negative = seconds < 0
    let s = abs(seconds)
    var out: String
    if s < 60 {
        out = "\(formatFixed(s, 2)) s"
    } else if s < 3600 {
        let whole = Int(s.rounded(.down))
        out = "\(whole / 60) min"
        if whole % 60 != 0 { out += " \(whole % 60) s" }
    } else {
        let whole = Int(s.rounded(.down))
        out = "\(whole / 3600) h"
        if whole / 60 % 60 != 0 || whole % 60 != 0 { out += " \(whole / 60 % 60) min" }
        if whole % 60 != 0 { out += " \(whole % 60) s" }
    }
    return negative ? "-" + out : out
}

/// Fixed-point decimal formatting without Foundation (`formatFixed(5.366, 2)` = `5.37`).
public func formatFixed(_ value: Double, _ digits: Int) -> String {
    if !value.isFinite { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
    if abs(value) >= 1e15 { return String(value) }
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let scaled = (abs(value) * scale).rounded()
    let negative = value < 0 && scaled != 0
    let whole = Int64(scaled / scale)
    var out = String(whole)
    if digits > 0 {
        let frac = Int64(scaled) - whole * Int64(scale)
        out += "." + pad(Int(frac), digits)
    }
    return negative ? "-" + out : out
}
