/// Maps a record to the session event it stands for, by the exact message texts of DOMAIN.md (b).
///
/// Byte literals (memmem) decide; no regex runs here. Provider/plugin 401s and OpenAI's realtime
/// `session_expired` are deliberately not LiveKit authentication failures.
struct EventClassifier {
    /// Greeting markers (start markers first), then `Word`s, in one literal set.
    let words: LiteralSet
    let greetingStartCount: Int
    let markerCount: Int

    init(configuration: AnalysisConfiguration) {
        let starts = Array(configuration.greetingStartMarkers.prefix(Self.maxMarkers))
        let ends = Array(configuration.greetingEndMarkers.prefix(Self.maxMarkers))
        greetingStartCount = starts.count
        markerCount = starts.count + ends.count
        words = LiteralSet(starts + ends + Word.allCases.map(\.text))
    }

    /// Greeting start markers, and end markers, read (each): with the vocabulary, 64 literals at most.
    static let maxMarkers = AnalysisConfiguration.maxGreetingMarkers

    /// The fixed vocabulary (DOMAIN.md (b)); its order is the bit order after the greeting markers.
    enum Word: Int, CaseIterable {
        case l401, unauthorized, invalidToken, invalidAuthToken, tokenExpired, notValidYet, noPermissions, invalidAPIKey
        case authRejected, sessionExpired, failedToConnect, connectionFailed, signal, connect
        case workerClosed, pingTimeout, sessionClose, websocketClosed, networkInterruption, pcFailed, wsReadError, wsConnectionClosed
        case resuming, restarting, resumingSignal, reconnecting, killing
        case recoveredEngine, fullyReconnected, resumedSignal, signalReconnected
        case failedReconnect, couldNotRecover, failedAfter
        case signalingClosed, negotiationError
        case jobRequest, rtcSession, sessionCreated, signalConnected, signalConnecting, selectedNode, connectingToRoom
        case processExit, roomClosed, disconnectFromRoom, participantClosing, closingSession, jobExiting
        case token
        case sessionClosingOnError, leaveRequest, jobTaskException, noWorker

        var text: String {
            switch self {
            case .l401: "401"
            case .unauthorized: "Unauthorized"
            case .invalidToken: "invalid token"
            case .invalidAuthToken: "invalid authorization token"
            case .tokenExpired: "token is expired"
            case .notValidYet: "token not valid yet"
            case .noPermissions: "no permissions to access the room"
            case .invalidAPIKey: "invalid API key"
            case .authRejected: "authentication rejected"
            case .sessionExpired: "session_expired"
            case .failedToConnect: "failed to connect to livekit"
            case .connectionFailed: "connection failed"
            case .signal: "signal"
            case .connect: "connect"
            case .workerClosed: "worker connection closed unexpectedly"
            case .pingTimeout: "ping timeout"
            case .sessionClose: "received session close"
            case .websocketClosed: "websocket closed"
            case .networkInterruption: "detected network interruption"
            case .pcFailed: "pc state failed"
            case .wsReadError: "error reading from websocket"
            case .wsConnectionClosed: "websocket connection closed"
            // (Also the Rust SDK's failed attempt, `resuming connection failed: … Connection
            // refused (os error 111)`: what the attempts failed with; its 401s are auth failures.)
            case .resuming: "resuming connection"
            case .restarting: "restarting connection"
            // livekit-client's `resuming signal connection, attempt N` (RTCEngine.ts) and
            // `Resuming signal connection` (Room.ts, INFO until 2026-04, DEBUG since): one word,
            // cut after the case and where its first two bytes are rare in text (`su`, not `es`).
            case .resumingSignal: "suming signal connection"
            case .reconnecting: "reconnecting, attempt"
            case .killing: "killing "
            case .recoveredEngine: "RtcEngine successfully recovered"
            case .fullyReconnected: "fully reconnected to server"
            case .resumedSignal: "Resumed signal connection"
            case .signalReconnected: "signal reconnected to server"
            case .failedReconnect: "failed to reconnect to the livekit room"
            case .couldNotRecover: "could not recover connection after"
            case .failedAfter: "failed to connect to livekit after"
            case .signalingClosed: "signalingState is 'closed'"
            case .negotiationError: "NegotiationError"
            case .jobRequest: "received job request"
            case .rtcSession: "starting RTC session"
            case .sessionCreated: "Session created"
            case .signalConnected: "signal connected"
            case .signalConnecting: "signal connecting to"
            case .selectedNode: "selected node for room"
            case .connectingToRoom: "connecting to room"
            case .processExit: "process exit"
            case .roomClosed: "room closed"
            case .disconnectFromRoom: "disconnect from room"
            case .participantClosing: "participant closing"
            case .closingSession: "closing agent session due to participant disconnect"
            case .jobExiting: "job exiting"
            // `token` and `Token` (`GET /getToken?room=… 200`, the path of LiveKit's own token
            // server examples): one word without its first byte (`ok` is also rarer than `to`).
            case .token: "oken"
            case .sessionClosingOnError: "AgentSession is closing due to"
            case .leaveRequest: "client leave request received (action="
            // livekit-agents' `unhandled exception while running the job task` (ERROR, the
            // entrypoint's traceback after it; ipc/job_proc_lazy_main.py, 0.12 to HEAD), from
            // its `xc`: a pair of bytes rare in text (`un` is everywhere).
            case .jobTaskException: "xception while running the job task"
            // livekit-server's `not dispatching agent job since no worker is available`.
            case .noWorker: "worker is available"
            }
        }
    }

