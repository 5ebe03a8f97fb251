/// Joins records from every input into sessions (DOMAIN.md (d) join recipe), streaming.
///
/// Keys: room sid, job id, participant sid, room name, participant identity, then (input, pid).
/// A record naming two keys links them; sessions whose sids or room names conflict never merge
/// (a reused room name with a new `RM_` sid is a new session). Records with no ids are kept as
/// events and attached by input and time to the sessions active then. A run with no ids at all
/// (time-only worker prints, browser consoles) is cut into sessions where a session starts again
/// (see `segment(for:_:_:)`).
public final class SessionTracker {
    let configuration: AnalysisConfiguration
    let classifier: EventClassifier
    let paths: [String]
    /// Event texts are stored redacted: no secret is kept in memory longer than its line.
    private let redactor = Redactor()
    /// Keep every record of sessions matching this selector (for `timeline`).
    let keepRecordsFor: String?
    let keepAllRecords: Bool

    private final class Builder {
        var room: String?
        var roomSid: String?
        var jobIds = IDList()
        var participants = IDList()
        var start: Timestamp?
        var end: Timestamp?
        var sides: Set<Side> = []
        var inputs: Set<Int> = []
        var recordCount = 0
        var events: [SessionEvent] = []
        /// Metrics events kept (the first ones and those around the greeting); the rest are counted.
        var keptMetrics = 0
        var droppedMetrics = 0
        /// Events past `maxSessionEvents` (counted, not kept).
        var droppedEvents = 0
        /// Whether a job id, identity or sid past `maxSessionIDs` was not listed.
        var droppedIDs = false
        var greetingOpen = false
        /// The latest client record per input and side (few per session: searched, not hashed).
        var last: [(input: Int, side: Side, time: Timestamp, location: SourceLocation)] = []
        /// The wrapper sources (compose services, units) of its records, by input (few: searched);
        /// `lastSource` spares the search for a run of one source's lines.
        var sources: [(input: Int, source: Int32)] = []
        var lastSource: Int32 = -1

        /// The index in `last` of `input`'s and `side`'s latest record (a loop over the elements:
        /// `firstIndex(where:)` with two compares retained the array for every record).
        @inline(__always)
        func lastIndex(input: Int, side: Side) -> Int? {
            var i = 0
            while i < last.count {
                if last[i].input == input && last[i].side == side { return i }
                i += 1
            }
            return nil
        }
        var gaps: [Int: [SilentGap]] = [:]
        /// Silences that ended just before an authentication failure, apart from `gaps` (which
        /// keeps only the longest): the one a token detector needs (`pin`).
        var pinnedGaps: [Int: [SilentGap]] = [:]
        /// The input and side of the previous record (most records repeat them).
        var lastInput = -1
        var lastSide: Side?
        var records: [LogRecord] = []
        var firstSeen: Int
        var keepRecords = false
        /// Keys this session was registered under (to unregister it when it is finalised).
        var participantSids = IDList()
        var pids: [PidKey] = []
        /// The last pid this session registered, while `pidEpoch` says it still holds it.
        var lastPid: PidKey?
        var lastPidEpoch = 0
        /// Indices merged into this session (freed with it).
        var merged: [Int] = []
        /// Turn assembly for response latency (EOU delay + LLM ttft + TTS ttfb), online.
        var pendingEOU: Double?
        var pendingLLM: Double?
        var responses: [Float] = []
        var replies = 0
        var audioSeconds = 0.0
        /// For a session of a run without ids: its number (1, 2, …), and its events without a time.
        var segment = 0
        var undatedEvents = 0
        /// The server logged `room closed` for this session's room sid (at this time, if it had
        /// one): a later line that names the room only (a backend's token mint) is about the
        /// room's next session.
        var roomClosed = false
        var roomClosedAt: Timestamp?
        /// The jobs whose process the worker saw end (`process exiting`, a crash or kill line
        /// naming the job), and the latest such end: once every job of the session has ended,
        /// the worker's later id-less events (its connection lost, its give-up) are not its.
        var exitedJobs = IDList()
        var jobsExitedAt: Timestamp?
        /// The latest time of the server's lines with the session's ids: a server still up
        /// logs its clients' resume after they lost the connection.
        var serverEnd: Timestamp?

        /// Whether the session's agent may still be in its room: a job of it was logged, and
        /// neither the end of every job's process nor the room's close was. Such a session that
        /// falls silent is a suspended host or an idle user, not a finished one (see
        /// `openIdleFactor`).
        var agentMayBeConnected: Bool { !roomClosed && jobOpen }

        /// Whether a job of the session was logged whose process's end was not.
        var jobOpen: Bool {
            guard jobIds.count > 0 else { return false }
            return exitedJobs.count < jobIds.count || !jobIds.items.allSatisfy { exitedJobs.contains($0) }
        }

        /// Whether the session's browser may still come back: it logged lines, and not its end
        /// since (`disconnect from room`, or giving up reconnecting). A browser whose host slept
        /// wakes to resume with a token that expired meanwhile, after its room closed without
        /// it; finalising the session during the sleep split it in two (the second without its
        /// job, its silence or its start). See `openIdleFactor`.
        var browserMayReturn = false

        /// Whether every job of the session had ended before `time`.
        func jobsEnded(before time: Timestamp?) -> Bool {
            guard let time, let ended = jobsExitedAt, time > ended, jobIds.count > 0, exitedJobs.count >= jobIds.count else { return false }
            return jobIds.items.allSatisfy { exitedJobs.contains($0) }
        }

        /// Whether the room had closed by `time` (a line written before the close but read
        /// after it, out of order, is still the closed session's).
        func closedBefore(_ time: Timestamp?) -> Bool {
            guard roomClosed else { return false }
            guard let time, let closed = roomClosedAt else { return true }
            return time >= closed
        }
        /// Begun by a timed line naming a room whose session (this room sid) was known only from
        /// lines without a time: if no room sid of its own turns up, it is that session after all.
        var splitFromSid: String?
        /// Whether `untimedInputSession` may name it (see there): purged when it is finalised.
        var untimedAnchor = false

        init(order: Int) { firstSeen = order }
    }

    /// Live sessions by index; nil once finalised (or merged away).
    private var slots: [Builder?] = []
    private var liveCount = 0
    /// The most sessions held at once (memory is proportional to it).
    private(set) var peakLiveSessions = 0
    /// Indices of live sessions (may hold merged-away ones until the next eviction pass).
    private var live: [Int] = []
    private var parent: [Int] = []
    /// Indices of finalised sessions, reused by new ones (so that the index arrays follow the
    /// most sessions alive at once, not all sessions of the run). `retired` waits until no list
    /// of live indices can still name them.
    private var free: [Int] = []
    private var retired: [Int] = []
    private let byRoomSid = KeyIndex()
    private let byRoom = KeyIndex()
    private let byJob = KeyIndex()
    private let byParticipantSid = KeyIndex()
    private let byParticipant = KeyIndex()
    private let byPid = HashIndex<PidKey>()
    /// Pids that served more than one session, or a worker (see `registerPid`).
    private let sharedPids = HashIndex<PidKey>(capacity: 16)
    private var unassigned: [SessionEvent] = []
    /// For records the parser did not classify (all records are kept: no lite records then).
    private var classifyMemo = LiteralSet.Memo()
    /// Id-less events without a time (uvicorn access lines, untimed prints): they can join a
    /// session only at the end of the run, so evictions do not walk them; at most
    /// `maxUndatedUnassigned` are kept (the newest).
    private var undatedUnassigned: [SessionEvent] = []
    private var undatedDropped = 0
    /// An untimed log (a browser console saved without DevTools timestamps, Chrome's default)
    /// tells its id-less lines' session by their place: the session of each such input's latest
    /// untimed line with ids (by input index), and the input's id-less session starts (and
    /// events before any line with ids) waiting for its next one. An uncaught NegotiationError
    /// or a `signal connecting` with its context still undefined is its own console's call's,
    /// not the run's last live session's.
    private var untimedInputSession: [Int: Int] = [:]
    private var untimedWaiting: [Int: [SessionEvent]] = [:]
    private var untimedWaitingCount = 0
    static let maxUndatedUnassigned = 10_000
    /// The most sessions one id-less event joins; one that fits more joins none (noted; an
    /// event is looked at again by each eviction its time falls in, so they are kept by line).
    static let maxFanOut = 256
    /// livekit-server's crash report or stop (`exit requested, shutting down`) ends every room
    /// live on it: it joins up to this many (a node with 300 rooms had given none a finding).
    static let maxServerExitFanOut = 20_000
    static func fanOutLimit(_ kind: EventKind) -> Int {
        switch kind {
        case .serverCrash, .serverShutdown: maxServerExitFanOut
        default: maxFanOut
        }
    }
    /// Id-less events that fell within more than `maxFanOut` sessions and joined none (so far).
    private var unattachedWide = 0
    private var unassignedRecords: [LogRecord] = []
    /// Timed id-less events that joined no session (metrics aside): a worker's registration
    /// rejected (which joins none, see `attach(_:to:final:)`: a rotated secret, a wrong key), a
    /// server's `invalid API key` or body-less `token is expired` when no room was, an
    /// incident's time-only worker prints months away from the run's sessions with ids. At the
    /// end they make sessions of their own, each log's cut as a run without ids is (see
    /// `orphanSessions`), so that what they show is reported (they had been dropped). At most
    /// `maxOrphanEvents` are kept (the first); the rest are counted and noted.
    private var orphans: [SessionEvent] = []
    private var orphansDropped = 0
    static let maxOrphanEvents = 10_000
    /// The most events one session keeps (about 300 bytes each): a session that lasts the whole
    /// log with a reconnect loop or an error on every line would otherwise hold them all. Later
    /// ones are counted (noted at the end), so memory follows the sessions live at once.
    static let maxSessionEvents = 20_000
    /// The most job ids, participant identities, participant sids and pids one session lists
    /// and indexes, each: a room that lives the whole log with a new participant on every line (a
    /// lobby, a load test) would otherwise hold them all. Its later ones join it by its room.
    static let maxSessionIDs = 10_000
    private var idCappedSessions = 0
    private var firstIDCappedSession: String?
    /// Sessions that reached `maxSessionEvents`, the events they did not keep and the first one's label.
    private var cappedSessions = 0
    private var cappedEvents = 0
    private var firstCappedSession: String?

