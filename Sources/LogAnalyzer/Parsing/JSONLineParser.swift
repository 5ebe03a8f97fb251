import CScan

#if canImport(Glibc)
import Glibc
#endif

/// Reads one-object-per-line JSON records: livekit-agents (all generations), zap JSON, pino JSON,
/// and any other JSON object. One pass over the object's members; fields stay raw text.
enum JSONLineParser {
    /// Byte ranges of the values of the keys that make a record.
    struct RecordKeys {
        var message: Range<Int>?
        var msg: Range<Int>?
        var level: Range<Int>?
        var name: Range<Int>?
        var timestamp: Range<Int>?
        var asctime: Range<Int>?
        var ts: Range<Int>?
        var time: Range<Int>?
        var atTimestamp: Range<Int>?
        var logger: Range<Int>?
        var severity: Range<Int>?
        var hasCaller = false
        /// A `sentry.category` key (a Sentry breadcrumb's, as `JSONDocument` writes it: `console`, `fetch` …; its value is the logger).
        var hasCategory = false
        var metrics = MetricRanges()
    }

    /// The value ranges of a line's metrics extras (apart: a closure reading them copies them,
    /// not all of `RecordKeys`).
    struct MetricRanges {
        var ttft: Range<Int>?
        var ttfb: Range<Int>?
        var audioDuration: Range<Int>?
        var eouDelay: Range<Int>?
        /// Which of `ttft`, `ttfb`, `audioDuration`, the EOU delay (bits 1, 2, 4, 8) hold Node
        /// agents' milliseconds (`ttftMs`, `ttfbMs`, `audioDurationMs`, `endOfUtteranceDelayMs`;
        /// `nodeUnits`).
        var inMilliseconds: UInt8 = 0

        /// Node `@livekit/agents` before 1.0.11 (agents/src/metrics/utils.ts until livekit/agents-js
        /// 5358bb8, 2025-10-12) named its metrics without a unit, `ttft`, `ttfb` and
        /// `end_of_utterance_delay` (0.x `endOfUtteranceDelay`), and gave them in milliseconds
        /// (llm.ts, tts.ts: `hrtime` / 1e6; audio_recognition.ts: `Date.now()` differences); its
        /// `audioDuration` is in seconds. Python's same-named extras are seconds.
        mutating func nodeUnits() { inMilliseconds |= 1 | 2 | 8 }

        /// A metrics extra (`ttft`, …) read straight from the line, in seconds: a number, or a
        /// string holding one (as `JSONValue.doubleValue` reads it).
        func metric(_ b: Bytes, _ key: StaticString) -> Double? {
            let range: Range<Int>?
            let bit: UInt8
            switch key.utf8CodeUnitCount {
            case 4: (range, bit) = key.utf8Start[3] == UInt8(ascii: "t") ? (ttft, 1) : (ttfb, 2)
            case 14: (range, bit) = (audioDuration, 4)
            default: (range, bit) = (eouDelay, 8)
            }
            guard let range, let v = Self.number(b, range) else { return nil }
            return inMilliseconds & bit != 0 ? v / 1000 : v
        }

        private static func number(_ b: Bytes, _ range: Range<Int>) -> Double? {
            let c = b[range.lowerBound]
            if c == UInt8(ascii: "\"") { return JSONLineParser.text(b, range).flatMap { Double($0) } }
            guard c.isDigit || c == UInt8(ascii: "-") else { return nil }
            if let v = b.plainDecimal(at: range.lowerBound) { return v }
            return strtod(UnsafeRawPointer(b.baseAddress! + range.lowerBound).assumingMemoryBound(to: CChar.self), nil)
        }
    }

