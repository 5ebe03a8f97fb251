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
    private var memo: LiteralSet.Memo
    /// Remembered id-marker scans of repeated messages (`RecordEnricher`).
    private var idMemo: LiteralSet.Memo
    /// Analysis mode: text lines that cannot be events keep no extras.
    private let gate: TextLineParser.EventGate?
    /// Records are parsed where they end up: at the end of the caller's array (`feed(_:line:into:)`).
    /// The record that continuation lines may still join (none or one, and those parked) is the last element of
    /// that array (`pendingFromEnd` from its end, when a parked record was taken up again), or
    /// waits in `held` between arrays (`detach(from:)`), with the records after it. A record is
    /// large and every line makes one: each copy of it cost more than parsing an id.
    private var held: [LogRecord] = []
    /// What the state and the continuation checks read of the pending record; nil when there is none.
    private var pendingInfo: PendingInfo?
    /// Whether the pending record is in the array being fed (`pendingFromEnd` from its end).
    private var pendingIsInOut: Bool { pendingInfo != nil && held.isEmpty }
    private var pendingFromEnd = 0
    /// The wrapper's source (docker compose service, `kubectl --prefix` pod, journald process)
    /// of the line that started the last record.
    private var pendingSource: String?
    /// Records of other sources, interrupted by the pending one's (compose interleaves its
    /// services line by line), one a source: their continuation lines, after their source's
    /// wrapper, still join them.
    private var parked: [Continuation] = []
    /// Most sources with a record parked (one more completes the one parked first).
    static let maxParked = 8
    /// Most records that follow a parked one before it is complete (the records after it wait
    /// with it, so this bounds them).
    static let maxRecordsAfterParked = 256

    /// The pending record's continuation state, while it is parked.
    private struct Continuation {
        var info: PendingInfo
        var source: String?
        var fromEnd: Int
        var isOpen: Bool
        var textBytes: Int
        var isCut: Bool
        var isColoured: Bool
        var pinoValue: (key: String, indent: Int, lines: [String])?
        var richExtras: [UInt8]?
        var richTraceback: Bool
        var richTracebackIndent: Int
        var traceback: TracebackState
    }
    /// Records completed so far (the pending one is not).
    private(set) var completedCount = 0

    private struct PendingInfo {
        var line: Int
        var lineCount: Int
        var format: LogFormat
        var time: Timestamp?
        /// An asyncio "Task exception was never retrieved" record, which a `future: ` line continues.
        var isTaskException: Bool
    }
    /// The pending record is coloured agents dev text whose line did not end with the
    /// formatter's closing reset: its message goes on over the next lines, until the one that
    /// ends with the (grey) extras and the reset.
    private var pendingIsOpen = false
    /// Text the pending record's continuation lines added, and whether it reached
    /// `maxContinuationBytes` (see `keeps`).
    private var pendingTextBytes = 0
    private var pendingIsCut = false
    /// The pending record's first line had ANSI colours (then only the closing line of an open
    /// record holds extras).
    private var pendingIsColoured = false
    /// A pino-pretty value over several lines that `    key: {` (or `[`) opened on the pending
    /// record: its lines so far, until the `}` (`]`) at the key's indentation closes it.
    private var pinoValue: (key: String, indent: Int, lines: [String])?
    /// Rich console (agents 1.3–1.5): the pending record's extras, printed on a line of their own
    /// when they do not fit beside the message and wrapped at the console's width onto lines that
    /// start at column 0, until their braces close.
    private var richExtras: [UInt8]?
    /// Rich console: the pending record's message holds a traceback (its lines keep their breaks;
    /// other wrapped message lines join with a space).
    private var richTraceback = false
    private var richTracebackIndent = 0
    /// The line being fed had ANSI sequences (`colouredLine`, valid during `feed`), and whether it
    /// ends with a reset, as the agents formatter ends every record (`ESC[90m<extras>ESC[0m`).
    private var lineIsColoured = false
    private var lineEndsWithReset = false
    private var colouredLine = Bytes(start: nil, count: 0)
    private var traceback: TracebackState = .none
    private var lokiTime: Wrapper?
    /// `aws logs tail --format json`: an event whose message is JSON, printed after its time and
    /// stream over several lines; its wrapper, first line and the lines so far (joined by spaces).
    private var cloudWatchEvent: (wrapper: Wrapper, line: Int, bytes: [UInt8])? {
        didSet { cloudWatchPending = cloudWatchEvent != nil }
    }
    /// Whether `cloudWatchEvent` is set: the one test every line makes.
    private var cloudWatchPending = false
    /// Lines a container runtime split into entries (docker `json-file`, CRI `P`), joined until
    /// their last entry: stdout's and stderr's (the two streams' entries interleave).
    private var splitStdout: SplitLine?
    private var splitStderr: SplitLine?
    /// Most of a split line that is kept (as the line reader keeps of a long line).
    static let maxSplitLineBytes = 1 << 20

    private struct SplitLine {
        var bytes: [UInt8] = []
        /// The first entry's line and wrapper (its time).
        var line: Int
        var wrapper: Wrapper
        /// Decoded from docker's JSON (its ANSI sequences still in it), not a CRI line's text.
        var decoded: Bool
        var isCut = false
    }
    private var lastRichTime: Timestamp?
    /// A line without its ANSI sequences (the parser's own: parsers are never copied).
    private let scratch = ScratchBytes()
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

    /// A Python traceback (inside it, or after its exception line), or a Go runtime crash report
    /// (`panic: ` or `fatal error: `, then its goroutines' stacks).
    enum TracebackState { case none, inside, afterException, goCrash }

    /// `borrowsMemos`: the parser has no memos of its own; whoever feeds it lends it theirs
    /// with `swapMemos` around every call that parses (the inputs of a wide merge share one set:
    /// 52 KB less for each input).
    init(input: Int, clock: StreamClock, classifier: EventClassifier? = nil, borrowsMemos: Bool = false) {
        self.input = input
        self.clock = clock
        self.classifier = classifier
        if borrowsMemos {
            memo = .borrowed
            idMemo = .borrowed
            gate = classifier.map { TextLineParser.EventGate($0, memo: .borrowed) }
        } else {
            memo = LiteralSet.Memo()
            idMemo = LiteralSet.Memo()
            gate = classifier.map { TextLineParser.EventGate($0) }
        }
        redactor = classifier == nil ? nil : Redactor()
    }

    /// The remembered scans of a parser: its own, or a set lent to several parsers fed on one
    /// thread, one at a time (see `swapMemos`).
    struct Memos {
        var memo = LiteralSet.Memo()
        var idMemo = LiteralSet.Memo()
        var gateMemo = LiteralSet.Memo()
    }

    /// Lends the parser `other`'s memos (and takes its own, `.borrowed` ones, in exchange); the
    /// same call again gives them back.
    mutating func swapMemos(_ other: inout Memos) {
        swap(&memo, &other.memo)
        swap(&idMemo, &other.idMemo)
        gate?.swapMemo(&other.gateMemo)
    }

    /// The bytes of the memos' tables the parser holds (0 between the calls a lender wraps).
    var memoBytes: Int { memo.tableBytes + idMemo.tableBytes + (gate?.memoBytes ?? 0) }

    /// Feeds one physical line. Its record, if it starts one, is appended to `out`; a record
    /// that later lines may continue stays the last element of `out` (call `detach(from:)`
    /// before handing the elements on: then every element of `out` is complete). `escape`: whether
    /// the line holds an ESC, when the caller knows (else it is searched for).
    mutating func feed(_ raw: Bytes, line: Int, escape: Bool? = nil, into out: inout [LogRecord]) {
        if !held.isEmpty { restoreHeld(&out) }
        if escape ?? (raw.baseAddress != nil && memchr(raw.baseAddress!, 0x1B, raw.count) != nil) {
            let n = stripANSI(raw)
            // (A pointer into the parser's own buffer: no Array to retain around the parse.)
            feedClean(UnsafeBufferPointer(start: scratch.base, count: n), line: line, into: &out)
        } else {
            lineIsColoured = false
            feedClean(raw, line: line, into: &out)
        }
    }

    /// Takes the pending record, if any, off the end of `out`, with the parked ones and the records
    /// after them (the next `feed` or `finish` puts them at the end of the array it is given):
    /// every element of `out` is then complete.
    mutating func detach(from out: inout [LogRecord]) {
        guard held.isEmpty else { return }
        var keep = pendingInfo != nil ? pendingFromEnd + 1 : 0
        for p in parked { keep = Swift.max(keep, p.fromEnd + 1) }
        if keep == 1 {
            held.append(out.removeLast())
        } else if keep > 1 {
            held.append(contentsOf: out[(out.count - keep)...])
            out.removeLast(keep)
        }
    }

    private mutating func restoreHeld(_ out: inout [LogRecord]) {
        if held.count == 1 {
            out.append(held.removeLast())
        } else {
            out.append(contentsOf: held)
            held.removeAll()
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
        var pendingIsOpen: Bool
        var pendingPinoValue: Bool
        var pendingRichExtras: Bool
        var pendingRichTraceback: Bool
        /// The first lines of the records of other sources, parked (see `parked`).
        var parkedLines: [Int]
        /// The first lines of the container entries a split line has so far (stdout, stderr).
        var splitStdoutLine: Int?
        var splitStderrLine: Int?
        /// The first line of an `aws logs tail --format json` event read so far.
        var cloudWatchEventLine: Int?
    }

    /// The state now (the pending record's line in this parser's numbering).
    var boundaryState: BoundaryState {
        BoundaryState(
            clock: clock.state, traceback: traceback, waitingLokiTime: lokiTime != nil, lastRichTime: lastRichTime,
            pendingLine: pendingInfo?.line, pendingLineCount: pendingInfo?.lineCount ?? 0,
            pendingFormat: pendingInfo?.format, pendingTime: pendingInfo?.time,
            pendingIsTaskException: pendingInfo?.isTaskException ?? false, pendingIsOpen: pendingInfo != nil && pendingIsOpen,
            pendingPinoValue: pendingInfo != nil && pinoValue != nil, pendingRichExtras: pendingInfo != nil && richExtras != nil,
            pendingRichTraceback: pendingInfo != nil && richTraceback, parkedLines: parked.map(\.info.line), splitStdoutLine: splitStdout?.line, splitStderrLine: splitStderr?.line,
            cloudWatchEventLine: cloudWatchEvent?.line)
    }

    /// A Rust SDK line whose first line Rich cut short (`livekit::rtc_engine:405:livekit::r…`,
    /// then `- failed to connect: …` wrapped): its target is split off the whole message; a
    /// response body Rich wrapped is decoded from the whole message too. (Out of line: inlined,
    /// it cost every record's completion 18 instructions on dev text.)
    @inline(never)
    static func completeRichRustLine(_ r: inout LogRecord) {
        if r.field("rust_target") == nil { RecordEnricher.splitRustTarget(&r) } else { RecordEnricher.decodeBodyBytes(&r) }
    }

    /// Forgets the records counted so far (after a priming line, which belongs to another chunk).
    mutating func resetCounts() {
        counts = FormatCounts()
    }

    /// Completes the pending record, if any, at the end of `out`.
    mutating func finish(into out: inout [LogRecord]) {
        if !held.isEmpty { restoreHeld(&out) }
        if cloudWatchPending { endCloudWatchEvent(into: &out) }
        // A split line whose last entry never came (the log cut there) is a line all the same.
        while let split = [splitStdout, splitStderr].compactMap({ $0 }).min(by: { $0.line < $1.line }) {
            if split.line == splitStdout?.line { splitStdout = nil } else { splitStderr = nil }
            split.bytes.withUnsafeBufferPointer { feedContainerLine($0, split.wrapper, line: split.line, decoded: split.decoded, into: &out) }
        }
        completePending(&out)
        while !parked.isEmpty { completeParked(at: 0, &out) }
    }

    /// A record is complete when it is emitted: counted, and classified for analysis here (on
    /// the parsing thread) rather than by the session tracker. Static, over the parser's parts:
    /// the pending record is completed where it lies.
    private static func complete(
        _ r: inout LogRecord, counts: inout FormatCounts, classifier: EventClassifier?, memo: inout LiteralSet.Memo, redactor: Redactor?,
        gate: TextLineParser.EventGate?
    ) {
        counts.count(r.format)
        if r.lineCount > 1, !r.isMessageDeferred {
            if r.format == .agentsRich { Self.completeRichRustLine(&r) }
            // Token claims that only the continuation lines hold: the first line was read alone.
            if r.token == nil { RecordEnricher.claimsFromJoinedText(&r) }
        }
        // (The classifier and the redactor are borrowed through `?.` and `map`: an `if let`
        // copy is retained and released around the calls, atomic operations on every record.)
        if classifier != nil, !r.isClassified {
            // Read into locals first: assigning `r.event = f(r)` copies the whole record (the
            // read of `r` overlaps the write to it).
            let oneLine = r.lineCount == 1
            let lite = oneLine && r.hasNoEventWords && r.errorText == nil
            if !lite { gate?.materialize(&r) }
            let event =
                oneLine && r.hasParsedMetrics ? r.event
                : lite ? nil
                : classifier?.classify(r, memo: &memo) ?? nil
            r.event = event
            r.isClassified = true
            // (A metrics event's text is its message.)
            if let kind = event, !kind.isMetrics, let text = redactor.map({ SessionEvent.text(of: r, kind, redactor: $0) }) {
                r.eventText = text
            }
        }
    }

    /// Most text a record's continuation lines add: a traceback or a value that runs on for
    /// megabytes (a stuck writer, a dump) is cut there, its further lines counted, not kept.
    static let maxContinuationBytes = 4 << 20

    /// Whether the pending record keeps `count` more bytes of continuation text (once it has
    /// `maxContinuationBytes`, none: noted once).
    private mutating func keeps(_ count: Int) -> Bool {
        if pendingIsCut { return false }
        pendingTextBytes += count + 1
        guard pendingTextBytes > Self.maxContinuationBytes else { return true }
        pendingIsCut = true
        if let info = pendingInfo {
            notes.append((info.line, "long-record", "record's continuation lines hold over \(Self.maxContinuationBytes >> 20) MiB of text; the rest of them are counted, not kept"))
        }
        return false
    }

    /// Completes the pending record (the last of `out`), if any.
    private mutating func completePending(_ out: inout [LogRecord]) {
        guard pendingIsInOut else { return }
        let k = out.count - 1 - pendingFromEnd
        pendingFromEnd = 0
        if pinoValue != nil { closePinoValue(into: &out[k]) }
        if richExtras != nil { closeRichExtras(into: &out[k]) }
        richTraceback = false
        pendingInfo = nil
        completedCount += 1
        Self.complete(&out[k], counts: &counts, classifier: classifier, memo: &memo, redactor: redactor, gate: gate)
    }

    private mutating func feedClean(_ b: Bytes, line: Int, into out: inout [LogRecord]) {
        if cloudWatchPending, feedCloudWatchEvent(b, into: &out) { return }
        var wrapper = Wrapper()
        var start = 0
        // (No other wrapper starts with `{`: a JSON line, the bulk of a production log, skips
        // the look on its second to fourth bytes (zap's and pino's `{"level"`), or its twelfth
        // after `{"m` (an agents record is `{"message": "`; `stern -o json`, compact,
        // `{"message":"`). Out of line: inlined, the wrappers' reads cost every line.)
        if b.first == UInt8(ascii: "{") {
            let third = b.byte(2)
            let gate = third == UInt8(ascii: "m") ? b.byte(11) == UInt8(ascii: "\"") : Self.mayWrap(b, third: third)
            if gate, feedJSONEnvelope(b, third: third, line: line, into: &out) {
                return
            }
        } else {
            // (Fluent Bit's `file` output, its default format: `<tag>: [<time>, {…}]`.)
            if b.last == UInt8(ascii: "]"), feedFluentBitFileLine(b, line: line, into: &out) { return }
            start = Wrapper.strip(b, into: &wrapper, prefix: &clock.stampPrefix)
            if wrapper.containerStream != 0 {
                feedContainer(b.slice(start, b.count), wrapper, line: line, decoded: false, into: &out)
                return
            }
        }
        feedBody(b, from: start, wrapper: &wrapper, line: line, into: &out)
    }

    /// Whether a JSON line not starting `{"m` may wrap another (`feedJSONEnvelope`), by its first
    /// bytes. (Out of line: inline, its tests made `feedClean` too large to take `feedBody`.)
    @inline(never)
    private static func mayWrap(_ b: Bytes, third: UInt8) -> Bool {
        third == UInt8(ascii: "l") ? b.byte(3) != UInt8(ascii: "e")
            : third == UInt8(ascii: "_") || third == UInt8(ascii: "\"") || third == UInt8(ascii: "p") || third == UInt8(ascii: "n")
                || third == UInt8(ascii: "i") || b.byte(1) == 0x20 || third == UInt8(ascii: "f") && b.byte(6) == UInt8(ascii: "\"")
                || third == UInt8(ascii: "c") && b.byte(22) == UInt8(ascii: "\"") || (third == UInt8(ascii: "t") || third == UInt8(ascii: "d")) && b.byte(6) == UInt8(ascii: "\"")
    }

    /// A JSON line that wraps another (`third`: its third byte): journald's JSON export, logcli's
    /// jsonl, a Cloud Logging or CloudWatch entry, `fly logs --json`, stern's `-o json` and
    /// `-o extjson`, docker's json-file, a Vector event. Returns whether it was one (then fed).
    @inline(never)
    private mutating func feedJSONEnvelope(_ b: Bytes, third: UInt8, line: Int, into out: inout [LogRecord]) -> Bool {
        // (systemd before v246 wrote `{ "__CURSOR" : …`.)
        if third == UInt8(ascii: "_") || third == UInt8(ascii: "\"") && b.byte(1) == 0x20, let (message, journal) = Wrapper.journalJSON(b) {
            feedJournal(message, journal, line: line, into: &out)
            return true
        }
        if third == UInt8(ascii: "m") && b.byte(10) == UInt8(ascii: ":"), let (message, entry) = Wrapper.sternJSON(b) {
            feedJournal(message, entry, line: line, into: &out)
            return true
        }
        if (third == UInt8(ascii: "p") || third == UInt8(ascii: "n")) && b.byte(1) == UInt8(ascii: "\""), let (message, entry) = Wrapper.sternExtJSON(b) {
            feedJournal(message, entry, line: line, into: &out)
            return true
        }
        // (Vector's JSON events, keys sorted: `{"file"` from `kubernetes_logs` and `file`,
        // `{"container_created_at"` from `docker_logs`.)
        if b.has("{\"file\":", at: 0) || b.has("{\"container_created_at\":", at: 0) {
            guard let (message, event) = Wrapper.vectorEvent(b) else { return false }
            feedJournal(message, event, line: line, into: &out)
            return true
        }
        if third == UInt8(ascii: "l") && b.byte(3) == UInt8(ascii: "o"), let (written, entry) = Wrapper.dockerJSON(b) {
            written.withUnsafeBufferPointer { feedContainer($0, entry, line: line, decoded: true, into: &out) }
            return true
        }
        // (Fluent Bit's `file` output with `format plain`: `{"log"` (docker), `{"time"` (cri);
        // its `stdout` output with `format json_lines`: `{"date"`.)
        if third == UInt8(ascii: "l") && b.byte(3) == UInt8(ascii: "o") || Wrapper.mayBeFluentBitRecord(b),
            let (message, record, end) = Wrapper.fluentBitRecord(b, from: 0), b.trimmedEnd(b.count) == end
        {
            feedJournal(message, record, line: line, into: &out)
            return true
        }
        // (logcli's `{"labels"`/`{"line"`, not zap's and pino's `{"level"`; a Cloud Logging
        // entry's `{"insertId"`, or `{   "insertId"`: pretty-printed, its line breaks made
        // spaces by `JSONDocument`, as are a CloudWatch event, `{   "timestamp"`, and a
        // `fly logs --json` entry, `{   "level"`.)
        if third == UInt8(ascii: "l") && (b.byte(3) == UInt8(ascii: "a") || b.byte(3) == UInt8(ascii: "i"))
            || third == UInt8(ascii: "i") && b.byte(3) == UInt8(ascii: "n") || b.byte(1) == 0x20,
            let (message, envelope) = Wrapper.envelope(b)
        {
            feedJournal(message, envelope, line: line, into: &out)
            return true
        }
        return false
    }

    /// A line after `aws logs tail --format json`'s time and stream (awscli
    /// `customizations/logs/tail.py`, `PrettyJSONLogEventsFormatter`: `'%s %s %s' % (time,
    /// stream, '\n' + json.dumps(json.loads(message), indent=4))`, so the header line ends with a
    /// space, and the message, an object or a list, opens on the next line and closes at column
    /// 0): taken into the event until its closing line, then the event is fed as one line with
    /// the header's time and stream. Returns false when the line is not the event's (a header
    /// whose message was empty): the header is forgotten and the line read as any other.
    @inline(never)
    private mutating func feedCloudWatchEvent(_ b: Bytes, into out: inout [LogRecord]) -> Bool {
        guard var event = cloudWatchEvent else { return false }
        let first = b.first ?? 0
        if event.bytes.isEmpty {
            guard first == UInt8(ascii: "{") || first == UInt8(ascii: "[") else {
                cloudWatchEvent = nil
                return false
            }
        } else if first != 0x20 && first != UInt8(ascii: "}") && first != UInt8(ascii: "]") && !b.isEmpty {
            // (Inside the event every line is indented but its last, `}` or `]` at column 0: a
            // line at column 0 that is neither, as the next event's header, means this one was
            // cut short. It is read as far as it went; the line is read as any other.)
            endCloudWatchEvent(into: &out)
            return false
        }
        cloudWatchEvent = nil
        event.bytes.append(contentsOf: b.slice(0, b.trimmedEnd(b.count)))
        event.bytes.append(0x20)
        let closes = (first == UInt8(ascii: "}") || first == UInt8(ascii: "]")) && b.trimmedEnd(b.count) == 1
        cloudWatchEvent = event
        if closes || event.bytes.count > Self.maxContinuationBytes { endCloudWatchEvent(into: &out) }
        return true
    }

    /// Feeds the `aws logs tail --format json` event read so far as one line.
    private mutating func endCloudWatchEvent(into out: inout [LogRecord]) {
        guard let event = cloudWatchEvent else { return }
        cloudWatchEvent = nil
        guard !event.bytes.isEmpty else { return }
        var wrapper = event.wrapper
        wrapper.cloudWatchHeader = false
        event.bytes.withUnsafeBufferPointer { feedBody($0, from: 0, wrapper: &wrapper, line: event.line, into: &out) }
    }

    /// A line of Fluent Bit's `file` output in its default format (`Wrapper.fluentBitFileLine`),
    /// or of its `stdout` output (`Wrapper.fluentBitStdoutLine`): the record's line, fed with its
    /// time and source. Returns whether it was one.
    @inline(never)
    private mutating func feedFluentBitFileLine(_ b: Bytes, line: Int, into out: inout [LogRecord]) -> Bool {
        guard let (message, record) = Wrapper.fluentBitFileLine(b) ?? Wrapper.fluentBitStdoutLine(b) else { return false }
        feedJournal(message, record, line: line, into: &out)
        return true
    }

    /// A container runtime's entry (docker `json-file`, CRI): the line the process wrote, or a
    /// part of one (`entry.partial`), joined with the parts before it of the same stream.
    /// `decoded`: read from docker's JSON, its ANSI sequences still in it.
    @inline(never)
    private mutating func feedContainer(_ part: Bytes, _ entry: Wrapper, line: Int, decoded: Bool, into out: inout [LogRecord]) {
        let stdout = entry.containerStream == 1
        guard var split = stdout ? splitStdout : splitStderr else {
            if entry.partial {
                var split = SplitLine(line: line, wrapper: entry, decoded: decoded)
                split.bytes.append(contentsOf: part)
                if stdout { splitStdout = split } else { splitStderr = split }
            } else {
                feedContainerLine(part, entry, line: line, decoded: decoded, into: &out)
            }
            return
        }
        if stdout { splitStdout = nil } else { splitStderr = nil }
        // docker gives every entry of a split line the first one's time (moby
        // `daemon/logger/copier.go`: `partialTS`): an entry with another time starts a line of its
        // own, and the parts before it were a line the container never ended (it stopped; the
        // restarted one writes on in the same file).
        if decoded && split.decoded && entry.time != split.wrapper.time {
            split.bytes.withUnsafeBufferPointer { feedContainerLine($0, split.wrapper, line: split.line, decoded: true, into: &out) }
            feedContainer(part, entry, line: line, decoded: decoded, into: &out)
            return
        }
        let room = Self.maxSplitLineBytes - split.bytes.count
        if part.count <= room {
            split.bytes.append(contentsOf: part)
        } else {
            split.bytes.append(contentsOf: part.prefix(max(0, room)))
            if !split.isCut {
                notes.append((split.line, "long-line", "line longer than \(Self.maxSplitLineBytes) bytes, split by the container runtime; cut to that length"))
            }
            split.isCut = true
        }
        if entry.partial {
            if stdout { splitStdout = split } else { splitStderr = split }
            return
        }
        split.bytes.withUnsafeBufferPointer { feedContainerLine($0, split.wrapper, line: split.line, decoded: split.decoded, into: &out) }
    }

    /// A whole line of a container's output, with its entry's time (the first entry's, for a
    /// split one).
    private mutating func feedContainerLine(_ m: Bytes, _ entry: Wrapper, line: Int, decoded: Bool, into out: inout [LogRecord]) {
        var wrapper = entry
        wrapper.partial = false
        if decoded {
            if let base = m.baseAddress, memchr(base, 0x1B, m.count) != nil {
                let n = stripANSI(m)
                feedBody(UnsafeBufferPointer(start: scratch.base, count: n), from: 0, wrapper: &wrapper, line: line, into: &out)
                return
            }
            lineIsColoured = false
        }
        feedBody(m, from: 0, wrapper: &wrapper, line: line, into: &out)
    }

    /// The line a `journalctl -o json` entry (or another JSON envelope, `Wrapper.envelope`)
    /// holds, with the entry's time, pid and unit.
    @inline(never)
    private mutating func feedJournal(_ message: [UInt8], _ journal: Wrapper, line: Int, into out: inout [LogRecord]) {
        var wrapper = journal
        message.withUnsafeBufferPointer { written in
            // A container runtime's file shipped as it is (Promtail without its `docker` or
            // `cri` stage): the line in the entry's entry.
            if written.count > 8 && written[2] == UInt8(ascii: "l") && written[3] == UInt8(ascii: "o") && written[0] == UInt8(ascii: "{"),
                let (inner, entry) = Wrapper.dockerJSON(written)
            {
                inner.withUnsafeBufferPointer { feedContainer($0, entry, line: line, decoded: true, into: &out) }
                return
            }
            // (The service's colours, kept by journald and Loki; the line that held them was JSON.)
            var m = written
            if let base = written.baseAddress, memchr(base, 0x1B, written.count) != nil {
                m = UnsafeBufferPointer(start: scratch.base, count: stripANSI(written))
            }
            let start = m.first == UInt8(ascii: "{") ? 0 : Wrapper.strip(m, into: &wrapper, prefix: &clock.stampPrefix)
            if wrapper.containerStream != 0 {
                feedContainer(m.slice(start, m.count), wrapper, line: line, decoded: false, into: &out)
                return
            }
            feedBody(m, from: start, wrapper: &wrapper, line: line, into: &out)
        }
    }

    /// A line after its wrapper (`start`): a Loki time alone, a continuation, or a new record.
    @inline(__always)
    private mutating func feedBody(_ b: Bytes, from start: Int, wrapper: inout Wrapper, line: Int, into out: inout [LogRecord]) {
        if wrapper.timeOnlyLine {
            lokiTime = wrapper
            return
        }
        if let loki = lokiTime {
            if wrapper.time == nil { wrapper.time = loki.time }
            lokiTime = nil
        }
        let end = b.trimmedEnd(b.count)
        if start >= end && wrapper.cloudWatchHeader {
            cloudWatchEvent = (wrapper, line, [])
            return
        }
        // (A line of another source than the last record's: only with several sources in one
        // stream, compose's services, and with a record that may still take lines.)
        // (Nil tests first: a log without sources, the bulk, compares no strings.)
        if wrapper.source != nil || pendingSource != nil, pendingInfo != nil || !parked.isEmpty, wrapper.source != pendingSource {
            switchSource(to: wrapper.source, &out)
        }
        if start >= end {
            // Blank lines separate chained tracebacks; elsewhere they carry nothing.
            if traceback != .none, pendingIsInOut { appendContinuation("", lines: 1, to: &out) }
            // (A Rich traceback's blank line ends it, or a chained one's part: what follows
            // continues it only as the next part, `During handling of the above exception`.)
            if richTraceback, traceback == .inside { traceback = .afterException }
            return
        }
        let body = b.slice(start, b.count)
        if isContinuation(body) {
            appendContinuation(body.string(0, body.trimmedEnd(body.count)), lines: 1, raw: body, to: &out)
            return
        }
        completePending(&out)
        traceback = .none
        if wrapper.source != nil || pendingSource != nil { pendingSource = wrapper.source }
        out.append(LogRecord(input: input, line: line, format: .plain, message: ""))
        let k = out.count - 1
        parseRecord(body, line: line, wrapper, into: &out[k])
        // (After the parse: a call with `out` between its append and the parse into its last
        // element had the array's uniqueness checked again on every line.)
        if !parked.isEmpty { countRecordAfterParked(&out) }
    }

    /// A line of another source than the pending record's: the pending record is parked (its
    /// source's next lines may still continue it: docker compose interleaves its services' lines,
    /// a traceback's with another container's), and a record parked of this source is taken up
    /// again. Past `maxParked` sources, the record parked first is complete.
    @inline(never)
    private mutating func switchSource(to source: String?, _ out: inout [LogRecord]) {
        if let i = parked.firstIndex(where: { $0.source == source }) {
            let waiting = parked.remove(at: i)
            if let current = takePending() { parked.append(current) }
            restore(waiting)
            return
        }
        if pendingIsInOut {
            if parked.count >= Self.maxParked { completeParked(at: 0, &out) }
            parked.append(takePending()!)
        }
        pendingSource = source
    }

    /// A record was added after the parked ones: those with more than `maxRecordsAfterParked`
    /// after them are complete.
    @inline(never)
    private mutating func countRecordAfterParked(_ out: inout [LogRecord]) {
        for i in parked.indices { parked[i].fromEnd += 1 }
        while let i = parked.firstIndex(where: { $0.fromEnd > Self.maxRecordsAfterParked }) { completeParked(at: i, &out) }
    }

    /// Completes a parked record where it lies.
    private mutating func completeParked(at index: Int, _ out: inout [LogRecord]) {
        let waiting = parked.remove(at: index)
        // (With no record pending, the state is the stream's: the last record's source and
        // traceback state, kept.)
        let current = takePending()
        let source = pendingSource
        let state = traceback
        restore(waiting)
        completePending(&out)
        if let current {
            restore(current)
        } else {
            resetPending()
            pendingSource = source
            traceback = state
        }
    }

    /// The pending record's continuation state, which is then reset (no record pending).
    private mutating func takePending() -> Continuation? {
        guard let info = pendingInfo else { return nil }
        let c = Continuation(
            info: info, source: pendingSource, fromEnd: pendingFromEnd, isOpen: pendingIsOpen, textBytes: pendingTextBytes, isCut: pendingIsCut,
            isColoured: pendingIsColoured, pinoValue: pinoValue, richExtras: richExtras, richTraceback: richTraceback,
            richTracebackIndent: richTracebackIndent, traceback: traceback)
        resetPending()
        return c
    }

    private mutating func resetPending() {
        pendingInfo = nil
        pendingFromEnd = 0
        pendingIsOpen = false
        pendingTextBytes = 0
        pendingIsCut = false
        pendingIsColoured = false
        pinoValue = nil
        richExtras = nil
        richTraceback = false
        richTracebackIndent = 0
        traceback = .none
    }

    private mutating func restore(_ c: Continuation) {
        pendingInfo = c.info
        pendingSource = c.source
        pendingFromEnd = c.fromEnd
        pendingIsOpen = c.isOpen
        pendingTextBytes = c.textBytes
        pendingIsCut = c.isCut
        pendingIsColoured = c.isColoured
        pinoValue = c.pinoValue
        richExtras = c.richExtras
        richTraceback = c.richTraceback
        richTracebackIndent = c.richTracebackIndent
        traceback = c.traceback
    }

    /// Parses the line that starts a new record into `r` (a new record), then completes it
    /// (JSON: nothing continues it) or makes it the pending one.
    private mutating func parseRecord(_ body: Bytes, line: Int, _ wrapper: borrowing Wrapper, into r: inout LogRecord) {
        var first = body[0]
        var parsed = false
        // A JSON record after spaces, as a cloud console's copy gives it (AWS ECS/CloudWatch's
        // ` {"message": "job exiting", …} `): the record, when it is one whole JSON object.
        var jsonStart = 0
        if first == 0x20 {
            let s = body.skipSpaces(0)
            if body.byte(s) == UInt8(ascii: "{") {
                jsonStart = s
                first = UInt8(ascii: "{")
            }
        }
        if first == UInt8(ascii: "{") {
            parsed = JSONLineParser.parse(body, at: jsonStart, clock: &clock, into: &r, classifier: classifier, memo: &memo)
            if !parsed { first = body[0] }
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
        if r.isMessageDeferred, let deferred = gate?.deferred, RecordEnricher.readsText(deferred, memo: &idMemo) { gate?.materialize(&r) }
        if !r.isClassified || r.event != nil { RecordEnricher.enrich(&r, memo: &idMemo) }
        if Self.isJSON(r.format) {
            // A JSON record is complete on its line: what follows is never its continuation.
            completedCount += 1
            Self.complete(&r, counts: &counts, classifier: classifier, memo: &memo, redactor: redactor, gate: gate)
            return
        }
        let isPlain = r.format == .plain
        pendingTextBytes = 0
        pendingIsCut = false
        pendingInfo = PendingInfo(line: r.line, lineCount: r.lineCount, format: r.format, time: r.time,
                                  isTaskException: isPlain && r.message.hasPrefix("Task exception was never retrieved"))
        if lineIsColoured, r.format == .agentsText || r.format == .agentsCompact {
            pendingIsColoured = true
            pendingIsOpen = !lineEndsWithReset
        } else if pendingIsColoured {
            pendingIsColoured = false
            pendingIsOpen = false
        }
        if isPlain && r.message.hasPrefix("Traceback (most recent call last)") { traceback = .inside }
        // (The first byte first: a plain record's message is tested here, not every line.)
        if isPlain, let c = r.message.utf8.first, c == UInt8(ascii: "p") || c == UInt8(ascii: "f"),
            r.message.hasPrefix("panic: ") || r.message.hasPrefix("fatal error: ")
        {
            traceback = .goCrash
        }
    }

    private mutating func applyWrapper(_ w: Wrapper, to r: inout LogRecord) {
        if r.time == nil, var t = w.time {
            if let (month, day) = w.journaldMonthDay {
                // journald prints no year: take it from the stream's dates.
                let year = Timestamp.civil(days: clock.referenceDay ?? 0).year
                if clock.referenceDay != nil { t.day = Timestamp.days(year: year, month: month, day: day) }
            }
            r.time = clock.resolve(t)
        } else if let t = w.time, let inner = r.time {
            if !inner.hasDate, t.day != nil {
                // A time of day with no date known in the run, inside a dated wrapper (journald's
                // `__REALTIME_TIMESTAMP`, kubectl `--timestamps`): the wrapper's instant.
                r.time = clock.resolve(t)
            } else if t.offsetSeconds != nil {
                r.time = Self.zoned(inner, format: r.format, by: t)
            }
        }
        if r.level == nil { r.level = w.level }
        if let s = w.source { r.source = s }
        if r.ids.pid == nil, let pid = w.pid, r.format == .plain || r.format == .json { r.ids.pid = pid }
    }

    /// A record stamp written without a zone (`asctime`: the process's local time), read in
    /// `--tz`, inside a wrapper whose stamp names its zone (kubectl `--timestamps`, journald
    /// `short-iso`/`short-full`, Grafana's download): when the two differ by a whole number of
    /// quarter hours (within 2 s: a logging handler flushes each record, so the wrapper stamps
    /// it at once; a line that arrived late is not moved), the process wrote in another zone than `--tz`, and the
    /// wrapper's instant is the true one: the record's stamp moves by that difference (keeping
    /// its own precision). A container in UTC on a host in CET differs by an hour from journald's
    /// local stamp and is moved; one in the host's zone is read with it. The same holds for a
    /// time of day dated from the run (the 1.6 compact console, the Rich console, app times,
    /// pino-pretty's `[HH:MM:ss.l]`).
    ///
    /// A stamp in whole seconds (the compact console prints `HH:MM:SS`; the Rich console's
    /// `HH:MM:SS.mmm` is to the millisecond, `.000` included) takes the wrapper's instant when
    /// that falls within its second: the wrapper stamped the line as it was written, to the
    /// microsecond, where the record's own stamp cut the fraction off (a greeting of 3.2 s had
    /// read 3 s). One from a later second is no fraction of it (a line flushed late, or a
    /// wrapper in whole seconds itself, `logcli`'s default output): the stamp stays.
    static func zoned(_ inner: Timestamp, format: LogFormat, by wrapper: WrittenTime) -> Timestamp {
        guard inner.hasDate, let day = wrapper.day, let offset = wrapper.offsetSeconds else { return inner }
        let wholeSeconds: Bool
        /// A time of day dated from the run: its date is the run's, not the process's own.
        let timeOfDay: Bool
        switch format {
        case .agentsText, .agentsJSONLegacy, .pythonAsctime: (wholeSeconds, timeOfDay) = (false, false)
        case .appTime, .agentsRich, .pinoPretty: (wholeSeconds, timeOfDay) = (false, true)
        case .agentsCompact: (wholeSeconds, timeOfDay) = (inner.micros % 1_000_000 == 0, true)
        default: return inner
        }
        let instant = day * Timestamp.microsPerDay + wrapper.microsOfDay - Int64(offset) * 1_000_000
        var diff = inner.micros - instant
        // A time of day whose zone puts the process on another date than the one it was dated
        // with (04:58 in +08:00 is 20:58 UTC the day before): its whole days off first.
        var days: Int64 = 0
        if timeOfDay {
            let half = Timestamp.microsPerDay / 2
            days = (diff + (diff >= 0 ? half : -half)) / Timestamp.microsPerDay
            diff -= days * Timestamp.microsPerDay
        }
        let quarter: Int64 = 900_000_000
        let quarters = (diff + (diff >= 0 ? quarter / 2 : -quarter / 2)) / quarter
        var moved = inner.micros
        if quarters != 0 || days != 0, abs(quarters) <= 56, abs(diff - quarters * quarter) <= 2_000_000 {
            moved -= quarters * quarter + days * Timestamp.microsPerDay
        }
        if wholeSeconds, instant >= moved, instant - moved < 1_000_000 { return Timestamp(micros: instant) }
        return Timestamp(micros: moved)
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
    /// The record a text line would start, parsed on a copy of the clock (the line is not
    /// taken): nil when it starts none.
    private func textRecord(_ b: Bytes) -> LogRecord? {
        var probe = LogRecord(input: input, line: 0, format: .plain, message: "")
        var scratchClock = clock
        return TextLineParser.parse(b, at: 0, clock: &scratchClock, lastRichTime: lastRichTime, into: &probe) ? probe : nil
    }

    private mutating func isContinuation(_ b: Bytes) -> Bool {
        guard let pendingInfo else { return false }
        let c = b[0]
        if richExtras != nil {
            // A wrapped extras line (column 0), unless a record starts.
            if c.isDigit || c.isSpaceOrTab, textRecord(b)?.format == .agentsRich { return false }
            return true
        }
        if pendingIsOpen {
            // Every line until the closing one, unless a record starts (a line cut short).
            if c.isDigit, textRecord(b)?.time != nil { return false }
            if lineIsColoured && lineEndsWithReset { return true }
            return !(c == UInt8(ascii: "{") && b[b.trimmedEnd(b.count) - 1] == UInt8(ascii: "}"))
        }
        if richTraceback && traceback == .inside {
            // Rich prints a record's traceback after it at column 0, folded at the console's
            // width (agents 1.3-1.5 `_print_plain_traceback`, 80 columns without a terminal):
            // a path cut anywhere, `line` / `978, in _connection_task`, the exception's text over
            // lines. Until a blank line (its end, or a chained traceback's break), every line
            // that starts no Rich record is the traceback's.
            return !(c.isDigit || c.isSpaceOrTab) || textRecord(b)?.format != .agentsRich
        }
        if c.isSpaceOrTab {
            // A Rich record with a blank time column also starts with spaces.
            return textRecord(b) == nil
        }
        if b.has("Traceback (most recent call last)", at: 0) {
            traceback = .inside
            return true
        }
        switch traceback {
        case .goCrash:
            return Self.continuesGoCrash(b)
        case .inside:
            // The exception line ends the traceback (`Exception: worker connection closed
            // unexpectedly`) - unless the traceback was cut and this is already the next record.
            if c.isDigit || c == UInt8(ascii: "{") || c == UInt8(ascii: "[") {
                let isJSON = c == UInt8(ascii: "{") && b[b.trimmedEnd(b.count) - 1] == UInt8(ascii: "}")
                if isJSON || textRecord(b)?.time != nil {
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
            if pendingInfo.isTaskException, b.has("future: ", at: 0) {
                return true
            }
            // zap's console encoder prints an error's stack after the line: a Go function
            // (`github.com/livekit/livekit-server/pkg/service.(*RTCService).serve`), then its
            // `\tfile:line` (which starts with a tab and so continues anyway).
            if pendingInfo.format == .zapConsole { return Self.isGoFrameFunction(b) }
            if pendingInfo.format == .browserConsole, Self.isDevToolsStackRow(b) { return true }
            if pendingInfo.format == .appTime || pendingInfo.format == .plain || pendingInfo.format == .browserConsole {
                return Self.isFirefoxMessageLine(b)
            }
            return false
        }
    }

    /// Chrome's console "Save as…" writes a warning's or an error's stack after it as rows of
    /// their own, `connect @ livekit-client.esm.mjs:20868`, `(anonymous) @ VM123:1`, with the
    /// async ones between them, `await in connect (async)` / `Promise.then (async)` (devtools-
    /// frontend JSPresentationUtils `buildStackTracePreviewContents`: each row a `\n` cell, the
    /// function, ` @ `, the link; UIUtils `asyncStackTraceLabel`). They had been plain records.
    static func isDevToolsStackRow(_ b: Bytes) -> Bool {
        let end = b.trimmedEnd(b.count)
        var start = end
        while start > 0 && !b[start - 1].isSpaceOrTab { start -= 1 }
        if start >= 4, b.has(" @ ", at: start - 3), TextLineParser.browserSourceRef(b, start) == end { return true }
        return b.has("await in ", at: 0) || b.slice(0, end).hasSuffix(" (async)")
    }

    /// Firefox's console export puts a message's object and its location on lines of their own
    /// (`signal connected ` / `Object { room: "…", roomID: "RM_…", … }` /
    /// `livekit-client.esm.mjs:18392:14`; client-sdk-js issues #529, #1663): the lines after a
    /// message, which had been read as an app line (with its time) or a plain one.
    static func isFirefoxMessageLine(_ b: Bytes) -> Bool {
        let end = b.trimmedEnd(b.count)
        if b.has("Object { ", at: 0) { return b[end - 1] == UInt8(ascii: "}") }
        if b.has("<anonymous code>:", at: 0) { return TextLineParser.isFirefoxLocation(b, 0, end) }
        return b.skipToken(0) >= end && TextLineParser.isFirefoxLocation(b, 0, end)
    }

    /// Takes a Firefox message's object or location line (`isFirefoxMessageLine`) into `r`,
    /// which becomes the browser's: the object's members are its fields (its ids), the location
    /// its `source`.
    private static func takeFirefoxMessageLine(_ b: Bytes, into r: inout LogRecord) {
        let end = b.trimmedEnd(b.count)
        if b.has("Object { ", at: 0) {
            guard let members = BrowserContext.parse(b, 7, end) else { return }
            r.fields.append(contentsOf: members)
            RecordEnricher.idsFromFields(members, into: &r)
        } else {
            // (First, as Chrome's is: the object may have a `source` of its own, a track's.)
            r.fields.prepend(("source", .string(b.string(0, end))))
        }
        r.format = .browserConsole
        r.logger = "livekit-client"
    }

    private mutating func appendContinuation(_ text: String, lines: Int, raw: Bytes? = nil, to out: inout [LogRecord]) {
        guard pendingIsInOut else { return }
        let k = out.count - 1 - pendingFromEnd
        out[k].lineCount += lines
        pendingInfo?.lineCount += lines
        if pendingInfo?.format == .pinoPretty, let raw, pinoValue != nil || raw.byte(0).isSpaceOrTab {
            if pinoValue != nil {
                if keeps(raw.count) { pinoValue!.lines.append(raw.string(0, raw.trimmedEnd(raw.count))) }
                let indent = raw.skipSpaces(0)
                if indent <= pinoValue!.indent, raw.byte(indent) == UInt8(ascii: "}") || raw.byte(indent) == UInt8(ascii: "]") {
                    closePinoValue(into: &out[k])
                }
                return
            }
            if let opened = Self.pinoOpening(raw) {
                pinoValue = (opened.key, opened.indent, [opened.bracket])
                return
            }
        }
        if pendingInfo?.format == .agentsRich, let raw {
            appendRichContinuation(raw, to: &out[k])
            return
        }
        // (A DevTools stack row is counted, not kept: its function names, `connect`,
        // `handleSignalClose`, are no part of the message the events are read from.)
        if let raw, pendingInfo?.format == .browserConsole, !raw.byte(0).isSpaceOrTab, Self.isDevToolsStackRow(raw) { return }
        if let raw, let format = pendingInfo?.format, format == .appTime || format == .plain || format == .browserConsole,
            !raw.byte(0).isSpaceOrTab, Self.isFirefoxMessageLine(raw)
        {
            Self.takeFirefoxMessageLine(raw, into: &out[k])
            pendingInfo?.format = .browserConsole
            return
        }
        let field = pendingInfo?.format == .pinoPretty ? raw.flatMap { $0.byte(0).isSpaceOrTab ? pinoField($0) : nil } : nil
        if let field {
            // (Counted with the continuation text: a record of endless `key: value` lines keeps
            // the first 4 MiB of them. Past a few fields, only the new one is read for ids: the
            // others were, and a walk over all of them for each line was quadratic.)
            guard keeps(raw?.count ?? 0) else { return }
            out[k].fields.append(field)
            if field.0 == "requestId" { RecordEnricher.requestJob(field.1, into: &out[k]) }
            if !out[k].fields.isRaw {
                if out[k].fields.count <= 8 { RecordEnricher.idsFromFields(&out[k]) } else { RecordEnricher.idsFromFields([field], into: &out[k]) }
            }
        } else {
            gate?.materialize(&out[k])
            // The line that closes an open coloured record: its grey part is the extras. Without
            // colours, a line that ends in an object with a pid or job id.
            let closing = pendingIsOpen && lineIsColoured && lineEndsWithReset
            if closing { pendingIsOpen = false }
            let marked = closing && Self.endsWithGreyText(colouredLine)
            let mayHoldExtras = pendingIsColoured ? marked : true
            if let raw, mayHoldExtras, let end = Self.takeExtrasOnContinuation(raw, into: &out[k], format: pendingInfo?.format, marked: marked) {
                // (Extras alone on the line add no empty line to the message.)
                let textEnd = raw.trimmedEnd(end)
                if textEnd > 0, keeps(end) { out[k].message += "\n" + raw.string(0, textEnd) }
            } else if keeps(text.utf8.count) {
                out[k].message += "\n" + text
            }
        }
    }

    /// A job process's `logger.exception` in agents dev text: the worker process prints the
    /// message it forwards (text and traceback, already formatted) and then the extras its
    /// parent adds (`pid`, `job_id`, `room` …), so they end the traceback's last line
    /// (`KeyError: 'x' {"pid": 4300, "job_id": "AJ_…"}`), not the first; so do a message's other
    /// lines. When the record's first line had no extras and this line ends in one JSON object
    /// with a `pid` or `job_id` (any object when the grey colour `marked` it), takes its fields,
    /// ids and error text into `r` and returns where the object starts (before its space).
    private static func takeExtrasOnContinuation(_ b: Bytes, into r: inout LogRecord, format: LogFormat?, marked: Bool) -> Int? {
        // (A Rust SDK line's target is a field the parser adds, not an extra.)
        guard format == .agentsText || format == .agentsCompact, r.ids.isEmpty, r.fields.allSatisfy({ $0.0 == "rust_target" }) else { return nil }
        let end = b.trimmedEnd(b.count)
        guard end > 2, b[end - 1] == UInt8(ascii: "}") else { return nil }
        var p = 1
        while let brace = b.index(of: UInt8(ascii: "{"), from: p), brace < end {
            if b[brace - 1] == 0x20, b.byte(brace + 1) == UInt8(ascii: "\"") {
                var probe = LogRecord(input: r.input, line: r.line, format: r.format, message: "")
                if TextLineParser.rawExtras(b, brace, end, &probe) != nil {
                    guard marked || probe.ids.pid != nil || probe.ids.jobId != nil else { return nil }
                    if r.fields.isEmpty { swap(&r.fields, &probe.fields) } else { r.fields.append(contentsOf: probe.fields.members) }
                    swap(&r.ids, &probe.ids)
                    if let e = probe.errorText { r.errorText = r.errorText.map { $0 + "\n" + e } ?? e }
                    return brace - 1
                }
            }
            p = brace + 1
        }
        return nil
    }

    /// A line after a Rich console record: its extras (on a line of their own, then wrapped at
    /// column 0), its message wrapped at the console's width (joined with a space, as Rich broke
    /// it at one), or a traceback printed in the message column (its lines kept).
    private mutating func appendRichContinuation(_ raw: Bytes, to r: inout LogRecord) {
        let lo = raw.skipSpaces(0)
        let hi = raw.trimmedEnd(raw.count)
        if richExtras != nil {
            // Rich drops the space it breaks a line at, unless it is left at the line's end (a
            // folded token had none).
            if keeps(raw.count) {
                if let last = richExtras!.last, last != 0x20,
                   !richExtras!.withUnsafeBufferPointer({ Self.continuesFoldedToken($0, raw) }) {
                    richExtras!.append(0x20)
                }
                richExtras!.append(contentsOf: raw[0..<raw.count])
            }
            if Self.bracesClose(richExtras!) { closeRichExtras(into: &r) }
            return
        }
        guard hi > lo else { return }
        if lo > 0, raw[lo] == UInt8(ascii: "{"), raw.byte(lo + 1) == UInt8(ascii: "\"") || raw.byte(lo + 1) == UInt8(ascii: "}") {
            gate?.materialize(&r)
            richTraceback = false
            richExtras = Array(raw[lo..<raw.count])
            if Self.bracesClose(richExtras!) { closeRichExtras(into: &r) }
            return
        }
        gate?.materialize(&r)
        // (Also cut by the message column's width: agents 1.5's is 34 columns at 80, where
        // Rich wraps it as `Traceback (most recent call` / `last):`.)
        if raw.has("Traceback (most ", at: lo) {
            richTraceback = true
            richTracebackIndent = lo
        }
        guard keeps(hi - lo) else { return }
        if (richTraceback || lo == 0), !(lo == 0 && r.message.withUTF8({ Self.continuesFoldedToken($0, raw.slice(0, hi)) })) {
            // (A traceback's own indentation kept: only the message column's is dropped. A token
            // folded at column 0, in a traceback Rich printed after the record, is one word.)
            r.message += "\n" + raw.string(richTraceback ? Swift.min(lo, richTracebackIndent) : 0, hi)
        } else if lo == 0 {
            r.message += raw.string(0, hi)
        } else if r.message.withUTF8({ Self.continuesFoldedToken($0, raw.slice(lo, hi)) }) {
            r.message += raw.string(lo, hi)
        } else {
            r.message += " " + raw.string(lo, hi)
        }
    }

    /// Whether a Rich line goes on a JWT that Rich folded at the console's width: a word longer
    /// than the line is cut where the line ends, with no space to drop, so its pieces join
    /// without one (joined with a space, the pieces after the first were no token to redact).
    ///
    /// The text so far ends in a run of token characters (base64url and dots, looked at up to
    /// 8 KiB back) that starts with `eyJ`, alone or after `%XX`, and `next` starts with a token
    /// character but not with a new `eyJ` (unless the text ends with the dot before a token's
    /// payload). A token that ends exactly at the line's end takes the next line's first word
    /// with it; the cost is that word, in a line that is redacted.
    static func continuesFoldedToken(_ text: Bytes, _ next: Bytes) -> Bool {
        func isTokenByte(_ c: UInt8) -> Bool { c.isAlnum || c == UInt8(ascii: "-") || c == UInt8(ascii: "_") || c == UInt8(ascii: ".") }
        guard let first = next.first, isTokenByte(first), !next.has("eyJ", at: 0) || text.last == UInt8(ascii: ".") else { return false }
        var start = text.count
        let floor = Swift.max(0, text.count - 8192)
        while start > floor, isTokenByte(text[start - 1]) { start -= 1 }
        guard start < text.count, start > floor || floor == 0 else { return false }
        // `eyJ` may itself be cut: its last bytes then start `next`.
        func byte(_ i: Int) -> UInt8 { i < text.count ? text[i] : next.byte(i - text.count) }
        func jwtAt(_ i: Int) -> Bool { byte(i) == UInt8(ascii: "e") && byte(i + 1) == UInt8(ascii: "y") && byte(i + 2) == UInt8(ascii: "J") }
        if jwtAt(start) { return true }
        return start > 0 && text[start - 1] == UInt8(ascii: "%") && start + 2 < text.count && text[start].isHexDigit
            && text[start + 1].isHexDigit && jwtAt(start + 2)
    }

    /// Whether the braces of `b` (outside JSON strings) are all closed.
    static func bracesClose(_ b: [UInt8]) -> Bool {
        var depth = 0
        var inString = false
        var escaped = false
        for c in b {
            if inString {
                if escaped { escaped = false } else if c == UInt8(ascii: "\\") { escaped = true } else if c == UInt8(ascii: "\"") { inString = false }
            } else if c == UInt8(ascii: "\"") {
                inString = true
            } else if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") {
                depth += 1
            } else if c == UInt8(ascii: "}") || c == UInt8(ascii: "]") {
                depth -= 1
                if depth == 0 { return true }
            }
        }
        return false
    }

    /// Ends a Rich record's extras: its fields and ids when they are one JSON object, else its
    /// text goes to the message.
    private mutating func closeRichExtras(into r: inout LogRecord) {
        guard let bytes = richExtras else { return }
        richExtras = nil
        bytes.withUnsafeBufferPointer { b in
            let hi = b.trimmedEnd(b.count)
            var probe = LogRecord(input: r.input, line: r.line, format: r.format, message: "")
            if TextLineParser.rawExtras(b, 0, hi, &probe) != nil {
                r.fields.append(contentsOf: probe.fields.members)
                r.ids.fill(from: probe.ids)
                if let e = probe.errorText { r.errorText = r.errorText.map { $0 + "\n" + e } ?? e }
            } else {
                r.message += "\n" + b.string(0, hi)
            }
        }
        if !r.fields.isRaw { RecordEnricher.idsFromFields(&r) }
    }

    /// A line of a Go runtime crash report after its `panic: ` (or `fatal error: `) line, which
    /// the runtime prints at once to stderr (`runtime/panic.go dopanic_m`): `[signal SIGSEGV: …]`,
    /// then for each goroutine (blank lines between them) `goroutine N [running]:` and its
    /// frames, a function with its arguments (`main.main()`, `panic({0x…, 0x…})`,
    /// `pkg.(*T).F(0xc000…, {0x0, 0x0})`) and a tab-indented `file:line +0x…` (which continues
    /// anyway), `created by pkg.F in goroutine N`, `...additional frames elided...`.
    static func continuesGoCrash(_ b: Bytes) -> Bool {
        if b.has("goroutine ", at: 0) { return b.byte(10).isDigit }
        if b.has("[signal ", at: 0) || b.has("created by ", at: 0) || b.has("runtime stack:", at: 0)
            || b.has("...additional frames elided...", at: 0)
        {
            return true
        }
        // A frame's function: a name without spaces up to its `(`, the line ending with `)`.
        let end = b.trimmedEnd(b.count)
        guard end > 2, b[end - 1] == UInt8(ascii: ")") else { return false }
        var i = 0
        while i < end, b[i] != UInt8(ascii: "(") {
            if b[i].isSpaceOrTab || b.has("://", at: i) { return false }
            i += 1
        }
        return i > 0 && i < end
    }

    /// A Go stack frame's function line: one word (no spaces), with a `.`, no URL.
    static func isGoFrameFunction(_ b: Bytes) -> Bool {
        let end = b.trimmedEnd(b.count)
        guard end > 2 else { return false }
        var dot = false
        for i in 0..<end {
            switch b[i] {
            case 0x20, 0x09: return false
            case UInt8(ascii: "."): dot = true
            case UInt8(ascii: ":") where b.has("://", at: i): return false
            default: break
            }
        }
        return dot
    }

    /// pino-pretty's `    key: {` (or `[`): the opening of a value printed over several lines.
    static func pinoOpening(_ b: Bytes) -> (key: String, indent: Int, bracket: String)? {
        let i = b.skipSpaces(0)
        var j = i
        while j < b.count && (b[j].isAlnum || b[j] == UInt8(ascii: "_") || b[j] == UInt8(ascii: ".")) { j += 1 }
        let end = b.trimmedEnd(b.count)
        guard j > i, b.byte(j) == UInt8(ascii: ":"), b.byte(j + 1) == 0x20, end == j + 3,
            b[j + 2] == UInt8(ascii: "{") || b[j + 2] == UInt8(ascii: "[")
        else { return nil }
        return (b.string(i, j), i, b[j + 2] == UInt8(ascii: "{") ? "{" : "[")
    }

    /// Ends the multi-line pino-pretty value: a field (its JSON, or its text where pino-pretty
    /// printed an error's stack as lines, which is no JSON); an `err`/`error` value is also the
    /// record's error text.
    private mutating func closePinoValue(into r: inout LogRecord) {
        guard let open = pinoValue else { return }
        pinoValue = nil
        let text = open.lines.joined(separator: "\n")
        let isError = open.key == "err" || open.key == "error"
        let value = parseJSON(text) ?? (isError ? Self.pinoPrettyError(open.lines) : nil) ?? .string(text)
        r.fields.append((open.key, value))
        if isError {
            // (As pino JSON's error object is read: `Type: message`.)
            let errorText: String
            if case .object(let members) = value, let message = members.first(where: { $0.0 == "message" })?.1.stringValue {
                let type = members.first(where: { $0.0 == "type" })?.1.stringValue ?? ""
                errorText = type.isEmpty ? message : type + ": " + message
            } else {
                errorText = text
            }
            r.errorText = r.errorText.map { $0 + "\n" + errorText } ?? errorText
        }
        if !r.fields.isRaw { RecordEnricher.idsFromFields(&r) }
    }

    /// pino-pretty's error value (`err`, `error`) back as the object pino logged: pino-pretty
    /// prints it as `JSON.stringify(value, null, 2)` does, one member a line, except the `stack`,
    /// whose string it prints raw on the lines after `"stack":`, four columns deeper (its comma
    /// dropped) (pinojs/pino-pretty lib/utils/prettify-error.js). `lines` are the value's lines,
    /// `{` to `}`; nil for any other shape (a member spread over lines: a nested object).
    static func pinoPrettyError(_ lines: [String]) -> JSONValue? {
        guard lines.count >= 3, lines[0] == "{", lines[lines.count - 1].drop(while: { $0 == " " }) == "}" else { return nil }
        var members: [(String, JSONValue)] = []
        var stack: [Substring]?
        var stackIndent = 0
        var memberIndent: Int?
        for line in lines[1..<(lines.count - 1)] {
            let indent = line.prefix(while: { $0 == " " }).count
            if stack != nil, indent >= stackIndent {
                stack!.append(line.dropFirst(stackIndent))
                continue
            }
            if let lines = stack {
                members.append(("stack", .string(lines.joined(separator: "\n"))))
                stack = nil
            }
            if memberIndent == nil { memberIndent = indent }
            let body = line.dropFirst(indent)
            guard indent == memberIndent, body.first == "\"" else { return nil }
            if body == "\"stack\":" {
                stack = []
                stackIndent = indent + 4
                continue
            }
            guard case .object(let member)? = parseJSON("{" + (body.last == "," ? body.dropLast() : body) + "}"), member.count == 1 else { return nil }
            members.append(member[0])
        }
        if let lines = stack { members.append(("stack", .string(lines.joined(separator: "\n")))) }
        return members.isEmpty ? nil : .object(members)
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
    /// length (`cscan_strip_ansi`: up to 32 bytes a step; `scratch` only grows); notes the line and
    /// whether it ends with a reset.
    private mutating func stripANSI(_ b: Bytes) -> Int {
        guard let base = b.baseAddress else { return 0 }
        scratch.reserve(b.count + 32)
        lineIsColoured = true
        colouredLine = b
        // (Most coloured lines end right after it: one load.)
        let end = b.count >= 4 && b[b.count - 1] == UInt8(ascii: "m") ? b.count : b.trimmedEnd(b.count)
        lineEndsWithReset = end >= 4 && UnsafeRawPointer(base + end - 4).loadUnaligned(as: UInt32.self) == UInt32(littleEndian: 0x6D30_5B1B)
        return cscan_strip_ansi(base, b.count, scratch.base)
    }

    /// Whether a coloured line that ends with a reset has grey text before it (`ESC[90m{…}ESC[0m`:
    /// the agents formatter's extras; `ESC[90mESC[0m` when there are none).
    static func endsWithGreyText(_ raw: Bytes) -> Bool {
        let end = raw.trimmedEnd(raw.count) - 4
        guard end > 5 else { return false }
        if raw.has("\u{1B}[90m", at: end - 5) { return false }
        // (Down to the line's start: a message that ends with a line break, a server body
        // `404 page not found\n`, leaves the extras alone on the next line, ` ESC[90m{…}ESC[0m`.)
        var i = end - 1
        while i >= 0 {
            if raw[i] == 0x1B { return raw.has("\u{1B}[90m", at: i) }
            i -= 1
        }
        return false
    }
}

/// A byte buffer that only grows (its contents are not kept when it does).
final class ScratchBytes {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int

    init(capacity: Int = 4096) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    /// Room for at least `count` bytes.
    func reserve(_ count: Int) {
        guard count > capacity else { return }
        base.deallocate()
        capacity = Swift.max(count, 2 * capacity)
        base = .allocate(capacity: capacity)
    }
}
