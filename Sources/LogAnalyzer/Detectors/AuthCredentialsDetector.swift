/// `auth-credentials`: 401s that are not token expiry: the worker's registration rejected (wrong
/// API key or secret), `invalid API key`, `no permissions to access the room`, a token signed
/// with another secret, or one rejected while still valid (malformed, or no reason given).
///
/// Reads auth-failure events of kinds workerRegistration, badKey, noPermission, badSignature and
/// invalidToken.
/// Known false positives: Rust SDK releases from 2025-10-14 to 2026-04-29 report any failed
/// connection attempt as `401 … no permissions to access the room` (livekit/rust-sdks#1042); the
/// finding says so when the 401 comes from the agent's room connection (connect, restart, resume).
public struct AuthCredentialsDetector: Detector {
    public init() {}

    public var descriptor: RuleDescriptor {
        RuleDescriptor(
            id: "auth-credentials", name: "AuthCredentials",
            summary: "LiveKit rejected the credentials: wrong API key or secret, or a token without the room grant.",
            defaultSeverity: .error,
            help: "Check LIVEKIT_API_KEY / LIVEKIT_API_SECRET of the worker and backend, and the grants of the minted token.",
            examples: [
                DetectorExample("worker registration 401", triggers: true, log: """
                    {"message": "failed to connect to livekit, retrying in 0s: 401, message='Invalid response status', url='wss://x.livekit.cloud/agent'", "level": "WARNING", "name": "livekit.agents", "timestamp": "2026-01-01T00:00:00+00:00"}
                    """),
                DetectorExample("expiry is another rule", triggers: false, log: """
                    01:09:16 - resuming connection failed: 401 Unauthorized - token is expired
                    """),
            ])
    }

    public func detect(_ session: Session, configuration: AnalysisConfiguration) -> [Finding] {
        let failures = session.events.filter {
            if case .authFailure(let k) = $0.kind {
                return k == .workerRegistration || k == .badKey || k == .noPermission || k == .badSignature || k == .invalidToken
            }
            return false
        }
        guard let first = failures.first, case .authFailure(let kind) = first.kind else { return [] }
        let what: String
        switch kind {
        case .workerRegistration: what = "the worker's registration was rejected (401): wrong LIVEKIT_API_KEY or LIVEKIT_API_SECRET"
        case .badKey: what = "LiveKit rejected the API key (invalid API key)"
        case .badSignature:
            what = "a token whose signature does not verify was rejected: it was signed with another API secret than the server's (the token minter's LIVEKIT_API_SECRET differs)"
        case .invalidToken:
            what = "a token was rejected for another reason than its age (\(Self.reason(first.text)))"
        default: what = "a token without permission for the room was rejected (no permissions to access the room)"
        }
        var f = Finding(rule: descriptor.id, severity: .error, session: session, at: first.time, message: what)
        f.values.append(("failures", .integer(failures.count)))
        f.values.append(("kind", .text(kind.rawValue)))
        // The SDK asked `/rtc/validate` without the token after a failed connection: on a first
        // connect or a full restart (`restarting connection failed: signal failure: …`), and the
        // resume paths that reconnect the same way.
        if kind == .noPermission && first.side == .agent
            && ["resuming", "restarting", "reconnect", "connect"].contains(where: { first.text.contains($0) })
        {
            f.explanation.append("Rust SDK releases between 2025-10-14 and 2026-04-29 turned any failed connection attempt (e.g. a 503 from a full node) into this 401 (livekit/rust-sdks#1042); upgrade livekit-rtc before suspecting the grants.")
        }
        if let claims = first.token, let exp = claims.expires, let t = first.time, exp * 1_000_000 > t.micros {
            f.explanation.append("the rejected token had not expired: \(claims.summary); not a TTL problem")
        }
        f.evidence.append(Evidence(first, role: "first rejection"))
        return [f]
    }

    /// The server's reason in a rejection's text: after `, error: ` or `invalid authorization
    /// token: `, else `401 without a readable reason`.
    static func reason(_ text: String) -> String {
        for marker in [", error: ", "invalid authorization token: "] {
            if let r = text.range(of: marker) {
                let rest = text[r.upperBound...].trimmingCharacters(in: .whitespaces)
                if !rest.isEmpty { return String(rest.prefix(160)) }
            }
        }
        return "the 401 gives no reason; the token in it was still valid"
    }
}