    /// Parses `b[start...]` as a JSON object record; false when it is not one.
    ///
    /// With a classifier (analysis), a line that cannot be an event becomes a lite record (time,
    /// level and ids only) and a metrics line carries its numbers; nothing else is built.
    /// `memo` remembers the event-word scans of repeated messages. `r` is a new record.
    static func parse(
        _ b: Bytes, at start: Int, clock: inout StreamClock, into r: inout LogRecord, classifier: EventClassifier?,
        memo: inout LiteralSet.Memo
    ) -> Bool {
        var keys = RecordKeys()
        var errorText: String?
        var end = 0
        // The ids go straight into the record (it is new: it has none), which is cleared again
        // when the line is not a JSON object after all.
        guard scan(b, start, &keys, &r.ids, &errorText, &end), b.trimmedEnd(b.count) == end else {
            r.ids = SessionIDs()
            return false
        }
        if let e = errorText { r.errorText = e }
        if let classifier, let messageRange = keys.message ?? keys.msg, b[messageRange.lowerBound] == UInt8(ascii: "\"") {
            let message = b.slice(messageRange.lowerBound + 1, messageRange.upperBound - 1)
            // (`msg` first: the agents' own JSON, the bulk of a log, has `message` and skips the rest.)
            if keys.msg != nil, keys.metrics.ttft != nil || keys.metrics.ttfb != nil || keys.metrics.eouDelay != nil, isPino(b, keys) {
                keys.metrics.nodeUnits()
            }
            let ranges = keys.metrics
            let metrics = EventClassifier.metrics(message, value: { ranges.metric(b, $0) })
            if metrics != nil || !classifier.mayBeEvent(message, errorText, memo: &memo) {
                classify(b, keys, clock: &clock, into: &r, materialize: false)
                r.isClassified = true
                r.event = metrics
                if metrics != nil { r.message = message.string(0, message.count) }
                return true
            }
        }
        classify(b, keys, clock: &clock, into: &r)
        r.fields = Fields(rawObject: b.slice(start, end), skip: skipMask(r.format, keys))
        return true
    }

    /// Walks the object's members once: record keys, id keys, error texts. Sets `end` after `}`.
    ///
    /// A flat object (all but a few lines of an agents log) is walked by the C scanner, which
    /// finds the members' bounds 16 bytes at a time; anything else by `walk`, whose grammar the
    /// C scanner follows exactly (ScanShortcutTests compares them).
    static func scan(
        _ b: Bytes, _ start: Int, _ keys: inout RecordKeys, _ ids: inout SessionIDs, _ errorText: inout String?, _ end: inout Int
    ) -> Bool {
        let found = withUnsafeTemporaryAllocation(of: cscan_member.self, capacity: flatCapacity) { members -> Bool in
            guard let n = flatMembers(b, start, members, &end) else { return false }
            for m in members[0..<n] {
                take(b.slice(Int(m.key_start), Int(m.key_end)), b, Int(m.value_start)..<Int(m.value_end), &keys, &ids, &errorText)
            }
            return true
        }
        if found { return true }
        return walk(b, start, &end) { key, value in take(key, b, value, &keys, &ids, &errorText) }
    }

    /// `scan`, not inlined: inlined into the dev-text extras reader it copied the record keys
    /// through memcpy for every member (+5.7 % instructions on dev text).
    @inline(never)
    static func scanOutOfLine(
        _ b: Bytes, _ start: Int, _ keys: inout RecordKeys, _ ids: inout SessionIDs, _ errorText: inout String?, _ end: inout Int
    ) -> Bool {
        scan(b, start, &keys, &ids, &errorText, &end)
    }

    /// The most members the C scanner returns (32 bytes each: a kilobyte, on the stack).
    static let flatCapacity = 32

    /// The members of a flat object by the C scanner; nil when `walk` must decide.
    @inline(__always)
    static func flatMembers(_ b: Bytes, _ start: Int, _ members: UnsafeMutableBufferPointer<cscan_member>, _ end: inout Int) -> Int? {
        guard let base = b.baseAddress, let out = members.baseAddress else { return nil }
        var e = 0
        let n = cscan_json_members(base, b.count, start, out, members.count, &e)
        guard n >= 0 else { return nil }
        end = e
        return n
    }

