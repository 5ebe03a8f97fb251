#if canImport(Glibc)
import Glibc
#endif
/// What one input amounted to, for reports.
public struct InputSummary: Sendable {
    public var path: String
    public var stats: InputStats
}

/// The outcome of an analysis run: sessions, findings and what was read.
public struct Report: Sendable {
    public var inputs: [InputSummary]
    public var sessions: SessionList
    public var findings: FindingList
    public var configuration: AnalysisConfiguration
    /// Sessions seen in all (`sessions` may list fewer: unflagged ones beyond a cap are only counted).
    public var sessionCount: Int
    /// The most sessions the analysis held at once.
    public var peakLiveSessions = 0
    /// The selection `analyze` was asked for (`--session`, `--since`, `--until`), and the
    /// sessions it left out (not in `sessionCount`).
    public var filter: SessionFilter?
    public var sessionsLeftOut = 0
    /// Monitoring figures (when the analyzer was asked for them).
    public var monitor: MonitorAggregate?
    /// The sessions with the most serious findings, with their events (for swimlanes).
    public var worstSessions: [Session] = []
    /// The problems met in the input (unreadable files, invalid UTF-8 …), also printed on stderr:
    /// the machine-readable outputs carry them (JSON `diagnostics`, SARIF tool execution
    /// notifications, JUnit errors for inputs that could not be read).
    public var diagnostics = DiagnosticSink()
    /// The clocks the rotated logs' later files continued, by input index (`RotatedLogReader`).
    var clockCarries: [Int: StreamClock.Carry] = [:]

    public init(inputs: [InputSummary], sessions: [Session], findings: [Finding], configuration: AnalysisConfiguration, sessionCount: Int? = nil) {
        self.inputs = inputs
        self.sessions = SessionList(sessions)
        self.findings = FindingList(findings)
        self.configuration = configuration
        self.sessionCount = sessionCount ?? sessions.count
    }

    /// Paths by input index.
    public var paths: [String] { inputs.map(\.path) }

    /// Whether a finding reaches `threshold` (nil: never).
    public func hasFinding(atLeast threshold: Severity?) -> Bool {
        guard let threshold else { return false }
        return findings.contains(atLeast: threshold)
    }

    public func count(_ severity: Severity) -> Int { findings.count(severity) }

    /// The findings of a session, in report order: renderers walk the sessions and look their
    /// findings up by the session's `order` (keys are not unique: a reused room name gives
    /// several sessions one key).
    public func findings(of session: Session) -> [Finding] { findings.of(session: session.order) }
}

/// The sessions `analyze` reports: one named by `selector` (a room name, an RM_ room sid or an
/// AJ_ job id), and those with lines in [`since`, `until`) (its start before `until`, its end at
/// or after `since`: an incident's window holds the sessions it cut through).
public struct SessionFilter: Sendable {
    public var selector: String?
    public var since: Timestamp?
    public var until: Timestamp?

    public init(selector: String? = nil, since: Timestamp? = nil, until: Timestamp? = nil) {
        self.selector = selector
        self.since = since
        self.until = until
    }

    public func includes(_ session: Session) -> Bool {
        if let selector, !session.matches(selector) { return false }
        guard since != nil || until != nil else { return true }
        // (A time-only log's session has no date to place it in a window: left out, said.)
        guard let start = session.start, start.hasDate else { return false }
        if let until, !(start < until) { return false }
        if let since, (session.end ?? start) < since { return false }
        return true
    }

    /// The options that made it, for messages: `--session`, `--since`, `--until`.
    public var options: String {
        [selector.map { _ in "--session" }, since.map { _ in "--since" }, until.map { _ in "--until" }].compactMap { $0 }.joined(separator: "/")
    }
}

