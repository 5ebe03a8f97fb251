/// `job-failure`: the agent's job failed: its entrypoint raised, its agent session closed on an
/// error it could not recover from, the worker saw its process crash or killed it, the worker
/// could not start it at all, or the worker was stopped (after a drain) while it ran, or died
/// without a word while it ran (`vanishedJob`: SIGKILL, an OOMKilled container, a host gone).
///
/// Reads the `jobError` events (livekit-agents `unhandled exception while running the job task`,
/// ipc/job_proc_lazy_main.py, 0.12 to HEAD; Node agents' `error in entry function`,
/// agents/src/ipc/job_proc_lazy_main.ts) and the session ends that say why the job ended
/// (ipc/supervised_proc.py: `process exited with non-zero exit code N`, `process is unresponsive,
/// killing process`, `[job ]process exceeded memory limit, killing process|it`; 0.8 `job is
/// unresponsive, killing job`; voice/agent_session.py `AgentSession is closing due to
/// unrecoverable error[: …]`, agents-js `… due to an unrecoverable error`; ipc/proc_pool.py
/// `failed to launch job on process after 3 attempts` (1.4.2+) and `failed to acquire process for
/// job after 3 attempts` (1.5.16+), the worker's lines for a job no process took; worker.py
/// `assignment for job AJ_… timed out`, a job accepted whose assignment never came; and the
/// server's pkg/service/agentservice.go `failed to assign job to worker` with `retry: false` and
/// `no worker available to handle job`, a job it gave up; and worker.py's `shutting down worker`,
/// or cli.py's `drain timed out, forcing shutdown`, after `draining worker` with the job still
/// running: a deploy cut the call; and livekit-server's `participant closing` of the agent's
/// participant with a reason that is no leave, after the worker's last line for the job, with no
/// end of the job logged; or, without it, a new worker process's `starting worker` in the same
/// log and source after that line, `restartedJob`). An entrypoint that
/// raised LiveKit's 401 is an authentication failure, the other rules' (no finding here); the
/// kills at shutdown (`process did not exit in time`) and of processes without a job are not the
/// session's failure, nor is the exit a kill is then logged with (`… non-zero exit code -10`).
/// Known false positives: a vanished job whose worker's log was cut before the server's log (the
/// close is then the agent's, but not necessarily a death: a suspended host whose log ends before
/// it woke looks the same); a job run in a thread (the thread executor: Windows' default, lines
/// with `tid`), whose end (`job exiting`) is logged at DEBUG only, then a restart of its worker;
/// two worker processes writing one file (one's start is then no restart of the other); one
/// finding per session.
public struct JobFailureDetector: Detector {
    public init() {}

