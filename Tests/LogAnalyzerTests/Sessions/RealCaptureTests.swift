import Foundation
import Testing

@testable import LogAnalyzer

/// Logs printed by the real livekit-agents 1.8.9 worker (livekit rtc 1.1.21) against a fake
/// LiveKit server: `Tests/LogAnalyzerTests/RealCaptures/`.
///
/// `agents-1.8.9-drop-start.log` (`python agent.py start`, JSON): the worker registers (AW_…),
/// takes job AJ_rC4pT7wQ2mXz for room capture-room-a1, the job's process (pid 1353) starts and
/// waits; the server then closes the worker's WebSocket (1011) and answers its re-registration
/// with 401 until it gives up.
///
/// `agents-1.8.9-job401-dev.typescript` (`python agent.py dev` under `script`: colours, CRLF): the
/// job's `ctx.connect()` is answered 401 `invalid token: …, error: go-jose/go-jose/jwt: validation
/// failed, token is expired (exp)`; the job process's exception is one record (its message holds
/// the traceback, its extras end the first traceback, `exc_info` prints it again after them). Every line carries the pid of the process that wrote it: the
/// worker's (1278) on `registered worker`, `received job request` and its own lines.
@Suite struct RealCaptureTests {
    static let dir = "Tests/LogAnalyzerTests/RealCaptures/"
    static let drop = dir + "agents-1.8.9-drop-start.log"
    static let job401Dev = dir + "agents-1.8.9-job401-dev.typescript"

    /// The `--output json` report's evidence as (line, role, text).
    static func evidence(_ path: String) throws -> [(Int, String, String)] {
        let result = try runLoganalyze(["--output", "json", path])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let findings = try #require(report["findings"] as? [[String: Any]])
        return findings.flatMap { f in
            (f["evidence"] as? [[String: Any]] ?? []).map { ($0["line"] as? Int ?? -1, $0["role"] as? String ?? "", $0["text"] as? String ?? "") }
        }
    }

    /// The `path:line` numbers of a timeline's rows.
    static func lines(_ output: String, _ path: String) -> [Int] {
        output.split(separator: "\n").compactMap { row in
            guard let r = row.range(of: path + ":") else { return nil }
            return Int(row[r.upperBound...].prefix { $0.isNumber })
        }
    }

    /// `timeline --session` keeps the job's lines and the worker's events within its span (the
    /// connection loss, the give-up, the drain after it: line 19), not the worker's other lines
    /// through its pid, nor its re-registration rejected with 401, which joins no session in
    /// `analyze` either.
    @Test func theWorkersPidDoesNotTieItsLinesToTheJobsTimeline() throws {
        let result = try runLoganalyze(["timeline", "--session", "AJ_rC4pT7wQ2mXz", Self.drop])
        #expect(result.status == 0)
        #expect(Self.lines(result.stdout, Self.drop) == [9, 10, 13, 16, 17, 18, 19])
        let analysis = try runLoganalyze(["timeline", Self.drop])
        #expect(Self.lines(analysis.stdout, Self.drop) == [9, 10, 13, 17, 18, 19, 14, 15])
    }

    /// An event's text is its message's first line and the exception its traceback ends with:
    /// the job's `unhandled exception while running the job task` proves the 401 only by it.
    @Test func anEventsTextEndsWithItsTracebacksException() throws {
        let evidence = try Self.evidence(Self.job401Dev)
        let body = "401 Unauthorized - invalid token: [redacted-jwt], error: go-jose/go-jose/jwt: validation failed, token is expired (exp)"
        #expect(evidence.count == 2)
        #expect(evidence.first?.0 == 16)
        #expect(evidence.first?.1 == "first 401")
        #expect(evidence.first?.2 == "unhandled exception while running the job task: livekit.rtc.room.ConnectError: engine: signal failure: client error: " + body)
        #expect(evidence.last?.0 == 40)
        #expect(evidence.last?.2 == "error while connecting to a room: engine: signal failure: client error: " + body)
        // JSON: the traceback in `exc_info`.
        let timeline = try runLoganalyze(["timeline", Self.drop]).stdout.split(separator: "\n")
        let gaveUp = timeline.filter { $0.contains(Self.drop + ":17 ") }.map(String.init)
        #expect(gaveUp == ["  +00:12.016  agent   gave up            \(Self.drop):17  Error in _connection_task: RuntimeError: failed to connect to livekit after 3 attempts"])
    }

    /// A `timeline --session` row says why, as an event does: 1.8's `failed to connect to
    /// livekit, retrying in 0s` names the closed connection only in its `error` field.
    @Test func aSessionTimelineRowHasTheErrorField() throws {
        let rows = try runLoganalyze(["timeline", "--session", "AJ_rC4pT7wQ2mXz", Self.drop]).stdout.split(separator: "\n")
        #expect(rows.filter { $0.contains(Self.drop + ":13 ") }.map(String.init) == [
            "  +00:06.007  agent   warning  \(Self.drop):13  failed to connect to livekit, retrying in 0s: message='worker connection closed unexpectedly', status_code=1011, retryable=True, body=msg.data=1011 msg.extra='server shutting down'"
        ])
        #expect(rows.filter { $0.contains(Self.drop + ":18 ") }.map(String.init) == [
            "  +00:12.017  agent   error    \(Self.drop):18  worker failed: RuntimeError: failed to connect to livekit after 3 attempts"
        ])
    }

    /// `agents-1.8.9-two-jobs-exited-then-drop-start.log`: two jobs whose room connections were
    /// refused (their 401 lines cut from the capture) end with `process exiting`; six seconds
    /// later the server closes the worker's connection and refuses it again. The worker's loss
    /// concerns no job any more: it goes with its registration rejections, not into the ended
    /// sessions (where it was within their span ± 2 minutes, and counted as a mid-session drop).
    @Test func aWorkersConnectionLossAfterItsJobsExitedIsNotTheirs() throws {
        let path = Self.dir + "agents-1.8.9-two-jobs-exited-then-drop-start.log"
        let blocks = try runLoganalyze(["timeline", path]).stdout.components(separatedBy: "\n\n").filter { !$0.isEmpty }
        let sessions = blocks.map { block in
            (String(block.prefix { $0 != " " && $0 != "\n" }), Self.lines(block, path))
        }
        #expect(sessions.map(\.0) == ["capture-room-a1", "capture-room-a1-2", "(no"])
        // (The worker's drain and shutdown, lines 24 and 25, are its own too.)
        #expect(sessions.map(\.1) == [[9, 11, 13], [10, 12, 14], [19, 20, 21, 22, 23, 24, 25]])
        // `timeline --session` likewise.
        #expect(Self.lines(try runLoganalyze(["timeline", "--session", "AJ_rC4pT7wQ2mXz", path]).stdout, path) == [9, 11, 13])
        let report = try runLoganalyze(["report", path]).stdout
        let drops = report.split(separator: "\n").first { $0.hasPrefix("midSessionDrops ") }
        #expect(drops?.split(separator: " ").last == "1")
    }
}
