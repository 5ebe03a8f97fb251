import Testing

@testable import LogAnalyzer

/// `server-exit`: livekit-server's Go runtime crash report (`panic: …`, `[signal …]`,
/// `goroutine N [running]:` and frames; runtime/panic.go, no time, no level, no ids) while a room
/// is live: the agent's Rust SDK and the browser lose the connection at once, retry against a
/// closed port and give up.
@Suite struct ServerExitTests {
    static let server = [
        "2026-03-17T10:00:00.950Z\tINFO\tlivekit\tservice/roommanager.go:411\tstarting RTC session\t{\"room\": \"support-room\", \"roomID\": \"RM_8JBQ2nlrFwSs\", \"participant\": \"user-42\", \"pID\": \"PA_Hk3mW9xQzR2b\", \"remote\": false, \"nodeID\": \"ND_q3Lk8Wv2Xn5R\", \"numParticipants\": 0}",
        "2026-03-17T10:00:01.610Z\tINFO\tlivekit\tservice/roommanager.go:411\tstarting RTC session\t{\"room\": \"support-room\", \"roomID\": \"RM_8JBQ2nlrFwSs\", \"participant\": \"agent-AJ_ikLgRDmSdOXj\", \"pID\": \"PA_Yh2rB6vLc9Tp\", \"remote\": false, \"nodeID\": \"ND_q3Lk8Wv2Xn5R\", \"numParticipants\": 1}",
        "2026-03-17T10:07:12.470Z\tINFO\tlivekit\trtc/participant.go:834\tupdating participant permission\t{\"room\": \"support-room\", \"roomID\": \"RM_8JBQ2nlrFwSs\", \"participant\": \"user-42\", \"pID\": \"PA_Hk3mW9xQzR2b\", \"remote\": false, \"permission\": {\"canSubscribe\": true, \"canPublish\": true}}",
        "panic: runtime error: invalid memory address or nil pointer dereference",
        "[signal SIGSEGV: segmentation violation code=0x1 addr=0x28 pc=0x1a7f3c4]",
        "",
        "goroutine 4711 [running]:",
        "github.com/livekit/livekit-server/pkg/rtc.(*ParticipantImpl).onSubscribedTo(0xc000a1e000, {0x0, 0x0})",
        "\t/workspace/pkg/rtc/participant.go:2261 +0x44",
        "created by github.com/livekit/livekit-server/pkg/rtc.(*ParticipantImpl).setupSubscriber in goroutine 4690",
        "\t/workspace/pkg/rtc/participant.go:1840 +0x1a5",
    ]
    static let agent = [
        #"{"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "AJ_ikLgRDmSdOXj", "dispatch_id": "AD_Ws6nK3cVq8Rb", "room_name": "support-room", "agent_name": "", "resuming": false, "timestamp": "2026-03-17T10:00:01.100000+00:00"}"#,
        #"{"message": "livekit::rtc_engine:453:livekit::rtc_engine - received session close: \"signal client closed: \\\"stream closed\\\"\" UnknownReason Resume", "level": "WARNING", "name": "livekit", "pid": 5120, "job_id": "AJ_ikLgRDmSdOXj", "timestamp": "2026-03-17T10:07:12.505000+00:00"}"#,
        #"{"message": "livekit::rtc_engine:729:livekit::rtc_engine - resuming connection... attempt: 0", "level": "ERROR", "name": "livekit", "pid": 5120, "job_id": "AJ_ikLgRDmSdOXj", "timestamp": "2026-03-17T10:07:12.506000+00:00"}"#,
        #"{"message": "livekit::rtc_engine:731:livekit::rtc_engine - resuming connection failed: signal failure: ws failure: IO error: Connection refused (os error 111)", "level": "ERROR", "name": "livekit", "pid": 5120, "job_id": "AJ_ikLgRDmSdOXj", "timestamp": "2026-03-17T10:07:12.510000+00:00"}"#,
        #"{"message": "livekit::rtc_engine:786:livekit::rtc_engine - failed to reconnect to the livekit room", "level": "ERROR", "name": "livekit", "pid": 5120, "job_id": "AJ_ikLgRDmSdOXj", "timestamp": "2026-03-17T10:07:58.000000+00:00"}"#,
        #"{"message": "process exiting", "level": "INFO", "name": "livekit.agents", "reason": "", "pid": 5120, "job_id": "AJ_ikLgRDmSdOXj", "timestamp": "2026-03-17T10:07:58.600000+00:00"}"#,
    ]
    static let browser = [
        "10:00:00.990 livekit-client.esm.mjs:18392 signal connected {room: 'support-room', roomID: 'RM_8JBQ2nlrFwSs', participant: 'user-42', pID: 'PA_Hk3mW9xQzR2b'}",
        "10:07:12.498 livekit-client.esm.mjs:18251 websocket closed {room: 'support-room', roomID: 'RM_8JBQ2nlrFwSs', participant: 'user-42', pID: 'PA_Hk3mW9xQzR2b', reason: '', code: 1006, wasClean: false, state: 1}",
        "10:07:12.501 livekit-client.esm.mjs:20858 resuming signal connection, attempt 0 {room: 'support-room', roomID: 'RM_8JBQ2nlrFwSs', participant: 'user-42', pID: 'PA_Hk3mW9xQzR2b'}",
        "10:07:59.910 livekit-client.esm.mjs:20806 could not recover connection after 10 attempts, 47412ms. giving up {room: 'support-room', roomID: 'RM_8JBQ2nlrFwSs', participant: 'user-42', pID: 'PA_Hk3mW9xQzR2b'}",
    ]

