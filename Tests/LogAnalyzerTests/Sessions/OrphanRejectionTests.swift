import Testing

@testable import LogAnalyzer

/// A LiveKit 401 without session ids that falls within no session of the run (a server log's
/// `invalid API key` from a misconfigured client an hour after the last room, a body-less
/// `token is expired` after the room closed) is reported in a session of its own, as a worker's
/// rejected registration is: such rejections had joined no session and were dropped, so a
/// server log reported nothing (exit 0), while the same line alone in a run was reported.
@Suite struct OrphanRejectionTests {
    static func server(_ ts: String, _ msg: String, _ context: String) -> String {
        #"{"level":"info","ts":\#(ts),"logger":"livekit","caller":"service/roommanager.go:371","msg":"\#(msg)",\#(context)}"#
    }

    static let room = [
        server("1773706489.72", "starting RTC session", #""room":"r1","roomID":"RM_ecCnqF2SUoOo","participant":"caller-77","pID":"PA_aaaaaaaaaaaa""#),
        server("1773706520.5", "participant closing", #""room":"r1","roomID":"RM_ecCnqF2SUoOo","participant":"caller-77","pID":"PA_aaaaaaaaaaaa","reason":"CLIENT_REQUEST_LEAVE""#),
        server("1773706520.7", "room closed", #""room":"r1","roomID":"RM_ecCnqF2SUoOo""#),
    ]

    /// `error handling request` at `ts` with the server's error text.
    static func rejected(_ ts: String, _ error: String) -> String {
        #"{"level":"warn","ts":\#(ts),"logger":"livekit.api","caller":"service/utils.go:43","msg":"error handling request","error":"\#(error)","status":401,"method":"GET","path":"/rtc"}"#
    }

    @Test func aServerKeyRejectionAfterTheLastRoomIsReported() throws {
        // An hour after the room (its session finalised as idle), and 5 min after it (at the end of the run).
        for ts in ["1773710120.7", "1773706820.7"] {
            let report = analyze(log: (Self.room + [Self.rejected(ts, "invalid API key: APIq7Zt3KxW9pLm")]).joined(separator: "\n"), name: "server.log")
            #expect(report.sessionCount == 2)
            let findings = report.findings.filter { $0.rule == "auth-credentials" }
            #expect(findings.count == 1)
            #expect(findings.first?.sessionKey == "(no session ids)")
            #expect(findings.first?.value("kind") == .text("badKey"))
            #expect(findings.first?.evidence.first?.location.line == 4)
        }
    }

    @Test func aBodylessExpiredRejectionAfterTheRoomClosedIsReported() throws {
        let error = "invalid authorization token: token has invalid claims: token is expired"
        let report = analyze(log: (Self.room + [Self.rejected("1773710120.7", error)]).joined(separator: "\n"), name: "server.log")
        let findings = report.findings.filter { $0.rule == "auth-expiry-cascade" }
        #expect(findings.count == 1)
        #expect(findings.first?.sessionKey == "(no session ids)")
        #expect(findings.first?.value("failures") == .integer(1))
        #expect(findings.first?.value("firstAt") == .time(Timestamp(micros: 1_773_710_120_700_000)))
    }

    @Test func aRejectionDuringTheRoomStaysInIt() throws {
        var lines = Self.room
        lines.insert(Self.rejected("1773706500.0", "invalid API key: APIq7Zt3KxW9pLm"), at: 1)
        let report = analyze(log: lines.joined(separator: "\n"), name: "server.log")
        #expect(report.sessionCount == 1)
        #expect(report.findings.filter { $0.rule == "auth-credentials" }.map(\.sessionKey) == ["r1/RM_ecCnqF2SUoOo"])
    }
}
