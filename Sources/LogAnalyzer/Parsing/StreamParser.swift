import CScan
#if canImport(Glibc)
import Glibc
#endif

/// Turns the lines of one input into records: strips ANSI and wrappers, recognises the format,
/// joins continuation lines (tracebacks, JS stacks, pino-pretty fields) to their record.
struct StreamParser {
    let input: Int
    var clock: StreamClock
    /// Analysis mode: JSON lines that cannot be events are kept lite (see `JSONLineParser.parse`).
    let classifier: EventClassifier?
    /// Remembered event-word scans of repeated messages.
    private var memo = LiteralSet.Memo()
    /// Remembered id-marker scans of repeated messages (`RecordEnricher`).
    private var idMemo = LiteralSet.Memo()
    /// Analysis mode: text lines that cannot be events keep no extras.
    private let gate: TextLineParser.EventGate?
    /// The record that continuation lines may still join: none or one. An array, not an
    /// optional: the record is completed and changed where it lies, and moved in and out once
    /// (an optional's unwrap and `take()` copied it several times; it is large, and every text
    /// record passes through here).
    private var pending: [LogRecord] = []
    private var traceback: TracebackState = .none
    private var lokiTime: Wrapper?
    private var lastRichTime: Timestamp?
    private var scratch: [UInt8] = []
    /// Event texts are redacted where they are made (a redactor holds per-thread match state);
    /// only analysis makes them.
    private let redactor: Redactor?
    /// Records by format, for the run summary.
    private var counts = FormatCounts()
    var formatCounts: [LogFormat: Int] { counts.totals }

    /// Records by format (a run of one format is counted before it is hashed).
    struct FormatCounts {
        private var finished: [LogFormat: Int] = [:]
        private var runFormat: LogFormat = .plain
        private var runLength = 0

        var totals: [LogFormat: Int] {
            var totals = finished
            if runLength > 0 { totals[runFormat, default: 0] += runLength }
            return totals
        }

        mutating func count(_ format: LogFormat) {
            if format == runFormat {
                runLength += 1
                return
            }
            if runLength > 0 { finished[runFormat, default: 0] += runLength }
            runFormat = format
            runLength = 1
        }
    }

    /// Problems found while parsing (line, kind, message), drained by the reader.
    var notes: [(Int, String, String)] = []

    enum TracebackState { case none, inside, afterException }

    init(input: Int, clock: StreamClock, classifier: EventClassifier? = nil) {
        self.input = input
        self.clock = clock
        self.classifier = classifier
        gate = classifier.map(TextLineParser.EventGate.init)
        redactor = classifier == nil ? nil : Redactor()
    }

    /// Feeds one physical line; completed records are passed to `emit`.
    mutating func feed(_ raw: Bytes, line: Int, emit: (consuming LogRecord) -> Void) {
        if raw.baseAddress != nil, memchr(raw.baseAddress!, 0x1B, raw.count) != nil {
            let n = stripANSI(raw)
            scratch.withUnsafeBufferPointer { feedClean(UnsafeBufferPointer(rebasing: $0[0..<n]), line: line, emit: emit) }
        } else {
            feedClean(raw, line: line, emit: emit)
        }
    }

    /// Everything the parsing of the next line depends on. Two parsers in the same state turn the
    /// same lines into the same records: a chunk of a file parsed after a one-line priming is
    /// valid when the parser that read the chunk before it ends in the primed state.
    struct BoundaryState: Equatable {
        var clock: StreamClock.State
        var traceback: TracebackState
        var waitingLokiTime: Bool
        var lastRichTime: Timestamp?
        /// The pending record: its first line, line count, format and time (a record that starts
        /// on the priming line and is parsed with the same clock is the same record).
        var pendingLine: Int?
        var pendingLineCount: Int
        var pendingFormat: LogFormat?
        var pendingTime: Timestamp?
        var pendingIsTaskException: Bool
    }

    /// The state now (the pending record's line in this parser's numbering).
    var boundaryState: BoundaryState {
        BoundaryState(
            clock: clock.state, traceback: traceback, waitingLokiTime: lokiTime != nil, lastRichTime: lastRichTime,
            pendingLine: pending.first?.line, pendingLineCount: pending.first?.lineCount ?? 0,
            pendingFormat: pending.first?.format, pendingTime: pending.first?.time,
            pendingIsTaskException: pending.first.map { $0.format == .plain && $0.message.hasPrefix("Task exception was never retrieved") } ?? false)
    }

    /// Forgets the records counted so far (after a priming line, which belongs to another chunk).
    mutating func resetCounts() {
        counts = FormatCounts()
    }

    /// Emits the last pending record.
    mutating func finish(emit: (consuming LogRecord) -> Void) {
        emitPending(emit)
    }

