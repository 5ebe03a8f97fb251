#if canImport(Glibc)
import Glibc
#endif

/// The high bit of each zero byte of `w`. Bits above the lowest zero byte may be set wrongly (a
/// borrow runs on), the lowest is always right: `trailingZeroBitCount / 8` is the first zero byte.
@inline(__always)
func zeroBytes(_ w: UInt64) -> UInt64 { (w &- 0x0101_0101_0101_0101) & ~w & 0x8080_8080_8080_8080 }

/// Byte-level helpers for the parsers: a line is an `UnsafeBufferPointer<UInt8>` until a record
/// is materialised.
typealias Bytes = UnsafeBufferPointer<UInt8>

extension UInt8 {
    @inline(__always) var isDigit: Bool { self &- 0x30 < 10 }
    @inline(__always) var isSpaceOrTab: Bool { self == 0x20 || self == 0x09 }
    @inline(__always) var isUpper: Bool { self &- 0x41 < 26 }
    @inline(__always) var isLower: Bool { self &- 0x61 < 26 }
    @inline(__always) var isAlnum: Bool { isDigit || isUpper || isLower }
    @inline(__always) var isHexDigit: Bool { isDigit || (self | 0x20) &- 0x61 < 6 }
}

extension UnsafeBufferPointer where Element == UInt8 {
    /// Value of `n` ASCII digits at `i`, or nil.
    @inline(__always)
    func digits(at i: Int, _ n: Int) -> Int? {
        guard i >= 0, n <= 18, i + n <= count else { return nil }
        var v = 0
        for k in i..<(i + n) {
            let c = self[k]
            guard c.isDigit else { return nil }
            v = v * 10 + Int(c &- 0x30)
        }
        return v
    }

    @inline(__always)
    func byte(_ i: Int) -> UInt8 { i < count && i >= 0 ? self[i] : 0 }

    /// A byte slice as Rust's `Debug` prints it, `[105, 110, 118]`, read from its first value at
    /// `i` (after the `[`): the values (decimal, 0 to 255, `, ` between them) and where each is
    /// written, up to the first that is not one. The Rust SDK logs an HTTP response's body so
    /// (`RecordEnricher.decodeBodyBytes`, `Redactor.redactByteListJWTs`).
    func decimalByteList(from i: Int) -> (values: [UInt8], spans: [Range<Int>]) {
        var values: [UInt8] = []
        var spans: [Range<Int>] = []
        var j = i
        while true {
            let start = j
            var value = 0
            while j < count, self[j].isDigit, j - start < 3 { value = value * 10 + Int(self[j] - 0x30); j += 1 }
            guard j > start, value <= 255, !byte(j).isDigit else { break }
            values.append(UInt8(value))
            spans.append(start..<j)
            guard byte(j) == UInt8(ascii: ","), byte(j + 1) == 0x20 else { break }
            j += 2
        }
        return (values, spans)
    }

    /// First index of `byte` in `from..<to` (`to` defaults to the end), eight bytes at a time,
    /// inline (JSON strings in logs are short, and a memchr call costs more than scanning them).
    @inline(__always)
    func index(of byte: UInt8, from: Int, to: Int? = nil) -> Int? {
        guard let base = baseAddress else { return nil }
        let hi = to ?? count
        var i = from
        let raw = UnsafeRawPointer(base)
        let pattern = UInt64(byte) &* 0x0101_0101_0101_0101
        while i + 8 <= hi {
            let zero = zeroBytes(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ pattern)
            if zero != 0 { return i + zero.trailingZeroBitCount / 8 }
            i += 8
        }
        while i < hi {
            if base[i] == byte { return i }
            i += 1
        }
        return nil
    }

    /// A plain decimal (`-?digits[.digits]`) at `i`, exactly as strtod would round it; nil for
    /// anything else (exponents, long mantissas), which the caller hands to strtod.
    ///
    /// With an integer mantissa below 2^53 and at most 22 fraction digits, both the mantissa and
    /// the power of ten are exact doubles, so one IEEE division gives the correctly rounded value.
    /// Python prints most floats with 16 or 17 digits (`0.48670853477605525`), beyond 2^53: on
    /// x86-64 such a mantissa (below 10^19) and the power of ten are exact in Float80, whose
    /// division is correctly rounded to 64 bits; rounding that to a double's 53 bits gives the
    /// correctly rounded value unless the 11 bits it drops lie at the halfway point (the true
    /// quotient is within half a unit of them), and those few are left to strtod.
    func plainDecimal(at i: Int) -> Double? {
        var j = i
        let negative = byte(j) == UInt8(ascii: "-")
        if negative { j += 1 }
        var mantissa: UInt64 = 0
        var digits = 0
        // Digits from the first non-zero one: at most 19 keep the mantissa below 10^19.
        var significant = 0
        var fraction = 0
        digits = decimalDigits(&j, &mantissa, &significant)
        guard digits > 0 else { return nil }
        if j < count, self[j] == UInt8(ascii: ".") {
            j += 1
            fraction = decimalDigits(&j, &mantissa, &significant)
            guard fraction > 0 else { return nil }
        }
        guard significant <= 19, fraction <= 22 else { return nil }
        if j < count, self[j] == UInt8(ascii: "e") || self[j] == UInt8(ascii: "E") || self[j] == UInt8(ascii: ".") { return nil }
        let value: Double
        if mantissa < 1 << 53 {
            value = Double(mantissa) / Self.powersOfTen[fraction]
        } else {
            #if arch(x86_64)
            let q = Float80(mantissa) / Self.powersOfTen80[fraction]
            let dropped = q.significandBitPattern & 0x7FF
            guard dropped < 0x3FF || dropped > 0x401 else { return nil }
            value = Double(q)
            #else
            return nil
            #endif
        }
        return negative ? -value : value
    }

