/// The JSON keys the parsers care about, recognised from raw key bytes without allocating.
enum FieldKey {
    case message, msg, level, levelname, name, timestamp, asctime, ts, time, atTimestamp, logger, severity, caller, category
    case room, roomSid, jobId, workerId, id, participant, participantSid, pid, participantInit
    /// livekit-agents 0.8's `received job request` extra: the job protobuf as text.
    case jobRequest
    case errorText
    case ttft, ttfb, audioDuration, eouDelay
    /// Node agents' metrics, in milliseconds (`ttftMs`, `ttfbMs`, `audioDurationMs`,
    /// `endOfUtteranceDelayMs`).
    case ttftMs, ttfbMs, audioDurationMs, eouDelayMs
    case other

    init(_ k: Bytes) {
        @inline(__always) func eq(_ s: StaticString) -> Bool { k.has(s, at: 0) }
        switch k.count {
        case 2: self = eq("ts") ? .ts : eq("id") ? .id : .other
        // (`err`: pino's error key, an object `{type, message, stack}`.)
        case 3: self = eq("msg") ? .msg : eq("pid") ? .pid : eq("pID") ? .participantSid : eq("err") ? .errorText : .other
        case 4:
            self = eq("room") ? .room : eq("name") ? .name : eq("time") ? .time : eq("ttft") ? .ttft : eq("ttfb") ? .ttfb : .other
        case 5: self = eq("level") ? .level : (eq("jobID") || eq("jobId")) ? .jobId : eq("error") ? .errorText : .other
        case 6:
            self = eq("caller") ? .caller : eq("logger") ? .logger : (eq("roomID") || eq("roomId")) ? .roomSid
                : eq("reason") ? .errorText : eq("job_id") ? .jobId : eq("ttftMs") ? .ttftMs : eq("ttfbMs") ? .ttfbMs : .other
        case 7:
            self = eq("message") ? .message : eq("asctime") ? .asctime : (eq("room_id") || eq("roomSid")) ? .roomSid : .other
        case 8:
            self = eq("severity") ? .severity : eq("identity") ? .participant : (eq("workerID") || eq("workerId")) ? .workerId
                : eq("exc_info") ? .errorText : eq("roomName") ? .room : eq("room_sid") ? .roomSid : .other
        case 9: self = eq("levelname") ? .levelname : eq("timestamp") ? .timestamp : eq("room_name") ? .room : eq("worker_id") ? .workerId : .other
        case 10: self = eq("@timestamp") ? .atTimestamp : .other
        case 11: self = eq("participant") ? .participant : eq("job_request") ? .jobRequest : .other
        case 12: self = eq("errorVerbose") ? .errorText : .other
        // (`audioDuration`: Node agents before 1.0.11, in seconds.)
        case 13: self = eq("participantID") ? .participantSid : eq("audioDuration") ? .audioDuration : .other
        case 14: self = (eq("participant_id") || eq("participantSid")) ? .participantSid : eq("audio_duration") ? .audioDuration : .other
        case 15:
            self = eq("participant_sid") ? .participantSid : eq("participantInit") ? .participantInit : eq("audioDurationMs") ? .audioDurationMs
                : eq("sentry.category") ? .category : .other
        // Node agents' job context (`lk.pii.` marks personal data)
        case 16: self = eq("lk.pii.room_name") ? .room : .other
        // (`endOfUtteranceDelay`: Node agents 0.x, in milliseconds.)
        case 19: self = eq("participantIdentity") ? .participant : eq("endOfUtteranceDelay") ? .eouDelay : .other
        case 21: self = eq("endOfUtteranceDelayMs") ? .eouDelayMs : .other
        case 22: self = eq("end_of_utterance_delay") ? .eouDelay : .other
        case 20: self = eq("participant_identity") ? .participant : .other
        default: self = .other
        }
    }
}

/// Collects session ids and error texts from an object's members while it is scanned.
struct IDCollector {
    var ids = SessionIDs()
    var errorText: String?

    /// Whether the value is `"unresolved"`: the LiveKit server (v1.11.0+, `pkg/service/rtcservice.go
    /// serve` `resolveLogger(true)`) logs a join it refused before it knew the room with
    /// `"room": "unresolved", "roomID": "unresolved", "participant": "unresolved", …`: no id.
    @inline(__always) static func unresolved(_ b: Bytes, _ value: Range<Int>) -> Bool {
        value.count == 12 && placeholder(b, value.lowerBound)
    }

    @inline(never) private static func placeholder(_ b: Bytes, _ at: Int) -> Bool {
        b.has("\"unresolved\"", at: at)
    }

