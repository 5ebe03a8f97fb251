/// One voice session as rebuilt from every input: its ids, its span and its events in time order.
public struct Session: Sendable {
    /// Stable key: `room (RM_sid)`, `job AJ_…`, or `(no ids)`.
    public var key: String
    public var room: String?
    public var roomSid: String?
    public var jobIds: [String]
    public var participants: [String]
    public var start: Timestamp?
    public var end: Timestamp?
    public var sides: [Side]
    public var inputs: [Int]
    public var recordCount: Int
    /// Events in time order (file order for equal or missing times).
    public var events: [SessionEvent]
    /// Silences of the session's own records, per input, longest kept.
    public var gaps: [Int: [SilentGap]]
    /// Silences of whole inputs (every session), for the same inputs.
    public var inputGaps: [Int: [SilentGap]]
    /// Records kept for `timeline` (only when asked for).
    public var records: [LogRecord]
    /// Position of the session's first record in the merged reading order (report order).
    public var order: Int
    /// Per-turn response latencies (EOU delay + LLM ttft + TTS ttfb), seconds.
    public var responses: [Float] = []
    /// LLM/realtime replies and seconds of agent audio (TTS metrics) in the session.
    public var replies = 0
    public var audioSeconds = 0.0
    /// The time of the server's last line with the session's ids (not kept in a report).
    public var serverEnd: Timestamp? = nil
    /// The time and place of the agent's last line with the session's ids (not kept in a
    /// report): a worker that died without a word ends there.
    public var agentEnd: Timestamp? = nil
    public var agentEndLocation: SourceLocation? = nil
    /// The steps back of its inputs' clocks within its span (a line's time less than the latest
    /// before it: durations across one are short by it).
    public var clockSteps: [ClockStep] = []
    /// The first new process of a livekit-agents worker (`starting worker`) in the log and
    /// wrapper source of the agent's last line, after that line, while a job of the session had
    /// logged no end (not kept in a report): the job's worker was replaced.
    public var nextWorkerStart: WorkerStart? = nil

    /// The session without its events and records: what a report keeps once detectors have run.
    public func compacted() -> Session {
        var s = self
        s.events = []
        s.gaps = [:]
        s.inputGaps = [:]
        s.records = []
        s.responses = []
        s.clockSteps = []
        s.nextWorkerStart = nil
        return s
    }

    /// The session's label in reports.
    public var label: String {
        if let room, let roomSid { return "\(room) (\(roomSid))" }
        if let room { return room }
        if let roomSid { return roomSid }
        if let job = jobIds.first { return "job \(job)" }
        return key
    }

    /// Whether `selector` names this session: room name, room sid or job id.
    public func matches(_ selector: String) -> Bool {
        selector == room || selector == roomSid || jobIds.contains(selector) || selector == key
    }
}
