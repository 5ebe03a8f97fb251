/// Reads the text layouts: livekit-agents dev/Rich/compact, Python logging, zap console, browser
/// console, pino-pretty, uvicorn and time-of-day application lines.
enum TextLineParser {
    /// For analysis: a record that cannot be an event keeps no extras (see `messageWithExtras`).
    final class EventGate {
        let classifier: EventClassifier
        private var memo: LiteralSet.Memo
        /// The message of the last record parsed with `isMessageDeferred`: its bytes (no String
        /// is built for a message nothing may read).
        private let buffer = ScratchBytes(capacity: 256)
        private var count = 0

        /// `memo`: `.borrowed` when the parser borrows its memos (`StreamParser.Memos`).
        init(_ classifier: EventClassifier, memo: LiteralSet.Memo = LiteralSet.Memo()) {
            self.classifier = classifier
            self.memo = memo
        }

        func swapMemo(_ other: inout LiteralSet.Memo) { swap(&memo, &other) }
        var memoBytes: Int { memo.tableBytes }

        func mayBeEvent(_ message: Bytes, _ errorText: String?) -> Bool {
            classifier.mayBeEvent(message, errorText, memo: &memo)
        }

        /// The deferred message's bytes (valid until the next `keepDeferred`).
        var deferred: Bytes { UnsafeBufferPointer(start: buffer.base, count: count) }

        /// Keeps `message` as the deferred message (until the next line is parsed).
        func keepDeferred(_ message: Bytes) {
            buffer.reserve(message.count)
            if let base = message.baseAddress { buffer.base.update(from: base, count: message.count) }
            count = message.count
        }

        /// Gives a record whose message was deferred (the last record parsed) its message.
        func materialize(_ r: inout LogRecord) {
            guard r.isMessageDeferred else { return }
            r.isMessageDeferred = false
            r.message = deferred.string(0, count)
        }
    }

    static func parse(
        _ b: Bytes, at s: Int, clock: inout StreamClock, lastRichTime: Timestamp?, into r: inout LogRecord, gate: EventGate? = nil
    ) -> Bool {
        guard s < b.count else { return false }
        let c = b[s]
        if c.isDigit {
            if b.byte(s + 4) == UInt8(ascii: "-") { return dated(b, s, &clock, &r, gate) }
            if b.byte(s + 2) == UInt8(ascii: ":") { return timeOfDayLine(b, s, &clock, &r, gate) }
            return accessLine(b, s, &clock, &r)
        }
        if c == UInt8(ascii: "[") {
            return bracketed(b, s, &clock, &r)
        }
        if c.isSpaceOrTab {
            return rich(b, s, time: nil, lastRichTime: lastRichTime, &clock, &r, gate)
        }
        if c.isUpper {
            if levelColon(b, s, &r) { return true }
            if browserError(b, s, &r) { return true }
        }
        if c.isAlnum, browserSourceRef(b, s) != nil {
            return browser(b, s, &r)
        }
        if c.isAlnum, let location = trailingFirefoxLocation(b, s) {
            return browser(b, s, &r, location: location)
        }
        return false
    }

    // MARK: dated lines: zap console, agents dev text, Python asctime

    private static func dated(_ b: Bytes, _ s: Int, _ clock: inout StreamClock, _ r: inout LogRecord, _ gate: EventGate?) -> Bool {
        guard let (w, end) = TimeParsing.dateTime(b, at: s, prefix: &clock.stampPrefix) else { return false }
        if b.has(" - ", at: end) {
            return asctime(b, from: end + 3, w, &clock, &r, gate)
        }
        if b.byte(end).isSpaceOrTab, zapConsole(b, from: end, &r, gate) {
            r.time = clock.resolve(w)
            return true
        }
        if b.byte(end) == 0x20, asctimeLevelName(b, from: end + 1, &r) {
            r.time = clock.resolve(w)
            return true
        }
        // A dated line in no known layout: keep its time.
        r.format = .plain
        r.time = clock.resolve(w)
        r.message = b.string(b.skipSpaces(end), b.trimmedEnd(b.count))
        return true
    }

