import Foundation
import Testing

@testable import LogAnalyzer

/// In analysis, a dev-text line that cannot be an event keeps its ids but not its extras; nor
/// does a metrics line, whose numbers are read while its extras are scanned.
@Suite struct TextGateTests {
    static func records(_ lines: [String], analysis: Bool) -> [LogRecord] {
        let classifier = analysis ? EventClassifier(configuration: AnalysisConfiguration()) : nil
        var parser = StreamParser(input: 0, clock: StreamClock(zone: IngestOptions().timeZone, referenceDay: nil, referenceIsExplicit: false), classifier: classifier)
        var out: [LogRecord] = []
        for (i, line) in lines.enumerated() {
            var text = line
            text.withUTF8 { parser.feed($0, line: i + 1) { out.append($0) } }
        }
        parser.finish { out.append($0) }
        return out
    }

    static let lines = [
        #"2026-03-02 00:00:01,000 - DEBUG livekit.agents - received user transcript {"user_transcript": "Okay, thanks.", "pid": 3117, "job_id": "AJ_dJdreBaU1PaC", "room": "room-sZbtOIeN"}"#,
        #"2026-03-02 00:00:02,000 - INFO livekit.agents - Session created {"pid": 3117, "job_id": "AJ_dJdreBaU1PaC"}"#,
        #"2026-03-02 00:00:03,000 - INFO livekit.agents - LLM metrics {"ttft": 0.5, "pid": 3117, "job_id": "AJ_dJdreBaU1PaC"}"#,
        #"2026-03-02 00:00:04,000 - ERROR livekit.agents - unhandled failure {"error": "boom", "job_id": "AJ_dJdreBaU1PaC"}"#,
        #"2026-03-02 00:00:05,000 - ERROR livekit.agents - error in job {"pid": 3117, "job_id": "AJ_dJdreBaU1PaC"}"#,
        "Traceback (most recent call last):",
        "livekit.rtc.ConnectError: resuming connection failed: 401 Unauthorized - token is expired",
    ]

    @Test func onlyLinesThatCannotBeEventsDropTheirExtras() {
        let lite = Self.records(Self.lines, analysis: true)
        let full = Self.records(Self.lines, analysis: false)
        #expect(lite.count == 5)
        #expect(lite.map { $0.fields.members.map(\.0) } == [
            [], ["pid", "job_id"], [], ["error", "job_id"], [],
        ])
        #expect(full.map { $0.fields.members.count } == [4, 2, 3, 2, 2])
        // Ids, messages and times are the same either way.
        #expect(lite.map(\.ids) == full.map(\.ids))
        #expect(lite[0].ids.jobId == "AJ_dJdreBaU1PaC" && lite[0].ids.room == "room-sZbtOIeN" && lite[0].ids.pid == 3117)
        #expect(lite.map(\.message) == full.map(\.message))
        #expect(lite.map(\.time) == full.map(\.time))
        // The events: a lite line that a traceback turns into an event is one.
        #expect(lite.map { $0.event.map { "\($0)" } ?? "-" } == [
            "-", "sessionStart", "llmMetrics(ttft: 0.5)", "-", "authFailure(LogAnalyzer.AuthFailureKind.expired)",
        ])
        // The lines whose message the gate found no event word in (classified without a scan
        // while they stay one line without an error text; the fifth got a traceback).
        #expect(lite.map(\.hasNoEventWords) == [true, false, false, false, true])
        #expect(lite[4].eventText == "error in job")
        #expect(lite[4].lineCount == 3)
    }

    @Test func aLineThatFailsAsJSONKeepsNoIdsFromTheAttempt() {
        // The scan takes `room` and `job_id` before it meets the broken member; the record the
        // other parsers then try must not have them.
        var clock = StreamClock(zone: IngestOptions().timeZone, referenceDay: nil, referenceIsExplicit: false)
        var memo = LiteralSet.Memo()
        let classifier = EventClassifier(configuration: AnalysisConfiguration())
        var broken = #"{"room": "room-a", "job_id": "AJ_abc", "message" oops}"#
        broken.withUTF8 { b in
            var r = LogRecord(input: 0, line: 1, format: .plain, message: "")
            #expect(!JSONLineParser.parse(b, at: 0, clock: &clock, into: &r, classifier: classifier, memo: &memo))
            #expect(r.ids.isEmpty)
        }
        var good = #"{"room": "room-b", "job_id": "AJ_dJdreBaU1PaC", "message": "Session created", "level": "INFO", "timestamp": "2026-03-02T00:00:00+00:00"}"#
        good.withUTF8 { b in
            var r = LogRecord(input: 0, line: 2, format: .plain, message: "")
            #expect(JSONLineParser.parse(b, at: 0, clock: &clock, into: &r, classifier: classifier, memo: &memo))
            #expect(r.ids.room == "room-b" && r.ids.jobId == "AJ_dJdreBaU1PaC")
        }
        let records = Self.records([broken, good], analysis: true)
        #expect(records.map(\.format) == [.plain, .agentsJSON])
        #expect(records[0].ids.isEmpty)
    }

    @Test func brokenExtrasLeaveNoIdsBehind() {
        // The scan takes `room` before it meets the member without a colon.
        let lines = [
            #"2026-03-02 00:00:05,000 - INFO livekit.agents - hello {"room": "room-x", "job_id" "AJ_x"}"#,
            #"2026-03-02 00:00:06,000 - INFO livekit.agents - hello {"room": "room-y", "pid": 7}"#,
        ]
        for analysis in [true, false] {
            let records = Self.records(lines, analysis: analysis)
            #expect(records.count == 2)
            #expect(records[0].ids.isEmpty)
            #expect(records[0].message == #"hello {"room": "room-x", "job_id" "AJ_x"}"#)
            #expect(records[1].ids.room == "room-y" && records[1].ids.pid == 7)
        }
    }
}
