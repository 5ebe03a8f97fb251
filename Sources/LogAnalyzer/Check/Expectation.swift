/// One finding a fixture expects: its rule, session, severity and value bounds.
public struct Expectation: Sendable, Equatable {
    /// A bound on one of a finding's `values`.
    public enum Bound: Sendable, Equatable {
        case range(Double, Double)
        case text(String)

        func accepts(_ v: FindingValue?) -> Bool {
            switch (self, v) {
            case let (.range(lo, hi), .number(d)?): return d >= lo - 1e-9 && d <= hi + 1e-9
            case let (.range(lo, hi), .integer(i)?): return Double(i) >= lo && Double(i) <= hi
            case let (.text(t), .text(s)?): return t == s
            case let (.text(t), .time(ts)?): return t == ts.iso8601
            default: return false
            }
        }

        var description: String {
            switch self {
            case let .range(lo, hi): lo == hi ? trimmedFixed(lo, 6) : "\(trimmedFixed(lo, 6))..\(trimmedFixed(hi, 6))"
            case .text(let t): t
            }
        }

        /// The two numbers of `lo..hi`, in the order written; nil for anything else.
        static func rangeBounds(_ s: String) -> (Double, Double)? {
            let parts = s.components(separatedBy: "..")
            guard parts.count == 2, let lo = Double(parts[0]), let hi = Double(parts[1]) else { return nil }
            return (lo, hi)
        }

        /// A range of finite bounds written high first (`5..3`).
        static func isReversed(_ s: String) -> Bool {
            guard let (lo, hi) = rangeBounds(s) else { return false }
            return lo.isFinite && hi.isFinite && lo > hi
        }

        /// `5.3..5.5`, `1050`, or any other text (matched exactly); nil for a range no value can
        /// meet (`5..3`, a bound out of the numbers' range such as `1e999`).
        static func parse(_ v: JSONValue) -> Bound? {
            switch v {
            case .number(let n): return Double(n).flatMap { $0.isFinite ? .range($0, $0) : nil }
            case .string(let s):
                if let (lo, hi) = rangeBounds(s) { return lo <= hi && lo.isFinite && hi.isFinite ? .range(lo, hi) : nil }
                if let d = Double(s) { return d.isFinite ? .range(d, d) : nil }
                return .text(s)
            default: return nil
            }
        }
    }

    public var rule: String
    /// Session key, room name, room sid or job id; nil matches any session.
    public var session: String?
    public var severity: Severity?
    public var values: [(String, Bound)]
    /// The line of expected.json where this expectation begins (1-based; 0 when not read from a
    /// file): where SARIF and GitHub annotations place a missing finding. Not part of equality.
    public var line = 0

    public init(rule: String, session: String?, severity: Severity?, values: [(String, Bound)] = []) {
        self.rule = rule
        self.session = session
        self.severity = severity
        self.values = values
    }

    public static func == (a: Expectation, b: Expectation) -> Bool {
        a.rule == b.rule && a.session == b.session && a.severity == b.severity && a.values.count == b.values.count
            && zip(a.values, b.values).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    }

    /// Whether `finding` (of `session`) satisfies this expectation.
    public func matches(_ finding: Finding, in session: Session?) -> Bool {
        guard finding.rule == rule else { return false }
        if let severity, finding.severity != severity { return false }
        if let selector = self.session {
            guard selector == finding.sessionKey || (session?.matches(selector) ?? false) else { return false }
        }
        return values.allSatisfy { key, bound in bound.accepts(finding.value(key)) }
    }

    /// What keeps `finding` (of `session`) from meeting this expectation when its rule and
    /// session are the ones expected: its severity and each value out of bounds, as
    /// `severity warning (expected error)`, `seconds 3.2 (expected 5.3..5.5)`; nil when the rule
    /// or the session differ.
    public func differences(from finding: Finding, in session: Session?) -> [String]? {
        guard finding.rule == rule else { return nil }
        if let selector = self.session {
            guard selector == finding.sessionKey || (session?.matches(selector) ?? false) else { return nil }
        }
        var out: [String] = []
        if let severity, finding.severity != severity {
            out.append("severity \(finding.severity.rawValue) (expected \(severity.rawValue))")
        }
        for (key, bound) in values where !bound.accepts(finding.value(key)) {
            out.append("\(key) \(finding.value(key).map(Self.text) ?? "not given") (expected \(bound.description))")
        }
        return out
    }

    private static func text(_ v: FindingValue) -> String {
        switch v {
        case .number(let d): trimmedFixed(d, 6)
        case .integer(let i): String(i)
        case .text(let t): t
        case .time(let t): t.iso8601
        case .list(let items): items.joined(separator: ", ")
        case .object: "{…}"
        }
    }

    /// `auth-expiry-cascade in voice-room-7f3k2/RM_… (failures 22)`.
    public var description: String {
        var text = rule
        if let session { text += " in \(session)" }
        if let severity { text += " [\(severity.rawValue)]" }
        if !values.isEmpty { text += " (" + values.map { "\($0.0) \($0.1.description)" }.joined(separator: ", ") + ")" }
        return text
    }
}
