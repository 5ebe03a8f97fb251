/// Reads one-object-per-line JSON records: livekit-agents (all generations), zap JSON, pino JSON,
/// and any other JSON object.
enum JSONLineParser {
    /// Parses `b[start...]` as a JSON object record; nil when it is not one.
    static func parse(_ b: Bytes, at start: Int, clock: inout StreamClock, into r: inout LogRecord) -> Bool {
        var reader = JSONReader(b, from: start)
        guard case .object(let members)? = try? reader.value() else { return false }
        reader.skipSpace()
        guard reader.index == b.trimmedEnd(b.count) || reader.index == b.count else { return false }
        classify(members, clock: &clock, into: &r)
        return true
    }

    static func classify(_ members: [(String, JSONValue)], clock: inout StreamClock, into r: inout LogRecord) {
        var message: String?
        var msg: String?
        var levelValue: JSONValue?
        var name: String?
        var timestamp: String?
        var asctime: String?
        var ts: JSONValue?
        var time: JSONValue?
        var caller: Bool = false
        var logger: String?
        for (k, v) in members {
            switch k {
            case "message": message = v.stringValue
            case "msg": msg = v.stringValue
            case "level", "levelname": if levelValue == nil { levelValue = v }
            case "name": name = v.stringValue
            case "timestamp": timestamp = v.stringValue
            case "asctime": asctime = v.stringValue
            case "ts": ts = v
            case "time": time = v
            case "caller": caller = true
            case "logger": logger = v.stringValue
            default: break
            }
        }
        var consumed: Set<String> = []
        if let msg, ts != nil, caller || logger != nil {
            // zap production encoder
            r.format = .zapJSON
            r.message = msg
            r.logger = logger
            r.level = levelValue?.stringValue.flatMap(LogLevel.parse)
            if let t = ts?.stringValue, let micros = TimeParsing.epoch(t, milliseconds: false) {
                r.time = clock.absolute(micros)
            }
            consumed = ["msg", "ts", "level", "logger"]
        } else if let msg, case .number(let lv)? = levelValue, let t = time?.stringValue {
            // pino
            r.format = .pinoJSON
            r.message = msg
            r.level = Int(lv).map(LogLevel.pino)
            r.logger = name
            if let micros = TimeParsing.epoch(t, milliseconds: true) { r.time = clock.absolute(micros) }
            consumed = ["msg", "level", "time", "name"]
        } else if let message, levelValue != nil, timestamp != nil || asctime != nil {
            r.format = timestamp != nil ? .agentsJSON : .agentsJSONLegacy
            r.message = message
            r.logger = name
            r.level = levelValue?.stringValue.flatMap(LogLevel.parse)
            if let stamp = timestamp ?? asctime { r.time = resolveText(stamp, clock: &clock) }
            consumed = ["message", "level", "levelname", "name", timestamp != nil ? "timestamp" : "asctime"]
        } else {
            r.format = .json
            r.message = msg ?? message ?? ""
            r.logger = name ?? logger
            let lv = levelValue ?? members.first { $0.0 == "severity" }?.1
            if case .number(let n)? = lv, let value = Int(n) {
                r.level = LogLevel.pino(value)
            } else {
                r.level = lv?.stringValue.flatMap(LogLevel.parse)
            }
            consumed = ["msg", "message", "name", "logger", "level", "levelname"]
            if let t = timestamp ?? asctime ?? time?.stringValue ?? members.first(where: { $0.0 == "@timestamp" })?.1.stringValue {
                r.time = resolveText(t, clock: &clock)
                consumed.formUnion(["timestamp", "asctime", "time", "@timestamp"])
            } else if let t = ts?.stringValue, let micros = TimeParsing.epoch(t, milliseconds: false) {
                r.time = clock.absolute(micros)
                consumed.insert("ts")
            }
        }
        r.fields = members.filter { !consumed.contains($0.0) }
    }

    /// A stamp given as text: ISO 8601 / asctime, or epoch seconds/milliseconds.
    static func resolveText(_ text: String, clock: inout StreamClock) -> Timestamp? {
        var text = text
        return text.withUTF8 { b -> Timestamp? in
            if let (w, _) = TimeParsing.dateTime(b, at: 0) { return clock.resolve(w) }
            if let (tod, _) = TimeParsing.timeOfDay(b, at: 0) {
                return clock.resolve(WrittenTime(day: nil, microsOfDay: tod, offsetSeconds: nil))
            }
            let s = String(decoding: b, as: UTF8.self)
            if b.count >= 12 && b.allSatisfy(\.isDigit), let micros = TimeParsing.epoch(s, milliseconds: true) {
                return clock.absolute(micros)
            }
            if let micros = TimeParsing.epoch(s, milliseconds: false), b.count >= 9 { return clock.absolute(micros) }
            return nil
        }
    }

    /// LiveKit webhook events copied as text: `PARTICIPANT_LEFT\t{json}`.
    static func parseWebhook(_ b: Bytes, at start: Int, clock: inout StreamClock, into r: inout LogRecord) -> Bool {
        var j = start
        while j < b.count && (b[j].isUpper || b[j] == UInt8(ascii: "_")) { j += 1 }
        guard j - start >= 4, b.byte(j) == 0x09 || b.byte(j) == 0x20 else { return false }
        let brace = b.skipSpaces(j)
        guard b.byte(brace) == UInt8(ascii: "{") else { return false }
        var reader = JSONReader(b, from: brace)
        guard case .object(let members)? = try? reader.value() else { return false }
        r.format = .webhookEvent
        r.message = b.string(start, j)
        r.level = .info
        r.fields = members
        if let stamp = members.first(where: { $0.0 == "time_stamp" })?.1.stringValue {
            r.time = resolveText(stamp, clock: &clock)
        } else if let created = members.first(where: { $0.0 == "created_at" || $0.0 == "createdAt" })?.1.stringValue,
            let micros = TimeParsing.epoch(created, milliseconds: false)
        {
            r.time = clock.absolute(micros)
        }
        return true
    }
}
