import Foundation
import Testing

@testable import LogAnalyzer

/// Metrics lines are the bulk of an agent log: their numbers are read while the line is parsed
/// (text extras, JSON members) and must equal what the classifier reads from a record's fields.
@Suite struct MetricsParsingTests {
    static let classifier = EventClassifier(configuration: AnalysisConfiguration())

    /// Each record's event, as the analysis reads it (classified on the parsing thread).
    func events(_ log: String) -> [String] {
        let dir = TempDir()
        let path = dir.write("worker.log", log + "\n")
        var sink = DiagnosticSink()
        let stream = RecordStream(InputDescriptor(path: path), index: 0, options: IngestOptions(), referenceDay: nil,
                                  classifier: Self.classifier, diagnostics: &sink)
        var out: [String] = []
        while let r = stream.next(diagnostics: &sink) { out.append(r.event.map { "\($0)" } ?? "-") }
        return out
    }

    /// The same records classified from their fields alone (nothing read while parsing).
    func eventsFromFields(_ log: String) -> [String] {
        let dir = TempDir()
        let path = dir.write("worker.log", log + "\n")
        var sink = DiagnosticSink()
        let stream = RecordStream(InputDescriptor(path: path), index: 0, options: IngestOptions(), referenceDay: nil,
                                  classifier: nil, diagnostics: &sink)
        var out: [String] = []
        while var r = stream.next(diagnostics: &sink) {
            r.hasParsedMetrics = false
            out.append(Self.classifier.classify(r).map { "\($0)" } ?? "-")
        }
        return out
    }

    @Test func textExtrasGiveTheMetricsTheFieldsGive() {
        let log = """
            2026-03-02 00:01:06,341 - INFO livekit.agents - LLM metrics {"ttft": 0.3, "prompt_tokens": 819, "pid": 2552}
            2026-03-02 00:01:06,398 - INFO livekit.agents - TTS metrics {"ttfb": "0.25", "audio_duration": 6.7}
            2026-03-02 00:01:06,399 - INFO livekit.agents - EOU metrics {"end_of_utterance_delay": 0.64, "end_of_utterance_delay": 9}
            2026-03-02 00:01:06,400 - INFO livekit.agents - LLM metrics {"ttft": {"nested": 1}}
            2026-03-02 00:01:06,401 - INFO livekit.agents - RealtimeModel metrics {"ttft": -1}
            2026-03-02 00:01:06,402 - INFO livekit.agents - LLM metrics {"ttft": 1.5}
                a continuation line joins the record, whose message is then no metrics message
            2026-03-02 00:01:06,403 - INFO livekit.agents - LLM metrics: ttft=0.42 duration=1.1
            """
        let expected = [
            "llmMetrics(ttft: 0.3)", "ttsMetrics(ttfb: 0.25, audioDuration: Optional(6.7))", "eouMetrics(delay: 0.64)", "-",
            "realtimeMetrics(ttft: -1.0)", "-", "llmMetrics(ttft: 0.42)",
        ]
        #expect(events(log) == expected)
        #expect(eventsFromFields(log) == expected)
    }

    @Test func jsonMembersGiveTheMetricsTheFieldsGive() {
        let log = """
            {"message": "LLM metrics", "level": "INFO", "name": "livekit.agents", "ttft": 0.3, "ttft": 7, "timestamp": "2026-03-02T00:01:06.341468+00:00"}
            {"message": "TTS metrics", "level": "INFO", "name": "livekit.agents", "ttfb": "0.125", "audio_duration": 3.24, "timestamp": "2026-03-02T00:01:06.398381+00:00"}
            {"message": "EOU metrics", "level": "INFO", "name": "livekit.agents", "end_of_utterance_delay": null, "timestamp": "2026-03-02T00:01:06.399+00:00"}
            """
        let expected = ["llmMetrics(ttft: 0.3)", "ttsMetrics(ttfb: 0.125, audioDuration: Optional(3.24))", "-"]
        #expect(events(log) == expected)
        #expect(eventsFromFields(log) == expected)
    }
}
