/// Removes secrets from text before it reaches any output: JWTs, `access_token=` and similar
/// parameters, bearer tokens, provider API keys (`sk-…`, `AIza…`, `AKIA…`), LiveKit API keys
/// and values of fields named like secrets.
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

    /// Gate literals; a rule runs only when one of its gates occurs.
    static let gates = LiteralSet([
        "eyJ",  // 0: JWT
        "token", "TOKEN", "Token", "secret", "SECRET", "Secret", "password", "PASSWORD", "Password", "passwd",
        "api_key", "apikey", "API_KEY", "APIKEY", "ApiKey", "apiKey",  // 1...16: key=value
        "Bearer", "bearer", "BEARER",  // 17...19
        "sk-",  // 20
        "AIza",  // 21
        "AKIA", "ASIA",  // 22, 23
        "API",  // 24
    ])

    private static func bits(_ range: ClosedRange<Int>) -> UInt64 {
        range.reduce(0) { $0 | 1 << UInt64($1) }
    }

    private static let patterns: [(gate: UInt64, pattern: Pattern, keep: Int)] = {
        func p(_ s: String, caseless: Bool = false) -> Pattern { try! Pattern(s, caseless: caseless) }
        return [
            // key=value and "key": "value" where the key names a secret.
            (bits(1...16),
             p(#"((?:access_token|refresh_token|id_token|auth_token|api_secret|apisecret|client_secret|secret|password|passwd|api_key|apikey|livekit_api_secret|livekit_api_key|token)["']?\s*[:=]\s*["']?)(?!\[redacted)[^\s"'&,;}\]]{6,}"#, caseless: true), 1),
            (bits(17...19), p(#"(Bearer\s+)(?!\[redacted)[A-Za-z0-9._~+/=-]{6,}"#, caseless: true), 1),
            (bits(20...20), p(#"(?<![A-Za-z0-9])sk-[A-Za-z0-9_-]{16,}"#), 0),
            (bits(21...21), p(#"AIza[0-9A-Za-z_-]{30,}"#), 0),
            (bits(22...23), p(#"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"#), 0),
            // LiveKit API keys: API + 10-14 letters/digits with at least one digit (not APIStatusError).
            (bits(24...24), p(#"\bAPI(?=[A-Za-z]*[0-9])[A-Za-z0-9]{10,14}\b"#), 0),
        ]
    }()

    private let rules: [Rule]

    public init() {
        rules = Self.patterns.map { Rule(gateMask: $0.gate, matcher: $0.pattern.matcher(), keepGroup: $0.keep) }
    }

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
            return k.contains("secret") || k.contains("password") || equals("token") || k.hasSuffix("_token")
                || k.hasSuffix("apikey") || k.hasSuffix("api_key") || equals("authorization") || equals("jwt")
        }
    }

    /// Whether `b` may hold a secret (a gate literal occurs).
    public static func mightHoldSecret(_ b: UnsafeBufferPointer<UInt8>) -> Bool { gates.scan(b) != 0 }

    /// The text with every secret replaced.
    public func redact(_ text: String) -> String {
        var text = text
        let mask = text.withUTF8 { Self.gates.scan($0) }
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
        for rule in rules where mask & rule.gateMask != 0 {
            current = apply(rule, to: current)
        }
        return current
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