    /// `asctime - LEVEL logger - msg {extras}` (agents), `asctime - LEVEL - msg`, `asctime - name - LEVEL - msg`.
    private static func asctime(
        _ b: Bytes, from i: Int, _ w: WrittenTime, _ clock: inout StreamClock, _ r: inout LogRecord, _ gate: EventGate?
    ) -> Bool {
        let tokenEnd = b.skipToken(i)
        if let level = LogLevel.parse(b.slice(i, tokenEnd)) {
            if b.has(" - ", at: tokenEnd) {
                r.format = .pythonAsctime
                r.level = level
                r.message = b.string(tokenEnd + 3, b.trimmedEnd(b.count))
            } else {
                let loggerStart = b.skipSpaces(tokenEnd)
                guard loggerStart > tokenEnd, let dash = b.findDash(from: loggerStart) else { return false }
                r.format = .agentsText
                r.level = level
                r.logger = b.string(loggerStart, dash)
                messageWithExtras(b, dash + 3, b.count, &r, gate)
            }
        } else if let dash = b.findDash(from: i) {
            let levelStart = dash + 3
            let levelEnd = b.skipToken(levelStart)
            guard let level = LogLevel.parse(b.slice(levelStart, levelEnd)), b.has(" - ", at: levelEnd) else { return false }
            r.format = .pythonAsctime
            r.logger = b.string(i, dash)
            r.level = level
            r.message = b.string(levelEnd + 3, b.trimmedEnd(b.count))
        } else {
            return false
        }
        r.time = clock.resolve(w)
        return true
    }

    /// `asctime LEVEL name: msg` (`%(asctime)s %(levelname)s %(name)s: %(message)s`, the layout
    /// of many apps' `basicConfig`: `2026-11-27 01:51:55,994 INFO app.tokens: Session created`),
    /// and `asctime LEVEL msg` without the name. (Tried after zap's, whose caller it lacks.)
    private static func asctimeLevelName(_ b: Bytes, from i: Int, _ r: inout LogRecord) -> Bool {
        let levelEnd = b.skipToken(i)
        guard b.byte(levelEnd) == 0x20, let level = LogLevel.parse(b.slice(i, levelEnd)) else { return false }
        var msgStart = levelEnd + 1
        let nameEnd = b.skipToken(msgStart)
        if nameEnd > msgStart + 1, b[nameEnd - 1] == UInt8(ascii: ":") {
            r.logger = b.string(msgStart, nameEnd - 1)
            msgStart = nameEnd
        }
        r.format = .pythonAsctime
        r.level = level
        r.message = b.string(b.skipSpaces(msgStart), b.trimmedEnd(b.count))
        accessFields(b, b.skipSpaces(msgStart), &r)
        return true
    }

    /// zap console after the time: `LEVEL logger caller.go:N msg {context}`, tabs or spaces.
    private static func zapConsole(_ b: Bytes, from i: Int, _ r: inout LogRecord, _ gate: EventGate?) -> Bool {
        let levelStart = b.skipSpaces(i)
        let levelEnd = b.skipToken(levelStart)
        guard let level = LogLevel.parse(b.slice(levelStart, levelEnd)) else { return false }
        let tabbed = b.byte(levelEnd) == 0x09
        var next = b.skipSpaces(levelEnd)
        var logger: String?
        if !Wrapper.isCaller(b, next) {
            let loggerEnd = tabbed ? (b.index(of: 0x09, from: next) ?? b.count) : b.skipToken(next)
            logger = b.string(next, loggerEnd)
            next = b.skipSpaces(loggerEnd)
        }
        guard Wrapper.isCaller(b, next) else { return false }
        let callerEnd = b.skipToken(next)
        let caller = b.string(next, callerEnd)
        let msgStart = b.skipSpaces(callerEnd)
        r.format = .zapConsole
        r.level = level
        r.logger = logger
        if tabbed, let tab = b.index(of: 0x09, from: msgStart) {
            r.message = b.string(msgStart, b.trimmedEnd(tab))
            let ctxStart = b.skipSpaces(tab)
            if rawExtras(b, ctxStart, b.trimmedEnd(b.count), &r) == nil {
                r.message = b.string(msgStart, b.trimmedEnd(b.count))
            }
        } else {
            messageWithExtras(b, msgStart, b.count, &r, gate)
        }
        r.fields.prepend(("caller", .string(caller)))
        return true
    }

    // MARK: time of day first: app lines, browser with timestamps, Rich, compact

