import Foundation
import Testing

@testable import LogAnalyzer

/// `job-failure`: a job whose entrypoint raised, whose agent session closed on an unrecoverable
/// error, or whose process crashed or was killed is an error finding; a normal exit, a kill at
/// shutdown and an entrypoint's LiveKit 401 (the authentication rules') are not.
@Suite struct JobFailureTests {
    /// A livekit-agents JSON line of job AJ_ikLgRDmSdOXj's process (pid 4411).
    static func line(_ message: String, level: String = "ERROR", extra: String = "", at time: String = "00:00:01.000000") -> String {
        #"{"message": "\#(message)", "level": "\#(level)", "name": "livekit.agents", \#(extra)"pid": 4411, "job_id": "AJ_ikLgRDmSdOXj", "timestamp": "2026-03-17T\#(time)+00:00"}"#
    }

    static let request = #"{"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "AJ_ikLgRDmSdOXj", "dispatch_id": "AD_myH8bIqM20Rn", "room": "support-room", "room_id": "RM_8JBQ2nlrFwSs", "agent_name": "", "resuming": false, "enable_recording": false, "timestamp": "2026-03-17T00:00:00.000000+00:00"}"#

    static func findings(_ lines: [String]) -> [Finding] {
        analyze(log: ([request] + lines).joined(separator: "\n")).findings.filter { $0.rule == "job-failure" }
    }

