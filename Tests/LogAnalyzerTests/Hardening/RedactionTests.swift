import Foundation
import Testing

@testable import LogAnalyzer

/// A JWT built from claims (unsigned signature bytes: the redactor only looks at the shape).
func makeJWT(_ claims: String) -> String {
    func b64(_ s: String) -> String {
        Data(s.utf8).base64EncodedString().replacingOccurrences(of: "=", with: "").replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
    }
    return b64(#"{"alg":"HS256","typ":"JWT"}"#) + "." + b64(claims) + ".c2lnbmF0dXJlLWJ5dGVzLWZvci10ZXN0aW5n"
}

let secretJWT = makeJWT(#"{"exp":1765415206,"iss":"APIfixtureKey01","nbf":1765414606,"sub":"agent-AJ_s3cr3tJobId01","video":{"room":"room-s","roomJoin":true}}"#)

let secrets = [
    secretJWT, "Zm9vYmFyYmF6cXV4MTIzNDU2", "APIq7Wx9Lm2Pk4R", "s3cr3tB34r3rT0k3nV4lu3", "Sup3rS3cr3tV4lu3xyz",
    "sk-proj-AbCdEfGhIjKlMnOpQrStUvWx", "k-9f8e7d6c5b4a", "AIzaSyA1234567890abcdefghijklmnopqrstu", "AKIAIOSFODNN7EXAMPLE",
]

/// Provider credentials, as clients and CLIs print them; no two share a probe.
let providerSecrets = [
    "3f2a9c8b7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a", "HunTer2PassW0rdXyz", "dXNlcjpIdW5UZXIyUGFzc1cwcmQ=",
    "sk_4e2b9f8a7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d", "sk_car_Q9wErTyUiOpAsDfGhJkLzXcVbNm12345", "kEyS3cr3tFromLivekitKeysEnv4823nfq9",
    "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", "Zx8qLkSecretVALUE9f3kPq2mNvB7wR4tYuI1oP5aS6dF", "PwdValueNotRedacted77",
    "R3disPazzW0rdQwerty", "APIkRvQmZtXbNwPs",
]

/// The provider credentials written into a line's text (no quotes: it goes inside JSON strings too).
let providerSecretText = " [hdr Authorization: Token 3f2a9c8b7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a] [url wss://agent:HunTer2PassW0rdXyz@voice.example]"
    + " [Authorization: Basic dXNlcjpIdW5UZXIyUGFzc1cwcmQ=] [xi-api-key: sk_4e2b9f8a7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d]"
    + " [X-API-Key: sk_car_Q9wErTyUiOpAsDfGhJkLzXcVbNm12345] [LIVEKIT_KEYS=APIk3yAbCdEf12: kEyS3cr3tFromLivekitKeysEnv4823nfq9]"
    + " [groq 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] [lk --api-secret Zx8qLkSecretVALUE9f3kPq2mNvB7wR4tYuI1oP5aS6dF]"
    + " [db pwd=PwdValueNotRedacted77] [cache redis://:R3disPazzW0rdQwerty@cache:6379] [invalid API key: APIkRvQmZtXbNwPs]"

/// A deployment's logs with secrets in every place a log can hold them (`extra`: more text at
/// the end of the lines that become findings' evidence).
func writeSecretLogs(into dir: TempDir, extra: String = "") {
    dir.write("secrets/agent.log", """
        {"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "AJ_s3cr3tJobId01", "room_name": "room-s", "timestamp": "2025-12-11T00:51:46.205000+00:00"}
        {"message": "Generating initial greeting", "level": "INFO", "name": "agent", "job_id": "AJ_s3cr3tJobId01", "api_key": "k-9f8e7d6c5b4a", "google_key": "AIzaSyA1234567890abcdefghijklmnopqrstu", "timestamp": "2025-12-11T00:51:46.668000+00:00"}
        {"message": "Voice agent running for room room-s AKIAIOSFODNN7EXAMPLE", "level": "INFO", "name": "agent", "job_id": "AJ_s3cr3tJobId01", "timestamp": "2025-12-11T00:51:59.034000+00:00"}
        {"message": "failed to generate LLM completion: Error code: 401 - Incorrect API key provided: sk-proj-AbCdEfGhIjKlMnOpQrStUvWx", "level": "ERROR", "name": "livekit.plugins.openai", "job_id": "AJ_s3cr3tJobId01", "timestamp": "2025-12-11T00:52:10.000000+00:00"}
        {"message": "failed to connect to livekit, retrying in 0s: 401, message='Invalid response status', url='wss://voice.example/agent' LIVEKIT_API_SECRET=Sup3rS3cr3tV4lu3xyz\(extra)", "level": "WARNING", "name": "livekit.agents", "job_id": "AJ_s3cr3tJobId01", "timestamp": "2025-12-11T00:55:00.000000+00:00"}
        {"message": "livekit::rtc_engine:731:livekit::rtc_engine - resuming connection failed: client error: 401 Unauthorized - invalid token: \(secretJWT), error: go-jose/go-jose/jwt: validation failed, token is expired (exp)\(extra)", "level": "ERROR", "name": "livekit", "job_id": "AJ_s3cr3tJobId01", "timestamp": "2025-12-11T01:09:16.327000+00:00"}

        """)
    dir.write("secrets/server.log", """
        2025-12-11T01:09:16.281Z\tWARN\tlivekit\tservice/utils.go:54\terror handling request\t{"status": 401, "method": "GET", "path": "/rtc", "error": "invalid API key: APIq7Wx9Lm2Pk4R\(extra)", "room": "room-s"}

        """)
    dir.write("secrets/browser.log", """
        01:09:17.312 livekit-client.esm.mjs:20868 ConnectionError: could not establish signal connection to wss://voice.example/rtc?access_token=Zm9vYmFyYmF6cXV4MTIzNDU2&auto_subscribe=1: token is expired\(extra) {room: 'room-s'}

        """)
    dir.write("secrets/backend.log", """
        2025-12-11 00:51:45,902 - app.tokens - INFO - minted token for identity=user-1 room=room-s ttl=7200s Authorization: Bearer s3cr3tB34r3rT0k3nV4lu3\(extra)

        """)
    dir.write("secrets/expected.json", #"{"findings": []}"#)
}

@Suite struct RedactionTests {
    @Test("no secret survives any renderer", arguments: [
        ["analyze", "--output", "text", "--token-ttl", "2h"], ["analyze", "--output", "json", "--token-ttl", "2h"],
        ["analyze", "--output", "markdown", "--token-ttl", "2h"], ["analyze", "--output", "sarif", "--token-ttl", "2h"],
        ["analyze", "--output", "junit", "--token-ttl", "2h"], ["analyze", "--output", "github", "--token-ttl", "2h"],
        ["timeline", "--session", "room-s"], ["timeline"], ["parse"],
        ["check", "--output", "text"], ["check", "--output", "sarif"], ["check", "--output", "junit"], ["check", "--output", "github"],
        ["report", "--output", "html", "--token-ttl", "2h"], ["report", "--output", "prometheus"], ["report", "--output", "json"],
        ["report", "--output", "markdown"],
    ])
    func noSecretInOutput(_ command: [String]) throws {
        let dir = TempDir()
        writeSecretLogs(into: dir)
        let result = try runLoganalyze(command + [dir.url.path + "/secrets"])
        #expect(result.stdout.count > 200, "\(command): \(result.stderr)")
        for secret in secrets {
            #expect(!result.stdout.contains(secret), "\(command) printed \(secret.prefix(12))…")
            #expect(!result.stderr.contains(secret), "\(command) printed \(secret.prefix(12))… on stderr")
        }
    }

    @Test("no provider credential survives any renderer", arguments: [
        ["analyze", "--output", "text", "--token-ttl", "2h"], ["analyze", "--output", "json", "--token-ttl", "2h"],
        ["analyze", "--output", "markdown", "--token-ttl", "2h"], ["analyze", "--output", "sarif", "--token-ttl", "2h"],
        ["analyze", "--output", "junit", "--token-ttl", "2h"], ["analyze", "--output", "github", "--token-ttl", "2h"],
        ["timeline", "--session", "room-s"], ["timeline"], ["parse"], ["check", "--output", "text"],
        ["report", "--output", "html", "--token-ttl", "2h"], ["report", "--output", "json"],
    ])
    func noProviderCredentialInOutput(_ command: [String]) throws {
        let dir = TempDir()
        writeSecretLogs(into: dir, extra: providerSecretText)
        let result = try runLoganalyze(command + [dir.url.path + "/secrets"])
        #expect(result.stdout.count > 200, "\(command): \(result.stderr)")
        for secret in providerSecrets + secrets {
            #expect(!result.stdout.contains(secret), "\(command) printed \(secret.prefix(12))…")
            #expect(!result.stderr.contains(secret), "\(command) printed \(secret.prefix(12))… on stderr")
        }
    }

    /// A log saved under a name that holds a LiveKit API key (`agent-APIk7Qx2Lm9Pz4R.log`), with a
    /// slow greeting and an invalid UTF-8 byte: its path reaches findings, inputs and diagnostics.
    @Test("a secret in an input's file name is redacted in every output", arguments: [
        ["analyze", "--output", "text"], ["analyze", "--output", "json"], ["analyze", "--output", "markdown"],
        ["analyze", "--output", "sarif"], ["analyze", "--output", "junit"], ["analyze", "--output", "github"],
        ["timeline"], ["parse"], ["check", "--output", "text"], ["check", "--output", "sarif"],
        ["check", "--output", "junit"], ["check", "--output", "github"], ["report", "--output", "json"],
    ])
    func aSecretInAFileNameIsRedacted(_ command: [String]) throws {
        let dir = TempDir()
        let lines = """
            {"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "AJ_p9KdW3xYzQ2r", "room_name": "room-p", "timestamp": "2025-12-11T00:51:46.100000+00:00"}
            {"message": "Generating initial greeting", "level": "INFO", "name": "agent", "job_id": "AJ_p9KdW3xYzQ2r", "timestamp": "2025-12-11T00:51:46.200000+00:00"}
            {"message": "Voice agent running", "level": "INFO", "name": "agent", "job_id": "AJ_p9KdW3xYzQ2r", "timestamp": "2025-12-11T00:51:56.200000+00:00"}

            """
        dir.write("fx/agent-APIk7Qx2Lm9Pz4R.log", Data(lines.utf8) + Data("2025-12-11 00:51:57,000 - agent - INFO - bad ".utf8) + Data([0xFF]) + Data(" byte\n".utf8))
        dir.write("fx/expected.json", #"{"findings": []}"#)
        let result = try runLoganalyze(command + [dir.url.path + "/fx"])
        // (`report` names no input on stdout, only in its diagnostics.)
        let named = result.stdout.contains("agent-[redacted].log") || result.stdout.contains("agent-%5Bredacted%5D.log")
        #expect(named == (command[0] != "report"), "\(command)")
        #expect(!result.stdout.contains("APIk7Qx2Lm9Pz4R"), "\(command)")
        #expect(result.stderr.contains("agent-[redacted].log:4: warning: invalid UTF-8"), "\(command): \(result.stderr)")
        #expect(!result.stderr.contains("APIk7Qx2Lm9Pz4R"), "\(command): \(result.stderr)")
    }

    /// A diagnostic quotes what it could not read: a `.loganalyze.json` value holding a key.
    @Test func aSecretQuotedByADiagnosticIsRedacted() {
        let d = Diagnostic(.warning, path: ".loganalyze.json", kind: "config-tokenTtl", #"tokenTtl: must be a duration string such as "2h", at most 10 years, got "2h\#u{1B}]0;X\#u{7} APIk7Qx2Lm9Pz4R"; ignored"#)
        #expect(d.rendered == #".loganalyze.json: warning: tokenTtl: must be a duration string such as "2h", at most 10 years, got "2h\x1b]0;X\x07 [redacted]"; ignored"#)
        var sink = DiagnosticSink()
        sink.report(d)
        let json = JSONReportRenderer().diagnosticNodes(sink)
        #expect(json == [.object([("severity", .string("warning")), ("path", .string(".loganalyze.json")), ("line", .null), ("kind", .string("config-tokenTtl")),
                                  ("message", .string("tokenTtl: must be a duration string such as \"2h\", at most 10 years, got \"2h\u{1B}]0;X\u{7} [redacted]\"; ignored"))])])
    }

    /// An expectation no finding met is named with its session: a room name `--update` took from
    /// a log, which may hold a secret.
    @Test("a secret in a missing expectation's session is redacted", arguments: ["text", "sarif", "junit", "github"])
    func aSecretInAMissingExpectationIsRedacted(_ output: String) throws {
        let dir = TempDir()
        dir.write("fx/agent.log", """
            {"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "AJ_p9KdW3xYzQ2r", "room_name": "room-p", "timestamp": "2025-12-11T00:51:46.100000+00:00"}

            """)
        dir.write("fx/expected.json", #"{"findings": [{"rule": "job-failure", "session": "room-APIk7Qx2Lm9Pz4R", "values": {"kind": "entrypoint"}}]}"#)
        let result = try runLoganalyze(["check", "--output", output, dir.url.path + "/fx"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("missing job-failure in room-[redacted] (kind entrypoint)"), "\(result.stdout)")
        #expect(!result.stdout.contains("APIk7Qx2Lm9Pz4R"), "\(result.stdout)")
    }

    @Test func theLogsReallyProduceFindingsWhoseEvidenceHeldTheSecrets() throws {
        let dir = TempDir()
        writeSecretLogs(into: dir)
        let result = try runLoganalyze(["analyze", "--output", "json", "--token-ttl", "2h", dir.url.path + "/secrets"])
        #expect(result.status == 1)
        for rule in ["slow-greeting", "auth-expiry-cascade", "early-token-death", "auth-credentials"] {
            #expect(result.stdout.contains("\"rule\": \"\(rule)\""), "\(rule)")
        }
        #expect(result.stdout.contains("invalid token: [redacted-jwt], error: go-jose"))
        #expect(result.stdout.contains("\"sub\": \"agent-AJ_s3cr3tJobId01\""))
    }

    @Test func theTextAroundTheProviderCredentialsIsKept() throws {
        let dir = TempDir()
        writeSecretLogs(into: dir, extra: providerSecretText)
        let result = try runLoganalyze(["parse", dir.url.path + "/secrets/backend.log"])
        #expect(result.status == 0)
        #expect(result.stdout.contains(
            "[hdr Authorization: Token [redacted]] [url wss://agent:[redacted]@voice.example] [Authorization: Basic [redacted]]"
                + " [xi-api-key: [redacted]] [X-API-Key: [redacted]] [LIVEKIT_KEYS=[redacted]: [redacted]] [groq [redacted]]"
                + " [lk --api-secret [redacted]] [db pwd=[redacted]] [cache redis://:[redacted]@cache:6379] [invalid API key: [redacted]]"))
    }

    @Test func redactorKeepsTheKeyAndDropsTheValue() {
        let r = Redactor()
        #expect(r.redact("GET /rtc?access_token=Zm9vYmFyYmF6cXV4MTIzNDU2&x=1") == "GET /rtc?access_token=[redacted]&x=1")
        #expect(r.redact("Authorization: Bearer abc.def-123") == "Authorization: Bearer [redacted]")
        #expect(r.redact("key sk-proj-AbCdEfGhIjKlMnOpQrStUvWx used") == "key [redacted] used")
        #expect(r.redact("invalid API key: APIq7Wx9Lm2Pk4R") == "invalid API key: [redacted]")
        #expect(r.redact("APIStatusError: connection failed") == "APIStatusError: connection failed")
        #expect(r.redact("prompt_tokens=412, token is expired") == "prompt_tokens=412, token is expired")
        #expect(r.redact("invalid token: \(secretJWT), error: x") == "invalid token: [redacted-jwt], error: x")
    }

    @Test func providerCredentialsAreRedactedWhereClientsPrintThem() {
        let r = Redactor()
        #expect(r.redact("> Authorization: Token 3f2a9c8b7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a") == "> Authorization: Token [redacted]")
        #expect(r.redact("headers=[('authorization', 'Token 3f2a9c8b7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a')]") == "headers=[('authorization', 'Token [redacted]')]")
        #expect(r.redact("deepgram Token 3f2a9c8b7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a rejected") == "deepgram Token [redacted] rejected")
        #expect(r.redact("proxy Authorization: Basic dXNlcjpIdW5UZXIyUGFzc1cwcmQ=") == "proxy Authorization: Basic [redacted]")
        #expect(r.redact("connecting to wss://agent:HunTer2PassW0rdXyz@voice-demo.livekit.cloud/rtc") == "connecting to wss://agent:[redacted]@voice-demo.livekit.cloud/rtc")
        #expect(r.redact("cache redis://:R3disPazzW0rdQwerty@cache:6379/0") == "cache redis://:[redacted]@cache:6379/0")
        #expect(r.redact("headers {'xi-api-key': 'sk_4e2b9f8a7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d'}") == "headers {'xi-api-key': '[redacted]'}")
        #expect(r.redact("X-API-Key: sk_car_Q9wErTyUiOpAsDfGhJkLzXcVbNm12345") == "X-API-Key: [redacted]")
        #expect(r.redact("cartesia key sk_car_Q9wErTyUiOpAsDfGhJkLzXcVbNm12345 used") == "cartesia key [redacted] used")
        #expect(r.redact("key 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") == "key [redacted]")
        #expect(r.redact("lk room list --api-key APIk3yAbCdEf12 --api-secret Zx8qLkSecretVALUE9f3kPq2mNvB7wR4tYuI1oP5aS6dF --url wss://x")
            == "lk room list --api-key [redacted] --api-secret [redacted] --url wss://x")
        #expect(r.redact("LIVEKIT_KEYS=\"APIk3yAbCdEf12: kEyS3cr3tFromLivekitKeysEnv4823nfq9\"") == "LIVEKIT_KEYS=\"[redacted]: [redacted]\"")
        #expect(r.redact("keys: {APIk3yAbCdEf12: kEyS3cr3tFromLivekitKeysEnv4823nfq9}") == "keys: {[redacted]: [redacted]}")
        #expect(r.redact("api secret is Zx8qLkSecretVALUE9f3kPq2mNvB7wR4tYuI1oP5aS6dF") == "api secret is [redacted]")
        #expect(r.redact("db pwd=PwdValueNotRedacted77 host=db") == "db pwd=[redacted] host=db")
        #expect(r.redact("invalid API key: APIkRvQmZtXbNwPs") == "invalid API key: [redacted]")
        #expect(r.redact(#"{"private_key": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n", "x": 1}"#)
            == #"{"private_key": "[redacted]\n", "x": 1}"#)
        #expect(r.redact("GET /rtc?access_token%3DZm9vYmFyYmF6cXV4MTIzNDU2%26x%3D1") == "GET /rtc?access_token%3D[redacted]")
    }

    @Test func wordsAndIdsNearTheNewRulesSurvive() {
        let r = Redactor()
        let plain = [
            "Token expired", "Authorization: Token expired", "Basic auth failed", "authorization failed: Bearer token missing",
            "job AJ_kTm3vPq9Xw2a room RM_Xq7bT2mNw4Lp participant PA_aB3dE5fG7hJ9 in voice-room-7f3k2",
            "APIStatusError: connection failed", "APITimeoutError: Request timed out.", "APIUserAbortError: aborted",
            "task_scheduler_running_for_room started", "lk room list --token-ttl 2h --url wss://voice-demo.livekit.cloud:443/rtc",
            "connecting to ws://localhost:7880/rtc?room=voice-room-7f3k2 as user@example.com", "token is expired (exp)",
            "password reset requested for user-42b7", "pwd: /home/agent", "secret is missing", "sk_short",
        ]
        for text in plain { #expect(r.redact(text) == text) }
    }

    @Test func jwtsAfterURLEncodedDelimitersAreRedacted() {
        let r = Redactor()
        #expect(r.redact("ConnectionError: [wss%3A%2F%2Fx%2Frtc%3Faccess_token%3D\(secretJWT)] could not establish")
            == "ConnectionError: [wss%3A%2F%2Fx%2Frtc%3Faccess_token%3D[redacted-jwt]] could not establish")
        #expect(r.redact("GET /callback?Authorization=Bearer%20\(secretJWT) 200") == "GET /callback?Authorization=Bearer%20[redacted-jwt] 200")
        // Inside a longer base64 run (no delimiter) it is not a token of its own.
        #expect(r.redact("blob QUJD\(secretJWT)") == "blob QUJD\(secretJWT)")
    }

    /// A token glued to a name by `-` or `_` (a room or job id built from it: `"room":
    /// "room-<JWT>"`) was printed whole as the session's key, in every output.
    @Test func aJWTAfterAHyphenOrUnderscoreIsRedacted() {
        let r = Redactor()
        #expect(r.redact("room-\(secretJWT)") == "room-[redacted-jwt]")
        #expect(r.redact("AJ_\(secretJWT) x") == "AJ_[redacted-jwt] x")
        // Without a dot after it, `eyJ` after a hyphen is a word's, not a token's.
        #expect(r.redact("room-eyJhbGciOiJIUzI1NiJ9abc") == "room-eyJhbGciOiJIUzI1NiJ9abc")
    }

    /// livekit rtc 1.1.10's Rust SDK (under livekit-agents 0.12.21 and 1.0.23) logs a rejected
    /// signal connection with the 401 body as byte values:
    /// `livekit_api::signal_client:335:… - signal connection failed on v0 path: WsError(Http(Response {
    /// status: 401, …, body: Some([105, 110, 118, …]) }))`, the body being `invalid token: <JWT>, …`.
    @Test func aJWTSpeltAsRustDebugByteValuesIsRedacted() {
        func values(_ s: String) -> String { s.utf8.map { String($0) }.joined(separator: ", ") }
        let line = "signal connection failed on v0 path: WsError(Http(Response { status: 401, version: HTTP/1.1, body: Some(["
            + values("invalid token: \(secretJWT), error: x") + "]) }))"
        #expect(Redactor().redact(line) == "signal connection failed on v0 path: WsError(Http(Response { status: 401, version: HTTP/1.1, body: Some(["
            + "105, 110, 118, 97, 108, 105, 100, 32, 116, 111, 107, 101, 110, 58, 32, [redacted-jwt], 44, 32, 101, 114, 114, 111, 114, 58, 32, 120]) }))")
        // A list that spells no token, and one that only starts like one, stay as written.
        let plain = "body: Some([101, 121, 74, 32, 110, 111]) and [1, 2, 300, 4] and [101, 121, 74, 104]"
        #expect(Redactor().redact(plain) == plain)
    }

    @Test func aJWTSplitByAnANSISequenceIsRedactedWholeAndStillDecodes() throws {
        let parts = secretJWT.split(separator: ".").map(String.init)
        let split = "invalid token: \(parts[0]).\(parts[1])\u{1B}[0m.\(parts[2]), error: x"
        #expect(Redactor().redact(split) == "invalid token: [redacted-jwt], error: x")
        let inHeader = "invalid token: \(parts[0].prefix(20))\u{1B}[31m\(parts[0].dropFirst(20)).\(parts[1]).\(parts[2]) end"
        #expect(Redactor().redact(inHeader) == "invalid token: [redacted-jwt] end")
        let claims = try #require(Array(split.utf8).withUnsafeBufferPointer { JWT.firstClaims(in: $0) })
        #expect(claims.subject == "agent-AJ_s3cr3tJobId01")
        #expect(claims.expires == 1765415206)
    }

    /// An encoder that keeps base64's `=` padding on the segments (`…fQ==.sig==`): before, the
    /// token was cut at the first `=` and its signature printed after `[redacted-jwt]==.`.
    @Test func aJWTWithBase64PaddingIsRedactedWholeAndStillDecodes() throws {
        let parts = secretJWT.split(separator: ".").map(String.init)
        let padded = "invalid token: \(parts[0])==.\(parts[1])=.\(parts[2])==, error: x"
        #expect(Redactor().redact(padded) == "invalid token: [redacted-jwt], error: x")
        #expect(Redactor().redact("t=\(parts[0]).\(parts[1])==.\(parts[2])= end") == "t=[redacted-jwt] end")
        let claims = try #require(Array(padded.utf8).withUnsafeBufferPointer { JWT.firstClaims(in: $0) })
        #expect(claims.subject == "agent-AJ_s3cr3tJobId01")
        #expect(claims.expires == 1765415206)
        // A `=` that is not a segment's padding ends the token as before.
        #expect(Redactor().redact("k=\(secretJWT)=x") == "k=[redacted-jwt]=x")
    }

    @Test func secretKeysAreRecognisedInAnyCase() {
        let secret = ["api_secret", "LIVEKIT_API_SECRET", "password", "dbPassword", "token", "Token", "access_token", "REFRESH_TOKEN",
                      "apiKey", "OPENAI_API_KEY", "x-apikey", "Authorization", "jwt", "JWT", "my_Secret_value",
                      "ap\u{00EF}_secret", "api\u{212A}ey", "private_key", "xi-api-key", "X-API-Key", "pwd", "db_passwd"]
        let plain = ["pwd_dir", "private_key_id_count", "prompt_tokens", "completion_tokens", "secret_count", "tokens", "tok", "", "room", "api_keys", "jwt_issuer",
                     "authorization_header", "tokenizer", "caf\u{00E9}"]
        for key in secret { #expect(Redactor.isSecretKey(key), "\(key)") }
        for key in plain { #expect(!Redactor.isSecretKey(key), "\(key)") }
    }

    @Test func keyNamesInAnyCaseAndWithTheSecretWordInsideAreRedacted() {
        let r = Redactor()
        #expect(r.redact("Api_Key=MixedCaseKeyVal0123456789 next") == "Api_Key=[redacted] next")
        #expect(r.redact("PassWord=MixedPassWordVal0123456789") == "PassWord=[redacted]")
        #expect(r.redact("sEcReT: OddCase0123456789") == "sEcReT: [redacted]")
        #expect(r.redact("AWS_SECRET_ACCESS_KEY=PlainAwsSecretNoSlash0123456789 x=1") == "AWS_SECRET_ACCESS_KEY=[redacted] x=1")
        #expect(r.redact("aws_secret_access_key = SpacedAwsSecret0123456789/abc") == "aws_secret_access_key = [redacted]")
        #expect(r.redact("DJANGO_SECRET_KEY=DjangoSecretKeyVal0123456789") == "DJANGO_SECRET_KEY=[redacted]")
        #expect(r.redact("secret_key=SecretKeySecret0123456789") == "secret_key=[redacted]")
        // Rails' key, in lower case: the extra part is not an upper-case environment name's.
        #expect(r.redact("secret_key_base=RailsKeyBase0123456789abcdef") == "secret_key_base=[redacted]")
        #expect(r.redact("access_key=AccessKeyVal0123456789abc") == "access_key=[redacted]")
        #expect(r.redact("GITHUB_TOKEN_ADMIN=ghTokenAdmin0123 DB_PASSWORD_PROD=prodPw") == "GITHUB_TOKEN_ADMIN=[redacted] DB_PASSWORD_PROD=[redacted]")
        #expect(r.redact("LIVEKIT_API_SECRET\\=EscapedEq0123456789abc") == "LIVEKIT_API_SECRET\\=[redacted]")
        #expect(r.redact("api_key&#61;HtmlEntityKey0123456789 api_key\\u003dJsonEscKey0123456789") == "api_key&#61;[redacted] api_key\\u003d[redacted]")
    }

    @Test func aSecretKeysValueIsRedactedToItsEnd() {
        let r = Redactor()
        #expect(r.redact(#"password: "correct horse battery staple" user=bob"#) == #"password: "[redacted]" user=bob"#)
        #expect(r.redact("SECRET: 'a b c d e f SECRETWITHSPACES'") == "SECRET: '[redacted]'")
        #expect(r.redact("LIVEKIT_API_SECRET = 'SpaceEqSecret0123456789'") == "LIVEKIT_API_SECRET = '[redacted]'")
        #expect(r.redact(#"{"api_secret":"Esc\"aped0123456789abcdef","x":1}"#) == #"{"api_secret":"[redacted]","x":1}"#)
        #expect(r.redact("secret=Semi;colonSecret0123456789 done") == "secret=[redacted] done")
        #expect(r.redact("token=abc&room=r1") == "token=[redacted]&room=r1")
        #expect(r.redact("{secret=s3c}, [pwd=p4ss];") == "{secret=[redacted]}, [pwd=[redacted]];")
        #expect(r.redact("token: Bearer eyJhbGciOiJIUzI1NiJ9 end") == "token: [redacted] end")
        #expect(r.redact("connecting with password: abc to db") == "connecting with password: [redacted] to db")
        #expect(r.redact("DB_PASSWORD: p4, client_secret:s3cr end") == "DB_PASSWORD: [redacted], client_secret:[redacted] end")
        #expect(r.redact(#"{"passwd": "x"}"#) == #"{"passwd": "[redacted]"}"#)
    }

    /// `KEY=` then a space and the next pair (as `env` and logfmt print an unset variable) is an
    /// empty value: nothing is hidden and the next pair prints as written (unless it is a secret).
    @Test func anEmptySecretValueLeavesTheNextPairAlone() {
        let r = Redactor()
        #expect(r.redact("LIVEKIT_API_SECRET= next=value") == "LIVEKIT_API_SECRET= next=value")
        #expect(r.redact("LIVEKIT_API_SECRET=abc next=value") == "LIVEKIT_API_SECRET=[redacted] next=value")
        #expect(r.redact("env LIVEKIT_API_SECRET= LIVEKIT_URL=wss://voice.example room=\"r1\"") == "env LIVEKIT_API_SECRET= LIVEKIT_URL=wss://voice.example room=\"r1\"")
        #expect(r.redact("api_secret= password=hunter2 room=r1") == "api_secret= password=[redacted] room=r1")
        // A value after `= ` that is not a pair is still a secret (base64 padding is no pair).
        #expect(r.redact("password= hunter2xyz next=value") == "password= [redacted] next=value")
        #expect(r.redact("api_secret= c2VjcmV0MTIzNDU2Nzg5MA== x=1") == "api_secret= [redacted] x=1")
        #expect(r.redact("aws_secret_access_key = SpacedAwsSecret0123456789/abc") == "aws_secret_access_key = [redacted]")
    }

    /// A message that quotes a JSON text (a request body, Go's `%q`) holds its keys and values
    /// between escaped quotes: the value ends at the escaped quote that closes it.
    @Test func aSecretInAnEscapedJSONTextIsRedacted() {
        let r = Redactor()
        #expect(r.redact(#"request body: "{\"api_secret\": \"EscapedJsonSecret0012\", \"room\": \"r1\"}""#)
            == #"request body: "{\"api_secret\": \"[redacted]\", \"room\": \"r1\"}""#)
        #expect(r.redact(#"{\"token\":\"abc\\u0041def\",\"ttl\":600}"#) == #"{\"token\":\"[redacted]\",\"ttl\":600}"#)
    }

    @Test func bearerAndBasicCredentialsOutsideAHeaderAreRedacted() {
        let r = Redactor()
        #expect(r.redact("auth=Bearer%20UrlBearerNoAuthzHdr0123456789&x=1") == "auth=Bearer%20[redacted]&x=1")
        #expect(r.redact("creds user:pass base64 Basic dXNlcjpTdXBlclNlY3JldFBhc3N3b3JkMTIz end") == "creds user:pass base64 Basic [redacted] end")
        #expect(r.redact("curl -H 'Authorization: Basic dXNlcjpwYXNz' https://x") == "curl -H 'Authorization: Basic [redacted]' https://x")
        #expect(r.redact("Authorization: basic dXNlcjpwYXNz") == "Authorization: basic [redacted]")
        #expect(r.redact("authorization: DIGEST dXNlcjpwYXNz, token expired") == "authorization: DIGEST [redacted], token expired")
        #expect(r.redact("Authorization: token expired") == "Authorization: token expired")
    }

    @Test func cookieValuesAreRedacted() {
        let r = Redactor()
        #expect(r.redact("Cookie: session=CookieSess0123; theme=dark") == "Cookie: session=[redacted]; theme=[redacted]")
        #expect(r.redact("Set-Cookie: sid=SetCookieSecret0123456789; Path=/; HttpOnly") == "Set-Cookie: sid=[redacted]; Path=/; HttpOnly")
        #expect(r.redact(#"{"Cookie": "CookieFieldVal0123"}"#) == #"{"Cookie": "[redacted]"}"#)
    }

    @Test func base64ServiceAccountCredentialsAreRedacted() {
        let r = Redactor()
        let json = #"{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", "client_email": "x@y.iam"}"#
        let b64 = Data(json.utf8).base64EncodedString()
        #expect(r.redact("creds GOOGLE_APPLICATION_CREDENTIALS_JSON=\(b64) loaded") == "creds GOOGLE_APPLICATION_CREDENTIALS_JSON=[redacted] loaded")
        let long = Data(("{\"a\":\"" + String(repeating: "x", count: 200) + "\",\"private_key\":\"k\"}").utf8).base64EncodedString()
        #expect(r.redact("blob \(long)") == "blob [redacted]")
        // Base64 JSON without a credential is kept.
        let plain = Data(("{\"room\":\"" + String(repeating: "r", count: 100) + "\"}").utf8).base64EncodedString()
        #expect(r.redact("metadata \(plain)") == "metadata \(plain)")
    }

    @Test func unlistedSecretFieldsAndArgvValuesAreRedacted() throws {
        let dir = TempDir()
        dir.write("fields.jsonl", #"""
            {"message":"m","level":"INFO","timestamp":"2025-12-11T00:51:47+00:00","auth":{"user":"u","pass":"NestedPassVal0123456789"},"credentials":"CredsVal0123456789abc","Cookie":"CookieFieldVal0123","args":["--api-secret","ArgvSecretVal0123456789","--token-ttl","2h"]}

            """#)
        let result = try runLoganalyze(["parse", dir.url.path + "/fields.jsonl"])
        #expect(result.stdout.contains(#""fields":{"auth":{"user":"u","pass":"[redacted]"},"credentials":"[redacted]","Cookie":"[redacted]","args":["--api-secret","[redacted]","--token-ttl","2h"]}"#),
                "\(result.stdout)")
        #expect(["pass", "credentials", "Cookie", "set-cookie", "aws_access_key"].allSatisfy(Redactor.isSecretKey))
        #expect(!["passenger", "cookie_policy", "credentials_path_count", "secret_santa_count"].contains(where: Redactor.isSecretKey))
        #expect(Redactor().redact("run ['--api-secret', 'ArgvSecretVal0123456789']") == "run ['--api-secret', '[redacted]']")
    }

    /// `os.environ.items()` and ASGI headers, logged as (name, value) pairs: a JSON list of pairs
    /// and Python's repr of tuples.
    @Test func theValueOfASecretNamedPairIsRedacted() throws {
        let dir = TempDir()
        dir.write("pairs.log", #"""
            {"message": "env", "level": "INFO", "name": "agent", "timestamp": "2025-12-11T00:51:47+00:00", "environ": [["LIVEKIT_API_SECRET", "Zx9vQ2mL7pR4tY8uW3nK6jH1gF5dS0aBcXeVbN2mQ7w"], ["x-api-key", "PairKeyVal0123456789"], ["LIVEKIT_API_SECRET", "None"], ["LIVEKIT_URL", "wss://x.livekit.cloud"]]}
            2025-12-11 00:51:45,905 - app - INFO - environ: [('LIVEKIT_URL', 'wss://x.livekit.cloud'), ('LIVEKIT_API_SECRET', 'Zx9vQ2mL7pR4tY8uW3nK6jH1gF5dS0aBcXeVbN2mQ7w')]
            2025-12-11 00:51:45,906 - app - INFO - headers: [(b'host', b'api'), (b'x-api-key', b'PairKeyVal0123456789')]

            """#)
        let result = try runLoganalyze(["parse", dir.url.path + "/pairs.log"])
        #expect(result.stdout.contains(#""environ":[["LIVEKIT_API_SECRET","[redacted]"],["x-api-key","[redacted]"],["LIVEKIT_API_SECRET","None"],["LIVEKIT_URL","wss://x.livekit.cloud"]]"#), "\(result.stdout)")
        #expect(result.stdout.contains(#""message":"environ: [('LIVEKIT_URL', 'wss://x.livekit.cloud'), ('LIVEKIT_API_SECRET', '[redacted]')]""#), "\(result.stdout)")
        #expect(result.stdout.contains(#""message":"headers: [(b'host', b'api'), (b'x-api-key', b'[redacted]')]""#), "\(result.stdout)")
        #expect(!result.stdout.contains("Zx9vQ2mL7pR4tY8uW3nK6jH1gF5dS0aBcXeVbN2mQ7w"))
        #expect(!result.stdout.contains("PairKeyVal0123456789"))
    }

    /// A LiveKit key pair logged as a JSON object, `"keys": {"APIk7Qx2Lm9Pz4R": "<secret>"}` (as
    /// livekit.yaml's `keys` and `LIVEKIT_KEYS` pair them), nested or at the top level.
    @Test func aLiveKitKeyUsedAsAFieldNameIsRedactedWithItsSecret() throws {
        let dir = TempDir()
        dir.write("keys.log", #"""
            {"message": "keys loaded", "level": "INFO", "name": "agent", "timestamp": "2025-12-11T00:51:47+00:00", "keys": {"APIk7Qx2Lm9Pz4R": "Zx9vQ2mL7pR4tY8uW3nK6jH1gF5dS0aBcXeVbN2mQ7w"}, "prompt_tokens": 412}
            {"message": "keys loaded", "level": "INFO", "name": "agent", "timestamp": "2025-12-11T00:51:48+00:00", "APIk7Qx2Lm9Pz4R": "Zx9vQ2mL7pR4tY8uW3nK6jH1gF5dS0aBcXeVbN2mQ7w", "APIConnectionError": "x"}

            """#)
        let result = try runLoganalyze(["parse", dir.url.path + "/keys.log"])
        #expect(result.stdout.contains(#""fields":{"keys":{"[redacted]":"[redacted]"},"prompt_tokens":412}}"#), "\(result.stdout)")
        #expect(result.stdout.contains(#""fields":{"[redacted]":"[redacted]","APIConnectionError":"x"}}"#), "\(result.stdout)")
        #expect(!result.stdout.contains("Zx9vQ2mL7pR4tY8uW3nK6jH1gF5dS0aBcXeVbN2mQ7w"))
        #expect(!result.stdout.contains("APIk7Qx2Lm9Pz4R"))
    }

    @Test func wordsAndIdsNearTheKeyAndCookieRulesSurvive() {
        let r = Redactor()
        let plain = [
            "job AJ_kTm3vPq9Xw2a room RM_Xq7bT2mNw4Lp participant PA_aB3dE5fG7hJ9 in voice-room-7f3k2", "token is expired",
            "lk token create --token-ttl 2h", "TOKEN_TTL=7200 MAX_TOKENS=512 prompt_tokens=412 completion_tokens: 12", "Cookie policy accepted",
            "secret_santa joined room secret-santa-42", "Basic auth failed", "Basic Setup complete", "Passed all checks", "bypass cache",
            "Token expired", "password reset requested for user-42b7", "cookies: 3", "Secrets manager unavailable",
            "eyJhbGciOiJIUzI1NiJ9 alone", "Asia/Tokyo 09:00",
            "rejected token: sub agent-AJ_yMcn9V7utwf7, room room-2WH6lWIr", "room_key=RM_Xq7bT2mNw4Lp-x",
            "password: reset requested", "secret: none configured", "client secret: false", "password: ****",
        ]
        for text in plain { #expect(r.redact(text) == text) }
    }

    @Test func placeholdersForAMissingSecretAreShownAsWritten() {
        // `api_secret=None` is the evidence that a credential was not configured: not a secret.
        let r = Redactor()
        let plain = [
            "settings api_key=None api_secret=None", "secret: (none)", "token=<nil> next", #"{"api_secret": null, "password": "none"}"#,
            "LIVEKIT_API_SECRET=undefined", "password=(not set);", "access_token: <none>",
        ]
        for text in plain { #expect(r.redact(text) == text) }
        // A value that only starts like one is a secret.
        #expect(r.redact("api_secret=nonesuch0123456789") == "api_secret=[redacted]")
        #expect(r.redact("password=(none)x") == "password=[redacted]")
        #expect(r.redact(#"{"api_secret": "nullable-Secret-42"}"#) == #"{"api_secret": "[redacted]"}"#)
        // The same in a JSON record's fields, whose secret-named values are hidden whole.
        #expect(["None", "<nil>", "(not set)", "NULL"].allSatisfy(Redactor.isPlaceholder))
        #expect(!["nonesuch", "nil-0123", "", "(none)x"].contains(where: Redactor.isPlaceholder))
    }

    /// A quoted value ends at its closing quote, not at a space: one that only starts with a
    /// placeholder word (`"none shall pass"`) is a secret, hidden whole.
    @Test func aQuotedSecretStartingWithAPlaceholderWordIsRedacted() {
        let r = Redactor()
        #expect(r.redact(#"config password="none shall pass" user=bob"#) == #"config password="[redacted]" user=bob"#)
        #expect(r.redact("db password='nil desperandum 42'") == "db password='[redacted]'")
        #expect(r.redact(#"{"api_secret": "null, void and 7f3k2"}"#) == #"{"api_secret": "[redacted]"}"#)
        // A whole placeholder between quotes is still shown.
        #expect(r.redact(#"password="none" token='<nil>'"#) == #"password="none" token='<nil>'"#)
    }
}
