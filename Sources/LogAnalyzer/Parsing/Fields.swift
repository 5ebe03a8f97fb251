/// A record's structured extras. Kept as the raw JSON object text and parsed only when asked
/// for, so that the hot path never builds a JSON tree for a line nobody looks into.
public struct Fields: Sendable, Sequence {
    enum Storage: Sendable {
        case members([(String, JSONValue)])
        /// A JSON object's text; top-level keys named in `skip` (bits of `Fields.skippable`) are not
        /// fields. `before` and `after` are fields the parser adds around them (zap's `caller`).
        case raw(String, skip: UInt16, before: [(String, JSONValue)], after: [(String, JSONValue)])
    }

    var storage: Storage

    /// Keys a JSON record parser may consume (message, level, time, logger …).
    static let skippable: [[UInt8]] = [
        "message", "msg", "level", "levelname", "name", "timestamp", "asctime", "ts", "time", "logger", "@timestamp", "sentry.category",
    ].map { Array($0.utf8) }

    static func skipBit(_ key: String) -> UInt16 {
        guard let i = skippable.firstIndex(of: Array(key.utf8)) else { return 0 }
        return 1 << UInt16(i)
    }

    public init() { storage = .members([]) }
    public init(_ members: [(String, JSONValue)]) { storage = .members(members) }

    /// Fields backed by the raw text of a (validated) JSON object.
    init(rawObject: Bytes, skip: UInt16 = 0) {
        storage = .raw(String(decoding: rawObject, as: UTF8.self), skip: skip, before: [], after: [])
    }

    /// All fields, in order.
    public var members: [(String, JSONValue)] {
        switch storage {
        case .members(let m): return m
        case .raw(var text, let skip, let before, let after):
            return text.withUTF8 { b in
                var out: [(String, JSONValue)] = before
                Self.forEachMember(b, skip: skip) { key, value in
                    var reader = JSONReader(b, from: value.lowerBound)
                    let v = (try? reader.value()) ?? .string(b.string(value.lowerBound, value.upperBound))
                    out.append((Self.keyText(b, key), v))
                }
                return out + after
            }
        }
    }

    public var isEmpty: Bool {
        switch storage {
        case .members(let m): return m.isEmpty
        case .raw: return members.isEmpty
        }
    }

    public func makeIterator() -> IndexingIterator<[(String, JSONValue)]> { members.makeIterator() }

    /// The value of the first field named `key`.
    public subscript(key: String) -> JSONValue? {
        switch storage {
        case .members(let m):
            for (k, v) in m where k == key { return v }
            return nil
        case .raw(var text, let skip, let before, let after):
            for (k, v) in before where k == key { return v }
            var wanted = key
            return text.withUTF8 { b -> JSONValue? in
                wanted.withUTF8 { k -> JSONValue? in
                    var found: JSONValue?
                    Self.forEachMember(b, skip: skip) { keyRange, valueRange in
                        guard found == nil, keyRange.count == k.count,
                            b.slice(keyRange.lowerBound, keyRange.upperBound).elementsEqual(k)
                        else { return }
                        var reader = JSONReader(b, from: valueRange.lowerBound)
                        found = try? reader.value()
                    }
                    if found == nil { for (k, v) in after where k == key { return v } }
                    return found
                }
            }
        }
    }

    public mutating func append(_ field: (String, JSONValue)) {
        // (The storage lets go of the array first, so that it grows in place: a copy each time
        // made a record of many continuation fields quadratic.)
        switch storage {
        case .members(var m):
            storage = .members([])
            m.append(field)
            storage = .members(m)
        case .raw(let text, let skip, let before, var after):
            storage = .members([])
            after.append(field)
            storage = .raw(text, skip: skip, before: before, after: after)
        }
    }

    /// How many fields there are (raw storage is parsed for it).
    var count: Int {
        switch storage {
        case .members(let m): return m.count
        case .raw: return members.count
        }
    }

    /// Adds a field in front of the others without parsing raw storage.
    public mutating func prepend(_ field: (String, JSONValue)) {
        switch storage {
        case .members(var m):
            m.insert(field, at: 0)
            storage = .members(m)
        case .raw(let text, let skip, var before, let after):
            before.insert(field, at: 0)
            storage = .raw(text, skip: skip, before: before, after: after)
        }
    }

    /// Whether the fields are an empty member list (without parsing raw storage).
    var hasNoMembers: Bool {
        if case .members(let m) = storage { return m.isEmpty }
        return false
    }

    /// Whether the fields are still the unparsed text of a JSON object.
    var isRaw: Bool {
        if case .raw = storage { return true }
        return false
    }

    public mutating func append(contentsOf more: [(String, JSONValue)]) {
        var m = members
        m.append(contentsOf: more)
        storage = .members(m)
    }

    /// A member's key (the range inside its quotes), with escapes decoded.
    static func keyText(_ b: Bytes, _ key: Range<Int>) -> String {
        if b.slice(key.lowerBound, key.upperBound).contains(UInt8(ascii: "\\")) {
            var reader = JSONReader(b, from: key.lowerBound - 1)
            if let decoded = try? reader.string() { return decoded }
        }
        return b.string(key.lowerBound, key.upperBound)
    }

    /// Calls `body(key, value)` with byte ranges of each top-level member of the object in `b`.
    @inline(__always)
    static func forEachMember(_ b: Bytes, from start: Int = 0, skip: UInt16 = 0, _ body: (Range<Int>, Range<Int>) -> Void) {
        var r = JSONReader(b, from: start)
        r.skipSpace()
        guard r.index < b.count, b[r.index] == UInt8(ascii: "{") else { return }
        r.index += 1
        while true {
            r.skipSpace()
            guard r.index < b.count, b[r.index] == UInt8(ascii: "\"") else { return }
            let keyStart = r.index + 1
            guard r.skipValue() else { return }
            let keyEnd = r.index - 1
            r.skipSpace()
            guard r.index < b.count, b[r.index] == UInt8(ascii: ":") else { return }
            r.index += 1
            r.skipSpace()
            let valueStart = r.index
            guard r.skipValue() else { return }
            if skip == 0 || !isSkipped(b, keyStart, keyEnd, skip) {
                body(keyStart..<keyEnd, valueStart..<r.index)
            }
            r.skipSpace()
            guard r.index < b.count, b[r.index] == UInt8(ascii: ",") else { return }
            r.index += 1
        }
    }

    @inline(__always)
    private static func isSkipped(_ b: Bytes, _ lo: Int, _ hi: Int, _ skip: UInt16) -> Bool {
        var bits = skip
        while bits != 0 {
            let i = bits.trailingZeroBitCount
            bits &= bits - 1
            let k = skippable[i]
            if k.count == hi - lo && b.slice(lo, hi).elementsEqual(k) { return true }
        }
        return false
    }
}
