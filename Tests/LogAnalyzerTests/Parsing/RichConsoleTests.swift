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

    /// A 401 whose token is longer than the message column: Rich folds the token where each
    /// line ends, with no space to drop.
    static func foldedTokenLines(_ token: String, cuts: [Int]) -> [String] {
        let indent = String(repeating: " ", count: 45)
        var pieces: [String] = []
        var from = token.startIndex
        for cut in cuts {
            let to = token.index(token.startIndex, offsetBy: cut)
            pieces.append(String(token[from..<to]))
            from = to
        }
        pieces.append(String(token[from...]))
        return ["    01:14:53.440 INFO     livekit.agents     received job request {\"job_id\": \"AJ_kTm3vPq9Xw2a\"}",
                "    01:14:58.890 ERROR    livekit            livekit::rtc_engine:731:livekit::rtc_engine - resuming connection failed: client",
                indent + "error: 401 Unauthorized - invalid token: " + pieces[0]]
            + pieces.dropFirst().dropLast().map { indent + $0 }
            + [indent + pieces.last! + ", error: token is expired (exp)",
               "                                      {\"pid\": 4300, \"job_id\": \"AJ_kTm3vPq9Xw2a\"}"]
    }

    /// (Cut 0: the token starts a line of its own, as Rich moves a word that does not fit.)
    @Test(arguments: [[0, 75, 150, 225], [34, 110, 185], [3, 36, 37, 200], [1, 120, 121]])
    func aTokenFoldedAtTheLineEndsIsOneWord(_ cuts: [Int]) throws {
        let records = parse(Self.foldedTokenLines(secretJWT, cuts: cuts).joined(separator: "\n") + "\n", options: Self.options).records
        try #require(records.count == 2)
        #expect(records[1].message == "resuming connection failed: client error: 401 Unauthorized - invalid token: \(secretJWT), error: token is expired (exp)")
        #expect(records[1].lineCount == 2 + cuts.count + 1)
        #expect(records[1].ids.pid == 4300)
    }

    @Test func aFoldedTokenIsRedactedWholeInTheTimeline() throws {
        let dir = TempDir()
        let path = dir.write("agent.log", Self.foldedTokenLines(secretJWT, cuts: [34, 110, 185]).joined(separator: "\n") + "\n")
        for command in [["parse", "--date", "2026-03-17", path], ["timeline", "--date", "2026-03-17", "--session", "AJ_kTm3vPq9Xw2a", path]] {
            let result = try runLoganalyze(command)
            #expect(result.stdout.contains("invalid token: [redacted-jwt], error: token is expired (exp)"), "\(command): \(result.stdout)")
            for part in secretJWT.split(separator: ".") { #expect(!result.stdout.contains(part.suffix(16)), "\(command)") }
        }
    }

    @Test func aTokenFoldedInTheExtrasIsOneValue() {
        let url = "wss://voice.example/rtc?access_token=\(secretJWT)"
        let extras = "{\"pid\": 4300, \"url\": \"\(url)\"}"
        let cut1 = extras.index(extras.startIndex, offsetBy: 90)
        let cut2 = extras.index(cut1, offsetBy: 120)
        let lines = [
            "    01:14:58.890 ERROR    livekit.agents     failed to connect to livekit  ",
            "                                      " + extras[..<cut1], String(extras[cut1..<cut2]), String(extras[cut2...]),
        ]
        let records = parse(lines.joined(separator: "\n") + "\n", options: Self.options).records
        #expect(records.count == 1)
        #expect(records.first?.field("url") == .string(url))
        #expect(records.first?.ids.pid == 4300)
    }

    @Test func wordsWrappedAtASpaceStillJoinWithOne() {
        let lines = [
            "    01:14:58.890 INFO     voice-agent        user transcript: I asked whether they",
            "                                             Just booked it, said heyJude",
            "                                             Kq and token eyJhbGciOiJIUzI1NiJ9.",
            "                                             eyJzdWIiOiJ1c2VyLTEifQ.c2lnbmF0dXJlLWJ5dGVz done",
            "                                             eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTIifQ.c2ln again",
        ]
        let records = parse(lines.joined(separator: "\n") + "\n", options: Self.options).records
        #expect(records.map(\.message) == [
            "user transcript: I asked whether they Just booked it, said heyJude Kq and token "
                + "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEifQ.c2lnbmF0dXJlLWJ5dGVz done "
                + "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTIifQ.c2ln again"
        ])
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

    /// `kubectl logs --timestamps` of a pod running `dev`: each physical line gets the stamp, so a
    /// record with a blank time column reads `…Z` + spaces + `DEBUG  livekit.agents`, which is no
    /// zap console line (no `file.go:N` caller follows).
    @Test func blankTimeColumnBehindKubectlTimestamps() {
        let stamped = Self.lines.enumerated().map { "2026-03-17T01:14:5\($0.offset % 10).000000123Z \($0.element)" }
        let records = parse(stamped.joined(separator: "\n") + "\n", options: Self.options).records
        #expect(records.map(\.format) == Array(repeating: .agentsRich, count: 5))
        #expect(records.map(\.line) == [1, 4, 7, 10, 13])
        #expect(records[1].message == "received assignment")
        #expect(records[1].level == .debug)
        #expect(records[1].logger == "livekit.agents")
        #expect(records[1].time?.iso8601 == "2026-03-17T01:14:53.440Z")
        #expect(records[1].ids.jobId == "AJ_kTm3vPq9Xw2a")
        #expect(records[1].field("enable_recording") == .bool(false))
    }

    /// A Rich console stamp is written to the millisecond: one that falls on `.000` is no
    /// whole-second stamp and keeps its own time (taking a late wrapper's put it after the
    /// records that followed it).
    @Test func aRichStampOnAWholeSecondKeepsItsMilliseconds() {
        let text = """
            2026-03-17T10:00:01.200000000Z 10:00:00.000 INFO     livekit.agents   received job request {"job_id": "AJ_AlphA9z8Y7x6"}
            2026-03-17T10:00:01.210000000Z 10:00:00.120 INFO     livekit.agents   job started {"job_id": "AJ_AlphA9z8Y7x6"}

            """
        var options = IngestOptions()
        options.date = TimeParsing.day(fromISODate: "2026-03-17")
        let records = parse(text, options: options).records
        #expect(records.map(\.format) == [.agentsRich, .agentsRich])
        #expect(records.map { $0.time?.iso8601 ?? "-" } == ["2026-03-17T10:00:00.000Z", "2026-03-17T10:00:00.120Z"])
    }
}