    static let tokenWords: [Word] = [.invalidToken, .invalidAuthToken, .tokenExpired, .notValidYet, .invalidAPIKey, .noPermissions, .authRejected]
    static let connectionLost: [(Word, String)] = [
        (.workerClosed, "worker connection closed unexpectedly"), (.pingTimeout, "signal ping timeout"),
        (.sessionClose, "signal session closed"), (.websocketClosed, "websocket closed"), (.networkInterruption, "network interruption"),
        (.pcFailed, "peer connection failed"), (.wsReadError, "websocket read error"), (.wsConnectionClosed, "websocket closed"),
    ]
    static let resume: [Word] = [.resuming, .restarting, .resumingSignal, .reconnecting]
    static let recovered: [Word] = [.recoveredEngine, .fullyReconnected, .resumedSignal, .signalReconnected]
    static let gaveUp: [Word] = [.failedReconnect, .couldNotRecover, .failedAfter]
    static let negotiation: [Word] = [.signalingClosed, .negotiationError]
    static let sessionStart: [Word] = [.jobRequest, .rtcSession, .sessionCreated, .signalConnected, .signalConnecting, .selectedNode, .connectingToRoom]
    static let sessionEnd: [Word] = [.roomClosed, .disconnectFromRoom, .participantClosing, .closingSession, .jobExiting]

    /// The side that wrote `r`, from its format, then its file or service name.
    static func side(of r: LogRecord, path: String) -> Side {
        if let side = side(for: r.format) { return side }
        let name = (r.source ?? "") + " " + (path.split(separator: "/").last.map(String.init) ?? path)
        // Words are matched on the name's bytes (`String.contains` here is Foundation's, which
        // made this most of the time of a wrapped log).
        var lower = name.lowercased()
        return lower.withUTF8 { n in
            if n.contains("agent") || n.contains("worker") { return .agent }
            if n.contains("server") || n.contains("livekit") || n.contains("sfu") { return .server }
            if n.contains("browser") || n.contains("client") || n.contains("console") || n.contains("frontend") { return .browser }
            if n.contains("backend") || n.contains("api") || n.contains("token") { return .backend }
            return .app
        }
    }

    /// The side a format belongs to, when the format alone says it.
    static func side(for format: LogFormat) -> Side? {
        switch format {
        case .agentsJSON, .agentsJSONLegacy, .agentsText, .agentsRich, .agentsCompact, .pinoJSON, .pinoPretty: .agent
        case .zapConsole, .zapJSON, .webhookEvent: .server
        case .browserConsole, .sentryBreadcrumb: .browser
        case .uvicorn, .gunicorn, .accessLog: .backend
        default: nil
        }
    }

    func classify(_ r: LogRecord) -> EventKind? {
        if r.isClassified { return r.event }
        return classify(r, memo: nil)
    }

    /// `classify(_:)`, remembering the scans of repeated messages in `memo`.
    func classify(_ r: LogRecord, memo: inout LiteralSet.Memo) -> EventKind? {
        if r.isClassified { return r.event }
        return withUnsafeMutablePointer(to: &memo) { classify(r, memo: $0) }
    }

    /// The scan of a message's bytes for the event words (remembered in `memo` when there is one).
    @inline(__always)
    private func scanMessage(_ m: Bytes, _ memo: UnsafeMutablePointer<LiteralSet.Memo>?) -> UInt64 {
        if let memo { return memo.pointee.scan(m, in: words) }
        return words.scan(m)
    }

    /// (The memo by pointer, not a closure that scans: a closure capturing `words` copied it,
    /// retaining and releasing its two arrays around every classification.)
    private func classify(_ r: LogRecord, memo: UnsafeMutablePointer<LiteralSet.Memo>?) -> EventKind? {
        // A Go runtime crash report, one plain record of several lines (its words, `signal`,
        // `connect` in a frame, mean nothing else): first its line count, format and first byte.
        if r.lineCount > 1, r.format == .plain, let c = r.message.utf8.first, c == UInt8(ascii: "p") || c == UInt8(ascii: "f"),
            Self.isGoCrash(r.message)
        {
            return .serverCrash
        }
        // The message's bytes where they lie: a copy of the message (or of the fields, below)
        // would retain and release its storage, two atomic operations a record.
        let scanned = r.message.utf8.withContiguousStorageIfAvailable { m -> (isMetrics: Bool, mask: UInt64) in
            Self.isMetricsMessage(m) ? (true, 0) : (false, scanMessage(m, memo))
        }
        var mask: UInt64
        if let scanned, !scanned.isMetrics {
            mask = scanned.mask
        } else {
            // (Metrics lines are classified by their parser, with the numbers it read; this is
            // the path of records kept whole, and of metrics in fields built from continuation
            // lines. The closure captures the fields alone: capturing `r` would copy the record.)
            var message = r.message
            let fields = r.fields
            let node = r.format == .pinoJSON || r.format == .pinoPretty
            if let metrics = message.withUTF8({ m in Self.metrics(m, value: { Self.metricField(fields, $0, node: node) }) }) {
                return metrics
            }
            mask = message.withUTF8 { scanMessage($0, memo) }
        }
        if var e = r.errorText { mask |= e.withUTF8 { words.scan($0) } }
        guard mask != 0 else {
            return Self.nodeJobFailure(r) ?? Self.launchFailure(r) ?? Self.assignmentTimeout(r) ?? Self.serverAssignFailure(r) ?? Self.serverShutdown(r) ?? Self.memoryWarning(r) ?? Self.workerLifecycle(r)
        }
        return kind(r, mask)
    }

    /// Bits of `words`: greeting markers first, then the fixed vocabulary.
    private func has(_ mask: UInt64, _ word: Word) -> Bool { mask & (1 << UInt64(markerCount + word.rawValue)) != 0 }

