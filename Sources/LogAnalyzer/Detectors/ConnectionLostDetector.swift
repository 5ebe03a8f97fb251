/// `connection-lost`: a client lost its connection to LiveKit and gave up reconnecting (the call
/// dropped), for a reason other than the ones other rules explain (an expired or refused token,
/// the server's crash or stop).
///
/// Reads the clients' give-ups (the agent's Rust SDK `failed to reconnect to the livekit room`,
/// the browser's `could not recover connection after N attempts, Nms. giving up`, the worker's
/// `failed to connect to livekit after N attempts`), the losses and attempts before them
/// (`received session close`, `resuming connection failed: …`, `websocket closed`, `resuming
/// signal connection, attempt N`), and what the attempts failed with: `Connection refused`
/// (nothing listens on the server's address: the server or the proxy's backend is down or
/// restarting), a timeout (the network: a firewall, a route, the host's connectivity), a name
/// that did not resolve (DNS), an HTTP 5xx (the proxy in front of the server). A session with a
/// 401 from shortly before the loss on (`auth-expiry-cascade`, `auth-credentials`, `early-token-death`) or with
/// the server's crash or stop (`server-exit`) is those rules'. One finding per session.
/// Known false positives: none known; a client that gave up and whose app then reconnected in a
/// new session is still reported (the call was cut).
public struct ConnectionLostDetector: Detector {
    public init() {}

    /// How long before the first loss a 401 still explains it.
    static let authWindow = 120.0
    /// Losses of other clients this close to it are the same outage's.
    static let togetherSeconds = 10.0

    public var descriptor: RuleDescriptor {
        RuleDescriptor(
            id: "connection-lost", name: "ConnectionLost",
            summary: "A client (the agent or the browser) lost its connection to LiveKit and gave up reconnecting, for no token reason and with no server crash or stop in the logs: the call dropped.",
            defaultSeverity: .error,
            help: "Read what the reconnect attempts failed with. `Connection refused`: nothing listened on the server's address (the server, or the backend of the proxy in front of it, was down or restarting: its own log and its supervisor's events tell why). A timeout: the network between the client and the server (a firewall's UDP/TCP ports, a route, the host's connectivity). A name that did not resolve: DNS. An HTTP 5xx: the proxy in front of the server.",
            examples: [
                DetectorExample("the agent's reconnects were refused and it gave up", triggers: true, log: """
                    {"message": "livekit::rtc_engine:453:livekit::rtc_engine - received session close: \\"signal client closed: \\\\\\"stream closed\\\\\\"\\" UnknownReason Resume", "level": "WARNING", "name": "livekit", "pid": 5120, "job_id": "AJ_ikLgRDmSdOXj", "timestamp": "2026-01-01T00:00:00.000000+00:00"}
                    {"message": "livekit::rtc_engine:731:livekit::rtc_engine - resuming connection failed: signal failure: ws failure: IO error: Connection refused (os error 111)", "level": "ERROR", "name": "livekit", "pid": 5120, "job_id": "AJ_ikLgRDmSdOXj", "timestamp": "2026-01-01T00:00:00.010000+00:00"}
                    {"message": "livekit::rtc_engine:786:livekit::rtc_engine - failed to reconnect to the livekit room", "level": "ERROR", "name": "livekit", "pid": 5120, "job_id": "AJ_ikLgRDmSdOXj", "timestamp": "2026-01-01T00:00:45.000000+00:00"}
                    """),
                DetectorExample("a connection that came back is no drop", triggers: false, log: """
                    {"message": "livekit::rtc_engine:453:livekit::rtc_engine - received session close: \\"signal client closed: \\\\\\"ping timeout\\\\\\"\\" UnknownReason Resume", "level": "WARNING", "name": "livekit", "pid": 5120, "job_id": "AJ_ikLgRDmSdOXj", "timestamp": "2026-01-01T00:00:00.000000+00:00"}
                    {"message": "livekit::rtc_engine:729:livekit::rtc_engine - resuming connection... attempt: 0", "level": "ERROR", "name": "livekit", "pid": 5120, "job_id": "AJ_ikLgRDmSdOXj", "timestamp": "2026-01-01T00:00:00.010000+00:00"}
                    """),
            ])
    }

    /// What the reconnect attempts failed with, from their texts (the first that says).
    enum Cause: String {
        case refused, timeout, dns, http, unknown
    }

    static func cause(of text: String) -> Cause? {
        if text.contains("Connection refused") || text.contains("ECONNREFUSED") || text.contains("connection refused") { return .refused }
        if text.contains("failed to lookup address") || text.contains("Name or service not known") || text.contains("ENOTFOUND")
            || text.contains("nodename nor servname") || text.contains("no such host")
        {
            return .dns
        }
        if text.contains("timed out") || text.contains("Timeout") || text.contains("timeout") || text.contains("ETIMEDOUT") { return .timeout }
        if text.contains("HTTP") || text.contains("status") {
            for code in ["500", "502", "503", "504"] where text.contains(" \(code)") { return .http }
        }
        return nil
    }

