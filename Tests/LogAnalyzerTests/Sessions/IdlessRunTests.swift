import Foundation
import Testing

@testable import LogAnalyzer

/// A run whose logs name no session ids at all (time-only worker prints, browser consoles) is
/// cut into sessions where the agent's session starts again.
@Suite struct IdlessRunTests {
    /// One session of time-only worker prints at `hour`: greeting taking `greeting` seconds,
    /// then (optionally) the 401 cascade after a 17-minute silence.
    static func workerSession(hour: Int, greeting: Double, cascade: Bool) -> [String] {
        let h = String(format: "%02d", hour)
        let end = String(format: "%06.3f", 1.0 + greeting)
        var lines = [
            "\(h):00:00 - Session created",
            "\(h):00:01.000 - Generating initial greeting",
            "\(h):00:\(end) - Voice agent running for room",
            "\(h):00:20.000 - First user turn detected",
        ]
        if cascade {
            lines += [
                "\(h):17:30 - worker connection closed unexpectedly",
                "\(h):17:30 - resuming connection failed: 401 Unauthorized - token is expired",
                "\(h):17:32 - resuming connection failed: 401 Unauthorized - token is expired",
                "\(h):17:35 - failed to reconnect to the livekit room",
            ]
        }
        return lines
    }

    static func run(_ files: [(String, [String])], ttlHours: Double? = nil) -> Report {
        let dir = TempDir()
        let inputs = files.map { InputDescriptor(path: dir.write($0.0, $0.1.joined(separator: "\n") + "\n")) }
        var configuration = AnalysisConfiguration()
        configuration.configuredTokenTTLSeconds = ttlHours.map { $0 * 3600 }
        var analyzer = Analyzer(configuration: configuration)
        analyzer.keepSessionEvents = true
        var sink = DiagnosticSink()
        return analyzer.run(inputs, diagnostics: &sink)
    }

    static func rules(_ report: Report, _ key: String) -> [String] {
        report.findings.filter { $0.sessionKey == key }.map(\.rule).sorted()
    }

    @Test func eachSessionStartBeginsASessionWithItsOwnFindings() {
        let log = Self.workerSession(hour: 1, greeting: 6.5, cascade: false)
            + Self.workerSession(hour: 2, greeting: 0.5, cascade: true)
            + Self.workerSession(hour: 3, greeting: 0.5, cascade: false)
        let report = Self.run([("worker.log", log)], ttlHours: 2)
        #expect(report.sessions.map(\.key) == ["(no session ids)", "(no session ids) #2", "(no session ids) #3"])
        #expect(report.sessions.map(\.recordCount) == [4, 8, 4])
        #expect(report.sessions.map { $0.start?.timeOfDayString() ?? "-" } == ["01:00:00", "02:00:00", "03:00:00"])
        #expect(Self.rules(report, "(no session ids)") == ["slow-greeting"])
        #expect(Self.rules(report, "(no session ids) #2") == ["auth-expiry-cascade", "early-token-death"])
        #expect(Self.rules(report, "(no session ids) #3") == [])
        // The token died 17 min 30 s into its own session, not into the run.
        let death = report.findings.first { $0.rule == "early-token-death" }
        #expect(death?.message == "token dead after 17 min 30 s of a configured 2 h TTL (most likely a suspended host or process)")
    }

    @Test func aBrowserConnectingAgainStaysInTheAgentsSession() {
        // The browser reconnects (same line twice) inside the agent's first session; its connect
        // before the agent's second session start opens no session of its own either.
        let worker = Self.workerSession(hour: 1, greeting: 0.5, cascade: false) + Self.workerSession(hour: 2, greeting: 0.5, cascade: false)
        let browser = [
            "00:59:59.500 livekit-client.esm.mjs:18214 signal connecting to wss://voice-demo.livekit.cloud",
            "01:05:00.000 livekit-client.esm.mjs:18214 signal connecting to wss://voice-demo.livekit.cloud",
            "01:59:59.900 livekit-client.esm.mjs:18214 signal connecting to wss://voice-demo.livekit.cloud",
        ]
        let report = Self.run([("worker.log", worker), ("browser.log", browser)])
        #expect(report.sessions.map(\.key) == ["(no session ids)", "(no session ids) #2"])
        #expect(report.sessions.map(\.recordCount) == [7, 4])
        #expect(report.sessions.map(\.sides) == [[.agent, .browser], [.agent]])
    }

