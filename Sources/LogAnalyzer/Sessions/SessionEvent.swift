/// Which component of the deployment wrote a record.
public enum Side: String, Sendable, CaseIterable, Comparable {
    case agent, server, browser, backend, app

    public static func < (a: Side, b: Side) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// How a LiveKit authentication failure was worded (DOMAIN.md (b), the 401 row).
public enum AuthFailureKind: String, Sendable {
    /// `token is expired (exp)`, `token has invalid claims: token is expired`.
    case expired
    /// `token not valid yet (nbf)`, `token is not valid yet` (server v1.13+): clock skew between the token minter and the server.
    case notYetValid
    /// `no permissions to access the room` (missing grant, or the Rust SDK's fabricated 401).
    case noPermission
    /// `invalid API key`.
    case badKey
    /// Worker registration rejected: `failed to connect to livekit … 401` (wrong key or secret).
    case workerRegistration
    /// A 401 whose body was not logged (`HTTP error: 401 Unauthorized`).
    case unauthorized
    /// The token's signature does not verify (go-jose `error in cryptographic primitive`,
    /// golang-jwt `token signature is invalid`): minted with another API secret than the server's.
    case badSignature
    /// Rejected for another reason than its age: a body that says neither expired nor not yet
    /// valid (a malformed token), or a body-less 401 of a token the line shows still valid.
    case invalidToken
}

/// What a record means for a session; only records that mean something become events.
public enum EventKind: Sendable, Equatable {
    case sessionStart
    case greetingStart
    case greetingEnd
    case llmMetrics(ttft: Double)
    case ttsMetrics(ttfb: Double, audioDuration: Double?)
    case eouMetrics(delay: Double)
    case realtimeMetrics(ttft: Double)
    case connectionLost(trigger: String)
    case resumeAttempt
    case authFailure(AuthFailureKind)
    case recovered
    case gaveUp
    case negotiationError
    case tokenMinted(ttlSeconds: Double?)
    case sessionEnd
    /// A job's entrypoint raised: livekit-agents' `unhandled exception while running the job
    /// task` (ERROR, with the traceback; ipc/job_proc_lazy_main.py, 0.12 to HEAD) when the
    /// exception is no LiveKit authentication failure (that one is an `authFailure`).
    case jobError
    /// livekit-server's `not dispatching agent job since no worker is available` {`agentName`,
    /// `jobType`, `room`, `roomID`} (INFO, pkg/agent/client.go LaunchJob, v1.7.1 to HEAD): the
    /// room's dispatch of a named agent found no worker registered under that name.
    case agentNotDispatched(agentName: String)
    /// A Go runtime crash report of livekit-server (`panic: …` or `fatal error: …`, then
    /// `goroutine N [running]:` and its frames; runtime/panic.go, printed to stderr with no time,
    /// no level and no ids): the process died, and every connection it held with it. Its time is
    /// the server log's last line before it (the crash came at or after it).
    case serverCrash
    /// livekit-server asked to stop (`exit requested, shutting down` {`signal`, `force`}, INFO,
    /// cmd/server/main.go, v1.4 to HEAD): on SIGINT, SIGTERM or SIGQUIT it stops taking rooms and
    /// waits for its participants to leave (`waiting for participants to exit` every 5 s); a
    /// second signal (`force: true`) closes its rooms.
    case serverShutdown
    /// livekit-agents' worker warning that a job's process uses more memory than its warning
    /// threshold (WARNING, {`memory_usage_mb`, `memory_warn_mb`, `memory_limit_mb`, `pid`,
    /// `job_id`}; ipc/supervised_proc.py): `process memory usage is high` (0.12 to 1.4.x), `job
    /// process memory usage is above the warning threshold[ (advisory only, the process will not
    /// be terminated)]` since.
    case memoryWarning(usageMB: Double?)
    /// livekit-agents' worker stopping (worker.py; INFO): `draining worker` {`id`, `timeout`}
    /// (0.8.0+, on SIGTERM or SIGINT outside dev mode: it takes no new jobs and waits for its jobs
    /// to end, up to `drain_timeout`, 1800 s by default).
    case workerDraining
    /// livekit-agents' worker shutting down (worker.py `aclose`, INFO `shutting down worker` {`id`},
    /// 0.8.0+): it closes its jobs' processes (each job's `shutting down job task`, reason `parent
    /// process shutdown` since 1.6.5); `forced`: cli.py's `drain timed out, forcing shutdown`
    /// (WARNING, 1.5.2+), the drain's timeout having run out.
    case workerShutdown(forced: Bool)
    /// A livekit-agents worker process starting: `starting worker` {`version`, `rtc-version`
    /// (0.12+)} (worker.py `run`, INFO, logger `livekit.agents`, 0.8.0 to HEAD; once a process,
    /// before its `registered worker` {`id`: `AW_…`}). No session's event: the tracker keeps
    /// them per log and wrapper source (`Session.nextWorkerStart`), a new process of the worker
    /// that ran a job (a container or service restarted after a SIGKILL).
    case workerStart

