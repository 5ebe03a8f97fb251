import Foundation
import Testing

@testable import LogAnalyzer

/// Without a configured TTL, `early-token-death` takes the TTL from the backend's mint line: the
/// token it printed (exp - nbf, as livekit-api's `AccessToken.with_ttl` sets them) or its `ttl=`.
@Suite struct MintedTTLTests {
    // 2026-03-17T00:00:00Z
    static let t0 = 1_773_705_600
    static let minted = makeJWT(#"{"video":{"roomJoin":true,"room":"room-abc"},"sub":"user-1","iss":"APIdevkey1234","nbf":\#(t0),"exp":\#(t0 + 7200)}"#)
    static let refreshed = makeJWT(#"{"video":{"roomJoin":true,"room":"room-abc"},"sub":"agent-AJ_kTm3vPq9Xw2a","iss":"APIdevkey1234","nbf":\#(t0 + 300),"exp":\#(t0 + 900)}"#)

    static func agent(_ stamp: String, _ message: String, level: String = "INFO", name: String = "livekit.agents") -> String {
        #"{"message": "\#(message)", "level": "\#(level)", "name": "\#(name)", "pid": 4300, "job_id": "AJ_kTm3vPq9Xw2a", "room": "room-abc", "timestamp": "2026-03-17T\#(stamp)+00:00"}"#
    }

    static var agentLog: String {
        let rejected = "livekit::rtc_engine:731:livekit::rtc_engine - resuming connection failed: signal failure: client error: 401 Unauthorized - invalid token: \(refreshed), error: go-jose/go-jose/jwt: validation failed, token is expired (exp)"
        return [
            agent("00:00:05.000000", "Session created"),
            agent("00:05:10.000000", "received user transcript"),
            agent("00:17:30.000000", "worker connection closed unexpectedly", level: "WARNING"),
            agent("00:17:31.000000", rejected, level: "ERROR", name: "livekit"),
            agent("00:17:33.000000", rejected, level: "ERROR", name: "livekit"),
        ].joined(separator: "\n") + "\n"
    }

    /// The user's token as the server refreshed it (valid 10 min), which the browser's resume
    /// sent after the network dropped.
    static let refreshedUser = makeJWT(#"{"video":{"roomJoin":true,"room":"room-abc"},"sub":"user-1","iss":"APIdevkey1234","nbf":\#(t0 + 300),"exp":\#(t0 + 900)}"#)

    /// The agent's lines without a rejection, and the browser's console (DevTools timestamps)
    /// whose resume was refused: the rejected token is the user's, which the mint line is of.
    static var userLogs: [(String, String)] {
        let ctx = "{room: 'room-abc', roomID: 'RM_Hc3kWq8Zt5Lm', participant: 'user-1', participantID: 'PA_Jd4nVr2Xs7Qp'}"
        let agentLines = [agent("00:00:05.000000", "Session created"), agent("00:05:10.000000", "received user transcript")]
        return [
            ("agent.log", agentLines.joined(separator: "\n") + "\n"),
            ("browser.log", """
                00:00:06.000 livekit-client.esm.mjs:12100 signal connected \(ctx)
                00:17:30.500 livekit-client.esm.mjs:21000 detected network interruption \(ctx)
                00:17:31.000 livekit-client.esm.mjs:21020 ConnectionError: could not establish signal connection: invalid token: \(refreshedUser), error: go-jose/go-jose/jwt: validation failed, token is expired (exp)

                """),
        ]
    }

    /// The backend's mint line beside the user's rejection (or, `agentRejected`, beside the
    /// agent's own: its token is the server's, minted for the job).
    func run(backend: String, configuration: AnalysisConfiguration = AnalysisConfiguration(), agentRejected: Bool = false) -> Report {
        let dir = TempDir()
        let logs = agentRejected ? [("agent.log", Self.agentLog)] : Self.userLogs
        return analyze(logs.map { dir.write($0.0, $0.1) } + [dir.write("backend.log", backend)], configuration: configuration)
    }

    @Test func theMintedTokensValidityIsTheTTLItDiedBefore() throws {
        // uvicorn's default format: no time on the backend's lines.
        let report = run(backend: "INFO:     minted token for room-abc: \(Self.minted)\n")
        let f = try #require(report.findings.first { $0.rule == "early-token-death" })
        #expect(f.number("configuredTtlSeconds") == 7200)
        #expect(f.value("configuredTtlSource") == .text("minted token (exp - nbf)"))
        #expect(f.number("lifetimeSeconds") == 1046)
        #expect(f.message.hasPrefix("token dead after 17 min 26 s of the 2 h TTL it was minted with ("))
        #expect(f.number("tokenValiditySeconds") == 600)
    }

    @Test func aTTLOnTheMintLineCountsToo() throws {
        let report = run(backend: "2026-03-17 00:00:04,000 - app.tokens - INFO - minted token for identity=user-1 room=room-abc ttl=7200s\n")
        let f = try #require(report.findings.first { $0.rule == "early-token-death" })
        #expect(f.value("configuredTtlSource") == .text("token mint line (ttl=)"))
        #expect(f.number("lifetimeSeconds") == 1047)
    }

    /// A rejected token whose claims show the configured TTL, with no silence before: the cause is
    /// unknown, and the explanation does not say the logs hold no claims (they are quoted).
    @Test func anUnexplainedDeathWithClaimsQuotesThem() throws {
        let rejected = "livekit::rtc_engine:731:livekit::rtc_engine - resuming connection failed: signal failure: client error: 401 Unauthorized - invalid token: \(Self.minted), error: go-jose/go-jose/jwt: validation failed, token is expired (exp)"
        let log = [
            Self.agent("00:00:05.000000", "Session created"),
            Self.agent("00:04:00.000000", "received user transcript"),
            Self.agent("00:08:00.000000", "received user transcript"),
            Self.agent("00:12:00.000000", "received user transcript"),
            Self.agent("00:16:00.000000", "received user transcript"),
            Self.agent("00:17:31.000000", rejected, level: "ERROR", name: "livekit"),
        ].joined(separator: "\n") + "\n"
        var c = AnalysisConfiguration()
        c.configuredTokenTTLSeconds = 7200
        let dir = TempDir()
        let report = analyze([dir.write("agent.log", log)], configuration: c)
        let f = try #require(report.findings.first { $0.rule == "early-token-death" })
        #expect(f.value("cause") == .text("unknown"))
        #expect(f.explanation.last == "no silence before the failure, and the rejected token's claims do not explain it (sub user-1, room room-abc, nbf 2026-03-17 00:00:00, exp 2026-03-17 02:00:00, valid 2 h): check the backend's token TTL, the server's clock and its version (tokens are refreshed to 10-minute ones before v1.13.2)")
    }

    @Test func aConfiguredTTLComesFirst() throws {
        var c = AnalysisConfiguration()
        c.configuredTokenTTLSeconds = 3600
        c.configuredTokenTTLSource = "--token-ttl"
        let report = run(backend: "INFO:     minted token for room-abc: \(Self.minted)\n", configuration: c)
        let f = try #require(report.findings.first { $0.rule == "early-token-death" })
        #expect(f.number("configuredTtlSeconds") == 3600)
        #expect(f.value("configuredTtlSource") == .text("--token-ttl"))
        #expect(f.message.hasPrefix("token dead after 17 min 26 s of a configured 1 h TTL ("))
    }

    /// (The rejected token is the agent's refreshed one: its job token's 1 h is the TTL then, not
    /// the printed token's 2 h.)
    @Test func aTokenPrintedWithoutSayingItWasMintedIsNoMint() {
        let report = run(backend: "INFO:     token for room-abc: \(Self.minted)\n", agentRejected: true)
        let deaths = report.findings.filter { $0.rule == "early-token-death" }
        #expect(deaths.map { $0.value("configuredTtlSource") } == [.text("agent job token (server-minted, 1 h)")])
        #expect(deaths.map { $0.number("configuredTtlSeconds") } == [3600])
    }

    /// The agent's own refreshed token dies 17 min 27 s into the session (which the mint line
    /// begins at 00:00:04): the backend minted the user a
    /// 15-minute token, but the agent's is the server's, minted for the job for 1 h. Measured
    /// against the user's 15 min, it had lived past its TTL and the silent job was not found.
    @Test func theAgentsOwnTokenIsMeasuredAgainstItsJobTokenNotTheUsersMint() throws {
        let report = run(backend: "2026-03-17 00:00:04,000 - app.tokens - INFO - minted token for identity=user-1 room=room-abc ttl=900s\n", agentRejected: true)
        let f = try #require(report.findings.first { $0.rule == "early-token-death" })
        #expect(f.number("configuredTtlSeconds") == 3600)
        #expect(f.value("configuredTtlSource") == .text("agent job token (server-minted, 1 h)"))
        #expect(f.number("lifetimeSeconds") == 1047)
        #expect(f.message.hasPrefix("token dead after 17 min 27 s of the 1 h TTL the server mints the agent's job token with ("))
        #expect(!f.evidence.contains { $0.role == "token minted" })
    }

    @Test func aGETOfTheTokenEndpointIsAMint() {
        let kind = EventClassifier(configuration: AnalysisConfiguration())
            .classify(record(#"INFO:     127.0.0.1:54321 - "GET /api/token?room=room-abc&identity=user-1 HTTP/1.1" 200 OK"#))
        #expect(kind == .tokenMinted(ttlSeconds: nil))
    }
}

/// A backend behind kubectl `--timestamps` (or compose `-t`, journald): its uvicorn access lines
/// get a time, and the one of an earlier session's token request joins this session too.
@Suite struct StampedAccessLineMintTests {
    static let backend = """
        2026-03-17T00:00:00.100150123Z 2026-03-17 00:00:00,100 - app.tokens - INFO - minted token for identity=user-0 room=room-xyz ttl=7200s
        2026-03-17T00:00:00.150150123Z INFO:     10.0.0.7:51512 - "POST /api/token HTTP/1.1" 200 OK
        2026-03-17T00:00:04.000150123Z 2026-03-17 00:00:04,000 - app.tokens - INFO - minted token for identity=user-1 room=room-abc ttl=7200s
        2026-03-17T00:00:04.050150123Z INFO:     10.0.0.7:51514 - "POST /api/token HTTP/1.1" 200 OK

        """

    func run(configuration: AnalysisConfiguration = AnalysisConfiguration()) throws -> Finding {
        let dir = TempDir()
        let report = analyze(MintedTTLTests.userLogs.map { dir.write($0.0, $0.1) } + [dir.write("backend.log", Self.backend)], configuration: configuration)
        return try #require(report.findings.first { $0.rule == "early-token-death" && $0.room == "room-abc" })
    }

    @Test func theSessionsOwnMintLineGivesTheTTL() throws {
        let f = try run()
        #expect(f.value("configuredTtlSource") == .text("token mint line (ttl=)"))
        #expect(f.number("lifetimeSeconds") == 1047)
    }

    @Test func theSessionsOwnMintLineIsWhenItWasBorn() throws {
        var c = AnalysisConfiguration()
        c.configuredTokenTTLSeconds = 7200
        #expect(try run(configuration: c).number("lifetimeSeconds") == 1047)
    }
}
