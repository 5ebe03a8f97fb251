/// `server-exit`: livekit-server went away while the session was live, and the session's clients
/// lost their connection to it then: it crashed, or it was stopping and ended before the session.
///
/// Reads the server's Go runtime crash report (`panic: …` or `fatal error: …`, then
/// `goroutine N [running]:` and its frames: runtime/panic.go, printed to stderr with no time, no
/// level and no ids, so it joins the sessions of its log live at its time, the log's last line
/// before it) and its stop request (`exit requested, shutting down` {`signal`, `force`}, INFO,
/// cmd/server/main.go, v1.4 to HEAD: on SIGTERM the server drains and waits for its participants,
/// `waiting for participants to exit`), and the clients' connection losses, reconnect attempts,
/// recoveries and give-ups after it (the agent's Rust SDK `received session close … "stream
/// closed"`, `resuming connection failed: … Connection refused`, `failed to reconnect to the
/// livekit room`; the worker's `failed to connect to livekit, retrying in Ns`; the browser's
/// `websocket closed`, `could not recover connection after N attempts`). After a crash, a loss
/// counts when it comes within 2 min of the crash's time (a lower bound: the crash came at or
/// after the server's last line); after a stop request, the first loss after it when the server
/// logged nothing more of the session (a server that is still up logs the resume).
/// The report is taken as livekit-server's whatever its log is named: of the programs whose logs
/// the tool reads, only the server is written in Go (the agents are Python or Node).
/// Known false positives: another Go program's crash (LiveKit's egress or ingress) written into the
/// server's log, followed within 2 min by a loss of the session's. Not reported: a server gone
/// without any client's log (nothing shows that the session was still connected), a server killed
/// without a stop request or a crash report (SIGKILL, the OOM killer: its lines just stop).
public struct ServerExitDetector: Detector {
    public init() {}

    /// How long after the crash's time (its log's last line before it) a client's loss is its.
    static let window = 120.0

    public var descriptor: RuleDescriptor {
        RuleDescriptor(
            id: "server-exit", name: "ServerExit",
            summary: "The LiveKit server went away while the session was live (it crashed, or it was stopping and ended first), and its clients lost their connection.",
            defaultSeverity: .error,
            help: "A crash: read the panic and the first frames of the crashing goroutine in the server's log: a bug of livekit-server (report it with the stack and the version) or of its host (out of memory: `fatal error: runtime: out of memory`). A stop: the server waits for its participants after SIGTERM; give it the time your sessions last before it is killed (Kubernetes' terminationGracePeriodSeconds, 30 s by default). A client that gave up needs the app to reconnect.",
            examples: [
                DetectorExample("the server panicked and the agent lost its room", triggers: true, log: """
                    2026-01-01T00:00:00.000Z\tINFO\tlivekit\tservice/roommanager.go:411\tstarting RTC session\t{"room": "support-room", "roomID": "RM_8JBQ2nlrFwSs", "participant": "agent-AJ_ikLgRDmSdOXj", "pID": "PA_Yh2rB6vLc9Tp", "remote": false, "nodeID": "ND_q3Lk8Wv2Xn5R", "numParticipants": 1}
                    panic: runtime error: invalid memory address or nil pointer dereference
                    [signal SIGSEGV: segmentation violation code=0x1 addr=0x28 pc=0x1a7f3c4]

                    goroutine 4711 [running]:
                    github.com/livekit/livekit-server/pkg/rtc.(*ParticipantImpl).onSubscribedTo(0xc000a1e000, {0x0, 0x0})
                    \t/workspace/pkg/rtc/participant.go:2261 +0x44
                    {"message": "livekit::rtc_engine:453:livekit::rtc_engine - received session close: \\"signal client closed: \\\\\\"stream closed\\\\\\"\\" UnknownReason Resume", "level": "WARNING", "name": "livekit", "pid": 5120, "job_id": "AJ_ikLgRDmSdOXj", "timestamp": "2026-01-01T00:00:03.000000+00:00"}
                    """),
                DetectorExample("the server was stopping and its connections dropped", triggers: true, log: """
                    2026-01-01T00:00:00.000Z\tINFO\tlivekit\tservice/roommanager.go:411\tstarting RTC session\t{"room": "support-room", "roomID": "RM_8JBQ2nlrFwSs", "participant": "agent-AJ_ikLgRDmSdOXj", "pID": "PA_Yh2rB6vLc9Tp", "remote": false, "nodeID": "ND_q3Lk8Wv2Xn5R", "numParticipants": 1}
                    2026-01-01T00:00:10.000Z\tINFO\tlivekit\tserver/main.go:291\texit requested, shutting down\t{"signal": "terminated", "force": false}
                    {"message": "livekit::rtc_engine:453:livekit::rtc_engine - received session close: \\"signal client closed: \\\\\\"stream closed\\\\\\"\\" UnknownReason Resume", "level": "WARNING", "name": "livekit", "pid": 5120, "job_id": "AJ_ikLgRDmSdOXj", "timestamp": "2026-01-01T00:00:40.000000+00:00"}
                    """),
                DetectorExample("a connection loss without a crash is no crash", triggers: false, log: """
                    2026-01-01T00:00:00.000Z\tINFO\tlivekit\tservice/roommanager.go:411\tstarting RTC session\t{"room": "support-room", "roomID": "RM_8JBQ2nlrFwSs", "participant": "agent-AJ_ikLgRDmSdOXj", "pID": "PA_Yh2rB6vLc9Tp", "remote": false, "nodeID": "ND_q3Lk8Wv2Xn5R", "numParticipants": 1}
                    {"message": "livekit::rtc_engine:453:livekit::rtc_engine - received session close: \\"signal client closed: \\\\\\"ping timeout\\\\\\"\\" UnknownReason Resume", "level": "WARNING", "name": "livekit", "pid": 5120, "job_id": "AJ_ikLgRDmSdOXj", "timestamp": "2026-01-01T00:00:03.000000+00:00"}
                    """),
            ])
    }