    /// A record is complete when it is emitted: counted, and classified for analysis here (on
    /// the parsing thread) rather than by the session tracker. Static, over the parser's parts:
    /// the pending record is completed where it lies.
    private static func complete(
        _ r: inout LogRecord, counts: inout FormatCounts, classifier: EventClassifier?, memo: inout LiteralSet.Memo, redactor: Redactor?
    ) {
        counts.count(r.format)
        if let classifier, !r.isClassified {
            // Read into locals first: assigning `r.event = f(r)` copies the whole record (the
            // read of `r` overlaps the write to it).
            let oneLine = r.lineCount == 1
            let event =
                oneLine && r.hasParsedMetrics ? r.event
                : oneLine && r.hasNoEventWords && r.errorText == nil ? nil
                : classifier.classify(r, memo: &memo)
            r.event = event
            r.isClassified = true
            // (A metrics event's text is its message.)
            if let kind = event, !kind.isMetrics, let redactor {
                let text = SessionEvent.text(of: r, kind, redactor: redactor)
                r.eventText = text
            }
        }
    }

    private mutating func complete(_ r: inout LogRecord) {
        Self.complete(&r, counts: &counts, classifier: classifier, memo: &memo, redactor: redactor)
    }

    /// Completes the pending record, if any, and hands it on.
    private mutating func emitPending(_ emit: (consuming LogRecord) -> Void) {
        guard !pending.isEmpty else { return }
        Self.complete(&pending[0], counts: &counts, classifier: classifier, memo: &memo, redactor: redactor)
        emit(pending.removeLast())
    }

    private mutating func feedClean(_ b: Bytes, line: Int, emit: (consuming LogRecord) -> Void) {
        var wrapper = Wrapper()
        let start = Wrapper.strip(b, into: &wrapper, prefix: &clock.stampPrefix)
        if wrapper.timeOnlyLine {
            lokiTime = wrapper
            return
        }
        if let loki = lokiTime {
            if wrapper.time == nil { wrapper.time = loki.time }
            lokiTime = nil
        }
        let end = b.trimmedEnd(b.count)
        if start >= end {
            // Blank lines separate chained tracebacks; elsewhere they carry nothing.
            if traceback != .none, !pending.isEmpty { appendContinuation("", lines: 1) }
            return
        }
        let body = b.slice(start, b.count)
        if isContinuation(body) {
            appendContinuation(body.string(0, body.trimmedEnd(body.count)), lines: 1, raw: body)
            return
        }
        var r = LogRecord(input: input, line: line, format: .plain, message: "")
        let first = body[0]
        var parsed = false
        if first == UInt8(ascii: "{") {
            parsed = JSONLineParser.parse(body, at: 0, clock: &clock, into: &r, classifier: classifier, memo: &memo)
        }
        if !parsed && first == UInt8(ascii: "{") && Self.nestingDepth(body) > 256 {
            notes.append((line, "json-depth", "JSON nested deeper than 256 levels; kept as a plain line"))
        }
        if !parsed && first.isUpper {
            parsed = JSONLineParser.parseWebhook(body, at: 0, clock: &clock, into: &r)
        }
        if !parsed {
            parsed = TextLineParser.parse(body, at: 0, clock: &clock, lastRichTime: lastRichTime, into: &r, gate: gate)
        }
        if !parsed {
            r = LogRecord(input: input, line: line, format: .plain, message: body.string(0, body.trimmedEnd(body.count)))
        }
        if r.format == .agentsRich, let t = r.time { lastRichTime = t }
        applyWrapper(wrapper, to: &r)
        if !r.isClassified || r.event != nil { RecordEnricher.enrich(&r, memo: &idMemo) }
        emitPending(emit)
        traceback = .none
        if Self.isJSON(r.format) {
            // A JSON record is complete on its line: what follows is never its continuation.
            complete(&r)
            emit(consume r)
            return
        }
        // (Read before the record moves to `pending`: reading it after would copy it.)
        let startsTraceback = r.format == .plain && r.message.hasPrefix("Traceback (most recent call last)")
        pending.append(consume r)
        if startsTraceback { traceback = .inside }
    }

    private mutating func applyWrapper(_ w: Wrapper, to r: inout LogRecord) {
        if r.time == nil, var t = w.time {
            if let (month, day) = w.journaldMonthDay {
                // journald prints no year: take it from the stream's dates.
                let year = Timestamp.civil(days: clock.referenceDay ?? 0).year
                if clock.referenceDay != nil { t.day = Timestamp.days(year: year, month: month, day: day) }
            }
            r.time = clock.resolve(t)
        }
        if r.level == nil { r.level = w.level }
        if let s = w.source { r.source = s }
        if r.ids.pid == nil, let pid = w.pid, r.format == .plain || r.format == .json { r.ids.pid = pid }
    }

