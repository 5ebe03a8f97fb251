import Foundation
import Testing

@testable import LogAnalyzer

/// Real output of livekit-agents 1.3.12 (livekit-rtc 1.0.23) and 1.5.17 (livekit-rtc 1.1.8),
/// captured against a stand-in LiveKit server (`python agent.py dev` under `script`, so with
/// Rich's colours and its 80-column width; `python agent.py start` for JSON). The files under
/// `RealCaptures/` are the bytes the process printed (an excerpt of lines where named so); their
/// tokens are signed with a throwaway secret.
@Suite struct RealAgentsCaptureTests {
    static func capture(_ name: String) throws -> String {
        let url = PackagePaths.root.appendingPathComponent("Tests/LogAnalyzerTests/RealCaptures/" + name)
        return try String(contentsOf: url, encoding: .utf8)
    }

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
        let text = try Self.capture("agents-1.3.12-dev-registration-401.log")
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
        let text = try Self.capture("agents-1.3.12-dev-job-401.log")
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
        let records = parse(try Self.capture("agents-1.3.12-dev-job-401.log"), options: Self.options).records
        let rust = records.filter { $0.logger == "livekit" }
        #expect(rust.map(\.line) == [14, 24, 33, 109])
        #expect(rust.map { $0.field("rust_target") } == [
            .string("livekit::rtc_engine"), .string("livekit::rtc_engine"), .string("livekit::rtc_engine"), .string("livekit_ffi::server::room"),
        ])
        #expect(rust[0].message == "failed to connect: Signal(Client(401, \"invalid token: eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVC… error: go-jose/go-jose/jwt: validation failed, token is expired (exp)\")), retrying... (1/3)")
        #expect(rust[3].message == "error while connecting to a room: engine: signal failure: client error: 401 Unauthorized - invalid token: eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVC… error: go-jose/go-jose/jwt: validation failed, token is expired (exp)")
    }

    /// agents 1.5.17 (livekit-rtc 1.1.8) start: before its `failed to connect: Signal(Client(401,
    /// "invalid token: <JWT>, …"))`, the Rust SDK logs the refused WebSocket's response with its
    /// body as Rust prints bytes, the token in decimal. No output shows those bytes.
    @Test func aTokenPrintedAsDecimalBytesIsRedacted() throws {
        let text = try Self.capture("agents-1.5.17-start-v0-path-401.log")
        let records = parse(text).records
        #expect(records.count == 2)
        let v0 = records[0]
        #expect(v0.format == .agentsJSON)
        #expect(v0.level == .warning)
        #expect(v0.ids.jobId == "AJ_gvoWMLASMi5w")
        #expect(v0.message.contains("101, 121, 74, 104, 98, 71, 99, 105, 79"))
        let redacted = Redactor().redact(v0.message)
        #expect(redacted == "signal connection failed on v0 path: WsError(Http(Response { status: 401, version: HTTP/1.1, headers: "
            + #"{"content-type": "text/plain; charset=utf-8", "content-length": "465", "date": "Thu, 26 Nov 2026 23:43:54 GMT", "#
            + #""server": "Python/3.11 aiohttp/3.14.5"}, body: Some([105, 110, 118, 97, 108, 105, 100, 32, 116, 111, 107, 101, 110, 58, 32, "#
            + "[redacted-jwt], 44, 32, 101, 114, 114, 111, 114, 58, 32, 103, 111, 45, 106, 111, 115, 101, 47, 103, 111, 45, 106, 111, 115, "
            + "101, 47, 106, 119, 116, 58, 32, 118, 97, 108, 105, 100, 97, 116, 105, 111, 110, 32, 102, 97, 105, 108, 101, 100, 44, 32, "
            + "116, 111, 107, 101, 110, 32, 105, 115, 32, 101, 120, 112, 105, 114, 101, 100, 32, 40, 101, 120, 112, 41]) }))")
        // Bytes that are no token stay: `eyJ` with one dot, or none.
        #expect(Redactor().redact("Some([101, 121, 74, 104, 46, 98])") == "Some([101, 121, 74, 104, 46, 98])")
    }

    /// The job's token in `agents-1.3.12-dev-job-401.log` (throwaway secret).
    static let jobToken = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJraW5kIjoiYWdlbnQiLCJ2aWRlbyI6eyJyb29tSm9pbiI6dHJ1ZSwicm9vbSI6ImNhcHR1cmUtcm9vbSIsImNhblB1Ymxpc2giOnRydWUsImNhblN1YnNjcmliZSI6dHJ1ZSwiY2FuUHVibGlzaERhdGEiOnRydWUsImFnZW50Ijp0cnVlfSwic3ViIjoiYWdlbnQtQUpfTVZ2R2VUVndJNjdmIiwiaXNzIjoiQVBJZGV2a2V5QzEzeCIsIm5iZiI6MTc5NTczNjc1NSwiZXhwIjoxNzk1NzM2NzU3fQ.S-lNsrV8y83eO6F7ya-d8_akmEXWZ8lZCcCo9YsJm58"
}
