/// `slow-greeting`: the time from the greeting's start to the agent actually speaking.
///
/// Reads the app's greeting markers (`Generating initial greeting` → `Voice agent running` by
/// default, configurable) and the LLM/TTS metrics lines logged in between; without markers, the
/// first LLM `ttft` + TTS `ttfb` after the session starts (metrics are logged when each step
/// finishes), or the first TTS `ttfb` alone when it comes before any LLM line (a greeting spoken
/// from fixed text). Warning above 2 s, error above 5 s.
///
/// Known false positives: an app that `await`s `session.generate_reply()` before logging its end
/// marker measures until playout ends, so the gap includes the spoken audio; the finding then
/// reports the audio duration and the time to first audio separately.
public struct SlowGreetingDetector: Detector {
    public init() {}

    public var descriptor: RuleDescriptor {
        RuleDescriptor(
            id: "slow-greeting", name: "SlowGreeting",
            summary: "The agent's first words came late after the greeting started.",
            defaultSeverity: .warning,
            help: "Measured from the greeting start marker to the end marker (or LLM ttft + TTS ttfb of the first reply; TTS ttfb alone for a greeting spoken from fixed text). "
                + "Check the LLM and TTS latencies in the breakdown; a gap close to ttft + ttfb + audio duration means the end marker waits for playout.",
            examples: [
                DetectorExample("incident markers 5.37 s", triggers: true, log: """
                    00:51:46.668 - Generating initial greeting
                    00:51:52.034 - Voice agent running for room
                    """),
                DetectorExample("fast greeting 1.2 s", triggers: false, log: """
                    00:51:46.000 - Generating initial greeting
                    00:51:47.200 - Voice agent running for room
                    """),
                DetectorExample("metrics only: ttft 1.9 + ttfb 0.6", triggers: true, log: """
                    {"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "AJ_aaaaaaaaaaaa", "room": "r1", "room_id": "RM_aaaaaaaaaaaa", "timestamp": "2026-01-01T00:00:00+00:00"}
                    {"message": "LLM metrics", "level": "INFO", "name": "livekit.agents", "ttft": 1.9, "job_id": "AJ_aaaaaaaaaaaa", "timestamp": "2026-01-01T00:00:03+00:00"}
                    {"message": "TTS metrics", "level": "INFO", "name": "livekit.agents", "ttfb": 0.6, "audio_duration": 2.0, "job_id": "AJ_aaaaaaaaaaaa", "timestamp": "2026-01-01T00:00:05+00:00"}
                    """),
                DetectorExample("metrics only, spoken text: TTS ttfb 3.4 before any LLM", triggers: true, log: """
                    {"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "AJ_aaaaaaaaaaaa", "room": "r1", "room_id": "RM_aaaaaaaaaaaa", "timestamp": "2026-01-01T00:00:00+00:00"}
                    {"message": "TTS metrics", "level": "INFO", "name": "livekit.agents", "ttfb": 3.4, "audio_duration": 2.4, "job_id": "AJ_aaaaaaaaaaaa", "timestamp": "2026-01-01T00:00:04+00:00"}
                    {"message": "LLM metrics", "level": "INFO", "name": "livekit.agents", "ttft": 0.4, "job_id": "AJ_aaaaaaaaaaaa", "timestamp": "2026-01-01T00:00:09+00:00"}
                    {"message": "TTS metrics", "level": "INFO", "name": "livekit.agents", "ttfb": 0.3, "audio_duration": 1.5, "job_id": "AJ_aaaaaaaaaaaa", "timestamp": "2026-01-01T00:00:10+00:00"}
                    """),
                DetectorExample("markers without an end", triggers: false, log: """
                    00:51:46.668 - Generating initial greeting
                    00:51:52.034 - something else
                    """),
            ])
    }

    /// The greeting time of a session, whatever its size: markers, else the first reply's time to
    /// first audio from its metrics.
    public static func greetingSeconds(_ session: Session) -> Double? {
        if let m = markers(session) { return m.seconds }
        return firstReply(session.events, start: session.start)?.seconds
    }

