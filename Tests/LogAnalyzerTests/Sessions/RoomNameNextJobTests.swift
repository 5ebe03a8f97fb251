import Testing

@testable import LogAnalyzer

/// A reused room name (`voice_assistant_room`) in a worker log of livekit-agents 1.0-1.2, whose
/// `received job request` names the room (`room_name`) but not its sid: a new job after the
/// room's jobs had all ended begins the room's next session.
@Suite struct RoomNameNextJobTests {
    static func line(_ time: String, _ level: String, _ name: String, _ message: String, _ extras: String) -> String {
        "2026-03-02 \(time) - \(level) \(name) - \(message) \(extras)"
    }

    static let log = [
        line("10:00:00,100", "INFO", "livekit.agents", "received job request", #"{"job_id": "AJ_aaaaaaaaaaaa", "dispatch_id": "AD_aaaaaaaaaaaa", "room_name": "voice_assistant_room", "agent_name": "", "resuming": false}"#),
        line("10:00:01,000", "INFO", "agent", "Generating initial greeting", #"{"pid": 101, "job_id": "AJ_aaaaaaaaaaaa"}"#),
        line("10:00:02,000", "INFO", "agent", "Voice agent running for room voice_assistant_room", #"{"pid": 101, "job_id": "AJ_aaaaaaaaaaaa"}"#),
        line("10:05:00,000", "INFO", "livekit.agents", "process exiting", #"{"reason": "", "pid": 101, "job_id": "AJ_aaaaaaaaaaaa"}"#),
        line("10:10:00,100", "INFO", "livekit.agents", "received job request", #"{"job_id": "AJ_bbbbbbbbbbbb", "dispatch_id": "AD_bbbbbbbbbbbb", "room_name": "voice_assistant_room", "agent_name": "", "resuming": false}"#),
        line("10:10:01,000", "INFO", "agent", "Generating initial greeting", #"{"pid": 102, "job_id": "AJ_bbbbbbbbbbbb"}"#),
        line("10:10:09,250", "INFO", "agent", "Voice agent running for room voice_assistant_room", #"{"pid": 102, "job_id": "AJ_bbbbbbbbbbbb"}"#),
        line("10:15:00,000", "INFO", "livekit.agents", "process exiting", #"{"reason": "", "pid": 102, "job_id": "AJ_bbbbbbbbbbbb"}"#),
    ]

    /// Both jobs were one session and its greeting was the first job's (1 s): the second job's
    /// 8.25 s greeting was not reported.
    @Test func aNewJobAfterTheRoomsJobsEndedBeginsTheNextSession() throws {
        let report = analyze(files: [("agent.log", Self.log)])
        #expect(report.sessions.map(\.jobIds) == [["AJ_aaaaaaaaaaaa"], ["AJ_bbbbbbbbbbbb"]])
        #expect(report.sessions.map(\.room) == ["voice_assistant_room", "voice_assistant_room"])
        let greetings = report.findings.filter { $0.rule == "slow-greeting" }
        #expect(greetings.count == 1)
        let f = try #require(greetings.first)
        #expect(f.jobId == "AJ_bbbbbbbbbbbb")
        #expect(abs(try #require(f.number("seconds")) - 8.25) < 0.0005)
    }

    /// A second job while the first still runs (two agents in one room) stays in the session.
    @Test func aSecondJobWhileTheFirstRunsJoinsTheSession() {
        var log = Self.log
        log.remove(at: 3)
        let report = analyze(files: [("agent.log", log)])
        #expect(report.sessions.map(\.jobIds) == [["AJ_aaaaaaaaaaaa", "AJ_bbbbbbbbbbbb"]])
    }
}
