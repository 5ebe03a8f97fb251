import Testing

@testable import LogAnalyzer

/// In a run without session ids, a session start after the session has been idle for
/// `--session-idle` begins the next session, whichever input it is on: two incidents' time-only
/// worker prints, each dated by a server log of its own directory (a day apart), had made one
/// session of two days, whose first greeting hid the second's (a 6.5 s greeting went unreported).
@Suite struct IdlessRunIdleCutTests {
    static func prints(greeting: Double) -> [String] {
        [
            "10:00:00 - Session created",
            "10:00:02.000 - Generating initial greeting",
            "10:00:\(String(format: "%06.3f", 2 + greeting)) - Voice agent running for room",
            "10:01:00.000 - Participant left",
        ]
    }

    static func server(day: Int) -> String {
        "2026-03-\(day)T09:59:50.000Z\tINFO\tlivekit\tservice/server.go:250\tstarting LiveKit server\t{\"nodeID\": \"ND_abcdefabcdef\"}"
    }

    @Test func aStartOnAnotherInputADayLaterBeginsASession() {
        let report = analyze(files: [
            ("day1/worker-prints.log", Self.prints(greeting: 1.5)), ("day1/server.log", [Self.server(day: 17)]),
            ("day2/worker-prints.log", Self.prints(greeting: 6.5)), ("day2/server.log", [Self.server(day: 18)]),
        ])
        #expect(report.sessions.map(\.key) == ["(no session ids)", "(no session ids) #2"])
        // (The second day's server line, before its session starts, ends the first one.)
        #expect(report.sessions.map(\.recordCount) == [6, 4])
        #expect(report.sessions.map { $0.start.map { "\($0.micros)" } ?? "-" } == ["1773741590000000", "1773828000000000"])
        let greetings = report.findings.filter { $0.rule == "slow-greeting" }
        #expect(greetings.map(\.sessionKey) == ["(no session ids) #2"])
        #expect(greetings.first?.value("seconds") == .number(6.5))
        #expect(greetings.first?.severity == .error)
    }

    /// The silence before a 401 is evidence: a browser that connects again after the host slept
    /// stays in the agent's session (only the agent's starts cut a session that has one).
    @Test func aBrowserReconnectAfterALongSilenceStaysInTheSession() {
        let report = analyze(files: [
            ("worker-prints.log", ["10:00:00 - Session created", "10:00:05.000 - First user turn detected"]),
            ("server.log", [Self.server(day: 17)]),
            ("browser.log", ["10:45:00.000 livekit-client.esm.mjs:20811 signal connecting to wss://x.livekit.cloud"]),
        ])
        #expect(report.sessions.map(\.key) == ["(no session ids)"])
        #expect(report.sessions.map(\.recordCount) == [4])
    }
}
