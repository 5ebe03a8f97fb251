import Foundation
import Testing

@testable import LogAnalyzer

/// Lines as livekit-agents 1.8.9 writes them (`cli/log.py` `ColoredFormatter` and `JsonFormatter`,
/// through the worker's job-process log forwarding), where they differ from earlier versions.
@Suite struct AgentsJobProcessLinesTests {
    static let esc = "\u{1B}"

    /// A job process's `logger.exception`, as the worker prints it in dev mode: the forwarded
    /// message already holds the traceback, and the extras the parent adds follow it, at the end
    /// of the traceback's last line; the exception text (`exc_text`) is printed again after.
    static let devException = [
        "2026-03-17 01:14:53,740 - \(esc)[32mINFO\(esc)[0m agent - Session created \(esc)[90m{\"pid\": 4300, \"job_id\": \"AJ_kTm3vPq9Xw2a\", \"room\": \"room-abc\", \"room_id\": \"RM_aB3dE5fG7hJ9\"}\(esc)[0m",
        "2026-03-17 01:14:57,940 - \(esc)[31mERROR\(esc)[0m agent - error in tool call",
        "Traceback (most recent call last):",
        "  File \"/app/agent.py\", line 112, in lookup",
        "    return d[\"missing_key\"]",
        "KeyError: 'missing_key' \(esc)[90m{\"function\": \"lookup_weather\", \"pid\": 4300, \"job_id\": \"AJ_kTm3vPq9Xw2a\", \"room\": \"room-abc\", \"room_id\": \"RM_aB3dE5fG7hJ9\"}\(esc)[0m",
        "Traceback (most recent call last):",
        "  File \"/app/agent.py\", line 112, in lookup",
        "    return d[\"missing_key\"]",
        "KeyError: 'missing_key'",
        "2026-03-17 01:14:58,940 - \(esc)[32mINFO\(esc)[0m agent - done \(esc)[90m{\"pid\": 4300, \"job_id\": \"AJ_kTm3vPq9Xw2a\", \"room\": \"room-abc\", \"room_id\": \"RM_aB3dE5fG7hJ9\"}\(esc)[0m",
    ]

