import Foundation
import Testing

@testable import LogAnalyzer

/// livekit-server v1.13.2+ logs a joining participant's token expiry in `starting RTC session`
/// (`participantInit.TokenExpiresAt`) and keeps it when it refreshes the token: a token past it
/// died of the TTL it was minted with (DOMAIN.md (c), "Server >= v1.13.2").
@Suite struct JoinTokenExpiryTests {
    /// The incident, its server's agent join line carrying `TokenExpiresAt`.
    static func incident(expiresAt: String) throws -> Report {
        let dir = TempDir()
        let fixture = try copyFixture("incident-real", into: dir)
        try FileManager.default.removeItem(atPath: fixture + "/expected.json")
        let path = fixture + "/server.log"
        var lines = try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\n")
        let old = #""participantInit": {"Identity": "agent-AJ_p9KdW3xYzQ2r", "#
        #expect(lines[5].contains(old))
        lines[5] = lines[5].replacingOccurrences(of: old, with: old + #""TokenExpiresAt": "\#(expiresAt)", "#)
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return analyze([fixture])
    }

    static func earlyDeath(_ report: Report) throws -> Finding {
        try #require(report.findings.first { $0.rule == "early-token-death" })
    }

    static func value(_ f: Finding, _ key: String) -> String? {
        f.values.first { $0.0 == key }.map { "\($0.1)" }
    }

    @Test func aTokenPastTheExpiryTheServerLoggedDiedOfItsOwnTTL() throws {
        let f = try Self.earlyDeath(Self.incident(expiresAt: "2025-12-11T01:06:46.540Z"))
        #expect(f.message == "token dead after 17 min 30 s of the 2 h TTL it was minted with (the token was minted with a short TTL)")
        #expect(f.explanation.first == "livekit-server logged at the join (2025-12-11 00:51:46) that agent-AJ_p9KdW3xYzQ2r's token expires at 2025-12-11 01:06:46 (participantInit.TokenExpiresAt: v1.13.2 or later, whose refreshes keep that expiry): the token was valid for 14 min 59 s from the join, not 2 h, and died at its own expiry - the code that minted it does not use the configured TTL")
        #expect(!f.explanation.contains { $0.contains("host itself was suspended") })
        #expect(f.evidence.map(\.role) == ["token minted", "expiry logged at join", "rejected as expired"])
        #expect(f.evidence[1].location.line == 6)
    }

    @Test func anExpiryStillAheadAtTheFailureLeavesTheCauseAndSaysSo() throws {
        let f = try Self.earlyDeath(Self.incident(expiresAt: "2025-12-11T02:51:46.540Z"))
        #expect(f.message.hasSuffix("(most likely a suspended host or process)"))
        #expect(f.explanation.last == "livekit-server logged at the join (2025-12-11 00:51:46) that agent-AJ_p9KdW3xYzQ2r's token expires at 2025-12-11 02:51:46 (participantInit.TokenExpiresAt: v1.13.2 or later, whose refreshes keep that expiry), after the failure: a server that keeps the expiry rejected it early, so its clock ran ahead or the client presented another token")
    }

    @Test func theExpiryIsReadFromConsoleTextAndJSONEpochSeconds() {
        let console = record("2026-03-02T00:51:46.031Z\tINFO\tlivekit\tservice/roommanager.go:411\tstarting RTC session\t{\"room\": \"r1\", \"participant\": \"user-1\", \"participantInit\": {\"Identity\": \"user-1\", \"TokenExpiresAt\": \"2026-03-02T01:06:45.000Z\"}}")
        #expect(console.token?.expires == 1_772_413_605)
        #expect(console.token?.subject == "user-1")
        let json = record(#"{"level":"info","ts":1772412706.03,"logger":"livekit","caller":"service/roommanager.go:411","msg":"starting RTC session","room":"r1","participant":"user-1","participantInit":{"Identity":"user-1","TokenExpiresAt":1772413605}}"#)
        #expect(json.token?.expires == 1_772_413_605)
        let old = record("2026-03-02T00:51:46.031Z\tINFO\tlivekit\tservice/roommanager.go:411\tstarting RTC session\t{\"room\": \"r1\", \"participantInit\": {\"Identity\": \"user-1\"}}")
        #expect(old.token == nil)
    }
}