    private func kind(_ r: LogRecord, _ mask: UInt64) -> EventKind? {
        let markers = mask & ((1 << UInt64(markerCount)) - 1)
        if markers & ((1 << UInt64(greetingStartCount)) - 1) != 0 { return .greetingStart }
        if markers != 0 { return .greetingEnd }
        // An STT, LLM, TTS or realtime model error the agent cannot recover from closes its
        // session (agents `AgentSession is closing due to unrecoverable error[: {error}]`, ERROR,
        // voice/agent_session.py _on_error; agents-js `… due to an unrecoverable error`): a
        // provider's 401 in its text is no LiveKit token failure.
        if has(mask, .sessionClosingOnError) { return .sessionEnd }
        if let auth = authFailure(r, mask) { return .authFailure(auth) }
        // A job's entrypoint raised something else than a LiveKit 401 (that one is taken above).
        if has(mask, .jobTaskException), r.message.hasPrefix("unhandled e") { return .jobError }
        if let failure = Self.nodeJobFailure(r) { return failure }
        for (word, trigger) in Self.connectionLost where has(mask, word) { return .connectionLost(trigger: trigger) }
        if has(mask, .leaveRequest), let leave = Self.leaveRequest(r.message) { return leave }
        if has(mask, .connect), let trigger = Self.browserDisconnect(r.message) { return .connectionLost(trigger: trigger) }
        if Self.gaveUp.contains(where: { has(mask, $0) }) { return .gaveUp }
        if Self.resume.contains(where: { has(mask, $0) }) { return .resumeAttempt }
        if Self.recovered.contains(where: { has(mask, $0) }) { return .recovered }
        if Self.negotiation.contains(where: { has(mask, $0) }) { return .negotiationError }
        if has(mask, .token), let minted = tokenMint(r) { return minted }
        if Self.sessionStart.contains(where: { has(mask, $0) }) { return .sessionStart }
        if Self.sessionEnd.contains(where: { has(mask, $0) }) { return .sessionEnd }
        if has(mask, .processExit) || has(mask, .killing) { return Self.processEnd(r) }
        // (Servers before v1.7.1 named no room in it: no session's, so no event.)
        if has(mask, .noWorker), r.ids.room != nil || r.ids.roomSid != nil, r.message.hasPrefix("not dispatching agent job") {
            if case .string(let name)? = r.field("agentName") { return .agentNotDispatched(agentName: name) }
            return .agentNotDispatched(agentName: "")
        }
        if has(mask, .connect) { return Self.connectLine(r.message) }
        return nil
    }

    /// livekit-server's line on a stop signal (INFO, {`signal`: `terminated`|`interrupt`|`quit`,
    /// `force`}; cmd/server/main.go, v1.4 to HEAD): it drains, waiting for its participants.
    static let serverExitRequested: StaticString = "exit requested, shutting down"

    /// (Out of line: the parser asks for every line of this length, 29, that starts with `e`.)
    @inline(never)
    static func isServerShutdownMessage(_ m: Bytes) -> Bool {
        m.count == 29 && m.has(serverExitRequested, at: 0)
    }

    /// The server's stop request (`isServerShutdownMessage`), from zap's lines only.
    static func serverShutdown(_ r: LogRecord) -> EventKind? {
        guard r.format == .zapConsole || r.format == .zapJSON, r.message.utf8.count == 29 else { return nil }
        var message = r.message
        return message.withUTF8 { isServerShutdownMessage($0) } ? .serverShutdown : nil
    }

    /// livekit-agents' worker stopping: `draining worker`, `shutting down worker` (worker.py), and
    /// cli.py's `drain timed out, forcing shutdown` (see `EventKind.workerDraining`); and a worker
    /// process starting, `starting worker` (see `EventKind.workerStart`).
    static let workerDrainingText: StaticString = "draining worker"
    static let workerShutdownText: StaticString = "shutting down worker"
    static let drainTimedOutText: StaticString = "drain timed out, forcing shutdown"
    static let workerStartingText: StaticString = "starting worker"

    /// (Out of line: the parser asks for every line of these lengths, 15, 20 and 33, that starts
    /// with `d` or `s`.)
    @inline(never)
    static func isWorkerLifecycleMessage(_ m: Bytes) -> Bool {
        switch m.count {
        case 15: return m.has(workerDrainingText, at: 0) || m.has(workerStartingText, at: 0)
        case 20: return m.has(workerShutdownText, at: 0)
        case 33: return m.has(drainTimedOutText, at: 0)
        default: return false
        }
    }

    /// The worker's stop and start lines, from the agents' own logger (`livekit.agents`) only.
    static func workerLifecycle(_ r: LogRecord) -> EventKind? {
        let n = r.message.utf8.count
        guard n == 15 || n == 20 || n == 33, r.logger == "livekit.agents" else { return nil }
        var message = r.message
        guard message.withUTF8({ isWorkerLifecycleMessage($0) }) else { return nil }
        switch n {
        case 15: return r.message.utf8.first == UInt8(ascii: "s") ? .workerStart : .workerDraining
        case 20: return .workerShutdown(forced: false)
        default: return .workerShutdown(forced: true)
        }
    }

    /// livekit-agents' memory warnings for a job's process (see `EventKind.memoryWarning`).
    static let memoryHigh: StaticString = "process memory usage is high"
    static let jobMemoryAbove: StaticString = "job process memory usage is above the warning threshold"
    static let advisoryOnly: StaticString = " (advisory only, the process will not be terminated)"

    /// (Out of line: the parser asks for every line of these lengths, 28, 55 and 107, that
    /// starts with `p` or `j`.)
    @inline(never)
    static func isMemoryWarningMessage(_ m: Bytes) -> Bool {
        switch m.count {
        case 28: return m.has(memoryHigh, at: 0)
        case 55: return m.has(jobMemoryAbove, at: 0)
        case 107: return m.has(jobMemoryAbove, at: 0) && m.has(advisoryOnly, at: 55)
        default: return false
        }
    }

    /// A memory warning for a job's process (the job named), with the process's use in MB.
    static func memoryWarning(_ r: LogRecord) -> EventKind? {
        guard r.ids.jobId != nil, let level = r.level, level >= .warning else { return nil }
        let n = r.message.utf8.count
        guard n == 28 || n == 55 || n == 107 else { return nil }
        var message = r.message
        guard message.withUTF8({ isMemoryWarningMessage($0) }) else { return nil }
        switch r.field("memory_usage_mb") {
        case .number(let mb)?: return .memoryWarning(usageMB: Double(mb))
        default: return .memoryWarning(usageMB: nil)
        }
    }

