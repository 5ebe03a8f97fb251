#if canImport(Glibc)
import Glibc
#endif

/// A JSON value as read from a log line; numbers keep their source text so nothing is lost.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.number(x), .number(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.array(x), .array(y)): return x == y
        case let (.object(x), .object(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// The value as a string: strings as they are, numbers and booleans as their text.
    public var stringValue: String? {
        switch self {
        case .string(let s): return s
        case .number(let n): return n
        case .bool(let b): return b ? "true" : "false"
        default: return nil
        }
    }

    /// The value as a number (also from numeric strings).
    public var doubleValue: Double? {
        switch self {
        case .number(let n): return Double(n)
        case .string(let s): return Double(s)
        default: return nil
        }
    }

    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self {
            for (k, v) in members where k == key { return v }
        }
        return nil
    }
}

/// Reads JSON from bytes. Depth is limited; numbers are kept as text.
struct JSONReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var index: Int
    let maxDepth: Int

    init(_ bytes: UnsafeBufferPointer<UInt8>, from: Int = 0, maxDepth: Int = 256) {
        self.bytes = bytes
        self.index = from
        self.maxDepth = maxDepth
    }

    enum Failure: Error { case invalid, tooDeep }

    /// Parses one value and returns it; `index` is left after it (and after trailing spaces).
    mutating func value(depth: Int = 0) throws(Failure) -> JSONValue {
        skipSpace()
        guard index < bytes.count else { throw .invalid }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            guard depth < maxDepth else { throw .tooDeep }
            index += 1
            var members: [(String, JSONValue)] = []
            skipSpace()
            if index < bytes.count && bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
            while true {
                let key = try memberKey()
                let v = try value(depth: depth + 1)
                members.append((key, v))
                switch afterMember() {
                case .next?: continue
                case .end?: return .object(members)
                case nil: throw .invalid
                }
            }
        case UInt8(ascii: "["):
            guard depth < maxDepth else { throw .tooDeep }
            index += 1
            var items: [JSONValue] = []
            skipSpace()
            if index < bytes.count && bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
            while true {
                items.append(try value(depth: depth + 1))
                skipSpace()
                guard index < bytes.count else { throw .invalid }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
                throw .invalid
            }
        case UInt8(ascii: "\""):
            return .string(try string())
        case UInt8(ascii: "t"):
            try literal("true"); return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false"); return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null"); return .null
        case UInt8(ascii: "N"):
            try literal("NaN"); return .number("NaN")  // Python's json.dumps writes NaN
        default:
            return .number(try number())
        }
    }

    /// An object member's key and its `:`, spaces around them skipped: `index` is left at the
    /// member's value.
    mutating func memberKey() throws(Failure) -> String {
        skipSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw .invalid }
        let key = try string()
        skipSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw .invalid }
        index += 1
        skipSpace()
        return key
    }

    /// What follows an object's member, passed: `.next` (a `,`), `.end` (the object's `}`), or
    /// nil (anything else, or nothing).
    enum AfterMember { case next, end }

    mutating func afterMember() -> AfterMember? {
        skipSpace()
        guard index < bytes.count else { return nil }
        switch bytes[index] {
        case UInt8(ascii: ","):
            index += 1
            return .next
        case UInt8(ascii: "}"):
            index += 1
            return .end
        default:
            return nil
        }
    }

    mutating func skipSpace() {
        while index < bytes.count {
            let c = bytes[index]
            if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { index += 1 } else { break }
        }
    }

    private mutating func literal(_ word: StaticString) throws(Failure) {
        let n = word.utf8CodeUnitCount
        guard index + n <= bytes.count else { throw .invalid }
        for i in 0..<n where bytes[index + i] != word.utf8Start[i] { throw .invalid }
        index += n
    }

    private mutating func number() throws(Failure) -> String {
        let start = index
        if index < bytes.count && bytes[index] == UInt8(ascii: "-") { index += 1 }
        if index + 8 <= bytes.count && bytes[index] == UInt8(ascii: "I") {
            try literal("Infinity")
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }
        var digits = 0
        while index < bytes.count {
            let c = bytes[index]
            if (c >= 0x30 && c <= 0x39) { digits += 1; index += 1 }
            else if c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E")
                || c == UInt8(ascii: "+") || c == UInt8(ascii: "-") { index += 1 }
            else { break }
        }
        guard digits > 0 else { throw .invalid }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    /// Reads a string starting at the opening quote; returns it unescaped.
    mutating func string() throws(Failure) -> String {
        index += 1
        let start = index
        // Fast path: no escapes.
        while index < bytes.count {
            let c = bytes[index]
            if c == UInt8(ascii: "\"") {
                let s = String(decoding: bytes[start..<index], as: UTF8.self)
                index += 1
                return s
            }
            if c == UInt8(ascii: "\\") { break }
            index += 1
        }
        guard index < bytes.count else { throw .invalid }
        var out = [UInt8](bytes[start..<index])
        while index < bytes.count {
            let c = bytes[index]
            if c == UInt8(ascii: "\"") {
                index += 1
                return String(decoding: out, as: UTF8.self)
            }
            if c != UInt8(ascii: "\\") { out.append(c); index += 1; continue }
            index += 1
            guard index < bytes.count else { throw .invalid }
            let e = bytes[index]
            index += 1
            switch e {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "u"):
                guard var scalar = hex4() else { throw .invalid }
                if scalar >= 0xD800 && scalar < 0xDC00, index + 1 < bytes.count,
                    bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                {
                    let save = index
                    index += 2
                    if let low = hex4(), low >= 0xDC00 && low < 0xE000 {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        index = save
                    }
                }
                let u = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                out.append(contentsOf: Array(String(Character(u)).utf8))
            default: out.append(e)
            }
        }
        throw .invalid
    }

    private mutating func hex4() -> UInt32? {
        guard index + 4 <= bytes.count else { return nil }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[index]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default: return nil
            }
            v = v * 16 + d
            index += 1
        }
        return v
    }

    /// Skips the string whose opening quote is at `index`: to the next quote not escaped by an
    /// odd run of backslashes.
    @inline(__always)
    mutating func skipString() -> Bool {
        var from = index + 1
        while let q = bytes.index(of: 0x22, from: from) {
            // bytes[index] is the opening quote, so bytes[q - 1] exists and a quote stops the run.
            if bytes[q - 1] != UInt8(ascii: "\\") {
                index = q + 1
                return true
            }
            var k = q - 1
            var slashes = 0
            while bytes[k] == UInt8(ascii: "\\") {
                slashes += 1
                k -= 1
            }
            if slashes % 2 == 0 {
                index = q + 1
                return true
            }
            from = q + 1
        }
        index = bytes.count
        return false
    }

    /// `skipValue()` at a value's first byte (spaces already skipped), with strings and scalars
    /// inline: the members of a log line are almost all strings and numbers.
    @inline(__always)
    mutating func skipMemberValue() -> Bool {
        guard index < bytes.count else { return false }
        let c = bytes[index]
        if c == UInt8(ascii: "\"") { return skipString() }
        if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") { return skipValue() }
        return skipScalar()
    }

    /// Skips a number or literal: to the next delimiter; false when there is nothing before it.
    @inline(__always)
    mutating func skipScalar() -> Bool {
        let start = index
        // Eight bytes at a time (Python prints floats with up to 17 digits): the lowest byte
        // equal to a delimiter, found exactly by the zero-byte test of each.
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            while index + 8 <= bytes.count {
                let w = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                let found = zeroBytes(w ^ 0x2C2C_2C2C_2C2C_2C2C) | zeroBytes(w ^ 0x7D7D_7D7D_7D7D_7D7D) | zeroBytes(w ^ 0x5D5D_5D5D_5D5D_5D5D)
                    | zeroBytes(w ^ 0x2020_2020_2020_2020) | zeroBytes(w ^ 0x0909_0909_0909_0909)
                if found != 0 {
                    index += found.trailingZeroBitCount / 8
                    return index > start
                }
                index += 8
            }
        }
        while index < bytes.count {
            let b = bytes[index]
            if b == UInt8(ascii: ",") || b == UInt8(ascii: "}") || b == UInt8(ascii: "]") || b == 0x20 || b == 0x09 { break }
            index += 1
        }
        return index > start
    }

    /// Skips one value without building it; returns false when it is malformed.
    mutating func skipValue(depth: Int = 0) -> Bool {
        skipSpace()
        guard index < bytes.count else { return false }
        let c = bytes[index]
        if c == UInt8(ascii: "\"") { return skipString() }
        if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") {
            if depth >= maxDepth { return false }
            let close: UInt8 = c == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
            index += 1
            skipSpace()
            if index < bytes.count && bytes[index] == close { index += 1; return true }
            while true {
                if c == UInt8(ascii: "{") {
                    skipSpace()
                    guard skipValue(depth: depth + 1) else { return false }  // key
                    skipSpace()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return false }
                    index += 1
                }
                guard skipValue(depth: depth + 1) else { return false }
                skipSpace()
                guard index < bytes.count else { return false }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == close { index += 1; return true }
                return false
            }
        }
        return skipScalar()
    }
}

/// Parses a whole buffer as one JSON value (trailing spaces allowed).
func parseJSON(_ bytes: UnsafeBufferPointer<UInt8>) -> JSONValue? {
    var reader = JSONReader(bytes)
    guard let v = try? reader.value() else { return nil }
    reader.skipSpace()
    return reader.index == bytes.count ? v : nil
}

/// Parses a string as one JSON value.
public func parseJSON(_ text: String) -> JSONValue? {
    var text = text
    return text.withUTF8 { parseJSON($0) }
}
