/// Collects every record of one session in a second pass over its inputs, so that `timeline
/// --session` holds one session's lines in memory, not the whole run's.
///
/// A record belongs to the session when one of its ids is the session's (room with the same or
/// no sid, sid, job id, identity; by room or identity alone only when it names no other job and
/// lies in the session's span ± 2 minutes), or its process id is one of the session's job
/// processes', or when it has no ids at all, means something (an event: a connection loss, a token
/// mint, a browser error) and its time (or the time of the line before it in the same input) falls
/// in the session's span ± 2 minutes, or it is an untimed event the session took (see
/// `SessionTracker.placeUntimed`). Id-less noise of other sessions in a busy log is left out.
///
/// As in `SessionTracker`, the worker's pid is no job's: livekit-agents 1.8 JSON puts the
/// writing process's pid on every line, so the worker's `received job request` (which names the
/// job) carries the worker's pid, as do `registered worker` and every other worker line. Such a
/// pid (or one seen with this and another session's ids) ties nothing to the session; the
/// worker's id-less lines then count as any id-less line, and its registration rejected (401)
/// joins no session.
///
/// When the session's room name is reused (`voice_assistant_room`), `after` is the end of the
/// room's previous session and `before` the start of its next one: a line naming only the room
/// (the backend's token mint) or no ids, at or before `after` or at or after `before`, is that
/// session's, not this one's, although it lies within the 2 minutes.
public enum SessionRecords {
    /// One session to collect, with its room's previous session's end and next session's start.
    public struct Request: Sendable {
        public var session: Session
        public var after: Timestamp?
        public var before: Timestamp?

        public init(session: Session, after: Timestamp? = nil, before: Timestamp? = nil) {
            self.session = session
            self.after = after
            self.before = before
        }
    }

    /// The records of each requested session, in the order of the requests, and how many
    /// inputs were read to collect them.
    public struct Collected: Sendable {
        public var records: [[LogRecord]]
        public var inputReads: Int
    }

    /// The records of one session.
    public static func collect(
        for session: Session, inputs: [InputDescriptor], options: IngestOptions, after: Timestamp? = nil, before: Timestamp? = nil,
        diagnostics: inout DiagnosticSink
    ) -> [LogRecord] {
        collect([Request(session: session, after: after, before: before)], inputs: inputs, options: options, diagnostics: &diagnostics)
            .records[0]
    }

    /// The requests for every session of `sessions` that `selector` names, with the room's
    /// neighbouring sessions found in one walk over the list (grouped by room, not compared pairwise).
    public static func requests(matching selector: String, in sessions: SessionList) -> [(index: Int, request: Request)] {
        var spans: [String: [(index: Int, start: Timestamp, end: Timestamp?)]] = [:]
        var selected: [(index: Int, session: Session)] = []
        for (i, s) in sessions.enumerated() {
            if let room = s.room, let start = s.start { spans[room, default: []].append((i, start, s.end)) }
            if s.matches(selector) { selected.append((i, s)) }
        }
        return selected.map { i, s in
            var after: Timestamp?
            var before: Timestamp?
            if let room = s.room, let start = s.start {
                for other in spans[room] ?? [] where other.index != i {
                    if other.start < start, let e = other.end, e < start { after = after.map { max($0, e) } ?? e }
                    if other.start > start { before = before.map { min($0, other.start) } ?? other.start }
                }
            }
            return (i, Request(session: s, after: after, before: before))
        }
    }

    /// One session's rule, precomputed.
    private struct Target {
        let session: Session
        let jobs: Set<String>
        let participants: Set<String>
        let lo: Timestamp?
        let hi: Timestamp?
        let after: Timestamp?
        let before: Timestamp?

        func neighbours(_ t: Timestamp) -> Bool { after.map { t <= $0 } ?? false || before.map { t >= $0 } ?? false }

        /// Whether a line's ids make it this session's (before its pid is looked at).
        func owns(_ ids: SessionIDs, time: Timestamp?) -> Bool {
            var mine = false
            if let sid = ids.roomSid {
                mine = sid == session.roomSid
            } else if let room = ids.room, room == session.room {
                mine = true
            } else if let job = ids.jobId, jobs.contains(job) {
                mine = true
            } else if let p = ids.participant, participants.contains(p) {
                mine = true
            }
            // A room name or an identity may be another session's too (a room name reused):
            // a line that names another job, or that lies outside the session's span, is not
            // this session's.
            if mine, ids.roomSid == nil {
                if let job = ids.jobId, !jobs.isEmpty, !jobs.contains(job) {
                    mine = false
                } else if ids.jobId == nil, let t = time, let lo, let hi, t < lo || t > hi || neighbours(t) {
                    mine = false
                }
            }
            return mine
        }
    }

    /// One session's pids and ended jobs within the input being read.
    private struct PidState {
        /// The session's job processes.
        var pids: Set<Int> = []
        /// Pids seen with this session's ids and with another's.
        var mixed: Set<Int> = []
        /// Of each pid, the lines with ids that were this session's.
        var mineLines: [Int: Int] = [:]
        /// The session's jobs whose process ended (`process exiting`), and when the last did:
        /// the worker's id-less events after all of them are not the session's (as in
        /// `SessionTracker`).
        var exited: Set<String> = []
        var exitedAt: Timestamp?
    }

