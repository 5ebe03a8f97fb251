import Testing

@testable import LogAnalyzer

/// A session whose agent is still in its room (its job logged, neither its process's end nor
/// the room's close) is not finalised after `--session-idle` of silence: a host suspended for
/// longer than that wakes to a 401 cascade that belongs to the same session, and the silence
/// is the evidence.
@Suite struct OpenSessionIdleTests {
    static let job = #""pid": 4242, "job_id": "AJ_Qk82KfgW9PTz", "room": "assist-zen7wp""#
    static let rust = "livekit::rtc_engine:729:livekit::rtc_engine - "
    /// The agent's token as a v1.12 server refreshed it at 21:06:57 (10-minute validity).
    static let token = makeJWT(#"{"exp":1781299017,"iss":"APIq7Rm2Xc9LbT4w","nbf":1781298417,"sub":"agent-AJ_Qk82KfgW9PTz","video":{"room":"assist-zen7wp","roomJoin":true}}"#)

    static func agent(_ message: String, _ level: String, _ name: String, _ extras: String, _ time: String) -> String {
        #"{"message": "\#(message)", "level": "\#(level)", "name": "\#(name)", \#(extras)"timestamp": "2026-06-12T\#(time)+00:00"}"#
    }

    /// The agent's laptop slept from 21:08:58 to 21:49:45 (41 min, over the default 30-min
    /// --session-idle). The session was finalised during the silence, so the failure began a
    /// second session 43 s long: early-token-death gave cause `server-refreshed-token`, a
    /// lifetime counted from the token's nbf (2568 s) and no silence.
    @Test func aHostSuspendedLongerThanTheIdleTimeKeepsItsSessionAndItsSilence() throws {
        let report = analyze(files: [
            ("server.log", [
                "2026-06-12T21:01:56.000Z\tINFO\tlivekit\tservice/roommanager.go:371\tstarting RTC session\t" + #"{"room": "assist-zen7wp", "roomID": "RM_1vlxXdyV7qpR", "participant": "agent-AJ_Qk82KfgW9PTz", "participantID": "PA_Hn3kR8sWq2Lm", "numParticipants": 1}"#,
                "2026-06-12T21:49:45.120Z\tWARN\tlivekit\tservice/utils.go:57\terror handling request\t" + #"{"error": "invalid token: \#(Self.token), error: go-jose/go-jose/jwt: validation failed, token is expired (exp)", "status": 401, "method": "GET", "path": "/rtc"}"#,
            ]),
            ("agent.log", [
                Self.agent("received job request", "INFO", "livekit.agents", #""job_id": "AJ_Qk82KfgW9PTz", "dispatch_id": "AD_Tq2Wv5Nc3Hr8", "room": "assist-zen7wp", "room_id": "RM_1vlxXdyV7qpR", "agent_name": "", "resuming": false, "enable_recording": false, "#, "21:01:55.500000"),
                Self.agent("LLM metrics", "INFO", "livekit.agents", #""ttft": 0.41, "prompt_tokens": 1520, "prompt_cached_tokens": 0, "completion_tokens": 38, "tokens_per_second": 44.1, \#(Self.job), "#, "21:08:58.000000"),
                Self.agent("\(Self.rust)resuming connection... attempt: 0", "ERROR", "livekit", Self.job + ", ", "21:49:45.020000"),
                Self.agent("\(Self.rust)resuming connection failed: client error: 401 Unauthorized - invalid token: \(Self.token), error: go-jose/go-jose/jwt: validation failed, token is expired (exp)", "ERROR", "livekit", Self.job + ", ", "21:49:45.150000"),
            ]),
        ], configure: { $0.configuredTokenTTLSeconds = 7200 })
        #expect(report.sessions.map(\.key) == ["assist-zen7wp/RM_1vlxXdyV7qpR"])
        let deaths = report.findings.filter { $0.rule == "early-token-death" }
        #expect(deaths.count == 1)
        let f = try #require(deaths.first)
        #expect(f.value("cause") == .text("suspended-host"))
        // From the session's first line (21:01:55.500) to the first rejection (21:49:45.120).
        #expect(abs(try #require(f.number("lifetimeSeconds")) - 2869.62) < 0.0005)
        #expect(abs(try #require(f.number("silentGapSeconds")) - 2447.02) < 0.0005)
    }

    /// A user who stays silent in the room for 35 minutes: one session, not two.
    @Test func anIdleUserKeepsTheSessionWhileTheJobRuns() {
        let report = analyze(files: [
            ("agent.log", [
                Self.agent("received job request", "INFO", "livekit.agents", #""job_id": "AJ_Qk82KfgW9PTz", "dispatch_id": "AD_Tq2Wv5Nc3Hr8", "room": "assist-zen7wp", "room_id": "RM_1vlxXdyV7qpR", "agent_name": "", "resuming": false, "enable_recording": false, "#, "21:01:55.500000"),
                Self.agent("LLM metrics", "INFO", "livekit.agents", #""ttft": 0.41, "prompt_tokens": 1520, "prompt_cached_tokens": 0, "completion_tokens": 38, "tokens_per_second": 44.1, \#(Self.job), "#, "21:03:00.000000"),
                Self.agent("LLM metrics", "INFO", "livekit.agents", #""ttft": 0.38, "prompt_tokens": 1720, "prompt_cached_tokens": 0, "completion_tokens": 21, "tokens_per_second": 40.3, \#(Self.job), "#, "21:38:30.000000"),
                Self.agent("process exiting", "INFO", "livekit.agents", #""reason": "", \#(Self.job), "#, "21:40:00.000000"),
            ]),
        ])
        #expect(report.sessions.map(\.key) == ["assist-zen7wp/RM_1vlxXdyV7qpR"])
        #expect(report.sessions.map(\.recordCount) == [4])
    }

    /// Once every job of the session ended, the session goes idle after `--session-idle` as
    /// before: a later line naming the job begins a session of its own.
    @Test func aSessionWhoseJobEndedIsFinalisedAfterTheIdleTime() {
        let report = analyze(files: [
            ("agent.log", [
                Self.agent("received job request", "INFO", "livekit.agents", #""job_id": "AJ_Qk82KfgW9PTz", "dispatch_id": "AD_Tq2Wv5Nc3Hr8", "room": "assist-zen7wp", "room_id": "RM_1vlxXdyV7qpR", "agent_name": "", "resuming": false, "enable_recording": false, "#, "21:01:55.500000"),
                Self.agent("process exiting", "INFO", "livekit.agents", #""reason": "", \#(Self.job), "#, "21:03:00.000000"),
                Self.agent("LLM metrics", "INFO", "livekit.agents", #""ttft": 0.38, "prompt_tokens": 1720, "prompt_cached_tokens": 0, "completion_tokens": 21, "tokens_per_second": 40.3, "job_id": "AJ_Qk82KfgW9PTz", "#, "21:38:30.000000"),
            ]),
        ])
        #expect(report.sessions.count == 2)
    }

    /// A browser whose laptop slept 50 min while its room closed without it (the server dropped
    /// the participant, the agent's job ended): it wakes, resumes with a token that expired
    /// meanwhile and gives up. The session was finalised during the sleep, so the cascade
    /// began a session without the job, the browser's silence or its start (lifetime counted
    /// from the token's nbf: 45 min 37 s). The browser never logged its end before the sleep:
    /// it may come back, as an agent still in its room may.
    static let browserToken = makeJWT(#"{"exp":1783854398,"iss":"APIUtzGe26Wgw5N","nbf":1783853798,"sub":"user-tquvy","video":{"room":"sales-lyx72m","roomJoin":true}}"#)
    static let context = "{room: 'sales-lyx72m', roomID: 'RM_rm9zMbc2L5AQ', participant: 'user-tquvy', participantID: 'PA_EebhpotPt3v2', …}"

    static func sleptBrowserRun(disconnectedBeforeSleep: Bool) -> Report {
        var browser = [
            "10:51:38.568 livekit-client.esm.mjs:20771 signal connecting to wss://demo-tmhocj2n.livekit.cloud",
            "10:51:38.738 livekit-client.esm.mjs:8539 received server answer \(Self.context)",
        ]
        if disconnectedBeforeSleep { browser.append("10:51:40.100 livekit-client.esm.mjs:21840 disconnect from room \(Self.context)") }
        browser += [
            "11:42:14.991 livekit-client.esm.mjs:19012 websocket closed {code: 1006, reason: '', wasClean: false, room: 'sales-lyx72m', roomID: 'RM_rm9zMbc2L5AQ', …}",
            "11:42:15.291 livekit-client.esm.mjs:21488 resuming signal connection, attempt 0 \(Self.context)",
            "11:42:15.395 ConnectionError: could not establish signal connection: invalid token: \(Self.browserToken), error: go-jose/go-jose/jwt: validation failed, token is expired (exp)",
            "    at SignalClient.handleConnectionError (livekit-client.esm.mjs:19420:20)",
            "11:42:22.687 livekit-client.esm.mjs:21590 could not recover connection after 5 attempts, 7696ms. giving up",
        ]
        let zap = "\tINFO\tlivekit"
        return analyze(files: [
            ("server.log", [
                "2026-07-12T10:51:38.626Z\(zap)\tservice/roommanager.go:371\tstarting RTC session\t" + #"{"room": "sales-lyx72m", "roomID": "RM_rm9zMbc2L5AQ", "participant": "user-tquvy", "participantID": "PA_EebhpotPt3v2", "numParticipants": 0}"#,
                "2026-07-12T10:51:39.001Z\tINFO\tlivekit.agents\tagent/worker.go:310\tassigned job to worker\t" + #"{"jobID": "AJ_f2Cew2vASCe5", "room": "sales-lyx72m", "workerID": "AW_PX6UYHVsDvlx"}"#,
                "2026-07-12T10:59:26.446Z\(zap)\trtc/participant.go:1043\tparticipant closing\t" + #"{"room": "sales-lyx72m", "roomID": "RM_rm9zMbc2L5AQ", "participant": "user-tquvy", "participantID": "PA_EebhpotPt3v2", "sendLeave": false, "reason": "PEER_CONNECTION_DISCONNECTED"}"#,
                "2026-07-12T10:59:51.446Z\tINFO\tlivekit.room\tservice/roommanager.go:620\troom closed\t" + #"{"room": "sales-lyx72m", "roomID": "RM_rm9zMbc2L5AQ"}"#,
                "2026-07-12T11:42:15.355Z\tWARN\tlivekit\tservice/utils.go:57\terror handling request\t" + #"{"error": "invalid token: \#(Self.browserToken), error: go-jose/go-jose/jwt: validation failed, token is expired (exp)", "status": 401, "method": "GET", "path": "/rtc"}"#,
            ]),
            ("browser.log", browser),
        ], configure: { $0.configuredTokenTTLSeconds = 7200 })
    }

    @Test func aBrowserThatSleptPastItsRoomsCloseKeepsItsSession() throws {
        let report = Self.sleptBrowserRun(disconnectedBeforeSleep: false)
        #expect(report.sessions.map(\.key) == ["sales-lyx72m/RM_rm9zMbc2L5AQ"])
        #expect(report.sessions.first?.jobIds == ["AJ_f2Cew2vASCe5"])
        let f = try #require(report.findings.first { $0.rule == "early-token-death" })
        #expect(f.value("cause") == .text("suspended-host"))
        // From the session's start (the server's 10:51:38.626; the browser's first line names no
        // room) to the first rejection (11:42:15.355).
        #expect(abs(try #require(f.number("lifetimeSeconds")) - 3036.729) < 0.0005)
    }

    /// A browser that logged its end (`disconnect from room`) is done: its session goes idle
    /// after `--session-idle` as before, and a later line of the room begins another.
    @Test func aBrowserThatDisconnectedIsFinalisedAfterTheIdleTime() {
        let report = Self.sleptBrowserRun(disconnectedBeforeSleep: true)
        #expect(report.sessions.count == 2)
    }
}