    public var descriptor: RuleDescriptor {
        RuleDescriptor(
            id: "job-failure", name: "JobFailure",
            summary: "The agent's job failed: its entrypoint raised, its session closed on an unrecoverable error, its process crashed or was killed, or it never started (no process could be started for it, or the worker and the server failed to agree on its assignment), or its worker shut down after a drain while it ran, or its worker died without a word (the server timed the agent's participant out, or a new worker process started in its log).",
            defaultSeverity: .error,
            help: "Read the exception in the evidence: the job's own code (entrypoint), a provider's error (STT, LLM, TTS: key, quota, network), or the host (a memory limit, an event loop blocked by synchronous code). A worker that died without a word (vanished, then timed out by the server or restarted by its supervisor): its container's or host's end (`kubectl describe pod`: OOMKilled, exit code 137; `dmesg`: the OOM killer).",
            examples: [
                DetectorExample("entrypoint raised", triggers: true, log: """
                    {"message": "unhandled exception while running the job task", "level": "ERROR", "name": "livekit.agents", "exc_info": "Traceback (most recent call last):\\n  File \\"/app/agent.py\\", line 21, in entrypoint\\n    raise RuntimeError(\\"greeting config missing\\")\\nRuntimeError: greeting config missing", "pid": 4411, "job_id": "AJ_ikLgRDmSdOXj", "timestamp": "2026-01-01T00:00:00.000000+00:00"}
                    """),
                DetectorExample("process killed for memory", triggers: true, log: """
                    {"message": "job process exceeded memory limit, killing it", "level": "ERROR", "name": "livekit.agents", "memory_usage_mb": 812.4, "memory_limit_mb": 800, "pid": 4411, "job_id": "AJ_ikLgRDmSdOXj", "timestamp": "2026-01-01T00:00:00.000000+00:00"}
                    """),
                DetectorExample("the server gave the job up", triggers: true, log: """
                    2026-01-01T00:00:03.000Z\tWARN\tlivekit.agents\tservice/agentservice.go:441\tfailed to assign job to worker\t{"jobID": "AJ_ikLgRDmSdOXj", "namespace": "", "agentName": "", "jobType": "JT_ROOM", "room": "support-room", "roomID": "RM_8JBQ2nlrFwSs", "workerID": "AW_z5g7KvFN5D9u", "retry": false, "error": "context deadline exceeded"}
                    """),
                DetectorExample("the worker died without a word and the server timed the agent out", triggers: true, log: """
                    {"message": "looking up the order status", "level": "INFO", "name": "agent", "pid": 4411, "job_id": "AJ_ikLgRDmSdOXj", "room": "support-room", "timestamp": "2026-01-01T00:02:10.000000+00:00"}
                    2026-01-01T00:02:41.200Z\tINFO\tlivekit\trtc/participant.go:957\tparticipant closing\t{"room": "support-room", "roomID": "RM_8JBQ2nlrFwSs", "participant": "agent-AJ_ikLgRDmSdOXj", "pID": "PA_Yh2rB6vLc9Tp", "remote": false, "sendLeave": false, "reason": "PEER_CONNECTION_DISCONNECTED", "isExpectedToResume": false}
                    """),
                DetectorExample("the worker died without a word and a new worker process started in its log", triggers: true, log: """
                    {"message": "looking up the order status", "level": "INFO", "name": "agent", "pid": 4411, "job_id": "AJ_ikLgRDmSdOXj", "room": "support-room", "timestamp": "2026-01-01T00:02:10.000000+00:00"}
                    {"message": "starting worker", "level": "INFO", "name": "livekit.agents", "version": "1.6.0", "rtc-version": "1.0.23", "timestamp": "2026-01-01T00:02:14.512000+00:00"}
                    """),
                DetectorExample("a worker that shut down, then started again, is no failure", triggers: false, log: """
                    {"message": "looking up the order status", "level": "INFO", "name": "agent", "pid": 4411, "job_id": "AJ_ikLgRDmSdOXj", "room": "support-room", "timestamp": "2026-01-01T00:02:10.000000+00:00"}
                    {"message": "shutting down worker", "level": "INFO", "name": "livekit.agents", "id": "AW_ZNrFd8xmr2X9", "timestamp": "2026-01-01T00:02:12.000000+00:00"}
                    {"message": "process exiting", "level": "INFO", "name": "livekit.agents", "reason": "", "pid": 4411, "job_id": "AJ_ikLgRDmSdOXj", "timestamp": "2026-01-01T00:02:12.400000+00:00"}
                    {"message": "starting worker", "level": "INFO", "name": "livekit.agents", "version": "1.6.0", "rtc-version": "1.0.23", "timestamp": "2026-01-01T00:02:14.512000+00:00"}
                    """),
                DetectorExample("an agent that left the room is no failure", triggers: false, log: """
                    {"message": "looking up the order status", "level": "INFO", "name": "agent", "pid": 4411, "job_id": "AJ_ikLgRDmSdOXj", "room": "support-room", "timestamp": "2026-01-01T00:02:10.000000+00:00"}
                    2026-01-01T00:02:41.200Z\tINFO\tlivekit\trtc/participant.go:957\tparticipant closing\t{"room": "support-room", "roomID": "RM_8JBQ2nlrFwSs", "participant": "agent-AJ_ikLgRDmSdOXj", "pID": "PA_Yh2rB6vLc9Tp", "remote": false, "sendLeave": false, "reason": "CLIENT_REQUEST_LEAVE", "isExpectedToResume": false}
                    """),
                DetectorExample("a normal exit is no failure", triggers: false, log: """
                    {"message": "process exiting", "level": "INFO", "name": "livekit.agents", "reason": "", "pid": 4411, "job_id": "AJ_ikLgRDmSdOXj", "timestamp": "2026-01-01T00:00:00.000000+00:00"}
                    """),
                DetectorExample("an entrypoint's 401 is another rule's", triggers: false, log: """
                    {"message": "unhandled exception while running the job task", "level": "ERROR", "name": "livekit.agents", "exc_info": "Traceback (most recent call last):\\nlivekit.rtc.room.ConnectError: engine: signal failure: client error: 401 Unauthorized - invalid token: x, error: go-jose/go-jose/jwt: validation failed, token is expired (exp)", "pid": 4411, "job_id": "AJ_ikLgRDmSdOXj", "timestamp": "2026-01-01T00:00:00.000000+00:00"}
                    """),
            ])
    }