/// The library's entry point: inputs in, report out.
public struct Analyzer {
    public var ingest: IngestOptions
    public var configuration: AnalysisConfiguration
    /// Keep all records of sessions matched by this selector (room, RM_ sid or AJ_ job id).
    public var keepRecordsFor: String?
    public var keepAllRecords = false
    /// Keep each session's events in the report (for `timeline`); otherwise they are dropped once
    /// the detectors have run.
    public var keepSessionEvents = false
    /// Keep the events of the sessions this selector names (room, RM_ sid, AJ_ job id) only.
    public var keepEventsFor: String?
    /// Sessions without findings listed in the report at most (all are counted).
    public var maxListedSessions = 100_000
    /// Passed to the session tracker (see `SessionTracker.idleSeconds`, `maxLiveSessions`).
    public var sessionIdleSeconds: Double = 1800
    public var maxLiveSessions = 100_000
    /// Passed to the session tracker (see `SessionTracker.maxLiveBytes`).
    public var maxLiveBytes = 64 << 20
    /// Collect monitoring figures for sessions starting in this window (`report`).
    public var monitor: MonitorAggregate?
    /// Report only these sessions (`analyze --session/--since/--until`); the others are
    /// counted, not analysed.
    public var filter: SessionFilter?
    /// How many of the worst sessions keep their events in the report.
    public var worstSessionsKept = 3
    /// Above 1, inputs are cut into pieces parsed on worker threads while this one tracks
    /// sessions (`--jobs`); inputs too small to cut are parsed on a thread each.
    public var jobs = 1
    /// The size of those pieces (a file is split when it holds at least two).
    public var splitBytes = 512 << 10

    public init(ingest: IngestOptions = IngestOptions(), configuration: AnalysisConfiguration = AnalysisConfiguration()) {
        self.ingest = ingest
        self.configuration = configuration
    }

    /// Whether `filter` leaves `session` out (then counted: all, and those without a date).
    @inline(never)
    static func leaves(_ session: Session, out filter: SessionFilter, counting count: inout (all: Int, undated: Int)) -> Bool {
        guard !filter.includes(session) else { return false }
        count.all += 1
        if filter.since != nil || filter.until != nil, session.start?.hasDate != true { count.undated += 1 }
        return true
    }

    /// Inputs read in step, merged by time, each with its own read-ahead thread (with `--jobs`
    /// above 1) when at most this many are.
    static let mergeWidth = 64
    /// At most this many inputs are merged at once (file descriptors permitting): inputs whose
    /// times overlap or are unknown are read in batches of this size one after the other, so a
    /// session whose lines lie in two batches is cut in two (a day's server log beside a hundred
    /// users' browser consoles had each console past the 64th in a session of its own).
    static let maxMergeWidth = 1024

    /// Regular files below this size are parsed on the merging thread even with `--jobs` above 1.
    static let smallFileBytes: Int64 = 256 << 10

    static func isSmallFile(_ input: InputDescriptor) -> Bool {
        guard input.kind == .file else { return false }
        var st = stat()
        return stat(input.openPath, &st) == 0 && st.st_mode & S_IFMT == S_IFREG && Int64(st.st_size) < smallFileBytes
    }

