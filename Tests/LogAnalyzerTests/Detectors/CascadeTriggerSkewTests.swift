import Foundation
import Testing

@testable import LogAnalyzer

/// auth-expiry-cascade's trigger when another source's clock is seconds off.
@Suite struct CascadeTriggerSkewTests {
    static let token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjE3NjcyMjY1MDAsImlzcyI6IkFQSWdlbktleTAweHkiLCJuYW1lIjoiYWdlbnQtQUpfYWFhYWFhYWFhYWFhIiwibmJmIjoxNzY3MjI1OTAwLCJzdWIiOiJhZ2VudC1BSl9hYWFhYWFhYWFhYWEiLCJ2aWRlbyI6eyJjYW5QdWJsaXNoIjp0cnVlLCJjYW5TdWJzY3JpYmUiOnRydWUsInJvb20iOiJsb2JieSIsInJvb21Kb2luIjp0cnVlfX0.BemWUMiASz2m5pB7ZlC5OClY3LDlppXH2iOYX5N3mOc"
    static let agentLines = #"""
        {"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "AJ_aaaaaaaaaaaa", "dispatch_id": "AD_aaaaaaaaaaaa", "room_name": "lobby", "agent_name": "a", "resuming": false, "timestamp": "2026-01-01T00:00:00.200000+00:00"}
        {"message": "Session created", "level": "INFO", "name": "agent", "pid": 100, "job_id": "AJ_aaaaaaaaaaaa", "timestamp": "2026-01-01T00:00:01+00:00"}
        {"message": "failed to connect to livekit, retrying in 0s", "level": "WARNING", "name": "livekit.agents", "exc_info": "Traceback (most recent call last):\n  File \"/app/.venv/lib/python3.12/site-packages/livekit/agents/worker.py\", line 689, in _connection_task\n    await self._run_ws(ws)\n  File \"/app/.venv/lib/python3.12/site-packages/livekit/agents/worker.py\", line 760, in _run_ws\n    await asyncio.gather(*tasks)\n  File \"/app/.venv/lib/python3.12/site-packages/livekit/agents/worker.py\", line 741, in _recv_task\n    raise Exception(\"worker connection closed unexpectedly\")\nException: worker connection closed unexpectedly", "timestamp": "2026-01-01T00:20:00.004000+00:00"}
        {"message": "livekit::rtc_engine:453:livekit::rtc_engine - received session close: \"signal client closed: \\\"ping timeout\\\"\" UnknownReason Resume", "level": "WARNING", "name": "livekit", "pid": 100, "job_id": "AJ_aaaaaaaaaaaa", "timestamp": "2026-01-01T00:20:00.006000+00:00"}
        {"message": "livekit::rtc_engine:729:livekit::rtc_engine - resuming connection... attempt: 0", "level": "ERROR", "name": "livekit", "pid": 100, "job_id": "AJ_aaaaaaaaaaaa", "timestamp": "2026-01-01T00:20:00.010000+00:00"}
        {"message": "livekit::rtc_engine:731:livekit::rtc_engine - resuming connection failed: client error: 401 Unauthorized - invalid token: eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjE3NjcyMjY1MDAsImlzcyI6IkFQSWdlbktleTAweHkiLCJuYW1lIjoiYWdlbnQtQUpfYWFhYWFhYWFhYWFhIiwibmJmIjoxNzY3MjI1OTAwLCJzdWIiOiJhZ2VudC1BSl9hYWFhYWFhYWFhYWEiLCJ2aWRlbyI6eyJjYW5QdWJsaXNoIjp0cnVlLCJjYW5TdWJzY3JpYmUiOnRydWUsInJvb20iOiJsb2JieSIsInJvb21Kb2luIjp0cnVlfX0.BemWUMiASz2m5pB7ZlC5OClY3LDlppXH2iOYX5N3mOc, error: go-jose/go-jose/jwt: validation failed, token is expired (exp)", "level": "ERROR", "name": "livekit", "pid": 100, "job_id": "AJ_aaaaaaaaaaaa", "timestamp": "2026-01-01T00:20:00.090000+00:00"}

        """# + "\n"

    /// The server's clock runs 2.3 s behind the worker's: its 401 (00:19:57.750) is written
    /// before the worker's `failed to connect` (00:20:00.004), 2.25 s "after" the first failure,
    /// outside the window, and the cascade had no trigger. Timed against the agent's own first
    /// 401 (00:20:00.090) the worker's loss is 86 ms before it.
    @Test func theTriggerIsFoundAgainstItsOwnInputsFirstFailure() {
        let dir = TempDir()
        dir.write("agent.log", Self.agentLines)
        dir.write("server.log", """
            2025-12-31T23:59:58.000Z\tINFO\tlivekit\tservice/roommanager.go:411\tstarting RTC session\t{"room": "lobby", "roomID": "RM_aaaaaaaaaaaa", "participant": "agent-AJ_aaaaaaaaaaaa", "pID": "PA_aaaaaaaaaaaa"}
            2026-01-01T00:19:57.750Z\tWARN\tlivekit\tservice/utils.go:54\terror handling request\t{"status": 401, "method": "GET", "path": "/rtc", "error": "invalid token: eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjE3NjcyMjY1MDAsImlzcyI6IkFQSWdlbktleTAweHkiLCJuYW1lIjoiYWdlbnQtQUpfYWFhYWFhYWFhYWFhIiwibmJmIjoxNzY3MjI1OTAwLCJzdWIiOiJhZ2VudC1BSl9hYWFhYWFhYWFhYWEiLCJ2aWRlbyI6eyJjYW5QdWJsaXNoIjp0cnVlLCJjYW5TdWJzY3JpYmUiOnRydWUsInJvb20iOiJsb2JieSIsInJvb21Kb2luIjp0cnVlfX0.BemWUMiASz2m5pB7ZlC5OClY3LDlppXH2iOYX5N3mOc, error: go-jose/go-jose/jwt: validation failed, token is expired (exp)"}

            """)
        let report = analyze([dir.url.path])
        let cascades = report.findings.filter { $0.rule == "auth-expiry-cascade" }
        #expect(cascades.count == 1)
        guard let f = cascades.first else { return }
        #expect(f.sessionKey == "lobby/RM_aaaaaaaaaaaa")
        #expect(f.value("failures") == .integer(2))
        #expect(f.value("firstAt") == .time(Timestamp(micros: 1_767_226_797_750_000)))
        #expect(f.value("trigger") == .text("worker connection closed unexpectedly"))
        #expect(f.evidence.map(\.role) == ["trigger", "first 401", "first 401 (agent)"])
        #expect(f.evidence.first?.location.line == 3)
    }

    /// Same clocks, a browser on the same suspended laptop: its `websocket closed` is 100 ms before
    /// its own 401, farther than the worker's loss is from the agent's, yet the worker's loss
    /// (earliest, 36 ms before the first 401) stays the trigger
    /// (timing each loss against its own input's 401 would pick the browser's).
    @Test func theEarliestLossOfTheMomentStaysTheTrigger() {
        let dir = TempDir()
        let agent = Self.agentLines.replacingOccurrences(of: "00:20:00.090000", with: "00:20:00.040000")
        dir.write("agent.log", agent)
        let token = Self.token
        dir.write("browser.log", """
            00:20:00.250 livekit-client.esm.mjs:18251 websocket closed {room: 'lobby', roomID: 'RM_aaaaaaaaaaaa', participant: 'u1', pID: 'PA_bbbbbbbbbbbb', reason: '', code: 1006, wasClean: false, state: 1}
            00:20:00.350 livekit-client.esm.mjs:20868 ConnectionError: could not establish signal connection: invalid token: \(token), error: go-jose/go-jose/jwt: validation failed, token is expired (exp) {room: 'lobby', roomID: 'RM_aaaaaaaaaaaa', participant: 'u1', pID: 'PA_bbbbbbbbbbbb'}

            """)
        let report = analyze([dir.url.path])
        let cascades = report.findings.filter { $0.rule == "auth-expiry-cascade" }
        #expect(cascades.count == 1)
        guard let f = cascades.first else { return }
        #expect(f.value("failures") == .integer(2))
        #expect(f.value("trigger") == .text("worker connection closed unexpectedly"))
        #expect(f.evidence.first?.location.line == 3)
    }
}
