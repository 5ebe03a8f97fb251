import Testing

@testable import LogAnalyzer

/// `agent-not-dispatched`: livekit-server's `not dispatching agent job since no worker is
/// available` {agentName, jobType, room, roomID} (INFO, pkg/agent/client.go LaunchJob, v1.7.1 to
/// HEAD) for a room that asked for a named agent no worker had registered.
@Suite struct AgentNotDispatchedTests {
    static let consoleLine =
        "2026-03-17T10:00:00.412Z\tINFO\tlivekit\tagent/client.go:150\tnot dispatching agent job since no worker is available\t{\"agentName\": \"support-agent\", \"jobType\": \"JT_ROOM\", \"room\": \"support-room\", \"roomID\": \"RM_8JBQ2nlrFwSs\"}"
    static let jsonLine =
        #"{"level":"info","ts":1773741600.412,"logger":"livekit","caller":"agent/client.go:150","msg":"not dispatching agent job since no worker is available","agentName":"support-agent","jobType":"JT_ROOM","room":"support-room","roomID":"RM_8JBQ2nlrFwSs"}"#
    static let browser = [
        "10:00:00.300 livekit-client.esm.mjs:18392 signal connected {room: 'support-room', roomID: 'RM_8JBQ2nlrFwSs', participant: 'user-42', participantID: 'PA_s5ScM4RW9DMK'}",
    ]

    @Test(arguments: [consoleLine, jsonLine])
    func aRoomWithoutItsAgentIsAnError(_ server: String) throws {
        let report = analyze(files: [("server.log", [server]), ("browser.log", Self.browser)])
        #expect(report.findings.map(\.rule) == ["agent-not-dispatched"])
        let f = try #require(report.findings.first)
        #expect(f.severity == .error)
        #expect(f.sessionKey == "support-room/RM_8JBQ2nlrFwSs")
        #expect(f.message == "no worker was registered for agent `support-agent` when the room asked for it: the server dispatched no agent (not dispatching agent job since no worker is available)")
        #expect(f.value("agentName") == .text("support-agent"))
        #expect(f.value("refusals") == .integer(1))
        #expect(f.explanation.last == "no job of this session was logged: the room had no agent")
        #expect(f.evidence.map(\.role) == ["not dispatched"])
        #expect(f.evidence.first?.side == .server)
    }

    /// Another dispatch of the room reached a worker: its job joined the session.
    @Test func aSessionWhoseAgentCameAllTheSameIsAWarning() throws {
        let agent = #"{"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "AJ_ikLgRDmSdOXj", "dispatch_id": "AD_myH8bIqM20Rn", "room": "support-room", "room_id": "RM_8JBQ2nlrFwSs", "agent_name": "", "resuming": false, "enable_recording": false, "timestamp": "2026-03-17T10:00:00.500000+00:00"}"#
        let report = analyze(files: [("server.log", [Self.consoleLine]), ("agent.log", [agent])])
        let f = try #require(report.findings.first { $0.rule == "agent-not-dispatched" })
        #expect(f.severity == .warning)
        #expect(f.explanation.last == "a job of this session was logged all the same (AJ_ikLgRDmSdOXj): another dispatch reached a worker")
    }

    /// Servers before v1.7.1 logged `{"namespace": "", "jobType": "JT_ROOM"}`: no room, no session's.
    @Test func theLineWithoutARoomIsNoSessionsEvent() {
        let old = "2024-07-01T10:00:00.412Z\tINFO\tlivekit\tagent/client.go:115\tnot dispatching agent job since no worker is available\t{\"namespace\": \"\", \"jobType\": \"JT_ROOM\"}"
        #expect(EventClassifier(configuration: AnalysisConfiguration()).classify(record(old)) == nil)
        #expect(EventClassifier(configuration: AnalysisConfiguration()).classify(record(Self.consoleLine)) == .agentNotDispatched(agentName: "support-agent"))
    }
}