    /// How many inputs to merge at once under this process's open-file limit: the soft limit is
    /// first raised to the hard one (shells default to 1,024 files); under a low hard limit
    /// (`ulimit -n 64`), fewer than `maxMergeWidth`, so that no input fails to open.
    static func mergeWidthForFileLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return mergeWidth }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = min(limit.rlim_max, 65_536)
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        // Each input: its file, and a few more for gzip, pipes and the threads' own; 24 for the rest.
        let available = Int(min(limit.rlim_cur, 1 << 20)) - 24
        return max(1, min(maxMergeWidth, available / 2))
    }

    /// Reads every input, merged by time, and runs every detector on every session. Sessions idle
    /// for long are finalised on the way, so memory follows the number of concurrent sessions.
    public func run(_ inputs: [InputDescriptor], diagnostics: inout DiagnosticSink) -> Report {
        let referenceDays = ingest.date.map { d in inputs.map { _ in d } } ?? Ingestor.learnReferenceDays(inputs, options: ingest)
        let tracker = SessionTracker(
            configuration: configuration, paths: inputs.map(\.path), keepRecordsFor: keepRecordsFor, keepAllRecords: keepAllRecords)
        tracker.idleSeconds = sessionIdleSeconds
        tracker.maxLiveSessions = maxLiveSessions
        tracker.maxLiveBytes = maxLiveBytes
        let summaries: [InputSummary]
        var sessions = SessionList()
        var findings = FindingList()
        var sessionCount = 0
        var unlisted = 0
        var monitor = self.monitor
        var worst: [(score: Int, session: Session)] = []
        // (`analyze --session/--since/--until`: the sessions left out, and those without a date.)
        var leftOut = (all: 0, undated: 0)
        // (Out of line: it runs when sessions end, and inlined into the closure each record goes
        // through it had cost every record some 35 instructions.)
        @inline(never) func finalise(_ finished: [Session]) {
            for session in finished {
                if filter != nil, Self.leaves(session, out: filter!, counting: &leftOut) { continue }
                sessionCount += 1
                var flagged = false
                var sessionFindings: [Finding] = []
                for detector in DetectorRegistry.all {
                    for f in detector.detect(session, configuration: configuration) {
                        findings.append(f)
                        sessionFindings.append(f)
                        flagged = true
                    }
                }
                if monitor != nil {
                    monitor!.add(session, findings: sessionFindings)
                    let score = sessionFindings.reduce(0) { $0 + ($1.severity == .error ? 100 : $1.severity == .warning ? 10 : 1) }
                    if score > 0, monitor!.includes(session), worstSessionsKept > 0 {
                        worst.append((score, session))
                        worst.sort { $0.score != $1.score ? $0.score > $1.score : $0.session.order < $1.session.order }
                        if worst.count > worstSessionsKept { worst.removeLast() }
                    }
                }
                if !flagged && sessions.count >= maxListedSessions {
                    unlisted += 1
                    continue
                }
                let keep = keepAllRecords || keepSessionEvents || (keepEventsFor.map { session.matches($0) } ?? false)
                sessions.append(keep ? session : session.compacted())
            }
        }
        let classifier = keepAllRecords ? nil : tracker.classifier
        // Inputs that follow one another in time (rotated logs) are read one after the other.
        var extents: [ReadingOrder.Extent] = inputs.count > 1 && inputs.count <= ReadingOrder.maxEstimated
            ? inputs.map { ReadingOrder.extent(of: $0, options: ingest) } : inputs.map { _ in .unknown }
        // A rotated log whose files' dated stamps do not order them (time-only, gzip) is read
        // as one input, in rotation order, each file's clock continuing the one before it.
        var chainOf: [Int: [Int]] = [:]
        var laterInChain = Set<Int>()
        for chain in RotatedLogReader.chains(inputs) where chain.contains(where: { extents[$0] == .unknown }) {
            chainOf[chain[0]] = chain
            laterInChain.formUnion(chain.dropFirst())
            extents[chain[0]] = .unknown
        }
        // A file of pods' logs one after the other (`kubectl logs -l … --prefix`): its blocks
        // are merged by time, so its span is not its ends'.
        var blocksOf: [Int: [SourceBlocks.Block]] = [:]
        for i in inputs.indices where inputs[i].kind == .file && !laterInChain.contains(i) && chainOf[i] == nil {
            guard let blocks = SourceBlocks.scan(inputs[i]) else { continue }
            blocksOf[i] = blocks
            extents[i] = .unknown
        }
        let units = inputs.indices.filter { !laterInChain.contains($0) }
        var summaryOf = [InputSummary?](repeating: nil, count: inputs.count)
        var clockCarries: [Int: StreamClock.Carry] = [:]
        let groups = ReadingOrder.groups(units.map { extents[$0] }, width: inputs.count > 8 ? Self.mergeWidthForFileLimit() : Self.mergeWidth)
        for group in groups {
            let batch = group.map { units[$0] }
            // With jobs > 1, an input is cut into pieces parsed on worker threads (this thread
            // parses a piece too when the one it needs next is not ready): one input gets
            // `jobs - 1` workers, several share `jobs` between them. Inputs in memory and files
            // too small to cut are parsed on a thread each (files under 256 KiB on this one),
            // or on this one with one job.
            let workers = batch.count == 1 ? jobs : jobs / batch.count + 1
            // The inputs of a wide merge are all read on this thread: their parsers share memos.
            let wide = batch.count > Self.mergeWidth
            let sharedMemos = wide ? RecordStream.SharedMemos() : nil
            let open = { [ingest, referenceDays, splitBytes, jobs, blocksOf] (i: Int, carry: StreamClock.Carry?, diagnostics: inout DiagnosticSink) -> InputReader in
                var options = ingest
                if let carry { options.clockCarries = [i: carry] }
                if let blocks = blocksOf[i], let reader = SourceBlockReader(
                    inputs[i], index: i, blocks: blocks, options: options, referenceDay: referenceDays[i], classifier: classifier,
                    diagnostics: &diagnostics)
                {
                    return .blocks(reader)
                }
                if workers >= 2, let chunked = ChunkedRecordStream.make(
                    inputs[i], index: i, options: options, referenceDay: referenceDays[i], classifier: classifier, workers: workers,
                    pieceBytes: splitBytes)
                {
                    if chunked.pieceBytes > splitBytes {
                        diagnostics.report(Diagnostic(.note, path: inputs[i].path, kind: "pieces-raised",
                            "cut into pieces of \(DiagnosticSink.grouped(Int(chunked.pieceBytes))) bytes, not \(DiagnosticSink.grouped(splitBytes)) (--split-bytes): at most \(ChunkedRecordStream.maxPieces) pieces a file"))
                    }
                    return .chunked(chunked)
                }
                // Inputs merged by time are mostly waiting for their turn (rotated logs: all but
                // one), holding what they read ahead: the more inputs, the less each reads ahead.
                // 64 inputs: 64 KiB reads and 1,024 records queued each (before: 1 MiB and 32,768,
                // 723 MB for 200 pieces of a 1 GiB log).
                // Past `mergeWidth` inputs (up to `maxMergeWidth`), 16 KiB reads and batches of 16
                // records: 1,000 inputs of 250 KB had reached 289 MB of peak RSS.
                let share = batch.count <= 2 ? 1 : batch.count
                let stream = RecordStream(inputs[i], index: i, options: options, referenceDay: referenceDays[i], classifier: classifier,
                                          readBytes: wide ? 16 << 10 : max(64 << 10, (1 << 20) / share), sharing: sharedMemos,
                                          diagnostics: &diagnostics)
                if wide { stream.mergeBatch = 16 }
                let queued = max(1024, 32_768 / share)
                // A small file is parsed here: a thread of its own costs more than it saves
                // (10,000 files of 4 KB took 2.1 s with --jobs 2, 0.4 s with --jobs 1). So is
                // every input of a merge wider than `mergeWidth`: not a thread each.
                guard jobs > 1, batch.count <= Self.mergeWidth, !Self.isSmallFile(inputs[i]) else { return .inline(stream) }
                return .threaded(ThreadedRecordStream(stream, batchSize: queued / 8, depth: 8))
            }
            let streams: [InputReader] = batch.map { i in
                if let chain = chainOf[i] { return .chain(RotatedLogReader(members: chain, diagnostics: &diagnostics, open: open)) }
                return open(i, nil, &diagnostics)
            }
            func summarise() {
                for s in streams { s.mergeDiagnostics(into: &diagnostics) }
                for (i, s) in zip(batch, streams) {
                    guard case .chain(let chain) = s else {
                        summaryOf[i] = InputSummary(path: s.path, stats: s.stats)
                        continue
                    }
                    for (j, summary) in chain.summaries { summaryOf[j] = summary }
                    clockCarries.merge(chain.carries) { $1 }
                }
            }
            if streams.count == 1 {
                // One input: no merge; on this thread, records go from the parser to the tracker
                // without being queued (each copy of a record costs).
                streams[0].drain(diagnostics: &diagnostics) { (record: inout LogRecord) in
                    tracker.evictIdle(before: record.time, finalise)
                    tracker.add(record)
                }
                summarise()
                continue
            }
            // k-way merge by time; a record without a time keeps its place after its input's
            // previous record. Records are lent where they lie, never copied into merge slots.
            // An input's place changes only when its record is taken: then it alone is read on.
            var clocks = [Int64](repeating: .min, count: streams.count)
            var heap = MergeHeap(capacity: streams.count)
            for k in streams.indices where streams[k].ensure(diagnostics: &diagnostics) {
                heap.push(streams[k].headTime?.micros ?? clocks[k], k)
            }
            while let pick = heap.top {
                streams[pick].consume { (record: inout LogRecord) in
                    if let t = record.time { clocks[pick] = t.micros }
                    tracker.evictIdle(before: record.time, finalise)
                    tracker.add(record)
                }
                if streams[pick].ensure(diagnostics: &diagnostics) {
                    heap.replaceTop(streams[pick].headTime?.micros ?? clocks[pick])
                } else {
                    heap.popTop()
                }
            }
            summarise()
        }
        summaries = summaryOf.compactMap { $0 }
        finalise(tracker.finish())
        for d in tracker.diagnostics { diagnostics.report(d) }
        if unlisted > 0 {
            diagnostics.report(Diagnostic(.note, path: "", kind: "sessions-unlisted",
                "\(DiagnosticSink.grouped(unlisted)) sessions without findings are counted but not listed (more than \(DiagnosticSink.grouped(maxListedSessions)))"))
        }
        if let filter {
            if leftOut.undated > 0 {
                diagnostics.report(Diagnostic(.note, path: "", kind: "sessions-undated",
                    "\(DiagnosticSink.grouped(leftOut.undated)) session\(leftOut.undated == 1 ? " has" : "s have") no date (a time-only log: give its day with --date), so no place in the --since/--until window: left out"))
            }
            if sessionCount == 0 {
                let window = filter.since != nil || filter.until != nil ? "the --since/--until window" : nil
                let what = [filter.selector.map { "--session '\($0)'" }, window].compactMap { $0 }.joined(separator: " in ")
                diagnostics.report(Diagnostic(.note, path: "", kind: "no-session-selected",
                    "no session matches \(what) (\(DiagnosticSink.grouped(leftOut.all)) session\(leftOut.all == 1 ? "" : "s") left out)"))
            }
        }
        sessions.sortByOrder()
        findings.sortBySession()
        var report = Report(inputs: summaries, sessions: [], findings: [], configuration: configuration, sessionCount: sessionCount)
        report.sessions = sessions
        report.findings = findings
        report.peakLiveSessions = tracker.peakLiveSessions
        report.monitor = monitor
        report.worstSessions = worst.map(\.session)
        report.filter = filter
        report.sessionsLeftOut = leftOut.all
        report.clockCarries = clockCarries
        return report
    }
}

