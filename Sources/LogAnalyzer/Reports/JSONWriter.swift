/// JSON string quoting: escapes so that no control character reaches the output.
public enum JSONWriter {
    public static func quoted(_ s: String) -> String {
        var out = JSONBytes(capacity: s.utf8.count + 16)
        out.quote(s)
        return out.string
    }
}

/// A JSON text written as bytes. Reports list up to 100,000 sessions: appending to a `String`
/// cost about 300 instructions an append, to this buffer a copy of the bytes.
struct JSONBytes: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int = 256) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }
    var string: String { String(decoding: bytes, as: UTF8.self) }

    /// Room for `n` more bytes.
    @inline(__always)
    private mutating func reserve(_ n: Int) {
        if count + n > capacity { grow(count + n) }
    }

    private mutating func grow(_ needed: Int) {
        let newCapacity = max(needed, 2 * capacity)
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    @inline(__always)
    mutating func append(byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    @inline(__always)
    mutating func append(_ b: UnsafeBufferPointer<UInt8>) {
        guard let source = b.baseAddress, b.count > 0 else { return }
        reserve(b.count)
        (base + count).update(from: source, count: b.count)
        count += b.count
    }

    mutating func append(_ s: StaticString) {
        s.withUTF8Buffer { append($0) }
    }

    /// (Not `append(_:)`: a literal would pick the `String` overload over the `StaticString` one.)
    mutating func append(string s: String) {
        var s = s
        s.withUTF8 { append($0) }
    }

    mutating func append(_ i: Int) { append(string: String(i)) }

    /// `s` quoted (see `quote(bytes:)`).
    mutating func quote(_ s: String) {
        var s = s
        s.withUTF8 { quote(bytes: $0) }
    }

    /// The bytes of `b` quoted: `"` and `\` escaped, `\n` `\r` `\t` by name, other control
    /// characters and DEL as `\u00xx`, C1 controls as `\u0080`-`\u009f`, and the characters that
    /// reorder or break text (see `TerminalText.isBidiOrSeparator`) or print nothing (see
    /// `TerminalText.isInvisible`) as `\u202e` and the like (a tag as its surrogate pair);
    /// anything else (UTF-8 included) as it is. `b` is UTF-8 (a Swift string's bytes).
    mutating func quote(bytes b: UnsafeBufferPointer<UInt8>) {
        append(byte: 0x22)
        var start = 0
        while let i = Self.firstEscape(b, from: start) {
            append(UnsafeBufferPointer(rebasing: b[start..<i]))
            let u = b[i]
            append(byte: 0x5C)
            if u >= 0x80 {
                // firstEscape returns a lead byte only when its scalar is to be escaped.
                let (scalar, length) = Self.escapedScalar(b, at: i)!
                // Above U+FFFF (the tags) as a UTF-16 surrogate pair, `\udb40\udc41`.
                let units = scalar > 0xFFFF ? [0xD800 + ((scalar - 0x10000) >> 10), 0xDC00 + ((scalar - 0x10000) & 0x3FF)] : [scalar]
                for (n, unit) in units.enumerated() {
                    if n > 0 { append(byte: 0x5C) }
                    append(byte: UInt8(ascii: "u"))
                    for shift in stride(from: 12, through: 0, by: -4) { append(byte: Self.hexDigit(UInt8((unit >> UInt32(shift)) & 15))) }
                }
                start = i + length
                continue
            }
            switch u {
            case 0x22, 0x5C: append(byte: u)
            case 0x0A: append(byte: UInt8(ascii: "n"))
            case 0x0D: append(byte: UInt8(ascii: "r"))
            case 0x09: append(byte: UInt8(ascii: "t"))
            default:
                append("u00")
                append(byte: Self.hexDigit(u >> 4))
                append(byte: Self.hexDigit(u & 15))
            }
            start = i + 1
        }
        append(UnsafeBufferPointer(rebasing: b[start...]))
        append(byte: 0x22)
    }

    /// The index of the first byte at or after `i` that starts something a JSON string must
    /// escape (`"`, `\`, a control character, DEL, or an escaped scalar, see `escapedScalar`);
    /// nil when there is none.
    @inline(__always)
    private static func firstEscape(_ b: UnsafeBufferPointer<UInt8>, from i: Int) -> Int? {
        firstEscape(b, from: i, quotes: true)
    }

    /// Whether `b` holds a control character, DEL or a scalar `quote` writes as `\u` (C1,
    /// bidi controls, U+2028/U+2029): raw JSON holding one must be quoted again, not copied.
    static func holdsEscapedCharacter(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        firstEscape(b, from: 0, quotes: false) != nil
    }

    /// The first escape at or after `i` (`"` and `\` only when `quotes`). Eight bytes at a time
    /// while they are printable ASCII (parse quotes every string of every record: a byte at a
    /// time, the lead bytes of the escaped scalars cost 3.5% more instructions); a byte at a
    /// time through a word that may hold one, where only the lead bytes 0xC2, 0xD8, 0xE1, 0xE2, 0xEF and 0xF3 need
    /// a second look.
    @inline(__always)
    private static func firstEscape(_ b: UnsafeBufferPointer<UInt8>, from i: Int, quotes: Bool) -> Int? {
        guard let base = b.baseAddress else { return nil }
        var i = i
        while i < b.count {
            if i + 8 <= b.count, !mayHoldEscape(UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self), quotes: quotes) {
                i += 8
                continue
            }
            let end = min(i + 8, b.count)
            while i < end {
                let u = b[i]
                if u < 0x20 || u == 0x7F || (quotes && (u == 0x22 || u == 0x5C)) { return i }
                if u >= 0xC2, u == 0xC2 || u == 0xD8 || u == 0xE2 || u == 0xE1 || u == 0xEF || u == 0xF3, escapedScalar(b, at: i) != nil { return i }
                i += 1
            }
        }
        return nil
    }

    /// False when none of the eight bytes of `w` is below 0x20, DEL, non-ASCII or (with
    /// `quotes`) `"` or `\`; true may be a false alarm (the borrow of the subtractions).
    @inline(__always)
    private static func mayHoldEscape(_ w: UInt64, quotes: Bool) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        @inline(__always) func zeroByte(_ x: UInt64) -> UInt64 { (x &- ones) & ~x }
        var flagged = w | ((w &- ones &* 0x20) & ~w) | zeroByte(w ^ (ones &* 0x7F))
        if quotes { flagged |= zeroByte(w ^ (ones &* 0x22)) | zeroByte(w ^ (ones &* 0x5C)) }
        return flagged & highs != 0
    }

    /// The scalar starting at `i` and its length in bytes when it is a C1 control (C2 80-9F) or
    /// one of U+061C (D8 9C), U+200E/U+200F (E2 80 8E-8F), U+2028-U+202E (E2 80 A8-AE) or
    /// U+2066-U+2069 (E2 81 A6-A9), or invisible (`TerminalText.isInvisible`: U+180E, E1 A0 8E;
    /// U+200B and U+2060-U+2064, E2 80 8B and E2 81 A0-A4; U+FEFF, EF BB BF; U+FFF9-U+FFFB,
    /// EF BF B9-BB; the tags U+E0000-U+E007F, F3 A0 80-81 xx); nil for anything else.
    private static func escapedScalar(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> (UInt32, Int)? {
        guard i + 1 < b.count else { return nil }
        let b1 = b[i + 1]
        switch b[i] {
        case 0xC2: return b1 <= 0x9F ? (UInt32(b1), 2) : nil
        case 0xD8: return b1 == 0x9C ? (0x061C, 2) : nil
        case 0xE2:
            guard i + 2 < b.count else { return nil }
            let b2 = b[i + 2]
            let scalar = 0x2000 | (UInt32(b1 & 0x3F) << 6) | UInt32(b2 & 0x3F)
            guard b1 == 0x80 || b1 == 0x81, TerminalText.isBidiOrSeparator(scalar) || TerminalText.isInvisible(scalar) else { return nil }
            return (scalar, 3)
        case 0xE1:
            guard i + 2 < b.count, b1 == 0xA0, b[i + 2] == 0x8E else { return nil }
            return (0x180E, 3)
        case 0xEF:
            guard i + 2 < b.count else { return nil }
            let b2 = b[i + 2]
            if b1 == 0xBB && b2 == 0xBF { return (0xFEFF, 3) }
            guard b1 == 0xBF, b2 >= 0xB9, b2 <= 0xBB else { return nil }
            return (0xFFC0 | UInt32(b2 & 0x3F), 3)
        case 0xF3:
            guard i + 3 < b.count, b1 == 0xA0, b[i + 2] == 0x80 || b[i + 2] == 0x81 else { return nil }
            return (0xE0000 | (UInt32(b[i + 2] & 0x3F) << 6) | UInt32(b[i + 3] & 0x3F), 4)
        default: return nil
        }
    }

    private static func hexDigit(_ v: UInt8) -> UInt8 { v < 10 ? UInt8(ascii: "0") + v : UInt8(ascii: "a") + v - 10 }

    /// A newline and two spaces per level.
    mutating func newline(_ level: Int) {
        append(byte: 0x0A)
        reserve(2 * level)
        (base + count).initialize(repeating: UInt8(ascii: " "), count: 2 * level)
        count += 2 * level
    }

    mutating func removeAll() { count = 0 }
}

