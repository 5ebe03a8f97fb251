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
            text.withUTF8 { parser.feed($0, line: i + 1, into: &out) }
        }
        parser.finish(into: &out)
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
        // Messages too, but for the line that stays lite: no String is built for its message.
        #expect(lite.map(\.message) == ["", "Session created", "LLM metrics", "unhandled failure", full[4].message])
        #expect(full[0].message == "received user transcript" && full[4].message.hasPrefix("error in job\nTraceback"))
        #expect(lite.map(\.isMessageDeferred) == [true, false, false, false, false])
        #expect(lite.map(\.time) == full.map(\.time))
        // The events: a lite line that a traceback turns into an event is one.
        #expect(lite.map { $0.event.map { "\($0)" } ?? "-" } == [
            "-", "sessionStart", "llmMetrics(ttft: 0.5)", "-", "authFailure(LogAnalyzer.AuthFailureKind.expired)",
        ])
        // The lines whose message the gate found no event word in (classified without a scan
        // while they stay one line without an error text; the fifth got a traceback).
        #expect(lite.map(\.hasNoEventWords) == [true, false, false, false, true])
        #expect(lite[4].eventText == "error in job: livekit.rtc.ConnectError: resuming connection failed: 401 Unauthorized - token is expired")
        #expect(lite[4].lineCount == 3)
    }

    @Test func aDeferredMessageIsBuiltWhenTheParserReadsIt() {
        // Lines without event words: ids in the text, a Rust target, a continuation line make
        // the parser read the message after all; a quiet line keeps none.
        let lines = [
            #"2026-03-02 00:00:06,000 - DEBUG livekit.agents - forwarding for RM_jWlwYLflxvPu now {"pid": 3117}"#,
            #"2026-03-02 00:00:07,000 - DEBUG livekit.agents - quiet line {"pid": 3117}"#,
            #"2026-03-02 00:00:08,000 - DEBUG livekit.agents - handing over AJ_dJdreBaU1PaC {"pid": 3117}"#,
            #"2026-03-02 00:00:09,000 - DEBUG livekit - livekit::rtc_engine:729:livekit::rtc_engine - quiet rust line {"pid": 3117}"#,
            #"2026-03-02 00:00:10,000 - DEBUG livekit.agents - quiet before a traceback {"pid": 3117}"#,
            "Traceback (most recent call last):",
            "ValueError: bad",
            #"2026-03-02 00:00:11,000 - DEBUG livekit.agents - another quiet line {"pid": 3117}"#,
        ]
        let lite = Self.records(lines, analysis: true)
        let full = Self.records(lines, analysis: false)
        #expect(lite.count == 6 && full.count == 6)
        #expect(lite.map(\.hasNoEventWords) == [true, true, true, true, true, true])
        #expect(lite.map(\.isMessageDeferred) == [false, true, false, false, false, true])
        #expect(lite.map(\.message) == [
            "forwarding for RM_jWlwYLflxvPu now", "", "handing over AJ_dJdreBaU1PaC", "quiet rust line",
            "quiet before a traceback\nTraceback (most recent call last):\nValueError: bad", "",
        ])
        for i in [0, 2, 3, 4] { #expect(lite[i].message == full[i].message, "\(i)") }
        #expect(lite.map(\.ids) == full.map(\.ids))
        #expect(lite[0].ids.roomSid == "RM_jWlwYLflxvPu" && lite[2].ids.jobId == "AJ_dJdreBaU1PaC")
        #expect(lite[3].fields["rust_target"]?.stringValue == "livekit::rtc_engine")
        #expect(lite.map(\.lineCount) == [1, 1, 1, 1, 3, 1])
        // A message longer than the buffer it is kept in (which then grows), continued.
        let long = String(repeating: "quiet words ", count: 60)
        let grown = Self.records([
            #"2026-03-02 00:00:12,000 - DEBUG livekit.agents - short {"pid": 1}"#,
            "2026-03-02 00:00:13,000 - DEBUG livekit.agents - \(long)x {\"pid\": 1}",
            "Traceback (most recent call last):",
        ], analysis: true)
        #expect(grown.map(\.message) == ["", long + "x\nTraceback (most recent call last):"])
    }

    @Test func liteJSONRecordsCarryWhatTheTrackerReads() {
        // In analysis a JSON line that cannot be an event (or is a metrics line) keeps its time,
        // ids, format and event, and no level, fields or (but for metrics) message: nothing
        // reads them. Without analysis every record has them all.
        let lines = [
            #"{"message": "received user transcript", "level": "DEBUG", "name": "livekit.agents", "user_transcript": "Hi", "pid": 7, "job_id": "AJ_dJdreBaU1PaC", "room": "room-sZbtOIeN", "timestamp": "2026-03-02T00:00:01.250000+00:00"}"#,
            #"{"message": "LLM metrics", "level": "INFO", "name": "livekit.agents", "ttft": 0.5, "pid": 7, "job_id": "AJ_dJdreBaU1PaC", "timestamp": "2026-03-02T00:00:02+00:00"}"#,
            #"{"message": "Session created", "level": "INFO", "name": "livekit.agents", "pid": 7, "job_id": "AJ_dJdreBaU1PaC", "timestamp": "2026-03-02T00:00:03+00:00"}"#,
        ]
        let lite = Self.records(lines, analysis: true)
        let full = Self.records(lines, analysis: false)
        #expect(lite.map(\.level) == [nil, nil, .info])
        #expect(full.map(\.level) == [.debug, .info, .info])
        #expect(lite.map(\.message) == ["", "LLM metrics", "Session created"])
        #expect(lite.map { $0.fields.members.map(\.0) } == [[], [], ["pid", "job_id"]])
        #expect(lite.map(\.ids) == full.map(\.ids))
        #expect(lite.map(\.time) == full.map(\.time))
        #expect(lite.map { $0.format.id } == ["agents-json", "agents-json", "agents-json"])
        #expect(lite.map { $0.event.map { "\($0)" } ?? "-" } == ["-", "llmMetrics(ttft: 0.5)", "sessionStart"])
        #expect(lite[0].time?.micros == full[0].time?.micros && lite[0].time != nil)
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

/// The parser writes records into the caller's array; the record later lines may continue waits
/// in the parser between arrays (`detach(from:)`). Detaching after every line must give the
/// records one array gives: none lost, none split, continuations joined.
@Suite struct ParserOutputTests {
    static let lines = [
        "Task exception was never retrieved",
        "future: <Task finished name='Task-42' coro=<run() done> exception=CancelledError()>",
        "Traceback (most recent call last):",
        "  File \"a.py\", line 1, in run",
        "ValueError: bad",
        "",
        "During handling of the above exception, another exception occurred:",
        "",
        "Traceback (most recent call last):",
        "  File \"b.py\", line 2, in run",
        "asyncio.exceptions.CancelledError",
        #"{"message": "json record", "level": "INFO", "name": "agent", "timestamp": "2025-12-11T01:09:17+00:00"}"#,
        "[13:57:23.859] INFO (45416): received job request",
        "    jobID: \"AJ_gggggggggggg\"",
        "    roomName: \"pino-room\"",
        "2025-12-11 01:09:16,311 - ERROR livekit - failed to connect to livekit, retrying in 0s",
        "Traceback (most recent call last):",
        "  File \"/app/worker.py\", line 612, in _connection_task",
        "livekit.rtc.ConnectError: resuming connection failed: 401 Unauthorized - token is expired",
        #"{"message": "Session created", "level": "INFO", "name": "agent", "job_id": "AJ_gggggggggggg", "timestamp": "2025-12-11T01:09:18+00:00"}"#,
        "2025-12-11 01:09:19,000 - INFO livekit.agents - LLM metrics {\"ttft\": 0.5, \"job_id\": \"AJ_gggggggggggg\"}",
    ]

    static func summary(_ records: [LogRecord]) -> [String] {
        records.map { "\($0.line)+\($0.lineCount) \($0.format.id) \($0.ids.jobId ?? "-") \($0.ids.room ?? "-") \($0.event.map { "\($0)" } ?? "-") \($0.message)" }
    }

    @Test func detachingAfterEveryLineGivesTheSameRecords() {
        for analysis in [false, true] {
            func parser() -> StreamParser {
                StreamParser(input: 0, clock: StreamClock(zone: IngestOptions().timeZone, referenceDay: nil, referenceIsExplicit: false),
                             classifier: analysis ? EventClassifier(configuration: AnalysisConfiguration()) : nil)
            }
            var one = parser()
            var all: [LogRecord] = []
            var split = parser()
            var pieces: [LogRecord] = []
            for (i, line) in Self.lines.enumerated() {
                var text = line
                text.withUTF8 { one.feed($0, line: i + 1, into: &all) }
                var piece: [LogRecord] = []
                text.withUTF8 { split.feed($0, line: i + 1, into: &piece) }
                split.detach(from: &piece)
                pieces += piece
            }
            one.finish(into: &all)
            split.finish(into: &pieces)
            #expect(all.count == 6)
            #expect(all.map(\.lineCount) == [11, 1, 3, 4, 1, 1])
            #expect(Self.summary(pieces) == Self.summary(all))
            #expect(split.completedCount == 6)
        }
    }
}