    /// Keeps `e` when it is a timed event that joined no session (one within several sessions
    /// or too many, already noted as such, is not kept; nor are metrics, only counted in any
    /// session).
    private func keepIfOrphan(_ e: SessionEvent) {
        guard e.time != nil, !e.kind.isMetrics, !e.joinedBefore, !e.countedAmbiguous, !e.countedWide else { return }
        if orphans.count < Self.maxOrphanEvents { orphans.append(e) } else { orphansDropped += 1 }
    }
    /// Whether any record so far had session ids; until one has, id-less records go to segments.
    private var sawIDs = false
    /// The segment id-less records join, the session starts it holds (by input and text) and
    /// whether one of them is the agent's; segments made so far.
    private var currentSegment: Int?
    private var segmentStarts: Set<String> = []
    /// The most different start lines a segment remembers (a later one does not cut it when it
    /// comes again): a run whose every start line differs (`connecting to room lobby-N`) held
    /// them all, and was never cut.
    static let maxSegmentStarts = 1_024
    private var segmentHasAgentStart = false
    /// The latest time of the segment's lines other than a server's (see `segment(for:_:_:)`).
    private var segmentLastClientTime: Timestamp?
    private var segmentCount = 0
    /// Segments no longer filled, oldest first: finalised once more than `maxSealedSegments` wait
    /// (a time-only log has no dates to go idle by), dissolved with the others if ids come first.
    private var sealed: [Int] = []
    static let maxSealedSegments = 4
    /// The latest record time seen (the merged clock); sessions idle long before it are finalised.
    /// Stamps without a date (time-only logs with no date anywhere in the run) keep a clock of
    /// their own: their micros count from an unknown day, so they are compared only with each
    /// other. Each clock has the time before which no live session can have gone idle.
    private var now: Timestamp?
    private var nowUndated: Timestamp?
    private var sinceEviction = 0
    private var nextIdleCheck = Timestamp(micros: .min)
    private var nextUndatedIdleCheck = Timestamp(micros: .min)
    private(set) var diagnostics: [Diagnostic] = []
    private var evictedAny = false
    private var cappedAny = false
    /// Sessions idle this long (log time) are finalised early; `maxLiveSessions` caps the rest.
    public var idleSeconds: Double = 1800
    /// A session whose agent may still be in its room (`Builder.agentMayBeConnected`), or whose
    /// browser may still come back (`Builder.browserMayReturn`), is finalised only after this
    /// many times `idleSeconds`: a host suspended for 40 minutes
    /// wakes to a 401 cascade whose silence is the evidence, and finalising the session during
    /// the silence split it in two (the second one a few seconds long, its lifetime counted
    /// from the rejected token's nbf and no silence to name the suspended host).
    static let openIdleFactor = 24.0
    /// The most such sessions kept past `idleSeconds` at once (the least recently active go
    /// first): logs whose jobs never log their end (another runtime's) keep memory bounded.
    static let maxOverdueOpenSessions = 1_000
    public var maxLiveSessions = 100_000
    /// The most memory the live sessions may hold, as `footprint` estimates it: 100,000 live
    /// sessions of a few events each held 163 to 303 MB, and 90,000 live sessions that each get
    /// a line every 90 ms of log time (a resume loop in every room), never idle, held 670 MB on
    /// 300 MB of log and 1.6 GB on 600 MB, keeping up to `maxSessionEvents` events each. Past it,
    /// the least recently active are finalised early, as past `maxLiveSessions`.
    public var maxLiveBytes = 64 << 20
    private var bytesCappedAny = false
    /// The input whose index keys each input's silences: the first of its rotated logs
    /// (`agent.log.1` then `agent.log`: one stream, whose silence may span the rotation).
    /// (nil when no input is another's rotated predecessor: each input is its own stream.)
    private let silenceStream: [Int]?
    /// The latest record of each input, by input index (of its `silenceStream`).
    private var inputLast: [(Timestamp, SourceLocation)?]
    /// The latest LiveKit server line of each input (a log that merges services), by input index.
    private var inputServerLast: [Timestamp?]
    private var inputGaps: [Int: [SilentGap]] = [:]
    /// A log's clock going back by `clockStepSeconds` or more: the first line behind, until the
    /// next line confirms it (behind too: a step; else one line out of order), then the steps.
    private var pendingClockSteps: [Int: ClockStep] = [:]
    private var clockSteps: [Int: [ClockStep]] = [:]
    static let clockStepSeconds = 5.0
    /// Steps kept per log (a log whose lines go back and forth: the first ones say it).
    static let maxClockSteps = 64
    /// Steps said in a note each, in the run; past them, counted and said once at the end.
    private var clockStepNotes = 0
    private var clockStepsUnsaid = 0
    /// The worker processes' starts (`starting worker`), by log stream and wrapper source, in
    /// reading order: a job whose last line comes before a new process of its worker was cut
    /// (`Session.nextWorkerStart`). Kept here, not as events of the sessions open then.
    private var workerStarts: [WorkerStartKey: [WorkerStart]] = [:]
    /// The stop and drain each stream and source's worker logged since its last start (or the
    /// log's beginning), for its next start: id-less, they join only sessions within 2 min.
    private var workerStops: [WorkerStartKey: (stopped: Bool, drain: SessionEvent?)] = [:]
    /// Starts kept per stream and source (a worker in a crash loop: the first ones are enough).
    static let maxWorkerStarts = 1_024

    private struct WorkerStartKey: Hashable {
        var stream: Int
        var source: Int32
    }

    /// Whole-input silences that ended just before an authentication failure (`pin`).
    private var pinnedInputGaps: [Int: [SilentGap]] = [:]
    private var order = 0

    private struct PidKey: IndexKey {
        var input: Int
        var pid: Int
        func indexHash(_ seeds: (UInt64, UInt64)) -> UInt64 {
            IndexHash.mix(UInt64(truncatingIfNeeded: pid) ^ seeds.0, UInt64(truncatingIfNeeded: input) ^ seeds.1)
        }
    }

    public init(configuration: AnalysisConfiguration, paths: [String], keepRecordsFor: String? = nil, keepAllRecords: Bool = false) {
        self.configuration = configuration
        self.classifier = EventClassifier(configuration: configuration)
        self.paths = paths
        self.keepRecordsFor = keepRecordsFor
        self.keepAllRecords = keepAllRecords
        self.inputLast = Array(repeating: nil, count: paths.count)
        self.inputServerLast = Array(repeating: nil, count: paths.count)
        var firstOfStream: [String: Int] = [:]
        let streams = paths.enumerated().map { i, path in
            let base = Self.rotationBase(path)
            if let first = firstOfStream[base] { return first }
            firstOfStream[base] = i
            return i
        }
        self.silenceStream = streams.enumerated().contains { $0.offset != $0.element } ? streams : nil
    }

    /// The input whose index keys `input`'s silences (see `silenceStream`).
    @inline(never)
    private func stream(of input: Int) -> Int {
        guard let silenceStream, input < silenceStream.count else { return input }
        return silenceStream[input]
    }

    /// A log's path without its rotation suffix: `agent.log.1` and `agent.log.2.gz` are `agent.log`.
    static func rotationBase(_ path: String) -> String {
        var name = Substring(path)
        if name.hasSuffix(".gz") { name = name.dropLast(3) }
        if let dot = name.lastIndex(of: "."), name.index(after: dot) < name.endIndex,
            name[name.index(after: dot)...].allSatisfy({ $0.isASCII && $0.isNumber })
        {
            name = name[..<dot]
        }
        return String(name)
    }

    private func find(_ i: Int) -> Int {
        var i = i
        while parent[i] != i {
            parent[i] = parent[parent[i]]
            i = parent[i]
        }
        return i
    }

    private func newSession() -> Int {
        let i: Int
        if let reused = free.popLast() {
            i = reused
            slots[i] = Builder(order: order)
            parent[i] = i
        } else {
            i = slots.count
            slots.append(Builder(order: order))
            parent.append(i)
        }
        live.append(i)
        liveCount += 1
        peakLiveSessions = max(peakLiveSessions, liveCount)
        return i
    }

    /// The live builder of a root index.
    private func builder(_ i: Int) -> Builder { slots[i]! }

    /// `body` with the live builder of a root index, not retained for it. A builder taken with
    /// `builder(_:)` is retained until the end of its scope (and released after it), two atomic
    /// operations around every call it spans; the hot paths take one for each record. `slots`
    /// keeps every live builder alive: `body` must not end one (no `link`, no retirement).
    @inline(__always)
    private func withBuilder<R>(_ i: Int, _ body: (Builder) -> R) -> R {
        let b = slots.withUnsafeBufferPointer { Unmanaged.passUnretained($0[i]!) }
        return b._withUnsafeGuaranteedRef(body)
    }

    /// Merges `b` into `a` when they do not conflict; returns the surviving root.
    private func link(_ a: Int, _ b: Int) -> Int {
        let ra = find(a)
        let rb = find(b)
        if ra == rb { return ra }
        let x = builder(ra)
        let y = builder(rb)
        if let s1 = x.roomSid, let s2 = y.roomSid, s1 != s2 { return ra }
        if let r1 = x.room, let r2 = y.room, r1 != r2 { return ra }
        // The older session survives (indices are reused, so their order says nothing).
        let (keep, drop) = (x.firstSeen, ra) < (y.firstSeen, rb) ? (ra, rb) : (rb, ra)
        parent[drop] = keep
        let k = builder(keep)
        let d = builder(drop)
        k.room = k.room ?? d.room
        k.roomSid = k.roomSid ?? d.roomSid
        for j in d.jobIds.items { k.jobIds.insert(j) }
        for p in d.participants.items { k.participants.insert(p) }
        if let s = d.start, k.start == nil || s < k.start! { k.start = s }
        if let e = d.end, k.end == nil || e > k.end! { k.end = e }
        k.sides.formUnion(d.sides)
        k.inputs.formUnion(d.inputs)
        for s in d.sources where !k.sources.contains(where: { $0 == s }) { k.sources.append(s) }
        k.recordCount += d.recordCount
        k.events += d.events
        k.keptMetrics += d.keptMetrics
        k.droppedMetrics += d.droppedMetrics
        k.droppedEvents += d.droppedEvents
        if k.events.count > Self.maxSessionEvents {
            k.droppedEvents += k.events.count - Self.maxSessionEvents
            k.events.removeLast(k.events.count - Self.maxSessionEvents)
        }
        for (input, gaps) in d.gaps { k.gaps[input, default: []] += gaps }
        for (input, gaps) in d.pinnedGaps { k.pinnedGaps[input, default: []] += gaps }
        for l in d.last {
            if let i = k.last.firstIndex(where: { $0.input == l.input && $0.side == l.side }) {
                if l.time > k.last[i].time { k.last[i] = l }
            } else {
                k.last.append(l)
            }
        }
        k.records += d.records
        k.keepRecords = k.keepRecords || d.keepRecords
        for p in d.participantSids.items { k.participantSids.insert(p) }
        k.pids += d.pids
        k.merged.append(drop)
        k.merged += d.merged
        k.responses += d.responses
        k.replies += d.replies
        k.audioSeconds += d.audioSeconds
        k.untimedAnchor = k.untimedAnchor || d.untimedAnchor
        k.roomClosed = k.roomClosed || d.roomClosed
        k.roomClosedAt = k.roomClosedAt ?? d.roomClosedAt
        for j in d.exitedJobs.items { k.exitedJobs.insert(j) }
        if let t = d.jobsExitedAt, k.jobsExitedAt.map({ t > $0 }) ?? true { k.jobsExitedAt = t }
        if let t = d.serverEnd, k.serverEnd.map({ t > $0 }) ?? true { k.serverEnd = t }
        slots[drop] = nil
        liveCount -= 1
        return keep
    }