    /// What failed, worst first where a session shows several.
    public enum Kind: String, Sendable {
        /// `unhandled exception while running the job task`.
        case entrypoint
        /// `AgentSession is closing due to unrecoverable error`.
        case sessionError
        /// `process exited with non-zero exit code N`.
        case crashed
        /// `process is unresponsive, killing process`, `… exceeded memory limit, killing …`.
        case killed
        /// `failed to launch job on process after 3 attempts`, `failed to acquire process for job
        /// after 3 attempts`, `assignment for job AJ_… timed out`: the job never ran.
        case notLaunched
        /// `shutting down worker` while the job ran: its worker stopped (a deploy, a scale-down,
        /// a dev-mode reload) and closed the job's process with the call still on.
        case stopped
        /// Nothing: the worker's lines for the job stop, and livekit-server then closed the
        /// agent's participant for a reason that is no leave, or a new worker process started
        /// in the same log (its worker killed, SIGKILL, or its host gone).
        case vanished
    }

    /// The reasons livekit-server closes a participant that did not leave (pkg/rtc/types
    /// ParticipantCloseReason): its connection timed out (`PEER_CONNECTION_DISCONNECTED`, the
    /// transport failed and 5 s passed; `STALE`), or its signal connection closed before its media
    /// connected (`SIGNAL_SOURCE_CLOSE`). An agent that ends its job leaves
    /// (`CLIENT_REQUEST_LEAVE`); a room closed or deleted, a server stopping, are others' doing.
    static let uncleanCloses = ["(PEER_CONNECTION_DISCONNECTED)", "(STALE)", "(SIGNAL_SOURCE_CLOSE)"]

    /// The job's worker gone without a word: livekit-server's `participant closing` of the
    /// agent's participant (`SessionEvent.agentParticipant`) for a reason that is no leave
    /// (`uncleanCloses`), at or after the agent's last line with the session's ids, while the
    /// worker logged nothing of the job's end (no session end of the agent's: `process exiting`,
    /// a crash or kill, the agent session's close, the room's disconnect; no `shutting down
    /// worker`; no give-up) and no connection trouble of the agent's own in the 2 min before the
    /// close (a network's loss, which a live worker logs: `received session close`, `resuming
    /// connection`). A worker that ended the job, a user who left (the agent's `closing agent
    /// session due to participant disconnect`), a stop (`shutting down worker`, also a dev-mode
    /// Ctrl-C) or logs that simply end (no close logged after them) find nothing. Returns the
    /// close, and the worker's `draining worker` when it was draining (killed at the end of a
    /// grace period).
    static func vanishedJob(_ session: Session) -> (close: SessionEvent, drain: SessionEvent?)? {
        // (Without the server's lines, no close to read: the events are not searched.)
        guard !session.jobIds.isEmpty, session.sides.contains(.server), let last = session.agentEnd else { return nil }
        let events = session.events
        var close = -1, drain = -1
        for i in events.indices {
            switch events[i].kind {
            case .sessionEnd where events[i].side == .agent, .workerShutdown where events[i].side == .agent, .gaveUp where events[i].side == .agent:
                return nil
            case .workerDraining where events[i].side == .agent && drain < 0:
                drain = i
            case .sessionEnd where close < 0 && events[i].side == .server && events[i].agentParticipant:
                guard let t = events[i].time, t >= last, uncleanCloses.contains(where: { events[i].text.hasSuffix($0) }) else { continue }
                close = i
            default:
                continue
            }
        }
        guard close >= 0, let t = events[close].time else { return nil }
        for e in events where e.side == .agent {
            switch e.kind {
            case .connectionLost, .resumeAttempt, .authFailure:
                if let te = e.time, te.seconds(until: t) <= 120 { return nil }
            default:
                continue
            }
        }
        return (events[close], drain >= 0 && events[drain].time.map { $0 <= t } == true ? events[drain] : nil)
    }

    /// The job's worker replaced by a new process without a word: a new worker process's start
    /// (`starting worker`, `Session.nextWorkerStart`: in the log and wrapper source of the
    /// agent's last line with the session's ids, after it) while the worker had logged nothing
    /// of the job's end before it (no session end of the agent's, no `shutting down worker` in
    /// the session or in that log and source since the previous start, no give-up): a container restarted after its SIGKILL (OOMKilled, a `kubectl logs --previous`
    /// and the current log in one file), docker compose's `restart: always`, systemd's
    /// `Restart=`. A clean stop (`shutting down worker`, which a dev-mode reload logs too)
    /// before the start, a job that ended, a job that logged after the start (a dev-mode
    /// reload's `reloading job`) find nothing. Returns the start, and the worker's `draining
    /// worker` when it was draining.
    @inline(never)
    static func restartedJob(_ session: Session) -> (start: WorkerStart, drain: SessionEvent?)? {
        guard !session.jobIds.isEmpty, let start = session.nextWorkerStart, !start.afterStop, let last = session.agentEnd, start.time > last else { return nil }
        let events = session.events
        var drain = -1
        for i in events.indices where events[i].side == .agent {
            // (The new process's own lines are not the old one's end.)
            if let t = events[i].time, t >= start.time { continue }
            switch events[i].kind {
            case .sessionEnd, .workerShutdown, .gaveUp: return nil
            case .workerDraining where drain < 0: drain = i
            default: continue
            }
        }
        return (start, drain >= 0 ? events[drain] : start.drain)
    }