    @Test func aServerPanicWhileTheRoomIsLiveIsAnError() throws {
        let report = analyze(files: [("server.log", Self.server), ("agent.log", Self.agent), ("browser.log", Self.browser)])
        #expect(report.findings.map(\.rule) == ["server-exit"])
        let f = try #require(report.findings.first)
        #expect(f.severity == .error)
        #expect(f.sessionKey == "support-room/RM_8JBQ2nlrFwSs")
        #expect(f.at?.iso8601 == "2026-03-17T10:07:12.470Z")
        #expect(f.message == "livekit-server crashed while the session was live (panic: runtime error: invalid memory address or nil pointer dereference): agent and browser lost the connection 0.03 s after the server's last line, and gave up reconnecting")
        #expect(f.value("cause") == .text("crash"))
        #expect(f.value("recovered") == .text("no"))
        #expect(f.value("sides") == .list(["agent", "browser"]))
        #expect(f.evidence.map(\.role) == ["server crash", "connection lost", "connection lost", "gave up", "gave up"])
        #expect(f.evidence.map(\.location.line) == [4, 2, 2, 5, 4])
        #expect(f.explanation[1] == "the report has no time of its own: the server's last line before it was at 2026-03-17 10:07:12, so the crash came at or after it; the clients' first loss was at 2026-03-17 10:07:12")
    }