    /// One member: a record key, a metrics extra or an id.
    @inline(__always)
    private static func take(
        _ key: Bytes, _ b: Bytes, _ value: Range<Int>, _ keys: inout RecordKeys, _ ids: inout SessionIDs, _ errorText: inout String?
    ) {
        switch FieldKey(key) {
        case .message: keys.message = value
        case .msg: keys.msg = value
        case .level: if keys.level == nil { keys.level = value }
        case .levelname: if keys.level == nil { keys.level = value }
        case .name: keys.name = value
        case .timestamp: keys.timestamp = value
        case .asctime: keys.asctime = value
        case .ts: keys.ts = value
        case .time: keys.time = value
        case .atTimestamp: keys.atTimestamp = value
        case .logger: keys.logger = value
        case .severity: keys.severity = value
        case .caller: keys.hasCaller = true
        case .category:
            keys.hasCategory = true
            if keys.logger == nil { keys.logger = value }
        // Metrics extras: the first of a repeated key, as `Fields` reads them.
        case .ttft: if keys.metrics.ttft == nil { keys.metrics.ttft = value }
        case .ttfb: if keys.metrics.ttfb == nil { keys.metrics.ttfb = value }
        case .audioDuration: if keys.metrics.audioDuration == nil { keys.metrics.audioDuration = value }
        case .eouDelay: if keys.metrics.eouDelay == nil { keys.metrics.eouDelay = value }
        case .ttftMs:
            if keys.metrics.ttft == nil { (keys.metrics.ttft, keys.metrics.inMilliseconds) = (value, keys.metrics.inMilliseconds | 1) }
        case .ttfbMs:
            if keys.metrics.ttfb == nil { (keys.metrics.ttfb, keys.metrics.inMilliseconds) = (value, keys.metrics.inMilliseconds | 2) }
        case .audioDurationMs:
            if keys.metrics.audioDuration == nil { (keys.metrics.audioDuration, keys.metrics.inMilliseconds) = (value, keys.metrics.inMilliseconds | 4) }
        case .eouDelayMs:
            if keys.metrics.eouDelay == nil { (keys.metrics.eouDelay, keys.metrics.inMilliseconds) = (value, keys.metrics.inMilliseconds | 8) }
        case .other: break
        case let idKey: IDCollector.take(idKey, b, value, &ids, &errorText)
        }
    }

    /// The members of the object at `b[start]` (a `{`), in order, each as its key's bytes and its
    /// value's range; false when the object is malformed. Sets `end` after `}`.
    @inline(__always)
    static func walk(_ b: Bytes, _ start: Int, _ end: inout Int, _ visit: (Bytes, Range<Int>) -> Void) -> Bool {
        var r = JSONReader(b, from: start)
        guard b.byte(start) == UInt8(ascii: "{") else { return false }
        r.index += 1
        r.skipSpace()
        if b.byte(r.index) == UInt8(ascii: "}") {
            end = r.index + 1
            return true
        }
        while true {
            r.skipSpace()
            guard r.index < b.count, b[r.index] == UInt8(ascii: "\"") else { return false }
            let keyStart = r.index + 1
            guard r.skipString() else { return false }
            let keyEnd = r.index - 1
            r.skipSpace()
            guard r.index < b.count, b[r.index] == UInt8(ascii: ":") else { return false }
            r.index += 1
            r.skipSpace()
            let valueStart = r.index
            guard r.skipMemberValue() else { return false }
            visit(b.slice(keyStart, keyEnd), valueStart..<r.index)
            r.skipSpace()
            guard r.index < b.count else { return false }
            if b[r.index] == UInt8(ascii: ",") {
                r.index += 1
                continue
            }
            guard b[r.index] == UInt8(ascii: "}") else { return false }
            end = r.index + 1
            return true
        }
    }

