import Foundation
import Testing

@testable import LogAnalyzer

/// `analyze --session`, `--since`, `--until`: the sessions an incident is about, out of a long log.
@Suite struct SessionSelectionTests {
    /// Three jobs an hour apart, each with a greeting of 6 s (an error): room-a from 09:00 to
    /// 09:35, room-b from 10:00, room-c from 11:00.
    static let log: String = {
        func line(_ message: String, _ room: String, _ job: String, _ time: String) -> String {
            #"{"message": "\#(message)", "level": "INFO", "name": "agent", "job_id": "\#(job)", "room": "\#(room)", "timestamp": "2026-03-02T\#(time).000000+00:00"}"#
        }
        var lines: [String] = []
        for (room, job, hour) in [("room-a", "AJ_AaaaBbbbCccc", "09"), ("room-b", "AJ_DdddEeeeFfff", "10"), ("room-c", "AJ_GgggHhhhIiii", "11")] {
            lines.append(line("Generating initial greeting", room, job, "\(hour):00:00"))
            lines.append(line("Voice agent running for room \(room)", room, job, "\(hour):00:06"))
        }
        // room-a goes on until 09:35.
        lines.insert(line("user speech committed", "room-a", "AJ_AaaaBbbbCccc", "09:35:00"), at: 2)
        return lines.joined(separator: "\n") + "\n"
    }()

    static func run(_ arguments: [String]) throws -> CommandResult {
        let dir = TempDir()
        let path = dir.write("agent.log", log)
        return try runLoganalyze(["analyze"] + arguments + [path])
    }

    @Test func withoutSelectionEverySessionIsReported() throws {
        let result = try Self.run([])
        #expect(result.status == 1)
        #expect(result.stdout.hasSuffix("1 input, 7 records, 3 sessions (3 flagged): 3 errors\n"))
    }

    /// A job id, a room name: that session only; the others are counted as left out.
    @Test func aSessionIsSelectedByItsJobOrRoom() throws {
        for selector in ["AJ_DdddEeeeFfff", "room-b"] {
            let result = try Self.run(["--session", selector, "--output", "json"])
            #expect(result.status == 1)
            let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            let summary = try #require(report["summary"] as? [String: Int])
            #expect(summary["sessions"] == 1)
            #expect(summary["sessionsLeftOut"] == 2)
            #expect(summary["errors"] == 1)
            let sessions = try #require(report["sessions"] as? [[String: Any]])
            #expect(sessions.map { $0["room"] as? String } == ["room-b"])
        }
        let text = try Self.run(["--session", "room-c"])
        #expect(text.stdout.contains("room-c  job AJ_GgggHhhhIiii  2026-03-02 11:00:00 -> 11:00:06 (6.00 s)"))
        #expect(!text.stdout.contains("room-a"))
        #expect(text.stdout.hasSuffix("1 input, 7 records, 1 session selected by --session, 2 left out (1 flagged): 1 error\n"))
    }

    /// A window holds the sessions with lines in it: room-a (09:00 to 09:35) and room-b for
    /// 09:30 to 10:30, not room-c.
    @Test func aWindowSelectsTheSessionsItCutsThrough() throws {
        let result = try Self.run(["--since", "2026-03-02T09:30:00Z", "--until", "2026-03-02T10:30:00Z"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("room-a  job AJ_AaaaBbbbCccc"))
        #expect(result.stdout.contains("room-b  job AJ_DdddEeeeFfff"))
        #expect(!result.stdout.contains("room-c"))
        #expect(result.stdout.hasSuffix("1 input, 7 records, 2 sessions selected by --since/--until, 1 left out (2 flagged): 2 errors\n"))
        // Zone-less times are in --tz: 10:40 at +01:00 is 09:40 UTC, after room-a's end.
        let shifted = try Self.run(["--since", "2026-03-02T10:40:00", "--tz", "+01:00"])
        #expect(shifted.stdout.hasSuffix("1 input, 7 records, 2 sessions selected by --since, 1 left out (2 flagged): 2 errors\n"))
        #expect(!shifted.stdout.contains("room-a"))
    }

    /// Nothing selected: no findings, exit 0, and a note naming the selection.
    @Test func nothingSelectedIsSaid() throws {
        let result = try Self.run(["--session", "room-z"])
        #expect(result.status == 0)
        #expect(result.stdout == "1 input, 7 records, 0 sessions selected by --session, 3 left out (0 flagged): no findings\n")
        #expect(result.stderr == "loganalyze: note: no session matches --session 'room-z' (3 sessions left out)\n")
        let reversed = try Self.run(["--since", "2026-03-02T11:00:00Z", "--until", "2026-03-02T10:00:00Z"])
        #expect(reversed.status == 2)
        #expect(reversed.stderr.contains("invalid value '2026-03-02T10:00:00Z' for --until: not after --since '2026-03-02T11:00:00Z'"))
    }

    @Test func filterRules() {
        func session(_ start: String?, _ end: String?) -> Session {
            Session(key: "k", room: "room-a", roomSid: nil, jobIds: [], participants: [],
                    start: start.flatMap { TimeParsing.instant($0) }, end: end.flatMap { TimeParsing.instant($0) },
                    sides: [.agent], inputs: [0], recordCount: 2, events: [], gaps: [:], inputGaps: [:], records: [], order: 1)
        }
        let filter = SessionFilter(since: TimeParsing.instant("2026-03-02T09:30:00Z"), until: TimeParsing.instant("2026-03-02T10:00:00Z"))
        #expect(filter.includes(session("2026-03-02T09:00:00Z", "2026-03-02T09:30:00Z")))
        #expect(!filter.includes(session("2026-03-02T09:00:00Z", "2026-03-02T09:29:59Z")))
        #expect(filter.includes(session("2026-03-02T09:59:59Z", nil)))
        #expect(!filter.includes(session("2026-03-02T10:00:00Z", "2026-03-02T10:05:00Z")))
        #expect(!filter.includes(session(nil, nil)))
        #expect(SessionFilter(selector: "room-a").includes(session(nil, nil)))
        #expect(!SessionFilter(selector: "room-b").includes(session(nil, nil)))
    }
}
