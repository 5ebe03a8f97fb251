/// `early-token-death`: a token rejected as expired before the configured TTL had elapsed since
/// the session started (or the backend minted it), with the most likely cause and its evidence.
///
/// Reads the first expired-token failure, the backend's token-mint lines, the rejected token's
/// claims (exp - nbf = 10 min means a server-refreshed token) and the silences of the session's
/// inputs before the failure. Needs the configured TTL (`--token-ttl`, `--app-config`, a config
/// file next to the logs, or `.loganalyze.json`), or else a mint line that shows it (`ttl=`, or
/// the minted token's exp - nbf), or the agent's own rejected token (`agent-AJ_…`: the server's
/// job token, valid 1 h); without one it stays silent.
///
/// The agent's own token (`agent-AJ_…`) is the server's job token: never a short-TTL cause.
///
/// Known false positives: a session whose start is missing from the logs looks younger than it
/// is (the lifetime is then a lower bound and the finding still holds; a rejected token older
/// than the session's first line dates it instead).
public struct EarlyTokenDeathDetector: Detector {
    public init() {}

    public var descriptor: RuleDescriptor {
        RuleDescriptor(
            id: "early-token-death", name: "EarlyTokenDeath",
            summary: "A token was rejected as expired long before the TTL the app configured.",
            defaultSeverity: .error,
            help: "Raising the TTL does not help when the server refreshes tokens: livekit-server before v1.13.2 replaces every connected client's token "
                + "with a 10-minute one every 5 minutes. A 401 at the first resume then means no refresh arrived for over 10 minutes: "
                + "look for a suspended host (laptop sleep, paused VM or container) or a long silence before the failure.",
            examples: [
                DetectorExample("incident: 17.5 min of a 2 h TTL after a silence", triggers: true, log: """
                    00:51:46 - Session created
                    00:52:07.402 - First user turn detected
                    01:09:16 - resuming connection failed: 401 Unauthorized - token is expired
                    """, configure: { $0.configuredTokenTTLSeconds = 7200 }),
                DetectorExample("expired after the configured TTL", triggers: false, log: """
                    00:00:00 - Session created
                    02:10:00 - resuming connection failed: 401 Unauthorized - token is expired
                    """, configure: { $0.configuredTokenTTLSeconds = 7200 }),
                DetectorExample("no configured TTL", triggers: false, log: """
                    00:51:46 - Session created
                    01:09:16 - resuming connection failed: 401 Unauthorized - token is expired
                    """),
            ])
    }

    /// The TTL the backend's mint line shows, when no TTL is configured: its `ttl=`, else the
    /// validity of the token it printed (exp - nbf; the token itself is never echoed).
    /// The validity of the agent's job token as the server mints it (livekit/protocol agent/token.go).
    static let agentJobTokenTTLSeconds = 3600.0

    static func mintedTTL(_ mint: SessionEvent?) -> (seconds: Double, source: String)? {
        guard let mint else { return nil }
        if case .tokenMinted(let ttl?) = mint.kind, ttl > 0 { return (ttl, "token mint line (ttl=)") }
        if let validity = mint.token?.validitySeconds, validity > 0 { return (Double(validity), "minted token (exp - nbf)") }
        return nil
    }

