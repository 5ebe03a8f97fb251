/// Removes secrets from text before it reaches any output: JWTs, `access_token=` and similar
/// parameters (also as CLI flags, headers and URL-encoded), bearer, `Token` and `Basic`
/// credentials after an `Authorization` header, passwords in URLs (`wss://user:pass@host`),
/// PEM private keys, provider API keys (`sk-…`, `sk_…`, `gsk_…`, `AIza…`, `AKIA…`), LiveKit API
/// keys and the secrets paired with them (`LIVEKIT_KEYS="APIkey: secret"`), and values of fields
/// named like secrets.
///
/// One pass of a literal set decides whether a text can hold a secret at all; only then do the
/// PCRE2 patterns run. Not `Sendable`: it owns PCRE2 match scratch; make one per thread.
public final class Redactor {
    public static let jwtReplacement = "[redacted-jwt]"
    public static let replacement = "[redacted]"

    private struct Rule {
        let gateMask: UInt64
        let matcher: Matcher
        /// Capture group kept in front of the replacement (the `key=` part), 0 for none.
        let keepGroup: Int
    }

    /// Gate literals; a rule runs only when one of its gates occurs. Key names are matched in any
    /// case (`Api_Key`, `PassWord`), the rest as written.
    static let gates = LiteralSet([
        "eyJ",  // 0: JWT
        "token", "secret", "password", "passwd", "apikey", "pwd", "privatekey", "_key", "-key",  // 1...9: key=value (any case)
        "bearer",  // 10 (any case)
        "sk-",  // 11
        "AIza",  // 12
        "AKIA", "ASIA",  // 13, 14
        "API",  // 15
        "uthorization",  // 16 (any case)
        "://",  // 17
        "sk_",  // 18
        "PRIVATE KEY",  // 19
        "Basic",  // 20
        "ie:", "ie=", "ie\"", "ie'",  // 21...24 (any case): `cookie:` (`ookie`, `kie` would test every `room`, `-king`)
        "101, 121, 74, ",  // 25: `eyJ` as Rust's `Debug` writes bytes (a response body in the Rust SDK's lines)
    ], caseless: bits(1...10) | bits(16...16) | bits(21...24))

    private static func bits(_ range: ClosedRange<Int>) -> UInt64 {
        range.reduce(0) { $0 | 1 << UInt64($1) }
    }

    /// The value of a secret: up to a space, quote, `&`, `,`, `;`, `}` or `]`.
    private static let value = #"(?!\[redacted)[^\s"'&,;}\]]"#

