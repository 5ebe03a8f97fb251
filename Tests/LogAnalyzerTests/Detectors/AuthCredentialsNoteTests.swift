import Foundation
import Testing

@testable import LogAnalyzer

/// `no permissions to access the room` from the agent's Rust SDK may be rust-sdks#1042's
/// fabricated 401; the finding says so whichever connection path logged it.
@Suite struct AuthCredentialsNoteTests {
    static func rust(_ text: String) -> String {
        #"{"message": "livekit::rtc_engine:731:livekit::rtc_engine - \#(text)", "level": "ERROR", "name": "livekit", "pid": 4300, "job_id": "AJ_kTm3vPq9Xw2a", "room": "room-abc", "timestamp": "2026-03-17T00:17:31.000000+00:00"}"#
    }

    @Test(arguments: [
        "restarting connection failed: signal failure: client error: 401 Unauthorized - no permissions to access the room",
        "resuming connection failed: signal failure: client error: 401 Unauthorized - no permissions to access the room",
    ])
    func theAgentsConnectionPathsGetTheNote(_ text: String) throws {
        let report = analyze(log: Self.rust(text))
        let f = try #require(report.findings.first { $0.rule == "auth-credentials" })
        #expect(f.message == "a token without permission for the room was rejected (no permissions to access the room)")
        #expect(f.explanation.count == 1)
        #expect(f.explanation.first?.contains("livekit/rust-sdks#1042") == true)
    }
}
