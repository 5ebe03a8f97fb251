/// Renders records as NDJSON (`loganalyze parse`): path, line, format, time, level, logger,
/// message, ids, fields — secrets redacted.
public final class RecordRenderer {
    private let redactor = Redactor()
    private let paths: [String]

    /// The paths are redacted once here (a file's name may hold a secret).
    public init(paths: [String]) { self.paths = paths.map(Redactor.redactOnce) }

    public func ndjson(_ r: LogRecord) -> String {
        var out = JSONBytes()
        write(r, into: &out)
        return out.string
    }

    /// Writes the record's NDJSON line to `out`.
    public func write(_ r: LogRecord, to out: OutputStream) {
        out.append { write(r, into: &$0) }
    }

    /// Appends the record's NDJSON line (newline included) to `out`.
    func write(_ r: LogRecord, into out: inout JSONBytes) {
        out.append("{\"path\":")
        out.quote(paths[r.input])
        out.append(",\"line\":")
        out.append(r.line)
        out.append(",\"format\":\"")
        out.append(string: r.format.id)
        out.append("\",\"time\":")
        if let t = r.time, t.hasDate { out.quote(t.iso8601) } else { out.append("null") }
        out.append(",\"level\":")
        if let level = r.level { out.quote(level.name) } else { out.append("null") }
        out.append(",\"logger\":")
        if let logger = r.logger { out.quote(redactor.redact(logger)) } else { out.append("null") }
        out.append(",\"message\":")
        out.quote(redactor.redact(r.message))
        out.append(",\"ids\":{")
        var first = true
        func id(_ key: StaticString, _ value: String?) {
            guard let value else { return }
            if !first { out.append(",") }
            first = false
            out.append(key)
            out.quote(redactor.redact(value))
        }
        id("\"room\":", r.ids.room)
        id("\"roomSid\":", r.ids.roomSid)
        id("\"jobId\":", r.ids.jobId)
        id("\"workerId\":", r.ids.workerId)
        id("\"participant\":", r.ids.participant)
        id("\"participantSid\":", r.ids.participantSid)
        if let pid = r.ids.pid {
            if !first { out.append(",") }
            out.append("\"pid\":")
            out.append(pid)
        }
        out.append("},\"fields\":")
        writeFields(r.fields, into: &out)
        out.append("}\n")
    }

    /// Writes fields; raw JSON values without secrets or control bytes are copied as they are.
    func writeFields(_ fields: Fields, into out: inout JSONBytes) {
        guard case .raw(var text, let skip, let before, let after) = fields.storage else {
            writeValue(.object(fields.members), key: nil, into: &out, depth: 0)
            return
        }
        out.append("{")
        var first = true
        func separator() {
            if !first { out.append(",") }
            first = false
        }
        for (k, v) in before {
            separator()
            out.quote(k)
            out.append(":")
            writeValue(v, key: k, into: &out, depth: 1)
        }
        text.withUTF8 { b in
            Fields.forEachMember(b, skip: skip) { key, value in
                separator()
                let rawKey = b.slice(key.lowerBound, key.upperBound)
                // The key as written is JSON already; one with escapes or raw control characters is
                // decoded and written again. Its text is built only for the secret-name test of a
                // text value (not for the numbers most fields hold).
                let decodedKey = rawKey.contains(UInt8(ascii: "\\")) || JSONBytes.holdsEscapedCharacter(rawKey) ? Fields.keyText(b, key) : nil
                // (A key that is a credential is redacted as a value is: a JWT used as a key was
                // printed whole. A LiveKit API key's string value is its secret.)
                var valueIsSecret = false
                if rawKey.count >= 16 || (rawKey.count >= 13 && rawKey.has("API", at: 0)), Redactor.mightHoldSecret(rawKey), let redacted = redactedKey(decodedKey ?? rawKey.string(0, rawKey.count)) {
                    out.quote(redacted.key)
                    out.append(":")
                    valueIsSecret = redacted.valueIsSecret
                } else if let decodedKey {
                    out.quote(decodedKey)
                    out.append(":")
                } else {
                    out.append("\"")
                    out.append(rawKey)
                    out.append("\":")
                }
                func keyText() -> String { decodedKey ?? rawKey.string(0, rawKey.count) }
                let raw = b.slice(value.lowerBound, value.upperBound)
                let c = raw[0]
                if valueIsSecret && c == UInt8(ascii: "\"") {
                    out.quote(Redactor.replacement)
                    return
                }
                let isText = c == UInt8(ascii: "\"") || c == UInt8(ascii: "{") || c == UInt8(ascii: "[")
                // Raw control characters (C0, DEL, C1, bidi, U+2028/U+2029) are never copied (the
                // scan lets them through; quoting escapes them).
                let hasControl = JSONBytes.holdsEscapedCharacter(raw)
                if !isText && !hasControl && c != UInt8(ascii: "N") && c != UInt8(ascii: "I") && !(c == UInt8(ascii: "-") && raw.byte(1) == UInt8(ascii: "I")) {
                    out.append(raw)
                } else if isText && !hasControl && !Redactor.mightHoldSecretField(raw) && !Redactor.isSecretKey(keyText()) {
                    out.append(raw)
                } else {
                    var reader = JSONReader(b, from: value.lowerBound)
                    let v = (try? reader.value()) ?? .string(raw.string(0, raw.count))
                    writeValue(v, key: keyText(), into: &out, depth: 1)
                }
            }
        }
        for (k, v) in after {
            separator()
            out.quote(k)
            out.append(":")
            writeValue(v, key: k, into: &out, depth: 1)
        }
        out.append("}")
    }