    private static func timeOfDayLine(_ b: Bytes, _ s: Int, _ clock: inout StreamClock, _ r: inout LogRecord, _ gate: EventGate?) -> Bool {
        guard let (tod, end) = TimeParsing.timeOfDay(b, at: s) else { return false }
        let written = WrittenTime(day: nil, microsOfDay: tod, offsetSeconds: nil)
        if b.has(" - ", at: end) {
            r.format = .appTime
            r.message = b.string(end + 3, b.trimmedEnd(b.count))
            r.time = clock.resolve(written)
            return true
        }
        guard b.byte(end) == 0x20 else { return false }
        let next = b.skipSpaces(end)
        if browserSourceRef(b, next) != nil || isBrowserErrorStart(b, next) {
            guard browser(b, next, &r) else { return false }
            r.time = clock.resolve(written)
            return true
        }
        let levelEnd = b.skipToken(next)
        if LogLevel.parse(b.slice(next, levelEnd)) != nil {
            let hasFraction = end - s > 8
            let time = clock.resolve(written)
            guard rich(b, next, time: time, lastRichTime: nil, &clock, &r, gate) else { return false }
            r.format = hasFraction ? .agentsRich : .agentsCompact
            return true
        }
        if let location = trailingFirefoxLocation(b, next) {
            guard browser(b, next, &r, location: location) else { return false }
            r.time = clock.resolve(written)
            return true
        }
        r.format = .appTime
        r.message = b.string(next, b.trimmedEnd(b.count))
        r.time = clock.resolve(written)
        return true
    }

    /// A level name Rich cut to its column with an ellipsis (`WARNI…`, `DEBUG…`, `CRITI…`).
    static func richCutLevel(_ word: Bytes) -> LogLevel? {
        guard word.count >= 6, word.has("\u{2026}", at: word.count - 3) else { return nil }
        let head = word.slice(0, word.count - 3)
        for (name, level) in [("WARNING", LogLevel.warning), ("CRITICAL", .critical), ("DEBUG", .debug), ("ERROR", .error), ("TRACE", .trace)]
        where head.count >= 3 && head.count <= name.utf8.count && name.utf8.starts(with: head) {
            return level
        }
        return nil
    }

    /// Rich columns after the (optional) time: `LEVEL   logger-name   message {extras}`.
    private static func rich(
        _ b: Bytes, _ i: Int, time: Timestamp?, lastRichTime: Timestamp?, _ clock: inout StreamClock, _ r: inout LogRecord,
        _ gate: EventGate?
    ) -> Bool {
        var levelStart = b.skipSpaces(i)
        var ownTime = time
        if ownTime == nil, b.byte(levelStart).isDigit, let (tod, end) = TimeParsing.timeOfDay(b, at: levelStart), b.byte(end) == 0x20 {
            ownTime = clock.resolve(WrittenTime(day: nil, microsOfDay: tod, offsetSeconds: nil))
            levelStart = b.skipSpaces(end)
        }
        let levelEnd = b.skipToken(levelStart)
        guard let level = LogLevel.parse(b.slice(levelStart, levelEnd)) ?? richCutLevel(b.slice(levelStart, levelEnd)), b.byte(levelEnd) == 0x20
        else { return false }
        var loggerStart = b.skipSpaces(levelEnd)
        // 1.3's level column is 6 wide: `INFO …` (the padded name cut with an ellipsis).
        if b.has("\u{2026} ", at: loggerStart) { loggerStart = b.skipSpaces(loggerStart + 3) }
        let loggerEnd = b.skipToken(loggerStart)
        guard loggerEnd > loggerStart, loggerEnd < b.count else { return false }
        r.format = .agentsRich
        r.level = level
        r.logger = b.string(loggerStart, loggerEnd)
        r.time = ownTime ?? lastRichTime
        messageWithExtras(b, b.skipSpaces(loggerEnd), b.count, &r, gate)
        return true
    }

    // MARK: bracketed: `[LEVEL] msg`, pino-pretty `[HH:MM:SS.mmm] LEVEL (pid): msg`

