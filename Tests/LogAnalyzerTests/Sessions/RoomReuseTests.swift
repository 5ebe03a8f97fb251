import Foundation
import Testing

@testable import LogAnalyzer

/// A room name reused after the server closed the room: lines that name only the room belong to
/// its next session.
@Suite struct RoomReuseTests {
    static let server = """
        2026-01-01T00:00:00.000Z\tINFO\tlivekit\tservice/roommanager.go:411\tstarting RTC session\t{"room": "lobby", "roomID": "RM_aaaaaaaaaaaa", "participant": "u1", "pID": "PA_aaaaaaaaaaaa"}
        2026-01-01T00:05:00.000Z\tINFO\tlivekit.room\tservice/roommanager.go:659\troom closed\t{"room": "lobby", "roomID": "RM_aaaaaaaaaaaa"}
        2026-01-01T00:15:00.000Z\tINFO\tlivekit\tservice/roommanager.go:411\tstarting RTC session\t{"room": "lobby", "roomID": "RM_bbbbbbbbbbbb", "participant": "u2", "pID": "PA_bbbbbbbbbbbb"}
        2026-01-01T00:15:05.000Z\tINFO\tlivekit\trtc/participant.go:1538\tparticipant closing\t{"room": "lobby", "roomID": "RM_bbbbbbbbbbbb", "participant": "u2", "pID": "PA_bbbbbbbbbbbb", "reason": "CLIENT_REQUEST_LEAVE"}
        """

    /// The backend mints the next session's token a second before the server opens the room
    /// again: the mint is that session's, not the closed one's (it had extended the closed
    /// session to 00:14:59 and left the new one without its mint).
    @Test func aMintForAClosedRoomsNameJoinsItsNextSession() {
        let dir = TempDir()
        dir.write("server.log", Self.server + "\n")
        dir.write("backend.log", """
            2025-12-31 23:59:59,500 - app.tokens - INFO - minted token for identity=u1 room=lobby ttl=7200s
            2026-01-01 00:14:59,000 - app.tokens - INFO - minted token for identity=u2 room=lobby ttl=7200s

            """)
        let report = analyze([dir.url.path])
        #expect(report.sessions.map(\.key) == ["lobby/RM_aaaaaaaaaaaa", "lobby/RM_bbbbbbbbbbbb"])
        #expect(report.sessions.map(\.recordCount) == [3, 3])
        #expect(report.sessions.map { $0.sides.map(\.rawValue) } == [["server", "backend"], ["server", "backend"]])
        #expect(report.sessions[0].end?.iso8601 == "2026-01-01T00:05:00.000Z")
        #expect(report.sessions[1].start?.iso8601 == "2026-01-01T00:14:59.000Z")
    }