    public func detect(_ session: Session, configuration: AnalysisConfiguration) -> [Finding] {
        let events = session.events
        // (By index and the kinds' cases: most sessions have no give-up, and end here.)
        var giveUp = -1
        for i in events.indices {
            switch events[i].kind {
            case .gaveUp where events[i].side != .server && giveUp < 0 && events[i].time != nil: giveUp = i
            case .serverCrash, .serverShutdown: return []
            default: continue
            }
        }
        guard giveUp >= 0, let gaveUpAt = events[giveUp].time else { return [] }
        let side = events[giveUp].side
        // The loss it ends: the side's first loss or attempt after its last recovery before it.
        var first = giveUp
        back: for k in stride(from: giveUp - 1, through: 0, by: -1) where events[k].side == side {
            switch events[k].kind {
            case .recovered: break back
            case .connectionLost, .resumeAttempt: first = k
            default: continue
            }
        }
        let lostAt = events[first].time ?? gaveUpAt
        // A 401 from shortly before the loss on is a token's (other rules'): also one when the
        // app connected anew after the give-up (a browser at info level logs no 401 of its
        // resumes; the server's rejections of its token then come with the app's next connect).
        for i in events.indices {
            guard case .authFailure = events[i].kind, let t = events[i].time else { continue }
            if lostAt.seconds(until: t) >= -Self.authWindow { return [] }
        }
        // What the attempts failed with (`resuming connection failed: …`), else what the loss or
        // the give-up said (`signal client closed: "ping timeout"`).
        var cause = Cause.unknown
        var causeEvent: SessionEvent?
        search: for attemptsOnly in [true, false] {
            for i in first...giveUp where events[i].side == side {
                if attemptsOnly, case .resumeAttempt = events[i].kind {} else if attemptsOnly { continue }
                if let c = Self.cause(of: events[i].text) {
                    cause = c
                    causeEvent = events[i]
                    break search
                }
            }
        }
        // The other clients that lost the connection within seconds of it: the server's side.
        var others: [Side] = []
        for i in events.indices where events[i].side != side && events[i].side != .server && !others.contains(events[i].side) {
            switch events[i].kind {
            case .connectionLost, .resumeAttempt, .gaveUp:
                if let t = events[i].time, abs(lostAt.seconds(until: t)) <= Self.togetherSeconds { others.append(events[i].side) }
            default: continue
            }
        }
        let lasted = lostAt.seconds(until: gaveUpAt)
        let what: String
        switch cause {
        case .refused: what = "every reconnect was refused: nothing listened on the server's address"
        case .timeout: what = "its reconnects timed out: the server did not answer"
        case .dns: what = "the server's name did not resolve"
        case .http: what = "the proxy in front of the server answered with an HTTP 5xx"
        case .unknown: what = "the reconnects failed"
        }
        var f = Finding(
            rule: descriptor.id, severity: .error, session: session, at: lostAt,
            message: "the \(side.rawValue) lost its connection to LiveKit and gave up reconnecting after \(humanDuration(lasted)): \(what); the call dropped")
        f.values.append(("side", .text(side.rawValue)))
        f.values.append(("cause", .text(cause.rawValue)))
        f.values.append(("reconnectSeconds", .number(lasted)))
        f.values.append(("sides", .list(([side] + others).sorted().map(\.rawValue))))
        f.explanation.append("the \(side.rawValue) lost the connection at \(lostAt.humanString) and gave up at \(gaveUpAt.humanString) (`\(events[giveUp].text)`): it did not come back into the room")
        switch cause {
        case .refused:
            f.explanation.append("`Connection refused`: the server's port had no listener: livekit-server (or the backend behind its proxy or load balancer) was down or restarting. Its own log shows no crash or stop here: it was killed (SIGKILL, the OOM killer: `dmesg`, `kubectl describe pod`) or its log is not among the inputs")
        case .timeout:
            f.explanation.append("a timeout: the server did not answer at all: the network between the \(side.rawValue) and the server (a firewall's ports, a route, the host's own connectivity), or a server too loaded to answer")
        case .dns:
            f.explanation.append("the server's host name did not resolve: DNS, or the host's network")
        case .http:
            f.explanation.append("an HTTP 5xx from the proxy or load balancer in front of livekit-server: its backend was down or unhealthy")
        case .unknown:
            f.explanation.append("the attempts' lines do not say why they failed; the server's log at that time does (include it)")
        }
        if !others.isEmpty {
            f.explanation.append("the \(others.map(\.rawValue).joined(separator: " and ")) lost the connection within \(Int(Self.togetherSeconds)) s of it: all the clients at once, so the cause is on the server's side (the server, its host, its proxy or their network), not one client's network")
        }
        if let end = session.serverEnd, end < lostAt, side != .server {
            f.explanation.append("the server's last line for the session was at \(end.humanString), \(humanDuration(end.seconds(until: lostAt))) before the loss")
        }
        f.explanation.append("not an authentication problem: no 401 from shortly before the loss on")
        f.evidence.append(Evidence(events[first], role: "connection lost"))
        if let causeEvent, causeEvent.location != events[first].location { f.evidence.append(Evidence(causeEvent, role: "reconnect failed")) }
        f.evidence.append(Evidence(events[giveUp], role: "gave up"))
        return [f]
    }
}
