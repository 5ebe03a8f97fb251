import Testing

@testable import LogAnalyzer

/// The Node worker (`@livekit/agents`, pino) logs the loss of its connection to the server and
/// a rejected registration as `failed to connect to LiveKit server (…), retrying in N seconds:
/// (n/16)`, the cause in an error object: `error` since 1.4.5 (an `APIStatusError` whose message
/// is `worker connection closed unexpectedly`), `err` before (livekit/agents-js
/// agents/src/worker.ts; agents/src/log.ts serializes it with pino's `stdSerializers.err`).
@Suite struct NodeWorkerConnectionTests {
    static let jobRequest =
        #"{"level":30,"time":1773706488440,"pid":1098,"hostname":"agent-7d9f","jobId":"AJ_nodeJobAAAA1","resuming":false,"agentName":"","msg":"received job request"}"#
    static let jobLine =
        #"{"level":30,"time":1773706489000,"pid":1120,"hostname":"agent-7d9f","jobId":"AJ_nodeJobAAAA1","lk.pii.room_name":"room-node","msg":"connected to room"}"#
    static let laterJobLine =
        #"{"level":30,"time":1773706850000,"pid":1120,"hostname":"agent-7d9f","jobId":"AJ_nodeJobAAAA1","lk.pii.room_name":"room-node","msg":"user away"}"#
    /// 1.4.5+ (agents-js PR #1571): the close as an `APIStatusError` under `error`.
    static let closed =
        #"{"level":40,"time":1773706848728,"pid":1098,"hostname":"agent-7d9f","error":{"type":"APIStatusError","message":"worker connection closed unexpectedly","stack":"APIStatusError: worker connection closed unexpectedly\n    at WebSocket.<anonymous> (file:///app/node_modules/@livekit/agents/dist/worker.js:583:19)","statusCode":1006,"retryable":true},"retry_count":1,"max_retry":16,"msg":"failed to connect to LiveKit server (wss://voice-x1.livekit.cloud), retrying in 2 seconds: (1/16)"}"#
    /// 1.0.42–1.4.4: the `ws` handshake error passed as the merging object, under `err`.
    static let rejectedErr =
        #"{"level":40,"time":1773706849728,"pid":1098,"hostname":"agent-7d9f","err":{"type":"Error","message":"Unexpected server response: 401","stack":"Error: Unexpected server response: 401\n    at ClientRequest.<anonymous> (file:///app/node_modules/ws/lib/websocket.js:913:7)"},"msg":"failed to connect to LiveKit server (wss://voice-x1.livekit.cloud), retrying in 2 seconds: (1/16)"}"#
    /// ≤ 1.0.41: the error inside the message.
    static let rejectedInline =
        #"{"level":40,"time":1773706849728,"pid":1098,"hostname":"agent-7d9f","msg":"failed to connect to LiveKit server, retrying in 2 seconds: Error: Unexpected server response: 401 (1/16)"}"#

    static func run(_ lines: [String]) -> Report {
        let dir = TempDir()
        var analyzer = Analyzer(configuration: AnalysisConfiguration())
        analyzer.keepSessionEvents = true
        var sink = DiagnosticSink()
        return analyzer.run([InputDescriptor(path: dir.write("agent.jsonl", lines.joined(separator: "\n") + "\n"))], diagnostics: &sink)
    }

    static func kind(_ line: String) -> EventKind? {
        EventClassifier(configuration: AnalysisConfiguration()).classify(parse(line + "\n").records[0])
    }

    @Test func theClosedConnectionInTheErrorObjectIsAConnectionLoss() throws {
        let r = parse(Self.closed + "\n").records[0]
        #expect(r.format == .pinoJSON)
        #expect(r.errorText == "APIStatusError: worker connection closed unexpectedly")
        #expect(Self.kind(Self.closed) == .connectionLost(trigger: "worker connection closed unexpectedly"))
        let report = Self.run([Self.jobRequest, Self.jobLine, Self.closed, Self.laterJobLine])
        #expect(report.sessions.map(\.key) == ["room-node"])
        let session = try #require(report.sessions.first)
        #expect(session.events.map(\.kind) == [.sessionStart, .connectionLost(trigger: "worker connection closed unexpectedly")])
        #expect(session.events.map(\.location.line) == [1, 3])
    }

    @Test(arguments: [rejectedErr, rejectedInline])
    func aRejectedRegistrationIsACredentialsProblem(_ line: String) throws {
        #expect(Self.kind(line) == .authFailure(.workerRegistration))
        let report = analyze(log: line, name: "agent.jsonl")
        let f = try #require(report.findings.first)
        #expect(report.findings.map(\.rule) == ["auth-credentials"])
        #expect(f.severity == .error)
        #expect(f.evidence.map(\.location.line) == [1])
    }

    @Test func aPluginErrorObjectWithoutA401IsNoRegistrationFailure() {
        let line = #"{"level":50,"time":1773706849728,"pid":1120,"hostname":"agent-7d9f","jobId":"AJ_nodeJobAAAA1","err":{"type":"APIConnectionError","message":"failed to connect to Deepgram","stack":"APIConnectionError: failed to connect to Deepgram"},"msg":"failed to recognize speech, retrying"}"#
        #expect(Self.kind(line) == nil)
    }
}
