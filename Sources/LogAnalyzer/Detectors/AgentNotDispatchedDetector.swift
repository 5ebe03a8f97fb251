/// `agent-not-dispatched`: the LiveKit server had no worker for the agent a room asked for, so
/// no agent joined it.
///
/// Reads the server's `not dispatching agent job since no worker is available` {`agentName`,
/// `jobType`, `room`, `roomID`} (INFO, livekit/livekit pkg/agent/client.go LaunchJob, v1.7.1 to
/// HEAD; earlier servers gave neither room nor agent name). The server logs it for a dispatch of a
/// named agent (explicit dispatch, `agent_name`) when no worker registered under that name: an
/// unnamed dispatch goes to every worker's namespace and is never refused this way.
/// Known false positives: none known; a warning, not an error, when a job of the session was
/// logged all the same (another dispatch reached a worker).
public struct AgentNotDispatchedDetector: Detector {
    public init() {}

    public var descriptor: RuleDescriptor {
        RuleDescriptor(
            id: "agent-not-dispatched", name: "AgentNotDispatched",
            summary: "The LiveKit server had no worker registered for the agent the room asked for, so no agent joined.",
            defaultSeverity: .error,
            help: "Start a worker registered under that agent name (WorkerOptions(agent_name=…)) and check that it registered (`registered worker`), or dispatch the name the worker uses.",
            examples: [
                DetectorExample("no worker for the named agent", triggers: true, log: """
                    2026-01-01T00:00:00.000Z\tINFO\tlivekit\tagent/client.go:150\tnot dispatching agent job since no worker is available\t{"agentName": "support-agent", "jobType": "JT_ROOM", "room": "support-room", "roomID": "RM_8JBQ2nlrFwSs"}
                    """),
                DetectorExample("a registered worker is another line", triggers: false, log: """
                    2026-01-01T00:00:00.000Z\tINFO\tlivekit.agents\tservice/agentservice.go:298\tworker registered\t{"namespace": "", "jobType": "JT_ROOM", "agentName": "support-agent", "workerID": "AW_z5g7KvFN5D9u"}
                    """),
            ])
    }

    public func detect(_ session: Session, configuration: AnalysisConfiguration) -> [Finding] {
        let refused = session.events.filter { if case .agentNotDispatched = $0.kind { return true } else { return false } }
        guard let first = refused.first, case .agentNotDispatched(let name) = first.kind else { return [] }
        let agent = name.isEmpty ? "the agent" : "agent `\(name)`"
        let joined = !session.jobIds.isEmpty
        var f = Finding(
            rule: descriptor.id, severity: joined ? .warning : .error, session: session, at: first.time,
            message: "no worker was registered for \(agent) when the room asked for it: the server dispatched no agent (not dispatching agent job since no worker is available)")
        f.values.append(("agentName", .text(name)))
        f.values.append(("refusals", .integer(refused.count)))
        f.explanation.append("the server sends a dispatch of a named agent only to workers registered under that `agent_name`; at that moment none was: the worker was down or still starting, or it registered under another name")
        f.explanation.append(joined
            ? "a job of this session was logged all the same (\(session.jobIds.joined(separator: ", "))): another dispatch reached a worker"
            : "no job of this session was logged: the room had no agent")
        for e in refused.prefix(5) { f.evidence.append(Evidence(e, role: "not dispatched")) }
        return [f]
    }
}
