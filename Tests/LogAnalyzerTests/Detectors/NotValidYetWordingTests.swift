import Testing

@testable import LogAnalyzer

/// Servers since v1.13.0 verify tokens with golang-jwt v5 (livekit/protocol auth/verifier.go),
/// whose `ErrTokenNotValidYet` reads `token is not valid yet` (go-jose said `token not valid yet
/// (nbf)`): the 401 body `invalid token: <JWT>, error: token has invalid claims: token is not
/// valid yet` (livekit/livekit pkg/service/auth.go v1.13.0) is clock skew, not a bad token.
@Suite struct NotValidYetWordingTests {
    // nbf 2026-08-20 01:11:17 (two minutes after the rejection), exp 03:11:17.
    static let token = makeJWT(#"{"exp":1787195477,"nbf":1787188277,"iss":"APIkey","sub":"user-4821","video":{"room":"voice-room-7f3a","roomJoin":true}}"#)
    static let server =
        #"{"level":"warn","ts":1787188156.873,"logger":"livekit","caller":"service/utils.go:84","msg":"error handling request","status":401,"method":"GET","path":"/rtc/v1","error":"invalid token: \#(token), error: token has invalid claims: token is not valid yet"}"#

    @Test func theServersRejectionIsClockSkew() throws {
        let r = record(Self.server)
        #expect(EventClassifier(configuration: AnalysisConfiguration()).classify(r) == .authFailure(.notYetValid))
        let report = analyze(log: Self.server, name: "server.log")
        #expect(report.findings.map(\.rule) == ["token-not-yet-valid"])
        let f = try #require(report.findings.first)
        #expect(f.sessionKey == "voice-room-7f3a")
        #expect(f.message == "1 token rejected as not valid yet (nbf): clock skew between the token minter and the server")
        let skew = try #require(f.number("skewSeconds"))
        #expect(abs(skew - 120.127) < 0.001)
    }

    /// The agent's dev text prints its host's local time without a zone: a host at UTC+8 read as
    /// UTC (no `--tz`) stamps the rejection 8 hours late, after the token's nbf: no negative skew
    /// (`the token's nbf is -7 h 58 min ahead`) is estimated.
    @Test func aLineStampedAfterTheNbfGivesNoSkew() throws {
        let line = "2026-08-20 09:09:17,000 - ERROR livekit - livekit::rtc_engine:731:livekit::rtc_engine - resuming connection failed: signal failure: client error: 401 Unauthorized - invalid token: \(Self.token), error: go-jose/go-jose/jwt: validation failed, token not valid yet (nbf)"
        let report = analyze(log: line, name: "agent.log")
        let f = try #require(report.findings.first { $0.rule == "token-not-yet-valid" })
        #expect(f.number("skewSeconds") == nil)
        #expect(f.explanation == ["the line's time as read is 7 h 58 min after the token's nbf, so it gives no estimate of the server's skew: its clock runs ahead of the token minter's, or its stamp was read in the wrong zone (`--tz`)"])
    }

    @Test func theAgentsRustLineWithTheSameBodyToo() {
        let line = #"{"message": "livekit::rtc_engine:731:livekit::rtc_engine - resuming connection failed: signal failure: client error: 401 Unauthorized - invalid authorization token: token has invalid claims: token is not valid yet", "level": "ERROR", "name": "livekit", "pid": 4300, "job_id": "AJ_kTm3vPq9Xw2a", "room": "room-abc", "timestamp": "2026-03-17T00:17:31.000000+00:00"}"#
        #expect(EventClassifier(configuration: AnalysisConfiguration()).classify(record(line)) == .authFailure(.notYetValid))
        #expect(analyze(log: line).findings.map(\.rule) == ["token-not-yet-valid"])
    }
}
