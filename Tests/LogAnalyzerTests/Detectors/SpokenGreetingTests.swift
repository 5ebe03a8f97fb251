import Foundation
import Testing

@testable import LogAnalyzer

/// A greeting spoken from fixed text (`session.say(...)`, 0.x `agent.say(...)`) has no LLM step:
/// its TTS metrics line comes first, and the first LLM line belongs to the user's first turn.
@Suite struct SpokenGreetingTests {
    static func line(_ second: Int, _ message: String, _ members: String) -> String {
        #"{"message": "\#(message)", "level": "INFO", "name": "livekit.agents", \#(members), "job_id": "AJ_aaaaaaaaaaaa", "pid": 4300, "timestamp": "2026-01-01T00:00:\#(second < 10 ? "0" : "")\#(second)+00:00"}"#
    }

    static let turns = [
        line(0, "received job request", #""room": "r1", "room_id": "RM_aaaaaaaaaaaa""#),
        line(1, "Generating initial greeting", #""x": 1"#),
        line(5, "TTS metrics", #""ttfb": 3.4, "audio_duration": 2.43"#),
        line(9, "LLM metrics", #""ttft": 0.42"#),
        line(10, "TTS metrics", #""ttfb": 0.3, "audio_duration": 1.5"#),
    ]

    @Test func withoutAnEndMarkerTheFirstTTSTimeToFirstByteIsTheGreeting() throws {
        let report = analyze(log: Self.turns.joined(separator: "\n"))
        let f = try #require(report.findings.first { $0.rule == "slow-greeting" })
        #expect(f.severity == .warning)
        #expect(f.number("seconds") == 3.4)
        #expect(f.value("method") == .text("metrics"))
        #expect(f.message == "greeting took 3.40 s (over the 2.0 s warning threshold): TTS ttfb 3.40 s, audio 2.43 s")
        #expect(f.evidence.map(\.role) == ["first TTS metrics"])
        #expect(f.evidence.map(\.location.line) == [3])
        #expect(f.explanation.count == 1)
        #expect(f.explanation.first?.hasPrefix("no LLM metrics line came before the first TTS metrics line") == true)
    }

    @Test func monitoringCountsTheSpokenGreetingsTime() throws {
        let result = try monitor(Self.turns.joined(separator: "\n") + "\n", options: ["--output", "json"])
        let doc = try #require(parseJSON(result.stdout))
        let greeting = try #require(doc["latency"]?["greetingSeconds"])
        #expect(greeting["count"]?.doubleValue == 1)
        #expect(abs((greeting["max"]?.doubleValue ?? 0) - 3.4) <= 0.004)
    }

    @Test func aLaterTurnsLLMLineIsNotPartOfAMarkedGreeting() throws {
        var log = Self.turns
        log.append(Self.line(12, "Voice agent running for room", #""x": 1"#))
        let report = analyze(log: log.joined(separator: "\n"))
        let f = try #require(report.findings.first { $0.rule == "slow-greeting" })
        #expect(f.severity == .error)
        #expect(f.number("seconds") == 11)
        #expect(f.value("method") == .text("markers"))
        #expect(f.number("llmTtftSeconds") == nil)
        #expect(f.number("ttsTtfbSeconds") == 3.4)
        #expect(f.message == "greeting took 11.00 s (over the 5.0 s error threshold): TTS ttfb 3.40 s, audio 2.43 s")
        #expect(f.evidence.map(\.role) == ["greeting start", "TTS metrics", "greeting end"])
    }

    @Test func anLLMReplyIsStillTimedAsTTFTPlusTTFB() throws {
        let log = [
            Self.line(0, "received job request", #""room": "r1", "room_id": "RM_aaaaaaaaaaaa""#),
            Self.line(3, "LLM metrics", #""ttft": 1.9"#),
            Self.line(5, "TTS metrics", #""ttfb": 0.6, "audio_duration": 2.0"#),
        ]
        let report = analyze(log: log.joined(separator: "\n"))
        let f = try #require(report.findings.first { $0.rule == "slow-greeting" })
        #expect(f.number("seconds") == 2.5)
        #expect(f.message == "greeting took 2.50 s (over the 2.0 s warning threshold): LLM ttft 1.90 s, TTS ttfb 0.60 s, audio 2.00 s")
        #expect(f.evidence.map(\.role) == ["first LLM metrics", "TTS metrics"])
    }
}