    /// Whether the session had no line for `idleSeconds` before `time`.
    private func idleBefore(_ b: Builder, _ time: Timestamp?) -> Bool {
        guard let time, let end = b.end, end.hasDate == time.hasDate else { return false }
        return end.seconds(until: time) > idleSeconds
    }

    /// Finds or creates the session of a record's ids; nil when it has none.
    private func resolve(_ ids: SessionIDs, input: Int, record r: LogRecord) -> Int? {
        // Fast path: a known job whose session already knows this record's other ids.
        if let job = ids.jobId, let known = byJob[job] {
            let s = find(known)
            let knows = withBuilder(s) { b in
                (ids.room == nil || ids.room == b.room) && (ids.roomSid == nil || ids.roomSid == b.roomSid)
                    && ids.participantSid == nil && (ids.participant == nil || b.participants.contains(ids.participant!))
            }
            if knows {
                if let pid = ids.pid { registerPid(PidKey(input: input, pid: pid), s) }
                return s
            }
        }
        // (A worker's line: see `registerPid`. After the fast path: it names no job.)
        if ids.workerId != nil, let pid = ids.pid { markShared(PidKey(input: input, pid: pid)) }
        var session: Int?
        if let sid = ids.roomSid {
            if let s = byRoomSid[sid] {
                session = find(s)
            } else if let room = ids.room, let s = byRoom[room], builder(find(s)).roomSid == nil {
                session = find(s)
            } else {
                session = newSession()
            }
            builder(session!).roomSid = sid
            byRoomSid[sid] = session
        }
        func attach(_ key: String?, _ map: KeyIndex, _ list: (Builder) -> IDList) {
            guard let key else { return }
            if let existing = map[key] {
                session = session.map { link($0, existing) } ?? find(existing)
            } else if session == nil {
                session = newSession()
            } else if list(builder(find(session!))).count >= Self.maxSessionIDs {
                // (Not indexed: see `maxSessionIDs`.)
                return
            }
            map[key] = session!
        }
        // A job first named here, on a line without a room sid: the session this line makes for
        // it is a reused room name's next one when the name's session had ended (below).
        let newJob = session == nil && ids.roomSid == nil && ids.room != nil && ids.jobId.map { byJob[$0] == nil } ?? false
        attach(ids.jobId, byJob, \.jobIds)
        attach(ids.participantSid, byParticipantSid, \.participantSids)
        if let room = ids.room {
            if let existing = byRoom[room] {
                let root = find(existing)
                // Without the server's log (LiveKit Cloud gives none) no close is logged: a line
                // naming the room for another participant after every job of the session had
                // ended (the backend's token mint for the room's next call) begins the next one
                // too; it rejoins the session if no room sid of its own turns up.
                if session == nil, ids.roomSid == nil,
                    builder(root).closedBefore(r.time) || (r.time != nil && builder(root).roomSid != nil && builder(root).start == nil)
                        || (ids.participant != nil && builder(root).jobsEnded(before: r.time) && byParticipant[ids.participant!].map(find) != root)
                {
                    // A closed room's name, reused: its own participant's line with a token from
                    // before the room closed (a late 401 naming the room and identity) still
                    // joins it; any other begins the next one (a new token for the same identity,
                    // as a developer reconnecting to `voice_assistant_room` as `user` mints).
                    // So for a timed line when the name's session is known only from lines
                    // without a time (a browser console without timestamps, read first): it
                    // may be a later session of the name; its own timed lines link them.
                    if let identity = ids.participant, let p = byParticipant[identity], find(p) == root,
                        let nbf = r.token?.notBefore, let closed = builder(root).roomClosedAt, nbf * 1_000_000 <= closed.micros
                    {
                        session = root
                    } else {
                        session = newSession()
                        if !builder(root).roomClosed { builder(session!).splitFromSid = builder(root).roomSid }
                    }
                } else if session == nil {
                    session = root
                } else if newJob, find(session!) != root, builder(root).jobsEnded(before: r.time) || builder(root).closedBefore(r.time) || idleBefore(builder(root), r.time) {
                    // A new job in a room whose jobs had all ended (or that had closed, or been
                    // silent for `idleSeconds`: a session kept past that only for its own jobs'
                    // lines, `openIdleFactor`): the room name reused (`voice_assistant_room`),
                    // whose agents 1.0-1.2 job request names no room sid. The new job's session
                    // takes the name.
                } else if builder(session!).roomSid == nil || builder(root).roomSid == nil || builder(root).roomSid == builder(session!).roomSid {
                    session = link(session!, root)
                }
            } else if session == nil {
                session = newSession()
            }
            let s = find(session!)
            if builder(s).room == nil { builder(s).room = room }
            // The newest session of a reused room name takes the name.
            if builder(s).room == room { byRoom[room] = s }
            session = s
        }
        if session == nil, let identity = ids.participant, let existing = byParticipant[identity] {
            session = find(existing)
        }
        if session == nil, let pid = ids.pid, let existing = byPid[PidKey(input: input, pid: pid)] {
            session = find(existing)
        }
        guard let s = session.map(find) else { return nil }
        let b = builder(s)
        if let identity = ids.participant, b.participants.count < Self.maxSessionIDs || byParticipant[identity] != nil { byParticipant[identity] = s }
        if let pid = ids.pid { registerPid(PidKey(input: input, pid: pid), s) }
        func list(_ id: String?, _ ids: inout IDList) {
            guard let id else { return }
            if ids.count < Self.maxSessionIDs { ids.insert(id) } else if !ids.contains(id) { b.droppedIDs = true }
        }
        list(ids.jobId, &b.jobIds)
        list(ids.participant, &b.participants)
        list(ids.participantSid, &b.participantSids)
        return s
    }

    /// Changed whenever a pid registration moves to another session or is removed: a session's
    /// last registration is still in `byPid` while the epoch it was made in lasts.
    private var pidEpoch = 0

    /// Registers a pid for a session (most records repeat their session's last one: no lookup).
    ///
    /// A pid that turns up with a second session's ids is not a job's process: a livekit-agents
    /// job process runs one job, but the worker process logs `received job request` (and, from
    /// 1.8 on, every line of its own) with its own pid, which JSON logs carry on every record
    /// (`JsonFormatter` sets `pid` when no extra did; pino likewise). Such a pid, or one on a
    /// record with a worker id (`registered worker`) or on a `received job request`, joins no
    /// session: lines with only that pid are the worker's, and stay id-less.
    private func registerPid(_ key: PidKey, _ s: Int) {
        withBuilder(s) { b in
            if b.lastPidEpoch == pidEpoch, b.lastPid == key { return }
            if sharedPids[key] == nil {
                if let old = byPid[key] {
                    if find(old) != s { markShared(key) }
                } else if b.pids.count < Self.maxSessionIDs {
                    byPid[key] = s
                    b.pids.append(key)
                } else {
                    // (Not indexed: see `maxSessionIDs`.)
                    b.droppedIDs = true
                }
            }
            b.lastPid = key
            b.lastPidEpoch = pidEpoch
        }
    }

    /// A line of `stream` written well before the latest one (`from`): the first such line is
    /// held; the next, behind the same latest line too, makes it a step of the clock (said in a
    /// note) and the stream's clock goes on from it (true). Out of the per-line path: only lines
    /// behind their log's latest come here.
    @inline(never)
    private func clockStepped(_ stream: Int, from: Timestamp, _ fromLocation: SourceLocation, to: Timestamp, _ location: SourceLocation) -> Bool {
        guard let pending = pendingClockSteps[stream], pending.fromLocation == fromLocation else {
            pendingClockSteps[stream] = ClockStep(from: from, fromLocation: fromLocation, to: to, toLocation: location)
            return false
        }
        pendingClockSteps[stream] = nil
        var steps = clockSteps[stream, default: []]
        if steps.count < Self.maxClockSteps {
            steps.append(pending)
            clockSteps[stream] = steps
        }
        guard clockStepNotes < Self.maxClockSteps else {
            clockStepsUnsaid += 1
            return true
        }
        clockStepNotes += 1
        let path = pending.toLocation.input < paths.count ? paths[pending.toLocation.input] : ""
        let fromPath = pending.fromLocation.input < paths.count ? paths[pending.fromLocation.input] : ""
        let before = pending.fromLocation.input == pending.toLocation.input ? "line \(pending.fromLocation.line)" : "\(fromPath):\(pending.fromLocation.line)"
        diagnostics.append(Diagnostic(.note, path: path, line: pending.toLocation.line, kind: "clock-step",
            "the clock went back \(formatFixed(pending.seconds, 3)) s: \(pending.to.timeOfDayString(fraction: 3)) after \(pending.from.timeOfDayString(fraction: 3)) at \(before), and the lines after it follow on (a clock step: NTP, a resumed VM); durations across it are short by at least that"))
        return true
    }

    /// Takes a worker's (or otherwise shared) pid out of the pid join for the rest of the run.
    private func markShared(_ key: PidKey) {
        guard sharedPids[key] == nil else { return }
        sharedPids[key] = 1
        byPid[key] = nil
        pidEpoch += 1
    }

    /// Adds one record.
    public func add(_ r: LogRecord) {
        // A Go crash report has no time (the runtime prints none): it is placed at its log's
        // last line before it. (A plain record of several lines without a time, first.)
        if r.time == nil, r.lineCount > 1, r.format == .plain, let placed = placedCrash(r) {
            record(placed)
        } else {
            record(r)
        }
    }

    /// A livekit-server crash report without a time, given the time of the last line of the
    /// server (else of any side) its log holds before it: the crash came at or after that line,
    /// and its clients lost their connections then. Nil for any other record, or before a line
    /// with a time. (Out of line: asked only of untimed plain records of several lines.)
    @inline(never)
    private func placedCrash(_ r: LogRecord) -> LogRecord? {
        guard case .serverCrash? = classifier.classify(r, memo: &classifyMemo) else { return nil }
        let stream = silenceStream == nil ? r.input : stream(of: r.input)
        guard stream < inputLast.count, let t = inputServerLast[stream] ?? inputLast[stream]?.0 else { return nil }
        var placed = r
        placed.time = t
        return placed
    }

