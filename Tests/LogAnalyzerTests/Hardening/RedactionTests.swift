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

/// A deployment's logs with secrets in every place a log can hold them.
func writeSecretLogs(into dir: TempDir) {
    dir.write("secrets/agent.log", """
        {"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "AJ_s3cr3tJobId01", "room_name": "room-s", "timestamp": "2025-12-11T00:51:46.205000+00:00"}
        {"message": "Generating initial greeting", "level": "INFO", "name": "agent", "job_id": "AJ_s3cr3tJobId01", "api_key": "k-9f8e7d6c5b4a", "google_key": "AIzaSyA1234567890abcdefghijklmnopqrstu", "timestamp": "2025-12-11T00:51:46.668000+00:00"}
        {"message": "Voice agent running for room room-s AKIAIOSFODNN7EXAMPLE", "level": "INFO", "name": "agent", "job_id": "AJ_s3cr3tJobId01", "timestamp": "2025-12-11T00:51:59.034000+00:00"}
        {"message": "failed to generate LLM completion: Error code: 401 - Incorrect API key provided: sk-proj-AbCdEfGhIjKlMnOpQrStUvWx", "level": "ERROR", "name": "livekit.plugins.openai", "job_id": "AJ_s3cr3tJobId01", "timestamp": "2025-12-11T00:52:10.000000+00:00"}
        {"message": "failed to connect to livekit, retrying in 0s: 401, message='Invalid response status', url='wss://voice.example/agent' LIVEKIT_API_SECRET=Sup3rS3cr3tV4lu3xyz", "level": "WARNING", "name": "livekit.agents", "job_id": "AJ_s3cr3tJobId01", "timestamp": "2025-12-11T00:55:00.000000+00:00"}
        {"message": "livekit::rtc_engine:731:livekit::rtc_engine - resuming connection failed: client error: 401 Unauthorized - invalid token: \(secretJWT), error: go-jose/go-jose/jwt: validation failed, token is expired (exp)", "level": "ERROR", "name": "livekit", "job_id": "AJ_s3cr3tJobId01", "timestamp": "2025-12-11T01:09:16.327000+00:00"}

        """)
    dir.write("secrets/server.log", """
        2025-12-11T01:09:16.281Z\tWARN\tlivekit\tservice/utils.go:54\terror handling request\t{"status": 401, "method": "GET", "path": "/rtc", "error": "invalid API key: APIq7Wx9Lm2Pk4R", "room": "room-s"}

        """)
    dir.write("secrets/browser.log", """
        01:09:17.312 livekit-client.esm.mjs:20868 ConnectionError: could not establish signal connection to wss://voice.example/rtc?access_token=Zm9vYmFyYmF6cXV4MTIzNDU2&auto_subscribe=1: token is expired {room: 'room-s'}

        """)
    dir.write("secrets/backend.log", """
        2025-12-11 00:51:45,902 - app.tokens - INFO - minted token for identity=user-1 room=room-s ttl=7200s Authorization: Bearer s3cr3tB34r3rT0k3nV4lu3

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

    @Test func jwtsAfterURLEncodedDelimitersAreRedacted() {
        let r = Redactor()
        #expect(r.redact("ConnectionError: [wss%3A%2F%2Fx%2Frtc%3Faccess_token%3D\(secretJWT)] could not establish")
            == "ConnectionError: [wss%3A%2F%2Fx%2Frtc%3Faccess_token%3D[redacted-jwt]] could not establish")
        #expect(r.redact("GET /callback?Authorization=Bearer%20\(secretJWT) 200") == "GET /callback?Authorization=Bearer%20[redacted-jwt] 200")
        // Inside a longer base64 run (no delimiter) it is not a token of its own.
        #expect(r.redact("blob QUJD\(secretJWT)") == "blob QUJD\(secretJWT)")
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

    @Test func secretKeysAreRecognisedInAnyCase() {
        let secret = ["api_secret", "LIVEKIT_API_SECRET", "password", "dbPassword", "token", "Token", "access_token", "REFRESH_TOKEN",
                      "apiKey", "OPENAI_API_KEY", "x-apikey", "Authorization", "jwt", "JWT", "my_Secret_value",
                      "ap\u{00EF}_secret", "api\u{212A}ey"]
        let plain = ["prompt_tokens", "completion_tokens", "secret_count", "tokens", "tok", "", "room", "api_keys", "jwt_issuer",
                     "authorization_header", "tokenizer", "caf\u{00E9}"]
        for key in secret { #expect(Redactor.isSecretKey(key), "\(key)") }
        for key in plain { #expect(!Redactor.isSecretKey(key), "\(key)") }
    }
}
