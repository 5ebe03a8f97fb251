import Testing

@testable import LogAnalyzer

/// An agent's own logger (`agent`, the app's) in the worker's log reporting another service's
/// token: a tool calling Supabase with the user's expired JWT gets GoTrue's 401 body `invalid
/// JWT: unable to parse or verify signature, token has invalid claims: token is expired`
/// (supabase/auth#2256: `AuthApiError: invalid JWT: unable to parse or verify signature, token
/// has …`), which the app logs and then refreshes. It names no LiveKit connection nor a LiveKit
/// 401 body: no cascade. The app's logger re-logging LiveKit's own failure (a `ConnectError`
/// from `ctx.connect()`, `signal failure: client error: 401 …`) still counts.
@Suite struct AppLoggerTokenTests {
    static let job = #""pid": 41233, "job_id": "AJ_6AmUiOOJQdag", "room": "clinic-0""#
    static let supabase = #"{"message": "crm lookup failed (401): invalid JWT: unable to parse or verify signature, token has invalid claims: token is expired; refreshing the user's session", "level": "WARNING", "name": "agent", "#
        + job + #", "timestamp": "2026-11-23T10:01:03.460000+00:00"}"#
    static let salesforce = #"{"message": "CRM lookup failed: 401 Unauthorized - token is expired, refreshing the Salesforce OAuth token", "level": "WARNING", "name": "agent", "#
        + job + #", "timestamp": "2026-11-23T10:01:04.000000+00:00"}"#
    static let livekit = #"{"message": "could not join the room: signal failure: client error: 401 Unauthorized - invalid authorization token: token has invalid claims: token is expired", "level": "ERROR", "name": "agent", "#
        + job + #", "timestamp": "2026-11-23T10:01:05.000000+00:00"}"#

    @Test func anotherServicesExpiredTokenIsNoLiveKitFailure() {
        let classifier = EventClassifier(configuration: AnalysisConfiguration())
        #expect(classifier.classify(record(Self.supabase)) == nil)
        #expect(classifier.classify(record(Self.salesforce)) == nil)
        #expect(analyze(log: [Self.supabase, Self.salesforce].joined(separator: "\n")).findings.map(\.rule) == [])
    }

    @Test func theAppReloggingLiveKitsFailureStillCounts() {
        let classifier = EventClassifier(configuration: AnalysisConfiguration())
        #expect(classifier.classify(record(Self.livekit)) == .authFailure(.expired))
        #expect(analyze(log: Self.livekit).findings.map(\.rule) == ["auth-expiry-cascade"])
    }
}
