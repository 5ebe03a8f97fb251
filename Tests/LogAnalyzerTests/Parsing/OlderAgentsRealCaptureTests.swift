import Foundation
import Testing

@testable import LogAnalyzer

/// Lines captured from livekit-agents 0.12.21 and 1.0.23 (with livekit rtc 1.1.10) run against a
/// fake LiveKit server: `python agent.py dev` under `script`, so with colours and `\r\n`.
@Suite struct OlderAgentsRealCaptureTests {
    static let esc = "\u{1B}"

    /// 0.12.21 does not silence the `livekit` logger, so in `dev` the Rust SDK's forwarded DEBUG
    /// lines of other crates appear: `reqwest`'s, with the same `target:line:module - ` prefix.
    @Test func aReqwestLineForwardedByTheRustSDKLosesItsTargetPrefix() {
        let esc = Self.esc
        let line = "2026-11-26 23:39:55,208 - \(esc)[36mDEBUG\(esc)[0m livekit - reqwest::connect:929:reqwest::connect - starting new connection: http://127.0.0.1:27470/ \(esc)[90m{\"pid\": 845, \"job_id\": \"AJ_rBq4Zt8WnK3v\"}\(esc)[0m\r\n"
        let records = parse(line).records
        #expect(records.count == 1)
        #expect(records[0].format == .agentsText)
        #expect(records[0].message == "starting new connection: http://127.0.0.1:27470/")
        #expect(records[0].field("rust_target") == .string("reqwest::connect"))
        #expect(records[0].ids.jobId == "AJ_rBq4Zt8WnK3v")
        #expect(records[0].ids.pid == 845)
        // The same record in the JSON layout (`start --log-level debug`).
        let json = #"{"message": "reqwest::connect:929:reqwest::connect - starting new connection: http://127.0.0.1:27450/", "level": "DEBUG", "name": "livekit", "pid": 32126, "job_id": "AJ_rBq4Zt8WnK3v", "timestamp": "2026-11-26T23:39:13.753282+00:00"}"# + "\n"
        let j = parse(json).records
        #expect(j.count == 1)
        #expect(j[0].message == "starting new connection: http://127.0.0.1:27450/")
        #expect(j[0].field("rust_target") == .string("reqwest::connect"))
        // A message that only starts like one stays whole.
        let app = #"{"message": "reqwest failed: 429", "level": "INFO", "name": "app", "timestamp": "2026-11-26T23:39:13.753282+00:00"}"# + "\n"
        #expect(parse(app).records[0].message == "reqwest failed: 429")
    }
}
