import Foundation
import Testing

@testable import LogAnalyzer

/// Metrics lines and greeting markers printed by the real livekit-agents worker: a job that,
/// without a room connection, logs `Generating initial greeting`, the metrics of its components
/// through the library's own `metrics.log_metrics(...)`, and `Voice agent running for room …`
/// 5.4 s later (`python agent.py start`, JSON; captured against a stand-in LiveKit server).
@Suite struct RealMetricsCaptureTests {
    static let dir = "Tests/LogAnalyzerTests/RealCaptures/"

    /// The `--output json` report's findings as (rule, values, evidence (line, role)).
    static func findings(_ path: String) throws -> [(String, [String: Any], [(Int, String)])] {
        let result = try runLoganalyze(["--output", "json", path])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let findings = try #require(report["findings"] as? [[String: Any]])
        return findings.map { f in
            (f["rule"] as? String ?? "", f["values"] as? [String: Any] ?? [:],
             (f["evidence"] as? [[String: Any]] ?? []).map { ($0["line"] as? Int ?? -1, $0["role"] as? String ?? "") })
        }
    }

    /// A realtime model speaks the greeting itself: the only metrics line between the markers is
    /// `RealtimeModel metrics` (1.0.23: `RealtimeModel metrics: ttft=1.12, …` in the message;
    /// 1.5.17: the message `RealtimeModel metrics` with `"ttft": 1.12` among its extras). Its ttft
    /// is the greeting's breakdown, not "no LLM/TTS metrics lines were logged".
    @Test(arguments: [
        ("agents-1.0.23-realtime-greeting-start.log", 5.406, 9, 12, 13),
        ("agents-1.5.17-realtime-greeting-start.log", 5.404, 8, 11, 12),
    ])
    func aRealtimeModelsTtftSplitsTheGreeting(name: String, seconds: Double, start: Int, metrics: Int, end: Int) throws {
        let found = try Self.findings(Self.dir + name)
        #expect(found.map(\.0) == ["slow-greeting"])
        let (_, values, evidence) = try #require(found.first)
        #expect(values["seconds"] as? Double == seconds)
        #expect(values["method"] as? String == "markers")
        #expect(values["realtimeTtftSeconds"] as? Double == 1.12)
        #expect(values["llmTtftSeconds"] == nil && values["ttsTtfbSeconds"] == nil)
        #expect(evidence.map(\.0) == [start, metrics, end])
        #expect(evidence.map(\.1) == ["greeting start", "RealtimeModel metrics", "greeting end"])
        let text = try runLoganalyze([Self.dir + name]).stdout
        #expect(text.contains("greeting took \(formatFixed(seconds, 2)) s (over the 5.0 s error threshold): realtime model ttft 1.12 s\n"))
        #expect(!text.contains("no LLM/TTS metrics lines were logged"))
    }

    /// agents 0.12.21's MultimodalAgent logs its realtime model's metrics (MultimodalLLMMetrics)
    /// through `log_metrics` as `LLM metrics: ttft=1.12, input_tokens=900, output_tokens=120,
    /// tokens_per_second=57.14`, with no TTS line: the model speaks itself. The session has
    /// audio (the report does not count it among `sessionsWithoutAudio`), and its ttft splits
    /// the greeting as a realtime model's.
    @Test func agents012MultimodalAgentsMetricsAreARealtimeModelsThatSpeaks() throws {
        let path = Self.dir + "agents-0.12.21-multimodal-greeting-start.log"
        let found = try Self.findings(path)
        #expect(found.map(\.0) == ["slow-greeting"])
        let (_, values, evidence) = try #require(found.first)
        #expect(values["seconds"] as? Double == 5.403)
        #expect(values["realtimeTtftSeconds"] as? Double == 1.12)
        #expect(values["llmTtftSeconds"] == nil)
        #expect(evidence.map(\.0) == [7, 10, 11])

        let result = try runLoganalyze(["report", "--output", "json", path])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let counts = try #require(report["counts"] as? [String: Any])
        #expect(counts["sessionsWithAudio"] as? Int == 1)
        #expect(counts["sessionsWithoutAudio"] as? Int == 0)
        let latency = try #require(report["latency"] as? [String: [String: Any]])
        #expect(latency["greetingSeconds"]?["max"] as? Double == 5.403)
        #expect(latency["responseSeconds"]?["count"] as? Int == 0)
    }

    /// Without greeting markers, a realtime model's first reply (`RealtimeModel metrics`,
    /// ttft 2.43, 2.619 s after the job request) is the greeting slow-greeting and the report
    /// measure, as an LLM + TTS reply's would be (agents 1.5.17, JSON).
    @Test func withoutMarkersARealtimeModelsFirstReplyIsTheGreeting() throws {
        let path = Self.dir + "agents-1.5.17-realtime-nomarkers-start.log"
        let found = try Self.findings(path)
        #expect(found.map(\.0) == ["slow-greeting"])
        let (_, values, evidence) = try #require(found.first)
        #expect(values["seconds"] as? Double == 2.43)
        #expect(values["method"] as? String == "metrics")
        #expect(values["realtimeTtftSeconds"] as? Double == 2.43)
        #expect(evidence.map(\.0) == [10])
        #expect(evidence.map(\.1) == ["first realtime metrics"])

        let result = try runLoganalyze(["report", "--output", "json", path])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let latency = try #require(report["latency"] as? [String: [String: Any]])
        #expect(latency["greetingSeconds"]?["max"] as? Double == 2.43)
        #expect(latency["connectSeconds"]?["max"] as? Double == 0.189)
    }
}