/// One input being read: on this thread, on a thread of its own, in pieces on several, or a
/// rotated log's files one after the other (each read in one of those ways).
enum InputReader {
    case inline(RecordStream)
    case threaded(ThreadedRecordStream)
    case chunked(ChunkedRecordStream)
    case chain(RotatedLogReader)
    /// A file of several sources' logs one after the other, its blocks merged (`SourceBlocks`).
    case blocks(SourceBlockReader)

    /// Whether a record is waiting; then `headTime` and `consume` apply to it.
    func ensure(diagnostics: inout DiagnosticSink) -> Bool {
        switch self {
        case .inline(let s): s.ensure(diagnostics: &diagnostics)
        case .threaded(let s): s.ensure()
        case .chunked(let s): s.ensure()
        case .chain(let s): s.ensure(diagnostics: &diagnostics)
        case .blocks(let s): s.ensure(diagnostics: &diagnostics)
        }
    }

    var headTime: Timestamp? {
        switch self {
        case .inline(let s): s.headTime
        case .threaded(let s): s.headTime
        case .chunked(let s): s.headTime
        case .chain(let s): s.headTime
        case .blocks(let s): s.headTime
        }
    }

    func consume(_ body: (inout LogRecord) -> Void) {
        switch self {
        case .inline(let s): s.consume(body)
        case .threaded(let s): s.consume(body)
        case .chunked(let s): s.consume(body)
        case .chain(let s): s.consume(body)
        case .blocks(let s): s.consume(body)
        }
    }

