import Foundation
import Testing

@testable import LogAnalyzer

/// Logs printed by the real livekit-agents 1.8.9 worker (livekit rtc 1.1.21) against a fake
/// LiveKit server: `Tests/LogAnalyzerTests/RealCaptures/`.
///
/// `agents-1.8.9-drop-start.log` (`python agent.py start`, JSON): the worker registers (AW_…),
/// takes job AJ_rC4pT7wQ2mXz for room capture-room-a1, the job's process (pid 1353) starts and
/// waits; the server then closes the worker's WebSocket (1011) and answers its re-registration
/// with 401 until it gives up. Every line carries the pid of the process that wrote it: the
/// worker's (1278) on `registered worker`, `received job request` and its own lines.
@Suite struct RealCaptureTests {
    static let dir = "Tests/LogAnalyzerTests/RealCaptures/"
    static let drop = dir + "agents-1.8.9-drop-start.log"

    /// The `path:line` numbers of a timeline's rows.
    static func lines(_ output: String, _ path: String) -> [Int] {
        output.split(separator: "\n").compactMap { row in
            guard let r = row.range(of: path + ":") else { return nil }
            return Int(row[r.upperBound...].prefix { $0.isNumber })
        }
    }

    /// `timeline --session` keeps the job's lines and the worker's events within its span (the
    /// connection loss, the give-up), not the worker's other lines through its pid, nor its
    /// re-registration rejected with 401, which joins no session in `analyze` either.
    @Test func theWorkersPidDoesNotTieItsLinesToTheJobsTimeline() throws {
        let result = try runLoganalyze(["timeline", "--session", "AJ_rC4pT7wQ2mXz", Self.drop])
        #expect(result.status == 0)
        #expect(Self.lines(result.stdout, Self.drop) == [9, 10, 13, 16, 17, 18])
        let analysis = try runLoganalyze(["timeline", Self.drop])
        #expect(Self.lines(analysis.stdout, Self.drop) == [9, 10, 13, 17, 18, 14, 15])
    }
}