    private static func bracketed(_ b: Bytes, _ s: Int, _ clock: inout StreamClock, _ r: inout LogRecord) -> Bool {
        guard let close = b.index(of: UInt8(ascii: "]"), from: s + 1), close - s < 48 else { return false }
        let inner = b.slice(s + 1, close)
        if inner.first?.isUpper == true, inner.count <= 7, safari(b, s, close, &r) { return true }
        if let level = LogLevel.parse(inner) {
            r.format = .pythonBracket
            r.level = level
            r.message = b.string(b.skipSpaces(close + 1), b.trimmedEnd(b.count))
            return true
        }
        var time: Timestamp?
        if let (tod, end) = TimeParsing.timeOfDay(b, at: s + 1), end <= close {
            time = clock.resolve(WrittenTime(day: nil, microsOfDay: tod, offsetSeconds: nil))
        } else if let (w, end) = TimeParsing.dateTime(b, at: s + 1), end <= close {
            var w = w
            let z = b.skipSpaces(end)
            if w.offsetSeconds == nil, let (zoned, _) = TimeParsing.dateTime(b.slice(0, close), at: s + 1) { w = zoned }
            if w.offsetSeconds == nil, b.byte(z) == UInt8(ascii: "+") || b.byte(z) == UInt8(ascii: "-"),
                let hh = b.digits(at: z + 1, 2), let mm = b.digits(at: z + 3, 2)
            {
                w.offsetSeconds = (b.byte(z) == UInt8(ascii: "-") ? -1 : 1) * (hh * 3600 + mm * 60)
            }
            time = clock.resolve(w)
        } else {
            return false
        }
        let levelStart = b.skipSpaces(close + 1)
        // DevTools with "Show timestamps": `[00:51:46.190] livekit-client.esm.mjs:15640 signal connected {…}`
        if browserSourceRef(b, levelStart) != nil || isBrowserErrorStart(b, levelStart) {
            guard browser(b, levelStart, &r) else { return false }
            r.time = time
            return true
        }
        if b.byte(levelStart) == UInt8(ascii: "["), gunicorn(b, levelStart, &r) {
            r.time = time
            return true
        }
        let levelEnd = b.skipToken(levelStart)
        guard let level = LogLevel.parse(b.slice(levelStart, levelEnd)) else { return false }
        if b.has(" in ", at: levelEnd), flask(b, levelEnd + 4, &r) {
            r.level = level
            r.time = time
            return true
        }
        var msgStart = b.skipSpaces(levelEnd)
        if b.byte(msgStart) == UInt8(ascii: "("), let paren = b.index(of: UInt8(ascii: ")"), from: msgStart) {
            // `(45416)` or `(name/45416)`
            let inside = b.slice(msgStart + 1, paren)
            let slash = inside.lastIndex(of: UInt8(ascii: "/")).map { $0 + 1 } ?? 0
            r.ids.pid = inside.digits(at: slash, inside.count - slash)
            if slash > 0 { r.logger = inside.string(0, slash - 1) }
            msgStart = paren + 1
        }
        if b.byte(msgStart) == UInt8(ascii: ":") { msgStart += 1 }
        r.format = .pinoPretty
        r.level = level
        r.time = time
        r.message = b.string(b.skipSpaces(msgStart), b.trimmedEnd(b.count))
        return true
    }

    /// gunicorn's error log after its time: `[1234] [INFO] Booting worker with pid: 1234`
    /// (gunicorn/glogging.py: `%(asctime)s [%(process)d] [%(levelname)s] %(message)s`, datefmt
    /// `[%Y-%m-%d %H:%M:%S %z]`; a UvicornWorker's uvicorn lines go through it too). The pid is
    /// a field, not an id: a worker process serves every session's requests.
    private static func gunicorn(_ b: Bytes, _ i: Int, _ r: inout LogRecord) -> Bool {
        var pidEnd = i + 1
        while b.byte(pidEnd).isDigit { pidEnd += 1 }
        guard pidEnd > i + 1, b.has("] [", at: pidEnd), let close = b.index(of: UInt8(ascii: "]"), from: pidEnd + 3),
            let level = LogLevel.parse(b.slice(pidEnd + 3, close))
        else { return false }
        r.format = .gunicorn
        r.level = level
        r.message = b.string(b.skipSpaces(close + 1), b.trimmedEnd(b.count))
        r.fields = Fields([("process", .number(b.string(i + 1, pidEnd)))])
        return true
    }

    /// Flask's default handler after its time and level: `in app: Exception on /boom [GET]`
    /// (flask/logging.py `default_handler`: `[%(asctime)s] %(levelname)s in %(module)s: %(message)s`).
    private static func flask(_ b: Bytes, _ i: Int, _ r: inout LogRecord) -> Bool {
        let moduleEnd = b.skipToken(i)
        guard moduleEnd > i + 1, b[moduleEnd - 1] == UInt8(ascii: ":") else { return false }
        r.format = .pythonAsctime
        r.logger = b.string(i, moduleEnd - 1)
        r.message = b.string(b.skipSpaces(moduleEnd), b.trimmedEnd(b.count))
        return true
    }