    /// Every remaining record (a lone input: no merge).
    func drain(diagnostics: inout DiagnosticSink, _ body: (inout LogRecord) -> Void) {
        switch self {
        case .inline(let s): s.drain(diagnostics: &diagnostics, body)
        case .chunked(let s): s.drain(body)
        case .chain(let s): s.drain(diagnostics: &diagnostics, body)
        case .blocks(let s): s.drain(diagnostics: &diagnostics, body)
        case .threaded: while ensure(diagnostics: &diagnostics) { consume(body) }
        }
    }

    var path: String {
        switch self {
        case .inline(let s): s.input.path
        case .threaded(let s): s.input.path
        case .chunked(let s): s.input.path
        case .chain(let s): s.path
        case .blocks(let s): s.input.path
        }
    }

    /// The input's counts (a chain's are its files', in its `summaries`).
    var stats: InputStats {
        switch self {
        case .inline(let s): s.stats
        case .threaded(let s): s.stats
        case .chunked(let s): s.stats
        case .chain: InputStats()
        case .blocks(let s): s.stats
        }
    }

    /// The clock as the input ended (after it is exhausted), for a rotated log's next file.
    var clockCarry: StreamClock.Carry? {
        switch self {
        case .inline(let s): s.clockCarry
        case .threaded(let s): s.clockCarry
        case .chunked(let s): s.clockCarry
        case .chain, .blocks: nil
        }
    }

    /// Diagnostics gathered on other threads (after the input is exhausted; a chain's are
    /// merged as each of its files ends).
    func mergeDiagnostics(into sink: inout DiagnosticSink) {
        switch self {
        case .inline, .chain, .blocks: break
        case .threaded(let s): sink.merge(s.diagnostics)
        case .chunked(let s): sink.merge(s.diagnostics)
        }
    }
}
