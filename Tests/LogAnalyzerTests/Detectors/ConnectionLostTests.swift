import Testing

@testable import LogAnalyzer

/// `connection-lost`: a client lost its connection and gave up reconnecting, with no 401 and no
/// server crash or stop in the logs (a server killed without a word: its port refuses).
@Suite struct ConnectionLostTests {
    static let job = #"{"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "AJ_ikLgRDmSdOXj", "dispatch_id": "AD_Ws6nK3cVq8Rb", "room_name": "support-room", "agent_name": "", "resuming": false, "timestamp": "2026-03-17T10:00:01.100000+00:00"}"#
    static func rust(_ message: String, _ level: String, _ time: String) -> String {
        #"{"message": "livekit::rtc_engine:\#(message)", "level": "\#(level)", "name": "livekit", "pid": 5120, "job_id": "AJ_ikLgRDmSdOXj", "timestamp": "2026-03-17T\#(time)000+00:00"}"#
    }
    static let agent = [
        job,
        rust(#"453:livekit::rtc_engine - received session close: \"signal client closed: \\\"stream closed\\\"\" UnknownReason Resume"#, "WARNING", "10:07:12.505"),
        rust("729:livekit::rtc_engine - resuming connection... attempt: 0", "ERROR", "10:07:12.506"),
        rust("731:livekit::rtc_engine - resuming connection failed: signal failure: ws failure: IO error: Connection refused (os error 111)", "ERROR", "10:07:12.510"),
        rust("786:livekit::rtc_engine - failed to reconnect to the livekit room", "ERROR", "10:07:58.000"),
        #"{"message": "process exiting", "level": "INFO", "name": "livekit.agents", "reason": "", "pid": 5120, "job_id": "AJ_ikLgRDmSdOXj", "timestamp": "2026-03-17T10:07:58.600000+00:00"}"#,
    ]

    /// The agent alone: its resumes refused, it gave up (before: no finding, exit 0).
    @Test func anAgentWhoseReconnectsWereRefusedDroppedTheCall() throws {
        let report = analyze(files: [("agent.log", Self.agent)])
        #expect(report.findings.map(\.rule) == ["connection-lost"])
        let f = try #require(report.findings.first)
        #expect(f.severity == .error)
        #expect(f.sessionKey == "support-room")
        #expect(f.at?.iso8601 == "2026-03-17T10:07:12.505Z")
        #expect(f.message == "the agent lost its connection to LiveKit and gave up reconnecting after 45.50 s: every reconnect was refused: nothing listened on the server's address; the call dropped")
        #expect(f.value("side") == .text("agent"))
        #expect(f.value("cause") == .text("refused"))
        #expect(f.value("reconnectSeconds") == .number(45.495))
        #expect(f.value("sides") == .list(["agent"]))
        #expect(f.evidence.map(\.role) == ["connection lost", "reconnect failed", "gave up"])
        #expect(f.evidence.map(\.location.line) == [2, 4, 5])
        #expect(f.explanation.last == "not an authentication problem: no 401 from shortly before the loss on")
    }

    /// The browser alone (its lines say no cause): the cause is unknown, and the advice is the
    /// server's log.
    @Test func aBrowserThatGaveUpWithoutACause() throws {
        let ids = "{room: 'support-room', roomID: 'RM_8JBQ2nlrFwSs', participant: 'user-42', pID: 'PA_Hk3mW9xQzR2b'}"
        let browser = [
            "10:00:00.990 livekit-client.esm.mjs:18392 signal connected \(ids)",
            "10:07:12.498 livekit-client.esm.mjs:18251 websocket closed {room: 'support-room', roomID: 'RM_8JBQ2nlrFwSs', participant: 'user-42', pID: 'PA_Hk3mW9xQzR2b', reason: '', code: 1006, wasClean: false, state: 1}",
            "10:07:12.501 livekit-client.esm.mjs:20858 resuming signal connection, attempt 0 \(ids)",
            "10:07:59.910 livekit-client.esm.mjs:20806 could not recover connection after 10 attempts, 47412ms. giving up \(ids)",
        ]
        let report = analyze(files: [("browser.log", browser)])
        let f = try #require(report.findings.first)
        #expect(report.findings.count == 1)
        #expect(f.message == "the browser lost its connection to LiveKit and gave up reconnecting after 47.41 s: the reconnects failed; the call dropped")
        #expect(f.value("cause") == .text("unknown"))
        #expect(f.evidence.map(\.location.line) == [2, 4])
        #expect(f.explanation[1] == "the attempts' lines do not say why they failed; the server's log at that time does (include it)")
    }

    /// A loss that came back, then a second one given up: the finding is the second's.
    @Test func theLossGivenUpIsTheOneAfterTheLastRecovery() throws {
        let agent = Array(Self.agent.prefix(3)) + [
            Self.rust("885:livekit::rtc_engine - RtcEngine successfully recovered", "INFO", "10:07:14.000"),
            Self.rust("729:livekit::rtc_engine - resuming connection... attempt: 0", "ERROR", "10:20:00.000"),
            Self.rust("731:livekit::rtc_engine - resuming connection failed: signal failure: ws failure: IO error: Connection timed out (os error 110)", "ERROR", "10:20:05.000"),
            Self.rust("786:livekit::rtc_engine - failed to reconnect to the livekit room", "ERROR", "10:20:40.000"),
        ]
        let report = analyze(files: [("agent.log", agent)])
        let f = try #require(report.findings.first { $0.rule == "connection-lost" })
        #expect(f.at?.iso8601 == "2026-03-17T10:20:00.000Z")
        #expect(f.value("cause") == .text("timeout"))
        #expect(f.value("reconnectSeconds") == .number(40))
    }

    /// No finding: the connection came back; the resumes were refused with a 401 (a token's);
    /// the server crashed (`server-exit`'s).
    @Test func noFindingWhenRecoveredOrAnotherRulesCause() {
        let recovered = Array(Self.agent.prefix(4)) + [Self.rust("885:livekit::rtc_engine - RtcEngine successfully recovered", "INFO", "10:07:20.000")]
        #expect(analyze(files: [("agent.log", recovered)]).findings.isEmpty)
        var expired = Self.agent
        expired[3] = Self.rust("731:livekit::rtc_engine - resuming connection failed: signal failure: ws failure: HTTP error: 401 Unauthorized - token is expired", "ERROR", "10:07:12.510")
        #expect(!analyze(files: [("agent.log", expired)]).findings.contains { $0.rule == "connection-lost" })
        let crash = analyze(files: [("server.log", ServerExitTests.server), ("agent.log", Self.agent)])
        #expect(crash.findings.map(\.rule) == ["server-exit"])
    }

    /// The fixture of a server killed without a word: the agent's and the browser's losses 7 ms
    /// apart, the server's last line just before: the server's side.
    @Test func bothClientsAtOnceIsTheServersSide() throws {
        let report = analyzeFixture("alt-server-killed-refused")
        #expect(report.findings.map(\.rule) == ["connection-lost"])
        let f = try #require(report.findings.first)
        #expect(f.value("sides") == .list(["agent", "browser"]))
        #expect(f.explanation[2] == "the browser lost the connection within 10 s of it: all the clients at once, so the cause is on the server's side (the server, its host, its proxy or their network), not one client's network")
        #expect(f.explanation[3] == "the server's last line for the session was at 2026-02-11 10:07:12, 0.04 s before the loss")
    }

    /// A loss the signal's pings timed out on, then reconnects refused: the attempts say why
    /// they failed (before, the loss's `ping timeout` was taken for the cause).
    @Test func theAttemptsCauseComesBeforeTheLoss() throws {
        var agent = Self.agent
        agent[1] = Self.rust(#"453:livekit::rtc_engine - received session close: \"signal client closed: \\\"ping timeout\\\"\" UnknownReason Resume"#, "WARNING", "10:07:12.505")
        let report = analyze(files: [("agent.log", agent)])
        let f = try #require(report.findings.first)
        #expect(f.value("cause") == .text("refused"))
        #expect(f.evidence.map(\.role) == ["connection lost", "reconnect failed", "gave up"])
        #expect(ConnectionLostDetector.cause(of: "retrying in 500 ms") == nil)
        #expect(ConnectionLostDetector.cause(of: "signal failure: ws failure: HTTP error: 503 Service Unavailable") == .http)
    }
}