    /// Safari Web Inspector's copied console message: `[Info] signal connected – {room: "…",
    /// roomID: "RM_…", …} (livekit-client.esm.mjs, line 18392)` (WebKit ConsoleMessageView
    /// `toClipboardString`: the level in brackets, the arguments after the message behind an en
    /// dash, the caller's file and line; an error has its stack on tab-indented lines instead).
    /// loglevel logs livekit-client's debug lines with `console.log`: `[Log]`.
    private static func safari(_ b: Bytes, _ s: Int, _ close: Int, _ r: inout LogRecord) -> Bool {
        let word = b.slice(s + 1, close)
        guard b.byte(close + 1) == 0x20,
            let level = [("Log", LogLevel.debug), ("Info", .info), ("Warning", .warning), ("Debug", .debug), ("Error", .error)]
                .first(where: { word.elementsEqual($0.0.utf8) })?.1
        else { return false }
        let msgStart = close + 2
        var end = b.trimmedEnd(b.count)
        var source: String?
        // ` (livekit-client.esm.mjs, line 18392)`, or `…, line 18392, x3)` for a repeated one.
        if end > msgStart + 2, b[end - 1] == UInt8(ascii: ")"), let open = b.slice(0, end).lastIndex(of: UInt8(ascii: "(")), open > msgStart,
            b[open - 1] == 0x20, let comma = b.slice(0, end).firstRange(of: ", line ".utf8)?.lowerBound, comma > open + 1
        {
            var n = comma + 7
            while b.byte(n).isDigit { n += 1 }
            if n > comma + 7, b[n] == UInt8(ascii: ")") || b.has(", x", at: n) {
                source = b.string(open + 1, comma) + ":" + b.string(comma + 7, n)
                end = b.trimmedEnd(open)
            }
        }
        var fields: [(String, JSONValue)] = []
        var messageEnd = end
        if end > msgStart, b[end - 1] == UInt8(ascii: "}"), let (open, members) = BrowserContext.trailingObject(b, msgStart, end) {
            messageEnd = b.trimmedEnd(open)
            if messageEnd - msgStart > 4, b.has(" \u{2013}", at: messageEnd - 4) { messageEnd = b.trimmedEnd(messageEnd - 4) }
            fields = members
        }
        guard source != nil || !fields.isEmpty else { return false }
        r.format = .browserConsole
        r.logger = "livekit-client"
        r.level = level
        if let source { r.fields.append(("source", .string(source))) }
        r.fields.append(contentsOf: fields)
        r.message = b.string(msgStart, messageEnd)
        return true
    }

    // MARK: `LEVEL:` prefixes: uvicorn and Python's default basicConfig

    private static func levelColon(_ b: Bytes, _ s: Int, _ r: inout LogRecord) -> Bool {
        guard let colon = b.index(of: UInt8(ascii: ":"), from: s), colon - s <= 8,
            b.slice(s, colon).allSatisfy(\.isUpper), let level = LogLevel.parse(b.slice(s, colon))
        else { return false }
        if b.byte(colon + 1) == 0x20 {
            // uvicorn: `INFO:     127.0.0.1:54321 - "POST /api/token HTTP/1.1" 200 OK`
            r.format = .uvicorn
            r.level = level
            let msgStart = b.skipSpaces(colon + 1)
            r.message = b.string(msgStart, b.trimmedEnd(b.count))
            uvicornAccess(b, msgStart, &r)
            return true
        }
        guard let second = b.index(of: UInt8(ascii: ":"), from: colon + 1), second > colon + 1 else { return false }
        let name = b.slice(colon + 1, second)
        guard !name.contains(0x20) else { return false }
        r.format = .pythonBasic
        r.level = level
        r.logger = name.string(0, name.count)
        r.message = b.string(second + 1, b.trimmedEnd(b.count))
        return true
    }

    /// An HTTP access line that starts with the client's address:
    /// - uvicorn's access message without uvicorn's level prefix, as a gunicorn UvicornWorker
    ///   writes it to gunicorn's access log: `127.0.0.1:58740 - "POST /api/token HTTP/1.1" 200`
    ///   (uvicorn/protocols/http/h11_impl.py `'%s - "%s %s HTTP/%s" %d'`);
    /// - Common Log Format: gunicorn's access log (`127.0.0.1 - - [27/Nov/2026:02:02:12 +0000]
    ///   "GET /getToken?… HTTP/1.1" 200 321 "-" "curl/7.88.1"`, gunicorn/config.py
    ///   `access_log_format`) and werkzeug's (`127.0.0.1 - - [27/Nov/2026 02:02:11] "GET / HTTP/1.1"
    ///   404 -`, werkzeug/serving.py `log`, local time without zone).
    private static func accessLine(_ b: Bytes, _ s: Int, _ clock: inout StreamClock, _ r: inout LogRecord) -> Bool {
        let hostEnd = b.skipToken(s)
        if b.has(" - \"", at: hostEnd) {
            uvicornAccess(b, s, &r)
            guard !r.fields.isEmpty else { return false }
            r.format = .uvicorn
            r.message = b.string(s, b.trimmedEnd(b.count))
            return true
        }
        guard let (w, fields) = commonLogRequest(b, s, hostEnd) else { return false }
        r.format = .accessLog
        r.time = clock.resolve(w)
        r.message = b.string(s, b.trimmedEnd(b.count))
        r.fields = fields
        return true
    }

