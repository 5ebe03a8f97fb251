/// Completes a parsed record: Rust SDK prefixes, session ids from fields, text and JWT claims.
enum RecordEnricher {
    /// `memo` remembers the id-marker scans of repeated messages.
    static func enrich(_ r: inout LogRecord, memo: inout LiteralSet.Memo) {
        // A metrics line of agents 1.x (message exactly `LLM metrics` …, the bulk of a log) has no
        // Rust target and no ids in its text: only its fields can hold ids.
        let plainMetrics = r.event?.isMetrics == true && r.errorText == nil
            && r.message.withUTF8 { $0.firstIndex(of: UInt8(ascii: ":")) == nil }
        if !plainMetrics { splitRustTarget(&r) }
        // Raw JSON fields had their ids taken while they were scanned; a lite record has none.
        if !r.fields.isRaw && !r.fields.hasNoMembers { idsFromFields(&r) }
        if !plainMetrics { idsFromText(&r, memo: &memo) }
        if r.ids.jobId == nil, let p = r.ids.participant, p.hasPrefix("agent-AJ_") { r.ids.jobId = String(p.dropFirst(6)) }
        if r.format == .zapConsole || r.format == .zapJSON, r.token == nil, r.message == "starting RTC session" { joinTokenExpiry(&r) }
        if r.format == .pinoJSON { requestJob(&r) }
    }

    /// Node agents' worker names the job of its lines about a job request `requestId` (worker.ts
    /// `logger.child({ requestId: req.id })`, `req.id` the job's id): a job id when it is one
    /// (`AJ_…`). Read for `error launching job` (19 bytes), the one of them that is an event
    /// (out of line: asked of every pino JSON event without a job), and for pino-pretty's field
    /// lines.
    @inline(never)
    static func requestJob(_ r: inout LogRecord) {
        if r.ids.jobId == nil, r.message.utf8.count == 19, let v = r.field("requestId") { requestJob(v, into: &r) }
    }

    static func requestJob(_ value: JSONValue, into r: inout LogRecord) {
        if r.ids.jobId == nil, let s = value.stringValue, s.hasPrefix("AJ_") { r.ids.jobId = s }
    }

    /// livekit-server v1.13.2+ logs the joining participant's token expiry in `starting RTC
    /// session` (`participantInit.TokenExpiresAt`; livekit/livekit pkg/routing/interfaces.go
    /// `AddTime`: ISO 8601 text from the console encoder, epoch seconds from the JSON one); its
    /// refreshes keep that expiry. Kept as the record's token claims (subject: the identity).
    static func joinTokenExpiry(_ r: inout LogRecord) {
        guard let initial = r.field("participantInit"), let value = initial["TokenExpiresAt"] else { return }
        var expires: Int64?
        switch value {
        case .number(let n): expires = Double(n).flatMap { $0.isFinite && abs($0) < 1e12 ? Int64($0) : nil }
        case .string(let text):
            var clock = StreamClock(zone: .utc, referenceDay: nil, referenceIsExplicit: false)
            if let t = JSONLineParser.resolveText(text, clock: &clock), t.hasDate { expires = t.micros / 1_000_000 }
        default: break
        }
        guard let expires, expires > 0 else { return }
        var claims = TokenClaims()
        claims.subject = initial["Identity"]?.stringValue ?? r.ids.participant
        claims.room = r.ids.room
        claims.expires = expires
        r.token = claims
    }

    /// Whether `enrich` would read a message of these bytes: a Rust SDK prefix to split off, or
    /// an id marker (`RM_`, `AJ_`, a JWT, `room=`, `identity=`) in it. The scan is remembered
    /// in `memo` as `idsFromText` remembers its own.
    static func readsText(_ message: Bytes, memo: inout LiteralSet.Memo) -> Bool {
        if startsWithRustTarget(message) { return true }
        return memo.scan(message, in: idMarkers) != 0
    }

