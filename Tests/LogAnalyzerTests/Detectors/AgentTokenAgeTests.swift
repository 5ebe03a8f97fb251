import Testing

@testable import LogAnalyzer

/// The agent's tokens all come from the server (the job's, then a refresh every 5 minutes): the
/// nbf of the one it was rejected with tells how long nothing reached it, also when the logs
/// hold no silence of its own.
@Suite struct AgentTokenAgeTests {
    /// agent-AJ_Vr3cK7pHs1Nq's token as a v1.13.3 server refreshed it at 09:20:00, keeping the
    /// job token's expiry 10:00:00 (pkg/service/roommanager.go refreshToken).
    static let token = makeJWT(#"{"exp":1789034400,"iss":"APIq7Rm2Xc9LbT4","nbf":1789032000,"sub":"agent-AJ_Vr3cK7pHs1Nq","video":{"canPublish":true,"canSubscribe":true,"room":"clinic-9qq4","roomJoin":true}}"#)

    /// The agent's host slept from 09:22:58 to 10:31:12 (v1.13.3 JSON server log, agents 1.6
    /// JSON), and the logs given start when it woke (the session had been finalised during the
    /// silence before a job still running kept its session longer, `OpenSessionIdleTests`): the
    /// finding said "token dead after 0.18 s … (cause not visible in these logs)" and told to
    /// check the backend's TTL, which never mints the agent's token.
    @Test func aRejectedAgentTokenRefreshedLongAgoDatesTheSessionAndTheSilence() throws {
        let job = #""pid": 77, "job_id": "AJ_Vr3cK7pHs1Nq", "room": "clinic-9qq4""#
        let rust = "livekit::rtc_engine:731:livekit::rtc_engine - "
        let report = analyze(files: [
            ("server.log", [
                #"{"level":"warn","ts":1789036272.588,"logger":"livekit","caller":"service/utils.go:85","msg":"error handling request","error":"invalid token: \#(Self.token), error: token has invalid claims: token is expired","status":401,"method":"GET","path":"/rtc/v1"}"#,
            ]),
            ("agent.log", [
                #"{"message": "\#(rust)resuming connection... attempt: 0", "level": "ERROR", "name": "livekit", \#(job), "timestamp": "2026-09-10T10:31:12.410511+00:00"}"#,
                #"{"message": "\#(rust)resuming connection failed: signal failure: client error: 401 Unauthorized - invalid token: \#(Self.token), error: token has invalid claims: token is expired", "level": "ERROR", "name": "livekit", \#(job), "timestamp": "2026-09-10T10:31:12.601220+00:00"}"#,
            ]),
        ], configure: { $0.configuredTokenTTLSeconds = 7200 })
        let deaths = report.findings.filter { $0.rule == "early-token-death" }
        #expect(deaths.count == 1)
        let f = try #require(deaths.first)
        #expect(f.message == "token dead after 1 h 11 min 12 s of a configured 2 h TTL (most likely a suspended host or process)")
        #expect(abs(try #require(f.number("lifetimeSeconds")) - 4272.588) < 0.0005)
        #expect(abs(try #require(f.number("sinceLastRefreshSeconds")) - 4272.588) < 0.0005)
        #expect(f.value("cause") == .text("suspended-host"))
        #expect(f.explanation == [
            "the rejected token dates from 2026-09-10 09:20:00 (its nbf), before the session's first line here at 2026-09-10 10:31:12, so its lifetime counts from then (a log that starts late, a session finalised after --session-idle of silence that went on as a new one, or a token minted a while before it was used); first rejected as expired 2026-09-10 10:31:12",
            "the server last minted or refreshed the agent's token at 2026-09-10 09:20:00 (its nbf), 1 h 11 min 12 s before the failure: a connected agent gets a new one every 5 min, so nothing reached it for that long",
        ])
    }
}

