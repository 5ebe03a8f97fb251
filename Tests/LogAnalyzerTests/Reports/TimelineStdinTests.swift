import Foundation
import Testing

/// `timeline --session X -` reads standard input twice through a temporary copy, so it holds one
/// session's lines, as it does for files, and prints what it prints for the same file.
@Suite struct TimelineStdinTests {
    static let path = "Fixtures/incident-real/agent.log"

    @Test func aPipedLogGivesTheFilesTimeline() throws {
        let data = try Data(contentsOf: PackagePaths.root.appendingPathComponent(Self.path))
        let fromFile = try runLoganalyze(["timeline", "--session", "AJ_p9KdW3xYzQ2r", Self.path])
        let fromPipe = try runLoganalyze(["timeline", "--session", "AJ_p9KdW3xYzQ2r", "-"], stdin: data)
        #expect(fromFile.status == 0 && fromPipe.status == 0)
        #expect(fromPipe.stderr == "")
        #expect(fromPipe.stdout.split(separator: "\n").count == 44)
        #expect(fromPipe.stdout == fromFile.stdout.replacingOccurrences(of: Self.path + ":", with: "-:"))
    }

    @Test func withoutATemporaryFileTheInputIsReadOnce() throws {
        let data = try Data(contentsOf: PackagePaths.root.appendingPathComponent(Self.path))
        let result = try runLoganalyze(
            ["timeline", "--session", "AJ_p9KdW3xYzQ2r", "-"], stdin: data, environment: ["TMPDIR": "/nonexistent-loganalyze-dir"])
        #expect(result.status == 0)
        #expect(result.stderr.hasPrefix("-: note: cannot make a temporary file in /nonexistent-loganalyze-dir: No such file or directory; read once, keeping the session's lines in memory\n"))
        #expect(result.stdout.contains("AJ_p9KdW3xYzQ2r"))
    }
}

/// A room name used by two jobs one after the other: each session's timeline holds its own
/// lines only (the other job's `received job request` names the room too).
@Suite struct ReusedRoomTimelineTests {
    @Test func eachSessionKeepsItsOwnLines() throws {
        func agent(_ minute: Int, _ job: String, _ message: String, _ extra: String) -> String {
            #"{"message": "\#(message)", "level": "INFO", "name": "livekit.agents", "job_id": "\#(job)", \#(extra), "timestamp": "2026-03-04T10:\#(String(format: "%02d", minute)):00+00:00"}"#
        }
        func server(_ minute: Int, _ sid: String, _ who: String) -> String {
            "2026-03-04T10:\(String(format: "%02d", minute)):59.500Z\tINFO\tlivekit\tservice/roommanager.go:371\tstarting RTC session\t{\"room\": \"support\", \"roomID\": \"\(sid)\", \"participant\": \"\(who)\", \"pID\": \"PA_\(who)aaaaaaaaaa\"}"
        }
        let dir = TempDir()
        dir.write("agent.log", [
            agent(0, "AJ_R1aaaaaaaaaa", "received job request", #""room_name": "support""#),
            agent(1, "AJ_R1aaaaaaaaaa", "process exiting", #""pid": 100"#),
            agent(5, "AJ_R2aaaaaaaaaa", "received job request", #""room_name": "support""#),
            agent(6, "AJ_R2aaaaaaaaaa", "process exiting", #""pid": 101"#),
        ].joined(separator: "\n") + "\n")
        dir.write("server.log", [server(0, "RM_R1aaaaaaaaaa", "u1"), server(4, "RM_R2aaaaaaaaaa", "u2")].joined(separator: "\n") + "\n")
        for (sid, lines) in [("RM_R1aaaaaaaaaa", ["agent.log:1", "server.log:1", "agent.log:2"]), ("RM_R2aaaaaaaaaa", ["server.log:2", "agent.log:3", "agent.log:4"])] {
            let result = try runLoganalyze(["timeline", "--session", sid, dir.url.path])
            #expect(result.status == 0)
            let shown = result.stdout.split(separator: "\n").dropFirst().compactMap { $0.split(separator: " ").first { $0.contains(".log:") } }
                .map { String($0.split(separator: "/").last!) }
            #expect(shown == lines, "\(sid)")
        }
    }
}