    /// Whether a message starts with the target of a Rust SDK line: the SDK's own crates
    /// (`livekit…`, `libwebrtc`), and `reqwest`, whose DEBUG lines the FFI forwards too
    /// (livekit rtc 1.1.10 in `dev`: `reqwest::connect:929:reqwest::connect - starting new
    /// connection: http://…/`). The first byte decides whether to compare at all.
    static func startsWithRustTarget(_ b: Bytes) -> Bool {
        switch b.byte(0) {
        case UInt8(ascii: "l"): return b.has("livekit", at: 0) || b.has("libwebrtc", at: 0)
        case UInt8(ascii: "r"): return b.has("reqwest::", at: 0)
        default: return false
        }
    }

    /// `livekit::rtc_engine:729:livekit::rtc_engine - resuming connection... attempt: 0`
    /// → message `resuming connection... attempt: 0`, field `rust_target` (line numbers dropped).
    static func splitRustTarget(_ r: inout LogRecord) {
        // (The first byte first: `hasPrefix` costs a call and a compare on every record.)
        let first = r.message.utf8.first
        guard first == UInt8(ascii: "l") || first == UInt8(ascii: "r") else { return }
        var message = r.message
        guard message.withUTF8({ startsWithRustTarget($0) }) else { return }
        let split: (target: String, message: String)? = message.withUTF8 { b in
            var i = 0
            while i < b.count && (b[i].isAlnum || b[i] == UInt8(ascii: "_") || b[i] == UInt8(ascii: ":")) {
                // stop at `:<digits>:`
                if b[i] == UInt8(ascii: ":") && b.byte(i + 1).isDigit { break }
                i += 1
            }
            let targetEnd = i
            guard b.byte(i) == UInt8(ascii: ":"), b.byte(i + 1).isDigit else { return nil }
            i += 1
            while b.byte(i).isDigit { i += 1 }
            guard b.byte(i) == UInt8(ascii: ":") else { return nil }
            guard let dash = b.findDash(from: i), !b.slice(i, dash).contains(0x20) else { return nil }
            return (b.string(0, targetEnd), b.string(dash + 3, b.count))
        }
        guard let split else { return }
        r.fields.append(("rust_target", .string(split.target)))
        r.message = split.message
        decodeBodyBytes(&r)
    }

    static let bodyBytes = Literal("body: Some([")

    /// The Rust SDK prints a refused WebSocket's HTTP response with its body as Rust prints
    /// bytes: `failed to connect: Signal(WsError(Http(Response { status: 401, …, body: Some([105,
    /// 110, 118, …]) })))` (livekit-rtc 1.0, agents 1.3, whose SDK then asks `/rtc/rtc/validate`
    /// and logs only `HTTP error: 401 Unauthorized` elsewhere), `signal connection failed on v0
    /// path: WsError(…)` (livekit-rtc 1.1). The body is the server's reason (`invalid token: <JWT>,
    /// error: … token is expired (exp)`): its text replaces the bytes, `body: Some("…")`, quoted as
    /// JSON quotes a string (`JSONWriter.quoted`: no control character is let through). Asked of
    /// Rust SDK lines only; bytes that are not UTF-8 text stay as they are.
    static func decodeBodyBytes(_ r: inout LogRecord) {
        var message = r.message
        let decoded: String? = message.withUTF8 { b in
            guard let at = bodyBytes.find(in: b) else { return nil }
            let list = b.decimalByteList(from: at + bodyBytes.bytes.count)
            guard let end = list.spans.last?.upperBound, b.byte(end) == UInt8(ascii: "]"), b.byte(end + 1) == UInt8(ascii: ")"),
                let text = String(validating: list.values, as: UTF8.self)
            else { return nil }
            return b.string(0, at) + "body: Some(" + JSONWriter.quoted(text) + ")" + b.string(end + 2, b.count)
        }
        if let decoded { r.message = decoded }
    }

    static func idsFromFields(_ r: inout LogRecord) {
        idsFromFields(r.fields.members, into: &r)
    }

