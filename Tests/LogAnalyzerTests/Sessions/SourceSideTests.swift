import Testing

@testable import LogAnalyzer

/// Lines of a wrapped log (docker compose) whose format says no side take it from their service.
@Suite struct SourceSideTests {
    @Test func eachComposeServiceGivesItsOwnSide() {
        let log = [
            "agent-1      | 2026-03-02T00:00:01.000Z preparing room=room-a",
            "token-api-1  | 2026-03-02T00:00:02.000Z minted for room=room-a",
            "web-1        | 2026-03-02T00:00:03.000Z joined room=room-a",
            "agent-1      | 2026-03-02T00:00:04.000Z still in room=room-a",
            "sfu-1        | 2026-03-02T00:00:05.000Z media for room=room-a",
            "web-1        | 2026-03-02T00:00:06.000Z left room=room-a",
        ].joined(separator: "\n")
        let report = analyze(log: log, name: "compose.log")
        #expect(report.sessions.map(\.key) == ["room-a"])
        #expect(report.sessions.first?.recordCount == 6)
        #expect(report.sessions.first?.sides == [.agent, .server, .backend, .app])
    }
}