    /// A string value (unescaped), or the text of a scalar.
    static func text(_ b: Bytes, _ range: Range<Int>?) -> String? {
        guard let range else { return nil }
        if b[range.lowerBound] == UInt8(ascii: "\"") {
            // The scan found the closing quote already: without escapes the text is the bytes between.
            let lo = range.lowerBound + 1
            let hi = range.upperBound - 1
            if hi >= lo && b[hi] == UInt8(ascii: "\"") {
                // Ids and most values: up to 15 ASCII bytes, built from two words checked at once.
                if hi - lo <= 15, let s = SmallASCII.unescapedString(b, lo, hi) { return s }
                if b.index(of: 0x5C, from: lo, to: hi) == nil { return b.string(lo, hi) }
            }
            var reader = JSONReader(b, from: range.lowerBound)
            return try? reader.string()
        }
        if b[range.lowerBound] == UInt8(ascii: "{") || b[range.lowerBound] == UInt8(ascii: "[") { return nil }
        return b.string(range.lowerBound, range.upperBound)
    }

    /// The level word (or pino number) without building a String.
    static func level(_ b: Bytes, _ range: Range<Int>?) -> LogLevel? {
        guard let range else { return nil }
        if b[range.lowerBound] == UInt8(ascii: "\"") {
            return LogLevel.parse(b.slice(range.lowerBound + 1, range.upperBound - 1))
        }
        if let n = b.digits(at: range.lowerBound, range.count) { return LogLevel.pino(n) }
        return nil
    }

    /// Whether the keys are pino's (numeric `level`, epoch-ms `time`, `msg`), not zap's.
    static func isPino(_ b: Bytes, _ k: RecordKeys) -> Bool {
        !(k.msg != nil && k.ts != nil && (k.hasCaller || k.logger != nil)) && k.msg != nil && isNumber(b, k.level) && k.time != nil
    }

    static func isNumber(_ b: Bytes, _ range: Range<Int>?) -> Bool {
        guard let range else { return false }
        let c = b[range.lowerBound]
        return c.isDigit || c == UInt8(ascii: "-")
    }

    /// Decides the format and reads the time; reads the level and builds message and logger when
    /// `materialize` (a lite record's level is never read: the session tracker reads none).
    static func classify(_ b: Bytes, _ k: RecordKeys, clock: inout StreamClock, into r: inout LogRecord, materialize: Bool = true) {
        let message: Range<Int>?
        let logger: Range<Int>?
        let levelValue: Range<Int>?
        if k.msg != nil, k.ts != nil, k.hasCaller || k.logger != nil {
            // zap production encoder
            r.format = .zapJSON
            (message, logger, levelValue) = (k.msg, k.logger, k.level)
            if let t = text(b, k.ts), let micros = TimeParsing.epoch(t, milliseconds: false) {
                r.time = clock.absolute(micros)
            } else {
                r.time = stringStamp(b, k.ts, clock: &clock)
            }
        } else if isPino(b, k) {
            // pino
            r.format = .pinoJSON
            (message, logger, levelValue) = (k.msg, k.name, k.level)
            if let t = text(b, k.time), let micros = TimeParsing.epoch(t, milliseconds: true) {
                r.time = clock.absolute(micros)
            } else {
                r.time = stringStamp(b, k.time, clock: &clock)
            }
        } else if k.hasCategory, k.name == nil, k.message != nil, k.timestamp != nil {
            // a Sentry breadcrumb (the lines `JSONDocument` makes of a saved list)
            r.format = .sentryBreadcrumb
            (message, logger, levelValue) = (k.message, k.logger, k.level)
            if let stamp = k.timestamp { r.time = resolveStamp(b, stamp, clock: &clock) }
        } else if k.message != nil, k.level != nil, k.timestamp != nil || k.asctime != nil {
            r.format = k.timestamp != nil ? .agentsJSON : .agentsJSONLegacy
            (message, logger, levelValue) = (k.message, k.name, k.level)
            if let stamp = k.timestamp ?? k.asctime { r.time = resolveStamp(b, stamp, clock: &clock) }
        } else {
            r.format = .json
            (message, logger, levelValue) = (k.msg ?? k.message, k.name ?? k.logger, k.level ?? k.severity)
            if let stamp = k.timestamp ?? k.asctime ?? k.time ?? k.atTimestamp {
                r.time = resolveStamp(b, stamp, clock: &clock)
            } else if let t = text(b, k.ts), let micros = TimeParsing.epoch(t, milliseconds: false) {
                r.time = clock.absolute(micros)
            } else {
                r.time = stringStamp(b, k.ts, clock: &clock)
            }
        }
        if materialize {
            r.level = level(b, levelValue)
            r.message = text(b, message) ?? ""
            r.logger = text(b, logger)
        }
    }