    /// Whether a plain record is a Go runtime crash report: `panic: ` or `fatal error: ` (the
    /// runtime's own words, runtime/panic.go printpanics and fatal/throw), then, on a later line,
    /// a goroutine's stack (`goroutine N [running]:`, printed unless GOTRACEBACK=none). The
    /// parser has joined its lines into one record. (Out of line: asked only of plain records of
    /// several lines that start with `p` or `f`.)
    @inline(never)
    static func isGoCrash(_ message: String) -> Bool {
        var message = message
        return message.withUTF8 { m in
            (m.has("panic: ", at: 0) || m.has("fatal error: ", at: 0)) && goroutineLine.occurs(in: m)
        }
    }

    static let goroutineLine = Literal("\ngoroutine ")

    /// The browser engine's own word for a lost connection, `${connection} disconnected` (WARN,
    /// the one default-level line of it until the `websocket connection closed` DEBUG line became
    /// INFO): `signal disconnected` (the signal WebSocket closed), `peerconnection failed
    /// disconnected`, `leave-reconnect disconnected` (the server's leave asked for a resume or a
    /// reconnect: before v2.18.8 the leave itself was a DEBUG line) and `negotiation disconnected`
    /// (a renegotiation failed) (livekit/client-sdk-js src/room/RTCEngine.ts handleDisconnect and
    /// its callers, 2022-08 to HEAD). `reconnect disconnected`, the retry after a failed attempt,
    /// is no new loss. Found by the word `connect` that `disconnected` holds; no word of its own.
    /// (On the bytes, after a look at the first.)
    static func browserDisconnect(_ message: String) -> String? {
        switch message.utf8.first {
        case UInt8(ascii: "s"), UInt8(ascii: "p"), UInt8(ascii: "l"), UInt8(ascii: "n"): break
        default: return nil
        }
        var message = message
        return message.withUTF8 { m in
            if m.has("signal disconnected", at: 0) { return "signal disconnected" }
            if m.has("peerconnection failed disconnected", at: 0) { return "peer connection failed" }
            if m.has("leave-reconnect disconnected", at: 0) { return "server requested reconnect" }
            if m.has("negotiation disconnected", at: 0) { return "negotiation failed" }
            return nil
        }
    }

    /// livekit-client's `client leave request received (action=N)` (INFO since 2026-04, PR #1907;
    /// a DEBUG `client leave request` before; src/room/RTCEngine.ts onLeave): the server's
    /// `LeaveRequest`, whose action (livekit/protocol livekit_rtc.proto, printed as its number)
    /// says what the engine does next: `DISCONNECT = 0` closes it, the session is over;
    /// `RESUME = 1` and `RECONNECT = 2` drop the connection to reconnect at once.
    static func leaveRequest(_ message: String) -> EventKind? {
        var message = message
        return message.withUTF8 { m in
            guard let at = leaveRequestWord.find(in: m) else { return nil }
            switch m.byte(at + leaveRequestWord.bytes.count) {
            case UInt8(ascii: "0"): return .sessionEnd
            case UInt8(ascii: "1"), UInt8(ascii: "2"): return .connectionLost(trigger: "server requested reconnect")
            default: return nil
            }
        }
    }

    /// The worker's lines for the end of a process it supervises (livekit/agents
    /// ipc/supervised_proc.py, 0.12 to HEAD; ipc/proc_job_executor.py in 0.8): `process exiting`
    /// (INFO, the job's own exit), `[job ]process exited with non-zero exit code N` (ERROR, a
    /// crash) and `… killing …` (ERROR: `process is unresponsive, killing process`, `[job ]process
    /// exceeded memory limit, killing process|it`, `process did not exit in time, killing
    /// process`; 0.8 `job is unresponsive, killing job`). Warm and inference processes print the
    /// crash and kill lines too (and `killing process`, INFO, for one never initialized), with no
    /// job: those end a session only when they name its job (`job_id`, which the job executor's
    /// logging_extra adds while it runs one).
    /// (`process exiting` anywhere in the message, as before the crash and kill lines were
    /// read: also in a line no parser took apart, which holds the level and logger too.)
    static func processEnd(_ r: LogRecord) -> EventKind? {
        if r.ids.jobId != nil { return .sessionEnd }
        // A Node worker's kill names the job's process by its pid only (the pid joins it to the
        // job's session).
        if r.format == .pinoJSON || r.format == .pinoPretty, r.ids.pid != nil, r.message.utf8.count == nodeMemoryKill.utf8CodeUnitCount {
            var message = r.message
            if message.withUTF8({ $0.has(nodeMemoryKill, at: 0) }) { return .sessionEnd }
        }
        var message = r.message
        return message.withUTF8 { processExiting.occurs(in: $0) } ? .sessionEnd : nil
    }

    static let processExiting = Literal("process exiting")
    /// Node `@livekit/agents`' worker killing a job's process over its memory limit (ERROR;
    /// agents/src/ipc/supervised_proc.ts, `${processKind} process exceeded memory limit, killing
    /// it` with `memoryLoggingFields`: the process's pid, no job).
    static let nodeMemoryKill: StaticString = "job process exceeded memory limit, killing it"

    /// Node `@livekit/agents`' line for a job whose entry function threw (ERROR, the error under
    /// `error` as pino's `{type, message, stack}`; agents/src/ipc/job_proc_lazy_main.ts startJob,
    /// 2024 to HEAD): the message exactly, no word of the vocabulary (it has no free slot).
    static let nodeEntryError: StaticString = "error in entry function"
    /// (Node's `job is unresponsive`, its worker's kill of a process that stopped answering its
    /// pings, names no job: supervised_proc.ts binds `runningJob` to its logger when the process
    /// is made, before a job runs (`undefined`, which pino leaves out), and the line holds the
    /// worker's pid only. It makes no event.)

