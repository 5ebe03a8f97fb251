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
        #expect(fromPipe.stdout.split(separator: "\n").count == 45)
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

    /// The backend's token mint names only the room: within 2 minutes of the room's previous
    /// session's end or of its next one's start, it is the neighbour's line, as `analyze` joined it.
    @Test func aRoomOnlyMintOfTheNextSessionStaysThere() throws {
        func server(_ time: String, _ sid: String, _ msg: String, _ who: String) -> String {
            "2026-11-26T18:\(time)Z\tINFO\tlivekit\tservice/roommanager.go:400\t\(msg)\t{\"room\": \"voice_assistant_room\", \"roomID\": \"\(sid)\", \"participant\": \"\(who)\"}"
        }
        func jwt(_ user: String, _ nbf: Int) -> String {
            let payload = Data(#"{"exp":\#(nbf + 7200),"nbf":\#(nbf),"sub":"\#(user)","video":{"room":"voice_assistant_room"}}"#.utf8)
                .base64EncodedString().replacingOccurrences(of: "=", with: "").replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            return "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.\(payload).c2lnbmF0dXJlLW5vdC1yZWFs"
        }
        let dir = TempDir()
        dir.write("backend.log", [
            "18:00:00 - INFO - minted token for voice_assistant_room: \(jwt("u1", 1_795_716_000))",
            "18:01:21 - INFO - minted token for voice_assistant_room: \(jwt("u2", 1_795_716_081))",
            "18:03:40 - INFO - minted token for voice_assistant_room: \(jwt("u3", 1_795_716_220))",
        ].joined(separator: "\n") + "\n")
        dir.write("livekit.log", [
            server("00:01.000", "RM_V1aaaaaaaaaa", "starting RTC session", "u1"),
            server("01:02.000", "RM_V1aaaaaaaaaa", "room closed", "u1"),
            server("01:22.000", "RM_V2aaaaaaaaaa", "starting RTC session", "u2"),
            server("03:31.000", "RM_V2aaaaaaaaaa", "room closed", "u2"),
            server("03:41.000", "RM_V3aaaaaaaaaa", "starting RTC session", "u3"),
            server("05:46.000", "RM_V3aaaaaaaaaa", "room closed", "u3"),
        ].joined(separator: "\n") + "\n")
        for (sid, lines) in [
            ("RM_V1aaaaaaaaaa", ["backend.log:1", "livekit.log:1", "livekit.log:2"]),
            ("RM_V2aaaaaaaaaa", ["backend.log:2", "livekit.log:3", "livekit.log:4"]),
            ("RM_V3aaaaaaaaaa", ["backend.log:3", "livekit.log:5", "livekit.log:6"]),
        ] {
            let result = try runLoganalyze(["timeline", "--session", sid, dir.url.path])
            #expect(result.status == 0)
            let shown = result.stdout.split(separator: "\n").dropFirst().compactMap { $0.split(separator: " ").first { $0.contains(".log:") } }
                .map { String($0.split(separator: "/").last!) }
            #expect(shown == lines, "\(sid)")
        }
    }
}

/// `timeline --session` shows the id-less lines of an untimed browser console that the session
/// took (its `signal connecting`, an uncaught NegotiationError), as the whole-run timeline does:
/// they have no time to fall within the session's span by.
@Suite struct UntimedConsoleTimelineTests {
    @Test func theSessionsTimelineHoldsItsConsolesIdlessLines() throws {
        let dir = TempDir()
        dir.write("server.log", UntimedConsoleIdlessEventTests.server.joined(separator: "\n") + "\n")
        dir.write("browser.log", UntimedConsoleIdlessEventTests.browser.joined(separator: "\n") + "\n")
        let result = try runLoganalyze(["timeline", "--session", "RM_vvvvvvvvvvvv", "server.log", "browser.log"], cwd: dir.url)
        #expect(result.status == 0)
        let browserLines = result.stdout.split(separator: "\n").compactMap { line -> String? in
            guard let r = line.range(of: "browser.log:") else { return nil }
            return String(line[r.upperBound...].prefix { $0 != " " })
        }
        #expect(browserLines == ["1", "2", "3", "4", "5"])
        let other = try runLoganalyze(["timeline", "--session", "RM_kkkkkkkkkkkk", "server.log", "browser.log"], cwd: dir.url)
        #expect(!other.stdout.contains("browser.log"))
    }
}

