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
    /// Sessions by `rule severity` (for Prometheus labels; not part of the JSON document).
    public var ruleSeverities: [String: Int] = [:]

    public init() {}

    static let latencyKeys = ["greetingSeconds", "connectSeconds", "responseSeconds", "durationSeconds"]
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
                ("tokenExpiredBySide", .object(Side.allCases.map { ($0.rawValue, .int(tokenExpiredBySide[$0.rawValue] ?? 0)) }))
            ])),
        ])
    }

    /// Reads a previous report; nil with a reason when it is not a `loganalyze.monitor/v1` document.
    public static func parse(_ text: String) -> (MonitorSummary?, String?) {
        guard let doc = parseJSON(text), case .object = doc else { return (nil, "not a JSON object") }
        guard doc["schema"]?.stringValue == schema else { return (nil, "schema is not \(schema)") }
        var s = MonitorSummary()
        s.from = doc["window"]?["from"]?.stringValue
        s.to = doc["window"]?["to"]?.stringValue
        s.sessions = doc["sessions"]?.doubleValue.map { Int($0) } ?? 0
        if case .object(let rules)? = doc["rules"] {
            for (id, r) in rules {
                s.rules[id] = Rule(sessions: r["sessions"]?.doubleValue.map { Int($0) } ?? 0, rate: r["rate"]?.doubleValue ?? 0)
            }
        }
        if case .object(let latencies)? = doc["latency"] {
            for (key, l) in latencies {
                s.latency[key] = Latency(
                    count: l["count"]?.doubleValue.map { Int($0) } ?? 0, p50: l["p50"]?.doubleValue, p90: l["p90"]?.doubleValue,
                    p95: l["p95"]?.doubleValue, p99: l["p99"]?.doubleValue, max: l["max"]?.doubleValue, sum: l["sum"]?.doubleValue ?? 0)
            }
        }
        if case .object(let counts)? = doc["counts"] {
            for (key, v) in counts {
                if let n = v.doubleValue { s.counts[key] = Int(n) }
            }
            if case .object(let sides)? = doc["counts"]?["tokenExpiredBySide"] {
                for (side, v) in sides { s.tokenExpiredBySide[side] = v.doubleValue.map { Int($0) } ?? 0 }
            }
        }
        return (s, nil)
    }
}