    @Test func browserOnlyLogsAreCutAtTheirOwnRepeatedStart() {
        let browser = [
            "01:00:00.000 livekit-client.esm.mjs:18214 signal connecting to wss://voice-demo.livekit.cloud",
            "01:00:00.300 livekit-client.esm.mjs:18392 signal connected",
            "02:00:00.000 livekit-client.esm.mjs:18214 signal connecting to wss://voice-demo.livekit.cloud",
            "02:00:00.300 livekit-client.esm.mjs:18392 signal connected",
        ]
        let report = Self.run([("browser.log", browser)])
        #expect(report.sessions.map(\.recordCount) == [2, 2])
    }

    @Test func idsLaterInTheRunTakeTheIdlessLinesBack() {
        // Id-less lines first (two session starts), then the job's lines with ids within two
        // minutes: no segment is left over; the id-less events near the job join it.
        let lines = [
            #"{"message": "Session created", "level": "INFO", "name": "livekit.agents", "timestamp": "2026-03-02T00:00:00+00:00"}"#,
            #"{"message": "Session created", "level": "INFO", "name": "livekit.agents", "timestamp": "2026-03-02T00:00:30+00:00"}"#,
            #"{"message": "worker connection closed unexpectedly", "level": "WARNING", "name": "livekit.agents", "timestamp": "2026-03-02T00:00:40+00:00"}"#,
            #"{"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "AJ_aaaaaaaaaaaa", "room": "room-a", "timestamp": "2026-03-02T00:01:00+00:00"}"#,
        ]
        let report = Self.run([("agent.log", lines)])
        #expect(report.sessions.map(\.key) == ["room-a"])
        let kinds = report.sessions.first?.events.map(\.location.line) ?? []
        #expect(kinds == [1, 2, 3, 4])
    }

    @Test func finishedSegmentsAreFinalisedAsTheRunGoes() {
        // A time-only log has no dates to go idle by: the segments left behind are finalised
        // once more than a few wait, so the live ones stay few however many sessions pass.
        var log: [String] = []
        for i in 0..<200 {
            let m = String(format: "%02d", i % 60)
            let h = String(format: "%02d", i / 60)
            log += ["\(h):\(m):00 - Session created", "\(h):\(m):01.000 - Generating initial greeting", "\(h):\(m):02.000 - Voice agent running for room"]
        }
        let report = Self.run([("worker.log", log)])
        #expect(report.sessionCount == 200)
        #expect(report.peakLiveSessions == SessionTracker.maxSealedSegments + 2)
    }

    @Test func metricsOfAnIdlessSessionAreCountedNotAllKept() {
        var log = ["2026-03-02 00:00:00,000 - INFO livekit.agents - Session created"]
        for i in 0..<300 {
            let s = String(format: "%02d,%03d", 1 + i / 10, (i % 10) * 100)
            log += [
                #"2026-03-02 00:00:\#(s) - INFO livekit.agents - EOU metrics {"end_of_utterance_delay": 0.5, "transcription_delay": 0.25}"#,
                #"2026-03-02 00:00:\#(s) - INFO livekit.agents - LLM metrics {"ttft": 0.25, "prompt_tokens": 10}"#,
                #"2026-03-02 00:00:\#(s) - INFO livekit.agents - TTS metrics {"ttfb": 0.125, "audio_duration": 2.0}"#,
            ]
        }
        let report = Self.run([("worker.log", log)])
        let session = report.sessions.first
        #expect(report.sessions.count == 1)
        #expect(session?.recordCount == 901)
        #expect(session?.replies == 300)
        #expect(session?.responses == Array(repeating: Float(0.875), count: 300))
        #expect(session?.audioSeconds == 600)
        // The first eight metrics events and the session start are kept.
        #expect(session?.events.count == 9)
    }

    /// A segment remembers its first `maxSegmentStarts` different start lines: the first of them
    /// again cuts it, one after them again does not (it held every one; a run of different
    /// start lines on every other line grew by them).
    @Test func aSegmentRemembersAtMostMaxSegmentStartsStartLines() {
        func stamp(_ i: Int) -> String { String(format: "%02d:%02d:%02d.000", i / 3600, i / 60 % 60, i % 60) }
        let n = SessionTracker.maxSegmentStarts + 10
        var lines = (0..<n).map { "\(stamp($0)) - connecting to room lobby-\($0)" }
        // A start line remembered and one that was not, again: only the first cuts.
        lines.append("\(stamp(n)) - connecting to room lobby-\(n - 1)")
        lines.append("\(stamp(n + 1)) - connecting to room lobby-0")
        lines.append("\(stamp(n + 2)) - resuming connection failed: 401 Unauthorized - token is expired")
        let report = analyze(log: lines.joined(separator: "\n"))
        #expect(report.sessions.map(\.key) == ["(no session ids)", "(no session ids) #2"])
        #expect(report.sessions.map(\.recordCount) == [n + 1, 2])
    }
}
