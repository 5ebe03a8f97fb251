import Foundation
import Testing

@testable import LogAnalyzer

/// Lines captured from livekit-agents 0.12.21 and 1.0.23 (with livekit rtc 1.1.10) run against a
/// fake LiveKit server: `python agent.py dev` under `script`, so with colours and `\r\n`.
@Suite struct OlderAgentsRealCaptureTests {
    static let esc = "\u{1B}"

    /// A message that ends with a line break (the server's `404 page not found\n` body, which
    /// livekit rtc 1.0.8 reports for an expired token: it asks `/rtc/rtc/validate` for the
    /// reason) leaves the formatter's grey extras alone on the next line. They are the record's.
    @Test func extrasAloneOnTheLineAfterAMessageEndingInALineBreakAreTheRecords() {
        let esc = Self.esc
        let extras = " \(esc)[90m{\"pid\": 18734, \"job_id\": \"AJ_rBq4Zt8WnK3v\"}\(esc)[0m\r\n"
        let text = "2026-11-26 23:48:51,201 - \(esc)[31mERROR\(esc)[0m livekit - livekit_ffi::server::room:283:livekit_ffi::server::room - error while connecting to a room: engine: signal failure: client error: 404 Not Found - 404 page not found\r\n"
            + extras
            + "2026-11-26 23:48:51,201 - \(esc)[31mERROR\(esc)[0m livekit.agents - unhandled exception while running the job task\r\n"
            + "Traceback (most recent call last):\r\n"
            + "  File \"/tmp/real-capture-B/agent.py\", line 17, in entrypoint\r\n"
            + "    await ctx.connect()\r\n"
            + "livekit.rtc.room.ConnectError: engine: signal failure: client error: 404 Not Found - 404 page not found\r\n"
            + extras
            + "2026-11-26 23:48:52,156 - \(esc)[32mINFO\(esc)[0m livekit.agents - initializing job process \(esc)[90m{\"pid\": 18798}\(esc)[0m\r\n"
        let records = parse(text).records
        #expect(records.count == 3)
        #expect(records.map(\.line) == [1, 3, 9])
        #expect(records[0].message == "error while connecting to a room: engine: signal failure: client error: 404 Not Found - 404 page not found")
        #expect(records[0].ids.jobId == "AJ_rBq4Zt8WnK3v")
        #expect(records[0].ids.pid == 18734)
        #expect(records[0].field("rust_target") == .string("livekit_ffi::server::room"))
        #expect(records[1].message == "unhandled exception while running the job task\nTraceback (most recent call last):\n  File \"/tmp/real-capture-B/agent.py\", line 17, in entrypoint\n    await ctx.connect()\nlivekit.rtc.room.ConnectError: engine: signal failure: client error: 404 Not Found - 404 page not found")
        #expect(records[1].ids.jobId == "AJ_rBq4Zt8WnK3v")
        #expect(records[1].ids.pid == 18734)
        #expect(records[2].ids.pid == 18798)
        #expect(records[2].ids.jobId == nil)
    }

    /// 0.12.21 does not silence the `livekit` logger, so in `dev` the Rust SDK's forwarded DEBUG
    /// lines of other crates appear: `reqwest`'s, with the same `target:line:module - ` prefix.
    @Test func aReqwestLineForwardedByTheRustSDKLosesItsTargetPrefix() {
        let esc = Self.esc
        let line = "2026-11-26 23:39:55,208 - \(esc)[36mDEBUG\(esc)[0m livekit - reqwest::connect:929:reqwest::connect - starting new connection: http://127.0.0.1:27470/ \(esc)[90m{\"pid\": 845, \"job_id\": \"AJ_rBq4Zt8WnK3v\"}\(esc)[0m\r\n"
        let records = parse(line).records
        #expect(records.count == 1)
        #expect(records[0].format == .agentsText)
        #expect(records[0].message == "starting new connection: http://127.0.0.1:27470/")
        #expect(records[0].field("rust_target") == .string("reqwest::connect"))
        #expect(records[0].ids.jobId == "AJ_rBq4Zt8WnK3v")
        #expect(records[0].ids.pid == 845)
        // The same record in the JSON layout (`start --log-level debug`).
        let json = #"{"message": "reqwest::connect:929:reqwest::connect - starting new connection: http://127.0.0.1:27450/", "level": "DEBUG", "name": "livekit", "pid": 32126, "job_id": "AJ_rBq4Zt8WnK3v", "timestamp": "2026-11-26T23:39:13.753282+00:00"}"# + "\n"
        let j = parse(json).records
        #expect(j.count == 1)
        #expect(j[0].message == "starting new connection: http://127.0.0.1:27450/")
        #expect(j[0].field("rust_target") == .string("reqwest::connect"))
        // A message that only starts like one stays whole.
        let app = #"{"message": "reqwest failed: 429", "level": "INFO", "name": "app", "timestamp": "2026-11-26T23:39:13.753282+00:00"}"# + "\n"
        #expect(parse(app).records[0].message == "reqwest failed: 429")
    }
}

