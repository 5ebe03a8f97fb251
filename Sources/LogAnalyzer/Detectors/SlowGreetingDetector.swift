/// `slow-greeting`: the time from the greeting's start to the agent actually speaking.
///
/// Reads the app's greeting markers (`Generating initial greeting` → `Voice agent running` by
/// default, configurable) and the LLM/TTS metrics lines logged in between; without markers, the
/// first LLM `ttft` + TTS `ttfb` after the session starts (metrics are logged when each step
/// finishes). Warning above 2 s, error above 5 s.
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
            help: "Measured from the greeting start marker to the end marker (or LLM ttft + TTS ttfb of the first reply). "
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
                DetectorExample("markers without an end", triggers: false, log: """
                    00:51:46.668 - Generating initial greeting
                    00:51:52.034 - something else
                    """),
            ])
    }

    /// The greeting time of a session, whatever its size: markers, else first reply's ttft + ttfb.
    public static func greetingSeconds(_ session: Session) -> Double? {
        let events = session.events
        if let s = events.first(where: { $0.kind == .greetingStart && $0.time != nil }),
            let e = events.first(where: { $0.kind == .greetingEnd && $0.time != nil && $0.time! >= s.time! })
        {
            return s.time!.seconds(until: e.time!)
        }
        guard let li = events.firstIndex(where: { if case .llmMetrics = $0.kind { true } else { false } }),
            case .llmMetrics(let ttft) = events[li].kind,
            let ti = events[li...].firstIndex(where: { if case .ttsMetrics = $0.kind { true } else { false } }),
            case .ttsMetrics(let ttfb, _) = events[ti].kind
        else { return nil }
        return ttft + ttfb
    }

    public func detect(_ session: Session, configuration c: AnalysisConfiguration) -> [Finding] {
        let events = session.events
        var seconds: Double
        var start: SessionEvent
        var end: SessionEvent?
        var method: String
        var window: (Timestamp, Timestamp)
        if let s = events.first(where: { $0.kind == .greetingStart && $0.time != nil }),
            let e = events.first(where: { $0.kind == .greetingEnd && $0.time != nil && $0.time! >= s.time! })
        {
            seconds = s.time!.seconds(until: e.time!)
            start = s
            end = e
            method = "markers"
            window = (s.time!, e.time!.adding(seconds: 1))
        } else {
            // First reply after the session starts: LLM ttft + TTS ttfb.
            guard let li = events.firstIndex(where: { if case .llmMetrics = $0.kind { true } else { false } }),
                case .llmMetrics(let ttft) = events[li].kind,
                let ti = events[li...].firstIndex(where: { if case .ttsMetrics = $0.kind { true } else { false } }),
                case .ttsMetrics(let ttfb, _) = events[ti].kind
            else { return [] }
            let llm = events[li]
            let tts = events[ti]
            seconds = ttft + ttfb
            start = llm
            method = "metrics"
            window = (llm.time ?? Timestamp(micros: .min), tts.time ?? Timestamp(micros: .max))
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
        let llm = events.first { if case .llmMetrics = $0.kind { return inWindow($0) } else { return false } }
        let tts = events.first { if case .ttsMetrics = $0.kind { return inWindow($0) } else { return false } }
        var f = Finding(
            rule: descriptor.id, severity: severity, session: session, at: start.time,
            message: "greeting took \(formatFixed(seconds, 2)) s (over the \(formatFixed(severity == .error ? c.greetingErrorSeconds : c.greetingWarningSeconds, 1)) s \(severity.rawValue) threshold)")
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
        if !parts.isEmpty { f.message += ": " + parts.joined(separator: ", ") }
        if method == "markers" && llm == nil && tts == nil {
            f.explanation.append("no LLM/TTS metrics lines were logged in between, so the time cannot be split (log them with `metrics.log_metrics` in a `metrics_collected` handler).")
        }
        f.evidence.append(Evidence(start, role: method == "markers" ? "greeting start" : "first LLM metrics"))
        if let llm, method == "markers" { f.evidence.append(Evidence(llm, role: "LLM metrics")) }
        if let tts { f.evidence.append(Evidence(tts, role: "TTS metrics")) }
        if let end { f.evidence.append(Evidence(end, role: "greeting end")) }
        return [f]
    }
}