    /// The worker's `shutting down worker` (or cli.py's `drain timed out, forcing shutdown`,
    /// whichever came first) after its `draining worker`, while the session's job ran: the job
    /// had started before the drain and no end of the job's process (`process exiting`, 0.8 `job
    /// exiting`) or of its task (`shutting down job task`) was logged before the shutdown. A
    /// worker that drained its jobs (each ended as its call did) and then shut down ends none; a
    /// stop without a drain (a dev-mode run's Ctrl-C, which never drains; a second signal) is
    /// the operator's own and only shows in the timeline. Returns the drain and the shutdown.
    static func stoppedJob(_ session: Session) -> (drain: SessionEvent, stop: SessionEvent)? {
        guard !session.jobIds.isEmpty, let start = session.start else { return nil }
        // (By index and kind's case, stopping at the first shutdown after a drain: a loop over
        // the events by value copied each one, 13 M instructions on the 66 MB JSON slice.)
        let events = session.events
        var drain = -1, stop = -1
        for i in events.indices {
            switch events[i].kind {
            case .workerDraining where drain < 0: drain = i
            case .workerShutdown where drain >= 0: stop = i
            default: continue
            }
            if stop >= 0 { break }
        }
        guard drain >= 0, stop >= 0, events[drain].side == .agent, events[stop].side == .agent,
            let t0 = events[drain].time, t0 > start, let t = events[stop].time
        else { return nil }
        for i in events.indices {
            guard case .sessionEnd = events[i].kind, events[i].side == .agent, let end = events[i].time, end <= t else { continue }
            let text = events[i].text
            if isProcessEnd(text) || text.hasPrefix("shutting down job task") { return nil }
        }
        return (events[drain], events[stop])
    }

    /// The failure an event stands for, or nil. (On the bytes: `String.contains` with a string is
    /// Foundation's here, a CFStringFind over UTF-16, and every session's ends are asked: it cost
    /// 240 M instructions on the 66 MB JSON slice.)
    /// (Asked of every event of every session, so inlined into the callers' loops, with the
    /// text's test out of line: called, it had each event copied to it, 19,100 copies for
    /// 80,000 lines of JSON.)
    @inline(__always)
    static func kind(of e: SessionEvent) -> Kind? {
        if case .jobError = e.kind { return .entrypoint }
        guard case .sessionEnd = e.kind, e.side == .agent || e.side == .server else { return nil }
        return endKind(e.text, server: e.side == .server)
    }

    /// The failure a session end's text stands for (`server`: the server's line), or nil.
    @inline(never)
    static func endKind(_ text: String, server: Bool) -> Kind? {
        // Each of these lines is at least 19 bytes long and starts with `A`, `p`, `j`, `f`,
        // `e` or `a` (`process exiting`, the end of every job, is 15 bytes and stops here,
        // uncopied); the server's are `failed to assign job to worker` and `no worker available to
        // handle job`.
        let u = text.utf8
        guard u.count >= 19, let c = u.first,
            c == UInt8(ascii: "A") || c == UInt8(ascii: "p") || c == UInt8(ascii: "j") || c == UInt8(ascii: "f") || c == UInt8(ascii: "e")
                || c == UInt8(ascii: "a") || c == UInt8(ascii: "n")
        else { return nil }
        var text = text
        // (The event's text holds the line's `error` after its message.)
        if server {
            return text.withUTF8 { $0.has(EventClassifier.serverAssignFailed, at: 0) || $0.has(EventClassifier.serverNoWorkerForJob, at: 0) } ? .notLaunched : nil
        }
        return text.withUTF8 { t in
            if t.has("AgentSession is closing due to", at: 0) { return .sessionError }
            if t.has("failed to launch job on process after ", at: 0) || t.has("failed to acquire process for job after ", at: 0)
                || t.has(EventClassifier.nodeLaunchError, at: 0) || EventClassifier.isAssignmentTimeoutMessage(t)
            {
                return .notLaunched
            }
            if nonZeroExit.occurs(in: t) { return .crashed }
            if killing.occurs(in: t), unresponsive.occurs(in: t) || memoryLimit.occurs(in: t) { return .killed }
            return nil
        }
    }

