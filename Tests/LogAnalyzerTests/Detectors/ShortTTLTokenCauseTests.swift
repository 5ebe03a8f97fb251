import Foundation
import Testing

@testable import LogAnalyzer

/// early-token-death's cause when the rejected token is the app's own short one.
@Suite struct ShortTTLTokenCauseTests {
    /// JWT of u1 in lobby, nbf 2026-01-01T00:00:00Z, exp nbf + 900 s (the backend's 15-minute token).
    static let token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjE3NjcyMjY1MDAsImlzcyI6IkFQSWdlbktleTAweHkiLCJuYW1lIjoidTEiLCJuYmYiOjE3NjcyMjU2MDAsInN1YiI6InUxIiwidmlkZW8iOnsiY2FuUHVibGlzaCI6dHJ1ZSwiY2FuU3Vic2NyaWJlIjp0cnVlLCJyb29tIjoibG9iYnkiLCJyb29tSm9pbiI6dHJ1ZX19.RRsmS80syGiSBkT-znXoBM-kPj1mCBhqDNCFGWMaWD8"

    /// The browser prints nothing between connecting and the drop 16 minutes later, then the app
    /// connects again with its cached 15-minute token. The silence is a healthy call's, not a
    /// suspension: the cause is the short TTL (it had said suspended-host).
    @Test func aNeverRefreshedShortTokenIsTheCauseNotTheBrowsersSilence() {
        let ctx = "{room: 'lobby', roomID: 'RM_aaaaaaaaaaaa', participant: 'u1', pID: 'PA_aaaaaaaaaaaa'}"
        let dir = TempDir()
        dir.write("backend.log", "2026-01-01 00:00:00,000 - app.tokens - INFO - minted token for identity=u1 room=lobby ttl=900s\n")
        dir.write("browser.log", """
            00:00:00.400 livekit-client.esm.mjs:18392 signal connected \(ctx)
            00:16:00.000 livekit-client.esm.mjs:18251 websocket closed {room: 'lobby', roomID: 'RM_aaaaaaaaaaaa', participant: 'u1', pID: 'PA_aaaaaaaaaaaa', reason: '', code: 1006, wasClean: false, state: 1}
            00:16:00.010 livekit-client.esm.mjs:20858 resuming signal connection, attempt 0 \(ctx)
            00:16:07.000 livekit-client.esm.mjs:20685 could not recover connection after 1 attempts, 6990ms. giving up \(ctx)
            00:16:30.000 livekit-client.esm.mjs:18214 signal connecting to wss://x.livekit.cloud {room: undefined, roomID: undefined, participant: undefined, pID: undefined}
            00:16:30.100 livekit-client.esm.mjs:20868 ConnectionError: could not establish signal connection: invalid token: \(Self.token), error: go-jose/go-jose/jwt: validation failed, token is expired (exp)

            """)
        var c = AnalysisConfiguration()
        c.configuredTokenTTLSeconds = 7200
        let report = analyze([dir.url.path], configuration: c)
        let deaths = report.findings.filter { $0.rule == "early-token-death" }
        #expect(deaths.count == 1)
        guard let f = deaths.first else { return }
        #expect(f.sessionKey == "lobby/RM_aaaaaaaaaaaa")
        #expect(f.value("cause") == .text("short-ttl-token"))
        #expect(f.value("lifetimeSeconds") == .number(990.1))
        #expect(f.value("tokenValiditySeconds") == .number(900))
        #expect(f.value("silentGapSeconds") == .number(959.6))
        #expect(!f.explanation.contains { $0.contains("suspended") })
        #expect(f.evidence.map(\.role) == ["token minted", "connected anew", "rejected as expired"])
    }

