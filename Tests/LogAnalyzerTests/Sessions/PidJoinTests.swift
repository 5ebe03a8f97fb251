import Foundation
import Testing

@testable import LogAnalyzer

/// Lines with only a pid join the session that pid last served (DOMAIN.md (d), the pid rule).
@Suite struct PidJoinTests {
    @Test func aPidLineJoinsTheJobThatLastRegisteredThePid() {
        func line(_ second: Int, _ message: String, _ members: String) -> String {
            #"{"message": "\#(message)", "level": "INFO", "name": "livekit.agents", \#(members), "timestamp": "2026-03-02T00:00:\#(second < 10 ? "0" : "")\#(second)+00:00"}"#
        }
        let log = [
            line(1, "job a", #""pid": 10, "job_id": "AJ_a", "room": "room-a""#),
            line(2, "job b", #""pid": 10, "job_id": "AJ_b", "room": "room-b""#),
            line(3, "pid only, to b", #""pid": 10"#),
            line(4, "job a again", #""pid": 10, "job_id": "AJ_a""#),
            line(5, "pid only, to a", #""pid": 10"#),
            line(6, "pid only, to a", #""pid": 10"#),
            line(7, "job b again", #""pid": 10, "job_id": "AJ_b""#),
            line(8, "pid only, to b", #""pid": 10"#),
        ].joined(separator: "\n")
        let report = analyze(log: log)
        #expect(report.sessions.map(\.key) == ["room-a", "room-b"])
        #expect(report.sessions.map(\.recordCount) == [4, 4])
    }
}
