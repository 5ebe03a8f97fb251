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
}
