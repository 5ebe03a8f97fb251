import Foundation
import Testing

@testable import LogAnalyzer

/// livekit-agents 1.3–1.5 console (`RichLoggingHandler`), as Rich writes it to a 120-column
/// terminal: extras that do not fit beside the message go on a line of their own and wrap onto
/// lines that start at column 0; long messages wrap in their column; a repeated time is blank.
@Suite struct RichConsoleTests {
    static let lines = [
        "    01:14:53.440 INFO     livekit.agents     received job request  ",
        "                                         {\"job_id\": \"AJ_kTm3vPq9Xw2a\", \"dispatch_id\": \"\", \"room\": \"room-abc\", \"room_id\":",
        "\"RM_aB3dE5fG7hJ9\", \"agent_name\": \"\", \"resuming\": false, \"enable_recording\": false}",
        "                 DEBUG    livekit.agents     received assignment  ",
        "                                         {\"agent_name\": \"\", \"room_id\": \"RM_aB3dE5fG7hJ9\", \"room\": \"room-abc\", \"job_id\": ",
        "\"AJ_kTm3vPq9Xw2a\", \"dispatch_id\": \"\", \"enable_recording\": false}",
        "    01:14:58.710 INFO     livekit.agents     TTS metrics  ",
        "                                         {\"model_name\": \"sonic-2\", \"model_provider\": \"cartesia\", \"ttfb\": 1.62, ",
        "\"audio_duration\": 2.43, \"pid\": 4300, \"job_id\": \"AJ_kTm3vPq9Xw2a\", \"room_id\": \"RM_aB3dE5fG7hJ9\"}",
        "    01:14:58.890 INFO     voice-agent        user transcript: I would like to book a table for four people tomorrow     ",
        "                                             evening at around half past seven                                          ",
        "                                      {\"pid\": 4300, \"job_id\": \"AJ_kTm3vPq9Xw2a\", \"room_id\": \"RM_aB3dE5fG7hJ9\"}",
        "    01:14:59.040 INFO     voice-agent        done {\"pid\": 4300}",
    ]

    static var options: IngestOptions {
        var o = IngestOptions()
        o.date = Timestamp.days(year: 2026, month: 3, day: 17)
        return o
    }

    @Test func extrasOnTheirOwnWrappedLinesAreTheRecordsFields() {
        let records = parse(Self.lines.joined(separator: "\n") + "\n", options: Self.options).records
        #expect(records.map(\.message) == [
            "received job request", "received assignment", "TTS metrics",
            "user transcript: I would like to book a table for four people tomorrow evening at around half past seven", "done",
        ])
        #expect(records.map(\.format) == Array(repeating: .agentsRich, count: 5))
        #expect(records[0].ids.jobId == "AJ_kTm3vPq9Xw2a")
        #expect(records[0].ids.roomSid == "RM_aB3dE5fG7hJ9")
        #expect(records[0].field("enable_recording") == .bool(false))
        #expect(records[1].time?.iso8601 == records[0].time?.iso8601)
        #expect(records[1].ids.room == "room-abc")
        #expect(records[2].field("ttfb") == .number("1.62"))
        #expect(records[2].field("audio_duration") == .number("2.43"))
        #expect(records[2].ids.pid == 4300)
        #expect(records[2].lineCount == 3)
        #expect(records[3].ids.jobId == "AJ_kTm3vPq9Xw2a")
        #expect(records[4].ids.pid == 4300)
    }

    /// 1.3's level column is 6 wide: Rich cuts the padded name with an ellipsis.
    @Test func levelsCutToTheColumnStillParse() {
        let lines = [
            "    01:14:48.450 INFO \u{2026} livekit.agents     starting worker {\"version\": \"1.3.12\"}",
            "    01:14:48.940 WARNI\u{2026} livekit.agents     failed to connect to livekit, retrying in 0s  ",
            "                 DEBUG\u{2026} livekit.agents     received assignment  ",
        ]
        let records = parse(lines.joined(separator: "\n") + "\n", options: Self.options).records
        #expect(records.map(\.level) == [.info, .warning, .debug])
        #expect(records.map(\.logger) == ["livekit.agents", "livekit.agents", "livekit.agents"])
        #expect(records.map(\.message) == ["starting worker", "failed to connect to livekit, retrying in 0s", "received assignment"])
    }
}
