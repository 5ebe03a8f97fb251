import Foundation
import Testing

@testable import LogAnalyzer

/// Lines with only a pid join the session of the job process with that pid; a pid that is a
/// worker's (or serves several jobs) joins none.
@Suite struct PidJoinTests {
    static func line(_ second: Int, _ message: String, _ members: String) -> String {
        #"{"message": "\#(message)", "level": "INFO", "name": "livekit.agents", \#(members), "timestamp": "2026-03-02T00:00:\#(second < 10 ? "0" : "")\#(second)+00:00"}"#
    }

    @Test func aPidLineJoinsItsJobProcess() {
        let log = [
            Self.line(1, "initializing process", #""pid": 20"#),
            Self.line(2, "Session created", #""pid": 20, "job_id": "AJ_a", "room": "room-a""#),
            Self.line(3, "pid only", #""pid": 20"#),
            Self.line(4, "other job", #""pid": 21, "job_id": "AJ_b", "room": "room-b""#),
            Self.line(5, "pid only", #""pid": 20"#),
        ].joined(separator: "\n")
        let report = analyze(log: log)
        #expect(report.sessions.map(\.key) == ["room-a", "room-b"])
        #expect(report.sessions.map(\.recordCount) == [3, 1])
    }

    @Test func aPidThatServesTwoJobsJoinsNeitherAfterwards() {
        let log = [
            Self.line(1, "job a", #""pid": 10, "job_id": "AJ_a", "room": "room-a""#),
            Self.line(2, "pid only, still a", #""pid": 10"#),
            Self.line(3, "job b", #""pid": 10, "job_id": "AJ_b", "room": "room-b""#),
            Self.line(4, "pid only", #""pid": 10"#),
            Self.line(5, "job a again", #""pid": 10, "job_id": "AJ_a""#),
            Self.line(6, "pid only", #""pid": 10"#),
        ].joined(separator: "\n")
        let report = analyze(log: log)
        #expect(report.sessions.map(\.key) == ["room-a", "room-b"])
        #expect(report.sessions.map(\.recordCount) == [3, 1])
    }

    /// livekit-agents 1.8 JSON: `JsonFormatter` gives every record the pid of the process that
    /// wrote it when no extra set one, so the worker's own lines carry the worker's pid, and its
    /// `received job request` carries it beside the job's ids.
    static let worker18 = [
        line(1, "starting worker", #""version": "1.8.9", "rtc-version": "1.0.25", "pid": 4242"#),
        line(2, "registered worker", #""agent_name": "", "id": "AW_ZNrFd8xmr2X9", "region": "US West B", "protocol": 16, "pid": 4242"#),
        line(3, "initializing process", #""pid": 4300"#),
        line(4, "received job request", #""job_id": "AJ_kTm3vPq9Xw2a", "dispatch_id": "", "room": "room-abc", "room_id": "RM_aB3dE5fG7hJ9", "agent_name": "", "resuming": false, "pid": 4242"#),
        line(5, "Session created", #""pid": 4300, "job_id": "AJ_kTm3vPq9Xw2a", "room": "room-abc", "room_id": "RM_aB3dE5fG7hJ9""#),
        line(6, "worker is at full capacity, marking as unavailable", #""load": 1.0, "threshold": 0.7, "pid": 4242"#),
        line(7, "Generating initial greeting", #""pid": 4300, "job_id": "AJ_kTm3vPq9Xw2a", "room": "room-abc", "room_id": "RM_aB3dE5fG7hJ9""#),
        line(8, "HTTP server listening on :8081", #""pid": 4242"#),
    ]

    @Test func aWorkersOwnLinesJoinNoJob() {
        let report = analyze(log: Self.worker18.joined(separator: "\n"))
        #expect(report.sessions.map(\.key) == ["room-abc/RM_aB3dE5fG7hJ9"])
        // The job request and the job process's two lines; not the worker's pid-only lines.
        #expect(report.sessions.map(\.recordCount) == [3])
    }

    @Test func theJobRequestAloneTellsTheWorkersPid() {
        let log = Self.worker18.filter { !$0.contains("registered worker") }
        let report = analyze(log: log.joined(separator: "\n"))
        #expect(report.sessions.map(\.recordCount) == [3])
    }
}
