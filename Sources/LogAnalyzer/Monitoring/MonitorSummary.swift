/// The numbers of a monitoring report (`loganalyze.monitor/v1`), as written and as read back
/// from a previous report for a before/after comparison.
public struct MonitorSummary: Sendable, Equatable {
    public static let schema = "loganalyze.monitor/v1"

    public struct Rule: Sendable, Equatable {
        public var sessions: Int
        public var rate: Double
    }

    public struct Latency: Sendable, Equatable {
        public var count: Int
        public var p50: Double?
        public var p90: Double?
        public var p95: Double?
        public var p99: Double?
        public var max: Double?
        public var sum: Double = 0
    }

    public var from: String?
    public var to: String?
    public var sessions = 0
    public var rules: [String: Rule] = [:]
    public var latency: [String: Latency] = [:]
    public var counts: [String: Int] = [:]
    public var tokenExpiredBySide: [String: Int] = [:]
    /// Per error count, the sum over sessions of the square of each session's count (JSON
    /// `counts.sumsOfSquares`; absent from reports of versions before it).
    public var errorSquares: [String: Int] = [:]
    /// Sessions by `rule severity` (for Prometheus labels; not part of the JSON document).
    public var ruleSeverities: [String: Int] = [:]

    public init() {}

    static let latencyKeys = ["greetingSeconds", "connectSeconds", "responseSeconds", "durationSeconds"]
    /// The counts of error lines (and drops) compared per session (see `errorSquares`).
    static let errorCountKeys = ["tokenExpiredErrors", "unauthorizedErrors", "negotiationErrors", "midSessionDrops"]
    static let countKeys = ["tokenExpiredErrors", "unauthorizedErrors", "negotiationErrors", "midSessionDrops", "sessionsWithAudio", "sessionsWithoutAudio"]

    public var json: JSONNode {
        func num(_ d: Double?) -> JSONNode { d.map { .double($0, digits: 3) } ?? .null }
        return .object([
            ("schema", .string(Self.schema)),
            ("window", .object([("from", from.map { .string($0) } ?? .null), ("to", to.map { .string($0) } ?? .null)])),
            ("sessions", .int(sessions)),
            ("rules", .object(DetectorRegistry.all.map(\.descriptor.id).map { id in
                let r = rules[id] ?? Rule(sessions: 0, rate: 0)
                return (id, .object([("sessions", .int(r.sessions)), ("rate", .double(r.rate, digits: 4))]))
            })),
            ("latency", .object(Self.latencyKeys.map { key in
                let l = latency[key] ?? Latency(count: 0)
                return (key, .object([
                    ("count", .int(l.count)), ("p50", num(l.p50)), ("p90", num(l.p90)), ("p95", num(l.p95)), ("p99", num(l.p99)),
                    ("max", num(l.max)), ("sum", .double(l.sum, digits: 3)),
                ]))
            })),
            ("counts", .object(Self.countKeys.map { ($0, .int(counts[$0] ?? 0)) } + [
                ("tokenExpiredBySide", .object(Side.allCases.map { ($0.rawValue, .int(tokenExpiredBySide[$0.rawValue] ?? 0)) })),
                ("sumsOfSquares", .object(Self.errorCountKeys.map { ($0, .int(errorSquares[$0] ?? 0)) })),
            ])),
        ])
    }

    /// Reads a previous report; nil with a reason when it is not a `loganalyze.monitor/v1` document.
    public static func parse(_ text: String) -> (MonitorSummary?, String?) {
        guard let doc = parseJSON(text), case .object = doc else { return (nil, "not a JSON object") }
        guard doc["schema"]?.stringValue == schema else { return (nil, "schema is not \(schema)") }
        var s = MonitorSummary()
        // The first value that is no count, rate or latency (a report written by hand or cut).
        var bad: String?
        func count(_ v: JSONValue?, _ key: String) -> Int {
            guard let v else { return 0 }
            guard let d = v.doubleValue, d.isFinite, d >= 0, d <= 9_007_199_254_740_992, d == d.rounded() else {
                if bad == nil { bad = "\(key) is not a count" }
                return 0
            }
            return Int(d)
        }
        func number(_ v: JSONValue?, _ key: String, upTo limit: Double = .greatestFiniteMagnitude) -> Double? {
            guard let v, case .number = v else { return nil }
            guard let d = v.doubleValue, d.isFinite, d >= 0, d <= limit else {
                if bad == nil { bad = "\(key) is not a number from 0 to \(limit == 1 ? "1" : "any")" }
                return nil
            }
            return d
        }
        s.from = doc["window"]?["from"]?.stringValue
        s.to = doc["window"]?["to"]?.stringValue
        s.sessions = count(doc["sessions"], "sessions")
        if case .object(let rules)? = doc["rules"] {
            for (id, r) in rules {
                s.rules[id] = Rule(sessions: count(r["sessions"], "rules.\(id).sessions"), rate: number(r["rate"], "rules.\(id).rate", upTo: 1) ?? 0)
            }
        }
        if case .object(let latencies)? = doc["latency"] {
            for (key, l) in latencies {
                func n(_ name: String) -> Double? { number(l[name], "latency.\(key).\(name)") }
                s.latency[key] = Latency(
                    count: count(l["count"], "latency.\(key).count"), p50: n("p50"), p90: n("p90"), p95: n("p95"), p99: n("p99"), max: n("max"),
                    sum: n("sum") ?? 0)
            }
        }
        if case .object(let counts)? = doc["counts"] {
            for (key, v) in counts {
                if case .number = v { s.counts[key] = count(v, "counts.\(key)") }
            }
            if case .object(let sides)? = doc["counts"]?["tokenExpiredBySide"] {
                for (side, v) in sides { s.tokenExpiredBySide[side] = count(v, "counts.tokenExpiredBySide.\(side)") }
            }
            if case .object(let squares)? = doc["counts"]?["sumsOfSquares"] {
                for (key, v) in squares { s.errorSquares[key] = count(v, "counts.sumsOfSquares.\(key)") }
            }
        }
        if let bad { return (nil, bad) }
        return (s, nil)
    }
}
