/// `token-not-yet-valid`: 401 `token not valid yet (nbf)`: the server's clock is behind the clock
/// of the host that minted the token (or the token was minted for the future).
///
/// Reads auth-failure events of kind notYetValid and the token's `nbf` claim.
/// Known false positives: none known; one finding per session.
public struct TokenNotYetValidDetector: Detector {
    public init() {}

    public var descriptor: RuleDescriptor {
        RuleDescriptor(
            id: "token-not-yet-valid", name: "TokenNotYetValid",
            summary: "A token was rejected because its nbf lies in the server's future (clock skew).",
            defaultSeverity: .warning,
            help: "Synchronise the clocks (NTP) of the backend that mints tokens and the LiveKit server; the server allows 1 minute of leeway.",
            examples: [
                DetectorExample("server rejects nbf", triggers: true, log: """
                    2026-01-01T00:00:00.000Z\tWARN\tlivekit\tservice/utils.go:54\terror handling request\t{"status": 401, "error": "invalid token: x, error: go-jose/go-jose/jwt: validation failed, token not valid yet (nbf)"}
                    """),
                DetectorExample("expired is another rule", triggers: false, log: """
                    01:09:16 - resuming connection failed: 401 Unauthorized - token is expired
                    """),
            ])
    }

    public func detect(_ session: Session, configuration: AnalysisConfiguration) -> [Finding] {
        let failures = session.events.filter { $0.kind == .authFailure(.notYetValid) }
        guard let earliest = failures.first else { return [] }
        // The first rejection with a date (else with a time): a browser console saved without
        // DevTools timestamps gives its line no time, and the server's lines beside it give the
        // skew and the finding's time.
        let first = failures.first { $0.time?.hasDate == true } ?? failures.first { $0.time != nil } ?? earliest
        // One token is rejected several times: by the server on `/rtc` and `/rtc/validate`, and
        // again in the client's own line (a browser, the agent's Rust SDK). Tokens are told apart
        // by their claims; a rejection whose line shows none counts as one token.
        var tokens: [TokenClaims] = []
        for e in failures { if let t = e.token, !tokens.contains(t) { tokens.append(t) } }
        let count = max(tokens.count, failures.contains { $0.token == nil } ? 1 : 0)
        var message = "\(count) token\(count == 1 ? "" : "s") rejected as not valid yet (nbf)"
        if failures.count > count {
            // Lines, not connection attempts: one attempt is logged by the server (on `/rtc`,
            // then `/rtc/validate`) and again by the client.
            let sides = Side.allCases.compactMap { side -> String? in
                let n = failures.filter { $0.side == side }.count
                return n == 0 ? nil : "\(side.rawValue) \(n)"
            }
            message += ", \(failures.count) rejection lines (\(sides.joined(separator: ", ")))"
        }
        var f = Finding(
            rule: descriptor.id, severity: .warning, session: session, at: first.time,
            message: message + ": clock skew between the token minter and the server")
        f.values.append(("failures", .integer(failures.count)))
        if !tokens.isEmpty { f.values.append(("tokens", .integer(tokens.count))) }
        if let nbf = first.token?.notBefore, let t = first.time, t.hasDate {
            let skew = Double(nbf) - Double(t.micros) / 1_000_000
            if skew > 0 {
                f.values.append(("skewSeconds", .number(skew)))
                // Each token's nbf against its first rejection: a steady offset is the minting
                // host's clock (DOMAIN.md (c), "consistent offsets"), not one odd token.
                let skews = tokens.compactMap { token -> Double? in
                    guard let nbf = token.notBefore, let t = failures.first(where: { $0.token == token && $0.time?.hasDate == true })?.time else { return nil }
                    return Double(nbf) - Double(t.micros) / 1_000_000
                }
                if skews.count > 1, let low = skews.min(), let high = skews.max(), low > 0 {
                    let range = humanDuration(low) == humanDuration(high) ? humanDuration(low) : "\(humanDuration(low)) to \(humanDuration(high))"
                    f.explanation.append("the nbf of each of the \(skews.count) tokens is \(range) ahead of the rejecting side's clock: a steady offset, so the clock of the host that mints them runs ahead")
                } else {
                    f.explanation.append("the token's nbf is \(humanDuration(skew)) ahead of the rejecting side's clock")
                }
            } else {
                // The server checks nbf against its own clock; this line's clock is another: one
                // ahead of the minter's, or a zone-less stamp read in the wrong zone.
                f.explanation.append("the line's time as read is \(humanDuration(-skew)) after the token's nbf, so it gives no estimate of the server's skew: its clock runs ahead of the token minter's, or its stamp was read in the wrong zone (`--tz`)")
            }
        }
        f.evidence.append(Evidence(first, role: "first rejection"))
        return [f]
    }
}
