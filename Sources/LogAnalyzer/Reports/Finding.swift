/// How serious a finding is; also the `--fail-on` threshold.
public enum Severity: String, Sendable, Comparable, CaseIterable {
    case info, warning, error

    public static func < (a: Severity, b: Severity) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// A line that supports a finding.
public struct Evidence: Sendable, Equatable {
    public var location: SourceLocation
    public var time: Timestamp?
    public var side: Side
    /// What the line says (rendered redacted and escaped).
    public var text: String
    /// Why it is evidence (`first 401`, `last line before the silence`).
    public var role: String

    public init(location: SourceLocation, time: Timestamp?, side: Side, text: String, role: String) {
        self.location = location
        self.time = time
        self.side = side
        self.text = text
        self.role = role
    }

    init(_ event: SessionEvent, role: String) {
        self.init(location: event.location, time: event.time, side: event.side, text: event.text, role: role)
    }
}

/// A value attached to a finding (`values` in JSON).
public enum FindingValue: Sendable, Equatable {
    case number(Double)
    case integer(Int)
    case text(String)
    case time(Timestamp)
    case list([String])
    case object([(String, FindingValue)])

    public static func == (a: FindingValue, b: FindingValue) -> Bool {
        switch (a, b) {
        case let (.number(x), .number(y)): return x == y
        case let (.integer(x), .integer(y)): return x == y
        case let (.text(x), .text(y)): return x == y
        case let (.time(x), .time(y)): return x == y
        case let (.list(x), .list(y)): return x == y
        case let (.object(x), .object(y)): return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }
}

/// One diagnosis about one session.
public struct Finding: Sendable {
    public var rule: String
    public var severity: Severity
    public var sessionKey: String
    /// The session's `order`: unlike its key (a reused room name gives several sessions one
    /// key), it tells sessions apart.
    public var sessionOrder: Int
    public var room: String?
    public var roomSid: String?
    public var jobId: String?
    public var at: Timestamp?
    /// One sentence with the key number.
    public var message: String
    /// Why, in a few sentences (the explanation a person reads).
    public var explanation: [String]
    public var values: [(String, FindingValue)]
    public var evidence: [Evidence]
    /// Index in `evidence` of the line a CI annotation points at.
    public var primaryEvidence = 0

    /// The evidence line that locates the finding (SARIF `locations`, GitHub `file`/`line`).
    public var primary: Evidence? { evidence.indices.contains(primaryEvidence) ? evidence[primaryEvidence] : evidence.first }

    public init(rule: String, severity: Severity, session: Session, at: Timestamp?, message: String) {
        self.rule = rule
        self.severity = severity
        self.sessionKey = session.key
        self.sessionOrder = session.order
        self.room = session.room
        self.roomSid = session.roomSid
        self.jobId = session.jobIds.first
        self.at = at
        self.message = message
        self.explanation = []
        self.values = []
        self.evidence = []
    }

    /// A finding read back from a spool: its parts are set one by one.
    init(rule: String, severity: Severity, sessionKey: String, sessionOrder: Int) {
        self.rule = rule
        self.severity = severity
        self.sessionKey = sessionKey
        self.sessionOrder = sessionOrder
        self.message = ""
        self.explanation = []
        self.values = []
        self.evidence = []
    }

    public func value(_ key: String) -> FindingValue? {
        values.first { $0.0 == key }?.1
    }

    public func number(_ key: String) -> Double? {
        switch value(key) {
        case .number(let d): d
        case .integer(let i): Double(i)
        default: nil
        }
    }
}
