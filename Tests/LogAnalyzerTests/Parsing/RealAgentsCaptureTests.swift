import Foundation
import Testing

@testable import LogAnalyzer

/// Real output of livekit-agents 1.3.12 (livekit-rtc 1.0.23) and 1.5.17 (livekit-rtc 1.1.8),
/// captured against a stand-in LiveKit server (`python agent.py dev` under `script`, so with
/// Rich's colours and its 80-column width; `python agent.py start` for JSON). The files under
/// `RealCaptures/` are the bytes the process printed (an excerpt of lines where named so); their
/// tokens are signed with a throwaway secret.
@Suite struct RealAgentsCaptureTests {
    static var options: IngestOptions {
        var o = IngestOptions()
        o.date = Timestamp.days(year: 2026, month: 11, day: 26)
        return o
    }

    /// agents 1.3 dev: the worker's `failed to connect to livekit` with `exc_info` prints its
    /// traceback after the record at column 0, folded at 80 columns (`…/worker.py", line` /
    /// `978, in _connection_task`, the exception's text over two lines), then a blank line. The
    /// whole traceback is the record's: the 401 in its last lines makes the registration finding.
    @Test func aRichTracebackFoldedAtTheConsoleWidthIsTheRecords() throws {
        let text = try realCapture("agents-1.3.12-dev-registration-401.log")
        let records = parse(text, options: Self.options).records
        #expect(records.count == 15)
        #expect(records.allSatisfy { $0.format == .agentsRich })
        let failures = records.filter { $0.message.hasPrefix("failed to connect to livekit, retrying in ") }
        #expect(failures.map(\.line) == [15, 29, 43, 57, 71])
        #expect(failures.map(\.lineCount) == [14, 14, 14, 14, 14])
        #expect(failures.allSatisfy { $0.level == .warning && $0.logger == "livekit.agents" })
        #expect(failures[0].time?.iso8601 == "2026-11-26T23:45:35.091Z")
        #expect(failures[0].message == """
            failed to connect to livekit, retrying in 0s
            Traceback (most recent call last):
              File
            "/tmp/venv-realC-13/lib/python3.11/site-packages/livekit/agents/worker.py", line
            978, in _connection_task
                ws = await self._http_session.ws_connect(
                     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
              File "/tmp/venv-realC-13/lib/python3.11/site-packages/aiohttp/client.py", line
            1329, in _ws_connect
                raise WSServerHandshakeError(
            aiohttp.client_exceptions.WSServerHandshakeError: 401, message='Invalid response
            status', url='ws://127.0.0.1:17321/agent'

            """)
        #expect(records.last?.message == "shutting down worker")
        #expect(records.last?.line == 85)

        let report = analyze(log: text, name: "agent-dev.log")
        #expect(report.findings.map(\.rule) == ["auth-credentials"])
        #expect(report.findings.first?.value("kind") == .text("workerRegistration"))
        #expect(report.findings.first?.value("failures") == .integer(5))
    }

    /// agents 1.3 dev, a job's room connection refused with `401 … token is expired`: the job
    /// process's `unhandled exception while running the job task` (its traceback in the message
    /// column, the token cut by Rich's ellipsis), its extras, then the traceback again at column
    /// 0 with the whole token folded over five lines. One record, whose token is one word.
    @Test func aTokenFoldedInAColumnZeroRichTracebackIsOneWord() throws {
        let text = try realCapture("agents-1.3.12-dev-job-401.log")
        let records = parse(text, options: Self.options).records
        #expect(records.count == 9)
        #expect(records.allSatisfy { $0.format == .agentsRich })
        let crash = try #require(records.first { $0.message.hasPrefix("unhandled exception while running the job task") })
        #expect(crash.line == 42)
        #expect(crash.lineCount == 67)
        #expect(crash.level == .error)
        #expect(crash.ids.jobId == "AJ_MVvGeTVwI67f")
        #expect(crash.ids.roomSid == "RM_CuDJ5OIC4ouJ")
        #expect(crash.ids.pid == 13261)
        #expect(crash.ids.participant == "agent-AJ_MVvGeTVwI67f")
        #expect(crash.message.hasSuffix("""
            livekit.rtc.room.ConnectError: engine: signal failure: client error: 401
            Unauthorized - invalid token:
            \(Self.jobToken), error:
            go-jose/go-jose/jwt: validation failed, token is expired (exp)
            """))
        #expect(crash.token?.expires == 1_795_736_757)
        #expect(records.last?.message.hasPrefix("error while connecting to a room: engine: signal failure: client error: 401") == true)

        let report = analyze(log: text, name: "agent-dev.log")
        #expect(report.findings.map(\.rule) == ["auth-expiry-cascade"])
        #expect(report.findings.first?.value("failures") == .integer(5))
        #expect(report.findings.first?.sessionKey == "capture-room/RM_CuDJ5OIC4ouJ")
    }

    /// agents 1.3 dev: a Rust SDK line's `target:line:module` is longer than Rich's message
    /// column, which cuts it with an ellipsis and wraps the rest (`livekit::rtc_engine:405:
    /// livekit::r…` / `- failed to connect:` / …): the target is split off the whole message.
    @Test func aRustTargetRichCutShortIsSplitOffTheWrappedMessage() throws {
        let records = parse(try realCapture("agents-1.3.12-dev-job-401.log"), options: Self.options).records
        let rust = records.filter { $0.logger == "livekit" }
        #expect(rust.map(\.line) == [14, 24, 33, 109])
        #expect(rust.map { $0.field("rust_target") } == [
            .string("livekit::rtc_engine"), .string("livekit::rtc_engine"), .string("livekit::rtc_engine"), .string("livekit_ffi::server::room"),
        ])
        #expect(rust[0].message == "failed to connect: Signal(Client(401, \"invalid token: eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVC… error: go-jose/go-jose/jwt: validation failed, token is expired (exp)\")), retrying... (1/3)")
        #expect(rust[3].message == "error while connecting to a room: engine: signal failure: client error: 401 Unauthorized - invalid token: eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVC… error: go-jose/go-jose/jwt: validation failed, token is expired (exp)")
    }

    /// A JWT printed as Rust prints bytes (`Some([105, 110, …])`) is redacted where it is not
    /// decoded (a line that is no Rust SDK line: the decoding is asked of those only).
    @Test func aTokenPrintedAsDecimalBytesIsRedacted() {
        func decimal(_ s: String) -> String { s.utf8.map(String.init).joined(separator: ", ") }
        let body = "invalid token: " + Self.jobToken + ", error: go-jose/go-jose/jwt: validation failed, token is expired (exp)"
        #expect(Redactor().redact("body: Some([" + decimal(body) + "]) }") == "body: Some([" + decimal("invalid token: ") + ", [redacted-jwt], "
            + decimal(", error: go-jose/go-jose/jwt: validation failed, token is expired (exp)") + "]) }")
        // Bytes that are no token stay: `eyJ` with one dot, or none.
        #expect(Redactor().redact("Some([101, 121, 74, 104, 46, 98])") == "Some([101, 121, 74, 104, 46, 98])")
    }

    /// agents 1.5.17 (livekit-rtc 1.1.8) start: before its `failed to connect: Signal(Client(401,
    /// "invalid token: <JWT>, …"))`, the Rust SDK logs the refused WebSocket's response with its
    /// body as Rust prints bytes, the server's reason and the token in decimal: decoded, the line
    /// says `token is expired` and gives the token's claims; no output shows the token.
    @Test func aResponseBodyPrintedAsBytesIsDecoded() throws {
        let records = parse(try realCapture("agents-1.5.17-start-v0-path-401.log")).records
        #expect(records.count == 2)
        let v0 = records[0]
        #expect(v0.format == .agentsJSON)
        #expect(v0.level == .warning)
        #expect(v0.field("rust_target") == .string("livekit_api::signal_client"))
        #expect(v0.message == "signal connection failed on v0 path: WsError(Http(Response { status: 401, version: HTTP/1.1, headers: "
            + #"{"content-type": "text/plain; charset=utf-8", "content-length": "465", "date": "Thu, 26 Nov 2026 23:43:54 GMT", "#
            + #""server": "Python/3.11 aiohttp/3.14.5"}, body: Some("invalid token: "# + Self.v0Token
            + #", error: go-jose/go-jose/jwt: validation failed, token is expired (exp)") }))"#)
        #expect(v0.ids.jobId == "AJ_gvoWMLASMi5w")
        #expect(v0.ids.participant == "agent-AJ_gvoWMLASMi5w")
        #expect(v0.token?.expires == 1_795_736_633)
        #expect(EventClassifier(configuration: AnalysisConfiguration()).classify(v0) == .authFailure(.expired))
        #expect(Redactor().redact(v0.message).contains(#"body: Some("invalid token: [redacted-jwt], error: go-jose"#))
    }

    /// agents 1.3.12 (livekit-rtc 1.0.23) start against a server whose `/` answers 200 (its health
    /// check: the SDK asks `/rtc/rtc/validate` after the 401, a path no server has): the only
    /// reason is the body in `failed to connect: Signal(WsError(Http(Response { …, body:
    /// Some([…]) })))`; the other lines say `HTTP error: 401 Unauthorized`. An excerpt (lines 7,
    /// 9, 11, 12, 17, 18, 19 of the capture).
    @Test func anInitialConnectRefusedAsExpiredOnlyInTheBodyBytesIsACascade() throws {
        let text = try realCapture("agents-1.3.12-start-job-401-excerpt.log")
        let records = parse(text).records
        #expect(records.count == 7)
        #expect(records[3].message.hasPrefix("failed to connect: Signal(WsError(Http(Response { status: 401, "))
        #expect(records[3].message.hasSuffix(#"body: Some("invalid token: "# + Self.excerptToken
            + #", error: go-jose/go-jose/jwt: validation failed, token is expired (exp)") }))), retrying... (1/3)"#))
        let classifier = EventClassifier(configuration: AnalysisConfiguration())
        #expect(records.map { classifier.classify($0) } == [.sessionStart, nil, .authFailure(.unauthorized), .authFailure(.expired), .authFailure(.unauthorized),
                                          .authFailure(.unauthorized), .authFailure(.unauthorized)])
        let report = analyze(log: text, name: "agent.log")
        #expect(report.findings.map(\.rule) == ["auth-expiry-cascade"])
        let f = try #require(report.findings.first)
        #expect(f.value("failures") == .integer(5))
        #expect(f.value("expiredConfirmed") == .text("yes"))
        #expect(f.sessionKey == "capture-room/RM_yKFrHUyWntxI")
    }

    /// agents 1.3.12 start: `failed to connect to livekit, retrying in 0s` says why only in its
    /// `exc_info`; the evidence shows the traceback's exception line after the message.
    @Test func aRegistrationRejectionShowsItsExceptionLine() throws {
        let report = analyze(log: try realCapture("agents-1.3.12-start-registration-401.log"), name: "agent.log")
        #expect(report.findings.map(\.rule) == ["auth-credentials"])
        let f = try #require(report.findings.first)
        #expect(f.value("failures") == .integer(5))
        #expect(f.evidence.map(\.text) == [
            "failed to connect to livekit, retrying in 0s: aiohttp.client_exceptions.WSServerHandshakeError: 401, message='Invalid response status', url='ws://127.0.0.1:17311/agent'",
        ])
        #expect(f.evidence.first?.location.line == 6)
    }

    /// agents 1.5.17 dev, an entrypoint that raises: the forwarded `unhandled exception while
    /// running the job task` holds its traceback in a 34-column message column, where Rich
    /// wraps its first line (`Traceback (most recent call` / `last):`); the lines keep their
    /// breaks, so the message's first line is the message alone. (Lines 19 to 76 of the capture.)
    @Test func aTracebackWhoseFirstLineRichWrappedKeepsItsLines() throws {
        let records = parse(try realCapture("agents-1.5.17-dev-crash.log"), options: Self.options).records
        #expect(records.map(\.line) == [1, 6, 10, 14, 15, 56])
        let crash = records[4]
        #expect(crash.lineCount == 41)
        #expect(crash.level == .error)
        #expect(crash.time?.iso8601 == "2026-11-26T23:46:57.061Z")
        #expect(crash.ids.jobId == "AJ_ikLgRDmSdOXj")
        #expect(crash.ids.pid == 16241)
        #expect(crash.message.hasPrefix("""
            unhandled exception while running the job task
            Traceback (most recent call
            last):
              File
            "/tmp/venv-realC-15/lib/python3.…
            line 71, in async_wrapper
            """))
        #expect(crash.message.hasSuffix("""
            RuntimeError: entrypoint failed
            on purpose: greeting config
            missing
            Traceback (most recent call last):
              File
            "/tmp/venv-realC-15/lib/python3.11/site-packages/opentelemetry/util/_decorator.p
            y", line 71, in async_wrapper
                return await func(*args, **kwargs)  # type: ignore
                       ^^^^^^^^^^^^^^^^^^^^^^^^^^^
              File
            "/tmp/venv-realC-15/lib/python3.11/site-packages/livekit/agents/ipc/job_proc_laz
            y_main.py", line 323, in _traceable_entrypoint
                await self._job_entrypoint_fnc(job_ctx)
              File "/tmp/real-capture-C/agent.py", line 21, in entrypoint
                raise RuntimeError("entrypoint failed on purpose: greeting config missing")
            RuntimeError: entrypoint failed on purpose: greeting config missing
            """))
        #expect(records[5].message == "process exiting")
        #expect(records[5].field("reason") == .string("job crashed"))
    }

    /// The tokens of `agents-1.5.17-start-v0-path-401.log` and `agents-1.3.12-start-job-401-excerpt.log`.
    static let v0Token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJraW5kIjoiYWdlbnQiLCJ2aWRlbyI6eyJyb29tSm9pbiI6dHJ1ZSwicm9vbSI6ImNhcHR1cmUtcm9vbSIsImNhblB1Ymxpc2giOnRydWUsImNhblN1YnNjcmliZSI6dHJ1ZSwiY2FuUHVibGlzaERhdGEiOnRydWUsImFnZW50Ijp0cnVlfSwic3ViIjoiYWdlbnQtQUpfZ3ZvV01MQVNNaTV3IiwiaXNzIjoiQVBJZGV2a2V5QzEzeCIsIm5iZiI6MTc5NTczNjYzMSwiZXhwIjoxNzk1NzM2NjMzfQ.cIcNuJsCwZWi6_6WjG8rTkoAdW2umtI4OcTa8tHPtEA"
    static let excerptToken = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJraW5kIjoiYWdlbnQiLCJ2aWRlbyI6eyJyb29tSm9pbiI6dHJ1ZSwicm9vbSI6ImNhcHR1cmUtcm9vbSIsImNhblB1Ymxpc2giOnRydWUsImNhblN1YnNjcmliZSI6dHJ1ZSwiY2FuUHVibGlzaERhdGEiOnRydWUsImFnZW50Ijp0cnVlfSwic3ViIjoiYWdlbnQtQUpfVERSWjZyNTlPY0t2IiwiaXNzIjoiQVBJZGV2a2V5QzEzeCIsIm5iZiI6MTc5NTczNzU2OSwiZXhwIjoxNzk1NzM3NTcxfQ.N9wjefPJMpCm7KvJ-ZQ8AtMHSs9We6FPqfCla6eMDSE"

    /// The job's token in `agents-1.3.12-dev-job-401.log` (throwaway secret).
    static let jobToken = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJraW5kIjoiYWdlbnQiLCJ2aWRlbyI6eyJyb29tSm9pbiI6dHJ1ZSwicm9vbSI6ImNhcHR1cmUtcm9vbSIsImNhblB1Ymxpc2giOnRydWUsImNhblN1YnNjcmliZSI6dHJ1ZSwiY2FuUHVibGlzaERhdGEiOnRydWUsImFnZW50Ijp0cnVlfSwic3ViIjoiYWdlbnQtQUpfTVZ2R2VUVndJNjdmIiwiaXNzIjoiQVBJZGV2a2V5QzEzeCIsIm5iZiI6MTc5NTczNjc1NSwiZXhwIjoxNzk1NzM2NzU3fQ.S-lNsrV8y83eO6F7ya-d8_akmEXWZ8lZCcCo9YsJm58"
}
