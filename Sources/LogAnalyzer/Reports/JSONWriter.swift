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
    /// characters and DEL as `\u00xx`; anything else (UTF-8 included) as it is.
    mutating func quote(bytes b: UnsafeBufferPointer<UInt8>) {
        append(byte: 0x22)
        var start = 0
        while let i = Self.firstEscape(b, from: start) {
            append(UnsafeBufferPointer(rebasing: b[start..<i]))
            let u = b[i]
            append(byte: 0x5C)
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

    /// The index of the first byte at or after `i` that a JSON string must escape (`"`, `\`,
    /// a control character or DEL); nil when there is none.
    @inline(__always)
    private static func firstEscape(_ b: UnsafeBufferPointer<UInt8>, from i: Int) -> Int? {
        var i = i
        while i < b.count {
            let u = b[i]
            if u < 0x20 || u == 0x22 || u == 0x5C || u == 0x7F { return i }
            i += 1
        }
        return nil
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
