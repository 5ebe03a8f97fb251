/// `auth-expiry-cascade`: after a connection loss, the run of `401 … token is expired` failures
/// of one session on every side (agent resume/restart, server `error handling request`, browser
/// connection errors), with its trigger, whether the session recovered and the token's claims.
///
/// Reads auth-failure, connection-loss, reconnect, recovery and give-up events.
/// Known false positives: none from provider 401s (`livekit.plugins.*`, OpenAI `session_expired`
/// are excluded by the classifier); a body-less `401 Unauthorized` joins a cascade only next to a
/// `token is expired`.
public struct AuthExpiryCascadeDetector: Detector {
    public init() {}

    public var descriptor: RuleDescriptor {
        RuleDescriptor(
            id: "auth-expiry-cascade", name: "AuthExpiryCascade",
            summary: "After a connection loss every reconnect was rejected with 401 token is expired.",
            defaultSeverity: .error,
            help: "The client tried to resume with a token that had expired. LiveKit servers before v1.13.2 refresh tokens to 10-minute ones every 5 minutes, "
                + "so this usually means no refresh reached the client for over 10 minutes (a suspended host or a long outage). See early-token-death for the cause.",
            examples: [
                DetectorExample("incident app log", triggers: true, log: """
                    01:09:16 - worker connection closed unexpectedly
                    01:09:16 - resuming connection failed: 401 Unauthorized - token is expired
                    01:09:17 - invalid token: token is expired (exp)
                    """),
                DetectorExample("Rust resume 401 without body", triggers: true, log: """
                    {"message": "livekit::rtc_engine:453:livekit::rtc_engine - received session close: \\"signal client closed: \\\\\\"stream closed\\\\\\"\\" UnknownReason Resume", "level": "WARNING", "name": "livekit", "job_id": "AJ_aaaaaaaaaaaa", "timestamp": "2026-01-01T00:20:00+00:00"}
                    {"message": "livekit::rtc_engine:731:livekit::rtc_engine - resuming connection failed: signal failure: ws failure: HTTP error: 401 Unauthorized", "level": "ERROR", "name": "livekit", "job_id": "AJ_aaaaaaaaaaaa", "timestamp": "2026-01-01T00:20:01+00:00"}
                    """),
                DetectorExample("provider 401 from a plugin", triggers: false, log: """
                    {"message": "failed to generate LLM completion: Error code: 401 - Unauthorized", "level": "ERROR", "name": "livekit.plugins.openai", "timestamp": "2026-01-01T00:00:00+00:00"}
                    """),
                DetectorExample("OpenAI realtime session limit", triggers: false, log: """
                    {"message": "OpenAI Realtime API returned an error: session_expired: Your session hit the maximum duration of 15 minutes.", "level": "ERROR", "name": "livekit.plugins.openai.realtime", "timestamp": "2026-01-01T00:00:00+00:00"}
                    """),
                DetectorExample("nbf clock skew is another rule", triggers: false, log: """
                    2026-01-01T00:00:00.000Z\tWARN\tlivekit\tservice/utils.go:54\terror handling request\t{"status": 401, "error": "invalid token: x, error: go-jose/go-jose/jwt: validation failed, token not valid yet (nbf)"}
                    """),
            ])
    }

    public func detect(_ session: Session, configuration: AnalysisConfiguration) -> [Finding] {
        TokenEvidence.cascades(in: session).map { cascade in finding(cascade, session, configuration) }
    }

