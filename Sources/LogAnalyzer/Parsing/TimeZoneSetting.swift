import Foundation

/// The zone in which zone-less stamps are read (`--tz`): UTC, a fixed offset or an IANA name.
public struct TimeZoneSetting: Sendable, Equatable {
    public let name: String
    let fixedOffset: Int?
    let zone: TimeZone?

    public static let utc = TimeZoneSetting(name: "UTC", fixedOffset: 0, zone: nil)

    private init(name: String, fixedOffset: Int?, zone: TimeZone?) {
        self.name = name
        self.fixedOffset = fixedOffset
        self.zone = zone
    }

    /// Accepts `UTC`, `Z`, `+08:00`, `-0500`, `+8` or an IANA name such as `Europe/Berlin`.
    public init?(_ text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.uppercased() == "UTC" || t == "Z" || t.uppercased() == "GMT" {
            self = .utc
            return
        }
        if let first = t.first, first == "+" || first == "-" {
            let sign = first == "-" ? -1 : 1
            let rest = t.dropFirst().replacingOccurrences(of: ":", with: "")
            guard !rest.isEmpty, rest.allSatisfy(\.isNumber), rest.count <= 4 else { return nil }
            let hours: Int
            let minutes: Int
            if rest.count <= 2 {
                hours = Int(rest)!
                minutes = 0
            } else {
                hours = Int(rest.prefix(rest.count - 2))!
                minutes = Int(rest.suffix(2))!
            }
            guard hours <= 14, minutes < 60 else { return nil }
            self.init(name: t, fixedOffset: sign * (hours * 3600 + minutes * 60), zone: nil)
            return
        }
        guard let zone = TimeZone(identifier: t) else { return nil }
        self.init(name: t, fixedOffset: nil, zone: zone)
    }

    public static func == (a: TimeZoneSetting, b: TimeZoneSetting) -> Bool { a.name == b.name }

    /// Offset (seconds east of UTC) in force at the given local wall-clock time.
    func offset(atLocalMicros local: Int64) -> Int {
        if let fixedOffset { return fixedOffset }
        guard let zone else { return 0 }
        // Approximate the instant by the local time, then correct once (DST edges).
        let guess = Date(timeIntervalSince1970: Double(local / 1_000_000))
        let first = zone.secondsFromGMT(for: guess)
        let corrected = Date(timeIntervalSince1970: Double(local / 1_000_000 - Int64(first)))
        return zone.secondsFromGMT(for: corrected)
    }

    /// The offsets of the two readings of a local time the clocks go back through (the hour
    /// written twice: `first` before the change, the larger offset; `second` after it), or the
    /// one offset twice. A fixed offset is never ambiguous.
    func readings(atLocalMicros local: Int64) -> (first: Int, second: Int) {
        let o = offset(atLocalMicros: local)
        guard let zone else { return (o, o) }
        let seconds = local / 1_000_000
        // The offsets in force 12 h either side of the reading (no zone changes twice within a day).
        let before = zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(seconds - Int64(o) - 43_200)))
        let after = zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(seconds - Int64(o) + 43_200)))
        guard before > after else { return (o, o) }
        func valid(_ c: Int) -> Bool { zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(seconds - Int64(c)))) == c }
        guard valid(before), valid(after) else { return (o, o) }
        return (before, after)
    }
}

/// Turns written stamps into UTC instants for one input stream: zone, reference date and
/// midnight rollover of time-of-day stamps.
struct StreamClock {
    let zone: TimeZoneSetting
    /// Day (local) used for time-only stamps before any dated record: `--date` or the run's first date.
    let referenceDay: Int64?
    /// Whether `referenceDay` came from `--date` (then it wins over dates seen in the stream).
    let referenceIsExplicit: Bool

    private var lastDatedDay: Int64?
    private var lastTimeOfDay: Int64?
    private var rolloverDays: Int64 = 0
    private var offsetCache: (hour: Int64, offset: Int) = (.min, 0)
    /// The readings of the last local hour a written stamp fell in (`TimeZoneSetting.readings`).
    private var readingsCache: (hour: Int64, first: Int, second: Int) = (.min, 0, 0)
    /// In the hour the clocks go back through: the latest local time read in its first pass,
    /// and whether the stream has gone back into its second pass.
    private var repeatedLast: Int64?
    private var repeatedSecondPass = false
    /// The last stamp's date and minute (a cache: not part of the state).
    var stampPrefix = TimeParsing.StampPrefix()

    /// `continuing`: the clock of a rotated log's predecessor as that file ended (see `Carry`):
    /// this file's stamps count on from it, with its reference day.
    init(zone: TimeZoneSetting, referenceDay: Int64?, referenceIsExplicit: Bool, continuing carry: Carry? = nil) {
        self.zone = zone
        self.referenceDay = carry.map { $0.referenceDay } ?? referenceDay
        self.referenceIsExplicit = referenceIsExplicit
        if let state = carry?.state {
            lastDatedDay = state.lastDatedDay
            lastTimeOfDay = state.lastTimeOfDay
            rolloverDays = state.rolloverDays
            repeatedLast = state.repeatedLast
            repeatedSecondPass = state.repeatedSecondPass
        }
    }