    /// Without the server's log (LiveKit Cloud gives none) no `room closed` is logged: the
    /// agent's job in `support` ended (`process exiting`) and 3.5 min later the backend mints a
    /// token for the room's next call, before that call's job request with its new room sid.
    /// The mint is the next call's (it had stretched the first to 18:03:29 and left the second
    /// without its mint).
    @Test func aMintAfterTheRoomsJobsEndedJoinsItsNextSessionWithoutAServerLog() {
        func agent(_ time: String, _ message: String, _ extra: String) -> String {
            #"{"message": "\#(message)", "level": "INFO", "name": "livekit.agents", \#(extra), "timestamp": "2026-03-17T\#(time)+00:00"}"#
        }
        let dir = TempDir()
        dir.write("agent.log", [
            agent("18:00:00.300000", "received job request", #""job_id": "AJ_aaaaaaaaaaaa", "room": "support", "room_id": "RM_aaaaaaaaaaaa", "pid": 4100"#),
            agent("18:00:00.400000", "connecting to room", #""pid": 5101, "job_id": "AJ_aaaaaaaaaaaa", "room": "support""#),
            agent("18:00:58.000000", "process exiting", #""reason": "", "pid": 5101, "job_id": "AJ_aaaaaaaaaaaa", "room": "support""#),
            agent("18:03:30.300000", "received job request", #""job_id": "AJ_bbbbbbbbbbbb", "room": "support", "room_id": "RM_bbbbbbbbbbbb", "pid": 4100"#),
            agent("18:03:30.400000", "connecting to room", #""pid": 5102, "job_id": "AJ_bbbbbbbbbbbb", "room": "support""#),
            agent("18:04:28.000000", "process exiting", #""reason": "", "pid": 5102, "job_id": "AJ_bbbbbbbbbbbb", "room": "support""#),
        ].joined(separator: "\n") + "\n")
        dir.write("backend.log", """
            2026-03-17 17:59:59,600 - INFO - minted token for identity=user-b6cf room=support ttl=7200s
            2026-03-17 18:03:29,600 - INFO - minted token for identity=user-aa98 room=support ttl=7200s

            """)
        let report = analyze([dir.url.path])
        #expect(report.sessions.map(\.key) == ["support/RM_aaaaaaaaaaaa", "support/RM_bbbbbbbbbbbb"])
        #expect(report.sessions.map(\.recordCount) == [4, 4])
        #expect(report.sessions.map { $0.start?.iso8601 ?? "" } == ["2026-03-17T17:59:59.600Z", "2026-03-17T18:03:29.600Z"])
        #expect(report.sessions.map { $0.end?.iso8601 ?? "" } == ["2026-03-17T18:00:58.000Z", "2026-03-17T18:04:28.000Z"])
    }

    /// A browser console without timestamps (DevTools' default) is read before the timed logs,
    /// so its session claims the room name first: the timed mint of an earlier session of that
    /// name had joined it (and made it start at that mint, 10 minutes early).
    @Test func aTimedMintDoesNotJoinALaterSessionKnownOnlyFromUntimedLines() {
        let dir = TempDir()
        dir.write("server.log", """
            2026-01-01T00:00:00.000Z\tINFO\tlivekit\tservice/roommanager.go:411\tstarting RTC session\t{"room": "demo", "roomID": "RM_aaaaaaaaaaaa", "participant": "u1", "pID": "PA_aaaaaaaaaaaa"}
            2026-01-01T00:05:20.000Z\tINFO\tlivekit.room\tservice/roommanager.go:659\troom closed\t{"room": "demo", "roomID": "RM_aaaaaaaaaaaa"}
            2026-01-01T00:10:00.000Z\tINFO\tlivekit\tservice/roommanager.go:411\tstarting RTC session\t{"room": "demo", "roomID": "RM_bbbbbbbbbbbb", "participant": "u2", "pID": "PA_bbbbbbbbbbbb"}

            """)
        dir.write("backend.log", """
            2025-12-31 23:59:59,000 - app.tokens - INFO - minted token for identity=u1 room=demo ttl=7200s
            2026-01-01 00:09:59,000 - app.tokens - INFO - minted token for identity=u2 room=demo ttl=7200s

            """)
        dir.write("browser.log", """
            livekit-client.esm.mjs:18392 signal connected {room: 'demo', roomID: 'RM_bbbbbbbbbbbb', participant: 'u2', pID: 'PA_bbbbbbbbbbbb'}
            livekit-client.esm.mjs:22473 disconnect from room {room: 'demo', roomID: 'RM_bbbbbbbbbbbb', participant: 'u2', pID: 'PA_bbbbbbbbbbbb'}

            """)
        let report = analyze([dir.url.path])
        let byKey = Dictionary(uniqueKeysWithValues: report.sessions.map { ($0.key, $0) })
        #expect(report.sessions.count == 2)
        #expect(byKey["demo/RM_aaaaaaaaaaaa"]?.start?.iso8601 == "2025-12-31T23:59:59.000Z")
        #expect(byKey["demo/RM_aaaaaaaaaaaa"]?.recordCount == 3)
        #expect(byKey["demo/RM_aaaaaaaaaaaa"]?.sides.map(\.rawValue) == ["server", "backend"])
        #expect(byKey["demo/RM_bbbbbbbbbbbb"]?.start?.iso8601 == "2026-01-01T00:09:59.000Z")
        #expect(byKey["demo/RM_bbbbbbbbbbbb"]?.recordCount == 4)
        #expect(byKey["demo/RM_bbbbbbbbbbbb"]?.sides.map(\.rawValue) == ["server", "browser", "backend"])
    }

    /// With no timed line naming another room sid (an agent before 1.3 logs the room name only),
    /// the timed lines split off the untimed browser's session join it again: one session.
    @Test func aSplitWithoutARoomSidOfItsOwnRejoinsTheUntimedSession() {
        let dir = TempDir()
        dir.write("agent.log", """
            {"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "AJ_aaaaaaaaaaaa", "dispatch_id": "AD_aaaaaaaaaaaa", "room_name": "demo", "agent_name": "a", "resuming": false, "timestamp": "2026-01-01T00:00:00.200000+00:00"}
            {"message": "Generating initial greeting", "level": "INFO", "name": "agent", "pid": 100, "job_id": "AJ_aaaaaaaaaaaa", "timestamp": "2026-01-01T00:00:01.000000+00:00"}
            {"message": "Voice agent running for room demo", "level": "INFO", "name": "agent", "pid": 100, "job_id": "AJ_aaaaaaaaaaaa", "timestamp": "2026-01-01T00:00:03.500000+00:00"}

            """)
        dir.write("backend.log", "2025-12-31 23:59:59,000 - app.tokens - INFO - minted token for identity=u1 room=demo ttl=7200s\n")
        dir.write("browser.log", "livekit-client.esm.mjs:18392 signal connected {room: 'demo', roomID: 'RM_aaaaaaaaaaaa', participant: 'u1', pID: 'PA_aaaaaaaaaaaa'}\n")
        let report = analyze([dir.url.path])
        #expect(report.sessions.map(\.key) == ["demo/RM_aaaaaaaaaaaa"])
        #expect(report.sessions.map(\.recordCount) == [5])
        #expect(report.sessions.first?.start?.iso8601 == "2025-12-31T23:59:59.000Z")
        #expect(report.sessions.first?.jobIds == ["AJ_aaaaaaaaaaaa"])
        #expect(report.findings.map(\.rule) == ["slow-greeting"])
    }

    /// A developer reconnecting to the same room as the same identity: the new mint names the
    /// closed room and its participant, but carries a token minted after the room closed, so it
    /// is the next session's (it had joined the closed one, which then ended at that mint); a
    /// 401 with a token from before the close stays in the closed session.
    @Test func theSameIdentitysNewTokenJoinsTheNextSessionItsOldTokenTheClosedOne() {
        // u1 in lobby: nbf 2026-01-01T00:00:00Z (before the close) and 00:09:59Z (after it).
        func token(nbf: Int) -> String {
            func b64(_ s: String) -> String {
                Data(s.utf8).base64EncodedString().replacingOccurrences(of: "=", with: "").replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            }
            return b64(#"{"alg":"HS256","typ":"JWT"}"#) + "." + b64(#"{"exp":\#(nbf + 7200),"iss":"APIk","nbf":\#(nbf),"sub":"u1","video":{"room":"lobby","roomJoin":true}}"#) + ".c2ln"
        }
        let dir = TempDir()
        dir.write("server.log", """
            2026-01-01T00:00:00.000Z\tINFO\tlivekit\tservice/roommanager.go:411\tstarting RTC session\t{"room": "lobby", "roomID": "RM_aaaaaaaaaaaa", "participant": "u1", "pID": "PA_aaaaaaaaaaaa"}
            2026-01-01T00:05:00.000Z\tINFO\tlivekit.room\tservice/roommanager.go:659\troom closed\t{"room": "lobby", "roomID": "RM_aaaaaaaaaaaa"}
            2026-01-01T00:05:30.000Z\tWARN\tlivekit\tservice/utils.go:54\terror handling request\t{"status": 401, "method": "GET", "path": "/rtc", "error": "invalid token: \(token(nbf: 1_767_225_600)), error: go-jose/go-jose/jwt: validation failed, token is expired (exp)"}
            2026-01-01T00:10:00.000Z\tINFO\tlivekit\tservice/roommanager.go:411\tstarting RTC session\t{"room": "lobby", "roomID": "RM_bbbbbbbbbbbb", "participant": "u1", "pID": "PA_bbbbbbbbbbbb"}

            """)
        dir.write("backend.log", "2026-01-01 00:09:59,000 - app.tokens - INFO - minted token for lobby: \(token(nbf: 1_767_226_199))\n")
        let report = analyze([dir.url.path])
        #expect(report.sessions.map(\.key) == ["lobby/RM_aaaaaaaaaaaa", "lobby/RM_bbbbbbbbbbbb"])
        #expect(report.sessions.map(\.recordCount) == [3, 2])
        #expect(report.sessions.map { $0.end?.iso8601 } == ["2026-01-01T00:05:30.000Z", "2026-01-01T00:10:00.000Z"])
        #expect(report.sessions.map { $0.start?.iso8601 } == ["2026-01-01T00:00:00.000Z", "2026-01-01T00:09:59.000Z"])
    }

    /// A line written before the room closed but read after it (a backend whose lines are out of
    /// order) is still the closed session's: it had begun a session of its own.
    @Test func aLineStampedBeforeTheCloseStaysInTheClosedSession() {
        let dir = TempDir()
        dir.write("server.log", """
            2026-01-01T00:01:00.000Z\tINFO\tlivekit\tservice/roommanager.go:411\tstarting RTC session\t{"room": "lobby", "roomID": "RM_aaaaaaaaaaaa", "participant": "u1", "pID": "PA_aaaaaaaaaaaa"}
            2026-01-01T00:05:00.000Z\tINFO\tlivekit.room\tservice/roommanager.go:659\troom closed\t{"room": "lobby", "roomID": "RM_aaaaaaaaaaaa"}

            """)
        dir.write("backend.log", """
            2026-01-01 00:20:00,000 - app.tokens - INFO - minted token for identity=u9 room=other ttl=7200s
            2026-01-01 00:00:59,000 - app.tokens - INFO - minted token for identity=u1 room=lobby ttl=7200s

            """)
        let report = analyze([dir.url.path])
        #expect(report.sessions.map(\.key) == ["lobby/RM_aaaaaaaaaaaa", "other"])
        #expect(report.sessions.map(\.recordCount) == [3, 1])
        #expect(report.sessions.first?.start?.iso8601 == "2026-01-01T00:00:59.000Z")
    }

    /// `timeline --session lobby` selects every session of the reused room: they are collected
    /// in one read of each input, each with the lines collecting it alone gives (each session had
    /// read every input again: 10,000 sessions of one room read the log 10,000 times and took
    /// more than 300 s on 19 MB).
    @Test func everySessionOfAReusedRoomIsCollectedInOneReadOfEachInput() {
        func agent(_ time: String, _ message: String, _ extra: String) -> String {
            #"{"message": "\#(message)", "level": "INFO", "name": "agent", \#(extra), "timestamp": "2026-01-01T\#(time)+00:00"}"#
        }
        let dir = TempDir()
        dir.write("server.log", Self.server + "\n")
        dir.write("agent.log", [
            agent("00:00:01.000000", "Generating initial greeting", #""pid": 5101, "job_id": "AJ_aaaaaaaaaaaa", "room": "lobby""#),
            agent("00:00:02.000000", "user said hello", #""pid": 5101"#),
            agent("00:15:01.000000", "Generating initial greeting", #""pid": 5102, "job_id": "AJ_bbbbbbbbbbbb", "room": "lobby""#),
            agent("00:15:02.000000", "user said hello", #""pid": 5102"#),
        ].joined(separator: "\n") + "\n")
        let report = analyze([dir.url.path])
        var diagnostics = DiagnosticSink()
        let (inputs, _) = InputSet.expand([dir.url.path], diagnostics: &diagnostics)
        let requests = SessionRecords.requests(matching: "lobby", in: report.sessions)
        #expect(requests.map(\.index) == [0, 1])
        let collected = SessionRecords.collect(requests.map(\.request), inputs: inputs, options: IngestOptions(), diagnostics: &diagnostics)
        #expect(collected.inputReads == 2)
        #expect(collected.records.map { $0.map(\.message) } == [
            ["Generating initial greeting", "user said hello", "starting RTC session", "room closed"],
            ["Generating initial greeting", "user said hello", "starting RTC session", "participant closing"],
        ])
        let alone = requests.map {
            SessionRecords.collect(
                for: $0.request.session, inputs: inputs, options: IngestOptions(), after: $0.request.after, before: $0.request.before,
                diagnostics: &diagnostics
            ).map(\.message)
        }
        #expect(collected.records.map { $0.map(\.message) } == alone)
    }
}