    /// A server crash takes every room live on it: 300 rooms, more than an id-less event may
    /// otherwise join (256), each get the crash (before: none did, and none got a finding).
    @Test func aCrashReachesEveryRoomLiveOnTheServer() throws {
        let rooms = 300
        func id(_ prefix: String, _ k: Int) -> String { prefix + String(format: "Room%08d", k) }
        var server: [String] = []
        var agent: [String] = []
        for k in 0..<rooms {
            let t = String(format: "10:%02d:%02d.%03d", k / 60, k % 60, k % 1000)
            let ids = "\"room\": \"room-\(k)\", \"roomID\": \"\(id("RM_", k))\""
            server.append("2026-03-17T\(t)Z\tINFO\tlivekit\tservice/roommanager.go:411\tstarting RTC session\t{\(ids), \"participant\": \"agent-\(id("AJ_", k))\", \"pID\": \"\(id("PA_", k))\", \"remote\": false, \"nodeID\": \"ND_q3Lk8Wv2Xn5R\", \"numParticipants\": 1}")
            agent.append(#"{"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "\#(id("AJ_", k))", "dispatch_id": "AD_Ws6nK3cVq8Rb", "room_name": "room-\#(k)", "room_id": "\#(id("RM_", k))", "agent_name": "", "resuming": false, "timestamp": "2026-03-17T\#(t)000+00:00"}"#)
        }
        server.append("2026-03-17T10:07:12.470Z\tINFO\tlivekit\tservice/roommanager.go:411\tstarting RTC session\t{\"room\": \"room-0\", \"roomID\": \"\(id("RM_", 0))\", \"participant\": \"user-0\", \"pID\": \"PA_Hk3mW9xQzR2b\", \"remote\": false, \"nodeID\": \"ND_q3Lk8Wv2Xn5R\", \"numParticipants\": 1}")
        server += Self.server.suffix(8)
        for k in 0..<rooms {
            agent.append(#"{"message": "livekit::rtc_engine:729:livekit::rtc_engine - resuming connection... attempt: 0", "level": "ERROR", "name": "livekit", "pid": \#(5000 + k), "job_id": "\#(id("AJ_", k))", "timestamp": "2026-03-17T10:07:12.506000+00:00"}"#)
            agent.append(#"{"message": "livekit::rtc_engine:786:livekit::rtc_engine - failed to reconnect to the livekit room", "level": "ERROR", "name": "livekit", "pid": \#(5000 + k), "job_id": "\#(id("AJ_", k))", "timestamp": "2026-03-17T10:07:58.000000+00:00"}"#)
        }
        let report = analyze(files: [("server.log", server), ("agent.log", agent)])
        #expect(report.sessionCount == rooms)
        let exits = report.findings.filter { $0.rule == "server-exit" }
        #expect(exits.count == rooms)
        #expect(Set(exits.map(\.sessionKey)).count == rooms)
        #expect(exits.first?.message == "livekit-server crashed while the session was live (panic: runtime error: invalid memory address or nil pointer dereference): agent lost the connection 0.04 s after the server's last line, and gave up reconnecting")
    }

    /// The crash report is one event at its log's last line before it, on the timeline too.
    @Test func theCrashIsAnEventOfTheSessionAtTheServersLastLine() throws {
        let report = analyze(files: [("server.log", Self.server), ("agent.log", Self.agent)])
        let session = try #require(report.sessions.first)
        let crash = try #require(session.events.first { $0.kind == .serverCrash })
        #expect(crash.time?.iso8601 == "2026-03-17T10:07:12.470Z")
        #expect(crash.side == .server)
        #expect(crash.text == "panic: runtime error: invalid memory address or nil pointer dereference")
        #expect(crash.location.line == 4)
        #expect(EventKind.serverCrash.label == "server crashed")
    }

    /// The clients reconnected (a restarted server): a warning.
    @Test func aSessionThatReconnectedIsAWarning() throws {
        let browser = Array(Self.browser.prefix(3)) + [
            "10:07:19.320 livekit-client.esm.mjs:19512 Resumed signal connection {room: 'support-room', roomID: 'RM_8JBQ2nlrFwSs', participant: 'user-42', pID: 'PA_Hk3mW9xQzR2b'}",
        ]
        let report = analyze(files: [("server.log", Self.server), ("browser.log", browser)])
        let f = try #require(report.findings.first { $0.rule == "server-exit" })
        #expect(f.severity == .warning)
        #expect(f.value("recovered") == .text("yes"))
        #expect(f.message.hasSuffix("browser lost the connection 0.03 s after the server's last line, and reconnected"))
    }

    /// Without any client's log nothing shows the session still connected: no finding; and a
    /// line that only says `panic: ` (no goroutine's stack) is no crash report.
    @Test func noClientLossOrNoStackIsNoCrash() {
        #expect(analyze(files: [("server.log", Self.server)]).findings.isEmpty)
        let classifier = EventClassifier(configuration: AnalysisConfiguration())
        #expect(EventClassifier.isGoCrash("panic: runtime error: index out of range [3] with length 3\n\ngoroutine 1 [running]:\nmain.main()"))
        #expect(EventClassifier.isGoCrash("fatal error: concurrent map writes\n\ngoroutine 88 [running]:\ninternal/runtime/maps.fatal({0x2b1d5e8?, 0x0?})"))
        #expect(!EventClassifier.isGoCrash("panic: the agent said so\nand more"))
        #expect(classifier.classify(record("panic: runtime error: invalid memory address or nil pointer dereference")) == nil)
    }

    /// SIGTERM: the server drains (`exit requested, shutting down`, `waiting for participants to
    /// exit` every 5 s, cmd/server/main.go and pkg/service/server.go) and is killed 30 s later by
    /// its supervisor: the clients' connections drop with nothing more from the server.
    static let stopping = [
        server[0], server[1],
        "2026-03-17T10:05:00.020Z\tINFO\tlivekit\tserver/main.go:291\texit requested, shutting down\t{\"signal\": \"terminated\", \"force\": false}",
        "2026-03-17T10:05:05.021Z\tINFO\tlivekit\tservice/server.go:318\twaiting for participants to exit",
        "2026-03-17T10:05:10.021Z\tINFO\tlivekit\tservice/server.go:318\twaiting for participants to exit",
    ]

    @Test func aServerKilledWhileStoppingIsAnError() throws {
        let agent = [
            Self.agent[0],
            Self.agent[1].replacingOccurrences(of: "10:07:12.505", with: "10:05:30.105"),
            Self.agent[4].replacingOccurrences(of: "10:07:58.000", with: "10:06:15.000"),
        ]
        let report = analyze(files: [("server.log", Self.stopping), ("agent.log", agent)])
        #expect(report.findings.map(\.rule) == ["server-exit"])
        let f = try #require(report.findings.first)
        #expect(f.severity == .error)
        #expect(f.at?.iso8601 == "2026-03-17T10:05:00.020Z")
        #expect(f.message == "livekit-server was stopping (exit requested, shutting down) and ended before the session: agent lost the connection 30.09 s after the stop request, and gave up reconnecting")
        #expect(f.value("cause") == .text("shutdown"))
        #expect(f.value("recovered") == .text("no"))
        #expect(f.evidence.map(\.role) == ["server stopping", "connection lost", "gave up"])
        #expect(f.evidence.map(\.location.line) == [3, 2, 3])
    }

    /// A server still up after its stop request logs the clients' resume: they lost the
    /// connection to something else, not to its end.
    @Test func aStoppingServerThatResumesTheClientIsNoExit() {
        let agent = [Self.agent[0], Self.agent[1].replacingOccurrences(of: "10:07:12.505", with: "10:05:30.105")]
        let server = Self.stopping + [
            "2026-03-17T10:05:31.455Z\tINFO\tlivekit\tservice/roommanager.go:374\tresuming RTC session\t{\"room\": \"support-room\", \"roomID\": \"RM_8JBQ2nlrFwSs\", \"participant\": \"agent-AJ_ikLgRDmSdOXj\", \"pID\": \"PA_Yh2rB6vLc9Tp\", \"reason\": \"RR_SIGNAL_DISCONNECTED\"}",
        ]
        #expect(analyze(files: [("server.log", server), ("agent.log", agent)]).findings.isEmpty)
        let classifier = EventClassifier(configuration: AnalysisConfiguration())
        #expect(classifier.classify(record(Self.stopping[2])) == .serverShutdown)
        #expect(classifier.classify(record(Self.stopping[3])) == nil)
    }
}