    /// (Out of line: the parser asks for every line of this length.)
    @inline(never)
    static func isNodeJobFailureMessage(_ m: Bytes) -> Bool {
        m.has(nodeEntryError, at: 0)
    }

    /// A Node job's failure line, found by its whole message: `error in entry function` is the
    /// entrypoint's failure.
    static func nodeJobFailure(_ r: LogRecord) -> EventKind? {
        guard let level = r.level, level >= .error, r.message.utf8.count == nodeEntryError.utf8CodeUnitCount else { return nil }
        var message = r.message
        return message.withUTF8 { $0.has(nodeEntryError, at: 0) } ? .jobError : nil
    }

    /// livekit-agents' worker giving up on a job it accepted, before the job ran (ERROR, with
    /// `job_id`; ipc/proc_pool.py): `failed to launch job on process after 3 attempts` (launch_job,
    /// 1.4.2 to HEAD: sending the job to a process failed three times, each on a new process) and
    /// `failed to acquire process for job after 3 attempts` (_acquire_proc, 1.5.16 to HEAD: no
    /// process started for it finished initialising). Both print a constant 3 (`MAX_ATTEMPTS`,
    /// `MAX_LAUNCH_ATTEMPTS`, `MAX_ACQUIRE_ATTEMPTS`). The messages exactly, as the Node entry
    /// error: no word of the vocabulary (it has no free slot).
    static let jobLaunchFailed: StaticString = "failed to launch job on process after 3 attempts"
    static let jobProcessUnavailable: StaticString = "failed to acquire process for job after 3 attempts"

    /// Node `@livekit/agents`' worker failing to start a job it accepted (ERROR, the job's id as
    /// `requestId`, the error under `err`; agents/src/worker.ts, `logger.child({ requestId: req.id
    /// }).error(e, 'error launching job')`, 1.2.3 to HEAD): the process pool's launch raised
    /// (a new process that did not initialise, a process that could not take the job).
    static let nodeLaunchError: StaticString = "error launching job"

    /// (Out of line: the parser asks for every line of these lengths, 19, 48 and 50.)
    @inline(never)
    static func isLaunchFailureMessage(_ m: Bytes) -> Bool {
        m.has(jobLaunchFailed, at: 0) && m.count == jobLaunchFailed.utf8CodeUnitCount
            || m.has(jobProcessUnavailable, at: 0) && m.count == jobProcessUnavailable.utf8CodeUnitCount
            || m.has(nodeLaunchError, at: 0) && m.count == nodeLaunchError.utf8CodeUnitCount
    }

    /// A job the worker gave up on before it ran (`isLaunchFailureMessage`; the Node line from
    /// pino only), as the end of the job's session: the job names it; a line without a job is no
    /// session's.
    static func launchFailure(_ r: LogRecord) -> EventKind? {
        guard let level = r.level, level >= .error, r.ids.jobId != nil else { return nil }
        let n = r.message.utf8.count
        guard n == 48 || n == 50 || n == 19 && (r.format == .pinoJSON || r.format == .pinoPretty) else { return nil }
        var message = r.message
        return message.withUTF8 { isLaunchFailureMessage($0) } ? .sessionEnd : nil
    }

    /// livekit-agents' worker giving up on a job it accepted because the server's assignment did
    /// not come within 7.5 s (WARNING, the job's id in the message only; worker.py
    /// `_answer_availability`, `ASSIGNMENT_TIMEOUT`, 0.x to HEAD): `assignment for job AJ_… timed
    /// out`. The server had stopped waiting for the worker's answer (its own `failed to assign job
    /// to worker`, `context deadline exceeded`), so no worker runs the job. The message has the job
    /// id inside, so it is matched by its two ends, on messages of 32 to 93 bytes starting with `a`.
    static let assignmentHead: StaticString = "assignment for job "
    static let assignmentTail: StaticString = " timed out"

    /// (Out of line: the parser asks for every line of these lengths that starts with `a`.)
    @inline(never)
    static func isAssignmentTimeoutMessage(_ m: Bytes) -> Bool {
        m.count >= 32 && m.count <= 93 && m.has(assignmentHead, at: 0) && m.hasSuffix(assignmentTail)
    }

    /// A job whose assignment never came (`isAssignmentTimeoutMessage`), as the end of the job's
    /// session, as `launchFailure`'s lines.
    static func assignmentTimeout(_ r: LogRecord) -> EventKind? {
        guard let level = r.level, level >= .warning, r.ids.jobId != nil, r.message.utf8.first == UInt8(ascii: "a") else { return nil }
        var message = r.message
        return message.withUTF8 { isAssignmentTimeoutMessage($0) } ? .sessionEnd : nil
    }

    /// livekit-server giving up on a job's assignment (WARN, `failed to assign job to worker`
    /// {`jobID`, `room`, `roomID`, `workerID`, `retry`, `error`}; pkg/service/agentservice.go
    /// `JobRequest`, v1.7 to HEAD): with `retry: false` (`context deadline exceeded`, `agent
    /// worker availability timeout`) it tries no other worker, so no agent runs the job; with
    /// `retry: true` (the worker was full or closed) it asks the next one.
    static let serverAssignFailed: StaticString = "failed to assign job to worker"
    /// livekit-server out of workers for a job (WARN, `no worker available to handle job`
    /// {`jobID`, `room`, `roomID`, `error`: `no workers with sufficient capacity`, `no workers
    /// available`}; the same `JobRequest`): every worker was full, closed, or had declined it, and
    /// the job is given up.
    static let serverNoWorkerForJob: StaticString = "no worker available to handle job"