    private func record(_ r: LogRecord) {
        order += 1
        let location = SourceLocation(input: r.input, line: r.line)
        let side = sideCache(r)
        // (Silences are kept by stream: a log and its rotated predecessors are one.)
        let stream = silenceStream == nil ? r.input : stream(of: r.input)
        let source = r.source == nil ? -1 : sourceID(r.source!)
        if let t = r.time {
            if t.hasDate {
                if now == nil || t > now! { now = t }
            } else if nowUndated == nil || t > nowUndated! {
                nowUndated = t
            }
            if stream >= inputLast.count {
                inputLast += Array(repeating: nil, count: stream + 1 - inputLast.count)
                inputServerLast += Array(repeating: nil, count: stream + 1 - inputServerLast.count)
            }
            // (The server's lines in a log that merges services do not break its clients' silence,
            // but the silence remembers that they kept coming.)
            if side != .server, let (prev, prevLocation) = inputLast[stream] {
                if prev.seconds(until: t) >= configuration.minimumGapSeconds {
                    let serverLogged = inputServerLast[stream].map { $0 > prev } ?? false
                    Self.remember(
                        SilentGap(from: prev, fromLocation: prevLocation, to: t, toLocation: location, serverLogged: serverLogged),
                        in: &inputGaps[stream, default: []])
                }
                if t >= prev {
                    inputLast[stream] = (t, location)
                } else if prev.micros - t.micros >= Int64(Self.clockStepSeconds * 1_000_000), source < 0 {
                    // (Only a log of one source: the services of a merged one write in bursts.)
                    if clockStepped(stream, from: prev, prevLocation, to: t, location) { inputLast[stream] = (t, location) }
                }
            } else if side != .server {
                inputLast[stream] = (t, location)
            } else if inputServerLast[stream].map({ t > $0 }) ?? true {
                inputServerLast[stream] = t
            }
        }
        let kind = classifier.classify(r, memo: &classifyMemo)
        let pinsSilence = if case .authFailure(let k)? = kind, k == .expired || k == .unauthorized, r.time != nil { true } else { false }
        if pinsSilence, let t = r.time { pinInputGaps(stream, before: t) }
        if case .sessionStart = kind, let pid = r.ids.pid, r.message.hasPrefix(EventClassifier.Word.jobRequest.text) {
            // The worker logs the job requests it receives (`worker.py`); its pid is no job's.
            markShared(PidKey(input: r.input, pid: pid))
        }
        // A job process's end (only an agent's session-end event asks: no work for other lines).
        let endsJob = if case .sessionEnd? = kind, side == .agent, r.ids.jobId != nil { classifier.endsProcess(r, memo: &classifyMemo) } else { false }
        var session = resolve(r.ids, input: r.input, record: r)
        if session != nil {
            if !sawIDs {
                sawIDs = true
                dissolveSegments()
            }
        } else if !sawIDs {
            session = segment(for: r, kind, side)
        }
        func event(_ kind: EventKind) -> SessionEvent {
            var e = SessionEvent(kind: kind, time: r.time, location: location, side: side, text: eventText(r, kind), token: r.token, hasIDs: !r.ids.isEmpty)
            e.source = source
            if side == .server {
                e.workerEndpoint = Self.rejectsWorkerEndpoint(r, kind)
                if case .sessionEnd = kind { e.agentParticipant = Self.closesAgent(r) }
            }
            return e
        }
        // A record a second handler printed again is one event (the poorer copy is dropped).
        // A worker's start, stop and drain are noted by their log and source (`noteWorker`); a
        // start is no event, as an echo is not. (Asked of events only: a `kind` chosen for every
        // record, a start's made nil, cost 5 to 14 M instructions on the 66 MB JSON slice.)
        let echoed = if let kind, !kind.isMetrics {
            (kind.isWorkerLifecycle && noteWorker(kind, r, side, stream, source, location)) || isEcho(r, kind, session: session)
        } else { false }
        guard let s = session else {
            if let kind, !echoed {
                if r.time != nil {
                    unassigned.append(event(kind))
                } else if sawIDs {
                    placeUntimed(event(kind), input: r.input)
                } else {
                    if undatedUnassigned.count >= 2 * Self.maxUndatedUnassigned { trimUndated() }
                    undatedUnassigned.append(event(kind))
                }
            }
            if keepAllRecords || keepRecordsFor != nil { unassignedRecords.append(r) }
            return
        }
        if r.time == nil, sawIDs { noteUntimed(s, input: r.input) }
        withBuilder(s) { b in
            b.recordCount += 1
            if b.lastInput != r.input || b.lastSide != side {
                b.inputs.insert(r.input)
                b.sides.insert(side)
                b.lastInput = r.input
                b.lastSide = side
            }
            if source >= 0, source != b.lastSource {
                if b.sources.count < 64, !b.sources.contains(where: { $0.input == r.input && $0.source == source }) {
                    b.sources.append((r.input, source))
                }
                b.lastSource = source
            }
            if let t = r.time {
                if b.start == nil || t < b.start! { b.start = t }
                if b.end == nil || t > b.end! { b.end = t }
                // A client's silence is its own lines' (a log that merges services, docker compose's
                // or kubectl's `--prefix`, holds the server's lines too, which never end it: a
                // server logs only events).
                if side != .server, let i = b.lastIndex(input: stream, side: side) {
                    let prev = b.last[i].time
                    if prev.seconds(until: t) >= configuration.minimumGapSeconds {
                        Self.remember(SilentGap(from: prev, fromLocation: b.last[i].location, to: t, toLocation: location, side: side), in: &b.gaps[stream, default: []])
                    }
                    if t >= prev { b.last[i] = (stream, side, t, location) }
                } else if side != .server {
                    b.last.append((stream, side, t, location))
                } else if b.serverEnd.map({ t > $0 }) ?? true {
                    b.serverEnd = t
                }
            }
            if pinsSilence, let t = r.time { Self.pinSessionGaps(b, stream, before: t) }
            if side == .browser {
                switch kind {
                case .sessionEnd?, .gaveUp?: b.browserMayReturn = false
                default: b.browserMayReturn = true
                }
            }
            if case .sessionEnd? = kind, side == .server, r.ids.roomSid != nil, r.message == "room closed" {
                b.roomClosed = true
                b.roomClosedAt = r.time
            }
            // (`endsJob`: only an agent's session-end event is asked.)
            if endsJob, let job = r.ids.jobId {
                b.exitedJobs.insert(job)
                if let t = r.time, b.jobsExitedAt.map({ t > $0 }) ?? true { b.jobsExitedAt = t }
            }
            // Built only when kept: most metrics events are only counted.
            if let kind, !echoed, keep(kind, in: b) {
                if b.events.count < Self.maxSessionEvents {
                    b.events.append(event(kind))
                    if r.time == nil && b.segment > 0 {
                        b.undatedEvents += 1
                        if b.undatedEvents >= 2 * Self.maxUndatedUnassigned { trimUndated(b) }
                    }
                } else {
                    b.droppedEvents += 1
                }
            }
            if keepAllRecords || (keepRecordsFor.map { matchesSelector(b, $0) } ?? false) || b.keepRecords {
                b.keepRecords = true
                b.records.append(r)
            }
        }
    }

    /// Notes a worker's start, stop or drain (an agent's line) by its stream and source; true for
    /// a start, which makes no event. (Out of line: a few lines a process.)
    @inline(never)
    private func noteWorker(_ kind: EventKind, _ r: LogRecord, _ side: Side, _ stream: Int, _ source: Int32, _ location: SourceLocation) -> Bool {
        switch kind {
        case .workerStart: noteWorkerStart(r, side, stream, source, location); return true
        case .workerDraining: noteWorkerStop(drain: true, r, side, stream, source, location)
        default: noteWorkerStop(drain: false, r, side, stream, source, location)
        }
        return false
    }

    /// Keeps a worker process's start (`starting worker`, an agent's timed line) by its stream
    /// and source.
    private func noteWorkerStart(_ r: LogRecord, _ side: Side, _ stream: Int, _ source: Int32, _ location: SourceLocation) {
        guard side == .agent, let t = r.time else { return }
        let key = WorkerStartKey(stream: stream, source: source)
        let before = workerStops.removeValue(forKey: key)
        guard workerStarts[key, default: []].count < Self.maxWorkerStarts else { return }
        var text = "starting worker"
        if case .string(let version)? = r.field("version"), !version.isEmpty, version.utf8.count <= 32 {
            text += " (\(redactor.redact(version)))"
        }
        workerStarts[key, default: []].append(
            WorkerStart(time: t, location: location, text: text, afterStop: before?.stopped ?? false, drain: before?.drain))
    }

    /// Notes a worker's stop or drain (an agent's line) for its stream and source's next start.
    private func noteWorkerStop(drain: Bool, _ r: LogRecord, _ side: Side, _ stream: Int, _ source: Int32, _ location: SourceLocation) {
        guard side == .agent else { return }
        let key = WorkerStartKey(stream: stream, source: source)
        var state = workerStops[key] ?? (false, nil)
        if drain {
            if state.drain == nil {
                var e = SessionEvent(kind: .workerDraining, time: r.time, location: location, side: side, text: eventText(r, .workerDraining), token: nil, hasIDs: !r.ids.isEmpty)
                e.source = source
                state.drain = e
            }
        } else {
            state.stopped = true
        }
        workerStops[key] = state
    }

    /// The first worker start (`workerStarts`) after the session's agent's last line, in that
    /// line's log stream and one of the session's wrapper sources there: the job's worker
    /// process replaced by a new one. Only while a job of the session had not ended.
    private func nextWorkerStart(_ b: Builder, after end: (time: Timestamp, location: SourceLocation)?) -> WorkerStart? {
        guard !workerStarts.isEmpty, let end, b.jobOpen else { return nil }
        let log = stream(of: end.location.input)
        var sources: [Int32] = [-1]
        for s in b.sources where stream(of: s.input) == log && !sources.contains(s.source) { sources.append(s.source) }
        var next: WorkerStart?
        for source in sources {
            guard let starts = workerStarts[WorkerStartKey(stream: log, source: source)],
                let first = starts.first(where: { $0.time > end.time }),
                next.map({ first.time < $0.time }) ?? true
            else { continue }
            next = first
        }
        return next
    }

    /// Whether a server's event is its rejection of a worker's `/agent` connection (an id-less
    /// auth failure whose `path` is `/agent`). Out of line: inlined into `add`'s event builder,
    /// which the session closure inlines, it cost 8 instructions a record (2 M on the JSON slice).
    @inline(never)
    private static func rejectsWorkerEndpoint(_ r: LogRecord, _ kind: EventKind) -> Bool {
        kind.isAuthFailure && r.ids.isEmpty && r.field("path")?.stringValue == "/agent"
    }

