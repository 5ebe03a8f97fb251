import Foundation
import Testing

@testable import LogAnalyzer

/// A log's clock going back (an NTP step) is told apart from a line out of order by the line
/// after it, and said: a note naming the line, the size and the time it went back from, and a
/// line at the head of the session's timeline (whose rows it puts out of order).
@Suite struct ClockStepTests {
    @Test func aStepBackIsANoteAndATimelineLine() throws {
        let (report, sink) = ClockStepGreetingTests.run(ClockStepGreetingTests.log)
        let notes = sink.lines.filter { $0.contains("clock went back") }
        #expect(notes.count == 1)
        #expect(notes.first?.hasSuffix("agent.log:4: note: the clock went back 27.758 s: 09:59:33.910 after 10:00:01.668 at line 3, and the lines after it follow on (a clock step: NTP, a resumed VM); durations across it are short by at least that") == true)
        let session = try #require(report.sessions.first)
        #expect(session.clockSteps.map { "\($0.fromLocation.line)->\($0.toLocation.line) \($0.seconds)" } == ["3->4 27.757578"])
        let timeline = TimelineRenderer().render(report, selector: nil).split(separator: "\n").map(String.init)
        #expect(timeline.count > 1)
        #expect(timeline[1].hasPrefix("  ~  the clock went back 27.758 s at "))
        #expect(timeline[1].hasSuffix("agent.log:3): that log's later lines are written that much behind"))
        #expect(timeline[1].contains("agent.log:4 (09:59:33.910 after 10:00:01.668 at "))
        // (Kept through the report's spool: the encoded session keeps its steps.)
        var writer = SpoolWriter(bytes: [])
        SessionCoding.encode(session, into: &writer)
        let decoded = writer.bytes.withUnsafeBufferPointer { b in
            var reader = SpoolReader(b, at: 0)
            return SessionCoding.decode(&reader).clockSteps
        }
        #expect(decoded == session.clockSteps)
    }

    /// A log whose clock goes back again and again (70 runs of 3 lines, each run 32 s behind the
    /// last): the first 64 steps are said a note each, the rest counted in one.
    @Test func manyStepsAreSaidUpToACapThenCounted() {
        var lines: [String] = []
        let base = 12 * 3600
        for k in 0..<70 {
            for j in 0..<3 {
                let t = base - 30 * k + j
                let time = String(format: "%02d:%02d:%02d", t / 3600, t / 60 % 60, t % 60)
                lines.append(ClockStepGreetingTests.line("tick", "\(time).000000"))
            }
        }
        let (_, sink) = ClockStepGreetingTests.run(lines)
        // (The tracker's notes are bounded, whatever the sink keeps of them: 64, and one count.)
        #expect(sink.count(kind: "clock-step") == 65)
        #expect(sink.lines.filter { $0.hasSuffix("note: 5 more steps back of a log's clock were not said (the first 64 were)") }.count == 1)
    }
}
