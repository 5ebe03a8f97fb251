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
    public static func collect(
        for session: Session, inputs: [InputDescriptor], options: IngestOptions, after: Timestamp? = nil, before: Timestamp? = nil,
        diagnostics: inout DiagnosticSink
    ) -> [LogRecord] {
        let referenceDays = options.date.map { d in inputs.map { _ in d } } ?? Ingestor.learnReferenceDays(inputs, options: options)
        let jobs = Set(session.jobIds)
        let participants = Set(session.participants)
        // The untimed id-less lines the session took (an untimed browser console's, placed by
        // the console's lines with ids around them): no span tells them.
        let untimed = Set(session.events.lazy.filter { $0.time == nil && !$0.hasIDs }.map(\.location))
        let lo = session.start?.adding(seconds: -120)
        let hi = session.end?.adding(seconds: 120)
        func neighbours(_ t: Timestamp) -> Bool { after.map { t <= $0 } ?? false || before.map { t >= $0 } ?? false }
        var records: [LogRecord] = []
        var scratch = DiagnosticSink()
        let classifier = EventClassifier(configuration: AnalysisConfiguration())
        for index in session.inputs where inputs.indices.contains(index) {
            var last: Timestamp?
            // The session's job processes; the worker's pid (and any seen with two sessions' ids);
            // pids seen only with other sessions' ids.
            var pids: Set<Int> = []
            var shared: Set<Int> = []
            var others: Set<Int> = []
            // The session's jobs whose process ended (`process exiting`), and when the last did:
            // the worker's id-less events after all of them are not the session's (as in
            // `SessionTracker`).
            var exited: Set<String> = []
            var exitedAt: Timestamp?
            Ingestor.read(inputs[index], index: index, options: options, referenceDay: referenceDays[index], diagnostics: &scratch) { r in
                if let t = r.time { last = t }
                let ids = r.ids
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
                    } else if ids.jobId == nil, let t = r.time ?? last, let lo, let hi, t < lo || t > hi || neighbours(t) {
                        mine = false
                    }
                }
                if mine, let job = ids.jobId, jobs.contains(job), case .sessionEnd? = classifier.classify(r), classifier.endsProcess(r) {
                    exited.insert(job)
                    if let t = r.time, exitedAt.map({ t > $0 }) ?? true { exitedAt = t }
                }
                let idless = ids.roomSid == nil && ids.room == nil && ids.jobId == nil && ids.participantSid == nil && ids.participant == nil
                if let pid = ids.pid, !shared.contains(pid) {
                    if ids.workerId != nil || r.message.hasPrefix(EventClassifier.Word.jobRequest.text) {
                        shared.insert(pid)
                        pids.remove(pid)
                    } else if mine {
                        if others.contains(pid) { shared.insert(pid) } else { pids.insert(pid) }
                    } else if !idless {
                        if pids.remove(pid) != nil { shared.insert(pid) } else { others.insert(pid) }
                    }
                }
                if !mine && idless {
                    if let pid = ids.pid, !shared.contains(pid) {
                        mine = pids.contains(pid)
                    } else if let t = r.time ?? last, let lo, let hi, t >= lo && t <= hi && !neighbours(t), let kind = classifier.classify(r) {
                        // The worker's own events are not its jobs': its registration rejected, and
                        // an agent event after every job of the session had ended.
                        let afterJobs = exitedAt.map { t > $0 } ?? false && exited.count == jobs.count
                            && EventClassifier.side(of: r, path: inputs[index].path) == .agent
                        mine = kind != .authFailure(.workerRegistration) && !afterJobs
                    }
                }
                if !mine, idless, r.time == nil, untimed.contains(SourceLocation(input: index, line: r.line)) { mine = true }
                if mine { records.append(r) }
            }
        }
        _ = diagnostics
        return records
    }
}