    /// Whether a server's session end is its `participant closing` of an agent's participant:
    /// the agents' default identity, `agent-` and the job's id (livekit-agents job.py, which the
    /// enricher read as the record's job), or the line's `kind: AGENT` (livekit-server v1.9.12+,
    /// pkg/rtc/participant.go Close) for an identity the app chose. (Out of line: asked of the
    /// server's session ends only.)
    @inline(never)
    private static func closesAgent(_ r: LogRecord) -> Bool {
        guard r.message.utf8.count == 19, r.message == "participant closing" else { return false }
        if let p = r.ids.participant, p.hasPrefix("agent-") { return true }
        return r.field("kind")?.stringValue == "AGENT"
    }

    /// The last event record of an input, to recognise its echo (`isEcho`): its lines, format,
    /// richness and session (plain values: this is written for every event record).
    private struct EventMark {
        var line = -2
        var endLine = -2
        var format = LogFormat.plain
        var richness = 0
        var session = -1
        /// For a copy on the next line (a shipper's retry): the record's time, process, and its
        /// message's length and first and last 8 bytes (plain values too: the retained message
        /// and job id cost 0.8 M instructions more on the 66 MB JSON slice).
        var time: Timestamp?
        var pid: Int?
        var message = MessageSignature()
    }

    struct MessageSignature: Equatable {
        var count = 0
        var head: UInt64 = 0
        var tail: UInt64 = 0

        init() {}

        init(_ message: String) {
            guard let s = message.utf8.withContiguousStorageIfAvailable({ b -> MessageSignature in
                var s = MessageSignature()
                guard let base = b.baseAddress, b.count > 0 else { return s }
                s.count = b.count
                if b.count >= 8 {
                    s.head = UnsafeRawPointer(base).loadUnaligned(as: UInt64.self)
                    s.tail = UnsafeRawPointer(base + b.count - 8).loadUnaligned(as: UInt64.self)
                } else {
                    for i in 0..<b.count { s.head |= UInt64(b[i]) << (8 * UInt64(i)) }
                }
                return s
            }) else {
                self.init()
                count = -message.utf8.count
                return
            }
            self = s
        }
    }

    private var lastEvent: [EventMark] = []

    /// Whether `r` (an event record, not metrics) is a copy of the event record just before it in
    /// its input, printed by a second handler: the next line, another format, the same kind and
    /// the same text (one copy may add an `error` field's). A worker whose code calls
    /// `logging.basicConfig()` prints every record twice to the same stream, once as
    /// `LEVEL:name:message` and once by the agents' formatter; counted twice, each resume failure
    /// would be two. The richer copy (a time, then session ids, then JSON) is kept: true when `r`
    /// is the poorer one; when the earlier copy is, it is taken out of the events it went to.
    private func isEcho(_ r: LogRecord, _ kind: EventKind, session: Int?) -> Bool {
        if r.input >= lastEvent.count { lastEvent += Array(repeating: EventMark(), count: r.input + 1 - lastEvent.count) }
        let richness = (r.time != nil ? 4 : 0) + (r.ids.isEmpty ? 0 : 2) + (r.format == .json ? 1 : 0)
        let last = lastEvent[r.input]
        // The same record again on the next line, in the same format (a log shipper's retry, a
        // stream tee'd twice into one file): the same time to the microsecond (a stamp that has
        // them, as the agents' JSON: two records of a second's or a millisecond's stamp may well
        // share it, a worker's retries or the server's /rtc and /rtc/validate), process and
        // message (its length and ends). Counted twice, one 401 would be two.
        if last.endLine + 1 == r.line, last.format == r.format, let t = r.time, t.micros % 1000 != 0, last.time == t, last.pid == r.ids.pid,
            last.message == MessageSignature(r.message)
        {
            lastEvent[r.input] = EventMark()
            return true
        }
        if last.endLine + 1 == r.line, last.format != r.format {
            // (Rare: the kinds and texts are compared only here.)
            let text = eventText(r, kind)
            var echo = false
            lastEvents(of: SourceLocation(input: r.input, line: last.line), session: last.session < 0 ? nil : last.session) { events, k in
                let other = events[k].text
                guard events[k].kind == kind, other == text || other.hasPrefix(text + ": ") || text.hasPrefix(other + ": ") else { return }
                echo = true
                if richness > last.richness { events.remove(at: k) }
            }
            if echo {
                // (A third copy is not looked for: the pair is done.)
                lastEvent[r.input] = EventMark()
                return richness <= last.richness
            }
        }
        lastEvent[r.input] = EventMark(
            line: r.line, endLine: r.line + r.lineCount - 1, format: r.format, richness: richness, session: session ?? -1,
            time: r.time, pid: r.ids.pid, message: MessageSignature(r.message))
        return false
    }

    /// `body` with the events the event at `location` went to (its session's, else the id-less
    /// ones) and its index there, when it is among the last few: it was added a record ago.
    private func lastEvents(of location: SourceLocation, session: Int?, _ body: (inout [SessionEvent], Int) -> Void) {
        func visit(_ events: inout [SessionEvent]) -> Bool {
            guard let k = events.indices.reversed().prefix(8).first(where: { events[$0].location == location }) else { return false }
            body(&events, k)
            return true
        }
        if let session {
            let root = find(session)
            guard root < slots.count, let b = slots[root] else { return }
            _ = visit(&b.events)
        } else if !visit(&unassigned), !visit(&undatedUnassigned) {
            // (An untimed console's id-less line waits for its session, or went to it: see
            // `placeUntimed`.)
            if var waiting = untimedWaiting[location.input], visit(&waiting) {
                untimedWaiting[location.input] = waiting
            } else if let s = untimedInputSession[location.input], let b = slots[find(s)] {
                _ = visit(&b.events)
            }
        }
    }

    /// Metrics lines are the bulk of a log: a session keeps the first few and those between a
    /// greeting's start and end (what slow-greeting reads); the others are only counted.
    private func keep(_ kind: EventKind, in b: Builder) -> Bool {
        switch kind {
        case .eouMetrics(let delay):
            b.pendingEOU = delay
            b.pendingLLM = nil
        case .llmMetrics(let ttft):
            b.replies += 1
            if b.pendingEOU != nil && b.pendingLLM == nil { b.pendingLLM = ttft }
        case .ttsMetrics(let ttfb, let audio):
            b.audioSeconds += max(0, audio ?? 0)
            if let eou = b.pendingEOU, let llm = b.pendingLLM {
                b.responses.append(Float(eou + llm + ttfb))
                b.pendingEOU = nil
                b.pendingLLM = nil
            }
        case .realtimeMetrics(let ttft):
            b.replies += 1
            if let eou = b.pendingEOU, ttft >= 0 {
                b.responses.append(Float(eou + ttft))
                b.pendingEOU = nil
            }
        default: break
        }
        switch kind {
        case .greetingStart: b.greetingOpen = true
        case .greetingEnd: b.greetingOpen = false
        case .llmMetrics, .ttsMetrics, .eouMetrics, .realtimeMetrics:
            if b.keptMetrics < 8 || (b.greetingOpen && b.keptMetrics < 64) || keepAllRecords {
                b.keptMetrics += 1
                return true
            }
            b.droppedMetrics += 1
            return false
        default: break
        }
        return true
    }

    /// The event's text: computed by the parser when it classified the record (on its thread).
    private func eventText(_ r: LogRecord, _ kind: EventKind) -> String {
        r.eventText ?? SessionEvent.text(of: r, kind, redactor: redactor)
    }

    private var sideByInput: [Int: Side] = [:]
    private struct SourceKey: Hashable {
        var input: Int
        var source: String
    }
    private var sideBySource: [SourceKey: Side] = [:]

    /// Ids of wrapper sources' names (see `SessionEvent.source`), the last one looked up kept
    /// aside: a merged log's lines come in runs of one service's.
    private var sourceIDs: [String: Int32] = [:]
    private var lastSourceName: String?
    private var lastSourceID: Int32 = -1

    private func sourceID(_ name: String) -> Int32 {
        if name == lastSourceName { return lastSourceID }
        let id: Int32
        if let known = sourceIDs[name] {
            id = known
        } else if sourceIDs.count >= 4096 {
            // (A log of thousands of distinct sources: the later ones join as lines without one.)
            return -1
        } else {
            id = Int32(truncatingIfNeeded: sourceIDs.count)
            sourceIDs[name] = id
        }
        lastSourceName = name
        lastSourceID = id
        return id
    }

    /// The side of a record: by format, else by file or service name (cached per input and per
    /// wrapper source; a log of thousands of distinct sources stops caching new ones).
    private func sideCache(_ r: LogRecord) -> Side {
        if let side = EventClassifier.side(for: r.format) { return side }
        if let source = r.source {
            let key = SourceKey(input: r.input, source: source)
            if let s = sideBySource[key] { return s }
            let s = EventClassifier.side(of: r, path: paths[r.input])
            if sideBySource.count < 4096 { sideBySource[key] = s }
            return s
        }
        if let s = sideByInput[r.input] { return s }
        let s = EventClassifier.side(of: r, path: paths[r.input])
        sideByInput[r.input] = s
        return s
    }

    private func matchesSelector(_ b: Builder, _ selector: String) -> Bool {
        selector == b.room || selector == b.roomSid || b.jobIds.contains(selector)
    }

    /// Keeps the 8 longest gaps of a list.
    /// Moves the silences of `list` that ended within `TokenEvidence.silenceWindowSeconds` before
    /// an authentication failure at `time` to `pinned`, where no longer silence pushes them out:
    /// `remember` keeps only the 8 longest, and a log of days (quiet nights) or a session idle
    /// for hours holds longer ones than the 11 minutes that let a token expire. (At most 64 a
    /// list, the latest: a failure follows a silence at most once a minute.)
    private static func pin(_ list: inout [SilentGap], into pinned: inout [SilentGap], before time: Timestamp) {
        var i = 0
        while i < list.count {
            let d = list[i].to.seconds(until: time)
            if d >= -1 && d <= TokenEvidence.silenceWindowSeconds {
                pinned.append(list.remove(at: i))
                if pinned.count > 64 { pinned.removeFirst() }
            } else {
                i += 1
            }
        }
    }

    /// `pin` for the whole input's silences (apart, not inlined: in `add` it read the list of
    /// every record).
    @inline(never)
    private func pinInputGaps(_ input: Int, before time: Timestamp) {
        guard inputGaps[input] != nil else { return }
        Self.pin(&inputGaps[input, default: []], into: &pinnedInputGaps[input, default: []], before: time)
    }