    /// Reads the digits from `j` on into `mantissa` (wrapping: the caller rejects more than 19
    /// significant ones), counting those from the first non-zero one in `significant`; returns
    /// how many there were. Eight at a time while eight bytes are left (Python writes most floats
    /// with 16 or 17 digits: `0.48370556144874627`).
    @inline(__always)
    private func decimalDigits(_ j: inout Int, _ mantissa: inout UInt64, _ significant: inout Int) -> Int {
        let start = j
        if let base = baseAddress {
            let raw = UnsafeRawPointer(base)
            while j + 8 <= count {
                let w = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: j, as: UInt64.self))
                guard TimeParsing.leadingDigits(w) == 8 else { break }
                // (The first digit is the lowest byte: leading zeros are its low zero bytes.)
                let d = w & 0x0F0F_0F0F_0F0F_0F0F
                significant += mantissa != 0 ? 8 : (d == 0 ? 0 : 8 - d.trailingZeroBitCount / 8)
                let eight = TimeParsing.eightDigits(w)
                mantissa = mantissa &* 100_000_000 &+ eight
                j += 8
            }
        }
        while j < count, self[j].isDigit {
            if mantissa != 0 || self[j] != 0x30 { significant += 1 }
            mantissa = mantissa &* 10 &+ UInt64(self[j] &- 0x30)
            j += 1
        }
        return j - start
    }

    static let powersOfTen: [Double] = (0...22).map { k in (0..<k).reduce(1.0) { r, _ in r * 10 } }
    #if arch(x86_64)
    static let powersOfTen80: [Float80] = (0...22).map { k in (0..<k).reduce(Float80(1)) { r, _ in r * 10 } }
    #endif

    /// Whether the bytes at `i` equal `literal`.
    @inline(__always)
    func has(_ literal: StaticString, at i: Int) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard i >= 0, i + n <= count else { return false }
        let p = literal.utf8Start
        for k in 0..<n where self[i + k] != p[k] { return false }
        return true
    }

    /// Whether `literal` occurs anywhere (short texts: names and keys).
    func contains(_ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard count >= n else { return false }
        return (0...(count - n)).contains { has(literal, at: $0) }
    }

    /// Whether the bytes end with `literal`.
    func hasSuffix(_ literal: StaticString) -> Bool { has(literal, at: count - literal.utf8CodeUnitCount) }

    /// Index of the first byte at or after `i` that is not a space or tab.
    @inline(__always)
    func skipSpaces(_ i: Int) -> Int {
        var j = i
        while j < count && self[j].isSpaceOrTab { j += 1 }
        return j
    }

    /// Index after the run of non-space bytes at `i`.
    @inline(__always)
    func skipToken(_ i: Int) -> Int {
        var j = i
        while j < count && !self[j].isSpaceOrTab { j += 1 }
        return j
    }

    /// Trims trailing spaces, tabs and CR.
    func trimmedEnd(_ end: Int) -> Int {
        var e = end
        while e > 0 && (self[e - 1].isSpaceOrTab || self[e - 1] == 0x0D) { e -= 1 }
        return e
    }

    /// The bytes `lo..<hi` as a String (invalid UTF-8 replaced).
    @inline(__always)
    func string(_ lo: Int, _ hi: Int) -> String {
        guard lo < hi else { return "" }
        if hi - lo <= 15, let s = SmallASCII.string(self, lo, hi) { return s }
        return String(decoding: UnsafeBufferPointer(rebasing: self[lo..<hi]), as: UTF8.self)
    }

    func slice(_ lo: Int, _ hi: Int) -> Bytes { UnsafeBufferPointer(rebasing: self[lo..<Swift.max(lo, hi)]) }

    /// Finds ` - ` at or after `from` (memchr for each `-`).
    func findDash(from: Int) -> Int? {
        guard let base = baseAddress, from >= 0 else { return nil }
        var i = from
        while i + 2 < count {
            guard let p = memchr(base + i + 1, 0x2D, count - i - 2) else { return nil }
            let k = base.distance(to: p.assumingMemoryBound(to: UInt8.self))
            if self[k - 1] == 0x20 && self[k + 1] == 0x20 { return k - 1 }
            i = k
        }
        return nil
    }
}