    /// Whether a session end is the worker's kill of the job's process (`… killing process`,
    /// `… killing it`). (On the bytes, as `kind(of:)`.)
    static func isKill(_ e: SessionEvent) -> Bool {
        // (Each kill line is longer than 24 bytes and starts with `p` or `j`: `process exiting`,
        // every job's end, stops here uncopied.)
        let u = e.text.utf8
        guard u.count > 24, let c = u.first, c == UInt8(ascii: "p") || c == UInt8(ascii: "j") else { return false }
        var text = e.text
        return text.withUTF8 { killing.occurs(in: $0) }
    }

    /// Whether a session end's text is the end of a job's process (`process exiting`; 0.8 `job
    /// exiting`).
    static func isProcessEnd(_ text: String) -> Bool { text.hasPrefix("process exiting") || text.hasPrefix("job exiting") }

    static let nonZeroExit = Literal("non-zero exit code")
    static let killing = Literal("killing")
    static let unresponsive = Literal("unresponsive")
    static let memoryLimit = Literal("memory limit")

    public func detect(_ session: Session, configuration: AnalysisConfiguration) -> [Finding] {
        // A process the worker killed (`process is unresponsive, killing process`, `… exceeded
        // memory limit, killing …`, or at shutdown `process did not exit in time, killing
        // process`) may then be logged as a crash: livekit-agents 1.3+ sends SIGUSR1 first and
        // marks the kill only after 0.5 s, so the process's end within them is `process exited
        // with non-zero exit code -10` (ipc/supervised_proc.py _send_kill_signal). That exit is
        // the kill's, no failure of its own.
        // (Within 5 s of the kill: a later job of the room crashing is a failure again.)
        // (Filtered, then only sessions with a crash looked at again: a loop over every event
        // copying each cost 15 M instructions on the 66 MB JSON slice.)
        var failures = session.events.filter { Self.kind(of: $0) != nil }.map { (kind: Self.kind(of: $0)!, event: $0) }
        if failures.contains(where: { $0.kind == .crashed }) {
            let kills = session.events.filter { $0.kind == .sessionEnd && $0.side == .agent && Self.isKill($0) }.compactMap(\.time)
            failures.removeAll { failure in
                guard failure.kind == .crashed, let t1 = failure.event.time else { return false }
                return kills.contains { t0 in t0.seconds(until: t1) >= 0 && t0.seconds(until: t1) <= 5 }
            }
        }
        var drain: SessionEvent?
        if failures.isEmpty, let stopped = Self.stoppedJob(session) {
            failures = [(kind: .stopped, event: stopped.stop)]
            drain = stopped.drain
        }
        if failures.isEmpty, let vanished = Self.vanishedJob(session) {
            failures = [(kind: .vanished, event: vanished.close)]
            drain = vanished.drain
        }
        // (Without the server's close: the worker's restart in its own log.)
        var restart: WorkerStart?
        if failures.isEmpty, session.nextWorkerStart != nil, let restarted = Self.restartedJob(session) {
            let start = restarted.start
            failures = [(kind: .vanished, event: SessionEvent(kind: .workerStart, time: start.time, location: start.location, side: .agent, text: start.text, hasIDs: false))]
            drain = restarted.drain
            restart = start
        }
        guard let first = failures.first else { return [] }
        let what: String
        switch first.kind {
        case .entrypoint:
            let exception = Self.after(first.event.text, "while running the job task") ?? Self.after(first.event.text, "\(EventClassifier.nodeEntryError)")
            what = "the job's entrypoint raised an unhandled exception: \(exception ?? "its traceback was not logged")"
        case .sessionError:
            what = "the agent session closed on an error it could not recover from: \(Self.after(first.event.text, "unrecoverable error") ?? "no error given")"
        case .crashed:
            what = "the job's process crashed (\(Self.exitCodeText(first.event.text)))"
        case .killed:
            what = first.event.text.contains("memory limit")
                ? "the worker killed the job's process for exceeding its memory limit"
                : "the worker killed the job's process because it stopped answering (unresponsive)"
        case .notLaunched where first.event.text.hasPrefix("\(EventClassifier.nodeLaunchError)"):
            what = "the worker could not start the job: \(Self.after(first.event.text, "\(EventClassifier.nodeLaunchError)") ?? "its error was not logged")"
        case .notLaunched where first.event.text.hasPrefix("\(EventClassifier.serverNoWorkerForJob)"):
            what = "the server found no worker to take the job (\(first.event.text)): the job never started"
        case .notLaunched where first.event.text.hasPrefix("\(EventClassifier.serverAssignFailed)"):
            what = "the server could not assign the job to the worker it chose and tried no other (\(first.event.text)): the job never started"
        case .notLaunched where first.event.text.hasPrefix("\(EventClassifier.assignmentHead)"):
            what = "the worker accepted the job, but the server's assignment did not come within 7.5 s (\(first.event.text)): the job never started"
        case .stopped:
            what = "the agent's worker shut down while the job was running (`\(first.event.text)`): the agent left the call"
        case .vanished where restart != nil:
            let silence = session.agentEnd.flatMap { t0 in first.event.time.map { t0.seconds(until: $0) } } ?? 0
            what = "the agent's worker went silent while the job was running: nothing logged of the job's end, and \(humanDuration(silence)) after its last line a new worker process started in the same log (`\(first.event.text)`): the worker was restarted, and the agent left the call"
        case .vanished:
            let silence = session.agentEnd.flatMap { t0 in first.event.time.map { t0.seconds(until: $0) } } ?? 0
            what = "the agent's worker went silent while the job was running: nothing logged of the job's end, and \(humanDuration(silence)) after its last line the server closed the agent's participant (`\(first.event.text)`): the agent left the call"
        case .notLaunched:
            what = first.event.text.hasPrefix("failed to acquire")
                ? "the worker could not start the job: no process it started for it finished initialising (failed to acquire process for job after 3 attempts)"
                : "the worker could not start the job: handing it to a job process failed three times (failed to launch job on process after 3 attempts)"
        }
        var f = Finding(rule: descriptor.id, severity: .error, session: session, at: first.event.time, message: what)
        f.values.append(("kind", .text(first.kind.rawValue)))
        f.values.append(("failures", .integer(failures.count)))
        if first.kind == .crashed, let code = Self.exitCode(first.event.text) { f.values.append(("exitCode", .integer(code))) }
        if first.kind == .vanished, let t0 = session.agentEnd, let t1 = first.event.time { f.values.append(("silentSeconds", .number(t0.seconds(until: t1)))) }
        switch first.kind {
        case .entrypoint where first.event.text.contains("ConnectError"):
            f.explanation.append("the job could not connect to its room (`ctx.connect()` raised the SDK's `ConnectError`), so it never joined; a LiveKit 401 would be reported as an authentication failure")
            if first.event.text.contains("404") {
                f.explanation.append("a `404` in it answers the SDK's follow-up request to `…/rtc/validate` (asked after the WebSocket was refused), not the connection: the server's log says why it refused the connection (`error handling request`)")
            }
        case .entrypoint:
            f.explanation.append("the exception left the job's entrypoint (the function the worker runs for each job): an error of the agent's own code or of a call it made; a LiveKit 401 would be reported as an authentication failure")
        case .sessionError:
            f.explanation.append("an STT, LLM, TTS or realtime model error that its retries did not fix closed the agent's session (livekit-agents `AgentSession is closing due to unrecoverable error`): the error names the provider and its reason (an API key, a quota, the network)")
            if first.event.text.contains("session_expired") {
                f.explanation.append("`session_expired` is OpenAI Realtime's limit on one session's length (15 minutes when this was written), not a LiveKit token's expiry")
            }
        case .crashed:
            if let code = Self.exitCode(first.event.text), code < 0 {
                let signal: String
                switch code {
                case -9: signal = "SIGKILL (-9), most often the kernel's OOM killer or the container's memory limit"
                case -11: signal = "SIGSEGV (-11), a crash in native code (an audio, model or SDK library)"
                case -6: signal = "SIGABRT (-6), an abort in native code"
                case -15: signal = "SIGTERM (-15), a stop from outside (the container runtime, a deploy)"
                default: signal = "signal \(-code)"
                }
                f.explanation.append("a negative exit code is the signal that ended the process (Python's exit code -N): \(signal)")
            } else {
                f.explanation.append("the job's process ended without the job shutting down (livekit-agents `process exited with non-zero exit code`): a fatal error in native code or an exit called by the code")
            }
        case .killed:
            f.explanation.append(first.event.text.contains("memory limit")
                ? "the worker's memory check found the job's process above its memory limit (`job_memory_limit_mb` of WorkerOptions; `jobMemoryLimitMB` of Node agents' ServerOptions) and killed it"
                : "the job's process did not answer the worker's pings in time: its event loop was blocked (synchronous or CPU-bound code in the job), so the worker killed it")
        case .notLaunched where first.event.text.hasPrefix("\(EventClassifier.nodeLaunchError)"):
            f.explanation.append("the Node worker accepted the job, then starting a process for it or handing the job to one raised (@livekit/agents `error launching job`): the job's entry function never ran and the room got no agent from it")
        case .notLaunched where first.event.text.hasPrefix("\(EventClassifier.serverNoWorkerForJob)"):
            f.explanation.append("livekit-server offers a job to the workers registered for its agent one at a time, picked by their free capacity, and asks the next when one declines or is gone (`failed to assign job to worker`, `retry: true`); with none left that is available and below its load threshold (`no workers with sufficient capacity`; `no workers available`: none registered for it) it gives the job up: no agent ran it and the room got none from it. Workers report themselves full at their `load_threshold`: more workers, or fewer jobs per worker")
        case .notLaunched where first.event.text.hasPrefix("\(EventClassifier.serverAssignFailed)"):
            f.explanation.append("livekit-server offers a job to one worker and waits for its answer as long as the job request's deadline allows (`context deadline exceeded`), at most 10 s (`agent worker availability timeout`); then, with `retry: false`, it gives the job up: no agent ran it and the room got none from it. The worker's answer came late or not at all: its event loop blocked (synchronous code in the request or prewarm function), or its link to the server slow; a worker that accepted the job late then logs `assignment for job … timed out`")
        case .notLaunched where first.event.text.hasPrefix("\(EventClassifier.assignmentHead)"):
            f.explanation.append("livekit-agents' worker waits 7.5 s after it accepts a job for the server's assignment (with the job's token); the server waits for the worker's answer only as long as its job request's deadline, and a worker whose answer came late (its event loop blocked, its link to the server slow) finds the server gone: the server's log then holds `failed to assign job to worker` for the job (`context deadline exceeded`, or `agent worker availability timeout` after 10 s); the job never ran and the room got no agent from it")
        case .stopped:
            f.explanation.append("a livekit-agents worker that shuts down closes its jobs' processes (each job's `shutting down job task`, reason `parent process shutdown` since 1.6.5), so the agent leaves its room whatever the call's state; the job was still running: no end of its process was logged before")
            if let drain, let t0 = drain.time, let t1 = first.event.time {
                f.evidence.append(Evidence(drain, role: "worker draining"))
                let forced = session.events.contains { if case .workerShutdown(forced: true) = $0.kind { return true }; return false }
                f.explanation.append("the worker had been draining for \(humanDuration(t0.seconds(until: t1))) (`draining worker` at \(t0.humanString)): it took no new jobs and waited for its running ones to end\(forced ? ", until its drain timeout ran out (`drain timed out, forcing shutdown`)" : ""). Calls longer than the drain's time are cut: give it the length of a call (`drain_timeout`, 1800 s by default) and the supervisor as long (Kubernetes' terminationGracePeriodSeconds, 30 s by default, else SIGKILL ends the worker without this line)")
            }
        case .vanished:
            // Seen by the server's close of the agent's participant, or by the worker's restart.
            let restarted = restart != nil
            if let t0 = session.agentEnd, let t1 = first.event.time {
                f.explanation.append(restarted
                    ? "the worker's last line for the job was at \(t0.humanString); \(humanDuration(t0.seconds(until: t1))) later a new worker process started in the same log (`starting worker`, which a worker process logs once, when it starts): the process that ran the job had ended without logging it: no `shutting down worker`, no end of the job's process (`process exiting`), nor its crash or kill (`process exited with non-zero exit code N`)"
                    : "the worker's last line for the job was at \(t0.humanString); \(humanDuration(t0.seconds(until: t1))) later the server closed the agent's participant for a reason that is no leave: an agent that ends its job leaves the room (`CLIENT_REQUEST_LEAVE`), and its worker logs the end of the job's process (`process exiting`) or its crash or kill (`process exited with non-zero exit code N`); none of them was logged")
                if let at = session.agentEndLocation { f.evidence.append(Evidence(location: at, time: t0, side: .agent, text: "the worker's last line for the job", role: "last agent line")) }
            }
            let causes = "the container's memory limit (Kubernetes: `kubectl describe pod` shows `Last State: Terminated, Reason: OOMKilled, Exit Code: 137`; `kubectl logs --previous` the dead container's last lines), the kernel's OOM killer (`dmesg`: `Out of memory: Killed process`), a `kill -9`"
            f.explanation.append(restarted
                ? "a worker that dies without a word was killed with SIGKILL or lost its host, and its supervisor started it again (Kubernetes' restartPolicy, docker's `restart:`, systemd's `Restart=`): \(causes); the calls it ran lost their agent"
                : "a worker that dies without a word was killed with SIGKILL or lost its host: \(causes), a node that failed or was preempted; or a host that was suspended (a laptop's sleep, a paused VM) and whose log ends before it woke")
            if let drain, let t0 = drain.time, let t1 = first.event.time {
                f.evidence.append(Evidence(drain, role: "worker draining"))
                f.explanation.append("the worker had been draining since \(t0.humanString) (`draining worker`, \(humanDuration(t0.seconds(until: t1))) before \(restarted ? "the new process started" : "the close")) and never logged its shutdown: it was killed before the job ended, the supervisor's grace period (Kubernetes' terminationGracePeriodSeconds, 30 s by default) shorter than the call")
            }
        case .notLaunched:
            f.explanation.append(first.event.text.hasPrefix("failed to acquire")
                ? "the worker accepted the job, then every process it started for it failed to initialise, three rounds over (livekit-agents ipc/proc_pool.py): the job's entrypoint never ran and the room got no agent from it; the worker's `error initializing process` lines before it give each failure's exception (the prewarm function raising, or the initialisation timing out)"
                : "the worker accepted the job, then handing it to a job process failed three times, each on a new process (livekit-agents ipc/proc_pool.py): the job's entrypoint never ran and the room got no agent from it; the lines before it (`error initializing process`, a process's crash) say why")
        }
        // The worker's last memory warning for the job before its process crashed or was
        // killed: the process grew (a SIGKILL is then the kernel's OOM killer or the container's
        // limit at work).
        var memoryWarning: SessionEvent?
        if first.kind == .crashed || first.kind == .killed, let t1 = first.event.time {
            memoryWarning = session.events.last { e in
                if case .memoryWarning = e.kind, let t = e.time, t <= t1 { return true }
                return false
            }
            if let w = memoryWarning, case .memoryWarning(let mb) = w.kind, let t = w.time {
                let use = mb.map { " (\(formatFixed($0, 1)) MB)" } ?? ""
                f.explanation.append("the worker had warned \(humanDuration(t.seconds(until: t1))) before that the job's process used more memory than its warning threshold\(use) (`\(w.text)`): it was growing")
            }
        }
        let names = failures.map(\.kind.rawValue).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        if names.count > 1 {
            f.explanation.append("the session shows \(failures.count) failures: \(names.joined(separator: ", "))")
        }
        // The job's end right after the failure, when one was logged (`process exiting`; 0.8 `job
        // exiting`): livekit-agents 1.5.17 and 1.8.9 shut a job whose entrypoint raised down at
        // once (reason `job crashed`); 0.12 to 1.3 leave the process until the room or the worker
        // ends, and an exit seconds later is that end, not the failure's.
        if let t0 = first.event.time,
            let end = session.events.first(where: {
                $0.kind == .sessionEnd && $0.side == .agent && Self.isProcessEnd($0.text) && ($0.time.map { $0 >= t0 } ?? false)
            }),
            let t1 = end.time, t0.seconds(until: t1) <= 2
        {
            f.explanation.append("the job ended \(humanDuration(t0.seconds(until: t1))) later (`\(end.text)`)")
        }
        let roles: [Kind: String] = [
            .entrypoint: "entrypoint raised", .sessionError: "session error", .crashed: "process crashed", .killed: "process killed", .notLaunched: "job not launched",
            .stopped: "worker shutdown", .vanished: restart != nil ? "worker restarted" : "agent closed",
        ]
        if let memoryWarning { f.evidence.append(Evidence(memoryWarning, role: "memory warning")) }
        for failure in failures.prefix(5) { f.evidence.append(Evidence(failure.event, role: roles[failure.kind]!)) }
        // The server's close of a vanished job's agent, and the worker's new process after it.
        if first.kind == .vanished, restart == nil, let start = session.nextWorkerStart, !start.afterStop {
            f.evidence.append(Evidence(location: start.location, time: start.time, side: .agent, text: start.text, role: "worker restarted"))
        }
        return [f]
    }

    /// The text after `marker` and its `: `, or nil when there is none.
    static func after(_ text: String, _ marker: String) -> String? {
        guard let r = text.range(of: marker + ": ") else { return nil }
        let rest = text[r.upperBound...]
        return rest.isEmpty ? nil : String(rest)
    }

    /// The exit code of `process exited with non-zero exit code N`.
    static func exitCode(_ text: String) -> Int? {
        guard let r = text.range(of: "non-zero exit code ") else { return nil }
        let digits = text[r.upperBound...].prefix { $0 == "-" || $0.isASCII && $0.isNumber }
        return Int(digits)
    }

    static func exitCodeText(_ text: String) -> String {
        exitCode(text).map { "exit code \($0)" } ?? "a non-zero exit code"
    }
}