    /// Deepest bracket nesting outside strings (only computed for lines that failed as JSON).
    static func nestingDepth(_ b: Bytes) -> Int {
        var depth = 0
        var deepest = 0
        var inString = false
        var i = 0
        while i < b.count {
            let c = b[i]
            if inString {
                if c == UInt8(ascii: "\\") { i += 1 } else if c == UInt8(ascii: "\"") { inString = false }
            } else if c == UInt8(ascii: "\"") {
                inString = true
            } else if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") {
                depth += 1
                deepest = max(deepest, depth)
            } else if c == UInt8(ascii: "}") || c == UInt8(ascii: "]") {
                depth -= 1
            }
            i += 1
        }
        return deepest
    }

    static func isJSON(_ f: LogFormat) -> Bool {
        f == .agentsJSON || f == .agentsJSONLegacy || f == .zapJSON || f == .pinoJSON || f == .json || f == .webhookEvent
    }

    /// Lines that belong to the previous record.
    private mutating func isContinuation(_ b: Bytes) -> Bool {
        guard !pending.isEmpty else { return false }
        let c = b[0]
        if c.isSpaceOrTab {
            // A Rich record with a blank time column also starts with spaces.
            var probe = LogRecord(input: input, line: 0, format: .plain, message: "")
            var scratchClock = clock
            if TextLineParser.parse(b, at: 0, clock: &scratchClock, lastRichTime: lastRichTime, into: &probe) { return false }
            return true
        }
        if b.has("Traceback (most recent call last)", at: 0) {
            traceback = .inside
            return true
        }
        switch traceback {
        case .inside:
            // The exception line ends the traceback (`Exception: worker connection closed
            // unexpectedly`) - unless the traceback was cut and this is already the next record.
            if c.isDigit || c == UInt8(ascii: "{") || c == UInt8(ascii: "[") {
                var probe = LogRecord(input: input, line: 0, format: .plain, message: "")
                var scratchClock = clock
                let isJSON = c == UInt8(ascii: "{") && b[b.trimmedEnd(b.count) - 1] == UInt8(ascii: "}")
                if isJSON || (TextLineParser.parse(b, at: 0, clock: &scratchClock, lastRichTime: lastRichTime, into: &probe) && probe.time != nil) {
                    traceback = .none
                    return false
                }
            }
            traceback = .afterException
            return true
        case .afterException:
            if b.has("During handling of the above exception", at: 0) || b.has("The above exception was the direct cause", at: 0) {
                traceback = .inside
                return true
            }
            return false
        case .none:
            // (Read in place: a copy of the pending record would retain each of its strings.)
            if pending[0].format == .plain, pending[0].message.hasPrefix("Task exception was never retrieved"), b.has("future: ", at: 0) {
                return true
            }
            return false
        }
    }

    private mutating func appendContinuation(_ text: String, lines: Int, raw: Bytes? = nil) {
        guard !pending.isEmpty else { return }
        if pending[0].format == .pinoPretty, let raw, raw.byte(0).isSpaceOrTab, let field = pinoField(raw) {
            pending[0].fields.append(field)
            if !pending[0].fields.isRaw { RecordEnricher.idsFromFields(&pending[0]) }
        } else {
            pending[0].message += "\n" + text
        }
        pending[0].lineCount += lines
    }

    /// pino-pretty's `    key: value` continuation.
    private func pinoField(_ b: Bytes) -> (String, JSONValue)? {
        let i = b.skipSpaces(0)
        var j = i
        while j < b.count && (b[j].isAlnum || b[j] == UInt8(ascii: "_")) { j += 1 }
        guard j > i, b.byte(j) == UInt8(ascii: ":"), b.byte(j + 1) == 0x20 else { return nil }
        let valueBytes = b.slice(j + 2, b.trimmedEnd(b.count))
        let value = parseJSON(valueBytes) ?? .string(valueBytes.string(0, valueBytes.count))
        return (b.string(i, j), value)
    }

    /// Removes CSI (`ESC[…m`) and OSC (`ESC]…BEL`) sequences into `scratch`, returning the
    /// length (`cscan_strip_ansi`: 16 bytes a step; `scratch` only grows).
    private mutating func stripANSI(_ b: Bytes) -> Int {
        guard let base = b.baseAddress else { return 0 }
        if scratch.count < b.count + 16 { scratch = [UInt8](repeating: 0, count: Swift.max(b.count + 16, 2 * scratch.count)) }
        return scratch.withUnsafeMutableBufferPointer { cscan_strip_ansi(base, b.count, $0.baseAddress!) }
    }
}
