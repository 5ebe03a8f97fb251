/// `auth-credentials`: 401s that are not token expiry: the worker's registration rejected (wrong
/// API key or secret), `invalid API key`, `no permissions to access the room`, a token signed
/// with another secret, or one rejected while still valid (malformed, or no reason given).
///
/// Reads auth-failure events of kinds workerRegistration, badKey, noPermission, badSignature and
/// invalidToken. The worker's registration 401, when there is one, is the finding's rejection
/// (the server's line of it, often logged a few ms earlier, gives the reason: wrong key or
/// secret).
/// Known false positives: Rust SDK releases from 2025-10-14 to 2026-04-29 report any failed
/// connection attempt as `401 … no permissions to access the room` (livekit/rust-sdks#1042); the
/// finding says so when a 401 comes from the agent's room connection (connect, restart, resume),
/// also when the server's 401 of `/rtc/validate` comes first.
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
        // The worker's own registration 401 names the credential; the server's rejection of the
        // same moment, often a few ms earlier in its log, says only why (its reason, below).
        guard let first = failures.first(where: { $0.kind == .authFailure(.workerRegistration) }) ?? failures.first,
            case .authFailure(let kind) = first.kind
        else { return [] }
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
        // (Any of the agent's: the server's 401 of `/rtc/validate` comes first in the session.)
        let sdkRejection = kind == .noPermission
            ? failures.first { e in
                e.kind == .authFailure(.noPermission) && e.side == .agent
                    && ["resuming", "restarting", "reconnect", "connect"].contains(where: { e.text.contains($0) })
            } : nil
        if sdkRejection != nil {
            f.explanation.append("Rust SDK releases between 2025-10-14 and 2026-04-29 turned any failed connection attempt (e.g. a 503 from a full node) into this 401 (livekit/rust-sdks#1042); upgrade livekit-rtc before suspecting the grants.")
        }
        // (A time of day without a date is no instant to compare the claims with.)
        if let claims = first.token, let exp = claims.expires, let t = first.time, t.hasDate, exp * 1_000_000 > t.micros {
            f.explanation.append("the rejected token had not expired: \(claims.summary); not a TTL problem")
        }
        f.evidence.append(Evidence(first, role: "first rejection"))
        if let sdkRejection, sdkRejection.location != first.location {
            f.evidence.append(Evidence(sdkRejection, role: "agent's connection"))
        }
        if kind == .workerRegistration, let t = first.time,
            let reason = failures.first(where: { e in
                e.side == .server && (e.kind == .authFailure(.badSignature) || e.kind == .authFailure(.badKey))
                    && e.time.map { abs(t.seconds(until: $0)) <= 10 } ?? false
            })
        {
            f.explanation.append(
                reason.kind == .authFailure(.badKey)
                    ? "the server's reason: invalid API key - it does not know the worker's LIVEKIT_API_KEY"
                    : "the server's reason: the signature of the worker's token does not verify - the worker signs with another LIVEKIT_API_SECRET than the server's (its LIVEKIT_API_KEY is known)")
            // (In time order: the server's line is usually a few ms before the worker's.)
            if let r = reason.time, r < t {
                f.evidence.insert(Evidence(reason, role: "server's reason"), at: 0)
                f.primaryEvidence = 1
            } else {
                f.evidence.append(Evidence(reason, role: "server's reason"))
            }
        }
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