    /// Keys consumed by the record, by format.
    static func skipMask(_ format: LogFormat, _ k: RecordKeys) -> UInt16 {
        func bits(_ names: [String]) -> UInt16 { names.reduce(0) { $0 | Fields.skipBit($1) } }
        switch format {
        case .zapJSON: return zapSkip
        case .pinoJSON: return pinoSkip
        case .agentsJSON: return agentsSkip
        case .agentsJSONLegacy: return legacySkip
        case .sentryBreadcrumb: return breadcrumbSkip
        default:
            var mask = genericSkip
            if k.timestamp != nil || k.asctime != nil || k.time != nil || k.atTimestamp != nil {
                mask |= bits(["timestamp", "asctime", "time", "@timestamp"])
            } else if k.ts != nil {
                mask |= Fields.skipBit("ts")
            }
            return mask
        }
    }

    static let zapSkip: UInt16 = ["msg", "ts", "level", "logger"].reduce(0) { $0 | Fields.skipBit($1) }
    static let pinoSkip: UInt16 = ["msg", "level", "time", "name"].reduce(0) { $0 | Fields.skipBit($1) }
    static let agentsSkip: UInt16 = ["message", "level", "levelname", "name", "timestamp"].reduce(0) { $0 | Fields.skipBit($1) }
    static let legacySkip: UInt16 = ["message", "level", "levelname", "name", "asctime"].reduce(0) { $0 | Fields.skipBit($1) }
    static let breadcrumbSkip: UInt16 = ["message", "level", "sentry.category", "timestamp"].reduce(0) { $0 | Fields.skipBit($1) }
    static let genericSkip: UInt16 = ["msg", "message", "name", "logger", "level", "levelname"].reduce(0) { $0 | Fields.skipBit($1) }

    /// zap's `ts` or pino's `time` when it is no epoch number but a string stamp, as zap's
    /// `ISO8601TimeEncoder`/`RFC3339TimeEncoder` (`"ts":"2026-03-17T05:44:50.500+0530"`) and pino's
    /// `stdTimeFunctions.isoTime` (`"time":"2026-03-17T00:14:52.125Z"`) write it.
    /// (Not inlined: inlined, it kept `classify` from being inlined into `parse`, which then
    /// copied the record keys on every JSON line.)
    @inline(never)
    static func stringStamp(_ b: Bytes, _ range: Range<Int>?, clock: inout StreamClock) -> Timestamp? {
        guard let range, b[range.lowerBound] == UInt8(ascii: "\"") else { return nil }
        return resolveStamp(b, range, clock: &clock)
    }

    /// A stamp value: ISO 8601 / asctime text, or epoch seconds/milliseconds.
    static func resolveStamp(_ b: Bytes, _ range: Range<Int>, clock: inout StreamClock) -> Timestamp? {
        if b[range.lowerBound] == UInt8(ascii: "\""), let (w, _) = TimeParsing.dateTime(b, at: range.lowerBound + 1, prefix: &clock.stampPrefix) {
            return clock.resolve(w)
        }
        guard let t = text(b, range) else { return nil }
        return resolveText(t, clock: &clock)
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
        var keys = RecordKeys()
        var ids = IDCollector()
        var end = 0
        guard scan(b, brace, &keys, &ids.ids, &ids.errorText, &end) else { return false }
        r.format = .webhookEvent
        r.message = b.string(start, j)
        r.level = .info
        r.fields = Fields(rawObject: b.slice(brace, end))
        ids.apply(to: &r)
        if let stamp = r.fields["time_stamp"]?.stringValue {
            r.time = resolveText(stamp, clock: &clock)
        } else if let created = (r.fields["created_at"] ?? r.fields["createdAt"])?.stringValue,
            let micros = TimeParsing.epoch(created, milliseconds: false)
        {
            r.time = clock.absolute(micros)
        }
        return true
    }
}