/// The time column keeps one width within a session's timeline: an untimed line's `?` and the
/// rows past the first hour (`+1:02:03.000`) are aligned with `+00:00.000`, so the side, level
/// and `path:line` columns line up.
@Suite struct TimelineColumnTests {
    @Test func untimedAndHourLongRowsKeepTheColumns() throws {
        let dir = TempDir()
        dir.write("server.log", [
            "2026-03-17T10:00:00.000Z\tINFO\tlivekit\tservice/roommanager.go:411\tstarting RTC session\t{\"room\": \"room-h\", \"roomID\": \"RM_hhhhhhhhhhhh\", \"participant\": \"user-1\", \"pID\": \"PA_hhhhhhhhhhhh\"}",
            "2026-03-17T11:02:03.000Z\tINFO\tlivekit\tservice/roommanager.go:706\troom closed\t{\"room\": \"room-h\", \"roomID\": \"RM_hhhhhhhhhhhh\"}",
        ].joined(separator: "\n") + "\n")
        dir.write("browser.log", "livekit-client.esm.mjs:18392 signal connected {room: 'room-h', roomID: 'RM_hhhhhhhhhhhh', participant: 'user-1', pID: 'PA_hhhhhhhhhhhh'}\n")
        for arguments in [["timeline", "--session", "room-h"], ["timeline"]] {
            let result = try runLoganalyze(arguments + ["server.log", "browser.log"], cwd: dir.url)
            #expect(result.status == 0)
            let rows = result.stdout.split(separator: "\n").dropFirst()
            #expect(rows.map { String($0.prefix(16)) } == ["             ?  ", "  +0:00:00.000  ", "             ~  ", "  +1:02:03.000  "])
        }
    }
}

/// A gap of 5 minutes or more between two rows of a session's timeline is marked on a line of
/// its own: the suspended host's 11 minutes in the incident show at a glance.
@Suite struct TimelineSilenceTests {
    static let log = [
        (#""message": "received job request", "name": "livekit.agents", "room_name": "quiet""#, "10:00:00"),
        (#""message": "Generating initial greeting", "name": "agent""#, "10:00:01"),
        (#""message": "Voice agent running for room quiet", "name": "agent""#, "10:00:02.500000"),
        (#""message": "received user transcript", "name": "livekit.agents""#, "10:04:59.500000"),
        (#""message": "received user transcript", "name": "livekit.agents""#, "10:10:00"),
        (#""message": "process exiting", "name": "livekit.agents", "pid": 7"#, "10:15:00"),
    ].map { #"{\#($0.0), "level": "INFO", "job_id": "AJ_S1aaaaaaaaaa", "timestamp": "2026-03-04T\#($0.1)+00:00"}"# }
        .joined(separator: "\n") + "\n"

    @Test func aSessionsLinesShowItsSilences() throws {
        let dir = TempDir()
        dir.write("agent.log", Self.log)
        let result = try runLoganalyze(["timeline", "--session", "quiet", dir.url.path + "/agent.log"])
        #expect(result.status == 0)
        let rows = result.stdout.split(separator: "\n").dropFirst().map { String($0.prefix(14)) }
        // 4 min 57 s after the greeting is not marked; 5 min 0.5 s and 5 min are.
        #expect(rows == ["  +00:00.000  ", "  +00:01.000  ", "  +00:02.500  ", "  +04:59.500  ", "           ~  ",
                         "  +10:00.000  ", "           ~  ", "  +15:00.000  "])
        #expect(result.stdout.split(separator: "\n")[5] == "           ~  5 min without a line")
    }

    @Test func theEventsTimelineShowsTheGapsBetweenEvents() throws {
        let dir = TempDir()
        dir.write("agent.log", Self.log)
        let result = try runLoganalyze(["timeline", dir.url.path + "/agent.log"])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 6)
        #expect(lines[4] == "           ~  14 min 57 s without an event")
        #expect(lines[5].hasPrefix("  +15:00.000  agent   session end"))
    }

    @Test func theIncidentsSuspendedHostIsOneMarkedGap() throws {
        let result = try runLoganalyze(["timeline", "--session", "AJ_p9KdW3xYzQ2r", "Fixtures/incident-real"])
        let marks = result.stdout.split(separator: "\n").filter { $0.contains("~  ") }
        #expect(marks == ["           ~  11 min 44 s without a line"])
    }
}

/// A session that runs past midnight names its end's date in the header: `-> 00:17:50` alone
/// read as a time before the start.
@Suite struct SessionHeaderDateTests {
    @Test func anEndOnTheNextDayCarriesItsDate() throws {
        let dir = TempDir()
        dir.write("agent.log", [
            (#""message": "received job request", "room_name": "late""#, "2025-12-10T23:59:55"),
            (#""message": "process exiting", "pid": 7"#, "2025-12-11T00:17:50"),
        ].map { #"{\#($0.0), "level": "INFO", "name": "livekit.agents", "job_id": "AJ_M1aaaaaaaaaa", "timestamp": "\#($0.1)+00:00"}"# }
            .joined(separator: "\n") + "\n")
        let result = try runLoganalyze(["timeline", dir.url.path + "/agent.log"])
        #expect(result.stdout.split(separator: "\n").first == "late  job AJ_M1aaaaaaaaaa  2025-12-10 23:59:55 -> 2025-12-11 00:17:50 (17 min 55 s)  [agent]")
    }
}