    /// Takes one member into `ids` (a key already set keeps its value: the first occurrence,
    /// or what the record had) or `errorText`.
    static func take(_ key: FieldKey, _ b: Bytes, _ value: Range<Int>, _ ids: inout SessionIDs, _ errorText: inout String?) {
        switch key {
        case .room:
            if ids.room == nil, !unresolved(b, value), let s = JSONLineParser.text(b, value), !s.isEmpty { ids.room = s }
        case .roomSid:
            if ids.roomSid == nil, b.has("\"RM_", at: value.lowerBound) { ids.roomSid = JSONLineParser.text(b, value) }
        case .jobId:
            if ids.jobId == nil, let s = JSONLineParser.text(b, value), !s.isEmpty { ids.jobId = s }
        case .workerId:
            if ids.workerId == nil, let s = JSONLineParser.text(b, value), !s.isEmpty { ids.workerId = s }
        case .id:
            if ids.workerId == nil, b.has("\"AW_", at: value.lowerBound) || b.has("\"CAW_", at: value.lowerBound) {
                ids.workerId = JSONLineParser.text(b, value)
            }
        case .participant:
            if ids.participant == nil, !unresolved(b, value), let s = JSONLineParser.text(b, value), !s.isEmpty { ids.participant = s }
        case .participantSid:
            if ids.participantSid == nil, b.has("\"PA_", at: value.lowerBound) { ids.participantSid = JSONLineParser.text(b, value) }
        case .pid:
            // (The last, as JSON readers take a repeated key: pino writes a child logger's
            // bindings after its parent's, so a Node worker's line about a job's process names the
            // worker's pid, then the process's, `supervised_proc.ts` `memoryLoggingFields`.)
            if let pid = b.digits(at: value.lowerBound, value.count) { ids.pid = pid }
        case .jobRequest:
            if ids.jobId == nil || ids.roomSid == nil || ids.room == nil, let text = JSONLineParser.text(b, value) {
                jobRequestIDs(text, &ids)
            }
        case .participantInit:
            if ids.participant == nil, b.byte(value.lowerBound) == UInt8(ascii: "{") {
                var reader = JSONReader(b.slice(0, value.upperBound), from: value.lowerBound)
                if let init_ = try? reader.value(), let identity = init_["Identity"]?.stringValue { ids.participant = identity }
            }
        case .errorText:
            if b.byte(value.lowerBound) == UInt8(ascii: "\""), value.count > 2, let s = JSONLineParser.text(b, value) {
                errorText = errorText.map { $0 + "\n" + s } ?? s
            } else if b.byte(value.lowerBound) == UInt8(ascii: "{"), let s = errorObjectText(b, value) {
                errorText = errorText.map { $0 + "\n" + s } ?? s
            }
        default:
            break
        }
    }

    /// The ids in livekit-agents 0.8's `received job request` extra `job_request`, the job
    /// protobuf as text (`str(msg.job)`, worker.py 0.8.x; JsonFormatter falls back to `str()`):
    /// `id: "AJ_…"` then `room {` with `sid: "RM_…"` and `name: "…"`.
    static func jobRequestIDs(_ text: String, _ ids: inout SessionIDs) {
        var text = text
        text.withUTF8 { t in
            /// The quoted value of `key: "…"` at a line's start (after indentation), from `from`.
            func quoted(_ key: StaticString, from: Int) -> String? {
                var i = from
                while i < t.count {
                    var j = i
                    while j < t.count && t[j] == 0x20 { j += 1 }
                    if t.has(key, at: j), t.byte(j + key.utf8CodeUnitCount) == UInt8(ascii: "\"") {
                        let start = j + key.utf8CodeUnitCount + 1
                        var end = start
                        while end < t.count && t[end] != UInt8(ascii: "\"") && t[end] != 0x0A { end += 1 }
                        return end > start && t.byte(end) == UInt8(ascii: "\"") ? t.string(start, end) : nil
                    }
                    guard let nl = t.index(of: 0x0A, from: j) else { return nil }
                    i = nl + 1
                }
                return nil
            }
            if ids.jobId == nil, let job = quoted("id: ", from: 0), job.hasPrefix("AJ_") { ids.jobId = job }
            guard let room = Literal("room {").find(in: t) else { return }
            if ids.roomSid == nil, let sid = quoted("sid: ", from: room), sid.hasPrefix("RM_") { ids.roomSid = sid }
            if ids.room == nil, let name = quoted("name: ", from: room) { ids.room = name }
        }
    }

    /// The text of an error serialized as an object: pino's `{"type": "APIStatusError",
    /// "message": "worker connection closed unexpectedly", "stack": …}` (Node @livekit/agents logs
    /// the worker's connection errors so, under `error` since 1.4.5 and `err` before:
    /// livekit/agents-js agents/src/worker.ts, agents/src/log.ts `stdSerializers.err`).
    static func errorObjectText(_ b: Bytes, _ value: Range<Int>) -> String? {
        var reader = JSONReader(b.slice(0, value.upperBound), from: value.lowerBound)
        guard let object = try? reader.value(), let message = object["message"]?.stringValue, !message.isEmpty else { return nil }
        if let type = object["type"]?.stringValue, !type.isEmpty { return type + ": " + message }
        return message
    }

    /// Moves the ids into the record (a copy would retain and release each id string again).
    mutating func apply(to r: inout LogRecord) {
        if let e = errorText { r.errorText = r.errorText.map { $0 + "\n" + e } ?? e }
        if r.ids.isEmpty { swap(&r.ids, &ids) } else { r.ids.fill(from: ids) }
    }
}
