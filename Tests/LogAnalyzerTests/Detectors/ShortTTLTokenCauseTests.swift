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
        #expect(f.evidence.map(\.role) == ["token minted", "rejected as expired"])
    }
}