    /// A Common Log Format line's time and request fields (client_addr, method, path, status_code).
    private static func commonLogRequest(_ b: Bytes, _ s: Int, _ hostEnd: Int) -> (WrittenTime, Fields)? {
        guard b.has(" - ", at: hostEnd), let open = b.index(of: UInt8(ascii: "["), from: hostEnd + 3, to: Swift.min(b.count, hostEnd + 64)),
            let (w, end) = TimeParsing.commonLogTime(b, at: open + 1), b.has("] \"", at: end),
            let quote = b.index(of: UInt8(ascii: "\""), from: end + 3), b.byte(quote + 1) == 0x20, let status = b.digits(at: quote + 2, 3)
        else { return nil }
        let parts = b.slice(end + 3, quote).split(separator: 0x20)
        guard parts.count >= 2 else { return nil }
        return (w, Fields([
            ("client_addr", .string(b.string(s, hostEnd))),
            ("method", .string(String(decoding: parts[0], as: UTF8.self))),
            ("path", .string(String(decoding: parts[1], as: UTF8.self))),
            ("status_code", .number(String(status))),
        ]))
    }

    /// The request fields of an access line that a Python logger wrote as its message: werkzeug's
    /// through the app's `basicConfig` (`… INFO werkzeug: 127.0.0.1 - - [27/Nov/2026 02:02:09]
    /// "GET /getToken?… HTTP/1.1" 200 -`), uvicorn's `uvicorn.access` through a log config. The
    /// record keeps its own time. (Only for a message that starts with a digit.)
    private static func accessFields(_ b: Bytes, _ s: Int, _ r: inout LogRecord) {
        guard b.byte(s).isDigit else { return }
        let hostEnd = b.skipToken(s)
        if b.has(" - \"", at: hostEnd) {
            uvicornAccess(b, s, &r)
        } else if let (_, fields) = commonLogRequest(b, s, hostEnd) {
            r.fields = fields
        }
    }

    /// `127.0.0.1:54321 - "POST /api/token HTTP/1.1" 200 OK` → client_addr, method, path, status_code.
    private static func uvicornAccess(_ b: Bytes, _ i: Int, _ r: inout LogRecord) {
        let addrEnd = b.skipToken(i)
        guard b.has(" - \"", at: addrEnd), let quote = b.index(of: UInt8(ascii: "\""), from: addrEnd + 4) else { return }
        let request = b.slice(addrEnd + 4, quote)
        let parts = request.split(separator: 0x20)
        guard parts.count >= 2, let status = b.digits(at: quote + 2, 3) else { return }
        r.fields = Fields([
            ("client_addr", .string(b.string(i, addrEnd))),
            ("method", .string(String(decoding: parts[0], as: UTF8.self))),
            ("path", .string(String(decoding: parts[1], as: UTF8.self))),
            ("status_code", .number(String(status))),
        ])
    }

    // MARK: browser console

    /// `livekit-client.esm.mjs:8539` / `RTCEngine.ts:412` / `VM123:1` at `i`: returns the token end.
    static func browserSourceRef(_ b: Bytes, _ i: Int) -> Int? {
        let end = b.skipToken(i)
        return isSourceRef(b, i, end) ? end : nil
    }

    /// Whether `b[i..<end]` is a source reference, `name.js:N` or `VM123:N`.
    private static func isSourceRef(_ b: Bytes, _ i: Int, _ end: Int) -> Bool {
        guard end - i >= 4, end - i < 200 else { return false }
        var colon = end - 1
        while colon > i && b[colon].isDigit { colon -= 1 }
        guard b[colon] == UInt8(ascii: ":"), colon < end - 1 else { return false }
        let name = b.slice(i, colon)
        if b.has("VM", at: i) && name.dropFirst(2).allSatisfy(\.isDigit) { return true }
        for ext in [".js", ".mjs", ".ts", ".tsx", ".jsx", ".cjs"] where name.count > ext.utf8.count {
            if name.suffix(ext.utf8.count).elementsEqual(ext.utf8) { return true }
        }
        return false
    }

