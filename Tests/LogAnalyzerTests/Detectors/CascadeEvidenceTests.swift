import Testing

@testable import LogAnalyzer

/// The cascade's evidence lists each line once.
@Suite struct CascadeEvidenceTests {
    // The rejected browser token (15 minutes, user-7c1e in support-room-q8), the server's 401 body
    // with it, and the browser's context objects (the room's, and an id-less one).
    private let token = makeJWT(#"{"exp":1764771300,"iss":"APIq7Rm2Xc9LbT4","name":"user-7c1e","nbf":1764770400,"sub":"user-7c1e","video":{"canPublish":true,"canSubscribe":true,"room":"support-room-q8","roomJoin":true}}"#)
    private var body: String { "invalid token: \(token), error: go-jose/go-jose/jwt: validation failed, token is expired (exp)" }
    private let ctx = "{room: 'support-room-q8', roomID: 'RM_Vd3kQ8pLx2Zn', participant: 'user-7c1e', pID: 'PA_Hs4nB7wKq9Ct'}"
    private let none = "{room: undefined, roomID: undefined, participant: undefined, pID: undefined}"

    /// The server rejects the browser's cached 15-minute token on `/rtc` and `/rtc/validate`
    /// (livekit/livekit pkg/service/utils.go handleError), then the app logs its caught
    /// ConnectionError: the browser's one line is both its side's first 401 and the last one.
    /// It was listed twice ("first 401 (browser)" and "last 401").
    @Test func aSidesOnlyLineThatIsAlsoTheLastIsListedOnce() throws {
        // user-7c1e in support-room-q8, nbf 2025-12-03 14:00:00, exp 14:15:00.
        func server(_ time: String, _ path: String) -> String {
            "2025-12-03T\(time)Z\tWARN\tlivekit\tservice/utils.go:85\terror handling request\t"
                + #"{"error": "\#(body)", "status": 401, "method": "GET", "path": "\#(path)"}"#
        }
        let report = analyze(files: [
            ("server.log", [server("14:19:40.311", "/rtc"), server("14:19:40.352", "/rtc/validate")]),
            ("browser.log", ["14:19:40.366 support.js:88 reconnect failed ConnectionError: could not establish signal connection: \(body)"]),
        ])
        let f = try #require(report.findings.first { $0.rule == "auth-expiry-cascade" })
        #expect(f.value("failures") == .integer(3))
        #expect(f.evidence.map(\.role) == ["first 401", "first 401 (browser)"])
        #expect(f.evidence.map(\.location.line) == [1, 1])
    }

    /// The same rejection with the browser's console before it: connected at 14:00:00, then
    /// `signal connecting to` at 14:19:40 (livekit-client SignalClient.connect, a new
    /// Room.connect()). The token lived its own 15 minutes, so early-token-death is silent and
    /// the cascade is the only finding: it now says how an expired token was sent at all.
    @Test func aRejectionAsTheBrowserConnectsAnewIsTheAppsReconnect() throws {
        let report = analyze(files: [
            ("server.log", [
                "2025-12-03T14:19:40.311Z\tWARN\tlivekit\tservice/utils.go:85\terror handling request\t"
                    + #"{"error": "\#(body)", "status": 401, "method": "GET", "path": "/rtc"}"#
            ]),
            ("browser.log", [
                "14:00:00.688 livekit-client.esm.mjs:18392 signal connected \(ctx)",
                "14:16:32.114 livekit-client.esm.mjs:20685 could not recover connection after 4 attempts, 29597ms. giving up \(ctx)",
                "14:19:40.018 livekit-client.esm.mjs:18214 signal connecting to wss://support-demo.livekit.cloud \(none)",
                "14:19:40.366 support.js:88 reconnect failed ConnectionError: could not establish signal connection: \(body)",
            ]),
        ])
        #expect(report.findings.map(\.rule) == ["auth-expiry-cascade"])
        let f = try #require(report.findings.first)
        #expect(f.explanation.last == "the browser was rejected when it connected anew (`signal connecting to wss://support-demo.livekit.cloud` at 2025-12-03 14:19:40; its first connection was at 2025-12-03 14:00:00): the app called connect() again with the token it had kept, 4 min 40 s after that token's exp (2025-12-03 14:15:00) - a connected SDK resumes with the token the server refreshed, not the app's")
        #expect(f.evidence.map(\.role) == ["connected anew", "first 401", "first 401 (browser)"])
        #expect(f.primary?.role == "first 401")
    }

    /// The app then fetched a fresh token and connected again: the browser logged `signal
    /// connected` 1.5 s after its 401 (livekit-client SignalClient.handleSignalConnected). The
    /// cascade said `recovered: unknown` at error severity, as if the user had been left out.
    @Test func aBrowserThatConnectsAgainAfterItsRejectedConnectRecovered() throws {
        let browser = [
            "14:00:00.688 livekit-client.esm.mjs:18392 signal connected \(ctx)",
            "14:16:32.114 livekit-client.esm.mjs:20685 could not recover connection after 4 attempts, 29597ms. giving up \(ctx)",
            "14:19:40.018 livekit-client.esm.mjs:18214 signal connecting to wss://support-demo.livekit.cloud \(none)",
            "14:19:40.366 support.js:88 reconnect failed ConnectionError: could not establish signal connection: \(body)",
        ]
        let server = "2025-12-03T14:19:40.311Z\tWARN\tlivekit\tservice/utils.go:85\terror handling request\t"
            + #"{"error": "\#(body)", "status": 401, "method": "GET", "path": "/rtc"}"#
        let again = [
            "14:19:41.520 livekit-client.esm.mjs:18214 signal connecting to wss://support-demo.livekit.cloud \(none)",
            "14:19:41.902 livekit-client.esm.mjs:18392 signal connected \(ctx)",
        ]
        let report = analyze(files: [("server.log", [server]), ("browser.log", browser + again)])
        let f = try #require(report.findings.first { $0.rule == "auth-expiry-cascade" })
        #expect(f.severity == .warning)
        #expect(f.value("recovered") == .text("yes"))
        #expect(f.explanation.contains("the session recovered at 2025-12-03 14:19:41"))
        #expect(f.evidence.map(\.role) == ["connected anew", "first 401", "first 401 (browser)", "recovered"])
        #expect(f.evidence.last?.location.line == 6)
        // Connecting again without getting in is no recovery.
        let stillOut = analyze(files: [("server.log", [server]), ("browser.log", browser + [again[0]])])
        let g = try #require(stillOut.findings.first { $0.rule == "auth-expiry-cascade" })
        #expect(g.severity == .error)
        #expect(g.value("recovered") == .text("unknown"))
    }

    /// Two calls from one browser console a minute apart: the second call's session also holds
    /// the first call's id-less `signal connecting to …` (an id-less line joins every session of
    /// its log active then, ± 2 min). The explanation dated the second call's first connection
    /// from that borrowed line, 14:00:00, not from its own, 14:01:00.
    @Test func theFirstConnectionIsTheSessionsOwn() throws {
        let first = "{room: 'support-room-q7', roomID: 'RM_Lw8cN3pXz5Qa', participant: 'user-51b0', pID: 'PA_Tg2mK9vRs4Hd'}"
        let report = analyze(files: [
            ("server.log", [
                "2025-12-03T14:19:40.311Z\tWARN\tlivekit\tservice/utils.go:85\terror handling request\t"
                    + #"{"error": "\#(body)", "status": 401, "method": "GET", "path": "/rtc"}"#
            ]),
            ("browser.log", [
                "14:00:00.010 livekit-client.esm.mjs:18214 signal connecting to wss://support-demo.livekit.cloud \(none)",
                "14:00:00.688 livekit-client.esm.mjs:18392 signal connected \(first)",
                "14:01:00.020 livekit-client.esm.mjs:18214 signal connecting to wss://support-demo.livekit.cloud \(none)",
                "14:01:00.512 livekit-client.esm.mjs:18392 signal connected \(ctx)",
                "14:16:32.114 livekit-client.esm.mjs:20685 could not recover connection after 4 attempts, 29597ms. giving up \(ctx)",
                "14:19:40.018 livekit-client.esm.mjs:18214 signal connecting to wss://support-demo.livekit.cloud \(none)",
                "14:19:40.366 support.js:88 reconnect failed ConnectionError: could not establish signal connection: \(body)",
                "14:40:00.100 livekit-client.esm.mjs:20512 disconnect from room \(first)",
            ]),
        ])
        let f = try #require(report.findings.first { $0.rule == "auth-expiry-cascade" })
        #expect(f.room == "support-room-q8")
        #expect(f.explanation.last == "the browser was rejected when it connected anew (`signal connecting to wss://support-demo.livekit.cloud` at 2025-12-03 14:19:40; its first connection was at 2025-12-03 14:01:00): the app called connect() again with the token it had kept, 4 min 40 s after that token's exp (2025-12-03 14:15:00) - a connected SDK resumes with the token the server refreshed, not the app's")
    }
}