    @Test func anEntrypointsExceptionIsTheFindingWithTheJobsEnd() throws {
        let findings = Self.findings([
            Self.line("unhandled exception while running the job task", extra: #""exc_info": "Traceback (most recent call last):\n  File \"/app/agent.py\", line 21, in entrypoint\n    raise RuntimeError(\"greeting config missing\")\nRuntimeError: greeting config missing", "#),
            Self.line("process exiting", level: "INFO", extra: #""reason": "job crashed", "#, at: "00:00:01.250000"),
        ])
        let f = try #require(findings.first)
        #expect(findings.count == 1)
        #expect(f.severity == .error)
        #expect(f.sessionKey == "support-room/RM_8JBQ2nlrFwSs")
        #expect(f.message == "the job's entrypoint raised an unhandled exception: RuntimeError: greeting config missing")
        #expect(f.value("kind") == .text("entrypoint"))
        #expect(f.value("failures") == .integer(1))
        #expect(f.explanation.last == "the job ended 0.25 s later (`process exiting`)")
        #expect(f.evidence.map(\.role) == ["entrypoint raised"])
        #expect(f.evidence.map(\.location.line) == [2])
    }

    /// A worker's lines (worker.py): `draining worker` {`id`, `timeout`}, `shutting down worker`.
    static func worker(_ message: String, extra: String = "", level: String = "INFO", at time: String) -> String {
        #"{"message": "\#(message)", "level": "\#(level)", "name": "livekit.agents", "id": "AW_ZNrFd8xmr2X9", \#(extra)"timestamp": "2026-03-17T\#(time)+00:00"}"#
    }

    /// A deploy: the worker drained for its 30 minutes, the call went on, and the worker shut
    /// down with the job running: the agent left the call (before: no finding).
    @Test func aWorkerThatShutDownWhileTheJobRanEndedTheCall() throws {
        let findings = Self.findings([
            Self.line("Generating initial greeting", level: "INFO", at: "00:00:01.000000"),
            Self.worker("draining worker", extra: #""timeout": 1800, "#, at: "00:03:00.000000"),
            #"{"message": "drain timed out, forcing shutdown", "level": "WARNING", "name": "livekit.agents", "timestamp": "2026-03-17T00:33:00.000000+00:00"}"#,
            Self.worker("shutting down worker", at: "00:33:00.010000"),
            Self.line("process exiting", level: "INFO", extra: #""reason": "parent process shutdown", "#, at: "00:33:00.900000"),
        ])
        let f = try #require(findings.first)
        #expect(findings.count == 1)
        #expect(f.severity == .error)
        #expect(f.message == "the agent's worker shut down while the job was running (`drain timed out, forcing shutdown`): the agent left the call")
        #expect(f.value("kind") == .text("stopped"))
        #expect(f.explanation.count == 3)
        #expect(f.explanation[1].hasPrefix("the worker had been draining for 30 min (`draining worker` at 2026-03-17 00:03:00): it took no new jobs and waited for its running ones to end, until its drain timeout ran out (`drain timed out, forcing shutdown`). "))
        #expect(f.explanation.last == "the job ended 0.90 s later (`process exiting`)")
        #expect(f.evidence.map(\.role) == ["worker draining", "worker shutdown"])
        #expect(f.evidence.map(\.location.line) == [3, 4])
    }

    /// A drain that did its work: the call ended (its process exiting) before the worker shut
    /// down, and no job ran at the shutdown: no finding. Nor for a stop without a drain (a
    /// dev-mode run's Ctrl-C, the operator's own) with the job running: only its timeline shows it.
    @Test func aDrainedJobIsNoFailureNorAStopWithoutADrain() throws {
        #expect(Self.findings([
            Self.worker("draining worker", extra: #""timeout": 1800, "#, at: "00:03:00.000000"),
            Self.line("process exiting", level: "INFO", extra: #""reason": "", "#, at: "00:09:12.000000"),
            Self.worker("shutting down worker", at: "00:09:13.000000"),
        ]).isEmpty)
        let lines = [
            Self.request,
            Self.line("Generating initial greeting", level: "INFO", at: "00:00:01.000000"),
            Self.worker("shutting down worker", at: "00:02:10.000000"),
            Self.line("process exiting", level: "INFO", extra: #""reason": "parent process shutdown", "#, at: "00:02:10.400000"),
        ]
        let report = analyze(files: [("worker.log", lines)])
        #expect(report.findings.isEmpty)
        #expect(Array(report.sessions).first?.events.map(\.kind.label) == ["session start", "greeting start", "worker shutdown", "session end"])
    }

    /// livekit-agents 1.6+ gives the exception's text as the `error` extra: a provider's key
    /// missing at the job's start, the most common entrypoint failure.
    @Test func theErrorExtraIsTheException() throws {
        let f = try #require(Self.findings([Self.line("unhandled exception while running the job task", extra: #""error": "ValueError: ElevenLabs API key is required", "#)]).first)
        #expect(f.message == "the job's entrypoint raised an unhandled exception: ValueError: ElevenLabs API key is required")
    }

    /// livekit-agents before 1.5 leave the job's process running after its entrypoint raised: its
    /// `process exiting` seconds later is the worker's or the room's end, not the failure's.
    @Test func aLaterExitIsNotSaidToFollowTheFailure() throws {
        let f = try #require(Self.findings([
            Self.line("unhandled exception while running the job task", extra: #""error": "RuntimeError: boom", "#),
            Self.line("process exiting", level: "INFO", extra: #""reason": "", "#, at: "00:00:05.980000"),
        ]).first)
        #expect(!f.explanation.contains { $0.hasPrefix("the job ended") })
    }

    @Test func aCrashKillOrSessionErrorSaysWhich() throws {
        let crash = try #require(Self.findings([Self.line("process exited with non-zero exit code -9")]).first)
        #expect(crash.message == "the job's process crashed (exit code -9)")
        #expect(crash.value("kind") == .text("crashed"))
        #expect(crash.value("exitCode") == .integer(-9))
        #expect(crash.explanation == ["a negative exit code is the signal that ended the process (Python's exit code -N): SIGKILL (-9), most often the kernel's OOM killer or the container's memory limit"])

        let segv = try #require(Self.findings([Self.line("process exited with non-zero exit code -11")]).first)
        #expect(segv.explanation == ["a negative exit code is the signal that ended the process (Python's exit code -N): SIGSEGV (-11), a crash in native code (an audio, model or SDK library)"])
        let one = try #require(Self.findings([Self.line("process exited with non-zero exit code 1")]).first)
        #expect(one.message == "the job's process crashed (exit code 1)")
        #expect(one.explanation == ["the job's process ended without the job shutting down (livekit-agents `process exited with non-zero exit code`): a fatal error in native code or an exit called by the code"])

        let memory = try #require(Self.findings([Self.line("job process exceeded memory limit, killing it", extra: #""memory_usage_mb": 812.4, "memory_limit_mb": 800, "#)]).first)
        #expect(memory.message == "the worker killed the job's process for exceeding its memory limit")
        #expect(memory.value("kind") == .text("killed"))

        let hung = try #require(Self.findings([Self.line("process is unresponsive, killing process")]).first)
        #expect(hung.message == "the worker killed the job's process because it stopped answering (unresponsive)")

        // livekit-agents 1.5+: the error in the message (voice/agent_session.py _on_error).
        let session = try #require(Self.findings([Self.line("AgentSession is closing due to unrecoverable error: llm_error: 401 Incorrect API key provided")]).first)
        #expect(session.message == "the agent session closed on an error it could not recover from: llm_error: 401 Incorrect API key provided")
        #expect(session.value("kind") == .text("sessionError"))
    }

    /// livekit-agents 1.0-1.4 pass the provider's error as `exc_info` (voice/agent_session.py
    /// `_on_error`): an exception never raised has no traceback, its line alone.
    @Test func anExceptionWithoutATracebackIsTheSessionsError() throws {
        let f = try #require(Self.findings([Self.line("AgentSession is closing due to unrecoverable error", extra: #""exc_info": "livekit.agents._exceptions.APIError: OpenAI Realtime API returned an error (body=code='session_expired', retryable=True)", "#)]).first)
        #expect(f.message == "the agent session closed on an error it could not recover from: livekit.agents._exceptions.APIError: OpenAI Realtime API returned an error (body=code='session_expired', retryable=True)")
        #expect(f.explanation.contains("`session_expired` is OpenAI Realtime's limit on one session's length (15 minutes when this was written), not a LiveKit token's expiry"))
    }

    @Test func normalEndsShutdownKillsAndLiveKit401sAreNoJobFailure() {
        #expect(Self.findings([Self.line("process exiting", level: "INFO", extra: #""reason": "", "#)]).isEmpty)
        #expect(Self.findings([Self.line("process did not exit in time, killing process")]).isEmpty)
        let connect401 = Self.line("unhandled exception while running the job task", extra: #""exc_info": "Traceback (most recent call last):\nlivekit.rtc.room.ConnectError: engine: signal failure: client error: 401 Unauthorized - invalid token: x, error: go-jose/go-jose/jwt: validation failed, token is expired (exp)", "#)
        let report = analyze(log: [Self.request, connect401].joined(separator: "\n"))
        #expect(report.findings.map(\.rule) == ["auth-expiry-cascade"])
    }

    @Test func severalFailuresAreOneFindingThatCountsThem() throws {
        let findings = Self.findings([
            Self.line("AgentSession is closing due to unrecoverable error: tts_error: quota exceeded"),
            Self.line("process exited with non-zero exit code 1", at: "00:00:02.000000"),
        ])
        let f = try #require(findings.first)
        #expect(findings.count == 1)
        #expect(f.value("failures") == .integer(2))
        #expect(f.explanation.last == "the session shows 2 failures: sessionError, crashed")
        #expect(f.evidence.map(\.role) == ["session error", "process crashed"])
    }

    /// Real livekit-agents 1.5.17 `dev` (Rich console) output: the entrypoint raised after the job
    /// started; the job's process then exits (`process exiting`, reason `job crashed`).
    @Test func theRealRichCrashIsAnErrorFinding() throws {
        let path = RealCaptureTests.dir + "agents-1.5.17-dev-crash.log"
        let result = try runLoganalyze(["--color", "never", path])
        #expect(result.status == 1)
        #expect(result.stdout.contains("  error job-failure: the job's entrypoint raised an unhandled exception: RuntimeError: entrypoint failed on purpose: greeting config missing\n"))
        #expect(result.stdout.contains("      the job ended 0.02 s later (`process exiting`)\n"))
        #expect(result.stdout.hasSuffix("1 input, 6 records, 1 session (1 flagged): 1 error\n"))
    }

    /// Real livekit-agents 1.5.17 `dev` under `script` (80 columns): Rich prints the entrypoint's
    /// traceback again after the record, folded at the console's width, so its exception is two
    /// lines (`ValueError: ElevenLabs API key is required, either as argument or set ` /
    /// `ELEVEN_API_KEY environmental variable`): the finding names the whole exception, not its
    /// last line.
    @Test func aRichTracebackFoldedExceptionIsWhole() throws {
        let report = analyze([RealCaptureTests.dir + "agents-1.5.17-valueerror-dev.log"])
        #expect(report.findings.map(\.rule) == ["job-failure"])
        let f = try #require(report.findings.first)
        #expect(f.sessionKey == "capture-room/RM_WQnwwG0j7he3")
        #expect(f.message == "the job's entrypoint raised an unhandled exception: ValueError: ElevenLabs API key is required, either as argument or set ELEVEN_API_KEY environmental variable")
        #expect(f.explanation.last == "the job ended 0.01 s later (`process exiting`)")
        #expect(f.evidence.map(\.location.line) == [18])
    }

    /// Real livekit-agents 1.8.9 `dev` (job_memory_limit_mb=300): the worker kills the job's
    /// process for its memory, sends it SIGUSR1 first, and the process's end within the 0.5 s
    /// before the kill is marked is logged as `process exited with non-zero exit code -10`: one
    /// failure, the kill, not a kill and a crash.
    @Test func aKilledProcesssExitIsNoCrashOfItsOwn() throws {
        let report = analyze([RealCaptureTests.dir + "agents-1.8.9-mem-dev.log"])
        #expect(report.findings.map(\.rule) == ["job-failure"])
        let f = try #require(report.findings.first)
        #expect(f.sessionKey == "capture-room/RM_Nw2ZdPjPGOle")
        #expect(f.message == "the worker killed the job's process for exceeding its memory limit")
        #expect(f.value("kind") == .text("killed"))
        #expect(f.value("failures") == .integer(1))
        #expect(f.explanation == ["the worker's memory check found the job's process above its memory limit (`job_memory_limit_mb` of WorkerOptions; `jobMemoryLimitMB` of Node agents' ServerOptions) and killed it"])
        #expect(f.evidence.map(\.location.line) == [7])
    }

    /// Real livekit-agents 1.8.9 `start` stopped with SIGTERM (drain_timeout=2,
    /// shutdown_process_timeout=3, a shutdown callback that blocks): the worker kills the job's
    /// process at shutdown (`process did not exit in time, killing process`), and its end after
    /// SIGUSR1 is logged as `process exited with non-zero exit code -10`: neither is a kill or a
    /// crash of the job's own. The job was cut by the worker's shutdown, its drain of 2 s having
    /// run out: that is the failure.
    @Test func aKillAtShutdownAndItsExitAreNoCrashButTheStopIs() throws {
        let report = analyze([RealCaptureTests.dir + "agents-1.8.9-shutdown-kill-start.log"])
        #expect(report.sessions.count == 1)
        #expect(report.findings.map(\.rule) == ["job-failure"])
        let f = try #require(report.findings.first)
        #expect(f.value("kind") == .text("stopped"))
        #expect(f.value("failures") == .integer(1))
        #expect(f.severity == .error)
        #expect(f.explanation[1].hasPrefix("the worker had been draining for 2.00 s"))
        #expect(f.evidence.map(\.location.line) == [5, 6])
    }

    /// Real livekit-agents 1.0.23 `start` with livekit-plugins-openai 1.0.23, its LLM at a stand-in
    /// answering 401 `invalid_api_key`: the fourth unrecoverable LLM error closes the session,
    /// the provider's error in `exc_info` after its traceback. A job failure, no LiveKit
    /// authentication finding.
    @Test func aProvidersRejectionThatClosedTheSessionIsASessionError() throws {
        let report = analyze([RealCaptureTests.dir + "agents-1.0.23-sessionerror-start.log"])
        #expect(report.findings.map(\.rule) == ["job-failure"])
        let f = try #require(report.findings.first)
        #expect(f.sessionKey == "capture-room")
        #expect(f.value("kind") == .text("sessionError"))
        #expect(f.message.hasPrefix("the agent session closed on an error it could not recover from: livekit.agents._exceptions.APIStatusError: Error code: 401 - {'error': {'message': 'Incorrect API key provided: sk-dummy"))
        #expect(f.evidence.map(\.location.line) == [9])
    }

    /// A traceback's exception is its last line unless that line goes on the text of one.
    @Test func aTracebacksExceptionStartsAtItsClassName() {
        #expect(SessionEvent.exception(of: "Traceback (most recent call last):\n  File \"a.py\", line 1, in f\nRuntimeError: x") == "RuntimeError: x")
        #expect(SessionEvent.exception(of: "  File \"a.py\", line 1, in f\n    raise ValueError(\"a b\nc\")\nValueError: a b\nc") == "ValueError: a b c")
        #expect(SessionEvent.exception(of: "  File \"a.py\", line 1, in f\n    await x\nasyncio.exceptions.CancelledError") == "asyncio.exceptions.CancelledError")
        #expect(SessionEvent.exception(of: "  File \"a.py\", line 1, in f\nsome words") == "some words")
    }

    /// Real livekit-agents 0.12.21 with livekit rtc 1.0.8 (`start`, JSON): the stand-in server
    /// refused the job's room connection, and the SDK's follow-up validate request got `404 page
    /// not found`: the job's `ctx.connect()` raised `ConnectError … 404` (no 401 in the agent's log).
    @Test func aRoomConnectionThatFailedWithoutA401IsAJobFailure() throws {
        let report = analyze([RealCaptureTests.dir + "agents-0.12.21-rtc1.0.8-job-404-start.log"])
        #expect(report.findings.map(\.rule) == ["job-failure"])
        let f = try #require(report.findings.first)
        #expect(f.message == "the job's entrypoint raised an unhandled exception: livekit.rtc.room.ConnectError: engine: signal failure: client error: 404 Not Found - 404 page not found")
        #expect(f.sessionKey == "realb-room-7")
        #expect(f.explanation == [
            "the job could not connect to its room (`ctx.connect()` raised the SDK's `ConnectError`), so it never joined; a LiveKit 401 would be reported as an authentication failure",
            "a `404` in it answers the SDK's follow-up request to `…/rtc/validate` (asked after the WebSocket was refused), not the connection: the server's log says why it refused the connection (`error handling request`)",
        ])
        #expect(f.evidence.map(\.location.line) == [18])
    }
    /// Node `@livekit/agents`: `error in entry function` (ERROR, pino's error object under
    /// `error`; agents/src/ipc/job_proc_lazy_main.ts), in pino JSON and as pino-pretty prints it
    /// (the stack raw under `"stack":`); one whose error is LiveKit's 401 stays the auth rules'.
    @Test func aNodeEntryFunctionsErrorIsTheFinding() throws {
        let json = [
            #"{"level":20,"time":1760954178100,"pid":1120,"hostname":"agent-7f9c","jobID":"AJ_p9KdW3xYzQ2r","msg":"job started"}"#,
            #"{"level":50,"time":1760954178728,"pid":1120,"hostname":"agent-7f9c","jobID":"AJ_p9KdW3xYzQ2r","error":{"type":"TypeError","message":"Cannot read properties of undefined (reading 'say')","stack":"TypeError: Cannot read properties of undefined (reading 'say')\n    at entry (file:///app/dist/agent.js:41:27)"},"msg":"error in entry function"}"#,
            #"{"level":50,"time":1760954179728,"pid":1121,"hostname":"agent-7f9c","jobID":"AJ_q9KdW3xYzQ2r","error":{"type":"ConnectError","message":"engine: signal failure: client error: 401 Unauthorized - invalid token: x, error: go-jose/go-jose/jwt: validation failed, token is expired (exp)","stack":"ConnectError: engine\n    at Room.connect"},"msg":"error in entry function"}"#,
        ]
        let report = analyze(log: json.joined(separator: "\n"))
        #expect(report.findings.map(\.rule).sorted() == ["auth-expiry-cascade", "job-failure"])
        let f = try #require(report.findings.first { $0.rule == "job-failure" })
        #expect(f.jobId == "AJ_p9KdW3xYzQ2r")
        #expect(f.message == "the job's entrypoint raised an unhandled exception: TypeError: Cannot read properties of undefined (reading 'say')")
        #expect(f.value("kind") == .text("entrypoint"))
        #expect(f.evidence.map(\.location.line) == [2])
        #expect(f.evidence.map(\.text) == ["error in entry function: TypeError: Cannot read properties of undefined (reading 'say')"])

        let pretty = [
            "[09:56:18.100] DEBUG (1120): job started",
            "    jobID: \"AJ_p9KdW3xYzQ2r\"",
            "[09:56:18.728] ERROR (1120): error in entry function",
            "    jobID: \"AJ_p9KdW3xYzQ2r\"",
            "    error: {",
            "      \"type\": \"TypeError\",",
            "      \"message\": \"Cannot read properties of undefined (reading 'say')\",",
            "      \"stack\":",
            "          TypeError: Cannot read properties of undefined (reading 'say')",
            "              at entry (file:///app/dist/agent.js:41:27)",
            "    }",
        ]
        let p = try #require(analyze(log: pretty.joined(separator: "\n")).findings.first)
        #expect(p.rule == "job-failure")
        #expect(p.message == f.message)
        #expect(p.evidence.map(\.location.line) == [3])
    }
    /// Node agents' worker kills a job's process over its memory limit with
    /// `memoryLoggingFields` bound to its logger (agents/src/ipc/supervised_proc.ts): the
    /// process's pid, written by pino after the worker's own (a child logger's bindings follow
    /// its parent's, a key repeated), and no job. The job's own lines carry that pid (its
    /// process's pino) and its `jobID` (job_proc_lazy_main.ts): the kill joins the job by the pid.
    /// (It had been joined to nothing: the first pid, the worker's, was read, and a kill line
    /// without a job made no event.) `job is unresponsive` holds the worker's pid only: no job's.
    @Test func aNodeWorkersMemoryKillJoinsTheJobByItsProcessPid() throws {
        let lines = [
            #"{"level":30,"time":1760954178100,"pid":1120,"hostname":"h","jobID":"AJ_p9KdW3xYzQ2r","msg":"Generating initial greeting"}"#,
            #"{"level":30,"time":1760954178300,"pid":1121,"hostname":"h","jobID":"AJ_q9KdW3xYzQ2r","msg":"Generating initial greeting"}"#,
            #"{"level":50,"time":1760954198728,"pid":1098,"hostname":"h","pid":1121,"memoryUsageMB":812.4,"memoryWarnMB":500,"memoryLimitMB":800,"uptime":20.6,"hasRunningJob":true,"baselineMemoryMB":201.3,"growthMemoryMB":611.1,"msg":"job process exceeded memory limit, killing it"}"#,
            #"{"level":40,"time":1760954199728,"pid":1098,"hostname":"h","msg":"job is unresponsive"}"#,
        ]
        let findings = analyze(log: lines.joined(separator: "\n")).findings
        #expect(findings.map(\.rule) == ["job-failure"])
        #expect(findings.map(\.jobId) == ["AJ_q9KdW3xYzQ2r"])
        #expect(findings.map(\.message) == ["the worker killed the job's process for exceeding its memory limit"])
        #expect(findings.map { $0.evidence.map(\.location.line) } == [[3]])
        #expect(record(lines[2]).ids.pid == 1121)
    }

    /// The worker's own line (no pid: the worker process) for a job it accepted but could not
    /// start: livekit-agents ipc/proc_pool.py launch_job, `logger.error("failed to launch job on
    /// process after %d attempts", MAX_LAUNCH_ATTEMPTS, extra={"job_id": info.job.id})`
    /// (livekit-agents@1.4.2 to livekit-agents@1.7.0), formatted by cli/log.py JsonFormatter.
    @Test func aJobNoProcessCouldTakeIsAJobFailure() throws {
        let retry = #"{"message": "failed to launch job on process, retrying with a new process", "level": "WARNING", "name": "livekit.agents", "job_id": "AJ_ikLgRDmSdOXj", "attempt": 1, "timestamp": "2026-03-17T00:00:02.000000+00:00"}"#
        let gaveUp = #"{"message": "failed to launch job on process after 3 attempts", "level": "ERROR", "name": "livekit.agents", "job_id": "AJ_ikLgRDmSdOXj", "timestamp": "2026-03-17T00:00:06.000000+00:00"}"#
        let findings = Self.findings([retry, gaveUp])
        let f = try #require(findings.first)
        #expect(findings.count == 1)
        #expect(f.severity == .error)
        #expect(f.sessionKey == "support-room/RM_8JBQ2nlrFwSs")
        #expect(f.message == "the worker could not start the job: handing it to a job process failed three times (failed to launch job on process after 3 attempts)")
        #expect(f.value("kind") == .text("notLaunched"))
        #expect(f.value("failures") == .integer(1))
        #expect(f.evidence.map(\.role) == ["job not launched"])
        #expect(f.evidence.map(\.location.line) == [3])
    }

    /// livekit-agents ipc/proc_pool.py _acquire_proc, `logger.error("failed to acquire process
    /// for job after %d attempts", MAX_ACQUIRE_ATTEMPTS, extra={"job_id": job_id})`
    /// (livekit-agents@1.5.16 to livekit-agents@1.7.0), here as `python agent.py dev` prints it
    /// (cli/log.py ColoredFormatter `%(asctime)s - %(esc_levelcolor)s%(levelname)-4s%(esc_reset)s
    /// %(name)s - %(message)s %(esc_gray)s%(extra)s`, escapes included).
    @Test func aJobNoProcessInitialisedForIsAJobFailure() throws {
        let e = "\u{1B}"
        let log = [
            "2026-03-17 00:00:00,000 - \(e)[32mINFO\(e)[0m livekit.agents - received job request \(e)[90m{\"job_id\": \"AJ_ikLgRDmSdOXj\", \"dispatch_id\": \"\", \"room\": \"support-room\", \"room_id\": \"RM_8JBQ2nlrFwSs\", \"agent_name\": \"\", \"resuming\": false, \"enable_recording\": false}\(e)[0m",
            "2026-03-17 00:00:30,000 - \(e)[31mERROR\(e)[0m livekit.agents - failed to acquire process for job after 3 attempts \(e)[90m{\"job_id\": \"AJ_ikLgRDmSdOXj\"}\(e)[0m",
        ].joined(separator: "\n")
        let findings = analyze(log: log).findings.filter { $0.rule == "job-failure" }
        let f = try #require(findings.first)
        #expect(findings.count == 1)
        #expect(f.sessionKey == "support-room/RM_8JBQ2nlrFwSs")
        #expect(f.message == "the worker could not start the job: no process it started for it finished initialising (failed to acquire process for job after 3 attempts)")
        #expect(f.value("kind") == .text("notLaunched"))
    }

    /// livekit-agents worker.py `_answer_availability`: after the app accepts a job, the worker
    /// waits `ASSIGNMENT_TIMEOUT` (7.5 s) for the server's assignment and otherwise logs
    /// `logger.warning(f"assignment for job {job_req.id} timed out", extra={"job_request": job_req,
    /// "agent_name": …})`: the job's id in the message only, the request as its `str()` (the JSON
    /// formatter's fallback), here as JSON and as `python agent.py dev` prints it.
    @Test func aJobWhoseAssignmentNeverCameIsAJobFailure() throws {
        let e = "\u{1B}"
        let logs = [
            [
                #"{"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "AJ_Tq4mZ8rWvN2c", "dispatch_id": "", "room": "support-7", "room_id": "RM_Fh3kLp9sQw2x", "agent_name": "", "resuming": false, "enable_recording": false, "timestamp": "2026-05-24T12:12:31.052113+00:00"}"#,
                #"{"message": "assignment for job AJ_Tq4mZ8rWvN2c timed out", "level": "WARNING", "name": "livekit.agents", "job_request": "<livekit.agents.job.JobRequest object at 0x7f3a2c1b5e10>", "agent_name": "", "timestamp": "2026-05-24T12:12:38.561540+00:00"}"#,
            ],
            [
                "2026-05-24 12:12:31,052 - \(e)[32mINFO\(e)[0m livekit.agents - received job request \(e)[90m{\"job_id\": \"AJ_Tq4mZ8rWvN2c\", \"dispatch_id\": \"\", \"room\": \"support-7\", \"room_id\": \"RM_Fh3kLp9sQw2x\", \"agent_name\": \"\", \"resuming\": false, \"enable_recording\": false}\(e)[0m",
                "2026-05-24 12:12:38,561 - \(e)[33mWARNING\(e)[0m livekit.agents - assignment for job AJ_Tq4mZ8rWvN2c timed out \(e)[90m{\"job_request\": \"<livekit.agents.job.JobRequest object at 0x7f3a2c1b5e10>\", \"agent_name\": \"\"}\(e)[0m",
            ],
        ]
        for log in logs {
            let findings = analyze(log: log.joined(separator: "\n")).findings
            let f = try #require(findings.first)
            #expect(findings.map(\.rule) == ["job-failure"])
            #expect(f.sessionKey == "support-7/RM_Fh3kLp9sQw2x")
            #expect(f.severity == .error)
            #expect(f.message == "the worker accepted the job, but the server's assignment did not come within 7.5 s (assignment for job AJ_Tq4mZ8rWvN2c timed out): the job never started")
            #expect(f.value("kind") == .text("notLaunched"))
            #expect(f.evidence.map(\.role) == ["job not launched"])
            #expect(f.evidence.map(\.location.line) == [2])
        }
    }

    /// livekit-server's `JobRequest` (pkg/service/agentservice.go): `logger.Warnw("failed to assign
    /// job to worker", err, "retry", retry)` with the job's values (`jobID`, `room`, `roomID`,
    /// `workerID`). Without a retry the job is given up (a server-only log shows it); with one
    /// (`worker not available`: the worker declined, full) the next worker is asked.
    @Test func theServerGivingUpAJobsAssignmentIsAJobFailure() throws {
        func server(_ time: String, _ retry: Bool, _ error: String) -> String {
            "2026-05-24T12:12:\(time)Z\tWARN\tlivekit.agents\tservice/agentservice.go:441\tfailed to assign job to worker\t{\"jobID\": \"AJ_Tq4mZ8rWvN2c\", \"namespace\": \"\", \"agentName\": \"\", \"jobType\": \"JT_ROOM\", \"room\": \"support-7\", \"roomID\": \"RM_Fh3kLp9sQw2x\", \"workerID\": \"AW_Zr8kPq3mXv2n\", \"retry\": \(retry), \"error\": \"\(error)\"}"
        }
        let start = "2026-05-24T12:12:31.040Z\tINFO\tlivekit\tservice/roommanager.go:411\tstarting RTC session\t{\"room\": \"support-7\", \"roomID\": \"RM_Fh3kLp9sQw2x\", \"participant\": \"user-1\", \"pID\": \"PA_hG5kLm2nQw8r\"}"
        let findings = analyze(log: [start, server("34.051", false, "context deadline exceeded")].joined(separator: "\n")).findings
        let f = try #require(findings.first)
        #expect(findings.map(\.rule) == ["job-failure"])
        #expect(f.sessionKey == "support-7/RM_Fh3kLp9sQw2x")
        #expect(f.message == "the server could not assign the job to the worker it chose and tried no other (failed to assign job to worker: context deadline exceeded): the job never started")
        #expect(f.value("kind") == .text("notLaunched"))
        #expect(f.evidence.map(\.location.line) == [2])
        #expect(analyze(log: [start, server("31.052", true, "worker not available")].joined(separator: "\n")).findings.map(\.rule) == [])
        // Declined by the one worker, then none left to ask.
        let none = "2026-05-24T12:12:31.055Z\tWARN\tlivekit.agents\tservice/agentservice.go:415\tno worker available to handle job\t{\"jobID\": \"AJ_Tq4mZ8rWvN2c\", \"namespace\": \"\", \"agentName\": \"\", \"jobType\": \"JT_ROOM\", \"room\": \"support-7\", \"roomID\": \"RM_Fh3kLp9sQw2x\", \"error\": \"no workers with sufficient capacity\"}"
        let full = analyze(log: [start, server("31.052", true, "worker not available"), none].joined(separator: "\n")).findings
        #expect(full.map(\.rule) == ["job-failure"])
        #expect(full.first?.message == "the server found no worker to take the job (no worker available to handle job: no workers with sufficient capacity): the job never started")
        #expect(full.first?.evidence.map(\.location.line) == [3])
    }

    /// The same words in another line are no failure: a tool's own timeout message names no job
    /// (`assignment for job export timed out`, INFO), and a job id in a longer text does not end
    /// with the worker's words.
    @Test func otherAssignmentTimeoutsAreNoJobFailure() throws {
        let log = [
            #"{"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "AJ_Tq4mZ8rWvN2c", "room": "support-7", "room_id": "RM_Fh3kLp9sQw2x", "timestamp": "2026-05-24T12:12:31.052113+00:00"}"#,
            #"{"message": "assignment for job export timed out", "level": "INFO", "name": "agent", "timestamp": "2026-05-24T12:12:32.000000+00:00"}"#,
            #"{"message": "assignment for job AJ_Tq4mZ8rWvN2c timed out; retrying with the next ticket", "level": "WARNING", "name": "agent", "timestamp": "2026-05-24T12:12:33.000000+00:00"}"#,
        ]
        #expect(analyze(log: log.joined(separator: "\n")).findings.map(\.rule) == [])
    }

    /// An app's own `logging.basicConfig()` prints a second copy of each record in the stdlib's
    /// default `%(levelname)s:%(name)s:%(message)s`, without the extras: that copy names no job and
    /// is no second failure.
    @Test func aLaunchFailuresCopyWithoutItsJobIsNoSecondFailure() throws {
        let gaveUp = #"{"message": "failed to launch job on process after 3 attempts", "level": "ERROR", "name": "livekit.agents", "job_id": "AJ_ikLgRDmSdOXj", "timestamp": "2026-03-17T00:00:06.000000+00:00"}"#
        let copy = "ERROR:livekit.agents:failed to launch job on process after 3 attempts"
        let findings = Self.findings([gaveUp, copy])
        let f = try #require(findings.first)
        #expect(findings.count == 1)
        #expect(f.value("failures") == .integer(1))
        #expect(f.evidence.map(\.location.line) == [2])
    }

    /// Node `@livekit/agents`' worker (1.2.3+, agents/src/worker.ts) logs a job it accepted but
    /// could not start as `this.#logger.child({ requestId: req.id }).error(e, 'error launching
    /// job')`: the job's id as `requestId` (`JobRequest.id`, the job's), pino's `err` object. Here a
    /// process that died during its initialisation (supervised_proc.ts `process exited before
    /// initializing (code ${code}, signal ${signal})`), as pino JSON and as pino-pretty.
    @Test func aNodeJobTheWorkerCouldNotLaunchIsAJobFailure() throws {
        let json = [
            #"{"level":30,"time":1787220000100,"pid":1098,"hostname":"agent-7f9c","version":"1.4.6","jobId":"AJ_Lq8mV2xRt5Kp","resuming":false,"agentName":"","msg":"received job request"}"#,
            #"{"level":50,"time":1787220010100,"pid":1098,"hostname":"agent-7f9c","version":"1.4.6","requestId":"AJ_Lq8mV2xRt5Kp","err":{"type":"Error","message":"process exited before initializing (code 1, signal null)","stack":"Error: process exited before initializing (code 1, signal null)\n    at ChildProcess.<anonymous> (file:///app/node_modules/@livekit/agents/dist/ipc/supervised_proc.js:201:23)"},"msg":"error launching job"}"#,
        ]
        let findings = analyze(log: json.joined(separator: "\n")).findings
        let f = try #require(findings.first)
        #expect(findings.map(\.rule) == ["job-failure"])
        #expect(f.jobId == "AJ_Lq8mV2xRt5Kp")
        #expect(f.message == "the worker could not start the job: Error: process exited before initializing (code 1, signal null)")
        #expect(f.value("kind") == .text("notLaunched"))
        #expect(f.evidence.map(\.location.line) == [2])
        #expect(f.evidence.map(\.role) == ["job not launched"])

        // (pino-pretty 11 with `colorize: true`, as agents/src/log.ts sets it: the level and
        // the message in colour.)
        let e = "\u{1B}"
        let pretty = [
            "[10:00:00.100] \(e)[32mINFO\(e)[39m (1098): \(e)[36mreceived job request\(e)[39m",
            "    version: \"1.4.6\"",
            "    jobId: \"AJ_Lq8mV2xRt5Kp\"",
            "    resuming: false",
            "    agentName: \"\"",
            "[10:00:10.100] \(e)[31mERROR\(e)[39m (1098): \(e)[36merror launching job\(e)[39m",
            "    version: \"1.4.6\"",
            "    requestId: \"AJ_Lq8mV2xRt5Kp\"",
            "    err: {",
            "      \"type\": \"Error\",",
            "      \"message\": \"process exited before initializing (code 1, signal null)\",",
            "      \"stack\":",
            "          Error: process exited before initializing (code 1, signal null)",
            "              at ChildProcess.<anonymous> (file:///app/node_modules/@livekit/agents/dist/ipc/supervised_proc.js:201:23)",
            "    }",
        ]
        let p = try #require(analyze(log: pretty.joined(separator: "\n")).findings.first)
        #expect(p.rule == "job-failure")
        #expect(p.jobId == "AJ_Lq8mV2xRt5Kp")
        #expect(p.message == f.message)
        #expect(p.evidence.map(\.location.line) == [6])
    }

    /// The worker's memory warnings for the job's process (livekit-agents ipc/supervised_proc.py:
    /// `job process memory usage is above the warning threshold (advisory only, …)` since 2026,
    /// `process memory usage is high` from 0.12 to 1.4) before it died of SIGKILL: the OOM killer's
    /// evidence, cited with the process's use.
    @Test(arguments: [
        ("job process memory usage is above the warning threshold (advisory only, the process will not be terminated)", "1843.2"),
        ("process memory usage is high", "1843.2"),
    ])
    func aMemoryWarningBeforeASIGKILLIsCited(_ warning: String, _ mb: String) throws {
        let findings = Self.findings([
            Self.line(warning, level: "WARNING", extra: #""memory_usage_mb": \#(mb), "memory_warn_mb": 1500, "memory_limit_mb": 0, "#, at: "00:06:53.200000"),
            Self.line("process exited with non-zero exit code -9", at: "00:07:12.503000"),
        ])
        let f = try #require(findings.first)
        #expect(f.message == "the job's process crashed (exit code -9)")
        #expect(f.explanation.contains("the worker had warned 19.30 s before that the job's process used more memory than its warning threshold (1843.2 MB) (`\(warning)`): it was growing"))
        #expect(f.evidence.map(\.role) == ["memory warning", "process crashed"])
        #expect(f.evidence.map(\.location.line) == [2, 3])
    }

    /// A warning after the crash, or for another job, is not cited.
    @Test func aMemoryWarningOfAnotherJobIsNotCited() throws {
        let other = #"{"message": "process memory usage is high", "level": "WARNING", "name": "livekit.agents", "memory_usage_mb": 1843.2, "pid": 5120, "job_id": "AJ_Xq7bT2mNw4Lp", "timestamp": "2026-03-17T00:06:53.200000+00:00"}"#
        let findings = Self.findings([other, Self.line("process exited with non-zero exit code -9", at: "00:07:12.503000")])
        let f = try #require(findings.first)
        #expect(f.evidence.map(\.role) == ["process crashed"])
        #expect(!f.explanation.contains { $0.hasPrefix("the worker had warned") })
    }

    // MARK: A worker that died without a word (SIGKILL, OOMKilled, a host gone)

    /// The app's own line from the job's process (logger `agent`, with the job's extras).
    static func app(_ message: String, at time: String) -> String {
        #"{"message": "\#(message)", "level": "INFO", "name": "agent", "pid": 4411, "job_id": "AJ_ikLgRDmSdOXj", "room": "support-room", "timestamp": "2026-03-17T\#(time)+00:00"}"#
    }

    /// livekit-server's console lines (pkg/rtc/participant.go Close; service/roommanager.go) of
    /// the room's participants: the agent's `agent-AJ_ikLgRDmSdOXj`, the user's `user-42b7`.
    static func serverStart(_ identity: String, _ pid: String, at time: String) -> String {
        "2026-03-17T\(time)Z\tINFO\tlivekit\tservice/roommanager.go:411\tstarting RTC session\t"
            + #"{"room": "support-room", "roomID": "RM_8JBQ2nlrFwSs", "participant": "\#(identity)", "pID": "\#(pid)", "remote": false, "nodeID": "ND_q3Lk8Wv2Xn5R", "numParticipants": 1}"#
    }

    static func serverClose(_ identity: String, _ pid: String, _ reason: String, at time: String) -> String {
        "2026-03-17T\(time)Z\tINFO\tlivekit\trtc/participant.go:957\tparticipant closing\t"
            + #"{"room": "support-room", "roomID": "RM_8JBQ2nlrFwSs", "participant": "\#(identity)", "pID": "\#(pid)", "remote": false, "sendLeave": false, "reason": "\#(reason)", "isExpectedToResume": false}"#
    }

    static let agentSid = "PA_Yh2rB6vLc9Tp"
    static let userSid = "PA_Ju6rE9tYq1Bz"

    /// The worker (and its job's process) killed mid-call, SIGKILL of an OOMKilled container: its
    /// lines stop at 00:02:10, the server closes the agent's participant 31.2 s later
    /// (PEER_CONNECTION_DISCONNECTED), and the user stays on to leave at 00:03:00. Before: no
    /// finding at all.
    @Test func aWorkerKilledWithoutAWordMidCallIsAVanishedJob() throws {
        let findings = Self.findings([
            Self.serverStart("agent-AJ_ikLgRDmSdOXj", Self.agentSid, at: "00:00:00.600"),
            Self.app("Generating initial greeting", at: "00:00:01.000000"),
            Self.app("looking up the order status", at: "00:02:10.000000"),
            Self.serverClose("agent-AJ_ikLgRDmSdOXj", Self.agentSid, "PEER_CONNECTION_DISCONNECTED", at: "00:02:41.200"),
            Self.serverClose("user-42b7", Self.userSid, "CLIENT_REQUEST_LEAVE", at: "00:03:00.000"),
        ])
        let f = try #require(findings.first)
        #expect(findings.count == 1)
        #expect(f.severity == .error)
        #expect(f.message == "the agent's worker went silent while the job was running: nothing logged of the job's end, and 31.20 s after its last line the server closed the agent's participant (`participant closing (PEER_CONNECTION_DISCONNECTED)`): the agent left the call")
        #expect(f.value("kind") == .text("vanished"))
        #expect(f.value("silentSeconds") == .number(31.2))
        #expect(f.explanation.count == 2)
        #expect(f.explanation[0].hasPrefix("the worker's last line for the job was at 2026-03-17 00:02:10; 31.20 s later the server closed the agent's participant for a reason that is no leave"))
        #expect(f.explanation[1].hasPrefix("a worker that dies without a word was killed with SIGKILL or lost its host: the container's memory limit (Kubernetes: `kubectl describe pod` shows `Last State: Terminated, Reason: OOMKilled, Exit Code: 137`"))
        #expect(!f.explanation.contains { $0.contains("token") || $0.contains("401") })
        #expect(f.evidence.map(\.role) == ["last agent line", "agent closed"])
        #expect(f.evidence.map(\.location.line) == [4, 5])
    }

    /// An identity the app chose (`voice-bot`) is the agent's by the close line's `kind: AGENT`
    /// (livekit-server v1.9.12+, which also logs `clientInfo` and `sessionDuration`); `STALE` is no
    /// leave either.
    @Test func anAgentParticipantByItsKindClosedStaleIsAVanishedJob() throws {
        let close = "2026-03-17T00:04:40.000Z\tINFO\tlivekit\trtc/participant.go:1494\tparticipant closing\t"
            + #"{"room": "support-room", "roomID": "RM_8JBQ2nlrFwSs", "participant": "voice-bot", "participantID": "PA_Yh2rB6vLc9Tp", "remote": false, "sendLeave": false, "reason": "STALE", "isExpectedToResume": false, "clientInfo": {"sdk": "PYTHON", "version": "1.0.23", "protocol": 16}, "kind": "AGENT", "country": "", "sessionDuration": "4m39.4s"}"#
        let findings = Self.findings([Self.app("looking up the order status", at: "00:04:00.000000"), close])
        let f = try #require(findings.first)
        #expect(f.value("kind") == .text("vanished"))
        #expect(f.value("silentSeconds") == .number(40))
        #expect(f.message.hasSuffix("40.00 s after its last line the server closed the agent's participant (`participant closing (STALE)`): the agent left the call"))
    }

    /// A worker that was draining (a deploy's SIGTERM) and was then killed with the job still on
    /// (the grace period ran out: SIGKILL, no `shutting down worker`) cut the call: the drain is cited.
    @Test func aDrainingWorkerKilledBeforeItsJobEndedIsAVanishedJobWithItsDrain() throws {
        let findings = Self.findings([
            Self.app("Generating initial greeting", at: "00:00:01.000000"),
            Self.worker("draining worker", extra: #""timeout": 1800, "#, at: "00:03:00.000000"),
            Self.app("looking up the order status", at: "00:03:20.000000"),
            Self.serverClose("agent-AJ_ikLgRDmSdOXj", Self.agentSid, "PEER_CONNECTION_DISCONNECTED", at: "00:03:45.000"),
        ])
        let f = try #require(findings.first)
        #expect(f.value("kind") == .text("vanished"))
        #expect(f.evidence.map(\.role) == ["last agent line", "worker draining", "agent closed"])
        #expect(f.explanation.last == "the worker had been draining since 2026-03-17 00:03:00 (`draining worker`, 45.00 s before the close) and never logged its shutdown: it was killed before the job ended, the supervisor's grace period (Kubernetes' terminationGracePeriodSeconds, 30 s by default) shorter than the call")
    }

    /// No finding: the job ended (its process exiting) and the agent left; a log that simply ends
    /// (no close of the agent's after it, only the user's); an agent closed with a clean reason;
    /// an agent that logged after the close (a host that woke); the user's participant, not the
    /// agent's, timed out; a stop (`shutting down worker`, a dev-mode Ctrl-C); the agent's own
    /// connection loss just before the close (a network's: a live worker).
    @Test func endsTheWorkerLoggedCleanLeavesCutLogsAndNetworkLossesAreNoVanishedJob() {
        let agent = "agent-AJ_ikLgRDmSdOXj"
        let cases: [[String]] = [
            [Self.app("looking up the order status", at: "00:02:10.000000"),
             Self.line("process exiting", level: "INFO", extra: #""reason": "", "#, at: "00:02:40.000000"),
             Self.serverClose(agent, Self.agentSid, "PEER_CONNECTION_DISCONNECTED", at: "00:02:41.200")],
            [Self.serverStart(agent, Self.agentSid, at: "00:00:00.600"),
             Self.app("looking up the order status", at: "00:02:10.000000"),
             Self.serverClose("user-42b7", Self.userSid, "CLIENT_REQUEST_LEAVE", at: "00:02:30.000")],
            [Self.app("looking up the order status", at: "00:02:10.000000"),
             Self.serverClose(agent, Self.agentSid, "CLIENT_REQUEST_LEAVE", at: "00:02:41.200")],
            [Self.app("looking up the order status", at: "00:02:10.000000"),
             Self.serverClose(agent, Self.agentSid, "STALE", at: "00:14:41.200"),
             Self.app("still here", at: "00:14:42.000000")],
            [Self.app("looking up the order status", at: "00:02:10.000000"),
             Self.serverClose("user-42b7", Self.userSid, "PEER_CONNECTION_DISCONNECTED", at: "00:02:41.200")],
            [Self.app("looking up the order status", at: "00:02:10.000000"),
             Self.worker("shutting down worker", at: "00:02:11.000000"),
             Self.serverClose(agent, Self.agentSid, "PEER_CONNECTION_DISCONNECTED", at: "00:02:41.200")],
            [Self.app("looking up the order status", at: "00:02:10.000000"),
             #"{"message": "livekit::rtc_engine:453:livekit::rtc_engine - received session close: \"signal client closed: \\\"ping timeout\\\"\" UnknownReason Resume", "level": "WARNING", "name": "livekit", "pid": 4411, "job_id": "AJ_ikLgRDmSdOXj", "timestamp": "2026-03-17T00:02:20.000000+00:00"}"#,
             Self.serverClose(agent, Self.agentSid, "PEER_CONNECTION_DISCONNECTED", at: "00:02:41.200")],
        ]
        for (i, lines) in cases.enumerated() {
            #expect(Self.findings(lines).map(\.message) == [], "case \(i)")
        }
    }

    // MARK: A worker restarted without a word while its job ran (no server log)

    /// A new worker process's first lines (worker.py `run` and `_handle_register`, 1.6.0 shape).
    static func start(at time: String, id: String = "AW_Q7nV2kLp9XsR") -> [String] {
        [
            #"{"message": "starting worker", "level": "INFO", "name": "livekit.agents", "version": "1.6.0", "rtc-version": "1.0.23", "timestamp": "2026-03-17T\#(time)+00:00"}"#,
            #"{"message": "registered worker", "level": "INFO", "name": "livekit.agents", "agent_name": "", "deployment": "", "id": "\#(id)", "url": "wss://support-x1.livekit.cloud", "region": "US East B", "protocol": 16, "timestamp": "2026-03-17T\#(time)+00:00"}"#,
        ]
    }

    /// An OOMKilled container restarted by Kubernetes, its dead container's log (`kubectl logs
    /// --previous`) and the new one's in one file: the job's lines stop at 00:02:10 with nothing
    /// of its end, and 4.512 s later a new worker process starts. Before: no finding.
    @Test func aJobWhoseWorkerWasRestartedWithoutAWordIsAVanishedJob() throws {
        let findings = Self.findings(
            [Self.app("Generating initial greeting", at: "00:00:01.000000"), Self.app("looking up the order status", at: "00:02:10.000000")]
                + Self.start(at: "00:02:14.512000"))
        let f = try #require(findings.first)
        #expect(findings.count == 1)
        #expect(f.severity == .error)
        #expect(f.message == "the agent's worker went silent while the job was running: nothing logged of the job's end, and 4.51 s after its last line a new worker process started in the same log (`starting worker (1.6.0)`): the worker was restarted, and the agent left the call")
        #expect(f.value("kind") == .text("vanished"))
        #expect(f.value("silentSeconds") == .number(4.512))
        #expect(f.explanation.count == 2)
        #expect(f.explanation[0].hasPrefix("the worker's last line for the job was at 2026-03-17 00:02:10; 4.51 s later a new worker process started in the same log (`starting worker`"))
        #expect(f.explanation[1].hasPrefix("a worker that dies without a word was killed with SIGKILL or lost its host, and its supervisor started it again"))
        #expect(f.explanation[1].contains("`kubectl describe pod` shows `Last State: Terminated, Reason: OOMKilled, Exit Code: 137`"))
        #expect(f.evidence.map(\.role) == ["last agent line", "worker restarted"])
        #expect(f.evidence.map(\.location.line) == [3, 4])
        #expect(f.evidence.map(\.text) == ["the worker's last line for the job", "starting worker (1.6.0)"])
    }

    /// docker compose (`restart: always`) and journald (systemd's `Restart=`, a new pid): the
    /// restart is read in the job's own service or unit; another service's restart is not its.
    @Test func aRestartOfTheJobsOwnServiceOrUnitIsAVanishedJob() {
        let job = [Self.request, Self.app("looking up the order status", at: "00:02:10.000000")]
        let compose = job.map { "agent-1  | " + $0 } + Self.start(at: "00:02:14.512000").map { "agent-1  | " + $0 }
        let other = job.map { "agent-1  | " + $0 } + Self.start(at: "00:02:14.512000").map { "agent-2  | " + $0 }
        let journald = job.map { "Mar 17 00:02:10 voicehost agent[1893]: " + $0 } + Self.start(at: "00:02:14.512000").map { "Mar 17 00:02:14 voicehost agent[2211]: " + $0 }
        func kinds(_ lines: [String]) -> [FindingValue?] {
            analyze(log: lines.joined(separator: "\n")).findings.filter { $0.rule == "job-failure" }.map { $0.value("silentSeconds") }
        }
        #expect(kinds(compose) == [.number(4.512)])
        #expect(kinds(journald) == [.number(4.512)])
        #expect(kinds(other) == [])
    }

    /// With the server's close of the agent as well: the one finding of the close, the restart
    /// cited after it.
    @Test func aRestartAfterTheServersCloseIsCitedInTheOneFinding() throws {
        let findings = Self.findings(
            [Self.app("looking up the order status", at: "00:02:10.000000"),
             Self.serverClose("agent-AJ_ikLgRDmSdOXj", Self.agentSid, "PEER_CONNECTION_DISCONNECTED", at: "00:02:41.200")]
                + Self.start(at: "00:02:44.000000"))
        let f = try #require(findings.first)
        #expect(findings.count == 1)
        #expect(f.value("silentSeconds") == .number(31.2))
        #expect(f.evidence.map(\.role) == ["last agent line", "agent closed", "worker restarted"])
    }

    /// No finding: a stop then a start (`shutting down worker`: a dev-mode reload logs it, then
    /// the reloaded job's `reloading job`); a job that ended before the restart; the log's first
    /// start, before the job; a restart with no job. Each next to the same log without the line
    /// that makes it clean, which is a vanished job (so that the case can fail).
    @Test func stopsEndedJobsFirstStartsAndDevReloadsAreNoRestartedJob() {
        let lastLine = Self.app("looking up the order status", at: "00:02:10.000000")
        let shutdown = Self.worker("shutting down worker", at: "00:02:12.000000")
        let exiting = Self.line("process exiting", level: "INFO", extra: #""reason": "", "#, at: "00:02:11.000000")
        let reloading = "2026-03-17 00:02:14,900 - DEV  livekit.agents - reloading job {\"job_id\": \"AJ_ikLgRDmSdOXj\", \"agent_name\": \"\"}"
        let restart = Self.start(at: "00:02:14.512000")
        let cases: [(clean: [String], cut: [String])] = [
            ([lastLine, shutdown] + restart, [lastLine] + restart),
            ([lastLine, exiting] + restart, [lastLine] + restart),
            ([lastLine] + restart + [reloading], [lastLine] + restart),
        ]
        for (i, c) in cases.enumerated() {
            #expect(Self.findings(c.clean).map(\.message) == [], "case \(i)")
            #expect(Self.findings(c.cut).map { $0.value("kind") } == [.text("vanished")], "case \(i)")
        }
        // The log's first start, before the job's request.
        func jobFailures(_ lines: [String]) -> [Finding] {
            analyze(log: lines.joined(separator: "\n")).findings.filter { $0.rule == "job-failure" }
        }
        #expect(jobFailures(Self.start(at: "00:00:00.000000") + [Self.request, lastLine]).isEmpty)
        #expect(jobFailures([Self.request, lastLine] + restart).map { $0.value("kind") } == [.text("vanished")])
        #expect(jobFailures(restart + Self.start(at: "00:05:00.000000", id: "AW_Lm3xT8rWq2Zc")).isEmpty)
    }

    /// A deploy's drain and shutdown, then the new worker: the job was `stopped`, one finding.
    @Test func aDrainAndShutdownThenANewWorkerIsAStoppedJob() {
        let findings = Self.findings(
            [Self.app("looking up the order status", at: "00:02:10.000000"),
             Self.worker("draining worker", extra: #""timeout": 60, "#, at: "00:02:20.000000"),
             #"{"message": "drain timed out, forcing shutdown", "level": "WARNING", "name": "livekit.agents", "timestamp": "2026-03-17T00:03:20.000000+00:00"}"#,
             Self.worker("shutting down worker", at: "00:03:20.010000")]
                + Self.start(at: "00:03:25.000000"))
        #expect(findings.map { $0.value("kind") } == [.text("stopped")])
    }

    /// A job quiet for minutes (no line of it within 2 min of the worker's): its worker's drain
    /// and kill, then the new process, is a vanished job with the drain cited; with the
    /// worker's shutdown logged before the start, no restart of the job's (the shutdown, 30 min
    /// after the job's last line, joins no session: the `stopped` rule does not see it either).
    @Test func aQuietJobsWorkerDrainedThenRestartedCitesTheDrain() throws {
        let lines = [Self.app("looking up the order status", at: "00:02:10.000000"),
                     Self.worker("draining worker", extra: #""timeout": 1800, "#, at: "00:20:00.000000")]
        let findings = Self.findings(lines + Self.start(at: "00:20:31.000000"))
        let f = try #require(findings.first)
        #expect(findings.count == 1)
        #expect(f.value("kind") == .text("vanished"))
        #expect(f.evidence.map(\.role) == ["last agent line", "worker draining", "worker restarted"])
        #expect(f.explanation.last == "the worker had been draining since 2026-03-17 00:20:00 (`draining worker`, 31.00 s before the new process started) and never logged its shutdown: it was killed before the job ended, the supervisor's grace period (Kubernetes' terminationGracePeriodSeconds, 30 s by default) shorter than the call")
        let stopped = lines + [Self.worker("shutting down worker", at: "00:50:00.000000")] + Self.start(at: "00:50:05.000000")
        #expect(Self.findings(stopped).isEmpty)
    }
}