    public func detect(_ session: Session, configuration: AnalysisConfiguration) -> [Finding] {
        // (One pass over the events by their kinds' cases: `==` on the kind, a generic compare of
        // an enum with payloads, cost some 1,000 instructions a session.)
        var crash: Int?, stop: Int?
        for (i, e) in session.events.enumerated() {
            switch e.kind {
            case .serverCrash where crash == nil: crash = i
            case .serverShutdown where stop == nil: stop = i
            default: continue
            }
        }
        if let i = crash, let at = session.events[i].time, let f = finding(session, session.events[i], at, window: Self.window, crashed: true) {
            return [f]
        }
        if let i = stop, let at = session.events[i].time, let f = finding(session, session.events[i], at, window: nil, crashed: false) {
            return [f]
        }
        return []
    }

    /// The finding for the server's end `exit` (at `at`), when the clients lost the connection
    /// after it (within `window` seconds, when given).
    private func finding(_ session: Session, _ exit: SessionEvent, _ at: Timestamp, window: Double?, crashed: Bool) -> Finding? {
        // The clients' lines after the server's end: their loss, their attempts, how it ended.
        let losses = session.events.filter { e in
            guard e.side != .server, let t = e.time else { return false }
            let d = at.seconds(until: t)
            guard d >= 0, window.map({ d <= $0 }) ?? true else { return false }
            switch e.kind {
            case .connectionLost, .resumeAttempt, .gaveUp: return true
            default: return false
            }
        }
        guard let firstLoss = losses.first, let lostAt = firstLoss.time else { return nil }
        // A server that was stopping and still logs the session after the loss was still up.
        if !crashed, let last = session.serverEnd, last > lostAt { return nil }
        let recovery = session.events.first { e in e.kind == .recovered && e.side != .server && (e.time.map { $0 >= lostAt } ?? false) }
        let gaveUp = session.events.filter { e in e.kind == .gaveUp && (e.time.map { $0 >= lostAt } ?? false) }
        let recovered = recovery != nil ? "yes" : (gaveUp.isEmpty ? "unknown" : "no")
        let sides = Array(Set(losses.map(\.side))).sorted()
        let delay = at.seconds(until: lostAt)
        let who = sides.map(\.rawValue).joined(separator: " and ")
        let outcome = recovered == "yes" ? "and reconnected" : recovered == "no" ? "and gave up reconnecting" : "recovery not logged"
        var f = Finding(
            rule: descriptor.id, severity: recovery != nil ? .warning : .error, session: session, at: at,
            message: crashed
                ? "livekit-server crashed while the session was live (\(exit.text)): \(who) lost the connection \(formatFixed(delay, 2)) s after the server's last line, \(outcome)"
                : "livekit-server was stopping (\(exit.text)) and ended before the session: \(who) lost the connection \(humanDuration(delay)) after the stop request, \(outcome)")
        f.values.append(("cause", .text(crashed ? "crash" : "shutdown")))
        f.values.append(("recovered", .text(recovered)))
        f.values.append(("sides", .list(sides.map(\.rawValue))))
        f.values.append(("lostAfterSeconds", .number(delay)))
        if crashed {
            f.explanation.append("a Go runtime crash report (`panic: …` or `fatal error: …` with its goroutines' stacks) ends the livekit-server process: every room and connection it held ends with it, and no `participant closing` or `room closed` is logged for them")
            f.explanation.append("the report has no time of its own: the server's last line before it was at \(at.humanString), so the crash came at or after it; the clients' first loss was at \(lostAt.humanString)")
        } else {
            f.explanation.append("on SIGTERM (or SIGINT, SIGQUIT) the server takes no new rooms and waits for its participants to leave (`waiting for participants to exit`, every 5 s); the connections dropped \(humanDuration(delay)) after the request with nothing more logged of the session by the server: the process was killed before its participants left (a supervisor's grace period, Kubernetes' terminationGracePeriodSeconds, 30 s by default), or it was restarted")
        }
        switch recovered {
        case "yes": f.explanation.append("the session reconnected at \(recovery!.time?.humanString ?? "?") (a restarted server, or another node)")
        case "no": f.explanation.append("\(Array(Set(gaveUp.map(\.side))).sorted().map(\.rawValue).joined(separator: " and ")) gave up reconnecting: nothing answered on the server's address while they retried")
        default: break
        }
        f.explanation.append("not an authentication problem: the clients' tokens play no part in a server that went away")
        f.evidence.append(Evidence(exit, role: crashed ? "server crash" : "server stopping"))
        var seen: Set<Side> = []
        for e in losses where !seen.contains(e.side) && (e.kind != .resumeAttempt || losses.allSatisfy { $0.side != e.side || $0.kind == .resumeAttempt }) {
            seen.insert(e.side)
            f.evidence.append(Evidence(e, role: "connection lost"))
        }
        if let recovery { f.evidence.append(Evidence(recovery, role: "recovered")) }
        for e in gaveUp.prefix(2) { f.evidence.append(Evidence(e, role: "gave up")) }
        return f
    }
}