/// Without a configured TTL or a mint line, the agent's own rejected token still has a known
/// TTL: the server mints the job's token valid for 1 h. A suspended host that kills it 20 min in
/// is an early death (agents 1.6 JSON, busy worker's last job, no server log).
@Suite struct AgentJobTokenTTLTests {
    static func log(sub: String) -> [String] {
        // Refreshed at 12:23:48 for 10 min (exp - nbf = 600 s), v1.12 server.
        let token = makeJWT(#"{"exp":1795178028,"iss":"APIq7Rm2Xc9LbT4","nbf":1795177428,"sub":"\#(sub)","video":{"room":"room-suspend1","roomJoin":true}}"#)
        let job = #""pid": 49999, "job_id": "AJ_ZY3z9yII90DU", "room": "room-suspend1""#
        let rust = "livekit::rtc_engine:729:livekit::rtc_engine - "
        let body = "invalid token: \(token), error: go-jose/go-jose/jwt: validation failed, token is expired (exp)"
        return [
            #"{"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "AJ_ZY3z9yII90DU", "dispatch_id": "AD_AGTuunYMIK3T", "room": "room-suspend1", "room_id": "RM_CbdO2GFzHLRr", "agent_name": "", "resuming": false, "enable_recording": false, "timestamp": "2026-11-20T12:18:48.900000+00:00"}"#,
            #"{"message": "Generating initial greeting", "level": "INFO", "name": "agent", \#(job), "timestamp": "2026-11-20T12:18:50.000000+00:00"}"#,
            #"{"message": "Voice agent running for room room-suspend1", "level": "INFO", "name": "agent", \#(job), "timestamp": "2026-11-20T12:18:51.200000+00:00"}"#,
            #"{"message": "EOU metrics", "level": "INFO", "name": "livekit.agents", "end_of_utterance_delay": 0.62, "transcription_delay": 0.31, \#(job), "timestamp": "2026-11-20T12:24:48.000000+00:00"}"#,
            #"{"message": "failed to connect to livekit, retrying in 0s", "level": "WARNING", "name": "livekit.agents", "retry_count": 0, "max_retry": 16, "error": "worker connection closed unexpectedly", "timestamp": "2026-11-20T12:39:18.900000+00:00"}"#,
            #"{"message": "\#(rust)resuming connection... attempt: 0", "level": "ERROR", "name": "livekit", \#(job), "timestamp": "2026-11-20T12:39:18.960000+00:00"}"#,
            #"{"message": "\#(rust)resuming connection failed: client error: 401 Unauthorized - \#(body)", "level": "ERROR", "name": "livekit", \#(job), "timestamp": "2026-11-20T12:39:19.300000+00:00"}"#,
        ]
    }

    @Test func theAgentsJobTokenDyingBeforeItsHourIsAnEarlyDeath() throws {
        let report = analyze(files: [("agent.log", Self.log(sub: "agent-AJ_ZY3z9yII90DU"))])
        let deaths = report.findings.filter { $0.rule == "early-token-death" }
        #expect(deaths.count == 1)
        let f = try #require(deaths.first)
        #expect(f.message == "token dead after 20 min 30 s of the 1 h TTL the server mints the agent's job token with (most likely a suspended host or process)")
        #expect(f.number("configuredTtlSeconds") == 3600)
        #expect(f.value("configuredTtlSource") == .text("agent job token (server-minted, 1 h)"))
        #expect(abs(try #require(f.number("lifetimeSeconds")) - 1230.4) < 0.0005)
        #expect(f.value("cause") == .text("suspended-host"))
    }

    /// A browser's token keeps needing a configured or minted TTL.
    @Test func anotherTokenWithoutATTLStaysSilent() {
        let report = analyze(files: [("agent.log", Self.log(sub: "user-4465"))])
        #expect(report.findings.filter { $0.rule == "early-token-death" }.isEmpty)
        #expect(report.findings.filter { $0.rule == "auth-expiry-cascade" }.count == 1)
    }
}
