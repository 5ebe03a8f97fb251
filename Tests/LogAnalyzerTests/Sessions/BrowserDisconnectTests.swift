import Foundation
import Testing

@testable import LogAnalyzer

/// livekit-client's engine says it lost a connection with `${connection} disconnected` (WARN):
/// `signal disconnected` when the signal WebSocket closes, `peerconnection failed disconnected`
/// when the peer connection fails (livekit/client-sdk-js src/room/RTCEngine.ts handleDisconnect,
/// every 1.x and 2.x release). Until the `websocket connection closed` line became INFO it was
/// the only connection-loss line of a default-level console.
@Suite struct BrowserDisconnectTests {
    static let ctx = "{room: 'voice-room-7f3a', roomID: 'RM_tZ8pQ2xLm4Kd', participant: 'user-4821', pID: 'PA_s5ScM4RW9DMK'}"
    static let server = [
        #"{"level":"info","ts":1787187106.1020002,"logger":"livekit","caller":"service/roommanager.go:433","msg":"starting RTC session","room":"voice-room-7f3a","roomID":"RM_tZ8pQ2xLm4Kd","participant":"user-4821","participantID":"PA_s5ScM4RW9DMK"}"#,
        #"{"level":"warn","ts":1787188156.873,"logger":"livekit","caller":"service/utils.go:84","msg":"error handling request","status":401,"method":"GET","path":"/rtc/v1","error":"invalid token: eyJhbGciOiJIUzI1NiJ9, error: go-jose/go-jose/jwt: validation failed, token is expired (exp)"}"#,
    ]
    static let browser = [
        "01:09:15.210 livekit-client.esm.mjs:20312 signal disconnected \(ctx)",
        "01:09:15.215 livekit-client.esm.mjs:20380 resuming signal connection, attempt 0 \(ctx)",
        "01:09:17.020 livekit-client.esm.mjs:20302 could not recover connection after 1 attempts, 1810ms. giving up \(ctx)",
    ]

    static func kind(_ line: String) -> EventKind? {
        EventClassifier(configuration: AnalysisConfiguration()).classify(parse(line + "\n", name: "browser.log").records[0])
    }

    @Test func theEnginesDisconnectLinesAreConnectionLosses() {
        let r = parse(Self.browser[0] + "\n", name: "browser.log").records[0]
        #expect(r.format == .browserConsole)
        #expect(r.message == "signal disconnected")
        #expect(r.ids.roomSid == "RM_tZ8pQ2xLm4Kd")
        #expect(Self.kind(Self.browser[0]) == .connectionLost(trigger: "signal disconnected"))
        #expect(Self.kind("livekit-client.esm.mjs:20312 peerconnection failed disconnected \(Self.ctx)") == .connectionLost(trigger: "peer connection failed"))
        // Other lines with the same words are not.
        #expect(Self.kind("livekit-client.esm.mjs:20290 signal connected \(Self.ctx)") == .sessionStart)
        #expect(Self.kind(Self.browser[1]) == .resumeAttempt)
    }

    /// The engine's other two losses of the same line, in every release since 2022-08:
    /// `leave-reconnect disconnected` when the server's leave asks it to reconnect (the one
    /// default-level line of it before `client leave request received (action=N)` became INFO
    /// in v2.18.8) and `negotiation disconnected` when a renegotiation failed (RTCEngine.ts
    /// onLeave and negotiate, v1.15.0 to v2.21.0 and HEAD 9380ed7).
    @Test func aServerRequestedReconnectAndAFailedNegotiationAreConnectionLosses() {
        #expect(Self.kind("livekit-client.esm.mjs:20312 leave-reconnect disconnected \(Self.ctx)") == .connectionLost(trigger: "server requested reconnect"))
        #expect(Self.kind("livekit-client.esm.mjs:20312 negotiation disconnected \(Self.ctx)") == .connectionLost(trigger: "negotiation failed"))
        // The retry after a failed attempt is no new loss.
        #expect(Self.kind("livekit-client.esm.mjs:20312 reconnect disconnected \(Self.ctx)") == nil)
    }

    @Test func aServerRequestedReconnectTriggersTheCascade() throws {
        let dir = TempDir()
        let browser = ["01:09:15.190 livekit-client.esm.mjs:20312 leave-reconnect disconnected \(Self.ctx)"] + Self.browser.dropFirst()
        let report = analyze([dir.write("server.log", Self.server.joined(separator: "\n") + "\n"),
                              dir.write("browser.log", browser.joined(separator: "\n") + "\n")])
        let f = try #require(report.findings.first { $0.rule == "auth-expiry-cascade" })
        #expect(f.explanation.first == "trigger: server requested reconnect at 2026-08-20 01:09:15")
        let trigger = try #require(f.evidence.first { $0.role == "trigger" })
        #expect(trigger.side == .browser)
        #expect(trigger.location.line == 1)
    }

    @Test func theSignalDisconnectTriggersTheCascade() throws {
        let dir = TempDir()
        let report = analyze([dir.write("server.log", Self.server.joined(separator: "\n") + "\n"),
                              dir.write("browser.log", Self.browser.joined(separator: "\n") + "\n")])
        #expect(report.sessions.map(\.key) == ["voice-room-7f3a/RM_tZ8pQ2xLm4Kd"])
        let f = try #require(report.findings.first { $0.rule == "auth-expiry-cascade" })
        #expect(f.explanation.first == "trigger: signal disconnected at 2026-08-20 01:09:15")
        let trigger = try #require(f.evidence.first { $0.role == "trigger" })
        #expect(trigger.side == .browser)
        #expect(trigger.location.line == 1)
    }
}
