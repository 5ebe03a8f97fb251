import Foundation
import Testing

@testable import LogAnalyzer

/// A worker whose code calls `logging.basicConfig()` prints every record twice to the same stream:
/// once as `LEVEL:name:message` (no time, no ids) and once by the agents' JSON formatter. Two
/// sessions of one worker; the host sleeps from 23:51:04 to 00:08:05, and both jobs' resumes are
/// then rejected with their expired 10-minute tokens.
@Suite struct EchoedRecordTests {
    static let tokenA = makeJWT(#"{"exp":1773792010,"nbf":1773791410,"sub":"agent-AJ_Aa1Bb2Cc3Dd4","video":{"room":"support-7731","roomJoin":true}}"#)
    static let tokenB = makeJWT(#"{"exp":1773791941,"nbf":1773791341,"sub":"agent-AJ_Ee5Ff6Gg7Hh8","video":{"room":"support-7732","roomJoin":true}}"#)

    /// The JSON line and, unless `echo` is false, the plain copy printed before it.
    static func record(_ level: String, _ name: String, _ message: String, _ extras: String, _ time: String, echo: Bool = true) -> [String] {
        let escaped = message.replacingOccurrences(of: "\"", with: "\\\"")
        let json = #"{"message": "\#(escaped)", "level": "\#(level)", "name": "\#(name)", \#(extras), "timestamp": "2026-03-\#(time)+00:00"}"#
        return (echo ? ["\(level):\(name):\(message)"] : []) + [json]
    }

    static func failure(_ token: String, _ job: String, _ room: String, _ time: String, attempt: Int) -> [String] {
        let ids = #""pid": \#(job == "AJ_Aa1Bb2Cc3Dd4" ? 5001 : 5002), "job_id": "\#(job)", "room": "\#(room)""#
        return record("ERROR", "livekit", "livekit::rtc_engine:729:livekit::rtc_engine - resuming connection... attempt: \(attempt)", ids, time)
            + record(
                "ERROR", "livekit",
                "livekit::rtc_engine:745:livekit::rtc_engine - resuming connection failed: client error: 401 Unauthorized - invalid token: \(token), error: go-jose/go-jose/jwt: validation failed, token is expired (exp)",
                ids, time)
    }

    static var worker: String {
        let a = #""pid": 5001, "job_id": "AJ_Aa1Bb2Cc3Dd4", "room": "support-7731""#
        let b = #""pid": 5002, "job_id": "AJ_Ee5Ff6Gg7Hh8", "room": "support-7732""#
        var lines = record("INFO", "livekit.agents", "received job request", #""job_id": "AJ_Aa1Bb2Cc3Dd4", "room": "support-7731", "pid": 13892"#, "17T23:41:09.700000")
        lines += record("INFO", "agent", "user turn finished", a, "17T23:41:30.000000")
        lines += record("INFO", "livekit.agents", "received job request", #""job_id": "AJ_Ee5Ff6Gg7Hh8", "room": "support-7732", "pid": 13892"#, "17T23:44:00.700000")
        lines += record("INFO", "agent", "user turn finished", b, "17T23:49:30.000000")
        lines += record("INFO", "agent", "user turn finished", a, "17T23:51:04.250000")
        lines += record(
            "WARNING", "livekit.agents", "failed to connect to livekit, retrying in 0s",
            #""error": "message='worker connection closed unexpectedly', status_code=1006, retryable=True", "pid": 13892"#, "18T00:08:05.100000")
        lines += failure(tokenA, "AJ_Aa1Bb2Cc3Dd4", "support-7731", "18T00:08:05.390000", attempt: 0)
        lines += failure(tokenB, "AJ_Ee5Ff6Gg7Hh8", "support-7732", "18T00:08:05.430000", attempt: 0)
        lines += failure(tokenA, "AJ_Aa1Bb2Cc3Dd4", "support-7731", "18T00:08:06.390000", attempt: 1)
        lines += failure(tokenB, "AJ_Ee5Ff6Gg7Hh8", "support-7732", "18T00:08:06.430000", attempt: 1)
        return lines.joined(separator: "\n") + "\n"
    }

    static func report() -> Report {
        var c = AnalysisConfiguration()
        c.configuredTokenTTLSeconds = 7200
        return analyze(log: worker, configuration: c)
    }

    @Test func eachFailureCountsOnceAndTheTimedCopyDatesIt() throws {
        let report = Self.report()
        let cascades = report.findings.filter { $0.rule == "auth-expiry-cascade" }
        #expect(cascades.map(\.message) == [
            "2 authentication failures (401 token is expired) from 2026-03-18 00:08:05 on agent",
            "2 authentication failures (401 token is expired) from 2026-03-18 00:08:05 on agent",
        ])
        // The JSON copy (with its time and ids) is the one kept: line 15 is the plain copy of line 16.
        let first = try #require(cascades.first?.evidence.first { $0.role == "first 401" })
        #expect(first.location.line == 16)
        #expect(first.time?.iso8601 == "2026-03-18T00:08:05.390Z")
    }

    @Test func theSuspensionIsFoundAndBothSessionsAreToldTheWholeLogWasSilent() throws {
        let deaths = Self.report().findings.filter { $0.rule == "early-token-death" }
        #expect(deaths.count == 2)
        for death in deaths {
            #expect(death.values.first { $0.0 == "cause" }?.1 == .text("suspended-host"))
        }
        let gaps = deaths.map { d in d.values.first { $0.0 == "silentGapSeconds" }?.1 }
        #expect(gaps == [.number(1021.14), .number(1115.43)])
        let texts = deaths.map { $0.explanation[0] }
        #expect(texts[0].hasSuffix("The whole log was silent, so the host itself was suspended (laptop sleep, paused VM or container, SIGSTOP) - not a TTL setting."))
        // Session B's own last line came 1 min 34 s before the log fell silent.
        #expect(texts[1].hasSuffix(
            "The whole log was silent for the last 17 min of it (from 2026-03-17 23:51:04), so the host itself was suspended (laptop sleep, paused VM or container, SIGSTOP) - not a TTL setting."))
    }
}

/// A record repeated byte for byte on the next line (a log shipper's retry, a stream tee'd twice
/// into one file) is one record: its 401 is one failure and one `tokenExpiredErrors`. Two jobs'
/// identical messages at the same time are two (and so are two records of a stamp without
/// microseconds: `MonitorTests`' worker retries in one second).
@Suite struct RepeatedLineTests {
    static let token = makeJWT(#"{"exp":1795178028,"nbf":1795177428,"sub":"agent-AJ_ZY3z9yII90DU","video":{"room":"room-suspend1","roomJoin":true}}"#)

    static func line(
        _ message: String, _ time: String, job: String = "AJ_ZY3z9yII90DU", pid: Int = 49999, room: String = "room-suspend1", level: String = "ERROR", name: String = "livekit"
    ) -> String {
        #"{"message": "\#(message)", "level": "\#(level)", "name": "\#(name)", "pid": \#(pid), "job_id": "\#(job)", "room": "\#(room)", "timestamp": "2026-11-20T\#(time)+00:00"}"#
    }

    static var log: [String] {
        let rejected = "livekit::rtc_engine:729:livekit::rtc_engine - resuming connection failed: client error: 401 Unauthorized - invalid token: \(token), error: go-jose/go-jose/jwt: validation failed, token is expired (exp)"
        return [
            #"{"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "AJ_ZY3z9yII90DU", "room": "room-suspend1", "room_id": "RM_CbdO2GFzHLRr", "timestamp": "2026-11-20T12:18:48.900000+00:00"}"#,
            line(rejected, "12:39:19.300412"),
            line(rejected, "12:39:19.300412"),
            line(rejected, "12:39:20.800977"),
            line("livekit::rtc_engine:729:livekit::rtc_engine - failed to reconnect to the livekit room", "12:39:22.000000"),
        ]
    }

    @Test func aRepeatedLineIsOneFailure() throws {
        let report = analyze(files: [("agent.log", Self.log)])
        let cascade = try #require(report.findings.first { $0.rule == "auth-expiry-cascade" })
        #expect(cascade.value("failures") == .integer(2))
        #expect(cascade.value("failuresBySide") == .object([("agent", .integer(2))]))
    }

    @Test func theSameMessageOfTwoJobsIsTwo() throws {
        // (A server after livekit PR #4756 names no token in its body: the two texts are equal.)
        let rejected = "livekit::rtc_engine:729:livekit::rtc_engine - resuming connection failed: client error: 401 Unauthorized - invalid authorization token: token has invalid claims: token is expired"
        let report = analyze(files: [("agent.log", [
            Self.line(rejected, "12:39:19.300412"),
            Self.line(rejected, "12:39:19.300412", job: "AJ_Ee5Ff6Gg7Hh8", pid: 50001, room: "room-other2"),
        ])])
        let cascades = report.findings.filter { $0.rule == "auth-expiry-cascade" }
        #expect(cascades.map(\.jobId) == ["AJ_ZY3z9yII90DU", "AJ_Ee5Ff6Gg7Hh8"])
        #expect(cascades.map { $0.value("failures") } == [.integer(1), .integer(1)])
    }
}
