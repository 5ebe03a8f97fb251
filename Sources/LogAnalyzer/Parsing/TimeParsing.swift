/// A stamp as written in a line, before zone and date resolution.
struct WrittenTime: Equatable {
    /// Days since epoch when the stamp has a date.
    var day: Int64?
    var microsOfDay: Int64
    /// Offset from UTC in seconds when the stamp names its zone.
    var offsetSeconds: Int?
}

public enum TimeParsing {
    /// The first 16 bytes of the last stamp parsed (`YYYY-MM-DDTHH:MM`) with their day and
    /// minute: consecutive lines mostly share them, and then only the seconds are parsed.
    struct StampPrefix {
        var head: UInt64 = 0
        var tail: UInt64 = 0
        var day: Int64 = 0
        var minuteMicros: Int64 = 0
    }

    /// `YYYY-MM-DD[T ]HH:MM:SS[.,fraction][Z|±HH:MM|±HHMM|±HH]` at `i`; returns the end index.
    static func dateTime(_ b: Bytes, at i: Int, allowZone: Bool = true) -> (WrittenTime, Int)? {
        var prefix = StampPrefix()
        return dateTime(b, at: i, allowZone: allowZone, prefix: &prefix)
    }

    /// `dateTime(_:at:allowZone:)`, remembering the stamp's date and minute in `prefix`.
    static func dateTime(_ b: Bytes, at i: Int, allowZone: Bool = true, prefix: inout StampPrefix) -> (WrittenTime, Int)? {
        var words: (UInt64, UInt64)?
        if i >= 0, i + 16 <= b.count, let base = b.baseAddress {
            let raw = UnsafeRawPointer(base + i)
            let w = (raw.loadUnaligned(as: UInt64.self), raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
            // (A zero head never matches: no stamp starts with a NUL byte.)
            if w.0 == prefix.head && w.1 == prefix.tail && w.0 != 0, b.byte(i + 16) == UInt8(ascii: ":"),
                let (secondMicros, end) = seconds(b, at: i + 17)
            {
                var t = WrittenTime(day: prefix.day, microsOfDay: prefix.minuteMicros + secondMicros, offsetSeconds: nil)
                let j = allowZone ? zone(b, at: end, into: &t) : end
                return (t, j)
            }
            words = w
        }
        guard let y = b.digits(at: i, 4), b.byte(i + 4) == UInt8(ascii: "-"),
            let mo = b.digits(at: i + 5, 2), b.byte(i + 7) == UInt8(ascii: "-"),
            let d = b.digits(at: i + 8, 2), mo >= 1 && mo <= 12 && d >= 1 && d <= 31
        else { return nil }
        let sep = b.byte(i + 10)
        guard sep == UInt8(ascii: "T") || sep == 0x20, let (tod, end) = timeOfDay(b, at: i + 11) else { return nil }
        var t = WrittenTime(day: Timestamp.days(year: y, month: mo, day: d), microsOfDay: tod, offsetSeconds: nil)
        if let words, let h = b.digits(at: i + 11, 2), let m = b.digits(at: i + 14, 2) {
            prefix = StampPrefix(head: words.0, tail: words.1, day: t.day!, minuteMicros: Int64(h * 3600 + m * 60) * 1_000_000)
        }
        let j = allowZone ? zone(b, at: end, into: &t) : end
        return (t, j)
    }

    /// A zone designator at `j` (`Z`, `±HH:MM`, `±HHMM`, `±HH`) into `t`; returns the end index.
    @inline(__always)
    private static func zone(_ b: Bytes, at j: Int, into t: inout WrittenTime) -> Int {
        let z = b.byte(j)
        if z == UInt8(ascii: "Z") {
            t.offsetSeconds = 0
            return j + 1
        }
        guard z == UInt8(ascii: "+") || z == UInt8(ascii: "-"), let hh = b.digits(at: j + 1, 2) else { return j }
        var mm = 0
        var k = j + 3
        if b.byte(k) == UInt8(ascii: ":"), let m = b.digits(at: k + 1, 2) {
            mm = m
            k += 3
        } else if let m = b.digits(at: k, 2) {
            mm = m
            k += 2
        }
        let sign = z == UInt8(ascii: "-") ? -1 : 1
        t.offsetSeconds = sign * (hh * 3600 + mm * 60)
        return k
    }

    /// `HH:MM:SS[.,fraction]` at `i`; returns microseconds since midnight and the end index.
    static func timeOfDay(_ b: Bytes, at i: Int) -> (Int64, Int)? {
        guard let h = b.digits(at: i, 2), b.byte(i + 2) == UInt8(ascii: ":"),
            let m = b.digits(at: i + 3, 2), b.byte(i + 5) == UInt8(ascii: ":"), h < 24 && m < 60,
            let (micros, end) = seconds(b, at: i + 6)
        else { return nil }
        return (Int64(h * 3600 + m * 60) * 1_000_000 + micros, end)
    }

    /// `SS[.,fraction]` at `i`: microseconds and the end index (digits past the sixth are read
    /// and dropped).
    @inline(__always)
    static func seconds(_ b: Bytes, at i: Int) -> (Int64, Int)? {
        guard let s = b.digits(at: i, 2), s < 61 else { return nil }
        var micros = Int64(s) * 1_000_000
        var j = i + 2
        let f = b.byte(j)
        guard f == UInt8(ascii: ".") || f == UInt8(ascii: ",") else { return (micros, j) }
        // The fraction's first eight bytes as one word (a stamp is followed by a zone, a quote or
        // the message): the length of its run of digits and the value of its first six.
        if j + 9 <= b.count, let base = b.baseAddress {
            let w = UInt64(littleEndian: UnsafeRawPointer(base + j + 1).loadUnaligned(as: UInt64.self))
            let n = leadingDigits(w)
            guard n > 0 else { return (micros, j) }
            // Bytes past the sixth digit (or past the run) count as '0'.
            let keep: UInt64 = n >= 6 ? 0xFFFF_FFFF_FFFF : (1 << (8 * UInt64(n))) &- 1
            micros += Int64(eightDigits((w & keep) | (0x3030_3030_3030_3030 & ~keep)) / 100)
            j += 1 + n
            if n == 8 { while j < b.count && b[j].isDigit { j += 1 } }
            return (micros, j)
        }
        return fractionByBytes(b, at: j, micros)
    }

    /// The fraction after the separator at `separator`, a byte at a time: for a stamp within the
    /// last eight bytes of the buffer, where a word cannot be loaded.
    @inline(never)
    private static func fractionByBytes(_ b: Bytes, at separator: Int, _ whole: Int64) -> (Int64, Int) {
        var micros = whole
        var j = separator
        if b.byte(j + 1).isDigit {
            j += 1
            var scale: Int64 = 100_000
            while j < b.count && b[j].isDigit {
                micros += Int64(b[j] &- 0x30) * scale
                scale /= 10
                j += 1
            }
        }
        return (micros, j)
    }

    /// How many of a word's bytes, from its first (lowest), are ASCII digits before any other.
    @inline(__always)
    static func leadingDigits(_ w: UInt64) -> Int {
        // Per byte: the high nibble is 3, and the low one is at most 9 (adding 6 keeps it below
        // 16; the low nibbles are masked first, so no carry crosses a byte).
        let high = (w & 0xF0F0_F0F0_F0F0_F0F0) ^ 0x3030_3030_3030_3030
        let low = ((w & 0x0F0F_0F0F_0F0F_0F0F) &+ 0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0
        let other = high | low
        return other == 0 ? 8 : other.trailingZeroBitCount >> 3
    }

    /// The number eight ASCII digits spell (the first, lowest byte the most significant), by
    /// pairing neighbours three times.
    @inline(__always)
    static func eightDigits(_ w: UInt64) -> UInt64 {
        var v = ((w & 0x0F0F_0F0F_0F0F_0F0F) &* 2561) >> 8
        v = ((v & 0x00FF_00FF_00FF_00FF) &* 6_553_601) >> 16
        return ((v & 0x0000_FFFF_0000_FFFF) &* 42_949_672_960_001) >> 32
    }

    /// Epoch seconds (`1741750139.1518734`) or milliseconds (`1760954178728`) as written.
    static func epoch(_ text: String, milliseconds: Bool) -> Int64? {
        // Stamps beyond year ±300,000 are garbage; refusing them keeps every later sum in range.
        if milliseconds {
            if let ms = Int64(text) { return abs(ms) < 10_000_000_000_000_000 / 1000 ? ms * 1000 : nil }
            guard let v = Double(text), v.isFinite, abs(v) < 1e16 else { return nil }
            return Int64((v * 1000).rounded())
        }
        // Split on the dot to keep microsecond precision beyond Double's.
        let parts = text.split(separator: ".", maxSplits: 1)
        guard !parts.isEmpty, let whole = Int64(parts[0]), abs(whole) < 10_000_000_000_000 else {
            guard let v = Double(text), v.isFinite, abs(v) < 1e13 else { return nil }
            return Int64((v * 1_000_000).rounded())
        }
        var micros = whole * 1_000_000
        if parts.count == 2 {
            // zap writes `float64(UnixNano) / 1e9` in Go's shortest form, which lands a few tenths
            // of a microsecond off the instant (`…084.117` prints `1765414084.1169999`): the
            // seventh digit rounds the microseconds instead of being dropped.
            var scale: Int64 = 100_000
            for c in parts[1].utf8 {
                guard c.isDigit else { break }
                if scale == 0 {
                    if c >= UInt8(ascii: "5") { micros += 1 }
                    break
                }
                micros += Int64(c - 0x30) * scale
                scale /= 10
            }
        }
        return micros
    }

    /// An access log's `DD/Mon/YYYY:HH:MM:SS ±HHMM` (Common Log Format, gunicorn) or
    /// `DD/Mon/YYYY HH:MM:SS` (werkzeug, local time without zone) at `i`; returns the end index.
    static func commonLogTime(_ b: Bytes, at i: Int) -> (WrittenTime, Int)? {
        guard let d = b.digits(at: i, 2), b.byte(i + 2) == UInt8(ascii: "/"), let month = month(b, at: i + 3),
            b.byte(i + 6) == UInt8(ascii: "/"), let year = b.digits(at: i + 7, 4),
            b.byte(i + 11) == UInt8(ascii: ":") || b.byte(i + 11) == 0x20, d >= 1 && d <= 31,
            let (tod, end) = timeOfDay(b, at: i + 12)
        else { return nil }
        var t = WrittenTime(day: Timestamp.days(year: year, month: month, day: d), microsOfDay: tod, offsetSeconds: nil)
        guard b.byte(end) == 0x20 else { return (t, end) }
        let zoneEnd = zone(b, at: end + 1, into: &t)
        return (t, zoneEnd > end + 1 ? zoneEnd : end)
    }

    /// Month abbreviation (`Jan`) at `i` → 1...12.
    static func month(_ b: Bytes, at i: Int) -> Int? {
        guard i + 3 <= b.count else { return nil }
        let key = (UInt32(b[i]) << 16) | (UInt32(b[i + 1]) << 8) | UInt32(b[i + 2])
        switch key {
        case 0x4A616E: return 1
        case 0x466562: return 2
        case 0x4D6172: return 3
        case 0x417072: return 4
        case 0x4D6179: return 5
        case 0x4A756E: return 6
        case 0x4A756C: return 7
        case 0x417567: return 8
        case 0x536570: return 9
        case 0x4F6374: return 10
        case 0x4E6F76: return 11
        case 0x446563: return 12
        default: return nil
        }
    }

    /// Parses a user-given date `YYYY-MM-DD` into a day number.
    public static func day(fromISODate text: String) -> Int64? {
        var text = text
        return text.withUTF8 { b -> Int64? in
            guard b.count == 10, let y = b.digits(at: 0, 4), b[4] == UInt8(ascii: "-"),
                let m = b.digits(at: 5, 2), b[7] == UInt8(ascii: "-"), let d = b.digits(at: 8, 2),
                (1...12).contains(m), (1...31).contains(d)
            else { return nil }
            return Timestamp.days(year: y, month: m, day: d)
        }
    }

    /// Parses an instant given on the command line: `2025-12-11`, `2025-12-11T01:00:00Z`, …
    public static func instant(_ text: String, zone: TimeZoneSetting = .utc) -> Timestamp? {
        var text = text
        // `2026-03-02T09:30` (a zone may follow the minutes): the seconds are 00.
        let u = Array(text.utf8)
        if u.count >= 16, u[13] == UInt8(ascii: ":"), u.count == 16 || u[16] != UInt8(ascii: ":"),
            u[11..<13].allSatisfy(\.isDigit), u[14..<16].allSatisfy(\.isDigit)
        {
            text = String(decoding: u[..<16] + Array(":00".utf8) + u[16...], as: UTF8.self)
        }
        return text.withUTF8 { b -> Timestamp? in
            let local: Int64
            let offset: Int?
            if b.count == 10, let day = day(fromISODate: String(decoding: b, as: UTF8.self)) {
                (local, offset) = (day * Timestamp.microsPerDay, nil)
            } else {
                guard let (w, end) = dateTime(b, at: 0), end == b.count, let day = w.day else { return nil }
                (local, offset) = (day * Timestamp.microsPerDay + w.microsOfDay, w.offsetSeconds)
            }
            // Written without a zone: in `zone` (`--tz`), as the logs' zone-less stamps are.
            return Timestamp(micros: local - Int64(offset ?? zone.offset(atLocalMicros: local)) * 1_000_000)
        }
    }
}