    /// DOMAIN.md (c), "short browser TTL + app-level reconnect": a 15-minute token (backend
    /// `minted token …`, no TTL in it) whose browser lost its connection at 14:16, gave up, and
    /// connected again at 14:19:40 with the same token: the server (v1.9, console) rejects it on
    /// `/rtc` and `/rtc/validate`, the app logs its caught ConnectionError. The agent's own
    /// connection is never rejected. The finding said only that the token was minted short; it
    /// now says which side presented it, how (a new connect(), not the SDK's resume, which
    /// sends the server's refreshed token: livekit-client RTCEngine.ts `onTokenRefresh`) and
    /// how long after its exp.
    @Test func aCachedShortTokenPresentedOnANewConnectIsTheAppsReconnect() throws {
        // user-7c1e in support-room-q8, nbf 2025-12-03 14:00:00, exp 14:15:00.
        let token = makeJWT(#"{"exp":1764771300,"iss":"APIq7Rm2Xc9LbT4","name":"user-7c1e","nbf":1764770400,"sub":"user-7c1e","video":{"canPublish":true,"canSubscribe":true,"room":"support-room-q8","roomJoin":true}}"#)
        let ctx = "{room: 'support-room-q8', roomID: 'RM_Vd3kQ8pLx2Zn', participant: 'user-7c1e', pID: 'PA_Hs4nB7wKq9Ct'}"
        let none = "{room: undefined, roomID: undefined, participant: undefined, pID: undefined}"
        let body = "invalid token: \(token), error: go-jose/go-jose/jwt: validation failed, token is expired (exp)"
        func server(_ time: String, _ path: String) -> String {
            "livekit  | 2025-12-03T\(time)Z\tWARN\tlivekit\tservice/utils.go:85\terror handling request\t"
                + #"{"error": "\#(body)", "status": 401, "method": "GET", "path": "\#(path)"}"#
        }
        let job = #""pid": 4121, "job_id": "AJ_Rb2mT6yHc8Wf""#
        var c = AnalysisConfiguration()
        c.configuredTokenTTLSeconds = 7200
        let dir = TempDir()
        dir.write("backend.log", "api  | 2025-12-03 14:00:00,214 - app.tokens - INFO - minted token for identity=user-7c1e room=support-room-q8\n")
        dir.write("agent.log", """
            agent  | {"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "AJ_Rb2mT6yHc8Wf", "dispatch_id": "AD_Wm4cP9sLk2Hx", "room_name": "support-room-q8", "agent_name": "", "resuming": false, "timestamp": "2025-12-03T14:00:00.911204+00:00"}
            agent  | {"message": "closing agent session due to participant disconnect (disable via `RoomInputOptions.close_on_disconnect=False`)", "level": "INFO", "name": "livekit.agents", \(job), "participant": "user-7c1e", "reason": "CONNECTION_TIMEOUT", "timestamp": "2025-12-03T14:16:22.603118+00:00"}

            """)
        dir.write("server.log", server("14:19:40.311", "/rtc") + "\n" + server("14:19:40.352", "/rtc/validate") + "\n")
        dir.write("browser.log", """
            14:00:00.402 livekit-client.esm.mjs:18214 signal connecting to wss://support-demo.livekit.cloud \(none)
            14:00:00.688 livekit-client.esm.mjs:18392 signal connected \(ctx)
            14:16:02.517 livekit-client.esm.mjs:18251 websocket closed {room: 'support-room-q8', roomID: 'RM_Vd3kQ8pLx2Zn', participant: 'user-7c1e', pID: 'PA_Hs4nB7wKq9Ct', reason: '', code: 1006, wasClean: false, state: 1}
            14:16:02.519 livekit-client.esm.mjs:20858 resuming signal connection, attempt 0 \(ctx)
            14:16:32.114 livekit-client.esm.mjs:20685 could not recover connection after 4 attempts, 29597ms. giving up \(ctx)
            14:16:32.120 livekit-client.esm.mjs:19407 disconnect from room \(ctx)
            14:19:40.018 livekit-client.esm.mjs:18214 signal connecting to wss://support-demo.livekit.cloud \(none)
            14:19:40.366 support.js:88 reconnect failed ConnectionError: could not establish signal connection: \(body)

            """)
        let report = analyze([dir.url.path], configuration: c)
        let f = try #require(report.findings.first { $0.rule == "early-token-death" })
        #expect(f.sessionKey == "support-room-q8/RM_Vd3kQ8pLx2Zn")
        #expect(f.value("cause") == .text("short-ttl-token"))
        #expect(f.value("lifetimeSeconds") == .number(1180.097))
        #expect(f.explanation.last == "the browser was rejected when it connected anew (`signal connecting to wss://support-demo.livekit.cloud` at 2025-12-03 14:19:40; its first connection was at 2025-12-03 14:00:00): the app called connect() again with the token it had kept, 4 min 40 s after that token's exp (2025-12-03 14:15:00) - a connected SDK resumes with the token the server refreshed, not the app's; the agent's connection was not rejected")
        #expect(f.evidence.map(\.role) == ["connected anew", "rejected as expired"])
        #expect(f.evidence.map(\.location.line) == [7, 1])
    }

    /// The SDK's own resume (`resuming signal connection, attempt 0` just before) is not the
    /// app's reconnect: no such sentence (a v1.13.2+ server's refreshed token keeps the
    /// original expiry, so the SDK presents an expired short token too).
    /// livekit-client's full reconnect (RTCEngine restartConnection: `reconnecting, attempt: N`,
    /// then a new join, `signal connecting to …`) sends the token the server refreshed; a v1.13.2+
    /// server keeps a short token's expiry when it refreshes it, so the SDK's own join is rejected.
    @Test func theSDKsFullReconnectIsNotCalledAnAppReconnect() throws {
        let ctx = "{room: 'lobby', roomID: 'RM_aaaaaaaaaaaa', participant: 'u1', pID: 'PA_aaaaaaaaaaaa'}"
        let dir = TempDir()
        dir.write("browser.log", """
            00:00:00.100 livekit-client.esm.mjs:18214 signal connecting to wss://lobby.livekit.cloud {room: undefined, roomID: undefined, participant: undefined, pID: undefined}
            00:00:00.400 livekit-client.esm.mjs:18392 signal connected \(ctx)
            00:24:40.215 livekit-client.esm.mjs:18251 websocket closed {room: 'lobby', roomID: 'RM_aaaaaaaaaaaa', participant: 'u1', pID: 'PA_aaaaaaaaaaaa', reason: '', code: 1006, wasClean: false, state: 1}
            00:24:40.219 livekit-client.esm.mjs:20880 reconnecting, attempt: 0 \(ctx)
            00:24:40.301 livekit-client.esm.mjs:18214 signal connecting to wss://lobby.livekit.cloud \(ctx)
            00:24:40.611 livekit-client.esm.mjs:20866 invalid token: \(Self.token), error: token has invalid claims: token is expired \(ctx)

            """)
        var c = AnalysisConfiguration()
        c.configuredTokenTTLSeconds = 7200
        let report = analyze([dir.url.path], configuration: c)
        let f = try #require(report.findings.first { $0.rule == "early-token-death" })
        #expect(f.value("cause") == .text("short-ttl-token"))
        #expect(!f.explanation.contains { $0.contains("connected anew") })
        #expect(f.evidence.map(\.role) == ["rejected as expired"])
        let cascade = try #require(report.findings.first { $0.rule == "auth-expiry-cascade" })
        #expect(!cascade.explanation.contains { $0.contains("connected anew") })
    }

    @Test func theSDKsResumeIsNotCalledAnAppReconnect() throws {
        let ctx = "{room: 'lobby', roomID: 'RM_aaaaaaaaaaaa', participant: 'u1', pID: 'PA_aaaaaaaaaaaa'}"
        let dir = TempDir()
        dir.write("browser.log", """
            00:00:00.400 livekit-client.esm.mjs:18392 signal connected \(ctx)
            00:24:40.215 livekit-client.esm.mjs:18251 websocket closed {room: 'lobby', roomID: 'RM_aaaaaaaaaaaa', participant: 'u1', pID: 'PA_aaaaaaaaaaaa', reason: '', code: 1006, wasClean: false, state: 1}
            00:24:40.219 livekit-client.esm.mjs:20858 resuming signal connection, attempt 0 \(ctx)
            00:24:40.611 livekit-client.esm.mjs:20866 invalid token: \(Self.token), error: token has invalid claims: token is expired \(ctx)

            """)
        var c = AnalysisConfiguration()
        c.configuredTokenTTLSeconds = 7200
        let f = try #require(analyze([dir.url.path], configuration: c).findings.first { $0.rule == "early-token-death" })
        #expect(f.value("cause") == .text("short-ttl-token"))
        #expect(!f.explanation.contains { $0.contains("connected anew") })
        #expect(f.evidence.map(\.role) == ["rejected as expired"])
    }
}

/// A token the app minted valid for 5 minutes is not one the server refreshed: livekit-server
/// mints refreshes valid for exactly 10 minutes (`pkg/service/roommanager.go tokenDefaultTTL`;
/// since v1.13.2 the longer of that and the time left), never less.
@Suite struct FiveMinuteTokenTests {
    @Test func aFiveMinuteAppTokenIsAShortTTLNotAServerRefresh() throws {
        // user-13 in call-13, nbf 2026-11-20T10:03:39Z, exp nbf + 300 s.
        let token = makeJWT(#"{"exp":1795169319,"iss":"APIauditJ","nbf":1795169019,"sub":"user-13","video":{"room":"call-13","roomJoin":true}}"#)
        let ctx = "{room: 'call-13', roomID: 'RM_gIcFiI2TBAHS', participant: 'user-13', participantID: 'PA_Fz7mQ2vLx9Kc'}"
        let dir = TempDir()
        dir.write("backend.log", "2026-11-20 10:03:39,000 INFO app: minted token for call-13: \(token) ttl=300s\n")
        dir.write("browser.log", """
            10:03:40.000 livekit-client.esm.mjs:12100 signal connected \(ctx)
            10:10:11.000 livekit-client.esm.mjs:21000 detected network interruption \(ctx)
            10:10:40.000 livekit-client.esm.mjs:21010 resuming signal connection, attempt 0 \(ctx)
            10:10:41.100 livekit-client.esm.mjs:21020 ConnectionError: could not establish signal connection: invalid token: \(token), error: go-jose/go-jose/jwt: validation failed, token is expired (exp)

            """)
        var c = AnalysisConfiguration()
        c.configuredTokenTTLSeconds = 7200
        let report = analyze([dir.url.path], configuration: c)
        let f = try #require(report.findings.first { $0.rule == "early-token-death" })
        #expect(f.value("cause") == .text("short-ttl-token"))
        #expect(f.value("tokenValiditySeconds") == .number(300))
        #expect(f.value("sinceLastRefreshSeconds") == nil)
        #expect(f.explanation.filter { $0.contains("at a refresh") || $0.contains("suspended") } == [])
        #expect(f.explanation.contains("the rejected token was minted valid for only 5 min, shorter than the configured 2 h: the code that minted it does not use the configured TTL (starter templates mint 15-minute tokens)"))
    }

    /// The same browser console saved alone, with DevTools times of day and no date anywhere:
    /// its new connect() is still seen, but the rejection at 14:19:40 (of day 0, the date
    /// unknown) was measured from the token's exp (2025-12-03 14:15:00): "-490199 h 55 min 19 s
    /// after that token's exp". The exp is given as an instant, without a duration.
    @Test func aNewConnectInAnUndatedConsoleIsNotMeasuredFromTheTokensExp() throws {
        let token = makeJWT(#"{"exp":1764771300,"iss":"APIq7Rm2Xc9LbT4","name":"user-7c1e","nbf":1764770400,"sub":"user-7c1e","video":{"canPublish":true,"canSubscribe":true,"room":"support-room-q8","roomJoin":true}}"#)
        let ctx = "{room: 'support-room-q8', roomID: 'RM_Vd3kQ8pLx2Zn', participant: 'user-7c1e', pID: 'PA_Hs4nB7wKq9Ct'}"
        let none = "{room: undefined, roomID: undefined, participant: undefined, pID: undefined}"
        let body = "invalid token: \(token), error: go-jose/go-jose/jwt: validation failed, token is expired (exp)"
        let report = analyze(files: [("browser.log", [
            "14:00:00.402 livekit-client.esm.mjs:18214 signal connecting to wss://support-demo.livekit.cloud \(none)",
            "14:00:00.688 livekit-client.esm.mjs:18392 signal connected \(ctx)",
            "14:16:32.120 livekit-client.esm.mjs:19407 disconnect from room \(ctx)",
            "14:19:40.018 livekit-client.esm.mjs:18214 signal connecting to wss://support-demo.livekit.cloud \(none)",
            "14:19:40.366 support.js:88 reconnect failed ConnectionError: could not establish signal connection: \(body)",
        ])])
        let f = try #require(report.findings.first { $0.rule == "auth-expiry-cascade" })
        #expect(f.at?.iso8601 == "14:19:40.366")
        #expect(f.explanation.contains("the browser was rejected when it connected anew (`signal connecting to wss://support-demo.livekit.cloud` at 14:19:40; its first connection was at 14:00:00): the app called connect() again with the token it had kept, which expired at 2025-12-03 14:15:00 - a connected SDK resumes with the token the server refreshed, not the app's"))
    }
}
