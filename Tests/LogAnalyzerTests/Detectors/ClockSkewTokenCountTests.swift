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
        #expect(f.message == "2 tokens rejected as not valid yet (nbf), 6 rejection lines (server 4, browser 2): clock skew between the token minter and the server")
        #expect(f.value("failures") == .integer(6))
        #expect(f.value("tokens") == .integer(2))
        #expect(abs(try #require(f.number("skewSeconds")) - 184.668) < 0.0005)
        #expect(f.explanation == [
            "the nbf of each of the 2 tokens is 3 min 3 s to 3 min 4 s ahead of the rejecting side's clock: a steady offset, so the clock of the host that mints them runs ahead"
        ])
    }

    /// The browser's console saved without DevTools timestamps: its rejection line, untimed,
    /// came first among the session's, and the finding had no time and no skew although the
    /// server's two lines show the token 3 min 4 s before its nbf.
    @Test func anUntimedConsoleLineLeavesTheSkewToTheServersLines() throws {
        let untimed = String(Self.browser("", Self.first).dropFirst())
        let report = analyze(files: [
            ("browser.log", [untimed]),
            ("server.log", [Self.server("11:00:04.332", Self.first, "/rtc"), Self.server("11:00:04.421", Self.first, "/rtc/validate")]),
        ])
        #expect(report.findings.map(\.rule) == ["token-not-yet-valid"])
        let f = try #require(report.findings.first)
        #expect(f.message == "1 token rejected as not valid yet (nbf), 3 rejection lines (server 2, browser 1): clock skew between the token minter and the server")
        #expect(f.at?.iso8601 == "2025-11-20T11:00:04.332Z")
        #expect(abs(try #require(f.number("skewSeconds")) - 184.668) < 0.0005)
        #expect(f.explanation == ["the token's nbf is 3 min 4 s ahead of the rejecting side's clock"])
        #expect(f.evidence.map(\.side) == [.server])
    }

    @Test func oneTokenRejectedTwiceIsOneToken() throws {
        let report = analyze(files: [
            ("server.log", [Self.server("11:00:04.332", Self.first, "/rtc"), Self.server("11:00:04.421", Self.first, "/rtc/validate")])
        ])
        let f = try #require(report.findings.first)
        #expect(f.message == "1 token rejected as not valid yet (nbf), 2 rejection lines (server 2): clock skew between the token minter and the server")
        #expect(f.explanation == ["the token's nbf is 3 min 4 s ahead of the rejecting side's clock"])
    }
}

/// A backend 21 minutes behind the server mints 15-minute tokens that are expired when sent:
/// the server (v1.9 console) rejects each on `/rtc` with go-jose's `token is expired (exp)`, the
/// browser logs the app's uncaught ConnectionError. No silence, no lost connection: the cascade
/// said nothing of why; two tokens minted 38 s apart, each first rejected 21 min after its nbf,
/// are a steady offset (DOMAIN.md (c), clock skew).
@Suite struct ExpiredWhenSentTests {
    // guest-77a1 in demo-room-k2, nbf 2025-11-21 16:19:02 and 16:19:40 (the backend's clock),
    // exp nbf + 900 s.
    static let first = makeJWT(#"{"exp":1763742842,"iss":"APIq7Rm2Xc9LbT4","name":"guest-77a1","nbf":1763741942,"sub":"guest-77a1","video":{"canPublish":true,"canSubscribe":true,"room":"demo-room-k2","roomJoin":true}}"#)
    static let second = makeJWT(#"{"exp":1763742880,"iss":"APIq7Rm2Xc9LbT4","name":"guest-77a1","nbf":1763741980,"sub":"guest-77a1","video":{"canPublish":true,"canSubscribe":true,"room":"demo-room-k2","roomJoin":true}}"#)

    static func server(_ time: String, _ token: String) -> String {
        "2025-11-21T\(time)Z\tWARN\tlivekit\tservice/utils.go:85\terror handling request\t"
            + #"{"error": "invalid token: \#(token), error: go-jose/go-jose/jwt: validation failed, token is expired (exp)", "status": 401, "method": "GET", "path": "/rtc"}"#
    }

    static func browser(_ time: String, _ token: String) -> String {
        "\(time) app.js:41 Uncaught (in promise) ConnectionError: could not establish signal connection: invalid token: \(token), error: go-jose/go-jose/jwt: validation failed, token is expired (exp)"
    }

    @Test func tokensMintedApartAndRejectedTheSameTimeAfterTheirNbfAreClockSkew() throws {
        let report = analyze(files: [
            ("server.log", [Self.server("16:40:02.723", Self.first), Self.server("16:40:40.305", Self.second)]),
            ("browser.log", [Self.browser("16:40:02.851", Self.first), Self.browser("16:40:40.433", Self.second)]),
        ])
        #expect(report.findings.map(\.rule) == ["auth-expiry-cascade"])
        let f = try #require(report.findings.first)
        #expect(f.value("failures") == .integer(4))
        #expect(f.explanation.last == "each of the 2 tokens, minted at different times, was first rejected 21 min after its nbf, past its validity: they were expired when sent, so the clock of the host that mints them runs about that far behind the server's (or the app sends tokens it minted that long before)")
    }

    /// One token (an app's cached one), or tokens one refresh gave (the incident: the agent's
    /// and the browser's, both nbf 00:56:46), say nothing of a clock.
    @Test func oneTokenOrTokensOfOneMomentAreNoOffset() throws {
        let one = analyze(files: [("server.log", [Self.server("16:40:02.723", Self.first), Self.server("16:40:40.305", Self.first)])])
        #expect(one.findings.first?.explanation.contains { $0.contains("minted at different times") } == false)
        let incident = analyzeFixture("incident-real")
        let cascade = try #require(incident.findings.first { $0.rule == "auth-expiry-cascade" })
        #expect(!cascade.explanation.contains { $0.contains("minted at different times") })
    }

    /// A host running the agent and the browser slept: the server's refreshed 10-minute tokens of
    /// both (the agent's `agent-AJ_…`, the browser's) are rejected as it wakes, their nbf 20 s
    /// apart as the two joined: the server minted them, no minting clock is behind.
    @Test func refreshedTokensOfASleptHostAreNoOffset() throws {
        // nbf 2025-11-21 16:19:02 and 16:19:22, exp nbf + 600 s; rejected at 16:40:02 and 16:40:03.
        let agent = makeJWT(#"{"exp":1763742542,"iss":"APIq7Rm2Xc9LbT4","nbf":1763741942,"sub":"agent-AJ_Rb2mT6yHc8Wf","video":{"room":"demo-room-k2","roomJoin":true,"agent":true}}"#)
        let browser = makeJWT(#"{"exp":1763742562,"iss":"APIq7Rm2Xc9LbT4","name":"guest-77a1","nbf":1763741962,"sub":"guest-77a1","video":{"room":"demo-room-k2","roomJoin":true}}"#)
        let report = analyze(files: [
            ("server.log", [Self.server("16:40:02.723", agent), Self.server("16:40:03.305", browser)]),
            ("browser.log", [Self.browser("16:40:03.433", browser)]),
        ])
        let cascade = try #require(report.findings.first { $0.rule == "auth-expiry-cascade" })
        #expect(cascade.value("failures") == .integer(3))
        #expect(!cascade.explanation.contains { $0.contains("minted at different times") })
    }
}