    /// Sessions by span start, to find those whose span holds a time without testing each.
    private struct Spans {
        private var spans: [(lo: Int64, hi: Int64, k: Int)] = []
        private var widest: Int64 = 0

        init(_ members: [Int], _ targets: [Target]) {
            spans = members.compactMap { k in
                guard let lo = targets[k].lo, let hi = targets[k].hi, lo <= hi else { return nil }
                return (lo.micros, hi.micros, k)
            }.sorted { ($0.lo, $0.k) < ($1.lo, $1.k) }
            widest = spans.reduce(Int64(0)) { Swift.max($0, $1.hi &- $1.lo) }
        }

        var isEmpty: Bool { spans.isEmpty }

        /// Calls `body` with each session whose span holds `t`.
        func holding(_ t: Int64, _ body: (Int) -> Void) {
            var upper = spans.count
            var lower = 0
            while lower < upper {
                let mid = (lower + upper) / 2
                if spans[mid].lo <= t { lower = mid + 1 } else { upper = mid }
            }
            let (floor, overflow) = t.subtractingReportingOverflow(widest)
            var i = lower - 1
            while i >= 0 && (overflow || spans[i].lo >= floor) {
                if t <= spans[i].hi { body(spans[i].k) }
                i -= 1
            }
        }
    }

    /// The sessions one room name or identity names, sorted for the lines that name it.
    private struct Group {
        var all: [Int] = []
        /// Those without jobs (a line naming a job may be theirs), and those without a span (a
        /// line at any time may be theirs).
        var jobless: [Int] = []
        var unspanned: [Int] = []
        var spans = Spans([], [])

        /// The sessions a line naming this room or identity may belong to: by its job if it
        /// names one, else by its time (as `Target.owns` decides; it still decides).
        func candidates(job: String?, time: Timestamp?, byJob: [String: [Int]], into set: inout Set<Int>) {
            if let job {
                set.formUnion(byJob[job] ?? [])
                set.formUnion(jobless)
            } else if let time {
                set.formUnion(unspanned)
                spans.holding(time.micros) { set.insert($0) }
            } else {
                set.formUnion(all)
            }
        }
    }