    /// Whether `b[i..<end]` is the location Firefox prints, a source reference with its column
    /// (`livekit-client.esm.mjs:18392:14`, `_app-dd36f8bd8b8317f8.js:1:29678`), or
    /// `<anonymous code>:1:148389` for a call from code it has no file for.
    static func isFirefoxLocation(_ b: Bytes, _ i: Int, _ end: Int) -> Bool {
        var colon = end - 1
        while colon > i && b[colon].isDigit { colon -= 1 }
        guard colon < end - 1, b[colon] == UInt8(ascii: ":") else { return false }
        if b.has("<anonymous code>:", at: i) { return colon > i + 17 && b.slice(i + 17, colon).allSatisfy(\.isDigit) }
        return isSourceRef(b, i, colon)
    }

    /// Firefox's console export (`Export Visible Messages To`, and Copy Message) ends a message
    /// with its location after a space (`disconnect from room livekit-client.esm.mjs:22473:12`;
    /// a message with an object has it on a line of its own, see `StreamParser`): where that
    /// location starts, when the line from `lo` ends with one after some text.
    static func trailingFirefoxLocation(_ b: Bytes, _ lo: Int) -> Int? {
        let end = b.trimmedEnd(b.count)
        var start = end
        while start > lo && !b[start - 1].isSpaceOrTab { start -= 1 }
        if b.has("code>:", at: start), start >= lo + 11, b.has("<anonymous ", at: start - 11) { start -= 11 }
        guard start > lo, isFirefoxLocation(b, start, end) else { return nil }
        return start
    }

    static func isBrowserErrorStart(_ b: Bytes, _ i: Int) -> Bool {
        if b.has("Uncaught ", at: i) { return true }
        // `NegotiationError: …`, `ConnectionError: …`, `Error: …`, `DOMException: …`
        var j = i
        while j < b.count && b[j].isAlnum { j += 1 }
        guard j > i, b.byte(j) == UInt8(ascii: ":"), b.byte(j + 1) == 0x20 else { return false }
        let word = b.slice(i, j)
        return word.count >= 5 && (word.suffix(5).elementsEqual("Error".utf8) || word.elementsEqual("DOMException".utf8))
    }

    private static func browserError(_ b: Bytes, _ s: Int, _ r: inout LogRecord) -> Bool {
        guard isBrowserErrorStart(b, s) else { return false }
        return browser(b, s, &r)
    }

    /// A DevTools console line after its optional time: `[source:line] message {context}`, or
    /// Firefox's `message Object { room: "…" } source:line:column` (its `location` start).
    static func browser(_ b: Bytes, _ i: Int, _ r: inout LogRecord, location: Int? = nil) -> Bool {
        var msgStart = i
        var end = b.trimmedEnd(b.count)
        if let location {
            r.fields.append(("source", .string(b.string(location, end))))
            end = b.trimmedEnd(location)
        } else if let refEnd = browserSourceRef(b, i) {
            r.fields.append(("source", .string(b.string(i, refEnd))))
            msgStart = b.skipSpaces(refEnd)
        }
        r.format = .browserConsole
        r.logger = "livekit-client"
        if isBrowserErrorStart(b, msgStart) { r.level = .error }
        if end > msgStart, b[end - 1] == UInt8(ascii: "}"), let (open, fields) = BrowserContext.trailingObject(b, msgStart, end) {
            var messageEnd = b.trimmedEnd(open)
            if location != nil, messageEnd - msgStart > 7, b.has(" Object", at: messageEnd - 7) { messageEnd = b.trimmedEnd(messageEnd - 7) }
            r.message = b.string(msgStart, messageEnd)
            r.fields.append(contentsOf: fields)
        } else {
            r.message = b.string(msgStart, end)
        }
        return true
    }

    // MARK: shared pieces

