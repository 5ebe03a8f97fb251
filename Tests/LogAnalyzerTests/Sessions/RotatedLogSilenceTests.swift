import Testing

@testable import LogAnalyzer

/// A worker's log rotated during the silence before a 401 (`agent.log.1` ends before it,
/// `agent.log` begins after it) keeps the silence: rotated logs of one name are one stream for
/// it. Each file's silences had been their own, so the 12 minutes spanning the two files were
/// none: the token's death was put down to a server-refreshed token, not a suspended host.
@Suite struct RotatedLogSilenceTests {
    static func line(_ message: String, _ at: String, level: String = "INFO", name: String = "agent") -> String {
        #"{"message": "\#(message)", "level": "\#(level)", "name": "\#(name)", "pid": 2222, "job_id": "AJ_1a6DxOY9CSWu", "room": "berlin-room", "timestamp": "2026-07-08T\#(at)+00:00"}"#
    }

    /// The agent's token: refreshed at 12:00:03, valid 10 min (`sub agent-AJ_1a6DxOY9CSWu`, room `berlin-room`).
    static let token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjE3ODM1MTI2MDMsImlzcyI6IkFQSXE3WnQzS3hXOXBMbSIsIm5iZiI6MTc4MzUxMjAwMywic3ViIjoiYWdlbnQtQUpfMWE2RHhPWTlDU1d1IiwidmlkZW8iOnsicm9vbSI6ImJlcmxpbi1yb29tIiwicm9vbUpvaW4iOnRydWV9fQ.c2lnbmF0dXJl"

    static let before = [
        #"{"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "AJ_1a6DxOY9CSWu", "room": "berlin-room", "room_id": "RM_6N3v2q87W9eR", "timestamp": "2026-07-08T12:00:02+00:00"}"#,
        line("Generating initial greeting", "12:00:03.500000"),
        line("user said goodbye?", "12:04:00"),
    ]
    static let after = [
        line("livekit::rtc_engine:729:livekit::rtc_engine - resuming connection... attempt: 0", "12:16:00", level: "ERROR", name: "livekit"),
        line("livekit::rtc_engine:729:livekit::rtc_engine - resuming connection failed: client error: 401 Unauthorized - invalid token: \(token), error: token has invalid claims: token is expired", "12:16:01", level: "ERROR", name: "livekit"),
    ]

    @Test func aSilenceAcrossTheRotationIsTheSuspendedHosts() throws {
        let dir = TempDir()
        let old = dir.write("agent.log.1", Self.before.joined(separator: "\n") + "\n")
        let current = dir.write("agent.log", Self.after.joined(separator: "\n") + "\n")
        var configuration = AnalysisConfiguration()
        configuration.configuredTokenTTLSeconds = 7200
        let report = analyze([old, current], configuration: configuration)
        let death = try #require(report.findings.first { $0.rule == "early-token-death" })
        #expect(death.value("cause") == .text("suspended-host"))
        #expect(death.value("silentGapSeconds") == .number(720))
        let silence = death.evidence.filter { $0.role.hasPrefix("silence") }
        #expect(silence.map { "\($0.location.input == 0 ? "agent.log.1" : "agent.log"):\($0.location.line)" } == ["agent.log.1:3", "agent.log:1"])
    }
}
