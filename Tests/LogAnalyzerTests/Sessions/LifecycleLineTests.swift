import Foundation
import Testing

@testable import LogAnalyzer

/// Lifecycle lines that say why a session's connection dropped or why it ended (exact texts
/// of the public sources named at each test).
@Suite struct LifecycleLineTests {
    static let ctx = "{room: 'support-room-91', roomID: 'RM_Ht5bQ8nVx2Lm', participant: 'caller-7', participantID: 'PA_Wm3kT7yR2cQa'"

    static func kind(_ line: String, name: String = "browser.log", configuration: AnalysisConfiguration = AnalysisConfiguration()) -> EventKind? {
        EventClassifier(configuration: configuration).classify(parse(line + "\n", name: name).records[0])
    }

    /// livekit-client `client leave request received (action=N)` (INFO, src/room/RTCEngine.ts
    /// onLeave, since PR #1907): action 0 (DISCONNECT) ends the session, 1 (RESUME) and 2
    /// (RECONNECT) drop the connection to reconnect.
    @Test func theBrowsersLeaveRequestEndsOrDropsTheSessionByItsAction() {
        #expect(Self.kind("10:04:10.400 livekit-client.esm.mjs:20790 client leave request received (action=0) \(Self.ctx), reason: 5}") == .sessionEnd)
        #expect(Self.kind("10:02:00.000 livekit-client.esm.mjs:20790 client leave request received (action=1) \(Self.ctx), reason: 6}")
            == .connectionLost(trigger: "server requested reconnect"))
        #expect(Self.kind("10:02:00.000 livekit-client.esm.mjs:20790 client leave request received (action=2) \(Self.ctx), reason: 8}")
            == .connectionLost(trigger: "server requested reconnect"))
        // The DEBUG line of older builds says no action.
        #expect(Self.kind("livekit-client.esm.mjs:20790 client leave request \(Self.ctx), reason: 5}") == nil)
    }

    /// livekit-client `Couldn't connect to server, attempt N of M` (WARN, RTCEngine.ts join): the
    /// initial join retried while the server is unreachable, given up at the last attempt.
    @Test func theBrowsersInitialConnectRetriesAreAttemptsAndTheLastGivesUp() {
        let noIDs = "{room: undefined, roomID: undefined, participant: undefined, participantID: undefined}"
        #expect(Self.kind("10:00:00.010 livekit-client.esm.mjs:20301 Couldn't connect to server, attempt 1 of 2 \(noIDs)") == .resumeAttempt)
        #expect(Self.kind("10:00:00.910 livekit-client.esm.mjs:20301 Couldn't connect to server, attempt 2 of 2 \(noIDs)") == .gaveUp)
        #expect(Self.kind("livekit-client.esm.mjs:20405 connected to Livekit Server version: 1.13.5, region: us-east \(Self.ctx)}") == nil)
    }

    /// The Rust SDK's `server requested disconnect during resume: {reason:?}` / `… restart …`
    /// (WARN, livekit/src/rtc_engine/mod.rs reconnect_task): the engine closes, not retried.
    @Test func theServersDisconnectDuringAReconnectEndsTheAgentsSession() {
        let resume =
            #"{"message": "livekit::rtc_engine:998:livekit::rtc_engine - server requested disconnect during resume: RoomDeleted", "level": "WARNING", "name": "livekit", "pid": 4411, "job_id": "AJ_Lc4vN8pQ2wXz", "room": "support-room-91", "timestamp": "2026-07-02T10:04:10.500000+00:00"}"#
        let restart =
            #"{"message": "livekit::rtc_engine:960:livekit::rtc_engine - server requested disconnect during restart: ParticipantRemoved", "level": "WARNING", "name": "livekit", "pid": 4411, "job_id": "AJ_Lc4vN8pQ2wXz", "room": "support-room-91", "timestamp": "2026-07-02T10:04:10.500000+00:00"}"#
        #expect(Self.kind(resume, name: "agent.log") == .sessionEnd)
        #expect(Self.kind(restart, name: "agent.log") == .sessionEnd)
    }

    /// agents `AgentSession is closing due to unrecoverable error[: {error}]` (ERROR,
    /// voice/agent_session.py _on_error) and agents-js `… due to an unrecoverable error`
    /// (agents/src/voice/agent_session.ts _onError): an STT, LLM or TTS error closed the session.
    @Test func anUnrecoverableProviderErrorEndsTheAgentsSession() {
        let python =
            #"{"message": "AgentSession is closing due to unrecoverable error: message='Invalid API key', status_code=401, retryable=False, body={'error': 'Invalid API key'}", "level": "ERROR", "name": "livekit.agents", "pid": 4411, "job_id": "AJ_Lc4vN8pQ2wXz", "room": "support-room-91", "timestamp": "2026-07-02T10:04:09+00:00"}"#
        let node =
            #"{"level":50,"time":1782986649000,"pid":1120,"hostname":"agent-7d9f","jobId":"AJ_nodeJobAAAA1","type":"llm_error","timestamp":1782986649000,"label":"openai.LLM","error":{"type":"APIStatusError","message":"Incorrect API key provided","stack":"APIStatusError: Incorrect API key provided\n    at LLMStream.run (file:///app/node_modules/@livekit/agents-plugin-openai/dist/llm.js:412:15)"},"recoverable":false,"msg":"AgentSession is closing due to an unrecoverable error"}"#
        #expect(Self.kind(python, name: "agent.log") == .sessionEnd)
        #expect(Self.kind(node, name: "agent.log") == .sessionEnd)
    }

    /// The worker's lines for a job process that died or was killed (ERROR, livekit/agents
    /// ipc/supervised_proc.py 0.12.21 to 1.7.0 and HEAD da6af86, ipc/proc_job_executor.py 0.8.12),
    /// each with the job's `job_id` from the executor's logging_extra; a warm process's kill,
    /// which has no job, is no session's end.
    @Test func aJobProcessThatCrashedOrWasKilledEndsItsSession() {
        func line(_ message: String, _ extra: String = "") -> String {
            #"{"message": "\#(message)", "level": "ERROR", "name": "livekit.agents", \#(extra)"pid": 4411, "job_id": "AJ_Lc4vN8pQ2wXz", "room": "support-room-91", "timestamp": "2026-07-02T10:04:11.200000+00:00"}"#
        }
        #expect(Self.kind(line("process exited with non-zero exit code -9"), name: "agent.log") == .sessionEnd)
        #expect(Self.kind(line("job process exited with non-zero exit code 1"), name: "agent.log") == .sessionEnd)
        #expect(Self.kind(line("process is unresponsive, killing process"), name: "agent.log") == .sessionEnd)
        #expect(Self.kind(line("job is unresponsive, killing job"), name: "agent.log") == .sessionEnd)
        #expect(Self.kind(line("process exceeded memory limit, killing process", #""memory_usage_mb": 812.4, "memory_limit_mb": 800, "#), name: "agent.log") == .sessionEnd)
        #expect(Self.kind(line("job process exceeded memory limit, killing it", #""memory_usage_mb": 812.4, "memory_metric": "pss", "has_running_job": true, "#), name: "agent.log") == .sessionEnd)
        let warm = #"{"message": "initialization timed out, killing process", "level": "ERROR", "name": "livekit.agents", "pid": 4412, "timestamp": "2026-07-02T10:04:11.200000+00:00"}"#
        #expect(Self.kind(warm, name: "agent.log") == nil)
        #expect(Self.kind(warm.replacingOccurrences(of: "initialization timed out, killing process", with: "killing process"), name: "agent.log") == nil)
        // `process exiting` still ends a session without a job id, also in a line no parser took
        // apart (the exact-message check first written for it missed that line).
        let exiting = #"{"message": "process exiting", "level": "INFO", "name": "livekit.agents", "reason": "", "pid": 4411, "timestamp": "2026-07-02T10:04:11.200000+00:00"}"#
        #expect(Self.kind(exiting, name: "agent.log") == .sessionEnd)
        #expect(Self.kind("2026-07-02 10:04:11 INFO  livekit.agents - process exiting {\"reason\": \"\", \"pid\": 4411}", name: "agent.log") == .sessionEnd)
        // The word that makes room for the kill keeps both resume lines of the browser.
        #expect(Self.kind("livekit-client.esm.mjs:20380 resuming signal connection, attempt 1 \(Self.ctx)}") == .resumeAttempt)
        #expect(Self.kind("livekit-client.esm.mjs:21044 Resuming signal connection \(Self.ctx)}") == .resumeAttempt)
    }

    /// livekit-client since v2.18.8 (PR #1907, 2026-04-30; v2.21.0, HEAD 9380ed7): the engine's
    /// recovery lines (`Resumed signal connection`, `fully reconnected to server`) are DEBUG, and
    /// a reconnect that worked shows at the default level only as the room's state change
    /// `connection state changed: ${this.state} -> ${state}` (INFO, src/room/Room.ts
    /// setAndEmitConnectionState) back to `connected`.
    @Test func theBrowsersStateChangeBackToConnectedIsARecovery() {
        #expect(Self.kind("10:02:11.020 livekit-client.esm.mjs:21910 connection state changed: signalReconnecting -> connected \(Self.ctx)}") == .recovered)
        #expect(Self.kind("10:02:14.300 livekit-client.esm.mjs:21910 connection state changed: reconnecting -> connected \(Self.ctx)}") == .recovered)
        // The first connection, and the moves away from connected, are not.
        #expect(Self.kind("10:00:00.310 livekit-client.esm.mjs:21910 connection state changed: connecting -> connected \(Self.ctx)}") == nil)
        #expect(Self.kind("10:02:10.010 livekit-client.esm.mjs:21910 connection state changed: connected -> signalReconnecting \(Self.ctx)}") == nil)
        #expect(Self.kind("10:04:10.410 livekit-client.esm.mjs:21910 connection state changed: connected -> disconnected \(Self.ctx)}") == nil)
    }

    @Test func aBrowserThatReconnectedShowsItsRecoveryInTheTimeline() throws {
        let browser = [
            "10:00:00.300 livekit-client.esm.mjs:18392 signal connected \(Self.ctx)}",
            "10:02:10.000 livekit-client.esm.mjs:20312 signal disconnected \(Self.ctx)}",
            "10:02:10.010 livekit-client.esm.mjs:21910 connection state changed: connected -> signalReconnecting \(Self.ctx)}",
            "10:02:10.020 livekit-client.esm.mjs:20380 resuming signal connection, attempt 0 \(Self.ctx)}",
            "10:02:11.020 livekit-client.esm.mjs:21910 connection state changed: signalReconnecting -> connected \(Self.ctx)}",
        ]
        var analyzer = Analyzer()
        analyzer.keepSessionEvents = true
        var sink = DiagnosticSink()
        let dir = TempDir()
        let report = analyzer.run([InputDescriptor(path: dir.write("browser.log", browser.joined(separator: "\n") + "\n"))], diagnostics: &sink)
        let session = try #require(report.sessions.first)
        #expect(session.events.map(\.kind) == [.sessionStart, .connectionLost(trigger: "signal disconnected"), .resumeAttempt, .recovered])
        #expect(session.events.last?.location.line == 5)
    }

    /// The Rust SDK's room-disconnected line (livekit/src/room/mod.rs handle_disconnected): ERROR
    /// `unexpectedly disconnected from room: {reason:?}` for every reason but ClientInitiated from
    /// 2024-05-06 (5085034f) to 2024-08-29 (1e5a6acb), shipped in livekit-rtc 0.12.0 to 0.14.0,
    /// the SDK of agents 0.8.x (`livekit~=0.12`): the visible end of a room the server closed.
    /// Its INFO successors `disconnected from room with reason: …` (ffi 0.10.3 to 0.12.4x) and
    /// `Disconnected from room "{name}" with reason: …` (livekit-ffi 0.12.74) show only when the
    /// app lowers the `livekit` logger's level.
    @Test func theRustSDKsRoomDisconnectEndsTheAgentsSession() {
        let agents08 =
            #"{"message": "livekit::room:1028:livekit::room - unexpectedly disconnected from room: RoomDeleted", "level": "ERROR", "pid": 31877, "job_id": "AJ_Vq7mR2xKp9Ls", "timestamp": "2024-08-20T10:04:10.512331+00:00"}"#
        #expect(Self.kind(agents08, name: "agent.log") == .sessionEnd)
        let info =
            #"{"message": "livekit::room:1791:livekit::room - Disconnected from room \"support-room-91\" with reason: ServerShutdown", "level": "INFO", "name": "livekit", "pid": 4411, "job_id": "AJ_Lc4vN8pQ2wXz", "room": "support-room-91", "timestamp": "2026-08-10T10:04:10.500000+00:00"}"#
        #expect(Self.kind(info, name: "agent.log") == .sessionEnd)
        #expect(Self.kind(info.replacingOccurrences(of: #"Disconnected from room \"support-room-91\" with"#, with: "disconnected from room with"), name: "agent.log") == .sessionEnd)
    }

    @Test func everyWordStillFitsBesideTenGreetingMarkers() {
        var c = AnalysisConfiguration()
        c.greetingStartMarkers = (1...6).map { "start marker \($0)" }
        c.greetingEndMarkers = (1...6).map { "end marker \($0)" }
        // Five of each are read (the sixth is not), beside the 54 words.
        #expect(EventClassifier(configuration: c).words.literals.count == 64)
        #expect(Self.kind("2026-03-17 10:04:10,400 - INFO agent - start marker 5", configuration: c) == .greetingStart)
        #expect(Self.kind("2026-03-17 10:04:10,400 - INFO agent - start marker 6", configuration: c) == nil)
        #expect(Self.kind("10:04:10.400 livekit-client.esm.mjs:20790 client leave request received (action=0) \(Self.ctx), reason: 5}", configuration: c) == .sessionEnd)
    }

    @Test func aServerRequestedReconnectTriggersTheCascade() throws {
        let dir = TempDir()
        let server =
            #"{"level":"warn","ts":1782986530.873,"logger":"livekit","caller":"service/utils.go:84","msg":"error handling request","status":401,"method":"GET","path":"/rtc/v1","room":"support-room-91","error":"invalid token: eyJhbGciOiJIUzI1NiJ9, error: go-jose/go-jose/jwt: validation failed, token is expired (exp)"}"#
        let browser = [
            "10:00:00.300 livekit-client.esm.mjs:18392 signal connected \(Self.ctx)}",
            "10:02:10.000 livekit-client.esm.mjs:20790 client leave request received (action=2) \(Self.ctx), reason: 8}",
            "10:02:10.010 livekit-client.esm.mjs:20380 reconnecting, attempt: 0 \(Self.ctx)}",
        ]
        let report = analyze([dir.write("server.log", server + "\n"), dir.write("browser.log", browser.joined(separator: "\n") + "\n")])
        let f = try #require(report.findings.first { $0.rule == "auth-expiry-cascade" })
        #expect(f.explanation.first == "trigger: server requested reconnect at 2026-07-02 10:02:10")
        let trigger = try #require(f.evidence.first { $0.role == "trigger" })
        #expect(trigger.location.line == 2)
    }
}
