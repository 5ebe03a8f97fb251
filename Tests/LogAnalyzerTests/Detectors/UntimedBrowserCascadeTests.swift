import Foundation
import Testing

@testable import LogAnalyzer

/// A DevTools console copied without timestamps (Chrome's default) beside a timed server log: the
/// cascade is dated by its first timed failure, and its trigger is the browser's last connection
/// loss before its own failure.
@Suite struct UntimedBrowserCascadeTests {
    static let server = [
        #"{"level":"info","ts":1787187106.1020002,"logger":"livekit","caller":"service/roommanager.go:433","msg":"starting RTC session","room":"voice-room-7f3a","roomID":"RM_tZ8pQ2xLm4Kd","participant":"user-4821","participantID":"PA_s5ScM4RW9DMK"}"#,
        #"{"level":"warn","ts":1787188156.873,"logger":"livekit","caller":"service/utils.go:84","msg":"error handling request","status":401,"method":"GET","path":"/rtc/v1","error":"invalid authorization token: token has invalid claims: token is expired"}"#,
        #"{"level":"info","ts":1787188202.006,"logger":"livekit.room","caller":"service/roommanager.go:706","msg":"room closed","room":"voice-room-7f3a","roomID":"RM_tZ8pQ2xLm4Kd"}"#,
    ]
    static let ctx = "{room: 'voice-room-7f3a', roomID: 'RM_tZ8pQ2xLm4Kd', participant: 'user-4821', participantID: 'PA_s5ScM4RW9DMK'}"
    static let browser = [
        "livekit-client.esm.mjs:17388 connected to Livekit Server edition: 0, version: 1.13.5, protocol: 16 \(ctx)",
        "livekit-client.esm.mjs:15038 websocket closed \(ctx)",
        "livekit-client.esm.mjs:18290 resuming signal connection, attempt 0 \(ctx)",
        "livekit-client.esm.mjs:21910 connection state changed: signalReconnecting -> connected \(ctx)",
        "livekit-client.esm.mjs:15038 websocket closed \(ctx)",
        "livekit-client.esm.mjs:18290 resuming signal connection, attempt 0 \(ctx)",
        "livekit-client.esm.mjs:18300 invalid authorization token: token has invalid claims: token is expired \(ctx)",
        "livekit-client.esm.mjs:18215 could not recover connection after 1 attempts, 1023ms. giving up \(ctx)",
    ]

    @Test func theCascadeIsDatedByTheServersRejection() throws {
        let dir = TempDir()
        let report = analyze([dir.write("server.log", Self.server.joined(separator: "\n") + "\n"),
                              dir.write("browser.log", Self.browser.joined(separator: "\n") + "\n")])
        let f = try #require(report.findings.first { $0.rule == "auth-expiry-cascade" })
        #expect(f.at?.iso8601 == "2026-08-20T01:09:16.873Z")
        #expect(f.message == "2 authentication failures (401 token is expired) from 2026-08-20 01:09:16 on server, browser")
        let trigger = try #require(f.evidence.first { $0.role == "trigger" })
        #expect(trigger.location.line == 5)
        let first = try #require(f.evidence.first { $0.role == "first 401" })
        #expect(first.side == .server)
        #expect(first.location.line == 2)
    }
}