    private func finding(_ cascade: TokenEvidence, _ session: Session, _ configuration: AnalysisConfiguration) -> Finding {
        let first = cascade.first
        let failures = cascade.failures
        let sides = Array(Set(failures.map(\.side))).sorted()
        let firstTime = first.time
        // Trigger: the connection losses from 2 minutes before the first failure to 2 s after it
        // (a line of the same moment may be written just after) are candidates. The one nearest
        // the failure marks the moment; of the losses within 5 s before it, the earliest is the
        // trigger (the worker's `failed to connect` a few ms before the room's signal close). A
        // loss a minute earlier is another moment: a worker's id-less loss joins every session
        // it was running, not only the one whose resume failed then.
        // Without times, the last loss before the first untimed failure in its own input.
        var candidates: [(seconds: Double, event: SessionEvent)] = []
        var untimed: SessionEvent?
        let untimedFailure = failures.first { $0.time == nil } ?? first
        // A loss is also admitted by its time before its own input's first failure when that one
        // is of the same moment (within 10 s of the first): another source's clock may be seconds
        // off (a server 2.3 s behind put its 401 before the worker's loss, out of the window: no
        // trigger). The choice among the candidates stays by their times before the first failure.
        var firstByInput: [Int: Timestamp] = [:]
        if let f = firstTime {
            for e in failures {
                guard let t = e.time, abs(f.seconds(until: t)) <= 10 else { continue }
                if let known = firstByInput[e.location.input], known <= t { continue }
                firstByInput[e.location.input] = t
            }
        }
        for e in session.events {
            guard case .connectionLost = e.kind else { continue }
            guard let t = e.time, let f = firstTime else {
                if e.location.input == untimedFailure.location.input, e.location < untimedFailure.location { untimed = e }
                continue
            }
            let before = t.seconds(until: f)
            let own = firstByInput[e.location.input].map { t.seconds(until: $0) } ?? before
            if (before >= -2 && before <= 120) || (own >= -2 && own <= 120) { candidates.append((before, e)) }
        }
        var trigger = untimed
        if let nearest = candidates.min(by: { abs($0.seconds) < abs($1.seconds) }) {
            trigger = candidates.filter { $0.seconds >= nearest.seconds && $0.seconds <= nearest.seconds + 5 }
                .max { ($0.seconds, $1.event.location) < ($1.seconds, $0.event.location) }?.event
        }
        let lastFailure = failures.last!
        func afterLastFailure(_ e: SessionEvent) -> Bool {
            e.time.flatMap { t in lastFailure.time.map { t >= $0 } } ?? (e.location > lastFailure.location)
        }
        let newConnection = cascade.newConnection(in: session)
        // The app's own connect() was rejected (its kept token had expired): when the same
        // browser then logs `signal connected` (livekit-client SignalClient, a connect() with a
        // token the app fetched again), the session came back. Only for a cascade on the
        // browser's side alone: an agent that gave up is not brought back by the browser.
        let browserInputs = Set(failures.filter { $0.side == .browser }.map(\.location.input))
        let reconnected =
            newConnection != nil && !failures.contains { $0.side == .agent }
            ? session.events.first { e in
                e.kind == .sessionStart && e.side == .browser && browserInputs.contains(e.location.input)
                    && (e.text == "signal connected" || e.text.hasPrefix("signal connected ")) && afterLastFailure(e)
            } : nil
        let recovery = session.events.first { e in e.kind == .recovered && afterLastFailure(e) } ?? reconnected
        let gaveUp = session.events.first { e in
            e.kind == .gaveUp && (e.time.flatMap { t in firstTime.map { t >= $0 } } ?? (e.location > first.location))
        }
        var f = Finding(
            rule: descriptor.id, severity: recovery == nil ? .error : .warning, session: session, at: firstTime,
            message: "\(failures.count) authentication failure\(failures.count == 1 ? "" : "s") (\(cascade.confirmedExpired ? "401 token is expired" : "401 Unauthorized on resume")) from \(firstTime?.humanString ?? "?") on \(sides.map(\.rawValue).joined(separator: ", "))")
        f.values.append(("failures", .integer(failures.count)))
        f.values.append(("expiredConfirmed", .text(cascade.confirmedExpired ? "yes" : "no")))
        if !cascade.confirmedExpired {
            f.explanation.append("the 401 body was not logged (the Rust SDK does not read it on resume); after a connection loss a rejected resume token is an expired one - add the server or browser log to confirm")
        }
        if let firstTime { f.values.append(("firstAt", .time(firstTime))) }
        f.values.append(("sides", .list(sides.map(\.rawValue))))
        var perSide: [(String, FindingValue)] = []
        for side in sides { perSide.append((side.rawValue, .integer(failures.filter { $0.side == side }.count))) }
        f.values.append(("failuresBySide", .object(perSide)))
        if case .connectionLost(let label)? = trigger?.kind {
            f.values.append(("trigger", .text(label)))
            f.explanation.append("trigger: \(label) at \(trigger!.time?.humanString ?? "?")")
        }
        let recovered = recovery != nil ? "yes" : (gaveUp != nil ? "no" : "unknown")
        f.values.append(("recovered", .text(recovered)))
        switch recovered {
        case "yes": f.explanation.append("the session recovered at \(recovery!.time?.humanString ?? "?")")
        case "no": f.explanation.append("the session did not recover: gave up at \(gaveUp!.time?.humanString ?? "?")")
        default: f.explanation.append("no recovery was logged")
        }
        if let claims = cascade.claims {
            f.values.append(("token", claims.findingValue))
            f.explanation.append("rejected token: \(claims.summary)")
        }
        if let (count, low, high) = cascade.mintedBehind(leeway: configuration.tokenLeewaySeconds, refreshedValidity: configuration.refreshedTokenValiditySeconds) {
            let range = humanDuration(low) == humanDuration(high) ? humanDuration(low) : "\(humanDuration(low)) to \(humanDuration(high))"
            f.explanation.append("each of the \(count) tokens, minted at different times, was first rejected \(range) after its nbf, past its validity: they were expired when sent, so the clock of the host that mints them runs about that far behind the server's (or the app sends tokens it minted that long before)")
        }
        if let trigger { f.evidence.append(Evidence(trigger, role: "trigger")) }
        // A token that expired before it was sent: the app's own connect() with a kept token.
        if let (text, connect) = newConnection {
            f.explanation.append(text)
            f.evidence.append(Evidence(connect, role: "connected anew"))
        }
        f.primaryEvidence = f.evidence.count
        f.evidence.append(Evidence(first, role: "first 401"))
        for side in sides where side != first.side {
            if let e = failures.first(where: { $0.side == side }) { f.evidence.append(Evidence(e, role: "first 401 (\(side.rawValue))")) }
        }
        var end: [Evidence] = []
        // (Not when the last 401 is a side's first, listed already: one browser line after the
        // server's two.)
        if failures.count > 1, !f.evidence.contains(where: { $0.location == lastFailure.location }) {
            end.append(Evidence(lastFailure, role: "last 401"))
        }
        if let recovery { end.append(Evidence(recovery, role: "recovered")) } else if let gaveUp { end.append(Evidence(gaveUp, role: "gave up")) }
        // The last 401 after the end when one side gave up (or recovered) while another still
        // retried: in time order, as a timeline reads.
        if end.count == 2, let last = end[0].time, let ended = end[1].time, ended < last { end.swapAt(0, 1) }
        f.evidence += end
        return f
    }
}