    /// The greeting's start and end markers and the time between them. A step back of the
    /// log's clock between them (`Session.clockSteps`, by line, in the markers' log) is added
    /// back: the end, written behind the start, had made the greeting vanish (no end after its
    /// start) or come out short; with the step added back it is a lower bound (the time that
    /// passed between the lines either side of the step is not known).
    static func markers(_ session: Session) -> (start: Int, end: Int, seconds: Double, steps: [ClockStep])? {
        let events = session.events
        guard let s = events.firstIndex(where: { $0.kind == .greetingStart && $0.time != nil }) else { return nil }
        let start = events[s].time!
        let at = events[s].location
        // (Indices, not events: a copy of each event retains its strings, per session.)
        for i in events.indices where events[i].kind == .greetingEnd {
            guard let end = events[i].time else { continue }
            let location = events[i].location
            var between: [ClockStep] = []
            if !session.clockSteps.isEmpty, location.input == at.input {
                between = session.clockSteps.filter {
                    $0.toLocation.input == at.input && $0.toLocation.line > at.line && $0.toLocation.line <= location.line
                }
            }
            var seconds = start.seconds(until: end)
            if between.isEmpty {
                guard end >= start else { continue }
            } else {
                seconds += between.reduce(0) { $0 + $1.seconds }
                guard seconds >= 0 else { continue }
            }
            return (s, i, seconds, between)
        }
        return nil
    }

    /// The first reply's time to first audio from the metrics lines (each logged when its step
    /// finishes): the first LLM `ttft` plus the `ttfb` of the TTS after it; or, when a TTS
    /// metrics line comes before any LLM one, that TTS's `ttfb` alone: a greeting spoken from
    /// fixed text (`session.say(...)`, 0.x `agent.say(...)`) has no LLM step, and the first LLM
    /// line belongs to a later turn. `first` and `tts` index `events`.
    ///
    /// A metrics line written before `start` (the session's first line of its own) joined it by
    /// time only, and is another call's: Node agents log metrics with the process's `pid` alone
    /// (agents-js `metrics/utils.ts logMetrics`), so such lines join every session active within
    /// two minutes, and a call that began 29 s after another took that one's greeting as its own.
    static func firstReply(_ events: [SessionEvent], start: Timestamp? = nil) -> (seconds: Double, first: Int, tts: Int)? {
        func before(_ e: SessionEvent) -> Bool {
            guard let start, start.hasDate, let t = e.time, t.hasDate else { return false }
            return t < start
        }
        // (A realtime model speaks itself: its first reply with audio, `ttft` ≥ 0, is one too.)
        guard let i = events.firstIndex(where: { e in
            if before(e) { return false }
            if case .realtimeMetrics(let ttft) = e.kind { return ttft >= 0 }
            return e.kind.isLLMOrTTSMetrics
        }) else { return nil }
        switch events[i].kind {
        case .realtimeMetrics(let ttft):
            return (ttft, i, i)
        case .ttsMetrics(let ttfb, _):
            return (ttfb, i, i)
        case .llmMetrics(let ttft):
            guard let t = events[(i + 1)...].firstIndex(where: { if case .ttsMetrics = $0.kind { true } else { false } }),
                case .ttsMetrics(let ttfb, _) = events[t].kind
            else { return nil }
            return (ttft + ttfb, i, t)
        default:
            return nil
        }
    }

