import Testing

@testable import LogAnalyzer

@Suite struct IncidentTests {
    @Test func timeOnlyIncidentReportsAllThreeFindingsWithTheirNumbers() throws {
        let report = analyzeFixture("incident-timeonly")
        #expect(report.sessions.count == 1)
        #expect(report.findings.map(\.rule) == ["slow-greeting", "auth-expiry-cascade", "early-token-death"])
        #expect(report.findings.allSatisfy { $0.severity == .error })

        let greeting = report.findings[0]
        #expect(greeting.number("seconds") == 5.366)
        #expect(greeting.message == "greeting took 5.37 s (over the 5.0 s error threshold)")

        let cascade = report.findings[1]
        #expect(cascade.number("failures") == 6)
        #expect(cascade.at?.timeOfDayString() == "01:09:16")
        #expect(cascade.value("sides") == .list(["agent"]))
        #expect(cascade.value("trigger") == .text("worker connection closed unexpectedly"))
        #expect(cascade.value("recovered") == .text("no"))

        let death = report.findings[2]
        #expect(death.number("lifetimeSeconds") == 1050.032)
        #expect(death.number("configuredTtlSeconds") == 7200)
        #expect(death.number("silentGapSeconds") == 1028.598)
        #expect(death.value("cause") == .text("suspended-host"))
        #expect(death.message == "token dead after 17 min 30 s of a configured 2 h TTL (most likely a suspended host or process)")
    }

