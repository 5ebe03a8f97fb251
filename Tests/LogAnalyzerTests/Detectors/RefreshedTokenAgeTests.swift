import Testing

@testable import LogAnalyzer

/// A server-refreshed (10-minute) token older than the session's lines here: its refresh was
/// the last that reached the client, so nothing did for that long, whichever side it is.
@Suite struct RefreshedTokenAgeTests {
    /// The browser's token as a v1.12 server refreshed it at 10:56:38.
    static let token = makeJWT(#"{"exp":1783854398,"iss":"APIq7Rm2Xc9LbT4w","name":"user-tq4vy","nbf":1783853798,"sub":"user-tq4vy","video":{"room":"sales-ly7x2m","roomJoin":true}}"#)

    /// The user's laptop slept 45 minutes; the room closed meanwhile and its session was
    /// finalised, so the browser's resume began a session of its own (or the logs start here).
    /// early-token-death said "a server-refreshed 10-minute token was not refreshed again"
    /// (cause server-refreshed-token), where the agent's token of the same age gave
    /// suspended-host (`AgentTokenAgeTests`).
    @Test func aRefreshedBrowserTokenOlderThanTheLinesNamesTheSuspendedHost() throws {
        let body = "invalid token: \(Self.token), error: go-jose/go-jose/jwt: validation failed, token is expired (exp)"
        let report = analyze(files: [
            ("server.log", [
                "2026-07-12T11:42:15.000Z\tWARN\tlivekit\tservice/utils.go:57\terror handling request\t" + #"{"error": "\#(body)", "status": 401, "method": "GET", "path": "/rtc"}"#,
            ]),
            ("browser.log", [
                "11:42:14.640 livekit-client.esm.mjs:21488 resuming signal connection, attempt 0 {room: 'sales-ly7x2m', roomID: 'RM_rm9zMbc2L5AQ', participant: 'user-tq4vy', participantID: 'PA_Hn3kR8sWq2Lm', …}",
                "11:42:15.040 ConnectionError: could not establish signal connection: \(body)",
                "    at SignalClient.handleConnectionError (livekit-client.esm.mjs:19420:20)",
            ]),
        ], configure: { $0.configuredTokenTTLSeconds = 7200 })
        let deaths = report.findings.filter { $0.rule == "early-token-death" }
        #expect(deaths.count == 1)
        let f = try #require(deaths.first)
        #expect(f.value("cause") == .text("suspended-host"))
        #expect(f.message == "token dead after 45 min 37 s of a configured 2 h TTL (most likely a suspended host or process)")
        #expect(abs(try #require(f.number("sinceLastRefreshSeconds")) - 2737.0) < 0.0005)
        #expect(f.explanation.last == "nothing reached the client for 45 min 37 s: a live client gets a refresh every 5 min, or notices a dead connection within seconds and resumes while its token is still valid, so its host or process was suspended (its silence is not in these lines)")
    }
}
