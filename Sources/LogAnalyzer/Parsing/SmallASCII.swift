import CScan

/// Short ASCII strings built straight from their bytes.
///
/// Most strings the parsers make are ids of up to 15 ASCII bytes (`AJ_…`, `RM_…`, room names,
/// metrics messages), and `String(decoding:as:)` spends about 150 instructions on each (UTF-8
/// validation, then a copy into the small form). A 64-bit String holds up to 15 ASCII bytes
/// inline: the bytes in its two words, the count and an "immortal, small, ASCII" tag in the top
/// byte. This writes that form directly, and only after checking at first use that this runtime
/// lays small strings out that way: strings built both ways must match bit for bit, compare equal
/// and hash alike; otherwise every call returns nil and callers decode as usual.
enum SmallASCII {
    static let isAvailable: Bool = {
        guard MemoryLayout<String>.size == 16 else { return false }
        let probes = ["", "a", "ab", "pid", "AJ_fzP4KOmDIxh2", "room-wgg97MzF", "RM_vLCqsgPFkBtK", "LLM metrics", "0123456789abcd"]
        for probe in probes {
            let bytes = Array(probe.utf8) + [0x22]
            let decoded = String(decoding: bytes.dropLast(), as: UTF8.self)
            guard let built = bytes.withUnsafeBufferPointer({ compose($0, 0, $0.count - 1) }) else { return false }
            let (a1, b1) = unsafeBitCast(decoded, to: (UInt64, UInt64).self)
            let (a2, b2) = unsafeBitCast(built, to: (UInt64, UInt64).self)
            guard a1 == a2, b1 == b2, built == probe, built.hashValue == probe.hashValue, built.utf8.count == probe.utf8.count,
                Array(built.utf8) == Array(probe.utf8)
            else { return false }
        }
        return true
    }()

    /// `b[lo..<hi]` as a String when it is 1 to 15 ASCII bytes and the layout check passed.
    /// (`hi` may be the end of `b`: only bytes of `b` are read.)
    @inline(__always)
    static func string(_ b: UnsafeBufferPointer<UInt8>, _ lo: Int, _ hi: Int) -> String? {
        guard layoutChecked else { return nil }
        return compose(b, lo, hi)
    }

    /// `string(_:_:_:)`, and nil when a byte is a backslash: a JSON string's text without escapes.
    @inline(__always)
    static func unescapedString(_ b: UnsafeBufferPointer<UInt8>, _ lo: Int, _ hi: Int) -> String? {
        guard layoutChecked else { return nil }
        return compose(b, lo, hi, withoutBackslash: true)
    }

    /// `isAvailable`, remembered in a C global: asked for every id, and a `static let` costs a
    /// `swift_once` call on each read (threads racing to the first check store the same value).
    @inline(__always)
    static var layoutChecked: Bool {
        switch cscan_small_string_layout_get() {
        case 1: return true
        case 2: return false
        default:
            let available = isAvailable
            cscan_small_string_layout_set(available ? 1 : 2)
            return available
        }
    }

    @inline(__always)
    private static func compose(_ b: UnsafeBufferPointer<UInt8>, _ lo: Int, _ hi: Int, withoutBackslash: Bool = false) -> String? {
        let n = hi - lo
        guard n >= 0 && n <= 15, let base = b.baseAddress else { return nil }
        var low: UInt64 = 0
        var high: UInt64 = 0
        let p = base + lo
        // Loads stay within `b`: from `lo` and ending at `hi`, or ending at `hi` from before `lo`.
        if n >= 8 {
            // The first word, and the last one (ending at `hi`) shifted down past the bytes the
            // first holds.
            let raw = UnsafeRawPointer(p)
            low = raw.loadUnaligned(as: UInt64.self)
            high = n == 8 ? 0 : raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) >> UInt64(8 * (16 - n))
        } else if hi >= 8 {
            // The word ending at `hi`, shifted down to the string's first byte.
            low = n == 0 ? 0 : UnsafeRawPointer(base + hi - 8).loadUnaligned(as: UInt64.self) >> UInt64(8 * (8 - n))
        } else {
            // A buffer of fewer than 8 bytes.
            for k in 0..<n { low |= UInt64(p[k]) << UInt64(8 * k) }
        }
        guard (low | high) & 0x8080_8080_8080_8080 == 0 else { return nil }
        // (The zero bytes above the string are not backslashes.)
        if withoutBackslash && zeroBytes(low ^ 0x5C5C_5C5C_5C5C_5C5C) | zeroBytes(high ^ 0x5C5C_5C5C_5C5C_5C5C) != 0 { return nil }
        high |= (0xE0 | UInt64(n)) << 56
        // Moved out of the words' memory rather than `unsafeBitCast`: a bit cast copies the
        // String, and the copy calls `swift_bridgeObjectRetain` (a no-op on a small string).
        var words = (low, high)
        return withUnsafeMutablePointer(to: &words) { $0.withMemoryRebound(to: String.self, capacity: 1) { $0.move() } }
    }
}
