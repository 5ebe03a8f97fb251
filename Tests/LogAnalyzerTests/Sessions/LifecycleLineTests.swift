import Testing

@testable import LogAnalyzer

/// Lifecycle lines that say why a session's connection dropped or why it ended (exact texts
/// of the public sources named at each test).
@Suite struct LifecycleLineTests {
    static func kind(_ line: String, name: String = "browser.log", configuration: AnalysisConfiguration = AnalysisConfiguration()) -> EventKind? {
        EventClassifier(configuration: configuration).classify(parse(line + "\n", name: name).records[0])
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
}
