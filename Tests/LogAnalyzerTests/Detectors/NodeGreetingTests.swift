import Foundation
import Testing

@testable import LogAnalyzer

/// Node `@livekit/agents` logs its metrics through the root pino logger (`metrics/utils.ts
/// logMetrics`: `log().child({ttftMs, …}).info('LLM metrics')`): the job process's `pid`, no
/// `jobID`. Such a line joins the sessions active around it by time; one written before a
/// session's own first line is another call's.
@Suite struct NodeGreetingTests {
    static func pino(_ ms: Int, _ pid: Int, _ members: String, _ msg: String) -> String {
        #"{"level":30,"time":\#(1_795_171_800_000 + ms),"pid":\#(pid),"hostname":"agent-node-1",\#(members)"msg":"\#(msg)"}"#
    }

    static let worker = [
        pino(0, 7000, #""version":"1.0.30","jobId":"AJ_LCBfxXlT2Jgk","resuming":false,"agentName":"","#, "received job request"),
        pino(1_000, 7100, #""ttftMs":3100,"inputTokens":700,"promptCachedTokens":0,"cacheCreationTokens":0,"outputTokens":20,"tokensPerSecond":30.5,"#, "LLM metrics"),
        pino(7_000, 7100, #""ttfbMs":900,"audioDurationMs":2100,"#, "TTS metrics"),
        pino(30_000, 7000, #""version":"1.0.30","jobId":"AJ_JqpR53jUCNYw","resuming":false,"agentName":"","#, "received job request"),
        pino(31_000, 7101, #""ttftMs":400,"inputTokens":700,"promptCachedTokens":0,"cacheCreationTokens":0,"outputTokens":20,"tokensPerSecond":30.5,"#, "LLM metrics"),
        pino(33_650, 7101, #""ttfbMs":250,"audioDurationMs":2100,"#, "TTS metrics"),
    ]

    static let server = [
        "2026-11-20T10:50:00.200Z\tINFO\tlivekit\tservice/roommanager.go:434\tstarting RTC session\t{\"room\": \"node-0\", \"roomID\": \"RM_OrNLSA605H5M\", \"participant\": \"agent-AJ_LCBfxXlT2Jgk\", \"participantID\": \"PA_Kq2mZx9Tb4Lw\", \"nodeID\": \"ND_auditj01\", \"numParticipants\": 1}",
        "2026-11-20T10:50:30.200Z\tINFO\tlivekit\tservice/roommanager.go:434\tstarting RTC session\t{\"room\": \"node-1\", \"roomID\": \"RM_SCKNlvU1eQFp\", \"participant\": \"agent-AJ_JqpR53jUCNYw\", \"participantID\": \"PA_Vn8cYt3Rw6Pd\", \"nodeID\": \"ND_auditj01\", \"numParticipants\": 1}",
    ]

    @Test func aCallIsNotGreetedByMetricsWrittenBeforeItsFirstLine() throws {
        let report = analyze(files: [("agent.log", Self.worker), ("server.log", Self.server)])
        let greetings = report.findings.filter { $0.rule == "slow-greeting" }
        #expect(greetings.map(\.room) == ["node-0"])
        let f = try #require(greetings.first)
        #expect(f.number("seconds") == 4)
        #expect(f.number("llmTtftSeconds") == 3.1)
        #expect(f.evidence.map(\.location.line) == [2, 3])
    }
}
