import Testing

@testable import LogAnalyzer

/// A backend whose clock runs 185 s ahead mints tokens the server refuses as not valid yet, each
/// of them three times: the server's `/rtc` and `/rtc/validate` 401s (livekit/livekit
/// pkg/service/utils.go handleError, WARN `error handling request` with `status`, `method`,
/// `path`; the body from go-jose `ErrNotValidYet`) and the app's uncaught ConnectionError in the
/// browser (livekit-client SignalClient.handleConnectionError reads the body from `/rtc/validate`).
@Suite struct ClockSkewTokenCountTests {
    // guest-5d2e in demo-room-r4, minted 2 h valid by a backend 185 s ahead of the server:
    // nbf 2025-11-20 11:03:09 and 11:03:36 (the server's 11:00:04 and 11:00:31).
    static let first = makeJWT(#"{"exp":1763643789,"iss":"APIq7Rm2Xc9LbT4","name":"guest-5d2e","nbf":1763636589,"sub":"guest-5d2e","video":{"canPublish":true,"canSubscribe":true,"room":"demo-room-r4","roomJoin":true}}"#)
    static let second = makeJWT(#"{"exp":1763643816,"iss":"APIq7Rm2Xc9LbT4","name":"guest-5d2e","nbf":1763636616,"sub":"guest-5d2e","video":{"canPublish":true,"canSubscribe":true,"room":"demo-room-r4","roomJoin":true}}"#)

    static func server(_ time: String, _ token: String, _ path: String) -> String {
        "2025-11-20T\(time)Z\tWARN\tlivekit\tservice/utils.go:85\terror handling request\t"
            + #"{"error": "invalid token: \#(token), error: go-jose/go-jose/jwt: validation failed, token not valid yet (nbf)", "status": 401, "method": "GET", "path": "\#(path)"}"#
    }

    static func browser(_ time: String, _ token: String) -> String {
        "\(time) app.js:41 Uncaught (in promise) ConnectionError: could not establish signal connection: invalid token: \(token), error: go-jose/go-jose/jwt: validation failed, token not valid yet (nbf)"
    }

    /// It had said "6 tokens rejected" of two tokens rejected three times each.
    @Test func countsTokensNotRejectionsAndShowsTheSteadyOffset() throws {
        let report = analyze(files: [
            ("server.log", [
                Self.server("11:00:04.332", Self.first, "/rtc"), Self.server("11:00:04.421", Self.first, "/rtc/validate"),
                Self.server("11:00:32.089", Self.second, "/rtc"), Self.server("11:00:32.178", Self.second, "/rtc/validate"),
            ]),
            ("browser.log", [Self.browser("11:00:04.460", Self.first), Self.browser("11:00:32.217", Self.second)]),
        ])
        #expect(report.findings.map(\.rule) == ["token-not-yet-valid"])
        let f = try #require(report.findings.first)
        #expect(f.sessionKey == "demo-room-r4")
        #expect(f.message == "2 tokens rejected as not valid yet (nbf), 6 rejections: clock skew between the token minter and the server")
        #expect(f.value("failures") == .integer(6))
        #expect(f.value("tokens") == .integer(2))
        #expect(abs(try #require(f.number("skewSeconds")) - 184.668) < 0.0005)
        #expect(f.explanation == [
            "the nbf of each of the 2 tokens is 3 min 3 s to 3 min 4 s ahead of the rejecting side's clock: a steady offset, so the clock of the host that mints them runs ahead"
        ])
    }

    @Test func oneTokenRejectedTwiceIsOneToken() throws {
        let report = analyze(files: [
            ("server.log", [Self.server("11:00:04.332", Self.first, "/rtc"), Self.server("11:00:04.421", Self.first, "/rtc/validate")])
        ])
        let f = try #require(report.findings.first)
        #expect(f.message == "1 token rejected as not valid yet (nbf), 2 rejections: clock skew between the token minter and the server")
        #expect(f.explanation == ["the token's nbf is 3 min 4 s ahead of the rejecting side's clock"])
    }
}