/// Whole captures (in `RealCaptures/`, as the processes printed them): the fake server offers a
/// job, the job runs without a room connection, the server closes the worker's WebSocket 8 s
/// later and answers every re-registration with HTTP 401.
@Suite struct OlderAgentsRealCaptureSessionTests {
    static func run(_ name: String) -> Report {
        let path = PackagePaths.root.appendingPathComponent("Tests/LogAnalyzerTests/RealCaptures/" + name).path
        var analyzer = Analyzer(configuration: AnalysisConfiguration())
        analyzer.keepSessionEvents = true
        var sink = DiagnosticSink()
        return analyzer.run([InputDescriptor(path: path)], diagnostics: &sink)
    }

    static func check(_ report: Report, lostAt lostLine: Int, rejections: Int, firstRejection: Int, jobRecords: Int) {
        // The registration 401s are the worker's: they join no job session but make one of their own.
        #expect(report.sessions.map(\.key) == ["realb-room-7", "(no session ids)"])
        #expect(report.sessions.first?.jobIds == ["AJ_rBq4Zt8WnK3v"])
        #expect(report.sessions.map(\.recordCount) == [jobRecords, rejections])
        let job = report.sessions.first
        let lost = job?.events.filter { if case .connectionLost = $0.kind { return true } else { return false } } ?? []
        #expect(lost.map(\.location.line) == [lostLine])
        #expect(job?.events.contains { if case .authFailure = $0.kind { return true } else { return false } } == false)
        #expect(report.findings.map(\.rule) == ["auth-credentials"])
        #expect(report.findings.first?.sessionKey == "(no session ids)")
        #expect(report.findings.first?.value("failures") == .integer(rejections))
        #expect(report.findings.first?.value("kind") == .text("workerRegistration"))
        #expect(report.findings.first?.primary?.location.line == firstRejection)
    }

    /// 0.12.21 `dev` under `script`: colours, `\r\n`, the `Script started/done` lines, the error
    /// in the message (`failed to connect to livekit, retrying in 0s: worker connection closed unexpectedly`).
    @Test func agents0_12_21DevTextDropThenRejectedRegistration() {
        let report = Self.run("agents-0.12.21-drop-dev.log")
        #expect(report.inputs.first?.stats.records == 27)
        Self.check(report, lostAt: 15, rejections: 5, firstRejection: 16, jobRecords: 7)
        #expect(report.sessions.first?.end.map { "\($0.micros)" } == "1795736514420000")
    }

    /// 1.0.23 `start`: JSON, the error only in `exc_info`'s last line
    /// (`Exception: worker connection closed unexpectedly`, `WSServerHandshakeError: 401, …`).
    @Test func agents1_0_23JSONDropThenRejectedRegistration() {
        let report = Self.run("agents-1.0.23-drop-start.log")
        #expect(report.inputs.first?.stats.records == 20)
        Self.check(report, lostAt: 11, rejections: 6, firstRejection: 12, jobRecords: 3)
    }

    /// The timeline names each refused registration whole (its label had been cut to the
    /// column's 18 characters: `401 workerRegistra`).
    @Test func theTimelineLabelsARefusedRegistrationWhole() {
        let timeline = TimelineRenderer().render(Self.run("agents-1.0.23-drop-start.log"), selector: nil)
        let labels = timeline.split(separator: "\n").filter { $0.contains("cap-") || $0.contains("drop-start.log:") }
            .map { String($0.dropFirst(2 + 10 + 2 + 8).prefix(18)) }
        #expect(labels == ["session start     ", "connection lost   ", "worker draining   "] + Array(repeating: "401 registration  ", count: 6))
    }
}
