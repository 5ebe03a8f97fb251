/// Renders records as NDJSON (`loganalyze parse`): path, line, format, time, level, logger,
/// message, ids, fields — secrets redacted.
public final class RecordRenderer {
    private let redactor = Redactor()
    private let paths: [String]

    public init(paths: [String]) { self.paths = paths }

    public func ndjson(_ r: LogRecord) -> String {
        var out = "{\"path\":"
        JSONWriter.quote(paths[r.input], into: &out)
        out += ",\"line\":\(r.line),\"format\":\"\(r.format.id)\",\"time\":"
        if let t = r.time, t.hasDate { out += "\"\(t.iso8601)\"" } else { out += "null" }
        out += ",\"level\":"
        out += r.level.map { "\"\($0.name)\"" } ?? "null"
        out += ",\"logger\":"
        if let logger = r.logger { JSONWriter.quote(redactor.redact(logger), into: &out) } else { out += "null" }
        out += ",\"message\":"
        JSONWriter.quote(redactor.redact(r.message), into: &out)
        out += ",\"ids\":{"
        var first = true
        func id(_ key: String, _ value: String?) {
            guard let value else { return }
            if !first { out += "," }
            first = false
            out += "\"\(key)\":"
            JSONWriter.quote(redactor.redact(value), into: &out)
        }
        id("room", r.ids.room)
        id("roomSid", r.ids.roomSid)
        id("jobId", r.ids.jobId)
        id("workerId", r.ids.workerId)
        id("participant", r.ids.participant)
        id("participantSid", r.ids.participantSid)
        if let pid = r.ids.pid {
            if !first { out += "," }
            out += "\"pid\":\(pid)"
        }
        out += "},\"fields\":"
        writeFields(r.fields, into: &out)
        out += "}\n"
        return out
    }

    /// Writes fields; raw JSON values without secrets or control bytes are copied as they are.
    func writeFields(_ fields: Fields, into out: inout String) {
        guard case .raw(var text, let skip, let before, let after) = fields.storage else {
            writeValue(.object(fields.members), key: nil, into: &out, depth: 0)
            return
        }
        out += "{"
        var first = true
        func separator() {
            if !first { out += "," }
            first = false
        }
        for (k, v) in before {
            separator()
            JSONWriter.quote(k, into: &out)
            out += ":"
            writeValue(v, key: k, into: &out, depth: 1)
        }
        text.withUTF8 { b in
            Fields.forEachMember(b, skip: skip) { key, value in
                separator()
                let rawKey = b.slice(key.lowerBound, key.upperBound)
                // The key as written is JSON already; one with escapes or raw control bytes is
                // decoded (for the secret-name test) and written again.
                let keyText: String
                if rawKey.contains(where: { $0 < 0x20 || $0 == 0x5C || $0 == 0x7F }) {
                    keyText = Fields.keyText(b, key)
                    JSONWriter.quote(keyText, into: &out)
                    out += ":"
                } else {
                    keyText = rawKey.string(0, rawKey.count)
                    out += "\""
                    out += keyText
                    out += "\":"
                }
                let raw = b.slice(value.lowerBound, value.upperBound)
                let c = raw[0]
                let isText = c == UInt8(ascii: "\"") || c == UInt8(ascii: "{") || c == UInt8(ascii: "[")
                // Raw control bytes are never copied (the scan lets them through; quoting escapes them).
                let hasControl = raw.contains(where: { $0 < 0x20 || $0 == 0x7F })
                if !isText && !hasControl && c != UInt8(ascii: "N") && c != UInt8(ascii: "I") && !(c == UInt8(ascii: "-") && raw.byte(1) == UInt8(ascii: "I")) {
                    out += raw.string(0, raw.count)
                } else if isText && !hasControl && !Redactor.mightHoldSecret(raw) && !Redactor.isSecretKey(keyText) {
                    out += raw.string(0, raw.count)
                } else {
                    var reader = JSONReader(b, from: value.lowerBound)
                    let v = (try? reader.value()) ?? .string(raw.string(0, raw.count))
                    writeValue(v, key: keyText, into: &out, depth: 1)
                }
            }
        }
        for (k, v) in after {
            separator()
            JSONWriter.quote(k, into: &out)
            out += ":"
            writeValue(v, key: k, into: &out, depth: 1)
        }
        out += "}"
    }

    /// Writes a JSON value with string values redacted (wholly, under secret-named keys).
    public func writeValue(_ v: JSONValue, key: String?, into out: inout String, depth: Int) {
        switch v {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n): out += n == "NaN" || n.hasSuffix("Infinity") ? "null" : n
        case .string(let s):
            if let key, Redactor.isSecretKey(key), !s.isEmpty {
                JSONWriter.quote(Redactor.replacement, into: &out)
            } else {
                JSONWriter.quote(redactor.redact(s), into: &out)
            }
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                writeValue(item, key: key, into: &out, depth: depth + 1)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (i, (k, value)) in members.enumerated() {
                if i > 0 { out += "," }
                JSONWriter.quote(k, into: &out)
                out += ":"
                writeValue(value, key: k, into: &out, depth: depth + 1)
            }
            out += "}"
        }
    }
}
