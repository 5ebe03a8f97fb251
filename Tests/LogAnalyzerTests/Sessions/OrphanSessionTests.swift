import Testing

@testable import LogAnalyzer

/// Id-less lines that fall within no session of a run that has ids elsewhere (an incident's
/// time-only worker prints analysed with another incident's JSON logs, months apart) make
/// sessions of their own, cut where a session starts again as in a run without ids; they had
/// all been dropped, so the time-only incident's slow greeting went unreported (it was
/// reported when its directory was analysed alone).
@Suite struct OrphanSessionTests {
    static func prints(hour: Int, greeting: Double) -> [String] {
        let h = String(format: "%02d", hour)
        return [
            "\(h):00:00 - Session created",
            "\(h):00:02.000 - Generating initial greeting",
            "\(h):00:\(String(format: "%06.3f", 2 + greeting)) - Voice agent running for room",
            "\(h):01:00.000 - Participant left",
        ]
    }

    static let server = "2026-12-24T08:59:50.000Z\tINFO\tlivekit\tservice/server.go:250\tstarting LiveKit server\t{\"nodeID\": \"ND_abcdefabcdef\"}"

    /// A session with ids on another day, in another directory.
    static let other = [
        #"{"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "AJ_aaaaaaaaaaaa", "room": "r1", "room_id": "RM_aaaaaaaaaaaa", "timestamp": "2026-03-17T00:14:50.120000+00:00"}"#,
        #"{"message": "process exiting", "level": "INFO", "name": "livekit.agents", "pid": 5, "job_id": "AJ_aaaaaaaaaaaa", "room": "r1", "timestamp": "2026-03-17T00:15:50.120000+00:00"}"#,
    ]

    @Test func timeOnlyPrintsBesideAnotherIncidentKeepTheirSessions() {
        let report = analyze(files: [
            ("a/agent.log", Self.other),
            ("b/worker-prints.log", Self.prints(hour: 9, greeting: 4.6) + Self.prints(hour: 11, greeting: 6.5)),
            ("b/server.log", [Self.server]),
        ])
        #expect(report.sessions.map(\.key) == ["r1/RM_aaaaaaaaaaaa", "(no session ids)", "(no session ids)"])
        // (Of the prints, their events are counted: `Participant left` is none.)
        #expect(report.sessions.map(\.recordCount) == [2, 3, 3])
        let greetings = report.findings.filter { $0.rule == "slow-greeting" }
        #expect(greetings.map { $0.value("seconds") } == [.number(4.6), .number(6.5)])
        #expect(greetings.map(\.severity) == [.warning, .error])
        #expect(greetings.map { $0.evidence.first?.location.line } == [2, 6])
    }

    /// A worker's connection loss while it runs no job is no session.
    @Test func aLoneConnectionLossMakesNoSession() {
        let loss = #"{"message": "failed to connect to livekit, retrying in 0s", "level": "WARNING", "name": "livekit.agents", "retry_count": 0, "max_retry": 16, "error": "worker connection closed unexpectedly", "timestamp": "2026-03-17T05:00:00.000000+00:00"}"#
        let report = analyze(files: [("a/agent.log", Self.other + [loss])])
        #expect(report.sessions.map(\.key) == ["r1/RM_aaaaaaaaaaaa"])
        #expect(report.findings.isEmpty)
    }
}