    @Test func extrasAtTheEndOfAJobProcessTracebackBelongToItsRecord() {
        let records = parse(Self.devException.joined(separator: "\n") + "\n").records
        #expect(records.count == 3)
        let r = records[1]
        #expect(r.format == .agentsText)
        #expect(r.lineCount == 9)
        #expect(r.ids.pid == 4300)
        #expect(r.ids.jobId == "AJ_kTm3vPq9Xw2a")
        #expect(r.ids.room == "room-abc")
        #expect(r.ids.roomSid == "RM_aB3dE5fG7hJ9")
        #expect(r.field("function") == .string("lookup_weather"))
        let lines = r.message.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "error in tool call")
        #expect(lines[4] == "KeyError: 'missing_key'")
        #expect(lines.count == 9)
        #expect(lines.last == "KeyError: 'missing_key'")
    }

    @Test func theErrorJoinsItsJobsSessionInDevTextAsInJSON() {
        let report = analyze(log: Self.devException.joined(separator: "\n"))
        #expect(report.sessions.map(\.key) == ["room-abc/RM_aB3dE5fG7hJ9"])
        #expect(report.sessions.map(\.recordCount) == [3])
    }

    @Test func colourlessLinesGetTheSameExtras() {
        let plain = Self.devException.map { $0.replacingOccurrences(of: "\(Self.esc)[90m", with: "").replacingOccurrences(of: "\(Self.esc)[0m", with: "")
            .replacingOccurrences(of: "\(Self.esc)[31m", with: "").replacingOccurrences(of: "\(Self.esc)[32m", with: "")
        }
        let r = parse(plain.joined(separator: "\n") + "\n").records[1]
        #expect(r.ids.jobId == "AJ_kTm3vPq9Xw2a")
        #expect(r.ids.pid == 4300)
    }

    /// A message with line breaks: the formatter's closing reset comes only after its last line.
    @Test func aColouredMessageOverSeveralLinesIsOneRecordWithItsExtras() {
        let esc = Self.esc
        let lines = [
            "2026-03-17 01:32:18,640 - \(esc)[31mERROR\(esc)[0m livekit - livekit::rtc_engine:300:livekit::rtc_engine - failed to handle session event: line1",
            "line2",
            "line3 \(esc)[90m{\"pid\": 4300, \"job_id\": \"AJ_kTm3vPq9Xw2a\", \"room\": \"room-abc\"}\(esc)[0m",
            "2026-03-17 01:32:19,000 - \(esc)[32mINFO\(esc)[0m agent - said",
            "second line",
            "{\"not\": \"extras\"} \(esc)[90m\(esc)[0m",
            "print output after the record",
        ]
        let records = parse(lines.joined(separator: "\n") + "\n").records
        #expect(records.count == 3)
        #expect(records[0].message == "failed to handle session event: line1\nline2\nline3")
        #expect(records[0].lineCount == 3)
        #expect(records[0].ids.jobId == "AJ_kTm3vPq9Xw2a")
        #expect(records[0].ids.pid == 4300)
        #expect(records[0].field("rust_target") == .string("livekit::rtc_engine"))
        #expect(records[0].field("room") == .string("room-abc"))
        // Without grey extras the closing line is message text, whatever it looks like.
        #expect(records[1].message == "said\nsecond line\n{\"not\": \"extras\"}")
        #expect(records[1].fields.isEmpty)
        #expect(records[2].format == .plain)
        #expect(records[2].message == "print output after the record")
    }

    @Test func anOpenRecordEndsWhereTheNextRecordStarts() {
        let esc = Self.esc
        let lines = [
            "2026-03-17 01:32:18,640 - \(esc)[32mINFO\(esc)[0m agent - cut short",
            "2026-03-17 01:32:18,700 - \(esc)[32mINFO\(esc)[0m agent - next \(esc)[90m{\"pid\": 1}\(esc)[0m",
        ]
        let records = parse(lines.joined(separator: "\n") + "\n").records
        #expect(records.map(\.message) == ["cut short", "next"])
        #expect(records.map(\.ids.pid) == [nil, 1])
    }

    @Test func aJSONObjectEndingATracebackLineWithoutIdsStaysText() {
        let lines = [
            "2026-03-17 01:14:57,940 - ERROR agent - bad payload",
            "Traceback (most recent call last):",
            "  File \"/app/agent.py\", line 12, in handle",
            "ValueError: unexpected {\"kind\": \"x\", \"n\": 2}",
        ]
        let r = parse(lines.joined(separator: "\n") + "\n").records[0]
        #expect(r.lineCount == 4)
        #expect(r.ids.isEmpty)
        #expect(r.fields.isEmpty)
        #expect(r.message.hasSuffix("\nValueError: unexpected {\"kind\": \"x\", \"n\": 2}"))
    }

    @Test func aRecordWithExtrasOnItsFirstLineKeepsThemAndItsTracebackWhole() {
        let lines = [
            "2026-03-17 01:14:58,640 - ERROR livekit.agents - job_request_fnc failed {\"agent_name\": \"my-agent\"}",
            "Traceback (most recent call last):",
            "ValueError: bad {\"pid\": 1, \"job_id\": \"AJ_bbbbbbbbbbbb\"}",
        ]
        let r = parse(lines.joined(separator: "\n") + "\n").records[0]
        #expect(r.field("agent_name") == .string("my-agent"))
        #expect(r.ids.jobId == nil)
        #expect(r.message == "job_request_fnc failed\nTraceback (most recent call last):\nValueError: bad {\"pid\": 1, \"job_id\": \"AJ_bbbbbbbbbbbb\"}")
    }
}
