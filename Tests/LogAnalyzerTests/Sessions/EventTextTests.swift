import Testing

@testable import LogAnalyzer

/// An event's text takes the first line of the record's error field.
@Suite struct EventTextTests {
    @Test func firstLineOfAnErrorText() {
        #expect(SessionEvent.firstLine(of: "token is expired") == "token is expired")
        #expect(SessionEvent.firstLine(of: "first\nsecond\nthird") == "first")
        #expect(SessionEvent.firstLine(of: "\n\nafter blank lines\nmore") == "after blank lines")
        #expect(SessionEvent.firstLine(of: "windows line\r\nnext") == "windows line")
        #expect(SessionEvent.firstLine(of: "é\u{301} accent\nx") == "é\u{301} accent")
        #expect(SessionEvent.firstLine(of: "") == "")
        #expect(SessionEvent.firstLine(of: "\n") == "")
        let long = String(repeating: "a", count: 100_000)
        #expect(SessionEvent.firstLine(of: long + "\nb") == long)
    }
}

/// livekit-server's `participant closing` says why the participant left: a closed tab
/// (`CLIENT_REQUEST_LEAVE`) and a dropped network (`PEER_CONNECTION_DISCONNECTED`) read apart.
@Suite struct ParticipantClosingReasonTests {
    @Test(arguments: [
        ("CLIENT_REQUEST_LEAVE", "participant closing (CLIENT_REQUEST_LEAVE)"),
        ("PEER_CONNECTION_DISCONNECTED", "participant closing (PEER_CONNECTION_DISCONNECTED)"),
    ])
    func theCloseReasonIsInTheEventsText(_ reason: String, _ text: String) throws {
        let server = [
            "2026-03-17T10:00:00.950Z\tINFO\tlivekit\tservice/roommanager.go:411\tstarting RTC session\t{\"room\": \"support-room\", \"roomID\": \"RM_8JBQ2nlrFwSs\", \"participant\": \"user-42\", \"pID\": \"PA_Hk3mW9xQzR2b\", \"remote\": false, \"nodeID\": \"ND_q3Lk8Wv2Xn5R\", \"numParticipants\": 0}",
            "2026-03-17T10:04:41.200Z\tINFO\tlivekit\trtc/participant.go:1494\tparticipant closing\t{\"room\": \"support-room\", \"roomID\": \"RM_8JBQ2nlrFwSs\", \"participant\": \"user-42\", \"pID\": \"PA_Hk3mW9xQzR2b\", \"remote\": false, \"sendLeave\": false, \"reason\": \"\(reason)\", \"isExpectedToResume\": false}",
        ]
        let report = analyze(files: [("server.log", server)])
        let session = try #require(report.sessions.first)
        #expect(session.events.map(\.text) == ["starting RTC session", text])
    }
}
