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

    /// The agent's refreshed token in a 1.6 compact console (`HH:MM:SS`), with no date in the
    /// run: the token's nbf (an instant, 2025-12-11 00:04:56Z) was compared with the failure's
    /// time of day counted from day 0, `sinceLastRefreshSeconds` -1765324050 and "its refresh
    /// at 2025-12-11 00:04:56 was the last one received, -490367 h 47 min 30 s before the
    /// failure". Without a date the two are not compared.
    @Test func aTimeOfDayFailureIsNotComparedWithTheTokensNbf() throws {
        let token = makeJWT(#"{"exp":1765412096,"iss":"APIfixtureKey01","name":"agent-AJ_p9KdW3xYzQ2r","nbf":1765411496,"sub":"agent-AJ_p9KdW3xYzQ2r","video":{"room":"voice-room-7f3k2","roomJoin":true}}"#)
        let report = analyze(files: [
            ("agent.log", [
                #"23:59:56 INFO agent Session created {"pid": 48213, "job_id": "AJ_p9KdW3xYzQ2r", "room": "voice-room-7f3k2"}"#,
                #"00:05:41 INFO livekit.agents TTS metrics {"ttfb": 0.36, "audio_duration": 4.11, "pid": 48213, "job_id": "AJ_p9KdW3xYzQ2r", "room": "voice-room-7f3k2"}"#,
                "00:17:26 ERROR livekit livekit::rtc_engine:731:livekit::rtc_engine - resuming connection failed: client error: 401 Unauthorized - invalid token: \(token), error: go-jose/go-jose/jwt: validation failed, token is expired (exp) " + #"{"pid": 48213, "job_id": "AJ_p9KdW3xYzQ2r", "room": "voice-room-7f3k2"}"#,
            ]),
        ], configure: { $0.configuredTokenTTLSeconds = 7200 })
        let f = try #require(report.findings.first { $0.rule == "early-token-death" })
        #expect(f.at?.iso8601 == "00:17:26.000")
        #expect(f.number("lifetimeSeconds") == 1050)
        #expect(f.number("sinceLastRefreshSeconds") == nil)
        #expect(f.explanation.contains("the rejected token is valid for 10 min (exp - nbf): a token the server minted at a refresh, not the app's 2 h token. livekit-server before v1.13.2 replaces connected clients' tokens with 10-minute ones every 5 minutes, so the configured TTL stopped mattering after the first refresh"))
    }

    /// A worker's dev text in UTC read with `--tz Europe/Berlin`: its 401 at 01:09:16 local is
    /// 00:09:16Z, 47 min 30 s before the nbf of the refreshed token it rejects (00:56:46Z).
    /// `sinceLastRefreshSeconds` was -2849.673 ("-47 min 29 s before the failure"); now the
    /// explanation says that log runs behind the server's clock.
    @Test func aFailureStampedBeforeTheTokensNbfSaysTheLogRunsBehind() throws {
        let token = makeJWT(#"{"exp":1768439206,"iss":"APIfixtureKey01","name":"agent-AJ_p9KdW3xYzQ2r","nbf":1768438606,"sub":"agent-AJ_p9KdW3xYzQ2r","video":{"room":"voice-room-7f3k2","roomJoin":true}}"#)
        let dir = TempDir()
        let inputs = [InputDescriptor(path: dir.write("agent.log", [
            #"2026-01-15 00:51:46,230 - INFO agent - Session created {"pid": 48213, "job_id": "AJ_p9KdW3xYzQ2r"}"#,
            #"2026-01-15 00:57:31,884 - INFO livekit.agents - TTS metrics {"ttfb": 0.36, "audio_duration": 4.11, "pid": 48213, "job_id": "AJ_p9KdW3xYzQ2r"}"#,
            "2026-01-15 01:09:16,327 - ERROR livekit - livekit::rtc_engine:731:livekit::rtc_engine - resuming connection failed: client error: 401 Unauthorized - invalid token: \(token), error: go-jose/go-jose/jwt: validation failed, token is expired (exp) " + #"{"pid": 48213, "job_id": "AJ_p9KdW3xYzQ2r"}"#,
        ].joined(separator: "\n") + "\n"))]
        var ingest = IngestOptions()
        ingest.timeZone = TimeZoneSetting("Europe/Berlin")!
        ingest.inferZones = false
        var configuration = AnalysisConfiguration()
        configuration.configuredTokenTTLSeconds = 7200
        var sink = DiagnosticSink()
        let report = Analyzer(ingest: ingest, configuration: configuration).run(inputs, diagnostics: &sink)
        let f = try #require(report.findings.first { $0.rule == "early-token-death" })
        #expect(f.at?.iso8601 == "2026-01-15T00:09:16.327Z")
        #expect(f.number("sinceLastRefreshSeconds") == nil)
        #expect(f.explanation.contains("the rejected token is valid for 10 min (exp - nbf): a token the server minted at a refresh, not the app's 2 h token. livekit-server before v1.13.2 replaces connected clients' tokens with 10-minute ones every 5 minutes, so the configured TTL stopped mattering after the first refresh; its refresh at 2026-01-15 00:56:46 is 47 min 29 s after the failure as its log stamps it: that log's time runs at least as far behind the server's (a log without a zone read in another zone than its own: --tz NAME=ZONE)"))
    }
}
