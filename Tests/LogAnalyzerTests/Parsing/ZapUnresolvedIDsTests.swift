import Foundation
import Testing

@testable import LogAnalyzer

/// livekit-server v1.11.0+ logs a join it refused before it knew the room with placeholders
/// (`pkg/service/rtcservice.go serve`: `resolveLogger(true)` sets `roomName`, `roomID`,
/// `participantIdentity` and `pID` to `"unresolved"`, then `HandleError(w, r, code, err,
/// getLoggerFields()...)`). They name no room and no participant: read as ids, every refused
/// join of the day (a health checker's probe without a token, a client's) was one room
/// `unresolved` of one participant `unresolved`.
@Suite struct ZapUnresolvedIDsTests {
    static let console = "2026-11-23T10:00:30.250Z\tWARN\tlivekit\tservice/rtcservice.go:381\terror handling request\t{\"room\": \"unresolved\", \"roomID\": \"unresolved\", \"participant\": \"unresolved\", \"participantID\": \"unresolved\", \"joinDuration\": \"1.2ms\", \"error\": \"no permissions to access the room\", \"status\": 401, \"method\": \"GET\", \"path\": \"/rtc/v1\"}"
    static let json = "{\"level\":\"warn\",\"ts\":1795428930.25,\"logger\":\"livekit\",\"caller\":\"service/rtcservice.go:381\",\"msg\":\"error handling request\",\"room\":\"unresolved\",\"roomID\":\"unresolved\",\"participant\":\"unresolved\",\"participantID\":\"unresolved\",\"joinDuration\":\"1.2ms\",\"error\":\"no permissions to access the room\",\"status\":401,\"method\":\"GET\",\"path\":\"/rtc/v1\"}"

    @Test func thePlaceholdersAreNoIds() {
        let records = parse([Self.console, Self.json].joined(separator: "\n") + "\n").records
        #expect(records.map(\.format) == [.zapConsole, .zapJSON])
        #expect(records.map { $0.ids.room ?? "-" } == ["-", "-"])
        #expect(records.map { $0.ids.participant ?? "-" } == ["-", "-"])
        #expect(records.map { $0.ids.roomSid ?? "-" } == ["-", "-"])
    }

    @Test func refusedJoinsAreNoRoomOfTheirOwn() {
        let dir = TempDir()
        dir.write("server.log", [Self.console, Self.console.replacingOccurrences(of: "T10:00:30", with: "T11:40:30")].joined(separator: "\n") + "\n")
        let report = analyze([dir.url.path])
        #expect(report.sessions.map(\.key) == ["(no session ids)"])
        #expect(report.sessions.map { $0.room ?? "-" } == ["-"])
    }
}