    @Test func realFormatIncidentNamesTheSuspendedProcessWithEvidence() throws {
        let report = analyzeFixture("incident-real")
        #expect(report.sessions.count == 1)
        let session = report.sessions[0]
        #expect(session.room == "voice-room-7f3k2")
        #expect(session.roomSid == "RM_Xq7bT2mNw4Lp")
        #expect(session.jobIds == ["AJ_p9KdW3xYzQ2r"])
        #expect(session.sides == [.agent, .server, .browser, .backend])
        #expect(report.findings.map(\.rule) == ["slow-greeting", "auth-expiry-cascade", "early-token-death"])

        let greeting = report.findings[0]
        #expect(greeting.number("seconds") == 5.366)
        #expect(greeting.number("llmTtftSeconds") == 0.91)
        #expect(greeting.number("audioDurationSeconds") == 3.41)

        let cascade = report.findings[1]
        #expect(cascade.at?.iso8601 == "2025-12-11T01:09:16.281Z")
        #expect(cascade.number("failures") == 22)
        #expect(cascade.value("failuresBySide") == .object([("agent", .integer(6)), ("server", .integer(11)), ("browser", .integer(5))]))
        #expect(cascade.value("trigger") == .text("worker connection closed unexpectedly"))
        #expect(cascade.value("token") == .object([
            ("sub", .text("agent-AJ_p9KdW3xYzQ2r")), ("room", .text("voice-room-7f3k2")),
            ("nbf", .time(Timestamp(micros: 1_765_414_606_000_000))), ("exp", .time(Timestamp(micros: 1_765_415_206_000_000))),
        ]))

        let death = report.findings[2]
        #expect(death.number("lifetimeSeconds") == 1050.379)
        #expect(death.number("tokenValiditySeconds") == 600)
        #expect(death.number("silentGapSeconds") == 704.325716)
        #expect(death.value("cause") == .text("suspended-host"))
        let roles = death.evidence.map { "\($0.role) \(report.paths[$0.location.input]):\($0.location.line)" }
        #expect(roles == [
            "token minted Fixtures/incident-real/backend.log:5",
            "silence starts Fixtures/incident-real/agent.log:39",
            "silence ends Fixtures/incident-real/agent.log:41",
            "rejected as expired Fixtures/incident-real/server.log:8",
        ])
        #expect(death.explanation[0].hasPrefix("the agent process logged nothing for 11 min 44 s before the failure"))
        #expect(death.explanation[0].contains("the host itself was suspended"))
    }

    @Test func agentLogAloneWithBodylessResume401sStillTellsTheStory() throws {
        let report = analyzeFixture("incident-agent-only")
        #expect(report.findings.map(\.rule) == ["slow-greeting", "auth-expiry-cascade", "early-token-death"])
        let cascade = report.findings[1]
        #expect(cascade.value("failuresBySide") == .object([("agent", .integer(6))]))
        #expect(cascade.at?.iso8601 == "2025-12-11T01:09:16.327Z")
        let death = report.findings[2]
        #expect(death.number("lifetimeSeconds") == 1050.122598)
        #expect(death.value("cause") == .text("suspended-host"))
        #expect(death.evidence.map(\.role) == ["silence starts", "silence ends", "first rejection (401)", "rejected as expired"])
        #expect(death.primary?.location.line == 43)
    }

    @Test func cleanSessionsStayApartAndOnlyTheSlowOneIsFlagged() {
        let report = analyzeFixture("clean-interleaved")
        #expect(report.sessions.map(\.key) == ["support-a1/RM_A1b2C3d4E5f6", "support-b2/RM_B2c3D4e5F6g7"])
        #expect(report.sessions.map(\.jobIds) == [["AJ_A1b2C3d4E5f6"], ["AJ_B2c3D4e5F6g7"]])
        #expect(report.findings.count == 1)
        #expect(report.findings[0].rule == "slow-greeting")
        #expect(report.findings[0].severity == .warning)
        #expect(report.findings[0].roomSid == "RM_B2c3D4e5F6g7")
        #expect(report.findings[0].number("seconds") == 3.18)
    }

    @Test func withoutAConfiguredTTLThereIsNoEarlyTokenDeath() {
        let report = analyzeFixture("incident-timeonly", configuration: AnalysisConfiguration())
        #expect(report.findings.map(\.rule) == ["slow-greeting", "auth-expiry-cascade"])
    }

    @Test func reusedRoomNameWithANewSidIsANewSession() {
        let report = analyze(log: """
            2026-01-01T00:00:00.000Z\tINFO\tlivekit\tservice/roommanager.go:1\tstarting RTC session\t{"room": "lobby", "roomID": "RM_aaaaaaaaaaaa", "participant": "u1"}
            2026-01-01T00:05:00.000Z\tINFO\tlivekit\tservice/roommanager.go:1\troom closed\t{"room": "lobby", "roomID": "RM_aaaaaaaaaaaa"}
            2026-01-01T01:00:00.000Z\tINFO\tlivekit\tservice/roommanager.go:1\tstarting RTC session\t{"room": "lobby", "roomID": "RM_bbbbbbbbbbbb", "participant": "u2"}
            2026-01-01T01:00:01.000Z\tINFO\tlivekit\tservice/roommanager.go:1\tparticipant active\t{"room": "lobby"}
            """, name: "server.log")
        #expect(report.sessions.map(\.key) == ["lobby/RM_aaaaaaaaaaaa", "lobby/RM_bbbbbbbbbbbb"])
        #expect(report.sessions.map(\.recordCount) == [2, 2])
    }

    @Test func appConfigTTLIsReadFromPythonJSONYAMLAndEnv() {
        #expect(TokenTTLSetting.fromConfigText("CONFIG = {\"token_ttl_hours\": 2}") == 7200)
        #expect(TokenTTLSetting.fromConfigText("token_ttl_minutes: 15\n") == 900)
        #expect(TokenTTLSetting.fromConfigText("TOKEN_TTL_SECONDS=600") == 600)
        #expect(TokenTTLSetting.fromConfigText("ttl = 5") == nil)
        #expect(TokenTTLSetting.parseDuration("2h") == 7200)
        #expect(TokenTTLSetting.parseDuration("1h30m") == 5400)
        #expect(TokenTTLSetting.parseDuration("15m") == 900)
        #expect(TokenTTLSetting.parseDuration("abc") == nil)
    }

    /// Which connection loss triggered a cascade: the moment nearest the first 401, and of the
    /// losses within 5 s before that one the earliest (the worker's `failed to connect` just
    /// before the room's signal close). A worker loss 91 s earlier is another moment.
    @Test(arguments: [(91.0, "signal session closed", 4), (0.005, "worker connection closed unexpectedly", 3)])
    func theTriggerIsTheLossOfTheFailuresMoment(workerLossBefore: Double, trigger: String, triggerLine: Int) {
        func stamp(_ seconds: Double) -> String {
            let micros = Int((seconds * 1_000_000).rounded())
            return String(format: "2025-12-11T01:%02d:%02d.%06d+00:00", micros / 60_000_000, micros / 1_000_000 % 60, micros % 1_000_000)
        }
        let ids = "\"pid\": 48213, \"job_id\": \"AJ_p9KdW3xYzQ2r\""
        // 01:09:16.300: the room's signal closes; 01:09:16.330: the first 401.
        let close = 9 * 60 + 16.3
        let lines = [
            "{\"message\": \"received job request\", \"level\": \"INFO\", \"name\": \"livekit.agents\", \"job_id\": \"AJ_p9KdW3xYzQ2r\", \"room_name\": \"voice-room-7f3k2\", \"timestamp\": \"\(stamp(0))\"}",
            "{\"message\": \"Session created\", \"level\": \"INFO\", \"name\": \"agent\", \(ids), \"timestamp\": \"\(stamp(1))\"}",
            "{\"message\": \"failed to connect to livekit, retrying in 0s\", \"level\": \"WARNING\", \"name\": \"livekit.agents\", \"exc_info\": \"Traceback (most recent call last):\\n  File \\\"worker.py\\\", line 742, in _recv_task\\n    raise Exception(\\\"worker connection closed unexpectedly\\\")\\nException: worker connection closed unexpectedly\", \"timestamp\": \"\(stamp(close - workerLossBefore))\"}",
            "{\"message\": \"livekit::rtc_engine:453:livekit::rtc_engine - received session close: \\\"signal client closed: \\\\\\\"stream closed\\\\\\\"\\\" UnknownReason Resume\", \"level\": \"WARNING\", \"name\": \"livekit\", \(ids), \"timestamp\": \"\(stamp(close))\"}",
            "{\"message\": \"livekit::rtc_engine:731:livekit::rtc_engine - resuming connection failed: client error: 401 Unauthorized - token is expired\", \"level\": \"ERROR\", \"name\": \"livekit\", \(ids), \"timestamp\": \"\(stamp(close + 0.03))\"}",
        ]
        let report = analyze(log: lines.joined(separator: "\n"), name: "agent.log")
        let cascade = report.findings.first { $0.rule == "auth-expiry-cascade" }
        #expect(cascade?.value("trigger") == .text(trigger))
        #expect(cascade?.evidence.first { $0.role == "trigger" }?.location.line == triggerLine)
    }
}