    /// A value that says a secret is missing, shown as written: `api_secret=None`, `token=<nil>`,
    /// `secret: (none)` is the finding that a credential was not configured, not a secret. A
    /// quoted one is the whole text between its quotes (`"none shall pass"` is a secret); a bare
    /// one ends as a bare value does.
    private static let placeholder: String = {
        let words = "(?:" + placeholders.sorted().map { $0.replacing("(", with: #"\("#).replacing(")", with: #"\)"#) }.joined(separator: "|") + ")"
        return #"(?!(?<=["'])"# + words + #"(?=\\?["'])|(?<!["'])"# + words + #"(?=[)}\]>;]*(?:[\s"'&,]|\z)))"#
    }()

    /// The value after a key that names a secret, whatever its length: a quoted one up to its
    /// closing quote (escapes skipped; one opened by an escaped quote, `{\"api_secret\": \"…\"}`
    /// in a message that quotes a JSON text, up to the escaped quote that closes it), a bare one
    /// up to a space, quote, `&` or `,` (closing brackets and `;` at its end left out; `Bearer X`
    /// whole). A bare one after `: ` has 6+ characters (not `rejected token: sub …`). The key part
    /// ends with the opening quote, if any.
    private static let keyedValue = #"(?!\[redacted)"# + placeholder + #"(?:(?<=\\")(?:[^"\\]|\\[^"])+|(?<=")(?:[^"\\]|\\.)+|(?<=')(?:[^'\\]|\\.)+|(?<!["'])(?:(?<==)|(?=[^\s"'&,]{6}))(?:(?:bearer|basic)\s+)?[^\s"'&,]+?(?=[)}\]>;]*(?:[\s"'&,]|\z)))"#

    /// Key names of secrets, for key=value text: the secret word may be followed by `_KEY`,
    /// `_ACCESS_KEY`, `_VALUE` … (`DJANGO_SECRET_KEY`, `aws_secret_access_key`, Rails'
    /// `secret_key_base`) and, in an
    /// upper-case environment name, by any other part but a setting's (`GITHUB_TOKEN_ADMIN`, not
    /// `TOKEN_TTL`).
    private static let secretKey = #"(?:access_token|refresh_token|id_token|auth_token|api[-_]?secret|client_secret|secret|password|passwd|pwd(?=\\?["']?\s*(?:=|%3D))|api[-_]?key|access[-_]?key|private[-_]?key|token)"#
        + #"(?:[-_](?:access[-_])?key(?:[-_]base)?|[-_]?(?:value|b64|base64|json|str|string))?"#
        + #"(?-i:_(?!(?:TTL|COUNT|EXPIRY|EXPIRES|EXP|ID|URL|URI|PATH|FILE|LENGTH|LEN|SIZE|TYPE|NAME|LIMIT|TIMEOUT|ISSUER|HEADER|ENDPOINT|ENABLED|LIFETIME|SECONDS|MS|MIN|MAX)(?![A-Z0-9]))[A-Z0-9]+)*"#

    private static let patterns: [(gate: UInt64, pattern: Pattern, keep: Int)] = {
        func p(_ s: String, caseless: Bool = false) -> Pattern { try! Pattern(s, caseless: caseless) }
        let keyGates = bits(1...9)
        return [
            // PEM private keys, whole (first: the key=value rule would take only `-----BEGIN`).
            (bits(19...19), p(#"(?s)-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(?:-----END [A-Z ]*PRIVATE KEY-----|\z)"#), 0),
            // Base64 JSON credentials (`GOOGLE_APPLICATION_CREDENTIALS_JSON`): 64+ characters from
            // `eyJ` (`{"`) that hold `private_key` or `service_account` at any of the 3 alignments.
            (bits(0...0), p(#"(?<![A-Za-z0-9+/_-])eyJ(?=[A-Za-z0-9+/_-]{61})(?=[A-Za-z0-9+/_-]*?(?:cHJpdmF0ZV9rZX|ByaXZhdGVfa2V5|wcml2YXRlX2tle|c2VydmljZV9hY2NvdW50|NlcnZpY2VfYWNjb3VudA|zZXJ2aWNlX2FjY291bn))[A-Za-z0-9+/_-]+={0,2}"#), 0),
            // An Authorization header's credentials, whatever the scheme (`Token` is Deepgram's);
            // not a lowercase word (`Authorization: Token expired`).
            // The scheme in any case (RFC 9110: `basic` is `Basic`).
            (bits(16...16), p(#"((?i:authorization)["']?\s*[:=,]\s*["']?(?i:Bearer|Basic|Token|Digest|Bot|ApiKey)(?:\s+|%20|\+))(?![a-z]+(?![A-Za-z0-9+/=_.~-]))"#
                              + value + "{4,}"), 1),
            // key=value and "key": "value" where the key names a secret (`%3D`, `%3A`: URL-encoded;
            // `\=`: escaped in a properties file). An `=` with a space and another pair after it
            // (`LIVEKIT_API_SECRET= next=value`) has an empty value: nothing to hide.
            (keyGates, p("(" + secretKey + #"\\?["']?\s*\\?(?:=(?!\s+[A-Za-z_][A-Za-z0-9_.-]*=[^\s=])|:|%3[ADad]|&#(?:61|58|x3[ADad]);|\\u003[ADad])\s*(?:\\?["'])?)"# + keyedValue, caseless: true), 1),
            // A short bare value after `password: ` or `secret: ` (the rule above asks 6+ characters
            // after `: `, for `rejected token: sub …`; a password of 3 is still a password).
            // (Not a word that says there is none or that it changed: `password: reset`, `secret: none`.)
            (bits(2...4), p(#"((?:password|passwd|secret)["']?\s*:\s*)(?!\[redacted)(?!(?:none|null|nil|true|false|yes|no|set|unset|empty|reset|done|ok|n/a|\*+)(?![^\s"'&,)}\]>;]))[^\s"'&,\[(]{1,5}(?=[)}\]>;]*(?:[\s"'&,]|\z))"#, caseless: true), 1),
            // CLI flags: `--api-secret VALUE`, `--password VALUE`, `--token VALUE`; also argv lists
            // (`['--api-secret', 'VALUE']`).
            (keyGates, p(#"(--[a-z0-9-]*(?:secret|password|passwd|token|api-key|apikey)(?:\s+|["']\s*,\s*["']))(?!-)"# + value + "+", caseless: true), 1),
            // A (name, value) pair whose name names a secret, as Python prints `os.environ.items()`
            // or ASGI headers: `('LIVEKIT_API_SECRET', 'VALUE')`, `[b'x-api-key', b'VALUE']`.
            (keyGates, p(#"([(\[]\s*b?(["'])[A-Za-z0-9_.-]*?"# + secretKey + #"\2\s*,\s*b?\2)(?!\[redacted)[^"'\\]+(?=\2)"#, caseless: true), 1),
            // Prose: `api secret is VALUE` (a value of 16+ characters with a digit: not `token is expired`).
            (keyGates | bits(15...15),
             p(#"((?:secret|password|passwd|api[-_ ]key|token)\s+(?:is|was)\s+["']?)(?!\[redacted)(?=[^\s"']*[0-9])[A-Za-z0-9._~+/=-]{16,}"#, caseless: true), 1),
            (bits(10...10), p(#"(Bearer(?:\s+|%20|\+))(?!\[redacted)[A-Za-z0-9._~+/=-]{6,}"#, caseless: true), 1),
            // `Basic <base64>` outside a header: 8+ base64 characters with a digit, `+`, `/`, `=` or
            // a capital after the first (not `Basic auth`, `Basic Setup`).
            (bits(20...20), p(#"(\bBasic(?:\s+|%20|\+))(?!\[redacted)(?=[A-Za-z]*[0-9+/=]|[A-Za-z][a-z]*[A-Z])[A-Za-z0-9+/]{8,}={0,2}(?![A-Za-z0-9+/=])"#), 1),
            // `Token <hex>` outside a header (32+ hex digits are never a word).
            (bits(1...1), p(#"(\b[Tt]oken\s+)[0-9A-Fa-f]{32,}\b"#), 1),
            // Cookies: every value of `Cookie: a=1; b=2`, the cookie's of `Set-Cookie: sid=1; Path=/`
            // (`\G`: a pair right after the previous one).
            (bits(21...24),
             p(#"((?:(?i:cookie)["']?\s*[:=]\s*["']?|\G;\s*)(?!(?i:path|domain|expires|max-age|samesite|secure|httponly|priority|partitioned)\b)(?:[^\s=;,"']+=)?)(?!\[redacted)[^\s;,"']+"#), 1),
            // Passwords in URLs: `wss://user:PASS@host`, `redis://:PASS@host`.
            (bits(17...17), p(#"(://[^\s/?#@:"'<>]*:)(?!\[redacted)[^\s/?#@"'<>]+(?=@)"#), 1),
            // OpenAI/Anthropic `sk-`, ElevenLabs `sk_`, Cartesia `sk_car_`, Groq `gsk_`.
            (bits(11...11) | bits(18...18), p(#"(?<![A-Za-z0-9])(?:gsk_|sk[-_])[A-Za-z0-9_-]{16,}"#), 0),
            (bits(12...12), p(#"AIza[0-9A-Za-z_-]{30,}"#), 0),
            (bits(13...14), p(#"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"#), 0),
            // A LiveKit key and its secret (`LIVEKIT_KEYS="APIkey: secret"`, livekit.yaml `keys:`):
            // before the key rule, which would leave nothing to anchor the secret to.
            (bits(15...15), p(#"(\bAPI[A-Za-z0-9]{10,14}["']?\s*:\s*["']?)(?!\[redacted)(?=[A-Za-z_+/=-]*[0-9])[A-Za-z0-9_+/=-]{16,}"#), 1),
            // LiveKit API keys: API + 10-14 letters/digits with a digit, or random-looking letters
            // (4+ capitals and a lowercase letter): not APIStatusError, APITimeoutError.
            (bits(15...15), p(#"\bAPI(?:(?=[A-Za-z]*[0-9])|(?=(?:[a-z]*[A-Z]){4})(?=[A-Z]*[a-z]))[A-Za-z0-9]{10,14}\b"#), 0),
        ]
    }()

    private let rules: [Rule]

    public init() {
        rules = Self.patterns.map { Rule(gateMask: $0.gate, matcher: $0.pattern.matcher(), keepGroup: $0.keep) }
    }

    /// Whether a secret field's whole value says the secret is missing (`None`, `<nil>`,
    /// `(not set)`): shown as written, as `placeholder` leaves it in text.
    public static func isPlaceholder(_ value: String) -> Bool {
        value.utf8.count <= 9 && placeholders.contains(value.lowercased())
    }

    private static let placeholders: Set<String> = ["none", "null", "nil", "undefined", "<nil>", "<none>", "<null>", "(none)", "(null)", "(nil)", "(not set)"]

    /// Field names whose string values are secrets whatever they look like.
    public static func isSecretKey(_ key: String) -> Bool {
        // Matched on the lowercased bytes: `String.contains` goes through Foundation's
        // `range(of:)` here, which made this a quarter of `parse`'s time. ASCII keys (all real
        // ones) are lowercased byte by byte, others by `lowercased()`.
        let utf8 = key.utf8
        let lower = utf8.allSatisfy({ $0 < 0x80 }) ? utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 } : Array(key.lowercased().utf8)
        return lower.withUnsafeBufferPointer { k in
            func equals(_ s: StaticString) -> Bool { k.count == s.utf8CodeUnitCount && k.has(s, at: 0) }
            if k.hasSuffix("tokens") || k.hasSuffix("_count") { return false }
            return k.contains("secret") || k.contains("password") || k.contains("passwd") || equals("pwd") || equals("token")
                || k.hasSuffix("_token") || k.hasSuffix("apikey") || k.hasSuffix("api_key") || k.hasSuffix("api-key")
                || k.hasSuffix("private_key") || k.hasSuffix("privatekey") || equals("authorization") || equals("jwt")
                || equals("pass") || equals("passphrase") || equals("cookie") || equals("set-cookie") || equals("credential")
                || equals("credentials") || k.hasSuffix("access_key") || k.hasSuffix("accesskey") || k.hasSuffix("access-key")
        }
    }

    /// Whether `b` may hold a secret (a gate literal occurs).
    public static func mightHoldSecret(_ b: UnsafeBufferPointer<UInt8>) -> Bool { gates.scanFoldingCase(b) != 0 }

    /// Field names that name a secret only as a JSON key (`"pass"`, `"credentials"`), and flags in
    /// an argv list (`"--`): a raw JSON object or array that holds one is read, not copied.
    static let fieldGates = LiteralSet(["\"pass\"", "\"passphrase\"", "\"credential", "\"--"], caseless: bits(0...2))

    /// Whether a raw JSON value may hold a secret: a gate literal or a secret-only key name occurs.
    public static func mightHoldSecretField(_ b: UnsafeBufferPointer<UInt8>) -> Bool { mightHoldSecret(b) || fieldGates.scanFoldingCase(b) != 0 }

    /// Whether an argv element is a flag naming a secret (`--api-secret`, `--password`), so the
    /// next element is its value.
    public static func isSecretFlag(_ s: String) -> Bool {
        s.hasPrefix("-") && !s.contains("=") && isSecretKey(String(s.drop { $0 == "-" }))
    }

    /// The text with every secret replaced, by a redactor made only when a gate literal occurs:
    /// for the few texts a renderer writes outside its log text (paths, diagnostics).
    public static func redactOnce(_ text: String) -> String {
        var text = text
        guard text.withUTF8({ gates.scanFoldingCase($0) }) != 0 else { return text }
        return Redactor().redact(text)
    }

    /// The text with every secret replaced.
    public func redact(_ text: String) -> String {
        var text = text
        let mask = text.withUTF8 { Self.gates.scanFoldingCase($0) }
        guard mask != 0 else { return text }
        var current = text
        if mask & 1 != 0 {
            let replaced: String? = text.withUTF8 { b in
                var cursor = 0
                var pieces: String?
                for r in JWT.ranges(in: b) {
                    if pieces == nil { pieces = "" }
                    pieces! += b.string(cursor, r.lowerBound) + Self.jwtReplacement
                    cursor = r.upperBound
                }
                return pieces.map { $0 + b.string(cursor, b.count) }
            }
            if let replaced { current = replaced }
        }
        if mask & 1 << 25 != 0 { current = Self.redactByteListJWTs(current) }
        for rule in rules where mask & rule.gateMask != 0 {
            current = apply(rule, to: current)
        }
        return current
    }

    /// The text with each JWT spelt out in a list of byte values replaced: the Rust SDK (livekit
    /// rtc 1.1) logs a rejected signal connection's response with its body as Rust's `Debug`
    /// writes bytes, `signal connection failed on v0 path: WsError(Http(Response { status: 401, …,
    /// body: Some([105, 110, 118, …]) }))`, and that body is the server's `invalid token: <JWT>, …`.
    /// The values that spell the token become `[redacted-jwt]`; the others stay.
    static func redactByteListJWTs(_ text: String) -> String {
        var text = text
        return text.withUTF8 { b -> String in
            var out = ""
            var cursor = 0
            var changed = false
            var i = 0
            while i < b.count {
                guard b[i] == UInt8(ascii: "["), b.byte(i + 1).isDigit else { i += 1; continue }
                let (values, spans) = b.decimalByteList(from: i + 1)
                for r in values.withUnsafeBufferPointer({ JWT.ranges(in: $0) }) {
                    out += b.string(cursor, spans[r.lowerBound].lowerBound) + jwtReplacement
                    cursor = spans[r.upperBound - 1].upperBound
                    changed = true
                }
                i = max(spans.last?.upperBound ?? i, i + 1)
            }
            guard changed else { return String(decoding: b, as: UTF8.self) }
            return out + b.string(cursor, b.count)
        }
    }

    private func apply(_ rule: Rule, to text: String) -> String {
        var text = text
        return text.withUTF8 { b -> String in
            var out = ""
            var cursor = 0
            var from = 0
            var changed = false
            while from <= b.count, rule.matcher.match(b, from: from), let whole = rule.matcher.range(0) {
                var keepEnd = whole.lowerBound
                if rule.keepGroup > 0, let kept = rule.matcher.range(rule.keepGroup) { keepEnd = kept.upperBound }
                out += b.string(cursor, keepEnd) + Self.replacement
                cursor = whole.upperBound
                changed = true
                from = max(whole.upperBound, whole.lowerBound + 1)
            }
            guard changed else { return String(decoding: b, as: UTF8.self) }
            return out + b.string(cursor, b.count)
        }
    }
}