    /// The records of each requested session, every input read once.
    ///
    /// Per input, a session's pids follow one rule: the worker's pid (one seen on a worker line)
    /// and a pid seen with this session's ids and another line's ids are shared, tying nothing;
    /// a pid seen only with this session's ids is its job process's. So a line is tested against
    /// the sessions its ids name, those whose process its pid is, and, id-less, those whose span
    /// holds its time, not against every session.
    public static func collect(
        _ requests: [Request], inputs: [InputDescriptor], options: IngestOptions, diagnostics: inout DiagnosticSink
    ) -> Collected {
        var perInput = [[Int: [LogRecord]]](repeating: [:], count: requests.count)
        guard !requests.isEmpty else { return Collected(records: [], inputReads: 0) }
        let referenceDays = options.date.map { d in inputs.map { _ in d } } ?? Ingestor.learnReferenceDays(inputs, options: options)
        let targets = requests.map { r in
            Target(
                session: r.session, jobs: Set(r.session.jobIds), participants: Set(r.session.participants),
                lo: r.session.start?.adding(seconds: -120), hi: r.session.end?.adding(seconds: 120), after: r.after, before: r.before)
        }
        var bySid: [String: [Int]] = [:]
        var byRoom: [String: Group] = [:]
        var byJob: [String: [Int]] = [:]
        var byParticipant: [String: Group] = [:]
        // The untimed id-less lines each session took (an untimed browser console's, placed by
        // the console's lines with ids around them): no span tells them.
        var byUntimed: [SourceLocation: [Int]] = [:]
        var byInput: [Int: [Int]] = [:]
        for (k, t) in targets.enumerated() {
            if let sid = t.session.roomSid { bySid[sid, default: []].append(k) }
            if let room = t.session.room { byRoom[room, default: Group()].all.append(k) }
            for j in t.jobs { byJob[j, default: []].append(k) }
            for p in t.participants { byParticipant[p, default: Group()].all.append(k) }
            for e in t.session.events where e.time == nil && !e.hasIDs { byUntimed[e.location, default: []].append(k) }
            for index in Set(t.session.inputs) where inputs.indices.contains(index) { byInput[index, default: []].append(k) }
        }
        func sort(_ groups: inout [String: Group]) {
            for key in groups.keys {
                let all = groups[key]!.all
                groups[key]!.jobless = all.filter { targets[$0].jobs.isEmpty }
                groups[key]!.unspanned = all.filter { k in
                    guard let lo = targets[k].lo, let hi = targets[k].hi else { return true }
                    return lo > hi
                }
                groups[key]!.spans = Spans(all, targets)
            }
        }
        sort(&byRoom)
        sort(&byParticipant)
        var scratch = DiagnosticSink()
        let classifier = EventClassifier(configuration: AnalysisConfiguration())
        var reads = 0
        for index in byInput.keys.sorted() {
            let members = byInput[index]!
            let isMember = Set(members)
            // The members with a span, by its start, for the id-less lines.
            let spans = Spans(members, targets)
            var state: [Int: PidState] = [:]
            // The worker's pids (seen on a worker line); of each pid, its lines with ids; the
            // sessions whose job process each pid is.
            var workerPids: Set<Int> = []
            var idLines: [Int: Int] = [:]
            var owners: [Int: Set<Int>] = [:]
            var last: Timestamp?
            reads += 1
            Ingestor.read(inputs[index], index: index, options: options, referenceDay: referenceDays[index], diagnostics: &scratch) { r in
                if let t = r.time { last = t }
                let ids = r.ids
                let time = r.time ?? last
                let idless = ids.roomSid == nil && ids.room == nil && ids.jobId == nil && ids.participantSid == nil && ids.participant == nil
                var taken: Set<Int> = []
                // A worker line (its registration, a job request) shares its pid with every session.
                if let pid = ids.pid, !workerPids.contains(pid),
                    ids.workerId != nil || r.message.hasPrefix(EventClassifier.Word.jobRequest.text)
                {
                    workerPids.insert(pid)
                    for k in owners.removeValue(forKey: pid) ?? [] { state[k]!.pids.remove(pid) }
                }
                if !idless {
                    var candidates: Set<Int> = []
                    if let sid = ids.roomSid { candidates.formUnion(bySid[sid] ?? []) }
                    if ids.roomSid == nil, let room = ids.room {
                        byRoom[room]?.candidates(job: ids.jobId, time: time, byJob: byJob, into: &candidates)
                    }
                    if let job = ids.jobId { candidates.formUnion(byJob[job] ?? []) }
                    if let p = ids.participant {
                        byParticipant[p]?.candidates(job: ids.jobId, time: time, byJob: byJob, into: &candidates)
                    }
                    for k in candidates where isMember.contains(k) && targets[k].owns(ids, time: time) { taken.insert(k) }
                    if !taken.isEmpty, let job = ids.jobId, case .sessionEnd? = classifier.classify(r), classifier.endsProcess(r) {
                        for k in taken where targets[k].jobs.contains(job) {
                            var s = state[k] ?? PidState()
                            s.exited.insert(job)
                            if let t = r.time, s.exitedAt.map({ t > $0 }) ?? true { s.exitedAt = t }
                            state[k] = s
                        }
                    }
                    if let pid = ids.pid, !workerPids.contains(pid) {
                        let seen = idLines[pid, default: 0]
                        for k in taken {
                            var s = state[k] ?? PidState()
                            guard !s.mixed.contains(pid) else { continue }
                            let own = s.mineLines[pid, default: 0]
                            if seen > own {
                                // An earlier line with another session's ids had this pid: shared.
                                s.mixed.insert(pid)
                                s.pids.remove(pid)
                                owners[pid]?.remove(k)
                            } else {
                                s.pids.insert(pid)
                                owners[pid, default: []].insert(k)
                            }
                            s.mineLines[pid] = own + 1
                            state[k] = s
                        }
                        for k in owners[pid] ?? [] where !taken.contains(k) {
                            state[k]!.pids.remove(pid)
                            state[k]!.mixed.insert(pid)
                            owners[pid]!.remove(k)
                        }
                        idLines[pid] = seen + 1
                    }
                } else {
                    // An id-less line: the job process's it came from, or a session's whose span
                    // holds its time (for which its pid, if any, is shared).
                    if let pid = ids.pid, !workerPids.contains(pid) { taken = owners[pid] ?? [] }
                    if let t = time, !spans.isEmpty {
                        var kind: EventKind??
                        var side: Side?
                        spans.holding(t.micros) { k in
                            if let pid = ids.pid, !workerPids.contains(pid), !(state[k]?.mixed.contains(pid) ?? false) { return }
                            let target = targets[k]
                            guard !target.neighbours(t) else { return }
                            if kind == nil { kind = .some(classifier.classify(r)) }
                            guard let found = kind!, found != .authFailure(.workerRegistration), found != .workerStart else { return }
                            // The worker's own events after every job of the session had ended are not its.
                            if let s = state[k], let at = s.exitedAt, t > at, s.exited.count == target.jobs.count {
                                if side == nil { side = EventClassifier.side(of: r, path: inputs[index].path) }
                                if side == .agent { return }
                            }
                            taken.insert(k)
                        }
                    }
                    if r.time == nil, let untimed = byUntimed[SourceLocation(input: index, line: r.line)] {
                        for k in untimed where isMember.contains(k) { taken.insert(k) }
                    }
                }
                for k in taken { perInput[k][index, default: []].append(r) }
            }
        }
        _ = diagnostics
        let records = targets.enumerated().map { k, t in
            t.session.inputs.filter { inputs.indices.contains($0) }.flatMap { perInput[k][$0] ?? [] }
        }
        return Collected(records: records, inputReads: reads)
    }
}