    /// A live session's memory, estimated: its builder, its events (about 400 bytes each, their
    /// text at most 300 characters), its ids and kept records (measured with `/usr/bin/time`:
    /// 1.3 KB a session of one event, 2.7 KB of three, 0.4 KB an event more).
    @inline(__always)
    private static func footprint(_ b: Builder) -> Int {
        1_600 + b.events.count * 400 + (b.jobIds.count + b.participants.count + b.participantSids.count + b.pids.count) * 64
            + (b.room?.utf8.count ?? 0) * 2 + b.records.count * 512
    }

    /// `pin` for a session's silences (apart, as `pinInputGaps`).
    @inline(never)
    private static func pinSessionGaps(_ b: Builder, _ input: Int, before time: Timestamp) {
        guard b.gaps[input] != nil else { return }
        pin(&b.gaps[input, default: []], into: &b.pinnedGaps[input, default: []], before: time)
    }

    private static func remember(_ gap: SilentGap, in list: inout [SilentGap]) {
        list.append(gap)
        if list.count > 16 {
            list.sort { $0.seconds > $1.seconds }
            list.removeLast(list.count - 8)
        }
    }

    /// Finalises sessions idle for `idleSeconds` of log time (and the least recently active ones
    /// above `maxLiveSessions`), so that memory stays bounded on long logs. Called by the analyzer
    /// between records; hands the finished sessions (with the id-less events of their window) to
    /// `finish`, only when it scanned: the check before every record makes no array and calls
    /// nothing.
    ///
    /// Called before each record with its time, so a session idle for longer than `idleSeconds`
    /// (plus at most 1/16 of it) is finalised before that record can join it, however few
    /// records came in between.
    @inline(__always)
    func evictIdle(before time: Timestamp?, _ finish: ([Session]) -> Void) {
        sinceEviction += 1
        guard !keepAllRecords else { return }
        var dated = now
        var undated = nowUndated
        if let t = time {
            if t.hasDate {
                if dated == nil || t > dated! { dated = t }
            } else if undated == nil || t > undated! {
                undated = t
            }
        }
        let due = (dated.map { $0 > nextIdleCheck } ?? false) || (undated.map { $0 > nextUndatedIdleCheck } ?? false)
        guard due || sinceEviction >= 4096 || liveCount > maxLiveSessions || sealed.count > Self.maxSealedSegments else { return }
        let finished = scanIdle(dated: dated, undated: undated)
        if !finished.isEmpty { finish(finished) }
    }

    /// The scan of `evictIdle`: finalises the idle sessions (by the clocks including the next
    /// record's time) and returns them.
    @inline(never)
    private func scanIdle(dated: Timestamp?, undated: Timestamp?) -> [Session] {
        sinceEviction = 0
        live.removeAll { slots[$0] == nil }
        var victims: [Int] = []
        for (clock, isDated) in [(dated, true), (undated, false)] {
            guard let clock else { continue }
            let horizon = clock.adding(seconds: -idleSeconds)
            let openIdle = idleSeconds * Self.openIdleFactor
            let openHorizon = clock.adding(seconds: -openIdle)
            // The last line of the oldest kept session, and of the oldest kept past `horizon` as
            // `agentMayBeConnected` (each due after its own window; compared, not added to, for
            // every session: the scan visits them all).
            var oldestKept: Timestamp?
            var oldestOpen: Timestamp?
            var overdue: [(Timestamp, Int)] = []
            for i in live where i != currentSegment {
                guard let b = slots[i], let end = b.end, end.hasDate == isDated else { continue }
                let open = end < horizon && (b.agentMayBeConnected || b.browserMayReturn)
                if end < (open ? openHorizon : horizon) {
                    victims.append(i)
                } else if open {
                    overdue.append((end, i))
                    if oldestOpen == nil || end < oldestOpen! { oldestOpen = end }
                } else if oldestKept == nil || end < oldestKept! {
                    oldestKept = end
                }
            }
            let dues = [oldestKept?.adding(seconds: idleSeconds), oldestOpen?.adding(seconds: openIdle)].compactMap { $0 }
            let nextDue = dues.min()
            if overdue.count > Self.maxOverdueOpenSessions {
                overdue.sort { $0.0 < $1.0 }
                victims += overdue.prefix(overdue.count - Self.maxOverdueOpenSessions).map(\.1)
            }
            // No scan is needed until the oldest live session can have gone idle; scans are at
            // least 1/16 of the idle window apart (so a session may be joined up to that late),
            // and at most one idle window apart (a session begun since, or whose agent left
            // since, is due sooner than one waiting as `agentMayBeConnected`).
            let earliest = clock.adding(seconds: idleSeconds / 16)
            let next = max(min(nextDue ?? earliest, clock.adding(seconds: idleSeconds)), earliest)
            if isDated { nextIdleCheck = next } else { nextUndatedIdleCheck = next }
        }
        if !victims.isEmpty && !evictedAny {
            evictedAny = true
            diagnostics.append(Diagnostic(.note, path: "", kind: "session-eviction",
                "sessions idle for \(humanDuration(idleSeconds)) of log time are finalised as the logs are read; lines that come later for them start new sessions"))
        }
        // (The live sessions' estimated memory, less the victims' already chosen.)
        var liveBytes = 0
        for i in live { if let b = slots[i] { liveBytes += Self.footprint(b) } }
        for i in victims { if let b = slots[i] { liveBytes -= Self.footprint(b) } }
        let overCount = liveCount - victims.count > maxLiveSessions
        if overCount || liveBytes > maxLiveBytes {
            let chosen = Set(victims)
            var candidates: [(Int64, Int, Int)] = []
            for i in live where !chosen.contains(i) && i != currentSegment {
                if let b = slots[i] { candidates.append((b.end?.micros ?? .min, i, Self.footprint(b))) }
            }
            candidates.sort { $0.0 < $1.0 }
            var extra = liveCount - victims.count - maxLiveSessions * 9 / 10
            var excess = liveBytes - maxLiveBytes / 10 * 9
            for (_, i, bytes) in candidates {
                guard extra > 0 || (liveBytes > maxLiveBytes && excess > 0) else { break }
                victims.append(i)
                extra -= 1
                excess -= bytes
            }
            if overCount, !cappedAny {
                cappedAny = true
                diagnostics.append(Diagnostic(.warning, path: "", kind: "session-cap",
                    "more than \(DiagnosticSink.grouped(maxLiveSessions)) sessions active at once; the least recently active are finalised early"))
            }
            if liveBytes > maxLiveBytes, !bytesCappedAny {
                bytesCappedAny = true
                diagnostics.append(Diagnostic(.warning, path: "", kind: "session-cap",
                    "the sessions active at once hold more than \(maxLiveBytes >> 20) MB of events and ids; the least recently active are finalised early"))
            }
        }
        if sealed.count > Self.maxSealedSegments {
            let chosen = Set(victims)
            victims += sealed.prefix(sealed.count - Self.maxSealedSegments).filter { !chosen.contains($0) }
        }
        victims.removeAll { rejoinSplit($0) != $0 }
        guard !victims.isEmpty else {
            // Without a session finalised the old id-less events go too (a session that lasts
            // the whole log finalised none, and they had all been kept for the end), into the
            // live sessions they fall within: once the oldest is an idle time older still, so
            // that the walk comes once an idle time.
            if let t = unassigned.first?.time, isOldUnassigned(t, idleTimes: 3) { attachOldUnassigned() }
            return []
        }
        let roots = victims
        attachUnassigned(roots, final: false)
        let finished = roots.map(session)
        for i in roots { retire(i) }
        live.removeAll { slots[$0] == nil }
        sealed.removeAll { slots[$0] == nil }
        free += retired
        retired.removeAll(keepingCapacity: true)
        // The old id-less events the finalised sessions did not take go to the live sessions
        // they fall within, as when none was finalised (a session whose browser may return, or
        // that lasts over an hour: a three-hour call's browser connect lines, a browser's
        // NegotiationError): only dropped, they were lost or became a session of their own.
        if unassigned.contains(where: { $0.time.map { isOldUnassigned($0) } ?? false }) { attachOldUnassigned() }
        return finished
    }

    /// Whether an id-less event's time is older than any live session can use (`idleTimes` idle
    /// times before the clock).
    private func isOldUnassigned(_ t: Timestamp, idleTimes: Double = 2) -> Bool {
        guard let clock = t.hasDate ? now : nowUndated else { return false }
        return t < clock.adding(seconds: -idleTimes * idleSeconds)
    }

    /// Id-less events held (timed ones waiting for the sessions of their time).
    var heldIdlessEvents: Int { unassigned.count }

    /// Attaches the old id-less events to the live sessions they fall within (what finalising
    /// those would do; no session that starts later can take them) and drops them. With more
    /// than `maxFanOut` live sessions they are only dropped (looking through all of them for
    /// each event would be quadratic).
    private func attachOldUnassigned() {
        var roots: [Int] = []
        for i in live where i < slots.count && slots[i] != nil && find(i) == i && i != currentSegment {
            roots.append(i)
            if roots.count > Self.maxFanOut { break }
        }
        if !roots.isEmpty && roots.count <= Self.maxFanOut {
            var old: [SessionEvent] = []
            unassigned.removeAll { e in
                guard let t = e.time, isOldUnassigned(t) else { return false }
                old.append(e)
                return true
            }
            // As at the end (`final`): those of the same input, else the one session active
            // then. A browser console at info level may name its room only when it leaves
            // (`disconnect from room`, hours in): its connect lines, old by then, would otherwise
            // be a session of their own beside the room's.
            attach(&old, to: roots, final: true)
            for e in old { keepIfOrphan(e) }
        } else {
            dropOldUnassigned()
        }
    }

    /// Drops the id-less events older than any live session can use.
    private func dropOldUnassigned() {
        unassigned.removeAll { e in
            guard let t = e.time, isOldUnassigned(t) else { return false }
            keepIfOrphan(e)
            return true
        }
    }

    /// A session split from an untimed one (`splitFromSid`) that found no room sid of its own
    /// joins it again; returns the surviving root.
    private func rejoinSplit(_ i: Int) -> Int {
        guard let b = slots[i], b.roomSid == nil, let sid = b.splitFromSid, let other = byRoomSid[sid] else { return i }
        return link(find(other), i)
    }

    /// Unregisters a finalised session's keys and frees it.
    private func retire(_ i: Int) {
        guard let b = slots[i] else { return }
        if b.untimedAnchor {
            for (input, s) in untimedInputSession where find(s) == i { untimedInputSession[input] = nil }
        }
        func drop(_ key: String?, _ map: KeyIndex) {
            guard let key, let at = map[key], find(at) == i else { return }
            map[key] = nil
        }
        drop(b.roomSid, byRoomSid)
        drop(b.room, byRoom)
        for j in b.jobIds.items { drop(j, byJob) }
        for p in b.participants.items { drop(p, byParticipant) }
        for p in b.participantSids.items { drop(p, byParticipantSid) }
        for key in b.pids where byPid[key].map(find) == i {
            byPid[key] = nil
            pidEpoch += 1
        }
        slots[i] = nil
        liveCount -= 1
        retired.append(i)
        retired += b.merged
    }

