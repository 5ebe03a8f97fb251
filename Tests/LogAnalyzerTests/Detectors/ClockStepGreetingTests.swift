import Testing

@testable import LogAnalyzer

/// A worker's clock stepped back (an NTP step) while it greeted: the greeting's end is written
/// 24.6 s before its start. The greeting had vanished (no end after its start, no finding) and
/// nothing said the clock went back; now the step is a note, a line of the timeline and part of
/// the measurement: the greeting took at least its markers' time apart with the step added back.
@Suite struct ClockStepGreetingTests {
    static func line(_ message: String, _ time: String, name: String = "agent") -> String {
        #"{"message": "\#(message)", "level": "INFO", "name": "\#(name)", "pid": 51234, "job_id": "AJ_St3pB4ckQ9xZ", "room": "step-room", "timestamp": "2026-03-17T\#(time)+00:00"}"#
    }

    /// livekit-agents JSON; the clock goes back after line 3 (written 10:00:01.668), its lines
    /// from line 4 on 27.758 s behind it. The greeting, in real time, took 5.4 s.
    static let log = [
        #"{"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "AJ_St3pB4ckQ9xZ", "dispatch_id": "AD_q8Wn2Lp5Rt7K", "room": "step-room", "room_id": "RM_Sp9kQ2wX4zLm", "agent_name": "", "resuming": false, "enable_recording": false, "timestamp": "2026-03-17T10:00:01.102311+00:00"}"#,
        line("Session created", "10:00:01.420118"),
        line("Generating initial greeting", "10:00:01.668020"),
        line("Transcript forwarding started", "09:59:33.910442"),
        line("Voice agent running for room step-room", "09:59:37.102554"),
        line("process exiting", "10:02:10.500871", name: "livekit.agents"),
    ]

    static func run(_ lines: [String]) -> (Report, DiagnosticSink) {
        let dir = TempDir()
        let path = dir.write("agent.log", lines.joined(separator: "\n") + "\n")
        var analyzer = Analyzer()
        analyzer.keepSessionEvents = true
        var sink = DiagnosticSink()
        let report = analyzer.run([InputDescriptor(path: path)], diagnostics: &sink)
        return (report, sink)
    }

    @Test func aGreetingAcrossAStepBackIsMeasuredWithTheStepAddedBack() throws {
        let (report, _) = Self.run(Self.log)
        let f = try #require(report.findings.first)
        #expect(report.findings.count == 1)
        #expect(f.rule == "slow-greeting")
        #expect(f.severity == .warning)
        #expect(f.message == "greeting took at least 3.19 s (over the 2.0 s warning threshold)")
        // (09:59:37.102554 - 10:00:01.668020 + 27.757578: the markers' time apart, the step added back.)
        #expect(f.number("seconds").map { ($0 * 1e6).rounded() } == 3_192_112)
        #expect(f.number("clockStepSeconds") == 27.757578)
        #expect(f.evidence.map { "\($0.role) \($0.location.line)" } == ["greeting start 3", "clock step 4", "greeting end 5"])
        #expect(f.explanation.first == "the log's clock went back 27.758 s between the markers (the end is written 24.565 s before the start): measured with the step added back, a lower bound (the time between the lines either side of the step is not known).")
        let session = try #require(report.sessions.first)
        #expect(SlowGreetingDetector.greetingSeconds(session).map { ($0 * 1e6).rounded() } == 3_192_112)
    }

    /// A step back of 2 min before the greeting: both markers are behind it, and their time apart
    /// is the greeting's, with no step added.
    @Test func aStepBeforeBothMarkersLeavesTheGreetingAsWritten() throws {
        var lines = Self.log
        lines[3] = Self.line("Transcript forwarding started", "09:58:01.910442")
        lines[4] = Self.line("Generating initial greeting", "09:58:02.000000")
        lines[2] = Self.line("Agent started", "10:00:01.668020")
        lines.insert(Self.line("Voice agent running for room step-room", "09:58:08.250000"), at: 5)
        let (report, _) = Self.run(lines)
        let f = try #require(report.findings.first)
        #expect(f.message == "greeting took 6.25 s (over the 5.0 s error threshold)")
        #expect(f.value("clockStepSeconds") == nil)
    }

    /// One line out of order (written 30 s behind, the next line in step again) is not a step:
    /// no note, nothing added to a greeting.
    @Test func aLoneLineOutOfOrderIsNoStep() throws {
        var lines = Self.log
        lines[3] = Self.line("Transcript forwarding started", "09:59:31.000000")
        lines[4] = Self.line("Voice agent running for room step-room", "10:00:03.900000")
        let (report, sink) = Self.run(lines)
        #expect(report.findings.map(\.message) == ["greeting took 2.23 s (over the 2.0 s warning threshold)"])
        #expect(sink.lines.filter { $0.contains("clock") } == [])
        #expect(report.sessions.first?.clockSteps == [])
    }
}