    /// (Out of line: the parser asks for every line of these lengths, 30 and 33.)
    @inline(never)
    static func isServerAssignFailureMessage(_ m: Bytes) -> Bool {
        m.count == 30 && m.has(serverAssignFailed, at: 0) || m.count == 33 && m.has(serverNoWorkerForJob, at: 0)
    }

    /// The server giving a named job up, as the end of the job's session: its assignment failure
    /// without a retry (the worker's `assignment for job … timed out` is its other side), or no
    /// worker left to ask.
    static func serverAssignFailure(_ r: LogRecord) -> EventKind? {
        guard r.ids.jobId != nil else { return nil }
        let n = r.message.utf8.count
        if n == 30 {
            guard case .bool(false)? = r.field("retry") else { return nil }
        } else if n != 33 {
            return nil
        }
        var message = r.message
        return message.withUTF8 { isServerAssignFailureMessage($0) } ? .sessionEnd : nil
    }

    /// Whether a record's message holds the words of a job process's end (`processEnd`'s lines:
    /// `process exit…`, `killing `), not only the agent session's close (`closing agent session
    /// …`), after which the process still runs. The classification's own scan, so remembered in
    /// `memo` (the record was just classified).
    func endsProcess(_ r: LogRecord, memo: inout LiteralSet.Memo) -> Bool {
        withUnsafeMutablePointer(to: &memo) { endsProcess(r, memo: $0) }
    }

    func endsProcess(_ r: LogRecord) -> Bool { endsProcess(r, memo: nil) }

    private func endsProcess(_ r: LogRecord, memo: UnsafeMutablePointer<LiteralSet.Memo>?) -> Bool {
        var message = r.message
        let mask = message.withUTF8 { scanMessage($0, memo) }
        return has(mask, .processExit) || has(mask, .killing)
    }

    static let leaveRequestWord = Literal(Word.leaveRequest.text)
    static let serverDisconnect = Literal("server requested disconnect during re")

    /// Four lines found by the word `connect` they hold, with no word of their own:
    /// livekit-client's `Couldn't connect to server, attempt N of M` (WARN: the initial join
    /// failed with the server unreachable and is retried, the last time not; src/room/RTCEngine.ts
    /// join, since 2022-10); livekit-client's `connection state changed: (signal)Reconnecting ->
    /// connected` (INFO since v2.18.8, src/room/Room.ts setAndEmitConnectionState: a resume or a
    /// full reconnect worked, the one default-level line of it since the engine's own recovery
    /// lines became DEBUG in the same release); and the Rust SDK's `server requested disconnect
    /// during resume: {reason:?}` / `… during restart: …` (WARN: a leave with action Disconnect
    /// answered a reconnect; the engine closes without retrying; livekit/src/rtc_engine/mod.rs
    /// reconnect_task, since 2026-05); and the Rust SDK's room-disconnected line, the end of the
    /// agent's room (livekit/src/room/mod.rs handle_disconnected): ERROR `unexpectedly
    /// disconnected from room: {reason:?}` in livekit-rtc 0.12.0 to 0.14.0 (2024-07 to 2024-08,
    /// agents 0.8.x; rust-sdks 5085034f to 1e5a6acb), else INFO `disconnected from room with
    /// reason: …` / `Disconnected from room "{name}" with reason: …` (livekit-ffi 0.12.74),
    /// shown only when the app lowers the `livekit` logger's level. (On the bytes; asked only
    /// of records with the word `connect` that no other rule took.)
    static func connectLine(_ message: String) -> EventKind? {
        var message = message
        return message.withUTF8 { m in
            if m.has("connection state changed: ", at: 0) { return m.hasSuffix("econnecting -> connected") ? .recovered : nil }
            if m.has("unexpectedly disconnected from room: ", at: 0) || m.byte(0) | 0x20 == UInt8(ascii: "d") && m.has("isconnected from room ", at: 1) {
                return .sessionEnd
            }
            guard m.has("Couldn't connect to server, attempt ", at: 0) else { return serverDisconnect.occurs(in: m) ? .sessionEnd : nil }
            func number(_ i: inout Int) -> Int? {
                let start = i
                var n = 0
                while i < m.count, m[i].isDigit, i - start < 9 {
                    n = n * 10 + Int(m[i] - 0x30)
                    i += 1
                }
                return i > start ? n : nil
            }
            var i = 36
            guard let attempt = number(&i), m.has(" of ", at: i) else { return nil }
            i += 4
            guard let attempts = number(&i) else { return nil }
            return attempt >= attempts ? .gaveUp : .resumeAttempt
        }
    }

    /// A LiveKit authentication failure, or nil (including provider 401s).
    private func authFailure(_ r: LogRecord, _ mask: UInt64) -> AuthFailureKind? {
        let has401 = has(mask, .l401) || has(mask, .unauthorized)
        let tokenWords = Self.tokenWords.contains { has(mask, $0) }
        guard has401 || tokenWords else { return nil }
        if let logger = r.logger, logger.hasPrefix("livekit.plugins") || logger == "openai" || logger == "httpx" { return nil }
        if has(mask, .sessionExpired) { return nil }
        if Self.isAppLogger(r), !Self.livekitContext.contains(where: { has(mask, $0) }) { return nil }
        if has401 && (has(mask, .failedToConnect) || has(mask, .connect) && Self.isNodeWorkerConnect(r)) { return .workerRegistration }
        if r.format == .zapConsole || r.format == .zapJSON {
            guard tokenWords || r.field("status")?.stringValue == "401" else { return nil }
        } else if !tokenWords {
            // A bare 401 counts only in a signalling context (resume/restart/connect failures).
            guard has(mask, .unauthorized), has(mask, .connectionFailed) || has(mask, .signal) || has(mask, .connect) else { return nil }
            return Self.stillValid(r) ? .invalidToken : .unauthorized
        }
        if has(mask, .notValidYet) { return .notYetValid }
        if has(mask, .tokenExpired) { return .expired }
        if has(mask, .invalidAPIKey) { return .badKey }
        if has(mask, .noPermissions) { return .noPermission }
        // (Rare: the texts are searched only here.)
        if Self.says(r, Self.notValidYetTexts) { return .notYetValid }
        if Self.says(r, Self.badSignatureTexts) { return .badSignature }
        // The server's body with another reason (`invalid token: <JWT>, error: <reason>`,
        // `invalid authorization token: <reason>`): a malformed token, not an old one.
        if has(mask, .invalidToken) || has(mask, .invalidAuthToken) { return .invalidToken }
        return Self.stillValid(r) ? .invalidToken : .unauthorized
    }

