import Testing

@testable import LogAnalyzer

/// A server-refreshed 10-minute token rejected at the first resume, after a silence that began
/// before the next refresh was due and lasted until the failure, is a suspended host (DOMAIN.md
/// (c): a live process gets that refresh, or notices a dead connection within seconds), even
/// when the silence is shorter than 11 minutes: the incident's own timeline (failure 17.5 min
/// after the start, last refresh received at 00:56:48) with the agent's last line at 00:58:40
/// had been put down to the refreshed token alone, the silence not mentioned.
@Suite struct MissedRefreshSilenceTests {
    static func line(_ message: String, _ at: String, level: String = "INFO", name: String = "agent") -> String {
        #"{"message": "\#(message)", "level": "\#(level)", "name": "\#(name)", "pid": 4242, "job_id": "AJ_c9WxSpyEzw2Q", "room_id": "RM_DB5W2hyiTBi9", "timestamp": "2026-03-17T\#(at)+00:00"}"#
    }

    /// The agent's token, refreshed by the server at 00:56:48, valid until 01:06:48.
    static let token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjE3NzM3MDk2MDgsImlzcyI6IkFQSXE3WnQzS3hXOXBMbSIsIm5iZiI6MTc3MzcwOTAwOCwic3ViIjoiYWdlbnQtQUpfYzlXeFNweUV6dzJRIiwidmlkZW8iOnsicm9vbSI6InZvaWNlLXJvb20tN2YzazIiLCJyb29tSm9pbiI6dHJ1ZSwiY2FuUHVibGlzaCI6dHJ1ZSwiY2FuU3Vic2NyaWJlIjp0cnVlfX0.BgIOP000mEPjb76MnGJoGP7XSmXmXdrgibqY8UYYR74"

    static func log(lastLine: String) -> String {
        [
            #"{"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "AJ_c9WxSpyEzw2Q", "room": "voice-room-7f3k2", "room_id": "RM_DB5W2hyiTBi9", "timestamp": "2026-03-17T00:51:47.868000+00:00"}"#,
            line("Generating initial greeting", "00:51:49.368000"),
            line("EOU metrics", lastLine, name: "livekit.agents"),
            line("livekit::rtc_engine:453:livekit::rtc_engine - resuming connection... attempt: 0", "01:09:16.013000", level: "ERROR", name: "livekit"),
            line("livekit::rtc_engine:453:livekit::rtc_engine - resuming connection failed: client error: 401 Unauthorized - invalid token: \(token), error: go-jose/go-jose/jwt: validation failed, token is expired (exp)", "01:09:16.240000", level: "ERROR", name: "livekit"),
        ].joined(separator: "\n")
    }

    static func death(lastLine: String) throws -> Finding {
        var configuration = AnalysisConfiguration()
        configuration.configuredTokenTTLSeconds = 7200
        let report = analyze(log: log(lastLine: lastLine), configuration: configuration)
        return try #require(report.findings.first { $0.rule == "early-token-death" })
    }

    @Test func aSilenceThroughTheMissedRefreshIsASuspendedHost() throws {
        let f = try Self.death(lastLine: "00:58:40.000000")
        #expect(f.value("cause") == .text("suspended-host"))
        #expect(f.value("silentGapSeconds") == .number(636.013))
        #expect(f.value("sinceLastRefreshSeconds") == .number(748.24))
        #expect(f.explanation.first?.hasPrefix("the agent process logged nothing for 10 min 36 s before the failure (last line at 2026-03-17 00:58:40, next at 2026-03-17 01:09:16), through the refresh due at 2026-03-17 01:01:48") == true)
        // (Nothing else in the log: the host, not the job process.)
        #expect(f.explanation.first?.contains("The whole log was silent, so the host itself was suspended") == true)
        #expect(f.evidence.filter { $0.role.hasPrefix("silence") }.map(\.location.line) == [3, 4])
    }

    /// A line after the next refresh was due (01:01:48) shows the process running then: the
    /// silence after it does not explain the missed refresh.
    @Test func aSilenceThatBeganAfterTheRefreshWasDueIsNot() throws {
        let f = try Self.death(lastLine: "01:02:30.000000")
        #expect(f.value("cause") == .text("server-refreshed-token"))
        #expect(f.value("silentGapSeconds") == .number(406.013))
    }

    /// A body without the token (livekit-server after PR #4756: `invalid authorization token:
    /// token has invalid claims: token is expired`) after 10 min 50 s of silence: too short to be
    /// the cause, so the cause stays unknown, but the explanation said "no silence before the
    /// failure" beside `silentGapSeconds` 650.
    @Test func aSilenceTooShortToExplainItIsNotCalledNone() throws {
        let log = [
            #"{"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "AJ_c9WxSpyEzw2Q", "room": "voice-room-7f3k2", "room_id": "RM_DB5W2hyiTBi9", "timestamp": "2026-03-17T00:51:47.868000+00:00"}"#,
            Self.line("Generating initial greeting", "00:51:49.368000"),
            Self.line("EOU metrics", "00:58:26.013000", name: "livekit.agents"),
            Self.line("livekit::rtc_engine:453:livekit::rtc_engine - resuming connection... attempt: 0", "01:09:16.013000", level: "ERROR", name: "livekit"),
            Self.line("livekit::rtc_engine:453:livekit::rtc_engine - resuming connection failed: client error: 401 Unauthorized - invalid authorization token: token has invalid claims: token is expired", "01:09:16.240000", level: "ERROR", name: "livekit"),
        ].joined(separator: "\n")
        var configuration = AnalysisConfiguration()
        configuration.configuredTokenTTLSeconds = 7200
        let report = analyze(log: log, configuration: configuration)
        let f = try #require(report.findings.first { $0.rule == "early-token-death" })
        #expect(f.value("cause") == .text("unknown"))
        #expect(f.number("silentGapSeconds") == 650)
        #expect(f.explanation.last == "the agent process logged nothing for 10 min 50 s before the failure (from 2026-03-17 00:58:26), less than a refreshed token lives (10 min + 1 min leeway), and the logs hold no token claims: check the backend's token TTL and the server version (tokens are refreshed to 10-minute ones before v1.13.2)")
    }
}
