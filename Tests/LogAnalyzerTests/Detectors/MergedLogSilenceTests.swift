import Foundation
import Testing

@testable import LogAnalyzer

/// `docker compose logs` (or `kubectl logs --prefix`) merges the agent's and the server's lines in
/// one input: the server's lines for the session while the agent's container was paused do not
/// end the agent's silence.
@Suite struct MergedLogSilenceTests {
    // 2026-03-17T10:06:00Z: the last refresh the agent received.
    static let refreshed = makeJWT(#"{"video":{"roomJoin":true,"room":"room-beta"},"sub":"agent-AJ_BetA1q2W3e4R","iss":"APIdevkey1234","nbf":1773741960,"exp":1773742560}"#)

    static func agent(_ stamp: String, _ message: String, level: String = "INFO", name: String = "livekit.agents") -> String {
        #"agent-1    | {"message": "\#(message)", "level": "\#(level)", "name": "\#(name)", "pid": 23, "job_id": "AJ_BetA1q2W3e4R", "timestamp": "2026-03-17T\#(stamp)+00:00"}"#
    }

    static func server(_ stamp: String, _ message: String, _ context: String) -> String {
        "livekit-1  | 2026-03-17T\(stamp)Z\tINFO\tlivekit\tservice/roommanager.go:411\t\(message)\t{\"room\": \"room-beta\", \"roomID\": \"RM_BetA5e6F7g8H\", \(context)}"
    }

    /// The agent's Rust resume rejected with the refreshed token.
    static let rejected = "livekit::rtc_engine:731:livekit::rtc_engine - resuming connection failed: client error: 401 Unauthorized - invalid token: \(refreshed), error: go-jose/go-jose/jwt: validation failed, token is expired (exp)"

    /// The agent's own lines of the incident, without the compose prefix: the job, its last
    /// line before the silence, and the failure 13 min 20 s later.
    static let agentIncident = [
        agent("10:01:00.190000", "received job request"),
        agent("10:06:10.000000", "received user transcript"),
        agent("10:19:30.000000", "worker connection closed unexpectedly", level: "WARNING"),
        agent("10:19:30.200000", rejected, level: "ERROR", name: "livekit"),
    ].map { $0.replacingOccurrences(of: "agent-1    | ", with: "") }

    static var log: String {
        [
            "backend-1  | 2026-03-17 10:00:59,500 - app.tokens - INFO - minted token for identity=user-beta room=room-beta ttl=7200s",
            server("10:01:00.020", "starting RTC session", #""participant": "user-beta", "pID": "PA_UsrB1a2b3c4d""#),
            agent("10:01:00.190000", "received job request"),
            server("10:01:00.500", "starting RTC session", #""participant": "agent-AJ_BetA1q2W3e4R", "pID": "PA_AgtB5e6f7g8h""#),
            agent("10:06:10.000000", "received user transcript"),
            // The agent's container is paused; the server goes on logging for the room.
            server("10:06:40.000", "participant closing", #""participant": "agent-AJ_BetA1q2W3e4R", "pID": "PA_AgtB5e6f7g8h", "reason": "STALE""#),
            server("10:12:00.000", "refreshing client token after claims change", #""participant": "user-beta", "pID": "PA_UsrB1a2b3c4d""#),
            agent("10:19:30.000000", "worker connection closed unexpectedly", level: "WARNING"),
            agent("10:19:30.200000", rejected, level: "ERROR", name: "livekit"),
        ].joined(separator: "\n") + "\n"
    }

    @Test func theServersLinesDoNotEndTheAgentsSilence() throws {
        let report = analyze(log: Self.log, name: "compose.log")
        let f = try #require(report.findings.first { $0.rule == "early-token-death" })
        #expect(f.value("cause") == .text("suspended-host"))
        #expect(f.number("silentGapSeconds") == 800)
        #expect(f.explanation[0].hasPrefix("the agent process logged nothing for 13 min 20 s before the failure (last line at 2026-03-17 10:06:10, next at 2026-03-17 10:19:30)"))
    }

    /// A session that goes on for hours after its failure, with many longer quiet stretches (the
    /// agent idle in the room, its tokens refreshed all along; or a log of days with quiet
    /// nights), still has the silence that ended at the failure: the tracker keeps the longest
    /// silences, and apart from them each one that ended just before an authentication failure.
    @Test func theSilenceBeforeTheFailureIsKeptAmongLongerLaterOnes() throws {
        // Then a line every 25 minutes until 20:40: 25 idle stretches longer than the incident's.
        let idle = (1...25).map { k in
            let minutes = 20 + 25 * k
            return Self.agent("\(pad(10 + minutes / 60, 2)):\(pad(minutes % 60, 2)):00.000000", "received user transcript")
                .replacingOccurrences(of: "agent-1    | ", with: "")
        }
        let log = (Self.agentIncident + idle).joined(separator: "\n") + "\n"
        var c = AnalysisConfiguration()
        c.configuredTokenTTLSeconds = 86_400
        let report = analyze(log: log, name: "agent.log", configuration: c)
        let f = try #require(report.findings.first { $0.rule == "early-token-death" })
        #expect(f.value("cause") == .text("suspended-host"))
        #expect(f.number("silentGapSeconds") == 800)
        // The whole log's silence too (the only lines are the session's).
        #expect(f.explanation[0].contains("The whole log was silent, so the host itself was suspended"))
    }

    /// `cat agent.log browser.log > all.log`: the browser's silence in the same input (longer,
    /// from its last line before the failure) is not the agent's.
    @Test func eachClientsSilenceIsItsOwnInOneInput() throws {
        let context = "{room: 'room-beta', roomID: 'RM_BetA5e6F7g8H', participant: 'user-beta', pID: 'PA_UsrB1a2b3c4d'}"
        let log = (Self.agentIncident + [
            "10:01:00.100 livekit-client.esm.mjs:18392 signal connected \(context)",
            "10:05:00.000 livekit-client.esm.mjs:20117 received server answer \(context)",
            "10:19:30.500 livekit-client.esm.mjs:20858 resuming signal connection, attempt 0 \(context)",
        ]).joined(separator: "\n") + "\n"
        var c = AnalysisConfiguration()
        c.configuredTokenTTLSeconds = 7200
        let report = analyze(log: log, name: "all.log", configuration: c)
        let f = try #require(report.findings.first { $0.rule == "early-token-death" })
        #expect(f.number("silentGapSeconds") == 800)
        #expect(f.explanation[0].hasPrefix("the agent process logged nothing for 13 min 20 s before the failure (last line at 2026-03-17 10:06:10, next at 2026-03-17 10:19:30)"))
    }

    /// Nor do they make the agent's container look alive: every other line of the log was silent.
    /// But the log was not: the explanation says that the server's lines kept coming.
    @Test func theServersLinesDoNotMakeTheWorkerLookAlive() throws {
        let report = analyze(log: Self.log, name: "compose.log")
        let f = try #require(report.findings.first { $0.rule == "early-token-death" })
        #expect(f.value("cause") == .text("suspended-host"))
        #expect(
            f.explanation[0].hasSuffix(
                "resumed with an expired token. Every line of the log but the LiveKit server's was silent while the server's kept coming, "
                    + "so the other services' host or container was suspended (laptop sleep, paused VM or container, SIGSTOP) - not a TTL setting."))
        #expect(!f.explanation.joined().contains("The whole log was silent"))
    }

    /// A merged log whose server lines all fall outside the silence was silent as a whole.
    @Test func aMergedLogSilentAsAWholeSaysSo() throws {
        let quiet = Self.log.split(separator: "\n").filter { !$0.contains("10:06:40.000") && !$0.contains("10:12:00.000") }
        let report = analyze(log: quiet.joined(separator: "\n") + "\n", name: "compose.log")
        let f = try #require(report.findings.first { $0.rule == "early-token-death" })
        #expect(f.value("cause") == .text("suspended-host"))
        #expect(f.number("silentGapSeconds") == 800)
        #expect(
            f.explanation[0].hasSuffix(
                "resumed with an expired token. The whole log was silent, so the host itself was suspended (laptop sleep, paused VM or container, SIGSTOP) - not a TTL setting."))
    }
}
