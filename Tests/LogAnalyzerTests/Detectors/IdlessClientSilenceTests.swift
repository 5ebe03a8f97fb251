import Testing

@testable import LogAnalyzer

/// A client log whose lines carry no session ids (a GCP Cloud Logging text export keeps only
/// each record's message): its silence before the 401 is the whole log's, and it names the
/// suspended host as well as a silence of the session's own lines would.
@Suite struct IdlessClientSilenceTests {
    /// The agent's token as a v1.12 server refreshed it at 13:38:55 (10-minute validity).
    static let token = makeJWT(#"{"exp":1791553735,"iss":"APIq7Rm2Xc9LbT4w","nbf":1791553135,"sub":"agent-AJ_rDhnL0jqj0ph","video":{"room":"intake-qj0zjb","roomJoin":true}}"#)

    /// The worker (GCP text export, `DEFAULT <time> <message>`) slept from 13:42:29 to 13:56:05.
    /// Its lines before the silence had no ids and never joined the session, so the session had
    /// no silence of its own: early-token-death said "a server-refreshed 10-minute token was not
    /// refreshed again" (cause server-refreshed-token) and did not name the suspended host.
    @Test func theWholeLogsSilenceNamesTheSuspendedHostWhenTheClientsLinesHaveNoIDs() throws {
        let body = "invalid token: \(Self.token), error: go-jose/go-jose/jwt: validation failed, token is expired (exp)"
        let report = analyze(files: [
            ("server.log", [
                "2026-10-09T13:33:54.000Z\tINFO\tlivekit\tservice/roommanager.go:371\tstarting RTC session\t" + #"{"room": "intake-qj0zjb", "roomID": "RM_Lf4Nasr9XHhT", "participant": "agent-AJ_rDhnL0jqj0ph", "participantID": "PA_Hn3kR8sWq2Lm", "numParticipants": 1}"#,
                "2026-10-09T13:56:05.675Z\tWARN\tlivekit\tservice/utils.go:57\terror handling request\t" + #"{"error": "\#(body)", "status": 401, "method": "GET", "path": "/rtc"}"#,
            ]),
            ("agent.log", [
                "DEFAULT 2026-10-09T13:33:55.262594Z received job request",
                "DEFAULT 2026-10-09T13:42:29.000000Z LLM metrics",
                "DEFAULT 2026-10-09T13:56:05.528000Z failed to connect to livekit, retrying in 0s",
                "DEFAULT 2026-10-09T13:56:05.548000Z livekit::rtc_engine:729:livekit::rtc_engine - resuming connection... attempt: 0",
                "DEFAULT 2026-10-09T13:56:05.705000Z livekit::rtc_engine:737:livekit::rtc_engine - resuming connection failed: client error: 401 Unauthorized - \(body)",
            ]),
        ], configure: { $0.configuredTokenTTLSeconds = 7200 })
        let deaths = report.findings.filter { $0.rule == "early-token-death" }
        #expect(deaths.count == 1)
        let f = try #require(deaths.first)
        #expect(f.value("cause") == .text("suspended-host"))
        #expect(abs(try #require(f.number("silentGapSeconds")) - 816.528) < 0.0005)
        #expect(abs(try #require(f.number("lifetimeSeconds")) - 1331.675) < 0.0005)
        #expect(f.explanation.first == "the agent process logged nothing for 13 min 36 s before the failure (last line at 2026-10-09 13:42:29, next at 2026-10-09 13:56:05), longer than a refreshed token lives (10 min + 1 min leeway): no refresh could reach it and nothing noticed the dead connection until it woke up and resumed with an expired token. The whole log was silent, so the host itself was suspended (laptop sleep, paused VM or container, SIGSTOP) - not a TTL setting.")
    }

    /// A job that began after the log's silence: that silence is not its client's.
    @Test func aSilenceBeforeTheSessionBeganIsNotItsOwn() throws {
        let body = "invalid token: \(Self.token), error: go-jose/go-jose/jwt: validation failed, token is expired (exp)"
        let report = analyze(files: [
            ("server.log", [
                "2026-10-09T13:55:30.000Z\tINFO\tlivekit\tservice/roommanager.go:371\tstarting RTC session\t" + #"{"room": "intake-qj0zjb", "roomID": "RM_Lf4Nasr9XHhT", "participant": "agent-AJ_rDhnL0jqj0ph", "participantID": "PA_Hn3kR8sWq2Lm", "numParticipants": 1}"#,
                "2026-10-09T13:56:05.675Z\tWARN\tlivekit\tservice/utils.go:57\terror handling request\t" + #"{"error": "\#(body)", "status": 401, "method": "GET", "path": "/rtc"}"#,
            ]),
            ("agent.log", [
                "DEFAULT 2026-10-09T13:33:55.262594Z registered worker",
                "DEFAULT 2026-10-09T13:55:31.000000Z received job request",
                "DEFAULT 2026-10-09T13:56:05.705000Z livekit::rtc_engine:737:livekit::rtc_engine - resuming connection failed: client error: 401 Unauthorized - \(body)",
            ]),
        ], configure: { $0.configuredTokenTTLSeconds = 7200 })
        let f = try #require(report.findings.first { $0.rule == "early-token-death" })
        #expect(f.number("silentGapSeconds") == nil)
    }
}