    /// The ids of `members`, fields of `r` (those of fields added one at a time, each once).
    static func idsFromFields(_ members: [(String, JSONValue)], into r: inout LogRecord) {
        for (key, value) in members {
            switch key {
            case "room", "room_name", "roomName":
                if r.ids.room == nil, let s = value.stringValue, !s.isEmpty, s != "unresolved" { r.ids.room = s }
            case "room_id", "roomID", "roomSid", "room_sid", "roomId":
                if r.ids.roomSid == nil, let s = value.stringValue, s.hasPrefix("RM_") { r.ids.roomSid = s }
            case "job_id", "jobID", "jobId":
                if r.ids.jobId == nil, let s = value.stringValue, !s.isEmpty { r.ids.jobId = s }
            case "workerID", "worker_id", "workerId":
                if r.ids.workerId == nil, let s = value.stringValue, !s.isEmpty { r.ids.workerId = s }
            case "id":
                if r.ids.workerId == nil, let s = value.stringValue, s.hasPrefix("AW_") || s.hasPrefix("CAW_") { r.ids.workerId = s }
            case "participant", "identity", "participant_identity", "participantIdentity":
                if r.ids.participant == nil, let s = value.stringValue, !s.isEmpty, s != "unresolved" { r.ids.participant = s }
            case "pID", "participantID", "participant_id", "participantSid", "participant_sid":
                if r.ids.participantSid == nil, let s = value.stringValue, s.hasPrefix("PA_") { r.ids.participantSid = s }
            case "pid":
                if r.ids.pid == nil, let s = value.stringValue, let n = Int(s) { r.ids.pid = n }
            case "participantInit":
                if r.ids.participant == nil, let s = value["Identity"]?.stringValue { r.ids.participant = s }
            default:
                break
            }
        }
        if r.ids.jobId == nil, let p = r.ids.participant, p.hasPrefix("agent-AJ_") {
            r.ids.jobId = String(p.dropFirst(6))
        }
    }

    static let roomSidMarker = Literal("RM_")
    static let jobMarker = Literal("AJ_")

    static let idMarkers = LiteralSet(["RM_", "AJ_", "eyJ", "room=", "identity="])

    /// Ids written in the text (app lines, 0.8 `job_request` protobuf text, `room=…` pairs) and
    /// JWT claims; one pass over the message and the error texts decides whether to look.
    static func idsFromText(_ r: inout LogRecord, memo: inout LiteralSet.Memo) {
        func look(_ text: String, remembered: Bool) {
            var text = text
            text.withUTF8 { b in
                let found = remembered ? memo.scan(b, in: idMarkers) : idMarkers.scan(b)
                guard found != 0 else { return }
                if found & 1 != 0, r.ids.roomSid == nil, let sid = token(after: roomSidMarker, in: b) { r.ids.roomSid = sid }
                if found & 2 != 0, r.ids.jobId == nil, let job = token(after: jobMarker, in: b) { r.ids.jobId = job }
                if found & 4 != 0, r.token == nil, let claims = JWT.firstClaims(in: b) { take(claims, into: &r) }
                if found & 8 != 0, r.ids.room == nil { r.ids.room = pairValue("room=", in: b) }
                if found & 16 != 0, r.ids.participant == nil { r.ids.participant = pairValue("identity=", in: b) }
            }
        }
        look(r.message, remembered: true)
        if let e = r.errorText { look(e, remembered: false) }
    }

    /// The claims of a JWT that only a record's continuation lines hold (a token Rich folded
    /// onto lines of its own, a 401 body in a traceback's last line), with the room and
    /// participant they name; the other ids of those lines stay unread (a traceback's text is
    /// not the record's extras).
    static func claimsFromJoinedText(_ r: inout LogRecord) {
        guard r.token == nil else { return }
        for text in [r.message, r.errorText ?? ""] {
            var text = text
            if let claims = text.withUTF8({ JWT.firstClaims(in: $0) }) {
                take(claims, into: &r)
                return
            }
        }
    }

