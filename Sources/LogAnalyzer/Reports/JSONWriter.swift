/// JSON string quoting: escapes so that no control character reaches the output.
public enum JSONWriter {
    public static func quoted(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count + 2)
        quote(s, into: &out)
        return out
    }

    /// Appends `s` quoted to `out` (no temporary strings for the common, plain case).
    static func quote(_ s: String, into out: inout String) {
        out += "\""
        var plain = true
        for u in s.utf8 where u < 0x20 || u == 0x22 || u == 0x5C || u == 0x7F {
            plain = false
            break
        }
        if plain {
            out += s
        } else {
            for u in s.unicodeScalars {
                switch u {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                default:
                    if u.value < 0x20 || u.value == 0x7F {
                        let hex = String(u.value, radix: 16)
                        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                    } else {
                        out.unicodeScalars.append(u)
                    }
                }
            }
        }
        out += "\""
    }
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
        var out = ""
        write(into: &out, pretty: pretty, depth: depth)
        return out
    }

    func write(into out: inout String, pretty: Bool, depth: Int) {
        func newline(_ level: Int) {
            out += "\n"
            for _ in 0..<level { out += "  " }
        }
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d, let digits): out += d.isFinite ? trimmedFixed(d, digits) : "null"
        case .raw(let r): out += r
        case .string(let s): JSONWriter.quote(s, into: &out)
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                if pretty { newline(depth + 1) }
                item.write(into: &out, pretty: pretty, depth: depth + 1)
            }
            if pretty { newline(depth) }
            out += "]"
        case .object(let members):
            if members.isEmpty { out += "{}"; return }
            out += "{"
            for (i, (k, v)) in members.enumerated() {
                if i > 0 { out += "," }
                if pretty { newline(depth + 1) }
                JSONWriter.quote(k, into: &out)
                out += pretty ? ": " : ":"
                v.write(into: &out, pretty: pretty, depth: depth + 1)
            }
            if pretty { newline(depth) }
            out += "}"
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