    /// Sets the message from `lo..<hi`, splitting off a trailing JSON extras object into fields.
    /// The agents formatter writes `%(message)s %(esc_gray)s%(extra)s` and a reset: a record
    /// without extras ends with the space before its empty grey part (`… {"a": 1} ESC[90mESC[0m`,
    /// `logger.info(f"args {json.dumps(x)}")`), so an object followed by white space is the
    /// message's own, coloured or not.
    ///
    /// With a `gate` (analysis), a line whose message and error texts cannot make an event and
    /// that is no metrics line keeps its ids but not its extras: nothing reads them (a
    /// continuation line may still make it an event, whose text then needs no extras either:
    /// the `error` member, the one an event text shows, is an error text and keeps them).
    static func messageWithExtras(_ b: Bytes, _ lo: Int, _ hi: Int, _ r: inout LogRecord, _ gate: EventGate? = nil) {
        let end = b.trimmedEnd(hi)
        if end > lo, b[end - 1] == UInt8(ascii: "}"), end == hi {
            // Metrics read from the extras' bytes are what the fields give only when the extras
            // are the record's only fields.
            let onlyFields = r.fields.isEmpty
            var p = lo
            var noEventWords = false
            while p < end, let brace = b.index(of: UInt8(ascii: "{"), from: p), brace < end {
                let next = b.byte(brace + 1)
                let messageEnd = max(lo, b.trimmedEnd(brace))
                if (brace == lo || b[brace - 1] == 0x20 || b[brace - 1] == 0x09) && (next == UInt8(ascii: "\"") || next == UInt8(ascii: "}")),
                    let keys = rawExtras(b, brace, end, &r, gate: onlyFields ? gate : nil, message: lo..<messageEnd, noEventWords: &noEventWords)
                {
                    r.hasNoEventWords = noEventWords
                    if noEventWords, gate != nil {
                        // Read only if a continuation line, an id in the text or an error text
                        // makes the record more than a lite one (`EventGate.materialize`).
                        gate?.keepDeferred(b.slice(lo, messageEnd))
                        r.isMessageDeferred = true
                    } else {
                        r.message = b.string(lo, messageEnd)
                    }
                    // A metrics line (`LLM metrics {"ttft": …}`): its numbers are at hand now.
                    if onlyFields, let metrics = EventClassifier.metrics(b.slice(lo, messageEnd), value: { [ranges = keys.metrics] in ranges.metric(b, $0) }) {
                        r.event = metrics
                        r.hasParsedMetrics = true
                    }
                    return
                }
                p = brace + 1
            }
        }
        r.message = b.string(lo, end)
    }

    /// When `lo..<hi` is exactly one JSON object: keeps it as raw fields, takes its ids and error
    /// texts, and returns where its record keys are; nil otherwise.
    static func rawExtras(_ b: Bytes, _ lo: Int, _ hi: Int, _ r: inout LogRecord) -> JSONLineParser.RecordKeys? {
        var noEventWords = false
        return rawExtras(b, lo, hi, &r, gate: nil, message: 0..<0, noEventWords: &noEventWords)
    }

    /// `rawExtras(_:_:_:_:)`; with a `gate` (analysis, extras that are the record's only fields),
    /// the fields are not kept for a line that cannot be an event (no error text, no event word in
    /// `b[message]`; then `noEventWords` is set) nor for a metrics line, whose numbers the caller
    /// reads from the bytes (as for JSON).
    static func rawExtras(
        _ b: Bytes, _ lo: Int, _ hi: Int, _ r: inout LogRecord, gate: EventGate?, message: Range<Int>, noEventWords: inout Bool
    ) -> JSONLineParser.RecordKeys? {
        guard b.byte(lo) == UInt8(ascii: "{") else { return nil }
        // One pass validates the object and collects its ids and error texts.
        // The ids go straight into the record (a key it has already keeps its value, as the scan
        // keeps a key's first value); those it lacked are cleared again when this is no object.
        var keys = JSONLineParser.RecordKeys()
        var errorText: String?
        var end = 0
        let lacking = r.ids.missing
        var valid = JSONLineParser.scanOutOfLine(b.slice(0, hi), lo, &keys, &r.ids, &errorText, &end)
        if valid {
            var reader = JSONReader(b.slice(0, hi), from: end)
            reader.skipSpace()
            valid = reader.index == hi
        }
        guard valid else {
            r.ids.clear(lacking)
            return nil
        }
        if let e = errorText { r.errorText = r.errorText.map { $0 + "\n" + e } ?? e }
        // (`gate?.` borrows the gate; `if let gate` would retain a copy around every call.)
        if gate != nil, errorText == nil {
            let text = b.slice(message.lowerBound, message.upperBound)
            if EventClassifier.isMetricsMessage(text) { return keys }
            if gate?.mayBeEvent(text, nil) == false {
                noEventWords = true
                return keys
            }
        }
        let raw = Fields(rawObject: b.slice(lo, hi))
        if r.fields.isEmpty {
            r.fields = raw
        } else {
            r.fields.append(contentsOf: raw.members)
        }
        return keys
    }
}
