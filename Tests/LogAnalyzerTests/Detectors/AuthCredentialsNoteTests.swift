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

/// A 401 whose body gives a reason other than the token's age is no expiry: a signature made
/// with another API secret (go-jose and golang-jwt wordings), a malformed token, or a body-less
/// 401 of a token the line shows still valid for an hour.
@Suite struct NonExpiryRejectionTests {
    // nbf 2026-03-17 00:00:00, exp 02:00:00 (the failure is at 00:17:31).
    static let token = makeJWT(#"{"exp":1773712800,"nbf":1773705600,"sub":"agent-AJ_kTm3vPq9Xw2a","video":{"room":"room-abc","roomJoin":true}}"#)

    static func rejected(_ body: String) -> [String] {
        let log = [
            AuthCredentialsNoteTests.rust("received session close: \\\"signal client closed\\\" UnknownReason Resume"),
            AuthCredentialsNoteTests.rust("resuming connection... attempt: 0"),
            AuthCredentialsNoteTests.rust("resuming connection failed: client error: 401 Unauthorized\(body)"),
        ].joined(separator: "\n")
        return analyze(log: log).findings.map { "\($0.rule): \($0.message)" }
    }

    @Test func aSignatureFromAnotherSecretIsACredentialsProblem() {
        let expected = ["auth-credentials: a token whose signature does not verify was rejected: it was signed with another API secret than the server's (the token minter's LIVEKIT_API_SECRET differs)"]
        #expect(Self.rejected(" - invalid token: \(Self.token), error: go-jose/go-jose: error in cryptographic primitive") == expected)
        #expect(Self.rejected(" - invalid token: \(Self.token), error: token signature is invalid: signature is invalid") == expected)
    }

    @Test func aMalformedTokenIsNoExpiry() {
        #expect(Self.rejected(" - invalid authorization token: token is malformed: could not base64 decode header") == [
            "auth-credentials: a token was rejected for another reason than its age (token is malformed: could not base64 decode header)"
        ])
    }

    @Test func aBodylessRejectionOfAValidTokenIsNoExpiry() {
        #expect(Self.rejected(" (token \(Self.token))") == [
            "auth-credentials: a token was rejected for another reason than its age (the 401 gives no reason; the token in it was still valid)"
        ])
        // Without a token to read, a body-less 401 on resume stays an expiry cascade.
        #expect(Self.rejected("").map { $0.prefix(20) } == ["auth-expiry-cascade:"])
    }
}
