import Testing

@testable import LogAnalyzer

/// In a docker compose log of two agent services (`agent-1  | `, `agent-2  | `), a line without
/// ids joins the sessions of its own service only: agent-1's worker connection loss had joined
/// agent-2's session (same input, same time) and was named the trigger of agent-2's 401
/// cascade 40 s later, whose container had been paused for 12 minutes.
@Suite struct ComposeServiceTests {
    static func line(_ service: String, _ message: String, _ at: String, _ extras: String, level: String = "INFO", name: String = "livekit.agents") -> String {
        "\(service)  | " + #"{"message": "\#(message)", "level": "\#(level)", "name": "\#(name)", \#(extras)"timestamp": "2026-09-09T\#(at)+00:00"}"#
    }

    static let one = #""pid": 10, "job_id": "AJ_eOEDh0PpZwn6", "room": "c1-room", "#
    static let two = #""pid": 20, "job_id": "AJ_VoJPMYM9EUrn", "room": "c2-room", "#

    static let log = [
        line("agent-1", "received job request", "09:00:00", #""job_id": "AJ_eOEDh0PpZwn6", "room": "c1-room", "room_id": "RM_q9sa0iwiYiNR", "#),
        line("agent-2", "received job request", "09:00:05", #""job_id": "AJ_VoJPMYM9EUrn", "room": "c2-room", "room_id": "RM_fVJl1PrYXDhi", "#),
        line("agent-2", "EOU metrics", "09:00:20.800000", two + #""end_of_utterance_delay": 0.6, "#),
        line("agent-1", "EOU metrics", "09:11:10", one + #""end_of_utterance_delay": 0.5, "#),
        line("agent-1", "failed to connect to livekit, retrying in 0s", "09:11:40", #""retry_count": 0, "error": "worker connection closed unexpectedly", "#, level: "WARNING"),
        line("agent-1", "EOU metrics", "09:11:50", one + #""end_of_utterance_delay": 0.5, "#),
        line("agent-2", "livekit::rtc_engine:729:livekit::rtc_engine - resuming connection... attempt: 0", "09:12:20.600000", two, level: "ERROR", name: "livekit"),
        line("agent-2", "livekit::rtc_engine:729:livekit::rtc_engine - resuming connection failed: client error: 401 Unauthorized - token is expired", "09:12:20.800000", two, level: "ERROR", name: "livekit"),
        line("agent-1", "EOU metrics", "09:12:30", one + #""end_of_utterance_delay": 0.5, "#),
    ]

    @Test func anotherServicesConnectionLossIsNoTrigger() throws {
        let report = analyze(log: Self.log.joined(separator: "\n"), name: "compose.log")
        let cascade = try #require(report.findings.first { $0.rule == "auth-expiry-cascade" })
        #expect(cascade.room == "c2-room")
        #expect(cascade.value("trigger") == nil)
        #expect(cascade.evidence.map(\.location.line) == [8])
    }

    /// Its own service's sessions still take it.
    @Test func theSameServicesConnectionLossIsTheTrigger() throws {
        let log = Self.log.map { $0.replacingOccurrences(of: "agent-1  | ", with: "agent-2  | ") }
        let report = analyze(log: log.joined(separator: "\n"), name: "compose.log")
        let cascade = try #require(report.findings.first { $0.rule == "auth-expiry-cascade" && $0.room == "c2-room" })
        #expect(cascade.value("trigger") == .text("worker connection closed unexpectedly"))
    }
}
