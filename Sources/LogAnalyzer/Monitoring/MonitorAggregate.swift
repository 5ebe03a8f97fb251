/// Post-deployment figures over many sessions: finding rates, latency percentiles, error counts.
///
/// Built session by session as the analyzer finalises them, so a day of logs costs the same
/// memory as an hour: histograms and counters only.
public struct MonitorAggregate: Sendable {
    public var from: Timestamp?
    public var to: Timestamp?
    /// Only sessions starting in [since, until) count.
    public var since: Timestamp?
    public var until: Timestamp?
    public var sessions = 0
    public var ruleSessions: [String: Int] = [:]
    /// Sessions by `rule` and the severity of its (most severe) finding there, keyed `rule severity`.
    public var ruleSeveritySessions: [String: Int] = [:]
    public var greeting = LatencyDistribution()
    public var connect = LatencyDistribution()
    public var response = LatencyDistribution()
    public var duration = LatencyDistribution()
    public var tokenExpiredBySide: [Side: Int] = [:]
    public var unauthorizedErrors = 0
    public var negotiationErrors = 0
    public var midSessionDrops = 0
    public var sessionsWithAudio = 0
    public var sessionsWithoutAudio = 0
    /// Sums over sessions of the square of each session's count of `errorCountKeys` (in their
    /// order): one failed session logs a 401 for every retry, so the counts vary far more than
    /// a Poisson count; the baseline test takes their spread from these.
    public var errorSquares: [Int] = Array(repeating: 0, count: MonitorSummary.errorCountKeys.count)
    /// Sessions left out of a `--since`/`--until` window because their start has no date (a
    /// time-only log without `--date`): no window can hold them.
    public var undatedOutsideWindow = 0
    /// Errors without session ids already counted: such a line joins every session of its input
    /// active then (a worker's registration 401 with five jobs running) and is one error, not
    /// one a session. Its first session counts it (its copies are marked `joinedBefore`);
    /// within a `--since`/`--until` window, where that session may be left out, the first one
    /// in the window does, by the locations counted (of this run; `merge` keeps its own).
    private var countedWithoutIDs: Set<SourceLocation> = []

    public init(since: Timestamp? = nil, until: Timestamp? = nil) {
        self.since = since
        self.until = until
    }

    public var tokenExpiredErrors: Int { tokenExpiredBySide.values.reduce(0, +) }

    /// Locations of errors without session ids held to count each once (only in a window).
    var heldLocations: Int { countedWithoutIDs.count }

    /// Whether a session falls in the window.
    public func includes(_ session: Session) -> Bool {
        guard since != nil || until != nil else { return true }
        guard let start = session.start else { return false }
        if let since, start < since { return false }
        if let until, !(start < until) { return false }
        return true
    }

    /// Adds one finished session (with its events) and its findings.
    public mutating func add(_ session: Session, findings: [Finding]) {
        guard includes(session) else {
            if session.start?.hasDate != true { undatedOutsideWindow += 1 }
            return
        }
        sessions += 1
        if let s = session.start, from == nil || Self.bounds(s, before: from!) { from = s }
        if let e = session.end, to == nil || Self.bounds(e, after: to!) { to = e }
        var worst: [String: Severity] = [:]
        for f in findings where worst[f.rule] == nil || f.severity > worst[f.rule]! { worst[f.rule] = f.severity }
        for (rule, severity) in worst {
            ruleSessions[rule, default: 0] += 1
            ruleSeveritySessions["\(rule) \(severity.rawValue)", default: 0] += 1
        }
        if let g = SlowGreetingDetector.greetingSeconds(session) { greeting.record(seconds: g) }
        if let c = Self.connectSeconds(session) { connect.record(seconds: c) }
        for r in session.responses { response.record(seconds: Double(r)) }
        if let s = session.start, let e = session.end { duration.record(seconds: s.seconds(until: e)) }
        var lastDrop: Timestamp?
        var untimedDrops = 0
        // This session's counts, in the order of `MonitorSummary.errorCountKeys`.
        var own = (expired: 0, unauthorized: 0, negotiation: 0, drops: 0)
        for e in session.events {
            switch e.kind {
            case .authFailure, .negotiationError:
                if !e.hasIDs {
                    let windowed = since != nil || until != nil
                    guard windowed ? countedWithoutIDs.insert(e.location).inserted : !e.joinedBefore else { continue }
                }
                switch e.kind {
                case .authFailure(.expired):
                    tokenExpiredBySide[e.side, default: 0] += 1
                    own.expired += 1
                case .authFailure:
                    unauthorizedErrors += 1
                    own.unauthorized += 1
                default:
                    negotiationErrors += 1
                    own.negotiation += 1
                }
            case .connectionLost where e.hasIDs:
                // The session's own connection (a worker's id-less WS loss is not a room drop);
                // one drop per minute: the sides of one outage log it several times. A loss
                // without a time (a browser console saved without DevTools timestamps) cannot be
                // told from the timed sides' outages: counted apart, below.
                guard let t = e.time else {
                    untimedDrops += 1
                    continue
                }
                if let last = lastDrop, last.seconds(until: t) < 60 { continue }
                own.drops += 1
                lastDrop = t
            default: break
            }
        }
        // The untimed losses are the same outages as the timed ones, as far as they go: the
        // side that logged more of them gives the count (an agent's `received session close`
        // and the timeless console's `websocket closed` of one server crash had been 2 drops).
        own.drops = max(own.drops, untimedDrops)
        midSessionDrops += own.drops
        for (k, n) in [own.expired, own.unauthorized, own.negotiation, own.drops].enumerated() { errorSquares[k] += n * n }
        // A realtime model speaks itself (no `TTS metrics` line): a reply with a time to first
        // audio (`ttft` -1 means none) is audio too. (Among the first kept metrics events.)
        let spokeRealtime = session.events.contains { e in
            if case .realtimeMetrics(let ttft) = e.kind { return ttft >= 0 }
            return false
        }
        if session.audioSeconds > 0 || spokeRealtime {
            sessionsWithAudio += 1
        } else if session.replies > 0 {
            sessionsWithoutAudio += 1
        }
    }