    private mutating func offset(local: Int64) -> Int {
        let hour = local / 3_600_000_000
        if hour == offsetCache.hour { return offsetCache.offset }
        let o = zone.offset(atLocalMicros: local)
        offsetCache = (hour, o)
        return o
    }

    /// The offset of a written local time in this stream: in the hour written twice when the
    /// clocks go back, the first reading until the stream's clock goes back by more than a minute
    /// (a line slightly out of order is not the change), then the second.
    @inline(__always)
    private mutating func streamOffset(local: Int64) -> Int {
        let hour = local / 3_600_000_000
        // (Nearly every stamp: the hour of the last one, not one written twice.)
        if hour == readingsCache.hour, readingsCache.first == readingsCache.second, repeatedLast == nil { return readingsCache.first }
        return streamOffsetAtChange(local: local, hour: hour)
    }

    @inline(never)
    private mutating func streamOffsetAtChange(local: Int64, hour: Int64) -> Int {
        if hour != readingsCache.hour {
            let r = zone.readings(atLocalMicros: local)
            readingsCache = (hour, r.first, r.second)
        }
        if readingsCache.first == readingsCache.second {
            if repeatedLast != nil {
                repeatedLast = nil
                repeatedSecondPass = false
            }
            return readingsCache.first
        }
        return repeatedOffset(local: local)
    }

    @inline(never)
    private mutating func repeatedOffset(local: Int64) -> Int {
        if !repeatedSecondPass, let last = repeatedLast, local + 60_000_000 < last { repeatedSecondPass = true }
        if repeatedSecondPass { return readingsCache.second }
        repeatedLast = max(repeatedLast ?? local, local)
        return readingsCache.first
    }

    /// Resolves a written stamp. Dated stamps also set the date used for later time-only stamps.
    mutating func resolve(_ w: WrittenTime) -> Timestamp {
        if let day = w.day {
            let local = day * Timestamp.microsPerDay + w.microsOfDay
            let utc = local - Int64(w.offsetSeconds ?? streamOffset(local: local)) * 1_000_000
            // The local date of this record anchors following time-only stamps.
            if !referenceIsExplicit {
                let localDay = w.offsetSeconds == nil ? day : Timestamp(micros: utc + Int64(offset(local: utc)) * 1_000_000).day
                if lastDatedDay != localDay {
                    lastDatedDay = localDay
                    rolloverDays = 0
                    lastTimeOfDay = nil
                }
            }
            return Timestamp(micros: utc)
        }
        // Time of day only: roll over when the clock goes back by more than 12 hours.
        if let last = lastTimeOfDay, w.microsOfDay + 12 * 3_600_000_000 < last {
            rolloverDays += 1
        } else if let last = lastTimeOfDay, w.microsOfDay > last + 12 * 3_600_000_000, rolloverDays > 0 {
            rolloverDays -= 1  // a late line from before midnight
        }
        lastTimeOfDay = w.microsOfDay
        let base = lastDatedDay ?? referenceDay
        let day = (base ?? 0) + rolloverDays
        let local = day * Timestamp.microsPerDay + w.microsOfDay
        if base == nil {
            return Timestamp(micros: local, hasDate: false)
        }
        let offsetSeconds = w.offsetSeconds ?? streamOffset(local: local)
        return Timestamp(micros: local - Int64(offsetSeconds) * 1_000_000)
    }

    /// What later stamps depend on (to compare two clocks at a chunk boundary).
    struct State: Equatable, Sendable {
        var lastDatedDay: Int64?
        var lastTimeOfDay: Int64?
        var rolloverDays: Int64
        var repeatedLast: Int64?
        var repeatedSecondPass: Bool
    }

    var state: State {
        State(
            lastDatedDay: lastDatedDay, lastTimeOfDay: lastTimeOfDay, rolloverDays: rolloverDays, repeatedLast: repeatedLast,
            repeatedSecondPass: repeatedSecondPass)
    }

    /// A clock as one file of a rotated log ended, for the next file to continue (`agent.log.1`,
    /// then `agent.log`): a time-only log that crossed midnight before the rotation keeps its
    /// day count after it, rather than starting again at the first file's day.
    struct Carry: Equatable, Sendable {
        var referenceDay: Int64?
        var state: State
    }

    var carry: Carry { Carry(referenceDay: referenceDay, state: state) }

    /// An instant already in UTC (epoch stamps); anchors later time-only stamps too.
    mutating func absolute(_ micros: Int64) -> Timestamp {
        if !referenceIsExplicit {
            let localDay = Timestamp(micros: micros + Int64(offset(local: micros)) * 1_000_000).day
            if lastDatedDay != localDay {
                lastDatedDay = localDay
                rolloverDays = 0
                lastTimeOfDay = nil
            }
        }
        return Timestamp(micros: micros)
    }
}