    var isMetrics: Bool {
        switch self {
        case .llmMetrics, .ttsMetrics, .eouMetrics, .realtimeMetrics: true
        default: false
        }
    }

    /// A worker's start, stop or drain (`SessionTracker` notes them by log and source).
    var isWorkerLifecycle: Bool {
        switch self {
        case .workerStart, .workerShutdown, .workerDraining: true
        default: false
        }
    }

    var isLLMOrTTSMetrics: Bool {
        switch self {
        case .llmMetrics, .ttsMetrics: true
        default: false
        }
    }

    /// Short label for timelines.
    public var label: String {
        switch self {
        case .sessionStart: "session start"
        case .greetingStart: "greeting start"
        case .greetingEnd: "greeting end"
        case .llmMetrics: "LLM metrics"
        case .ttsMetrics: "TTS metrics"
        case .eouMetrics: "EOU metrics"
        case .realtimeMetrics: "realtime metrics"
        case .connectionLost: "connection lost"
        case .resumeAttempt: "reconnect attempt"
        // (At most 18 characters: the timeline's column. `401 workerRegistration` was cut.)
        case .authFailure(let kind): kind == .expired ? "401 token expired" : kind == .workerRegistration ? "401 registration" : "401 \(kind.rawValue)"
        case .recovered: "recovered"
        case .gaveUp: "gave up"
        case .negotiationError: "negotiation error"
        case .tokenMinted: "token minted"
        case .sessionEnd: "session end"
        case .jobError: "job error"
        case .agentNotDispatched: "no agent worker"
        case .serverCrash: "server crashed"
        case .serverShutdown: "server stopping"
        case .memoryWarning: "memory warning"
        case .workerDraining: "worker draining"
        case .workerShutdown: "worker shutdown"
        case .workerStart: "worker start"
        }
    }

    var isAuthFailure: Bool {
        if case .authFailure = self { return true }
        return false
    }
}

/// Where a piece of evidence came from.
public struct SourceLocation: Sendable, Hashable, Comparable {
    public var input: Int
    public var line: Int

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.input, a.line) < (b.input, b.line)
    }
}

/// A record that matters to a session, kept small: no full record, no token.
public struct SessionEvent: Sendable {
    public var kind: EventKind
    public var time: Timestamp?
    public var location: SourceLocation
    public var side: Side
    /// The record's first message line, cut to 300 characters (rendered redacted).
    public var text: String
    public var token: TokenClaims?
    /// Whether the record named any session id (a connection loss without ids concerns every
    /// session of its process).
    var hasIDs: Bool
    /// An id-less event that had joined a session already (when it was copied into this one:
    /// one line, counted in the first only; in the tracker's list: it is no orphan).
    var joinedBefore = false
    /// An id-less event counted among those that joined no session: one that fell within too
    /// many sessions at once, a server rejection within several (see `SessionTracker.attachUnassigned`).
    var countedWide = false
    var countedAmbiguous = false
    /// A server's rejection of a request to `/agent` (its `path`): a worker's registration (a
    /// worker with a wrong key or secret), not a room's participant: it joins no session, as the
    /// worker's own `failed to connect to livekit … 401` does not. (Read only while id-less
    /// events wait for their sessions; not spooled.)
    var workerEndpoint = false
    /// livekit-server's `participant closing` of the agent's own participant (its identity
    /// `agent-AJ_…`, or `kind: AGENT`, v1.9.12+): how the agent left the room, whatever its worker
    /// logged. (Set for the server's session ends only; read by the detectors, not spooled.)
    var agentParticipant = false
    /// The wrapper's service or unit (`agent-1` of docker compose's `agent-1  | `): an id-less
    /// event joins only the sessions of its own service in a log that merges several.
    /// (An id the tracker gave the source's name, -1 for none: a number, not a String, so that
    /// copying an event retains nothing more.)
    var source: Int32 = -1

    /// The first non-empty line of a text, without its CR (found on the bytes: splitting by
    /// Character walks grapheme clusters, slow on long error texts).
    static func firstLine(of text: String) -> String {
        let u = text.utf8
        var start = u.startIndex
        while start < u.endIndex && (u[start] == 0x0A || u[start] == 0x0D) { start = u.index(after: start) }
        var end = u[start...].firstIndex(of: 0x0A) ?? u.endIndex
        if end > start && u[u.index(before: end)] == 0x0D { end = u.index(before: end) }
        return String(text[start..<end])
    }

