/// Shared reading of a session's authentication failures, for the token detectors.
struct TokenEvidence {
    /// Expired-token (and body-less 401) failures of the first cascade, in time order.
    var failures: [SessionEvent]
    /// The first failure with a time (a browser console copied without times has none), else
    /// the first.
    var first: SessionEvent

    static let cascadeGapSeconds = 300.0
    /// How long before a client's first failure its silence may end and still be the one that
    /// let its token expire (the session tracker keeps such silences: `SessionTracker.pin`).
    static let silenceWindowSeconds = 120.0

    /// Whether a failure says `token is expired` (not just a body-less 401).
    var confirmedExpired: Bool { failures.contains { $0.kind == .authFailure(.expired) } }

    /// Groups auth failures into cascades: runs with no more than 5 minutes between failures,
    /// keeping runs that hold a `token is expired`, or body-less `401 Unauthorized` rejections of
    /// a resume/restart (what the Rust SDK logs when the server's body is not read).
    static func cascades(in session: Session) -> [TokenEvidence] {
        let relevant = session.events.filter {
            if case .authFailure(let kind) = $0.kind { return kind == .expired || kind == .unauthorized }
            return false
        }
        var groups: [[SessionEvent]] = []
        for e in relevant {
            if let last = groups.last?.last, let t0 = last.time, let t1 = e.time, t0.seconds(until: t1) <= cascadeGapSeconds {
                groups[groups.count - 1].append(e)
            } else if let last = groups.last?.last, last.time == nil || e.time == nil {
                groups[groups.count - 1].append(e)
            } else {
                groups.append([e])
            }
        }
        return groups.filter { group in
            group.contains { $0.kind == .authFailure(.expired) }
                || group.contains { $0.kind == .authFailure(.unauthorized) && ($0.text.contains("resum") || $0.text.contains("restart")) }
        }.map { TokenEvidence(failures: $0, first: $0.first { $0.time != nil } ?? $0[0]) }
    }

    /// The claims of the token in the failures, preferring the agent's.
    var claims: TokenClaims? {
        (failures.first { $0.token != nil && $0.side == .agent } ?? failures.first { $0.token != nil })?.token
    }

    /// The silence of a failing client before its first failure: the agent's log first, then the
    /// browser's (a server logs only events, so its quiet stretches mean nothing). With it, the
    /// silence of the whole log that ended at the same moment, if any: the session's own lines
    /// may have stopped earlier (a quiet call) than the other sessions' of the same log.
    func silence(in session: Session, within seconds: Double = TokenEvidence.silenceWindowSeconds) -> (gap: SilentGap, inputGap: SilentGap?, side: Side)? {
        for side in [Side.agent, .browser, .app, .backend] {
            var best: (SilentGap, SilentGap?)?
            var inputs: [Int] = []
            for e in failures where e.side == side && !inputs.contains(e.location.input) { inputs.append(e.location.input) }
            for input in inputs {
                // (The first failure with a time: a copy printed without one may come first.)
                guard let t = failures.first(where: { $0.location.input == input && $0.time != nil })?.time else { continue }
                for g in session.gaps[input] ?? [] where g.side == side && g.to.seconds(until: t) >= -1 && g.to.seconds(until: t) <= seconds {
                    if best == nil || g.seconds > best!.0.seconds {
                        let whole = session.inputGaps[input]?.filter { abs($0.to.seconds(until: g.to)) <= 1 }.max { $0.seconds < $1.seconds }
                        best = (g, whole)
                    }
                }
            }
            if let best { return (best.0, best.1, side) }
            // No silence of the session's own on that side: its lines there before the failure
            // had no session ids (a GCP text export keeps only the message; a time-only app
            // log), so they never joined it. The whole log's silence that ended at the failure
            // is then the client's, when the session had begun before it.
            var whole: SilentGap?
            for input in inputs {
                guard let t = failures.first(where: { $0.location.input == input && $0.time != nil })?.time else { continue }
                for g in session.inputGaps[input] ?? [] where g.to.seconds(until: t) >= -1 && g.to.seconds(until: t) <= seconds {
                    guard let start = session.start, start <= g.from else { continue }
                    if whole == nil || g.seconds > whole!.seconds { whole = g }
                }
            }
            if var gap = whole {
                gap.side = side
                return (gap, whole, side)
            }
        }
        return nil
    }
}