    /// Index slots held (live sessions, merged-away ones and reusable ones).
    var slotCount: Int { slots.count }

    /// Ends the run: attaches id-less events and returns the remaining sessions in order of appearance.
    public func finish() -> [Session] {
        for i in slots.indices where slots[i]?.splitFromSid != nil && find(i) == i { _ = rejoinSplit(i) }
        var roots: [Int] = []
        for i in slots.indices where slots[i] != nil && find(i) == i && slots[i]!.recordCount > 0 { roots.append(i) }
        flushUntimedWaiting()
        for i in roots where builder(i).segment > 0 { trimUndated(builder(i)) }
        attachUnassigned(roots, final: true)
        for e in unassigned { keepIfOrphan(e) }
        roots += orphanSessions()
        let sessions = roots.sorted { builder($0).firstSeen < builder($1).firstSeen }.map(session)
        noteUnattached()
        return sessions
    }

    /// Sessions of the orphan events (see `orphans`), each log's apart and cut where a session
    /// starts again (the same start line, or any start more than `idleSeconds` after the last
    /// event), as a run without ids is. A part becomes a session when it holds something a
    /// detector reads or a session start: a worker's lone connection loss between jobs is none.
    private func orphanSessions() -> [Int] {
        var made: [Int] = []
        // A server's 401 of a worker's `/agent` connection goes with the worker's own rejection
        // of the same moment (within 10 s), in that worker's log's part: one finding, with the
        // server's reason, as when the two logs are read alone.
        var registrations: [(micros: Int64, input: Int)] = []
        if orphans.contains(where: \.workerEndpoint) {
            for e in orphans where e.side == .agent {
                if case .authFailure(.workerRegistration) = e.kind, let t = e.time { registrations.append((t.micros, e.location.input)) }
            }
            registrations.sort { $0.micros < $1.micros }
        }
        func group(_ e: SessionEvent) -> Int {
            guard e.workerEndpoint, !registrations.isEmpty, let t = e.time?.micros else { return e.location.input }
            var lo = 0
            var hi = registrations.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if registrations[mid].micros < t { lo = mid + 1 } else { hi = mid }
            }
            var best: (gap: Int64, input: Int)?
            for k in [lo - 1, lo] where k >= 0 && k < registrations.count {
                let gap = abs(registrations[k].micros - t)
                if gap <= 10_000_000, best == nil || gap < best!.gap { best = (gap, registrations[k].input) }
            }
            return best?.input ?? e.location.input
        }
        for input in Set(orphans.map(group)).sorted() {
            var parts: [[SessionEvent]] = []
            var starts: Set<String> = []
            for e in timeOrdered(orphans.filter { group($0) == input }, time: \.time, location: \.location) {
                if case .sessionStart = e.kind, let last = parts.last?.last?.time, let t = e.time {
                    if starts.contains(e.text) || (last.hasDate == t.hasDate && last.seconds(until: t) > idleSeconds) {
                        parts.append([])
                        starts.removeAll()
                    }
                    starts.insert(e.text)
                } else if case .sessionStart = e.kind {
                    starts.insert(e.text)
                }
                if parts.isEmpty { parts.append([]) }
                parts[parts.count - 1].append(e)
            }
            for part in parts where part.contains(where: { e in
                switch e.kind {
                case .sessionStart, .greetingStart, .greetingEnd, .authFailure: true
                default: false
                }
            }) {
                // An order of its own: findings are filed by it (the last record's session, or
                // another log's orphans, had the same one and showed these findings too).
                order += 1
                let i = newSession()
                let b = builder(i)
                for e in part {
                    b.events.append(e)
                    b.recordCount += 1
                    b.sides.insert(e.side)
                    b.inputs.insert(e.location.input)
                    if let t = e.time {
                        if b.start == nil || t < b.start! { b.start = t }
                        if b.end == nil || t > b.end! { b.end = t }
                    }
                }
                made.append(i)
            }
        }
        orphans.removeAll()
        return made
    }

    /// Keeps the newest `maxUndatedUnassigned` untimed events of a segment.
    private func trimUndated(_ b: Builder) {
        let extra = b.undatedEvents - Self.maxUndatedUnassigned
        guard extra > 0 else { return }
        var dropped = 0
        b.events.removeAll { e in
            guard e.time == nil, dropped < extra else { return false }
            dropped += 1
            return true
        }
        undatedDropped += dropped
        b.undatedEvents -= dropped
    }

    /// The segment an id-less record joins in a run that has shown no ids yet. A session start
    /// seen before in the segment (same input, same text: `Session created` again), or any
    /// session start more than `idleSeconds` after the segment's last line other than a
    /// server's (another input's session a day later; a server logs other rooms meanwhile),
    /// begins the next segment; once the agent's starts are in a segment, only the agent's
    /// begin one (a browser's reconnect connects again within its session). The segment being
    /// filled is never finalised for idleness: a silence is evidence (a suspended host before
    /// a 401), and a line that ends it without starting a session stays in it.
    private func segment(for r: LogRecord, _ kind: EventKind?, _ side: Side) -> Int {
        if case .sessionStart? = kind {
            let key = "\(r.input) \(eventText(r, .sessionStart))"
            var idle = false
            if let last = segmentLastClientTime, let t = r.time, last.hasDate == t.hasDate {
                idle = last.seconds(until: t) > idleSeconds
            }
            if (segmentStarts.contains(key) || idle) && (side == .agent || !segmentHasAgentStart) {
                if let s = currentSegment { sealed.append(s) }
                currentSegment = nil
                segmentStarts.removeAll()
                segmentHasAgentStart = false
                segmentLastClientTime = nil
            }
            if segmentStarts.count < Self.maxSegmentStarts { segmentStarts.insert(key) }
            if side == .agent { segmentHasAgentStart = true }
        }
        if side != .server, let t = r.time, segmentLastClientTime.map({ t > $0 || t.hasDate != $0.hasDate }) ?? true {
            segmentLastClientTime = t
        }
        if let s = currentSegment { return s }
        let s = newSession()
        segmentCount += 1
        builder(s).segment = segmentCount
        currentSegment = s
        return s
    }

    /// The first record with ids ends segmenting: the live segments' events and records become
    /// id-less ones again, to join the sessions with ids active at their time.
    private func dissolveSegments() {
        currentSegment = nil
        segmentStarts.removeAll()
        segmentLastClientTime = nil
        sealed.removeAll()
        for i in live {
            guard let b = slots[i], b.segment > 0 else { continue }
            for e in b.events {
                if e.time != nil { unassigned.append(e) } else { placeUntimed(e, input: e.location.input) }
            }
            unassignedRecords += b.records
            retire(i)
        }
        live.removeAll { slots[$0] == nil }
        free += retired
        retired.removeAll(keepingCapacity: true)
        trimUndated()
    }

    /// An untimed line with ids of `input` joined session `s`: the input's id-less lines waiting
    /// for it join it, and the next ones follow it (see `untimedInputSession`).
    private func noteUntimed(_ s: Int, input: Int) {
        let root = find(s)
        untimedInputSession[input] = root
        let b = builder(root)
        b.untimedAnchor = true
        if let waiting = untimedWaiting.removeValue(forKey: input) {
            untimedWaitingCount -= waiting.count
            for e in waiting { join(e, b) }
        }
    }

    /// An untimed id-less event of an input whose untimed lines have ids: it joins the session
    /// of the input's line with ids before it, a session start (or one before any such line)
    /// that of the next; past `maxUndatedUnassigned` waiting, the rest wait for the end as any.
    private func placeUntimed(_ e: SessionEvent, input: Int) {
        let isStart = if case .sessionStart = e.kind { true } else { false }
        if !isStart, let s = untimedInputSession[input], slots[find(s)] != nil {
            join(e, builder(find(s)))
        } else {
            if untimedWaitingCount >= Self.maxUndatedUnassigned { flushUntimedWaiting() }
            untimedWaiting[input, default: []].append(e)
            untimedWaitingCount += 1
        }
    }

    /// The waiting untimed events go to those joined at the end (oldest first, so that the
    /// newest are the ones `trimUndated` keeps).
    private func flushUntimedWaiting() {
        for input in untimedWaiting.keys.sorted() { undatedUnassigned += untimedWaiting[input]! }
        untimedWaiting.removeAll()
        untimedWaitingCount = 0
        trimUndated()
    }

    /// Keeps the newest `maxUndatedUnassigned` untimed id-less events.
    private func trimUndated() {
        if undatedUnassigned.count > Self.maxUndatedUnassigned {
            undatedDropped += undatedUnassigned.count - Self.maxUndatedUnassigned
            undatedUnassigned.removeFirst(undatedUnassigned.count - Self.maxUndatedUnassigned)
        }
    }

    /// Notes about id-less events no session got.
    private func noteUnattached() {
        if unattachedWide > 0 {
            let one = unattachedWide == 1
            diagnostics.append(Diagnostic(.note, path: "", kind: "wide-events",
                "\(DiagnosticSink.grouped(unattachedWide)) event\(one ? "" : "s") without session ids fell within more than \(Self.maxFanOut) sessions at once and \(one ? "was" : "were") attached to none"))
        }
        if ambiguousServerEvents > 0 {
            let one = ambiguousServerEvents == 1
            diagnostics.append(Diagnostic(.note, path: "", kind: "ambiguous-rejections",
                "\(DiagnosticSink.grouped(ambiguousServerEvents)) server rejection\(one ? "" : "s") without a token or session ids fell within several sessions at once and \(one ? "was" : "were") attached to none"))
        }
        if idCappedSessions > 0 {
            let one = idCappedSessions == 1
            diagnostics.append(Diagnostic(.note, path: "", kind: "session-ids",
                "\(DiagnosticSink.grouped(idCappedSessions)) session\(one ? "" : "s") (\(one ? "" : "the first: ")\(firstIDCappedSession ?? "?")) named more than \(DiagnosticSink.grouped(Self.maxSessionIDs)) job ids, participants, participant sids or pids: the later ones are not listed, and a line that names only one of them does not join it"))
        }
        if cappedSessions > 0 {
            let one = cappedSessions == 1
            diagnostics.append(Diagnostic(.note, path: "", kind: "session-events",
                "\(DiagnosticSink.grouped(cappedSessions)) session\(one ? "" : "s") (\(one ? "" : "the first: ")\(firstCappedSession ?? "?")) had more than \(DiagnosticSink.grouped(Self.maxSessionEvents)) events: only the first \(DiagnosticSink.grouped(Self.maxSessionEvents)) of each are kept (\(DiagnosticSink.grouped(cappedEvents)) more were counted, not kept); findings and report counts cover the kept ones"))
        }
        if orphansDropped > 0 {
            let one = orphansDropped == 1
            diagnostics.append(Diagnostic(.note, path: "", kind: "orphan-events",
                "\(DiagnosticSink.grouped(orphansDropped)) event\(one ? "" : "s") without session ids fell within no session and \(one ? "was" : "were") not kept (only the first \(DiagnosticSink.grouped(Self.maxOrphanEvents)) make sessions of their own)"))
        }
        if clockStepsUnsaid > 0 {
            let one = clockStepsUnsaid == 1
            diagnostics.append(Diagnostic(.note, path: "", kind: "clock-step",
                "\(DiagnosticSink.grouped(clockStepsUnsaid)) more step\(one ? "" : "s") back of a log's clock \(one ? "was" : "were") not said (the first \(Self.maxClockSteps) were)"))
        }
        if undatedDropped > 0 {
            let one = undatedDropped == 1
            diagnostics.append(Diagnostic(.note, path: "", kind: "untimed-events",
                "\(DiagnosticSink.grouped(undatedDropped)) event\(one ? "" : "s") without a time or session ids \(one ? "was" : "were") attached to no session (only the last \(DiagnosticSink.grouped(Self.maxUndatedUnassigned)) are kept)"))
        }
    }

    /// Id-less events (and kept records) join the sessions of the same input active at that time
    /// (a worker's connection loss concerns all its jobs), else the one session active then.
    private func attachUnassigned(_ roots: [Int], final: Bool) {
        attach(&unassigned, to: roots, final: final)
        guard final else { return }
        for event in undatedUnassigned {
            // (`targets` gives at most one session for an event without a time.)
            for r in targets(roots, input: event.location.input, time: nil) { join(event, builder(r)) }
        }
        for record in unassignedRecords {
            for r in targets(roots, input: record.input, time: record.time) where builder(r).keepRecords {
                builder(r).records.append(record)
            }
        }
    }

    /// Adds an id-less event to a session's.
    private func join(_ event: SessionEvent, _ b: Builder) {
        if b.events.count < Self.maxSessionEvents { b.events.append(event) } else { b.droppedEvents += 1 }
        b.sides.insert(event.side)
        b.inputs.insert(event.location.input)
    }

    /// The timed id-less `events` join the sessions of `roots` they fall within (see
    /// `attachUnassigned`); each is marked with what was counted of it.
    private func attach(_ events: inout [SessionEvent], to roots: [Int], final: Bool) {
        // While reading, only the sessions being finalised are candidates (same input, same
        // time); the rule that gives a lone active session events of other inputs applies at the end.
        var lo = Int64.max
        var hi = Int64.min
        for r in roots {
            lo = min(lo, builder(r).start?.micros ?? .min)
            hi = max(hi, builder(r).end?.micros ?? .max)
        }
        let margin: Int64 = 120_000_000
        for k in events.indices {
            let event = events[k]
            if !final, let t = event.time?.micros, t < lo &- margin || t > hi &+ margin { continue }
            // The worker's registration rejected is the worker's, not its jobs': their rooms
            // keep their own connections (a rejected job token shows as its own 401). Joined to
            // every session active then, 30 running jobs made 30 findings of one rotated secret;
            // the rejections make a session of their own instead (`orphanSessions`).
            if case .authFailure(.workerRegistration) = event.kind { continue }
            // So is the server's 401 of a worker's `/agent` connection (`invalid API key: …` with
            // `path` `/agent`): within a call it had made that call an auth-credentials error.
            if event.workerEndpoint { continue }
            // A server's rejection without ids is one client's: within several sessions of the
            // server's log at once, it is none's in particular (it would count in each).
            if event.side == .server, case .authFailure = event.kind, concurrentSessions(input: event.location.input, time: event.time) > 1 {
                if !event.countedAmbiguous {
                    events[k].countedAmbiguous = true
                    ambiguousServerEvents += 1
                }
                continue
            }
            // (An event that joined a session of its own input already, which has ended, is
            // that session's: not "the one session active then" of other inputs. A console's
            // `signal connecting to …` joined its room's session, then, old an hour later, the
            // one other room live on the server.)
            let limit = Self.fanOutLimit(event.kind)
            var matched = final ? targets(roots, input: event.location.input, time: event.time, source: event.source, limit: limit,
                                          otherInputs: !event.joinedBefore)
                : roots.filter { active(builder($0), event.time) && builder($0).inputs.contains(event.location.input) && Self.hasSource(builder($0), event.location.input, event.source) }
            // A worker's event after the session's jobs ended (their processes exited) is not
            // theirs: livekit-agents 1.8.9 workers whose jobs had crashed lost their connection
            // seconds later, still within the sessions' span ± 2 minutes.
            if event.side == .agent { matched.removeAll { builder($0).jobsEnded(before: event.time) } }
            // An event that fits hundreds of sessions says nothing about any one of them (and
            // copying it into each would be quadratic).
            if matched.count > limit {
                if !event.countedWide {
                    events[k].countedWide = true
                    unattachedWide += 1
                }
                continue
            }
            if event.countedWide && !matched.isEmpty {
                events[k].countedWide = false
                unattachedWide -= 1
            }
            for r in matched {
                join(events[k], builder(r))
                // (Its copies in the other sessions, of this pass or a later one, are not counted.)
                events[k].joinedBefore = true
            }
        }
    }

    /// Server rejections without ids that fell within several sessions (see `attachUnassigned`).
    /// (Counted once each: the event is marked.)
    private var ambiguousServerEvents = 0

    /// How many live sessions of `input` are active at `time` (counting stops at 2).
    private func concurrentSessions(input: Int, time: Timestamp?) -> Int {
        var seen: [Int] = []
        for i in live where i < slots.count {
            let root = find(i)
            guard !seen.contains(root), let b = slots[root], b.inputs.contains(input), active(b, time) else { continue }
            seen.append(root)
            if seen.count > 1 { break }
        }
        return seen.count
    }

    /// Whether a session holds lines of `source` in `input`, or of no source there (a log that
    /// merges services, docker compose's: another service's id-less line is not its own).
    private static func hasSource(_ b: Builder, _ input: Int, _ source: Int32) -> Bool {
        guard source >= 0 else { return true }
        var any = false
        for s in b.sources where s.input == input {
            if s.source == source { return true }
            any = true
        }
        return !any
    }

    /// Whether a session's span (±2 min) covers `time`.
    private func active(_ b: Builder, _ time: Timestamp?) -> Bool {
        guard let t = time, let s = b.start, let e = b.end else { return false }
        return s.seconds(until: t) >= -120 && t.seconds(until: e) >= -120
    }

    /// The sessions an id-less event (or kept record) joins at the end: those of its input active
    /// at its time, else (with `otherInputs`) the one session active then. Stops past `limit` matches (an event
    /// within more than `maxFanOut` sessions joins none: counting them all would be quadratic).
    private func targets(_ roots: [Int], input: Int, time: Timestamp?, source: Int32 = -1, limit: Int = .max, otherInputs: Bool = true) -> [Int] {
        guard time != nil else { return roots.count == 1 ? roots : [] }
        var sameInput: [Int] = []
        for r in roots where active(builder(r), time) && builder(r).inputs.contains(input) && Self.hasSource(builder(r), input, source) {
            sameInput.append(r)
            if sameInput.count > limit { break }
        }
        if !sameInput.isEmpty || !otherInputs { return sameInput }
        var any: [Int] = []
        for r in roots where active(builder(r), time) {
            any.append(r)
            if any.count > 1 { return [] }
        }
        return any
    }

    private func session(_ i: Int) -> Session {
        let b = builder(i)
        let events = timeOrdered(b.events, time: \.time, location: \.location)
        var gapsByInput: [Int: [SilentGap]] = [:]
        for input in b.inputs {
            let stream = stream(of: input)
            let g = (inputGaps[stream] ?? []) + (pinnedInputGaps[stream] ?? [])
            if !g.isEmpty { gapsByInput[input] = g }
        }
        var gaps = b.gaps
        for (input, pinned) in b.pinnedGaps { gaps[input, default: []] += pinned }
        // (Kept by stream: each of a stream's logs in the session shows its silences.)
        if let silenceStream {
            for input in b.inputs where input < silenceStream.count && silenceStream[input] != input {
                if let g = gaps[silenceStream[input]] { gaps[input] = g }
            }
        }
        var key = b.segment > 1 ? "(no session ids) #\(b.segment)" : "(no session ids)"
        if let room = b.room { key = b.roomSid.map { "\(room)/\($0)" } ?? room } else if let sid = b.roomSid { key = sid } else if let job = b.jobIds.first { key = job }
        if b.droppedIDs {
            idCappedSessions += 1
            if firstIDCappedSession == nil { firstIDCappedSession = key }
        }
        if b.droppedEvents > 0 {
            cappedSessions += 1
            cappedEvents += b.droppedEvents
            if firstCappedSession == nil { firstCappedSession = key }
        }
        // A session with dated lines starts at its first dated event: the lines of a time-only
        // log whose date could not be learnt (its dated logs came through standard input) count
        // from day 0, and as its start made its connect time and duration 56 years.
        var start = b.start
        if let s = start, !s.hasDate, b.end?.hasDate == true {
            start = events.lazy.compactMap(\.time).first { $0.hasDate }
        }
        var steps: [ClockStep] = []
        if !clockSteps.isEmpty, let first = b.start, let last = b.end {
            var streams = Set<Int>()
            for input in b.inputs where streams.insert(stream(of: input)).inserted {
                steps += (clockSteps[stream(of: input)] ?? []).filter { $0.from >= first && $0.to <= last }
            }
            steps.sort { $0.toLocation < $1.toLocation }
        }
        // The agent's last line with the session's ids (of its logs, the latest).
        var agentEnd: (time: Timestamp, location: SourceLocation)?
        for l in b.last where l.side == .agent && (agentEnd.map { l.time > $0.time } ?? true) { agentEnd = (l.time, l.location) }
        return Session(
            key: key, room: b.room, roomSid: b.roomSid, jobIds: b.jobIds.items, participants: b.participants.items, start: start, end: b.end,
            sides: b.sides.sorted(), inputs: b.inputs.sorted(), recordCount: b.recordCount, events: events, gaps: gaps,
            inputGaps: gapsByInput, records: b.records, order: b.firstSeen, responses: b.responses, replies: b.replies,
            audioSeconds: b.audioSeconds, serverEnd: b.serverEnd, agentEnd: agentEnd?.time, agentEndLocation: agentEnd?.location, clockSteps: steps,
            nextWorkerStart: nextWorkerStart(b, after: agentEnd))
    }
}
