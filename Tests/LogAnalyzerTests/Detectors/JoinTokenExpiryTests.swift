import Foundation
import Testing

@testable import LogAnalyzer

/// livekit-server v1.13.2+ logs a joining participant's token expiry in `starting RTC session`
/// (`participantInit.TokenExpiresAt`) and keeps it when it refreshes the token: a token past it
/// died of the TTL it was minted with (DOMAIN.md (c), "Server >= v1.13.2").
@Suite struct JoinTokenExpiryTests {
    /// The incident, its server's agent join line carrying `TokenExpiresAt`.
    static func incident(expiresAt: String) throws -> Report {
        let dir = TempDir()
        let fixture = try copyFixture("incident-real", into: dir)
        try FileManager.default.removeItem(atPath: fixture + "/expected.json")
        let path = fixture + "/server.log"
        var lines = try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\n")
        let old = #""participantInit": {"Identity": "agent-AJ_p9KdW3xYzQ2r", "#
        #expect(lines[5].contains(old))
        lines[5] = lines[5].replacingOccurrences(of: old, with: old + #""TokenExpiresAt": "\#(expiresAt)", "#)
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return analyze([fixture])
    }

    static func earlyDeath(_ report: Report) throws -> Finding {
        try #require(report.findings.first { $0.rule == "early-token-death" })
    }

    static func value(_ f: Finding, _ key: String) -> String? {
        f.values.first { $0.0 == key }.map { "\($0.1)" }
    }

    /// The agent's token is the server's (1 h job token, livekit/protocol agent/token.go), not
    /// the app's: past the expiry logged at its join it died because no refresh reached it
    /// (each keeps it at least 10 minutes ahead), here in the incident's 11 min 44 s silence.
    /// It had said `short-ttl-token` and "the code that minted it does not use the configured
    /// TTL".
    @Test func anAgentTokenPastTheExpiryTheServerLoggedDiedOfTheSilenceNotTheAppsTTL() throws {
        let f = try Self.earlyDeath(Self.incident(expiresAt: "2025-12-11T01:06:46.540Z"))
        #expect(f.message == "token dead after 17 min 30 s of the 1 h TTL the server mints the agent's job token with (most likely a suspended host or process)")
        #expect(f.value("cause") == .text("suspended-host"))
        #expect(f.explanation.last == "livekit-server logged at the join (2025-12-11 00:51:46) that agent-AJ_p9KdW3xYzQ2r's token expires at 2025-12-11 01:06:46 (participantInit.TokenExpiresAt: v1.13.2 or later, whose refreshes keep that expiry): the agent's token is the one the server minted for the job (1 h, livekit/protocol agent/token.go), not the app's, so the configured TTL never applied to it; the server refreshes a connected agent's token to at least 10 min ahead, so it expired only because no refresh reached the agent")
        #expect(!f.explanation.contains { $0.contains("does not use the configured TTL") })
        // (The backend's mint is the user's token: no evidence of the agent's.)
        #expect(f.evidence.map(\.role) == ["expiry logged at join", "silence starts", "silence ends", "rejected as expired"])
        #expect(f.evidence[0].location.line == 6)
    }

    /// A browser's 15-minute token on a v1.13.3 server (JSON log: `TokenExpiresAt` in epoch
    /// seconds, `participantID`): the laptop slept from 09:03 to 09:24, the SDK's resume was
    /// rejected with golang-jwt's wording. Past the expiry the server logged, the token died of
    /// the TTL the app minted it with (a 2 h one would have outlived the sleep).
    @Test func aBrowserTokenPastTheExpiryTheServerLoggedDiedOfItsOwnTTL() throws {
        // patient-a91f in clinic-7hk2, nbf 2026-09-08 09:00:00, exp 09:15:00.
        let token = makeJWT(#"{"exp":1788858900,"iss":"APIq7Rm2Xc9LbT4","name":"patient-a91f","nbf":1788858000,"sub":"patient-a91f","video":{"canPublish":true,"canSubscribe":true,"room":"clinic-7hk2","roomJoin":true}}"#)
        let ctx = "{room: 'clinic-7hk2', roomID: 'RM_Pq9zW4mLc7Tb', participant: 'patient-a91f', participantID: 'PA_Kc3vX8nRw2Jd'}"
        let dir = TempDir()
        dir.write("server.log", #"""
            {"level":"info","ts":1788858000.317,"logger":"livekit","caller":"service/roommanager.go:421","msg":"starting RTC session","room":"clinic-7hk2","roomID":"RM_Pq9zW4mLc7Tb","participant":"patient-a91f","participantID":"PA_Kc3vX8nRw2Jd","remote":false,"nodeID":"ND_r8Tq2Wv5Nc3H","numParticipants":0,"participantInit":{"Identity":"patient-a91f","Reconnect":false,"ReconnectReason":"RR_UNKNOWN","AutoSubscribe":true,"Client":{"sdk":"JS","version":"2.17.2","protocol":16},"TokenExpiresAt":1788858900}}
            {"level":"warn","ts":1788859480.588,"logger":"livekit","caller":"service/utils.go:85","msg":"error handling request","error":"invalid token: \#(token), error: token has invalid claims: token is expired","status":401,"method":"GET","path":"/rtc/v1"}

            """#)
        dir.write("browser.log", """
            09:00:00.498 livekit-client.esm.mjs:18392 signal connected \(ctx)
            09:03:09.870 livekit-client.esm.mjs:20117 received server answer \(ctx)
            09:24:40.215 livekit-client.esm.mjs:18251 websocket closed {room: 'clinic-7hk2', roomID: 'RM_Pq9zW4mLc7Tb', participant: 'patient-a91f', participantID: 'PA_Kc3vX8nRw2Jd', reason: '', code: 1006, wasClean: false, state: 1}
            09:24:40.219 livekit-client.esm.mjs:20858 resuming signal connection, attempt 0 \(ctx)
            09:24:40.611 livekit-client.esm.mjs:20866 invalid token: \(token), error: token has invalid claims: token is expired \(ctx)

            """)
        var c = AnalysisConfiguration()
        c.configuredTokenTTLSeconds = 7200
        let f = try #require(analyze([dir.url.path], configuration: c).findings.first { $0.rule == "early-token-death" })
        #expect(f.sessionKey == "clinic-7hk2/RM_Pq9zW4mLc7Tb")
        #expect(f.message == "token dead after 24 min 40 s of a configured 2 h TTL (the token was minted with a short TTL)")
        #expect(f.value("cause") == .text("short-ttl-token"))
        #expect(f.value("serverTokenExpiresAt") == .text("2026-09-08T09:15:00.000Z"))
        #expect(f.explanation.first == "livekit-server logged at the join (2026-09-08 09:00:00) that patient-a91f's token expires at 2026-09-08 09:15:00 (participantInit.TokenExpiresAt: v1.13.2 or later, whose refreshes keep that expiry): the token was valid for 14 min 59 s from the join, not 2 h, and died at its own expiry")
        // (The token's own claims say what minted it, once.)
        #expect(f.explanation.filter { $0.contains("the code that minted it does not use the configured TTL") } == [
            "the rejected token was minted valid for only 15 min, shorter than the configured 2 h: the code that minted it does not use the configured TTL (starter templates mint 15-minute tokens)"
        ])
        #expect(f.evidence.map(\.role) == ["expiry logged at join", "rejected as expired"])
    }

    @Test func anExpiryStillAheadAtTheFailureLeavesTheCauseAndSaysSo() throws {
        let f = try Self.earlyDeath(Self.incident(expiresAt: "2025-12-11T02:51:46.540Z"))
        #expect(f.message.hasSuffix("(most likely a suspended host or process)"))
        #expect(f.explanation.last == "livekit-server logged at the join (2025-12-11 00:51:46) that agent-AJ_p9KdW3xYzQ2r's token expires at 2025-12-11 02:51:46 (participantInit.TokenExpiresAt: v1.13.2 or later, whose refreshes keep that expiry), after the failure: a server that keeps the expiry rejected it early, so its clock ran ahead or the client presented another token")
    }

    @Test func theExpiryIsReadFromConsoleTextAndJSONEpochSeconds() {
        let console = record("2026-03-02T00:51:46.031Z\tINFO\tlivekit\tservice/roommanager.go:411\tstarting RTC session\t{\"room\": \"r1\", \"participant\": \"user-1\", \"participantInit\": {\"Identity\": \"user-1\", \"TokenExpiresAt\": \"2026-03-02T01:06:45.000Z\"}}")
        #expect(console.token?.expires == 1_772_413_605)
        #expect(console.token?.subject == "user-1")
        let json = record(#"{"level":"info","ts":1772412706.03,"logger":"livekit","caller":"service/roommanager.go:411","msg":"starting RTC session","room":"r1","participant":"user-1","participantInit":{"Identity":"user-1","TokenExpiresAt":1772413605}}"#)
        #expect(json.token?.expires == 1_772_413_605)
        let old = record("2026-03-02T00:51:46.031Z\tINFO\tlivekit\tservice/roommanager.go:411\tstarting RTC session\t{\"room\": \"r1\", \"participantInit\": {\"Identity\": \"user-1\"}}")
        #expect(old.token == nil)
    }
}

/// A short token that the join line and the rejected token's claims both show says once that
/// the minting code ignores the configured TTL (`Fixtures/alt-short-ttl-v1133-sleep`: a 15-minute
/// browser token on a v1.13.3 server that logged `TokenExpiresAt`).
@Suite struct ShortTokenSaidOnceTests {
    @Test func theMintingCodeIsBlamedOnce() throws {
        let report = analyzeFixture("alt-short-ttl-v1133-sleep")
        let f = try #require(report.findings.first { $0.rule == "early-token-death" })
        #expect(f.value("cause") == .text("short-ttl-token"))
        #expect(f.explanation.filter { $0.contains("the code that minted it does not use the configured TTL") }.count == 1)
        #expect(f.explanation.first?.hasSuffix("and died at its own expiry") == true)
    }
}
