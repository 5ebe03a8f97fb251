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

/// The server's own line of a rejection often comes first in the session, a few ms before the
/// client's: the finding still reads the client's line for who was rejected and why.
@Suite struct ServerFirstRejectionTests {
    static func server(_ time: String, _ fields: String) -> String {
        "\(time)Z\tWARN\tlivekit\tservice/utils.go:85\terror handling request\t\(fields)"
    }

    /// rust-sdks 2025-10..2026-04: the WebSocket to `/rtc` got a 503 (node over its limit,
    /// livekit/livekit pkg/service/utils.go `ErrLimitExceeded`), then `SignalInner::validate`
    /// asked `/rtc/validate` without the token (livekit-api/src/signal_client/mod.rs before
    /// 8b957a6f), whose 401 `no permissions to access the room` (pkg/rtc/errors.go) became the
    /// connect error. The server's 401 came first, and the finding had lost the #1042 note.
    @Test func theAgentsFabricated401AfterTheServersGetsTheNote() throws {
        let error = "engine: signal failure: client error: 401 Unauthorized - no permissions to access the room"
        let report = analyze(files: [
            ("agent.log", [
                #"{"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "AJ_Mc7vB4zLq9Rd", "dispatch_id": "AD_Lp9wX2vHc6Kt", "room": "sales-call-91", "room_id": "RM_Fw3nT8kXp2Qs", "agent_name": "sales", "resuming": false, "enable_recording": false, "timestamp": "2026-02-17T15:31:40.118734+00:00"}"#,
                #"{"message": "livekit_ffi::server::room:286:livekit_ffi::server::room - error while connecting to a room: \#(error)", "level": "ERROR", "name": "livekit", "pid": 845, "job_id": "AJ_Mc7vB4zLq9Rd", "room_id": "RM_Fw3nT8kXp2Qs", "timestamp": "2026-02-17T15:31:40.733025+00:00"}"#,
            ]),
            ("server.log", [
                "2026-02-17T15:31:40.401Z\tINFO\tlivekit\tservice/roomallocator.go:166\tselected node for room\t"
                    + #"{"room": "sales-call-91", "roomID": "RM_Fw3nT8kXp2Qs", "selectedNodeID": "ND_c4Hs8Lq2Vw7N"}"#,
                Self.server("2026-02-17T15:31:40.688", #"{"error": "node has exceeded its configured limit", "status": 503, "method": "GET", "path": "/rtc"}"#),
                Self.server("2026-02-17T15:31:40.721", #"{"error": "no permissions to access the room", "status": 401, "method": "GET", "path": "/rtc/validate"}"#),
            ]),
        ])
        let f = try #require(report.findings.first { $0.rule == "auth-credentials" })
        #expect(f.sessionKey == "sales-call-91/RM_Fw3nT8kXp2Qs")
        #expect(f.value("failures") == .integer(2))
        #expect(f.value("kind") == .text("noPermission"))
        #expect(f.explanation == [
            "Rust SDK releases between 2025-10-14 and 2026-04-29 turned any failed connection attempt (e.g. a 503 from a full node) into this 401 (livekit/rust-sdks#1042); upgrade livekit-rtc before suspecting the grants."
        ])
        #expect(f.evidence.map(\.role) == ["first rejection", "agent's connection"])
        #expect(f.evidence.map(\.location.line) == [3, 2])
    }

    /// A worker with the wrong LIVEKIT_API_SECRET: the server's 401 of its `/agent` WebSocket
    /// (go-jose `error in cryptographic primitive`) 4 ms before the worker's `failed to connect
    /// to livekit, retrying in 0s` (agents 1.2.14 worker.py _connection_task, traceback ending in
    /// aiohttp's WSServerHandshakeError). It had said the token minter's secret differs (the
    /// server's line came first); the worker signs its own token.
    @Test func theWorkersRegistrationNamesTheCredentialAndTheServerWhy() throws {
        let token = makeJWT(#"{"exp":1768572001,"iss":"APIq7Rm2Xc9LbT4","nbf":1768550401,"sub":"","video":{"agent":true}}"#)
        let traceback = #"Traceback (most recent call last):\n  File \"/app/.venv/lib/python3.12/site-packages/livekit/agents/worker.py\", line 934, in _connection_task\n    ws = await self._http_session.ws_connect(\n         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n  File \"/app/.venv/lib/python3.12/site-packages/aiohttp/client.py\", line 1329, in _ws_connect\n    raise WSServerHandshakeError(\naiohttp.client_exceptions.WSServerHandshakeError: 401, message='Invalid response status', url='wss://lk.example.net/agent'"#
        let report = analyze(files: [
            ("agent.log", [
                #"agent  | {"message": "failed to connect to livekit, retrying in 0s", "level": "WARNING", "name": "livekit.agents", "exc_info": "\#(traceback)", "timestamp": "2026-01-16T08:00:01.562110+00:00"}"#
            ]),
            ("server.log", [
                "livekit  | " + Self.server("2026-01-16T08:00:01.558", #"{"error": "invalid token: \#(token), error: go-jose/go-jose: error in cryptographic primitive", "status": 401, "method": "GET", "path": "/agent"}"#)
            ]),
        ])
        #expect(report.findings.map(\.rule) == ["auth-credentials"])
        let f = try #require(report.findings.first)
        #expect(f.message == "the worker's registration was rejected (401): wrong LIVEKIT_API_KEY or LIVEKIT_API_SECRET")
        #expect(f.value("kind") == .text("workerRegistration"))
        #expect(f.value("failures") == .integer(2))
        #expect(f.explanation == [
            "the server's reason: the signature of the worker's token does not verify - the worker signs with another LIVEKIT_API_SECRET than the server's (its LIVEKIT_API_KEY is known)"
        ])
        #expect(f.evidence.map(\.role) == ["server's reason", "first rejection"])
        #expect(f.primary?.side == .agent)
    }
}