/// A JSON document built in memory for reports (small: one per run, not per record).
public indirect enum JSONNode: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double, digits: Int)
    case raw(String)
    case string(String)
    case array([JSONNode])
    case object([(String, JSONNode)])

    public static func == (a: JSONNode, b: JSONNode) -> Bool { a.serialized() == b.serialized() }

    /// Serialises with two-space indentation when `pretty`, as if nested `depth` levels deep.
    public func serialized(pretty: Bool = false, depth: Int = 0) -> String {
        var out = JSONBytes()
        write(into: &out, pretty: pretty, depth: depth)
        return out.string
    }

    func write(into out: inout String, pretty: Bool, depth: Int) {
        var bytes = JSONBytes()
        write(into: &bytes, pretty: pretty, depth: depth)
        out += bytes.string
    }

    func write(into out: inout JSONBytes, pretty: Bool, depth: Int) {
        switch self {
        case .null: out.append("null")
        case .bool(let b): out.append(b ? "true" : "false")
        case .int(let i): out.append(i)
        case .double(let d, let digits): out.append(string: d.isFinite ? trimmedFixed(d, digits) : "null")
        case .raw(let r): out.append(string: r)
        case .string(let s): out.quote(s)
        case .array(let items):
            if items.isEmpty { out.append("[]"); return }
            out.append("[")
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(",") }
                if pretty { out.newline(depth + 1) }
                item.write(into: &out, pretty: pretty, depth: depth + 1)
            }
            if pretty { out.newline(depth) }
            out.append("]")
        case .object(let members):
            if members.isEmpty { out.append("{}"); return }
            out.append("{")
            for (i, (k, v)) in members.enumerated() {
                if i > 0 { out.append(",") }
                if pretty { out.newline(depth + 1) }
                out.quote(k)
                out.append(pretty ? ": " : ":")
                v.write(into: &out, pretty: pretty, depth: depth + 1)
            }
            if pretty { out.newline(depth) }
            out.append("}")
        }
    }
}

/// `5.366` with `digits` decimals, trailing zeros removed (`5.37` for 2, `1050` for 3).
func trimmedFixed(_ value: Double, _ digits: Int) -> String {
    var s = formatFixed(value, digits)
    if s.contains(".") {
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
    }
    return s
}