    public func detect(_ session: Session, configuration c: AnalysisConfiguration) -> [Finding] {
        // The token died at the cascade's first rejection (body-less resume 401s included).
        guard let cascade = TokenEvidence.cascades(in: session).first,
            let failedAt = cascade.first.time ?? cascade.failures.first(where: { $0.time != nil })?.time
        else { return [] }
        let mints = session.events.lazy.filter { if case .tokenMinted = $0.kind { true } else { false } }
        // A mint line naming the session (its room, identity) before an id-less one: a backend's
        // `POST /api/token` access line joins every session within minutes of it, so one that a
        // wrapper stamped may be another session's request.
        var mint = mints.first { $0.time != nil && $0.hasIDs } ?? mints.first { $0.time != nil }
        // (A mint line without a time, as uvicorn prints them, still shows the TTL; so does the
        // app's line that printed the token when the access line of its request, stamped at the
        // request's whole second, comes first: gunicorn's `[11/Dec/2025:00:51:44 +0000] "GET
        // /getToken?room=… HTTP/1.1" 200` after `00:51:44,420 … minted token …: <JWT>`.)
        var minted = c.configuredTokenTTLSeconds == nil ? Self.mintedTTL(mint ?? mints.first) ?? mints.lazy.compactMap(Self.mintedTTL).first : nil
        // Without a configured TTL, the agent's own rejected token (`agent-AJ_…`) that the server
        // refreshed (exp - nbf = 10 min) has a known one: the server minted the job's first token
        // valid for 1 h (livekit/protocol agent/token.go BuildAgentToken). The backend's mint
        // lines are the users' tokens, not this one: their TTL (a 15-minute one would hide a
        // silent job process at 18 min) and their time do not apply to it. It must have expired
        // by its own claims at the failure (a token of another validity, such as a test server's
        // 2-second one, died of its own; one rejected before its exp is another matter: a clock).
        var agentJobTTL = false
        if c.configuredTokenTTLSeconds == nil, let claims = cascade.claims, claims.subject?.hasPrefix("agent-") ?? false,
            let validity = claims.validitySeconds, abs(Double(validity) - c.refreshedTokenValiditySeconds) <= 1,
            let exp = claims.expires, failedAt.hasDate, Timestamp(micros: exp * 1_000_000) <= failedAt {
            minted = (Self.agentJobTokenTTLSeconds, "agent job token (server-minted, 1 h)")
            agentJobTTL = true
            mint = nil
        }
        guard let ttl = c.configuredTokenTTLSeconds ?? minted?.seconds, var born = mint?.time ?? session.start else { return [] }
        // A rejected token older than the session's first line here (its nbf a minute or more
        // before it): the session began before these lines, in a log that starts late or in a
        // session finalised after `--session-idle` of silence that went on as a new one. The
        // token's nbf bounds the session's age.
        var firstLine: Timestamp?
        if mint == nil, born.hasDate, let nbf = cascade.claims?.notBefore {
            let issued = Timestamp(micros: nbf * 1_000_000)
            if issued.seconds(until: born) >= 60 {
                firstLine = born
                born = issued
            }
        }
        let lifetime = born.seconds(until: failedAt)
        guard lifetime >= 0, lifetime < ttl else { return [] }

        let ttlText = agentJobTTL ? "the \(humanDuration(ttl)) TTL the server mints the agent's job token with"
            : minted == nil ? "a configured \(humanDuration(ttl)) TTL" : "the \(humanDuration(ttl)) TTL it was minted with"
        var f = Finding(
            rule: descriptor.id, severity: .error, session: session, at: failedAt,
            message: "token dead after \(humanDuration(lifetime)) of \(ttlText)")
        f.values.append(("lifetimeSeconds", .number(lifetime)))
        if !cascade.confirmedExpired {
            f.explanation.append("the rejection is a body-less 401 on resume; the logs do not say `expired` in so many words")
        }
        f.values.append(("configuredTtlSeconds", .number(ttl)))
        if let source = minted?.source ?? c.configuredTokenTTLSource { f.values.append(("configuredTtlSource", .text(source))) }
        if let firstLine {
            f.explanation.append("the rejected token dates from \(born.humanString) (its nbf), before the session's first line here at \(firstLine.humanString), so its lifetime counts from then (a log that starts late, a session finalised after --session-idle of silence that went on as a new one, or a token minted a while before it was used); first rejected as expired \(failedAt.humanString)")
        } else {
            f.explanation.append("\(mint != nil ? "minted" : "session started") \(born.humanString), first rejected as expired \(failedAt.humanString)")
        }

        var causes: [String] = []
        let claims = cascade.claims
        // The agent's own token (identity `agent-AJ_…`) is the one the LiveKit server mints for
        // the job (1 h, livekit/protocol agent/token.go BuildAgentToken) and refreshes: no TTL
        // the app configures applies to it, and its validity says nothing of the app's code
        // (DOMAIN.md (c), fact 4).
        let agentToken = claims?.subject?.hasPrefix("agent-") ?? false
        /// When the refresh after the last one the client received was due (a server-refreshed token).
        var missedRefreshAt: Timestamp?
        /// How long before the failure the server last refreshed a server-refreshed token.
        var refreshAge: Double?
        if let claims, let validity = claims.validitySeconds {
            f.values.append(("tokenValiditySeconds", .number(Double(validity))))
            // (A refresh is minted valid for exactly 10 minutes, pkg/service/roommanager.go
            // tokenDefaultTTL; since v1.13.2 for the longer of that and the time left: never
            // less. A 5-minute token is the app's own.)
            if abs(Double(validity) - c.refreshedTokenValiditySeconds) <= 1 {
                causes.append("server-refreshed-token")
                var text = "the rejected token is valid for \(humanDuration(Double(validity))) (exp - nbf): a token the server minted at a refresh, not the "
                    + (agentJobTTL ? "\(humanDuration(ttl)) job token it minted first. " : "app's \(humanDuration(ttl)) token. ")
                    + "livekit-server before v1.13.2 replaces connected clients' tokens with 10-minute ones every 5 minutes, so the configured TTL stopped mattering after the first refresh"
                // (The nbf is an instant: a failure stamped with a time of day and no date
                // cannot be compared with it.)
                if let nbf = claims.notBefore, failedAt.hasDate {
                    let refreshed = Timestamp(micros: nbf * 1_000_000)
                    let since = refreshed.seconds(until: failedAt)
                    if since >= 0 {
                        missedRefreshAt = refreshed.adding(seconds: c.tokenRefreshIntervalSeconds)
                        refreshAge = since
                        f.values.append(("sinceLastRefreshSeconds", .number(since)))
                        text += "; its refresh at \(refreshed.humanString) was the last one received, \(humanDuration(since)) before the failure (refreshes are due every \(humanDuration(c.tokenRefreshIntervalSeconds)))"
                    } else {
                        // Rejected before the server minted it, as the failure's log tells time:
                        // that log runs behind the server's clock by at least as much.
                        text += "; its refresh at \(refreshed.humanString) is \(humanDuration(-since)) after the failure as its log stamps it: that log's time runs at least as far behind the server's (a log without a zone read in another zone than its own: --tz NAME=ZONE)"
                    }
                }
                f.explanation.append(text)
            } else if Double(validity) < ttl, !agentToken {
                causes.append("short-ttl-token")
                f.explanation.append("the rejected token was minted valid for only \(humanDuration(Double(validity))), shorter than the configured \(humanDuration(ttl)): the code that minted it does not use the configured TTL (starter templates mint 15-minute tokens)")
            }
        }
        // The agent's tokens all come from the server (the job's, then a refresh every 5 min):
        // one whose nbf is older than a refreshed token lives tells that nothing reached the
        // agent since, whatever the validity the server gave it.
        var agentUnreached = false
        if agentToken, missedRefreshAt == nil, let nbf = claims?.notBefore {
            let refreshed = Timestamp(micros: nbf * 1_000_000)
            let since = refreshed.seconds(until: failedAt)
            if since > c.refreshedTokenValiditySeconds + c.tokenLeewaySeconds {
                agentUnreached = true
                missedRefreshAt = refreshed.adding(seconds: c.tokenRefreshIntervalSeconds)
                f.values.append(("sinceLastRefreshSeconds", .number(since)))
                f.explanation.append("the server last minted or refreshed the agent's token at \(refreshed.humanString) (its nbf), \(humanDuration(since)) before the failure: a connected agent gets a new one every \(humanDuration(c.tokenRefreshIntervalSeconds)), so nothing reached it for that long")
            }
        }
        // livekit-server v1.13.2+ logs the joining token's expiry, and its refreshes keep it: a
        // token past that expiry died of its own TTL, whatever the silence before.
        var joinEvidence: SessionEvent?
        var diedAtOwnExpiry = false
        let joins = session.events.filter { e in
            if case .sessionStart = e.kind, e.side == .server, e.token?.expires != nil, e.time != nil { true } else { false }
        }
        // (The rejected token's own participant when its claims name it, else the first one
        // that is not an agent.)
        let subject = claims?.subject
        if let join = subject != nil ? joins.first(where: { $0.token?.subject == subject })
            : joins.first(where: { !($0.token?.subject?.hasPrefix("agent-") ?? false) }),
            let exp = join.token?.expires, let joinedAt = join.time
        {
            joinEvidence = join
            let expiry = Timestamp(micros: exp * 1_000_000)
            let validity = joinedAt.seconds(until: expiry)
            let who = join.token?.subject.map { "\($0)'s" } ?? "the participant's"
            f.values.append(("serverTokenExpiresAt", .text(expiry.iso8601)))
            let logged = "livekit-server logged at the join (\(joinedAt.humanString)) that \(who) token expires at \(expiry.humanString) (participantInit.TokenExpiresAt: v1.13.2 or later, whose refreshes keep that expiry)"
            if expiry.seconds(until: failedAt) >= -c.tokenLeewaySeconds, agentToken {
                // A connected agent's refreshes keep its token valid at least 10 minutes ahead
                // (pkg/service/roommanager.go refreshToken: the longer of 10 minutes and the
                // time left): past that expiry, none reached it.
                f.explanation.append(
                    logged + ": the agent's token is the one the server minted for the job (1 h, livekit/protocol agent/token.go), not the app's, so the configured TTL never applied to it; "
                        + "the server refreshes a connected agent's token to at least \(humanDuration(c.refreshedTokenValiditySeconds)) ahead, so it expired only because no refresh reached the agent")
            } else if expiry.seconds(until: failedAt) >= -c.tokenLeewaySeconds {
                diedAtOwnExpiry = true
                // (The rejected token's own validity may have said so already.)
                let said = causes.contains("short-ttl-token")
                causes.removeAll { $0 == "short-ttl-token" }
                causes.insert("short-ttl-token", at: 0)
                f.explanation.insert(
                    logged + ": the token was valid for \(humanDuration(validity)) from the join, not \(humanDuration(ttl)), and died at its own expiry"
                        + (said ? "" : " - the code that minted it does not use the configured TTL"), at: 0)
            } else {
                f.explanation.append(logged + ", after the failure: a server that keeps the expiry rejected it early, so its clock ran ahead or the client presented another token")
            }
        }
        /// The silence before the failure when it is too short to explain the death.
        var shortSilence: (gap: SilentGap, side: Side)?
        if let (gap, inputGap, gapSide) = cascade.silence(in: session) {
            // A silence shorter than a refreshed token lives still explains a server-refreshed
            // token's death when it began before the next refresh was due: a live process gets
            // that refresh (or notices the dead connection within seconds and resumes while its
            // token is valid).
            func explains(_ g: SilentGap) -> Bool {
                g.seconds >= c.suspensionThresholdSeconds || missedRefreshAt.map { g.from <= $0 } ?? false
            }
            // The whole log silent long enough on its own: the host, not the one job process (and
            // when the session's own lines had stopped earlier, for how long). In a log that merges
            // services whose LiveKit server went on logging, only the rest of it was silent.
            let whole = inputGap.flatMap { explains($0) ? $0 : nil }
            let wholeText = whole.map { g in
                (g.serverLogged ? "Every line of the log but the LiveKit server's was silent" : "The whole log was silent")
                    + (g.seconds < gap.seconds - 1 ? " for the last \(humanDuration(g.seconds)) of it (from \(g.from.humanString))" : "")
                    + (g.serverLogged
                        ? " while the server's kept coming, so the other services' host or container was suspended (laptop sleep, paused VM or container, SIGSTOP)"
                        : ", so the host itself was suspended (laptop sleep, paused VM or container, SIGSTOP)")
            }
            f.values.append(("silentGapSeconds", .number(gap.seconds)))
            // A rejected token the server never refreshed (not 10 minutes, shorter than the TTL)
            // is the app's own short token used for a new connection: a silence before it (a
            // browser console prints nothing during a healthy call) did not make it expire.
            let throughRefresh = missedRefreshAt.flatMap { due in gap.seconds < c.suspensionThresholdSeconds && explains(gap) ? due : nil }
            if !explains(gap) { shortSilence = (gap, gapSide) }
            if explains(gap), !causes.contains("short-ttl-token"), !diedAtOwnExpiry {
                causes.insert("suspended-host", at: 0)
                let why = throughRefresh.map { due in
                    "through the refresh due at \(due.humanString) (\(humanDuration(c.tokenRefreshIntervalSeconds)) after the last one it received): it never got it, "
                } ?? "longer than a refreshed token lives (\(humanDuration(c.refreshedTokenValiditySeconds)) + \(humanDuration(c.tokenLeewaySeconds)) leeway): no refresh could reach it "
                f.explanation.insert(
                    "the \(gapSide.rawValue) process logged nothing for \(humanDuration(gap.seconds)) before the failure (last line at \(gap.from.humanString), next at \(gap.to.humanString)), \(why)"
                        + "and nothing noticed the dead connection until it woke up and resumed with an expired token. "
                        + (wholeText ?? "Other lines of the same log kept coming, so the job process itself was stalled or paused")
                        + " - not a TTL setting.",
                    at: 0)
                f.evidence.append(Evidence(location: gap.fromLocation, time: gap.from, side: gapSide, text: "last line before the silence", role: "silence starts"))
                f.evidence.append(Evidence(location: gap.toLocation, time: gap.to, side: gapSide, text: "first line after the silence", role: "silence ends"))
            }
        }
        var reconnect: SessionEvent?
        if causes.first == "short-ttl-token", let (text, connect) = cascade.newConnection(in: session) {
            f.explanation.append(text)
            reconnect = connect
        }
        if causes.isEmpty, agentUnreached {
            // (No silence in the session's own lines: its start is not in them.)
            causes.append("suspended-host")
        }
        // A server-refreshed token older than the session's lines here (a log that starts late,
        // or a session finalised during the silence): its refresh was the last to reach the
        // client, longer ago than such a token lives, and a live client gets one every 5 min
        // or resumes within seconds while its token is valid (DOMAIN.md (c)): its host or
        // process was suspended, as for the agent's own token above.
        if causes == ["server-refreshed-token"], firstLine != nil, let age = refreshAge, age > c.suspensionThresholdSeconds {
            causes.insert("suspended-host", at: 0)
            f.explanation.append("nothing reached the client for \(humanDuration(age)): a live client gets a refresh every \(humanDuration(c.tokenRefreshIntervalSeconds)), or notices a dead connection within seconds and resumes while its token is still valid, so its host or process was suspended (its silence is not in these lines)")
        }
        if causes.isEmpty {
            causes.append("unknown")
            if let claims {
                f.explanation.append("no silence before the failure, and the rejected token's claims do not explain it (\(claims.summary)): check the backend's token TTL, the server's clock and its version (tokens are refreshed to 10-minute ones before v1.13.2)")
            } else if let (gap, side) = shortSilence {
                // (A silence was measured and reported in `silentGapSeconds`: not "no silence".)
                f.explanation.append("the \(side.rawValue) process logged nothing for \(humanDuration(gap.seconds)) before the failure (from \(gap.from.humanString)), less than a refreshed token lives (\(humanDuration(c.refreshedTokenValiditySeconds)) + \(humanDuration(c.tokenLeewaySeconds)) leeway), and the logs hold no token claims: check the backend's token TTL and the server version (tokens are refreshed to 10-minute ones before v1.13.2)")
            } else {
                f.explanation.append("no silence before the failure and no token claims in the logs: check the backend's token TTL and the server version (tokens are refreshed to 10-minute ones before v1.13.2)")
            }
        }
        f.values.append(("cause", .text(causes[0])))
        f.message += " (\(Self.causeText[causes[0]] ?? causes[0]))"
        if let joinEvidence { f.evidence.insert(Evidence(joinEvidence, role: "expiry logged at join"), at: 0) }
        if let mint { f.evidence.insert(Evidence(mint, role: "token minted"), at: 0) }
        if let reconnect { f.evidence.append(Evidence(reconnect, role: "connected anew")) }
        if cascade.first.kind == .authFailure(.expired) {
            f.evidence.append(Evidence(cascade.first, role: "rejected as expired"))
            f.primaryEvidence = f.evidence.count - 1
        } else {
            f.evidence.append(Evidence(cascade.first, role: "first rejection (401)"))
            f.primaryEvidence = f.evidence.count - 1
            if let expired = cascade.failures.first(where: { $0.kind == .authFailure(.expired) }) {
                f.evidence.append(Evidence(expired, role: "rejected as expired"))
            }
        }
        return f.evidence.isEmpty ? [] : [f]
    }

    static let causeText = [
        "suspended-host": "most likely a suspended host or process",
        "server-refreshed-token": "a server-refreshed 10-minute token was not refreshed again",
        "short-ttl-token": "the token was minted with a short TTL",
        "unknown": "cause not visible in these logs",
    ]
}