/// A second worker rolled out with a wrong LIVEKIT_API_KEY while a call runs: the server's 401 of
/// that worker's `/agent` WebSocket (`invalid API key: …`, `path` `/agent`, no session ids) is a
/// worker's registration, not the call's participant. It had joined the one session active then,
/// a healthy call, as an `auth-credentials` error of its own.
@Suite struct WorkerEndpointRejectionTests {
    @Test func theServersAgentEndpointRejectionJoinsNoCall() throws {
        let ctx = #""room": "room-abc", "roomID": "RM_Ab3dEf6hIj9k", "participant": "user-1", "pID": "PA_Qw3eRt6yUi9o""#
        let report = analyze(files: [
            ("server.log", [
                "2026-11-20T08:00:10.500Z\tINFO\tlivekit\tservice/roommanager.go:401\tstarting RTC session\t{\(ctx), \"nodeID\": \"ND_auditNode01\", \"numParticipants\": 0}",
                "2026-11-20T08:02:00.280Z\tWARN\tlivekit\tservice/utils.go:74\terror handling request\t{\"error\": \"invalid API key: APIr0tated0k3y\", \"status\": 401, \"method\": \"GET\", \"path\": \"/agent\"}",
                "2026-11-20T08:05:10.600Z\tINFO\tlivekit.room\trtc/participant.go:1062\tparticipant closing\t{\(ctx), \"sendLeave\": false, \"reason\": \"CLIENT_REQUEST_LEAVE\"}",
            ]),
            ("worker_b.log", [
                #"{"message": "failed to connect to livekit, retrying in 0s", "level": "WARNING", "name": "livekit.agents", "retry_count": 1, "max_retry": 16, "error": "401, message='Invalid response status', url='wss://lk.example.net/agent'", "timestamp": "2026-11-20T08:02:00.300000+00:00"}"#
            ]),
        ])
        #expect(report.findings.filter { $0.room == "room-abc" }.count == 0)
        // One finding of the two logs' lines (they had made one each: the server's and the
        // worker's, each log's id-less lines a session of their own), with the server's reason.
        #expect(report.findings.map { "\($0.rule) \($0.sessionKey)" } == ["auth-credentials (no session ids)"])
        let f = try #require(report.findings.first)
        #expect(f.value("kind") == .text("workerRegistration"))
        #expect(f.value("failures") == .integer(2))
        #expect(f.explanation == ["the server's reason: invalid API key - it does not know the worker's LIVEKIT_API_KEY"])
        #expect(f.evidence.map(\.role) == ["server's reason", "first rejection"])
        #expect(f.evidence.map(\.location.line) == [2, 1])
    }
}


/// A rejection in a log of times of day with no date in the run (the 1.6 compact console): the
/// token's exp, an instant, was compared with the failure counted from day 0, so every token
/// "had not expired" (this one expired at 2026-03-17 00:10:00, seven minutes before a failure
/// at 00:17:26 if that was the day). Without a date nothing is said of it.
@Suite struct UndatedRejectionTests {
    @Test func anUndatedRejectionSaysNothingOfTheTokensExpiry() throws {
        let token = makeJWT(#"{"exp":1773706200,"nbf":1773705600,"sub":"agent-AJ_kTm3vPq9Xw2a","video":{"room":"room-abc","roomJoin":true}}"#)
        let report = analyze(log: "00:17:26 ERROR livekit livekit::rtc_engine:731:livekit::rtc_engine - resuming connection failed: client error: 401 Unauthorized - invalid token: \(token), error: go-jose/go-jose: error in cryptographic primitive " + #"{"pid": 4300, "job_id": "AJ_kTm3vPq9Xw2a", "room": "room-abc"}"#)
        let f = try #require(report.findings.first { $0.rule == "auth-credentials" })
        #expect(f.value("kind") == .text("badSignature"))
        #expect(f.at?.iso8601 == "00:17:26.000")
        #expect(!f.explanation.contains { $0.hasPrefix("the rejected token had not expired") })
    }
}