    /// A JWT's claims into the record, with the room and participant (and an agent's job, its
    /// identity `agent-AJ_…`) they name where the record has none.
    static func take(_ claims: TokenClaims, into r: inout LogRecord) {
        r.token = claims
        if r.ids.room == nil { r.ids.room = claims.room }
        if r.ids.participant == nil { r.ids.participant = claims.subject }
        if r.ids.jobId == nil, let sub = claims.subject, sub.hasPrefix("agent-AJ_") { r.ids.jobId = String(sub.dropFirst(6)) }
    }

    /// The value of `key=value` in free text.
    ///
    /// The value ends at a space, a quote, a comma or a closing bracket, and in a URL's query
    /// (`?room=room-abc&identity=user-1`, the key after `?` or `&`) at the next `&` or `#`,
    /// where `%XX` and `+` are decoded as a server decodes them; a value followed by `&name=`
    /// is a query's too.
    static func pairValue(_ key: String, in b: Bytes) -> String? {
        guard let at = Literal(key).find(in: b) else { return nil }
        if at > 0 && (b[at - 1].isAlnum || b[at - 1] == UInt8(ascii: "_")) { return nil }
        var inQuery = at > 0 && (b[at - 1] == UInt8(ascii: "?") || b[at - 1] == UInt8(ascii: "&"))
        let start = at + key.utf8.count
        var j = start
        scan: while j < b.count {
            switch b[j] {
            case 0x20, 0x09, UInt8(ascii: ","), UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"), UInt8(ascii: ">"):
                break scan
            case UInt8(ascii: "&") where inQuery, UInt8(ascii: "#") where inQuery:
                break scan
            case UInt8(ascii: "&") where isQueryKey(b, j + 1):
                // A query string without its `?`: uvicorn's ASGI scope at `--log-level trace`,
                // `'query_string': b'room=voice-room-7f3k2&identity=user-42b7'`.
                inQuery = true
                break scan
            default:
                j += 1
            }
        }
        guard j > start else { return nil }
        return inQuery ? queryDecoded(b.slice(start, j)) : b.string(start, j)
    }

    /// `name=` at `i` (letters, digits, `_`, `-`, `.`): the next pair of a query string.
    private static func isQueryKey(_ b: Bytes, _ i: Int) -> Bool {
        var k = i
        while k < b.count, b[k].isAlnum || b[k] == UInt8(ascii: "_") || b[k] == UInt8(ascii: "-") || b[k] == UInt8(ascii: ".") { k += 1 }
        return k > i && b.byte(k) == UInt8(ascii: "=")
    }

    /// A query value with `%XX` and `+` decoded (a `%` without two hex digits stays as it is;
    /// bytes that do not make UTF-8 are replaced; a value that would decode to a control
    /// character is kept as written).
    static func queryDecoded(_ b: Bytes) -> String? {
        guard b.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) else { return b.string(0, b.count) }
        func hex(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "%"), i + 2 < b.count, let h = hex(b[i + 1]), let l = hex(b[i + 2]) {
                // (A control character is not decoded: ids are printed.)
                let byte = h << 4 | l
                guard byte >= 0x20 && byte != 0x7F else { return b.string(0, b.count) }
                out.append(byte)
                i += 3
            } else {
                out.append(c == UInt8(ascii: "+") ? 0x20 : c)
                i += 1
            }
        }
        let s = String(decoding: out, as: UTF8.self)
        return s.isEmpty ? nil : s
    }

    /// `RM_` + 12 base62 characters, at a word boundary.
    static func token(after marker: Literal, in b: Bytes) -> String? {
        var from = 0
        while let at = marker.find(in: b, from: from) {
            from = at + 3
            if at > 0 && (b[at - 1].isAlnum || b[at - 1] == UInt8(ascii: "_")) { continue }
            var j = at + 3
            while j < b.count && b[j].isAlnum { j += 1 }
            if j - (at + 3) >= 8 && j - (at + 3) <= 24 { return b.string(at, j) }
        }
        return nil
    }
}
