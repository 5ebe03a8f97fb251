import Foundation
import Testing

@testable import LogAnalyzer

/// Events without session ids join the sessions active at their time; two bounds keep that
/// linear on long logs.
@Suite struct IdlessEventTests {
    static func line(_ second: Int, _ message: String, _ members: String = "") -> String {
        let extra = members.isEmpty ? "" : members + ", "
        return #"{"message": "\#(message)", "level": "INFO", "name": "livekit.agents", \#(extra)"timestamp": "2026-03-02T00:00:\#(String(format: "%02d", second))+00:00"}"#
    }

    static func run(_ log: String) -> (report: Report, notes: [String]) {
        let dir = TempDir()
        let path = dir.write("worker.log", log)
        var analyzer = Analyzer()
        analyzer.keepSessionEvents = true
        var sink = DiagnosticSink()
        let report = analyzer.run([InputDescriptor(path: path)], diagnostics: &sink)
        return (report, sink.kept.filter { $0.severity == .note }.map(\.message))
    }

    @Test func untimedIdlessEventsAreKeptUpToTheLatestTenThousand() {
        let negotiation = "NegotiationError: Failed to execute 'setRemoteDescription' on 'RTCPeerConnection': The RTCPeerConnection's signalingState is 'closed'."
        let count = SessionTracker.maxUndatedUnassigned + 50
        let log = ([Self.line(1, "received job request", #""job_id": "AJ_aaaaaaaaaaaa", "room": "room-a""#)]
            + Array(repeating: negotiation, count: count)).joined(separator: "\n")
        let (report, notes) = Self.run(log)
        #expect(report.sessions.map(\.key) == ["room-a"])
        let events = report.sessions.first?.events ?? []
        #expect(events.filter { $0.kind == .negotiationError }.count == SessionTracker.maxUndatedUnassigned)
        // The newest are kept: the last line of the log is the last event.
        #expect(events.last?.location.line == count + 1)
        #expect(notes.contains("50 events without a time or session ids were attached to no session (only the last 10,000 are kept)"))
    }

    /// A job live for the whole log (a line a minute for 3 hours) beside a worker that loses its
    /// connection every 10 s: no session is finalised, yet id-less events older than two idle
    /// times are not held to the end (all 1,080 were): they join the job then.
    @Test func idlessEventsJoinTheSessionThatLastsTheWholeLogOnTheWay() {
        let tracker = SessionTracker(configuration: AnalysisConfiguration(), paths: ["worker.log"])
        tracker.idleSeconds = 600
        var finished: [Session] = []
        var line = 0
        var mostHeld = 0
        for s in stride(from: 0, to: 3 * 3600, by: 10) {
            if s % 60 == 0 {
                line += 1
                var r = LogRecord(input: 0, line: line, format: .agentsJSON, message: "still talking")
                r.time = Timestamp(micros: Int64(s) * 1_000_000)
                r.ids.jobId = "AJ_aaaaaaaaaaaa"
                r.ids.room = "room-a"
                tracker.evictIdle(before: r.time) { finished += $0 }
                tracker.add(r)
            }
            line += 1
            var r = LogRecord(input: 0, line: line, format: .agentsJSON, message: "worker connection closed unexpectedly")
            r.time = Timestamp(micros: Int64(s) * 1_000_000)
            r.level = .warning
            tracker.evictIdle(before: r.time) { finished += $0 }
            tracker.add(r)
            mostHeld = max(mostHeld, tracker.heldIdlessEvents)
        }
        finished += tracker.finish()
        #expect(finished.map(\.key) == ["room-a"])
        let losses = finished.first?.events.filter { if case .connectionLost = $0.kind { true } else { false } } ?? []
        #expect(losses.count == 1_080)
        #expect(losses.last?.location.line == line)
        // Those of the last 20 to 40 minutes (taken down to 20 minutes once the oldest is over
        // 30 minutes old, looked at every 10 minutes), and the one just added.
        #expect(mostHeld <= 241)
    }

    /// A browser's id-less NegotiationError within a session that stays live (its browser never
    /// logged its end) while later sessions are finalised over an hour on: it joins that session
    /// when the later ones go, and counts once (it was dropped as too old to be used, and the
    /// report counted 0 negotiation errors).
    @Test func anOldIdlessEventJoinsTheLiveSessionItFallsWithinWhenOthersAreFinalised() throws {
        func agent(_ time: String, _ message: String, job: String, room: String, _ members: String = "") -> String {
            #"{"message": "\#(message)", "level": "INFO", "name": "livekit.agents", \#(members)"pid": 4100, "job_id": "\#(job)", "room": "\#(room)", "timestamp": "2026-03-02T\#(time)+00:00"}"#
        }
        var lines: [String] = [
            #"{"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "AJ_aaaaaaaaaaaa", "room": "room-a", "room_id": "RM_aaaaaaaaaaaa", "timestamp": "2026-03-02T10:26:57.000000+00:00"}"#,
            agent("10:27:43.000000", "process exiting", job: "AJ_aaaaaaaaaaaa", room: "room-a", #""reason": "", "#),
        ]
        // Three later sessions, each finalised half an hour after its end.
        for (k, start) in ["11:14", "11:43", "12:49"].enumerated() {
            let job = "AJ_\(k)bbbbbbbbbbb"
            lines.append(#"{"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "\#(job)", "room": "room-\#(k)", "room_id": "RM_\#(k)bbbbbbbbbbb", "timestamp": "2026-03-02T\#(start):00.000000+00:00"}"#)
            lines.append(agent("\(start):40.000000", "process exiting", job: job, room: "room-\(k)", #""reason": "", "#))
        }
        let browser = """
            10:26:58.100 livekit-client.esm.mjs:18392 signal connected {room: 'room-a', roomID: 'RM_aaaaaaaaaaaa', participant: 'user-1', pID: 'PA_aaaaaaaaaaaa'}
            10:27:00.037 Uncaught (in promise) NegotiationError: Failed to execute 'setRemoteDescription' on 'RTCPeerConnection': The RTCPeerConnection's signalingState is 'closed'.

            """
        let dir = TempDir()
        let paths = [dir.write("agent.log", lines.joined(separator: "\n") + "\n"), dir.write("browser.log", browser)]
        var analyzer = Analyzer()
        analyzer.keepSessionEvents = true
        analyzer.monitor = MonitorAggregate()
        var sink = DiagnosticSink()
        let report = analyzer.run(paths.map { InputDescriptor(path: $0) }, diagnostics: &sink)
        let a = try #require(report.sessions.first { $0.room == "room-a" })
        #expect(a.events.filter { $0.kind == .negotiationError }.map(\.location.line) == [2])
        #expect(report.monitor?.negotiationErrors == 1)
        #expect(report.sessions.count == 4)
    }

    /// A browser console's id-less `signal connecting to …` joined its own room's session when
    /// that ended; an hour later, old, it was offered to the live sessions as an id-less event
    /// is at the end, and with none of its console among them it also joined "the one session
    /// active then": another user's room on the server, which had not a line of that console.
    @Test func anIdlessLineThatJoinedItsInputsSessionJoinsNoOtherLater() throws {
        func server(_ hms: String, _ seconds: Int, _ room: String, _ user: String, _ msg: String) -> String {
            let base = 1_773_741_600 + seconds  // 2026-03-17T10:00:00Z
            return #"{"level":"info","ts":\#(base).25,"logger":"livekit","caller":"service/roommanager.go:371","msg":"\#(msg)","room":"\#(room)","roomID":"RM_\#(room)xxxxxx","participant":"\#(user)","pID":"PA_\#(user)xxxxxx"}"#
        }
        var serverLines = [server("", 0, "rooma", "usera", "starting RTC session"), server("", 10, "roomb", "userb", "starting RTC session"),
                           server("", 60, "rooma", "usera", "participant closing")]
        // Room b lives on: a participant joins every 20 minutes for 100 minutes.
        for k in 1...5 { serverLines.append(server("", k * 1200, "roomb", "userb\(k)", "starting RTC session")) }
        serverLines.append(server("", 6300, "roomb", "userb", "participant closing"))
        let context = "{room: 'rooma', roomID: 'RM_roomaxxxxxx', participant: 'usera', pID: 'PA_useraxxxxxx'}"
        let console = [
            "10:00:00.050 livekit-client.esm.mjs:20463 signal connecting to wss://x.livekit.cloud/rtc/v1?access_token=%3Credacted%3E&auto_subscribe=1&sdk=js&version=2.15.8&protocol=16&adaptive_stream=1 {reconnect: false, reconnectReason: undefined}",
            "10:00:00.400 livekit-client.esm.mjs:22108 connection state changed: connecting -> connected \(context)",
            "10:00:59.000 livekit-client.esm.mjs:21142 disconnect from room \(context)",
        ]
        let report = analyze(files: [("server.log", serverLines), ("browser.log", console)])
        let sessions = Array(report.sessions)
        #expect(sessions.map(\.key) == ["rooma/RM_roomaxxxxxx", "roomb/RM_roombxxxxxx"])
        #expect(sessions.map(\.sides) == [[.server, .browser], [.server]])
        #expect(sessions.map { $0.events.count } == [4, 7])
    }

    @Test func anIdlessEventWithinTooManySessionsJoinsNone() {
        for sessions in [200, 300] {
            var lines: [String] = []
            for i in 0..<sessions {
                let job = "AJ_" + String(format: "%012d", i)
                lines.append(Self.line(1 + i % 5, "received job request", #""job_id": "\#(job)", "room": "room-\#(i)""#))
            }
            lines.append(Self.line(10, "worker connection closed unexpectedly"))
            let (report, notes) = Self.run(lines.joined(separator: "\n"))
            #expect(report.sessions.count == sessions)
            let withLoss = report.sessions.filter { s in s.events.contains { if case .connectionLost = $0.kind { true } else { false } } }
            if sessions <= SessionTracker.maxFanOut {
                #expect(withLoss.count == sessions)
                #expect(!notes.contains { $0.contains("fell within") })
            } else {
                #expect(withLoss.isEmpty)
                #expect(notes.contains("1 event without session ids fell within more than 256 sessions at once and was attached to none"))
            }
        }
    }
}

/// A server rejection without a token or ids (livekit-server after PR #4756: `invalid
/// authorization token: token has invalid claims: token is expired`) is one client's: with one
/// session in the server's log it is that session's; within two at once, none's (it had counted
/// in both).
@Suite struct TokenlessServerRejectionTests {
    static func server(rooms: [String]) -> String {
        var lines: [String] = []
        for (k, room) in rooms.enumerated() {
            lines.append("2026-03-17T23:4\(k + 1):09.860Z\tINFO\tlivekit\tservice/roommanager.go:411\tstarting RTC session\t{\"room\": \"\(room)\", \"roomID\": \"RM_\(room.suffix(4))Aa1Bb2Cc3\", \"participant\": \"agent-\(k)\", \"pID\": \"PA_\(k)Zz1Yy2Xx3Ww4\"}")
        }
        for k in 0..<3 {
            lines.append("2026-03-18T00:08:0\(5 + k).220Z\tWARN\tlivekit\tservice/utils.go:54\terror handling request\t{\"status\": 401, \"method\": \"GET\", \"path\": \"/rtc\", \"error\": \"invalid authorization token: token has invalid claims: token is expired\"}")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func agent(rooms: [String]) -> String {
        var lines: [String] = []
        for (k, room) in rooms.enumerated() {
            lines.append(#"{"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "AJ_\#(k)Aa1Bb2Cc3Dd4", "room": "\#(room)", "room_id": "RM_\#(room.suffix(4))Aa1Bb2Cc3", "timestamp": "2026-03-17T23:4\#(k + 1):09.900000+00:00"}"#)
        }
        for (k, room) in rooms.enumerated() {
            for attempt in 0..<2 {
                lines.append(#"{"message": "livekit::rtc_engine:745:livekit::rtc_engine - resuming connection failed: client error: 401 Unauthorized - token is expired", "level": "ERROR", "name": "livekit", "pid": \#(5001 + k), "job_id": "AJ_\#(k)Aa1Bb2Cc3Dd4", "room": "\#(room)", "timestamp": "2026-03-18T00:08:0\#(5 + attempt).300000+00:00"}"#)
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func cascades(rooms: [String]) -> (messages: [String], notes: [String]) {
        let dir = TempDir()
        var sink = DiagnosticSink()
        let report = Analyzer().run(
            [InputDescriptor(path: dir.write("server.log", server(rooms: rooms))), InputDescriptor(path: dir.write("agent.log", agent(rooms: rooms)))],
            diagnostics: &sink)
        return (report.findings.filter { $0.rule == "auth-expiry-cascade" }.map(\.message), sink.kept.filter { $0.severity == .note }.map(\.message))
    }

    @Test func oneSessionTakesTheServersRejections() {
        let (messages, notes) = Self.cascades(rooms: ["support-7731"])
        #expect(messages == ["5 authentication failures (401 token is expired) from 2026-03-18 00:08:05 on agent, server"])
        #expect(notes.isEmpty)
    }

    @Test func twoSessionsAtOnceTakeNone() {
        let (messages, notes) = Self.cascades(rooms: ["support-7731", "support-7732"])
        #expect(messages == [
            "2 authentication failures (401 token is expired) from 2026-03-18 00:08:05 on agent",
            "2 authentication failures (401 token is expired) from 2026-03-18 00:08:05 on agent",
        ])
        #expect(notes == ["3 server rejections without a token or session ids fell within several sessions at once and were attached to none"])
    }
}

/// A browser console saved without DevTools timestamps (Chrome's default) holds one call's
/// lines, its `signal connecting` (context still undefined) and an uncaught NegotiationError
/// without the SDK's context among them: both are that call's, not the run's last live session's.
@Suite struct UntimedConsoleIdlessEventTests {
    static let server = [
        "2026-03-17T19:00:00.000Z\tINFO\tlivekit\tservice/roommanager.go:411\tstarting RTC session\t{\"room\": \"room-v\", \"roomID\": \"RM_vvvvvvvvvvvv\", \"participant\": \"user-7bbf\", \"pID\": \"PA_vvvvvvvvvvvv\"}",
        "2026-03-17T19:01:35.000Z\tINFO\tlivekit\tservice/roommanager.go:706\troom closed\t{\"room\": \"room-v\", \"roomID\": \"RM_vvvvvvvvvvvv\"}",
        "2026-03-17T21:00:00.000Z\tINFO\tlivekit\tservice/roommanager.go:411\tstarting RTC session\t{\"room\": \"room-k\", \"roomID\": \"RM_kkkkkkkkkkkk\", \"participant\": \"user-9c01\", \"pID\": \"PA_kkkkkkkkkkkk\"}",
        "2026-03-17T21:01:00.000Z\tINFO\tlivekit\tservice/roommanager.go:706\troom closed\t{\"room\": \"room-k\", \"roomID\": \"RM_kkkkkkkkkkkk\"}",
    ]
    static let context = "{room: 'room-v', roomID: 'RM_vvvvvvvvvvvv', participant: 'user-7bbf', pID: 'PA_vvvvvvvvvvvv'}"
    static let browser = [
        "livekit-client.esm.mjs:18214 signal connecting to wss://demo.livekit.cloud {room: undefined, roomID: undefined, participant: undefined, pID: undefined}",
        "livekit-client.esm.mjs:18392 signal connected \(context)",
        "livekit-client.esm.mjs:20117 received server answer \(context)",
        "Uncaught (in promise) NegotiationError: Failed to execute 'setRemoteDescription' on 'RTCPeerConnection': The RTCPeerConnection's signalingState is 'closed'.",
        "livekit-client.esm.mjs:19001 disconnect from room \(context)",
    ]

    @Test func untimedIdlessBrowserLinesJoinTheCallOfTheirConsoleNotALaterOne() {
        let report = analyze(files: [("server.log", Self.server), ("browser.log", Self.browser)])
        #expect(report.sessions.map(\.key) == ["room-v/RM_vvvvvvvvvvvv", "room-k/RM_kkkkkkkkkkkk"])
        let browserLines = report.sessions.map { s in s.events.filter { $0.side == .browser }.map(\.location.line) }
        #expect(browserLines == [[1, 2, 4, 5], []])
        #expect(report.sessions.map { $0.sides.map(\.rawValue) } == [["server", "browser"], ["server"]])
    }
}
