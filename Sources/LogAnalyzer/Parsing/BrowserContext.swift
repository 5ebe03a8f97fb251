/// Reads the context object Chrome prints after a livekit-client message:
/// `{room: 'test-room', roomID: 'RM_…', participant: 'user', pID: 'PA_…', …}`, and Firefox's
/// `Object { room: "test-room", roomID: "RM_…", … }`.
enum BrowserContext {
    /// Finds the trailing object that ends at `end`; returns its opening brace and its members.
    static func trailingObject(_ b: Bytes, _ lo: Int, _ end: Int) -> (Int, [(String, JSONValue)])? {
        var p = lo
        while let brace = b.index(of: UInt8(ascii: "{"), from: p), brace < end {
            if brace == lo || b[brace - 1] == 0x20 {
                if let members = parse(b, brace, end) { return (brace, members) }
            }
            p = brace + 1
        }
        return nil
    }

    /// Parses `{key: value, …}` spanning exactly `lo..<end`, JavaScript-literal style.
    static func parse(_ b: Bytes, _ lo: Int, _ end: Int) -> [(String, JSONValue)]? {
        var i = lo + 1
        var members: [(String, JSONValue)] = []
        while true {
            i = b.skipSpaces(i)
            guard i < end else { return nil }
            if b[i] == UInt8(ascii: "}") { return i + 1 == end ? members : nil }
            // `…` (U+2026) marks an abbreviated object.
            if b.has("\u{2026}", at: i) {
                i += 3
                continue
            }
            let keyStart = i
            while i < end && (b[i].isAlnum || b[i] == UInt8(ascii: "_") || b[i] == UInt8(ascii: "$")) { i += 1 }
            guard i > keyStart, b.byte(i) == UInt8(ascii: ":") else { return nil }
            let key = b.string(keyStart, i)
            i = b.skipSpaces(i + 1)
            guard i < end else { return nil }
            // Firefox names an object's class before it: `fields: Object { … }`, `args: Array [ … ]`.
            if b.has("Object {", at: i) { i += 7 } else if b.has("Array [", at: i) { i += 6 }
            guard i < end else { return nil }
            let c = b[i]
            var value: JSONValue
            if c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") {
                guard let close = b.index(of: c, from: i + 1), close < end else { return nil }
                value = .string(b.string(i + 1, close))
                i = close + 1
            } else if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") {
                // Nested objects are skipped (kept as their text).
                let open = c
                let closeByte: UInt8 = c == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
                var depth = 0
                let start = i
                while i < end {
                    if b[i] == open { depth += 1 } else if b[i] == closeByte {
                        depth -= 1
                        if depth == 0 { break }
                    }
                    i += 1
                }
                guard i < end else { return nil }
                i += 1
                value = .string(b.string(start, i))
            } else {
                let start = i
                while i < end && b[i] != UInt8(ascii: ",") && b[i] != UInt8(ascii: "}") { i += 1 }
                let word = b.string(start, b.trimmedEnd(i))
                switch word {
                case "true": value = .bool(true)
                case "false": value = .bool(false)
                case "null", "undefined": value = .null
                default: value = Double(word) != nil ? .number(word) : .string(word)
                }
            }
            members.append((key, value))
            i = b.skipSpaces(i)
            if b.byte(i) == UInt8(ascii: ",") { i += 1 }
        }
    }
}