    /// Whether the record is a Python worker's line from a logger that is not LiveKit's
    /// (`livekit`, the Rust SDK's; `livekit.agents`): the app's own (`agent`) or a library's.
    static func isAppLogger(_ r: LogRecord) -> Bool {
        switch r.format {
        case .agentsJSON, .agentsJSONLegacy, .agentsText, .agentsRich, .agentsCompact:
            guard let logger = r.logger, !logger.isEmpty else { return false }
            return !(logger == "livekit" || logger.hasPrefix("livekit.") || logger.hasPrefix("livekit…"))
        default:
            return false
        }
    }

    /// What names a LiveKit connection or one of the server's 401 bodies: an app's logger that
    /// logs a 401 with none of them is about another service's token (an agent's tool calling
    /// Supabase with a user's expired JWT logs GoTrue's `invalid JWT: unable to parse or verify
    /// signature, token has invalid claims: token is expired`, supabase/auth#2256), not LiveKit's.
    static let livekitContext: [Word] = [.invalidToken, .invalidAuthToken, .noPermissions, .invalidAPIKey, .authRejected,
                                         .failedToConnect, .connect, .signal, .resuming, .restarting]

    /// Whether the message is the Node worker's registration failure (`failed to connect to
    /// LiveKit server (wss://…), retrying in 2 seconds: (1/16)`, the 401 in its error:
    /// livekit/agents-js agents/src/worker.ts, every release); asked only of a 401 (no word of
    /// its own), on the message's bytes (a Foundation `contains` cost 0.1 % of a JSON log with
    /// Rust `resuming connection failed: … 401` lines).
    static func isNodeWorkerConnect(_ r: LogRecord) -> Bool {
        guard r.message.utf8.first == UInt8(ascii: "f") else { return false }
        var message = r.message
        return message.withUTF8 { $0.has("failed to connect to LiveKit server", at: 0) }
    }

    /// golang-jwt v5's `ErrTokenNotValidYet` (`token has invalid claims: token is not valid yet`),
    /// what servers since v1.13.0 (livekit/protocol auth/verifier.go on golang-jwt/jwt/v5) say
    /// where go-jose said `token not valid yet (nbf)` (the `notValidYet` word).
    static let notValidYetTexts = ["token is not valid yet"]

    /// What the server's JWT libraries say of a signature made with another secret: go-jose
    /// (`go-jose/go-jose: error in cryptographic primitive`) and golang-jwt v5 (`token signature
    /// is invalid: signature is invalid`).
    static let badSignatureTexts = ["error in cryptographic primitive", "signature is invalid", "invalid signature"]

    /// Whether the record's message or error text holds one of `texts`.
    private static func says(_ r: LogRecord, _ texts: [String]) -> Bool {
        texts.contains { t in r.message.contains(t) || (r.errorText?.contains(t) ?? false) }
    }

    /// Whether the token in the line (decoded) was still valid at the line's time, by more than
    /// a minute: a 401 of it is no expiry.
    private static func stillValid(_ r: LogRecord) -> Bool {
        guard let exp = r.token?.expires, let t = r.time, t.hasDate else { return false }
        return exp * 1_000_000 > t.micros + 60_000_000
    }

    /// Whether the message is one of the events matched by their whole message (no word of the
    /// vocabulary): Node's entry and launch errors, the Python worker's launch failures and
    /// assignment timeout, the server's assignment failure and its `no worker available to handle
    /// job`, the server's `exit requested, shutting down`, the worker's memory warnings and its
    /// stop (`draining worker`, `shutting down worker`, `drain timed out, forcing shutdown`) and
    /// start (`starting worker`).
    @inline(never)
    static func isWholeMessageEvent(_ m: Bytes) -> Bool {
        // (The message's length as a number: a `static let` read costs its lazy-init check.)
        switch m.count {
        case 23: return isNodeJobFailureMessage(m)
        case 19, 48, 50: return isLaunchFailureMessage(m) || isAssignmentTimeoutMessage(m)
        case 30, 33: return isServerAssignFailureMessage(m) || isAssignmentTimeoutMessage(m) || isWorkerLifecycleMessage(m)
        case 29: return isServerShutdownMessage(m)
        case 28, 55, 107: return isMemoryWarningMessage(m)
        case 15, 20: return isWorkerLifecycleMessage(m)
        default: return isAssignmentTimeoutMessage(m)
        }
    }

    /// Whether a message (raw bytes) and error text can make an event at all: the cheap test the
    /// parser runs before it builds a record.
    func mayBeEvent(_ message: Bytes, _ errorText: String?, memo: inout LiteralSet.Memo) -> Bool {
        if memo.scan(message, in: words) != 0 { return true }
        // (The lines matched whole start with `e`, `f`, `a`, `n`, `p`, `j`, `d` or `s`: one test
        // of the first byte here, the rest out of line.)
        let c = message.byte(0)
        if c == UInt8(ascii: "f") || c == UInt8(ascii: "e") || c == UInt8(ascii: "a") || c == UInt8(ascii: "n") || c == UInt8(ascii: "p") || c == UInt8(ascii: "j")
            || c == UInt8(ascii: "d") || c == UInt8(ascii: "s"),
            Self.isWholeMessageEvent(message)
        {
            return true
        }
        guard var e = errorText else { return false }
        return e.withUTF8 { words.scan($0) } != 0
    }