    /// The last non-empty line of a text, without its CR: a traceback's exception.
    static func lastLine(of text: String) -> String {
        let u = text.utf8
        var end = u.endIndex
        while end > u.startIndex, case let c = u[u.index(before: end)], c == 0x0A || c == 0x0D || c == 0x20 { end = u.index(before: end) }
        let start = u[..<end].lastIndex(of: 0x0A).map { u.index(after: $0) } ?? u.startIndex
        return String(text[start..<end])
    }

    /// The exception a traceback ends with: its last line, or, when that line goes on an
    /// exception's text (`ELEVEN_API_KEY environmental variable`), the lines from the one that
    /// starts it (`ValueError: ElevenLabs API key is required, either as argument or set`), joined
    /// with spaces. Rich prints a `dev` record's traceback after it folded at the console's width
    /// (agents 1.3-1.5, 80 columns without a terminal), and the message column folds its own copy.
    /// (Looked back over at most 8 lines, up to a frame's indented line.)
    static func exception(of traceback: String) -> String {
        let last = lastLine(of: traceback)
        guard !last.isEmpty, !startsException(last) else { return last }
        var lines = traceback.split(separator: "\n", omittingEmptySubsequences: false).suffix(12).map { line -> Substring in
            var l = line
            while let c = l.utf8.last, c == 0x0D || c == 0x20 { l = l.dropLast() }
            return l
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        var i = lines.count - 1
        while i > 0, lines.count - i <= 8 {
            i -= 1
            let line = lines[i]
            guard let c = line.utf8.first, c != 0x20, c != 0x09 else { return last }
            if startsException(line) { return lines[i...].joined(separator: " ") }
        }
        return last
    }

    /// Whether a traceback's line starts its exception: a (dotted) class name whose last part
    /// starts with a capital, alone or followed by `: ` (`RuntimeError: …`,
    /// `livekit.rtc.room.ConnectError: …`, `asyncio.exceptions.CancelledError`).
    static func startsException<S: StringProtocol>(_ line: S) -> Bool {
        var partStart = true
        var capital = false
        var i = line.utf8.startIndex
        let u = line.utf8
        while i < u.endIndex {
            let c = u[i]
            if c == UInt8(ascii: ".") {
                partStart = true
            } else if c == UInt8(ascii: "_") || c.isAlnum {
                if partStart { capital = c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"); partStart = false }
            } else if c == UInt8(ascii: ":") {
                let next = u.index(after: i)
                return capital && !partStart && i > u.startIndex && (next == u.endIndex || u[next] == 0x20)
            } else {
                return false
            }
            i = u.index(after: i)
        }
        return capital && !partStart
    }

    static let tracebackHeader = "Traceback (most recent call last):"
    static let tracebackLiteral = Literal(tracebackHeader)

    /// Whether `needle` occurs in `text`, on the bytes (`String.contains` with a string is
    /// Foundation's here, a CFStringFind over UTF-16: asked of every event's error text, it cost
    /// 25 M instructions on the JSON slice).
    static func holds(_ text: String, _ needle: Literal) -> Bool {
        var text = text
        return text.withUTF8 { needle.occurs(in: $0) }
    }

    /// The first line of a record's message, plus its `error` field or else the exception its
    /// traceback ends with (unredacted): the reason
    /// (`unhandled exception while running the job task: livekit.rtc.room.ConnectError: … 401
    /// Unauthorized - … token is expired`). livekit-agents 1.8 puts a job's traceback in its
    /// message (dev text joins every traceback there), JSON in `exc_info`; 1.8's `failed to
    /// connect to livekit, retrying in 2s` says why only in `error`.
    static func detail(of r: LogRecord) -> String {
        var text = r.message
        var multiline = false
        // (Over the bytes: `utf8.firstIndex(of:)` walks the view generically, ten times slower.)
        if let cut = text.withUTF8({ b in b.firstIndex(of: 0x0A).map { String(decoding: UnsafeBufferPointer(rebasing: b[..<$0]), as: UTF8.self) } }) {
            text = cut
            multiline = true
        }
        // Raw JSON fields hold a non-empty `error` string only when the parser found an error text.
        let fieldsRead = !r.fields.isRaw || r.errorText != nil
        // (Looked up once: each lookup in raw JSON fields walks the object.)
        // (pino's own key for an error logged as `logger.error(e, msg)` is `err`.)
        let pino = r.format == .pinoJSON || r.format == .pinoPretty
        let errorField = fieldsRead ? r.field("error") ?? (pino ? r.field("err") : nil) : nil
        if case .string(let error)? = errorField, !error.isEmpty {
            text += ": " + Self.firstLine(of: error)
        } else if case .object? = errorField, let error = r.errorText {
            // An error object (Node's pino: `{type, message, stack}`), read by the parser as
            // `Type: message`.
            text += ": " + Self.firstLine(of: error)
        } else {
            var traceback: String?
            if multiline, Self.holds(r.message, Self.tracebackLiteral) {
                traceback = r.message
            } else if fieldsRead, r.errorText.map({ Self.holds($0, Self.tracebackLiteral) }) ?? true,
                case .string(let exc)? = r.field("exc_info"), Self.holds(exc, Self.tracebackLiteral)
            {
                // (Looked up only when the error text holds a traceback: each lookup in raw JSON
                // fields walks the object, and most events with an error text have none.)
                traceback = exc
            } else if fieldsRead, r.errorText != nil, (r.level ?? .info) >= .error, case .string(let exc)? = r.field("exc_info"), !exc.isEmpty {
                // An exception logged without being raised has no traceback: `exc_info` is its
                // line alone (livekit-agents' `AgentSession is closing due to unrecoverable
                // error`, exc_info=error.error). (Error lines only: the rare ones.)
                traceback = exc
            }
            if let traceback, case let last = Self.exception(of: traceback), !last.isEmpty, last != Self.tracebackHeader, !Self.holds(text, Literal(last)) {
                text += ": " + last
            }
        }
        // livekit-server's `participant closing` {`reason`} (rtc/participant.go): why the
        // participant left, a closed tab (`CLIENT_REQUEST_LEAVE`) or a dropped network
        // (`PEER_CONNECTION_DISCONNECTED`, `STALE`), a server's stop (`ROOM_MANAGER_STOP`).
        if r.message.utf8.count == 19, r.message == "participant closing", case .string(let reason)? = r.field("reason"), !reason.isEmpty {
            text += " (\(reason))"
        }
        return text
    }

    /// The first line of the message (plus the `error` field, or else the exception a traceback
    /// ends with), redacted and cut to 300 characters.
    static func text(of r: LogRecord, _ kind: EventKind, redactor: Redactor) -> String {
        if kind.isMetrics { return r.message }
        let text = detail(of: r)
        let redacted = redactor.redact(text)
        // 300 characters at most (a text of at most 300 bytes has no more: no need to count them).
        return redacted.utf8.count <= 300 ? redacted : String(redacted.prefix(300))
    }
}

/// A stretch in which one input logged nothing for the session (or at all).
public struct SilentGap: Sendable, Equatable {
    public var from: Timestamp
    public var fromLocation: SourceLocation
    public var to: Timestamp
    public var toLocation: SourceLocation
    /// The side whose lines it lies between (a session's silence; none for a whole input's): a
    /// log that merges sources holds one silence for each.
    public var side: Side? = nil
    /// For a whole input's silence: whether the LiveKit server's lines of that input (a log that
    /// merges services) kept coming during it, so that only its other lines were silent.
    public var serverLogged = false

    public var seconds: Double { from.seconds(until: to) }
}

/// A log's clock stepped back (an NTP step, a VM's clock set again when it resumed): its lines
/// from `toLocation` on are written `seconds` behind the line at `fromLocation` before them.
/// Told from a line merely out of order by the line after it, which is behind too.
public struct ClockStep: Sendable, Equatable {
    /// The latest time the log had written, and where.
    public var from: Timestamp
    public var fromLocation: SourceLocation
    /// The first line behind it.
    public var to: Timestamp
    public var toLocation: SourceLocation

    /// How far back, in seconds (positive). The clock went back at least that far: the time
    /// that passed between the two lines is unknown and hides in it.
    public var seconds: Double { to.seconds(until: from) }
}

/// A new process of a livekit-agents worker: its `starting worker` line (worker.py), with the
/// version it logged and the time and place of the line. (A class: a session holds a reference,
/// 8 bytes; held inline, the start and its drain event made every copy of a `Session` longer,
/// 14 M instructions more on the 66 MB JSON slice, whose log has no start at all.)
public final class WorkerStart: Sendable {
    public let time: Timestamp
    public let location: SourceLocation
    /// `starting worker`, and the version it logged (`starting worker (1.2.0)`).
    public let text: String
    /// Whether the log and source's previous process had logged its stop (`shutting down
    /// worker`, `drain timed out, forcing shutdown`) since its own start: a stop, then a start.
    public let afterStop: Bool
    /// The previous process's `draining worker` since its start, if it logged one.
    public let drain: SessionEvent?

    init(time: Timestamp, location: SourceLocation, text: String, afterStop: Bool = false, drain: SessionEvent? = nil) {
        self.time = time
        self.location = location
        self.text = text
        self.afterStop = afterStop
        self.drain = drain
    }
}