    /// A member's key redacted when it is a credential itself, else nil: one long enough to be a
    /// token (16+ bytes: a JWT used as a key), or a LiveKit API key naming its secret (`"keys":
    /// {"APIk7Qx2Lm9Pz4R": "<secret>"}`, as livekit.yaml's `keys` and `LIVEKIT_KEYS` pair them):
    /// then its string value is a secret too (a token's is not: `{"<JWT>": "room-s"}`).
    func redactedKey(_ k: String) -> (key: String, valueIsSecret: Bool)? {
        let count = k.utf8.count
        let apiKey = count >= 13 && count <= 17 && k.hasPrefix("API")
        guard count >= 16 || apiKey else { return nil }
        let redacted = redactor.redact(k)
        return redacted == k ? nil : (redacted, apiKey && redacted == Redactor.replacement)
    }

    /// Writes a JSON value with string values redacted (wholly, under secret-named keys).
    func writeValue(_ v: JSONValue, key: String?, into out: inout JSONBytes, depth: Int) {
        switch v {
        case .null: out.append("null")
        case .bool(let b): out.append(b ? "true" : "false")
        case .number(let n): out.append(string: n == "NaN" || n.hasSuffix("Infinity") ? "null" : n)
        case .string(let s):
            if let key, Redactor.isSecretKey(key), !s.isEmpty, !Redactor.isPlaceholder(s) {
                out.quote(Redactor.replacement)
            } else {
                out.quote(redactor.redact(s))
            }
        case .array(let items):
            out.append("[")
            var afterSecretFlag = false
            // A (name, value) pair whose name names a secret, as `os.environ.items()` or ASGI
            // headers are logged: `["LIVEKIT_API_SECRET", "VALUE"]`.
            var secretPair = false
            if items.count == 2, case .string(let name) = items[0], Redactor.isSecretKey(name), case .string(let s) = items[1] {
                secretPair = !Redactor.isPlaceholder(s)
            }
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(",") }
                // argv: the element after `--api-secret` is its value.
                if afterSecretFlag || (i == 1 && secretPair), case .string(let s) = item, !s.isEmpty {
                    out.quote(Redactor.replacement)
                } else {
                    writeValue(item, key: key, into: &out, depth: depth + 1)
                }
                if case .string(let s) = item { afterSecretFlag = Redactor.isSecretFlag(s) } else { afterSecretFlag = false }
            }
            out.append("]")
        case .object(let members):
            out.append("{")
            for (i, (k, value)) in members.enumerated() {
                if i > 0 { out.append(",") }
                let shownKey = redactedKey(k)
                out.quote(shownKey?.key ?? k)
                out.append(":")
                if shownKey?.valueIsSecret == true, case .string = value {
                    out.quote(Redactor.replacement)
                } else {
                    writeValue(value, key: k, into: &out, depth: depth + 1)
                }
            }
            out.append("}")
        }
    }
}