    /// Whether `t` starts the window rather than `from`: a dated time before any time without a
    /// date (a time-only log's, counted from day 0, which made the window start at
    /// `00:27:07.370` beside a day of dated sessions).
    static func bounds(_ t: Timestamp, before from: Timestamp) -> Bool {
        t.hasDate == from.hasDate ? t < from : t.hasDate
    }

    /// Whether `t` ends the window rather than `to` (a dated time before any without a date).
    static func bounds(_ t: Timestamp, after to: Timestamp) -> Bool {
        t.hasDate == to.hasDate ? t > to : t.hasDate
    }

    /// Session start to agent ready: the greeting's start, else the start of the first reply as
    /// slow-greeting takes it (its LLM metrics time minus the ttft; a greeting spoken from fixed
    /// text, a TTS line before any LLM line, its TTS metrics time minus the ttfb).
    static func connectSeconds(_ session: Session) -> Double? {
        guard let start = session.start else { return nil }
        if let g = session.events.first(where: { $0.kind == .greetingStart })?.time { return start.seconds(until: g) }
        // The first reply slow-greeting takes: its first metrics line, less that step's time.
        guard let reply = SlowGreetingDetector.firstReply(session.events, start: session.start), let t = session.events[reply.first].time else { return nil }
        switch session.events[reply.first].kind {
        case .llmMetrics(let ttft): return max(0, start.seconds(until: t) - ttft)
        case .ttsMetrics(let ttfb, _): return max(0, start.seconds(until: t) - ttfb)
        case .realtimeMetrics(let ttft): return max(0, start.seconds(until: t) - ttft)
        default: return nil
        }
    }

    public mutating func merge(_ other: MonitorAggregate) {
        sessions += other.sessions
        if let f = other.from, from == nil || Self.bounds(f, before: from!) { from = f }
        if let t = other.to, to == nil || Self.bounds(t, after: to!) { to = t }
        for (k, v) in other.ruleSessions { ruleSessions[k, default: 0] += v }
        for (k, v) in other.ruleSeveritySessions { ruleSeveritySessions[k, default: 0] += v }
        greeting.merge(other.greeting)
        connect.merge(other.connect)
        response.merge(other.response)
        duration.merge(other.duration)
        for (k, v) in other.tokenExpiredBySide { tokenExpiredBySide[k, default: 0] += v }
        unauthorizedErrors += other.unauthorizedErrors
        negotiationErrors += other.negotiationErrors
        midSessionDrops += other.midSessionDrops
        sessionsWithAudio += other.sessionsWithAudio
        sessionsWithoutAudio += other.sessionsWithoutAudio
        for k in errorSquares.indices { errorSquares[k] += other.errorSquares[k] }
        undatedOutsideWindow += other.undatedOutsideWindow
    }

    /// The figures as plain numbers (what a JSON report holds and a baseline is read back into).
    public var summary: MonitorSummary {
        var s = MonitorSummary()
        s.from = from?.iso8601
        s.to = to?.iso8601
        s.sessions = sessions
        for d in DetectorRegistry.all {
            let n = ruleSessions[d.descriptor.id, default: 0]
            s.rules[d.descriptor.id] = .init(sessions: n, rate: sessions == 0 ? 0 : Double(n) / Double(sessions))
            for severity in Severity.allCases {
                let key = "\(d.descriptor.id) \(severity.rawValue)"
                if let n = ruleSeveritySessions[key] { s.ruleSeverities[key] = n }
            }
        }
        func latency(_ d: LatencyDistribution) -> MonitorSummary.Latency {
            .init(count: d.count, p50: d.percentile(50), p90: d.percentile(90), p95: d.percentile(95), p99: d.percentile(99), max: d.max,
                  sum: d.sum)
        }
        s.latency = [
            "greetingSeconds": latency(greeting), "connectSeconds": latency(connect), "responseSeconds": latency(response),
            "durationSeconds": latency(duration),
        ]
        s.counts = [
            "tokenExpiredErrors": tokenExpiredErrors, "unauthorizedErrors": unauthorizedErrors, "negotiationErrors": negotiationErrors,
            "midSessionDrops": midSessionDrops, "sessionsWithAudio": sessionsWithAudio, "sessionsWithoutAudio": sessionsWithoutAudio,
        ]
        for side in Side.allCases { s.tokenExpiredBySide[side.rawValue] = tokenExpiredBySide[side, default: 0] }
        for (k, key) in MonitorSummary.errorCountKeys.enumerated() { s.errorSquares[key] = errorSquares[k] }
        return s
    }
}