    public func detect(_ session: Session, configuration c: AnalysisConfiguration) -> [Finding] {
        let events = session.events
        var seconds: Double
        var start: SessionEvent
        var end: SessionEvent?
        var method: String
        var window: (Timestamp, Timestamp)
        var steps: [ClockStep] = []
        if let m = Self.markers(session) {
            (seconds, start, end, steps) = (m.seconds, events[m.start], events[m.end], m.steps)
            method = "markers"
            // (Across a step back, the lines after it are written behind the start: the window
            // reaches back as far, to keep the metrics logged between the markers.)
            let back = steps.reduce(0) { $0 + $1.seconds }
            let (s, e) = (start.time!, end!.time!)
            window = (s.adding(seconds: -back), max(e, s).adding(seconds: 1))
        } else {
            // First reply after the session starts: LLM ttft + TTS ttfb (or a spoken text's ttfb).
            guard let reply = Self.firstReply(events, start: session.start) else { return [] }
            seconds = reply.seconds
            start = events[reply.first]
            method = "metrics"
            window = (start.time ?? Timestamp(micros: .min), events[reply.tts].time ?? Timestamp(micros: .max))
        }
        let severity: Severity
        if seconds > c.greetingErrorSeconds {
            severity = .error
        } else if seconds > c.greetingWarningSeconds {
            severity = .warning
        } else {
            return []
        }
        // Breakdown from the first metrics inside the window.
        func inWindow(_ e: SessionEvent) -> Bool {
            guard let t = e.time else { return false }
            return t >= window.0 && t <= window.1
        }
        // An LLM line after the first TTS one is a later turn's (the greeting was spoken text).
        let ttsIndex = events.firstIndex { if case .ttsMetrics = $0.kind { return inWindow($0) } else { return false } }
        let llm = events[..<(ttsIndex ?? events.count)].first { if case .llmMetrics = $0.kind { return inWindow($0) } else { return false } }
        let tts = ttsIndex.map { events[$0] }
        // A realtime model speaks itself (no LLM or TTS line): its `RealtimeModel metrics` ttft is
        // the time to its first audio (-1: none).
        let realtime = llm == nil && tts == nil
            ? events.first { if case .realtimeMetrics(let t) = $0.kind { return t >= 0 && inWindow($0) } else { return false } }
            : nil
        var f = Finding(
            rule: descriptor.id, severity: severity, session: session, at: start.time,
            message: "greeting took \(steps.isEmpty ? "" : "at least ")\(formatFixed(seconds, 2)) s (over the \(formatFixed(severity == .error ? c.greetingErrorSeconds : c.greetingWarningSeconds, 1)) s \(severity.rawValue) threshold)")
        f.values.append(("seconds", .number(seconds)))
        f.values.append(("method", .text(method)))
        var parts: [String] = []
        var firstAudio: Double?
        if case .llmMetrics(let ttft)? = llm?.kind {
            f.values.append(("llmTtftSeconds", .number(ttft)))
            parts.append("LLM ttft \(formatFixed(ttft, 2)) s")
            firstAudio = ttft
        }
        if case .ttsMetrics(let ttfb, let audio)? = tts?.kind {
            f.values.append(("ttsTtfbSeconds", .number(ttfb)))
            parts.append("TTS ttfb \(formatFixed(ttfb, 2)) s")
            firstAudio = (firstAudio ?? 0) + ttfb
            if let audio {
                f.values.append(("audioDurationSeconds", .number(audio)))
                parts.append("audio \(formatFixed(audio, 2)) s")
                if method == "markers", let fa = firstAudio, fa + audio <= seconds + 0.5, audio > seconds / 3 {
                    f.explanation.append(
                        "time to first audio was about \(formatFixed(fa, 2)) s (LLM ttft + TTS ttfb); the rest of the \(formatFixed(seconds, 2)) s is the greeting being spoken (\(formatFixed(audio, 2)) s of audio): the end marker is logged after playout ends (`await session.generate_reply()` waits for playout)."
                    )
                }
            }
        }
        if case .realtimeMetrics(let ttft)? = realtime?.kind {
            f.values.append(("realtimeTtftSeconds", .number(ttft)))
            parts.append("realtime model ttft \(formatFixed(ttft, 2)) s")
            f.explanation.append(
                method == "markers"
                    ? "a realtime model spoke the greeting (no TTS line): its first audio came \(formatFixed(ttft, 2)) s after its response began (`RealtimeModel metrics` ttft); the rest of the \(formatFixed(seconds, 2)) s is not split further (the end marker may wait for playout)."
                    : "measured as the realtime model's time to first audio (`RealtimeModel metrics` ttft): it speaks itself, without a TTS line."
            )
        }
        if !parts.isEmpty { f.message += ": " + parts.joined(separator: ", ") }
        if !steps.isEmpty {
            let back = steps.reduce(0) { $0 + $1.seconds }
            let written = start.time!.seconds(until: end!.time!)
            f.values.append(("clockStepSeconds", .number(back)))
            f.explanation.append(
                "the log's clock went back \(formatFixed(back, 3)) s between the markers (the end is written \(formatFixed(abs(written), 3)) s \(written < 0 ? "before" : "after") the start): measured with the step added back, a lower bound (the time between the lines either side of the step is not known).")
        }
        if method == "markers" && llm == nil && tts == nil && realtime == nil {
            f.explanation.append("no LLM/TTS metrics lines were logged in between, so the time cannot be split (log them with `metrics.log_metrics` in a `metrics_collected` handler).")
        }
        let spokenText = tts != nil && llm == nil
        if spokenText {
            f.explanation.append("no LLM metrics line came before the first TTS metrics line, as for a greeting spoken from fixed text (`session.say(...)`): its time to first audio is then the TTS time to first byte.")
        }
        let startRole = method == "markers" ? "greeting start" : realtime != nil ? "first realtime metrics" : spokenText ? "first TTS metrics" : "first LLM metrics"
        f.evidence.append(Evidence(start, role: startRole))
        if let llm, method == "markers" { f.evidence.append(Evidence(llm, role: "LLM metrics")) }
        if let tts, !(method == "metrics" && spokenText) { f.evidence.append(Evidence(tts, role: "TTS metrics")) }
        if let realtime, method == "markers" { f.evidence.append(Evidence(realtime, role: "RealtimeModel metrics")) }
        for step in steps {
            f.evidence.append(Evidence(location: step.toLocation, time: step.to, side: start.side, text: "the clock went back \(formatFixed(step.seconds, 3)) s", role: "clock step"))
        }
        if let end { f.evidence.append(Evidence(end, role: "greeting end")) }
        return [f]
    }
}
