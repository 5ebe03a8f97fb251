import Foundation
import Testing

@testable import LogAnalyzer

/// Node `@livekit/agents` logs its metrics in milliseconds (`metrics/utils.ts`: `ttftMs`, `ttfbMs`,
/// `audioDurationMs`), from the job's process without a job id: they reach the job by its pid.
@Suite struct NodeMetricsTests {
    static let t0: Int64 = 1_787_187_106_000
    static func line(_ ms: Int64, _ members: String, _ msg: String) -> String {
        #"{"level":30,"time":\#(t0 + ms),"pid":41288,"hostname":"agent-host-1",\#(members)"msg":"\#(msg)"}"#
    }

    @Test func aSlowFirstReplyIsFoundFromMilliseconds() throws {
        let log = [
            Self.line(0, #""pid":41288,"jobID":"AJ_Xk29LmQp7RtB","lk.pii.room_name":"voice-room-7f3a","#, "connecting to room"),
            Self.line(3000, #""ttftMs":1900,"inputTokens":1203,"outputTokens":38,"#, "LLM metrics"),
            Self.line(5000, #""ttfbMs":600,"audioDurationMs":2000,"#, "TTS metrics"),
        ].joined(separator: "\n")
        let report = analyze(log: log, name: "agent.jsonl")
        #expect(report.sessions.map(\.key) == ["voice-room-7f3a"])
        #expect(report.sessions.map(\.recordCount) == [3])
        let f = try #require(report.findings.first { $0.rule == "slow-greeting" })
        #expect(f.number("seconds") == 2.5)
        #expect(f.message == "greeting took 2.50 s (over the 2.0 s warning threshold): LLM ttft 1.90 s, TTS ttfb 0.60 s, audio 2.00 s")
    }

    /// Before 1.0.11 (livekit/agents-js 5358bb8) the keys had no unit: `ttft`, `ttfb` and
    /// `end_of_utterance_delay` in milliseconds, `audioDuration` in seconds (0.6 to 1.0.10,
    /// agents/src/metrics/utils.ts, llm.ts / tts.ts `hrtime` / 1e6).
    @Test func unsuffixedMillisecondsOfNodeAgentsBefore1011AreMilliseconds() throws {
        let log = [
            Self.line(0, #""pid":41288,"jobID":"AJ_Xk29LmQp7RtB","lk.pii.room_name":"voice-room-7f3a","#, "connecting to room"),
            Self.line(3000, #""ttft":1900,"inputTokens":1203,"promptCachedTokens":0,"outputTokens":38,"tokensPerSecond":21.5,"#, "LLM metrics"),
            Self.line(5000, #""ttfb":600,"audioDuration":2,"#, "TTS metrics"),
        ].joined(separator: "\n")
        let report = analyze(log: log, name: "agent.jsonl")
        let f = try #require(report.findings.first { $0.rule == "slow-greeting" })
        #expect(f.number("seconds") == 2.5)
        #expect(f.message == "greeting took 2.50 s (over the 2.0 s warning threshold): LLM ttft 1.90 s, TTS ttfb 0.60 s, audio 2.00 s")
        let classifier = EventClassifier(configuration: AnalysisConfiguration())
        let eou = parse(Self.line(6000, #""end_of_utterance_delay":1250,"transcription_delay":900,"#, "EOU metrics") + "\n").records[0]
        #expect(classifier.classify(eou) == .eouMetrics(delay: 1.25))
        // Python's same-named extras stay seconds.
        let python = parse(#"{"message": "EOU metrics", "level": "INFO", "name": "livekit.agents", "end_of_utterance_delay": 1.25, "timestamp": "2026-01-01T00:00:05+00:00"}"# + "\n").records[0]
        #expect(classifier.classify(python) == .eouMetrics(delay: 1.25))
    }

    /// 1.0.11 on: `endOfUtteranceDelayMs` (agents/src/metrics/utils.ts); a turn's response time
    /// is its EOU delay, the LLM's ttft and the TTS's ttfb.
    @Test func theEndOfUtteranceDelayInMillisecondsMakesATurnsResponseTime() throws {
        let log = [
            Self.line(0, #""pid":41288,"jobId":"AJ_Xk29LmQp7RtB","lk.pii.room_name":"voice-room-7f3a","#, "connecting to room"),
            Self.line(20000, #""endOfUtteranceDelayMs":820.5,"transcriptionDelayMs":410.2,"onUserTurnCompletedDelayMs":0.4,"#, "EOU metrics"),
            Self.line(21000, #""ttftMs":640.12,"inputTokens":1203,"promptCachedTokens":0,"cacheCreationTokens":0,"outputTokens":38,"tokensPerSecond":21.5,"#, "LLM metrics"),
            Self.line(22000, #""ttfbMs":310.4,"audioDurationMs":2100,"#, "TTS metrics"),
        ].joined(separator: "\n") + "\n"
        let doc = try #require(parseJSON(try monitor(log, options: ["--output", "json"]).stdout))
        #expect(doc["latency"]?["responseSeconds"]?["count"]?.doubleValue == 1)
        #expect(doc["latency"]?["responseSeconds"]?["p50"]?.doubleValue == 1.771)
        let classifier = EventClassifier(configuration: AnalysisConfiguration())
        let pretty = parse("[00:52:10.100] INFO (41288): EOU metrics\n    endOfUtteranceDelayMs: 820.5\n").records[0]
        #expect(classifier.classify(pretty) == .eouMetrics(delay: 0.8205))
        // 0.x: `Pipeline EOU metrics` {endOfUtteranceDelay} in milliseconds.
        let old = parse(Self.line(0, #""sequenceId":"fea6e2011213","endOfUtteranceDelay":1250,"transcriptionDelay":900,"#, "Pipeline EOU metrics") + "\n").records[0]
        #expect(classifier.classify(old) == .eouMetrics(delay: 1.25))
    }

    @Test func prettyPrintedUnsuffixedMillisecondsAreMillisecondsToo() {
        let records = parse([
            "[00:51:52.100] INFO (41288): LLM metrics",
            "    ttft: 1900",
            "[00:51:52.733] INFO (41288): TTS metrics",
            "    ttfb: 233.1",
            "    audioDuration: 2.48",
        ].joined(separator: "\n") + "\n").records
        let classifier = EventClassifier(configuration: AnalysisConfiguration())
        #expect(classifier.classify(records[0]) == .llmMetrics(ttft: 1.9))
        #expect(classifier.classify(records[1]) == .ttsMetrics(ttfb: 0.2331, audioDuration: 2.48))
    }

    @Test func prettyPrintedMetricsAreReadToo() {
        let records = parse([
            "[00:51:52.733] INFO (41288): TTS metrics",
            "    ttfbMs: 233.1",
            "    audioDurationMs: 2480",
        ].joined(separator: "\n") + "\n").records
        let kind = EventClassifier(configuration: AnalysisConfiguration()).classify(records[0])
        #expect(kind == .ttsMetrics(ttfb: 0.2331, audioDuration: 2.48))
    }
}