    /// Which metrics line a message is (1 LLM, 2 TTS, 3 EOU, 4 realtime) and where its kind
    /// word ends. 1.x: the message is exactly `LLM metrics`; 0.x: `Pipeline LLM metrics: …` /
    /// `LLM metrics: …`.
    private static func metricsKind(_ m: Bytes) -> (kind: UInt8, end: Int)? {
        let head = m.has("Pipeline ", at: 0) ? 9 : 0
        let found: (UInt8, Int)
        if m.has("LLM metrics", at: head) { found = (1, head + 11) }
        else if m.has("TTS metrics", at: head) { found = (2, head + 11) }
        else if m.has("EOU metrics", at: head) { found = (3, head + 11) }
        else if m.has("RealtimeModel metrics", at: head) { found = (4, head + 21) }
        else { return nil }
        guard found.1 == m.count || m.byte(found.1) == UInt8(ascii: ":") else { return nil }
        return found
    }

    /// Whether a message is a metrics line's, with or without its numbers.
    static func isMetricsMessage(_ m: Bytes) -> Bool { metricsKind(m) != nil }

    /// A metrics value from a record's fields, in seconds (Node agents' `ttftMs` … divided). A
    /// `node` record's (pino's) `ttft`, `ttfb` and `end_of_utterance_delay` are milliseconds too,
    /// its `audioDuration` seconds (`JSONLineParser.MetricRanges.nodeUnits`).
    static func metricField(_ fields: Fields, _ key: StaticString, node: Bool = false) -> Double? {
        let name = String(describing: key)
        if let v = fields[name]?.doubleValue { return node && name != "audio_duration" ? v / 1000 : v }
        if node, name == "audio_duration", let v = fields["audioDuration"]?.doubleValue { return v }
        if node, name == "end_of_utterance_delay", let v = fields["endOfUtteranceDelay"]?.doubleValue { return v / 1000 }
        let ms: String
        switch name {
        case "ttft": ms = "ttftMs"
        case "ttfb": ms = "ttfbMs"
        case "audio_duration": ms = "audioDurationMs"
        case "end_of_utterance_delay": ms = "endOfUtteranceDelayMs"
        default: return nil
        }
        return fields[ms]?.doubleValue.map { $0 / 1000 }
    }

    /// Metrics lines of agents 1.x (values from `value`, the extras) and 0.x (`key=value` in the message).
    static func metrics(_ m: Bytes, value extra: (StaticString) -> Double?) -> EventKind? {
        guard let (kind, kindEnd) = metricsKind(m) else { return nil }
        func value(_ key: StaticString) -> Double? {
            if kindEnd == m.count { return extra(key) }
            // `key=1.23` in the message
            var i = kindEnd
            while i + key.utf8CodeUnitCount < m.count {
                if m.has(key, at: i), m.byte(i + key.utf8CodeUnitCount) == UInt8(ascii: "="),
                    i == 0 || !m[i - 1].isAlnum && m[i - 1] != UInt8(ascii: "_")
                {
                    let start = i + key.utf8CodeUnitCount + 1
                    var j = start
                    while j < m.count, m[j].isDigit || m[j] == UInt8(ascii: ".") || m[j] == UInt8(ascii: "-") || m[j] == UInt8(ascii: "e") { j += 1 }
                    return Double(m.string(start, j))
                }
                i += 1
            }
            return nil
        }
        switch kind {
        case 1:
            guard let ttft = value("ttft") else { return nil }
            // agents 0.12's MultimodalAgent (a realtime model, which speaks itself) logs its
            // MultimodalLLMMetrics as `LLM metrics: ttft=1.12, input_tokens=900,
            // output_tokens=120, tokens_per_second=57.14`; 0.x VoicePipelineAgent's say
            // `Pipeline LLM metrics: …`, and 1.0's `LLM metrics: …` hold `cached_input_tokens=`.
            if kindEnd < m.count, kindEnd == 11, m.contains("output_tokens="), !m.contains("cached_input_tokens=") {
                return .realtimeMetrics(ttft: ttft)
            }
            return .llmMetrics(ttft: ttft)
        case 2: return value("ttfb").map { .ttsMetrics(ttfb: $0, audioDuration: value("audio_duration")) }
        case 3: return value("end_of_utterance_delay").map { .eouMetrics(delay: $0) }
        default: return value("ttft").map { .realtimeMetrics(ttft: $0) }
        }
    }

    static let ttlWord = Literal("ttl=")

    /// The backend minting a token: uvicorn's or an access log's `POST|GET …token… 200`, an app line with `ttl=`, or
    /// one that says it minted (generated, created, issued) the token it prints (its TTL is then
    /// the token's exp - nbf, which the event's claims keep).
    private func tokenMint(_ r: LogRecord) -> EventKind? {
        if r.format == .uvicorn || r.format == .accessLog || r.format == .pythonAsctime, let method = r.field("method")?.stringValue, method == "POST" || method == "GET",
            let path = r.field("path")?.stringValue, path.lowercased().contains("token"), r.field("status_code")?.stringValue == "200"
        {
            return .tokenMinted(ttlSeconds: nil)
        }
        if r.token?.expires != nil {
            let text = r.message.lowercased()
            if ["mint", "generat", "creat", "issu"].contains(where: { text.contains($0) }) { return .tokenMinted(ttlSeconds: nil) }
        }
        var message = r.message
        return message.withUTF8 { b -> EventKind? in
            guard let at = Self.ttlWord.find(in: b) else { return nil }
            var i = at + 4
            var number = 0.0
            var digits = 0
            while i < b.count, b[i].isDigit {
                number = number * 10 + Double(b[i] - 0x30)
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            switch b.byte(i) {
            case UInt8(ascii: "m"): number *= 60
            case UInt8(ascii: "h"): number *= 3600
            default: break
            }
            return .tokenMinted(ttlSeconds: number)
        }
    }
}