extension TokenEvidence {
    /// How an expired token reached the server, when the client's log shows it: it
    /// was rejected as the client connected anew (its `signal connecting to …` just before, after
    /// a connection of its own a minute or more earlier), so the app called connect() again with
    /// the token it had kept. A connected SDK resumes with the token the server refreshed
    /// (livekit-client RTCEngine `onTokenRefresh`, the Rust SDK's `RefreshToken`), never with
    /// the app's; DOMAIN.md (c), "short browser TTL + app-level reconnect".
    func newConnection(in session: Session) -> (String, SessionEvent)? {
        guard let rejected = failures.first(where: { $0.side != .server && $0.time != nil }), let t = rejected.time,
            let exp = rejected.token?.expires ?? claims?.expires
        else { return nil }
        let own = session.events.filter { $0.location.input == rejected.location.input && $0.location < rejected.location }
        guard let at = own.lastIndex(where: { $0.kind != .authFailure(.expired) }), case let connect = own[at], connect.kind == .sessionStart,
            // (Not the SDK's own full reconnect: livekit-client's restartConnection logs
            // `reconnecting, attempt: N` and joins again, `signal connecting to …`, with the token
            // the server refreshed, src/room/RTCEngine.ts.)
            at == 0 || own[at - 1].kind != .resumeAttempt,
            let connectedAt = connect.time, connectedAt.seconds(until: t) <= 30,
            // (Its own first connection: one naming the session, before an id-less one, which
            // every session of the log active then, give or take 2 minutes, holds: another
            // call's `signal connecting to …` a minute earlier.)
            let before = own.first(where: { $0.kind == .sessionStart && $0.hasIDs }) ?? own.first(where: { $0.kind == .sessionStart }),
            let startedAt = before.time,
            startedAt.seconds(until: connectedAt) >= 60
        else { return nil }
        let expiry = Timestamp(micros: exp * 1_000_000)
        var text = "the \(rejected.side.rawValue) was rejected when it connected anew (`\(connect.text)` at \(connectedAt.humanString); its first connection was at \(startedAt.humanString)): "
            // (A time of day without a date is no instant to measure from the token's exp.)
            + "the app called connect() again with the token it had kept, "
            + (t.hasDate ? "\(humanDuration(expiry.seconds(until: t))) after that token's exp (\(expiry.humanString))" : "which expired at \(expiry.humanString)")
            + " - a connected SDK resumes with the token the server refreshed, not the app's"
        if session.events.contains(where: { $0.side == .agent }) && !failures.contains(where: { $0.side == .agent }) {
            text += "; the agent's connection was not rejected"
        }
        return (text, connect)
    }
}

extension TokenEvidence {
    /// Tokens that were expired when first sent: two or more tokens minted at different times
    /// (nbf at least 5 s apart), each first rejected the same time after its nbf (within a
    /// minute), that time past its validity and the verifier's 1-minute leeway. The host that
    /// mints them keeps a clock that far behind the server's (DOMAIN.md (c), clock skew: "a
    /// consistent offset"); a cached token would be one token, and tokens one refresh gave
    /// share their nbf. Only the app's tokens count: the server mints the agent's (`agent-AJ_…`)
    /// and every refresh (`refreshedValidity`) with its own clock; the agent's and the browser's
    /// refreshed tokens on a host that slept are rejected as one moment ends, their nbf as far
    /// apart as the two joined.
    func mintedBehind(leeway: Double, refreshedValidity: Double) -> (tokens: Int, low: Double, high: Double)? {
        var tokens: [TokenClaims] = []
        for e in failures {
            if let t = e.token, t.notBefore != nil, let validity = t.validitySeconds, Double(validity) != refreshedValidity,
                !(t.subject?.hasPrefix("agent-") ?? false), !tokens.contains(t)
            {
                tokens.append(t)
            }
        }
        guard tokens.count >= 2 else { return nil }
        var ages: [Double] = []
        var nbfs: [Int64] = []
        for token in tokens {
            guard let nbf = token.notBefore, let validity = token.validitySeconds,
                let t = failures.first(where: { $0.token == token && $0.time?.hasDate == true })?.time
            else { return nil }
            let age = Timestamp(micros: nbf * 1_000_000).seconds(until: t)
            guard age > Double(validity) + leeway else { return nil }
            ages.append(age)
            nbfs.append(nbf)
        }
        guard let low = ages.min(), let high = ages.max(), high - low <= 60,
            let first = nbfs.min(), let last = nbfs.max(), last - first >= 5
        else { return nil }
        return (tokens.count, low, high)
    }
}

extension TokenClaims {
    /// `sub user-42b7, room voice-room-7f3k2, nbf 00:56:46, exp 01:06:46` (no token).
    var summary: String {
        var parts: [String] = []
        if let subject { parts.append("sub \(subject)") }
        if let room { parts.append("room \(room)") }
        if let n = notBefore { parts.append("nbf \(Timestamp(micros: n * 1_000_000).humanString)") }
        if let e = expires { parts.append("exp \(Timestamp(micros: e * 1_000_000).humanString)") }
        if let v = validitySeconds { parts.append("valid \(humanDuration(Double(v)))") }
        return parts.joined(separator: ", ")
    }

    var findingValue: FindingValue {
        var members: [(String, FindingValue)] = []
        if let subject { members.append(("sub", .text(subject))) }
        if let room { members.append(("room", .text(room))) }
        if let n = notBefore { members.append(("nbf", .time(Timestamp(micros: n * 1_000_000)))) }
        if let e = expires { members.append(("exp", .time(Timestamp(micros: e * 1_000_000)))) }
        return .object(members)
    }
}
