/// Normalised severity of a record.
public enum LogLevel: Int, Sendable, Comparable, CaseIterable {
    case trace, debug, info, warning, error, critical

    public static func < (a: LogLevel, b: LogLevel) -> Bool { a.rawValue < b.rawValue }

    public var name: String {
        switch self {
        case .trace: "trace"
        case .debug: "debug"
        case .info: "info"
        case .warning: "warning"
        case .error: "error"
        case .critical: "critical"
        }
    }

    /// Reads Python, Go (zap), Rust, pino-pretty and GCP level words, any case.
    static func parse(_ word: UnsafeBufferPointer<UInt8>) -> LogLevel? {
        // The usual words (`INFO`, `debug`, `ERROR`, `warning` …), their first four bytes read
        // as one number in lower case (OR 0x20 maps only a letter's two cases onto its lower
        // case): a line's level in a few instructions instead of a loop over its bytes.
        if word.count >= 4 && word.count <= 7, let base = word.baseAddress {
            let head = UInt32(littleEndian: UnsafeRawPointer(base).loadUnaligned(as: UInt32.self)) | 0x2020_2020
            let fifth = word.count > 4 ? base[4] | 0x20 : 0
            switch (word.count, head) {
            case (4, 0x6F66_6E69): return .info  // info
            case (4, 0x6E72_6177): return .warning  // warn
            case (5, 0x7562_6564) where fifth == 0x67: return .debug  // debug
            case (5, 0x6F72_7265) where fifth == 0x72: return .error  // error
            case (7, 0x6E72_6177) where fifth == 0x69 && base[5] | 0x20 == 0x6E && base[6] | 0x20 == 0x67: return .warning  // warning
            default: break
            }
        }
        if word.count == 9 { return word.elementsEqual("EMERGENCY".utf8, by: { $0 == $1 || $0 == $1 | 0x20 }) ? .critical : nil }
        guard word.count >= 3 && word.count <= 8 else { return nil }
        var key: UInt64 = 0
        for c in word {
            let upper = (c >= 0x61 && c <= 0x7A) ? c - 0x20 : c
            guard upper >= 0x41 && upper <= 0x5A else { return nil }
            key = key << 8 | UInt64(upper)
        }
        switch key {
        case 0x5452_4143_45: return .trace  // TRACE
        case 0x4445_4255_47: return .debug  // DEBUG
        case 0x494E_464F, 0x4445_56, 0x4E4F_5449_4345, 0x4445_4641_554C_54: return .info  // INFO DEV NOTICE DEFAULT
        case 0x5741_524E, 0x5741_524E_494E_47: return .warning  // WARN WARNING
        case 0x4552_524F_52, 0x4552_52: return .error  // ERROR ERR
        case 0x4352_4954_4943_414C, 0x4450_414E_4943, 0x5041_4E49_43, 0x4641_5441_4C, 0x414C_4552_54:
            return .critical  // CRITICAL DPANIC PANIC FATAL ALERT
        default: return nil
        }
    }

    static func parse(_ text: String) -> LogLevel? {
        var text = text
        return text.withUTF8 { parse($0) }
    }

    /// pino numeric levels: 10 trace … 60 fatal.
    static func pino(_ value: Int) -> LogLevel {
        switch value {
        case ..<20: .trace
        case 20..<30: .debug
        case 30..<40: .info
        case 40..<50: .warning
        case 50..<60: .error
        default: .critical
        }
    }
}

/// The identifiers that tie a record to a session (DOMAIN.md (d)).
public struct SessionIDs: Sendable, Equatable, Hashable {
    public var room: String?
    public var roomSid: String?
    public var jobId: String?
    public var workerId: String?
    public var participant: String?
    public var participantSid: String?
    public var pid: Int?

    public init() {}

    public var isEmpty: Bool {
        room == nil && roomSid == nil && jobId == nil && workerId == nil && participant == nil
            && participantSid == nil && pid == nil
    }

    /// Which ids are unset (bits in declaration order), for `clear(_:)`.
    var missing: UInt8 {
        (room == nil ? 1 : 0) | (roomSid == nil ? 2 : 0) | (jobId == nil ? 4 : 0) | (workerId == nil ? 8 : 0)
            | (participant == nil ? 16 : 0) | (participantSid == nil ? 32 : 0) | (pid == nil ? 64 : 0)
    }

    /// Unsets the ids named by `mask` (a `missing` value taken earlier).
    mutating func clear(_ mask: UInt8) {
        if mask & 1 != 0 { room = nil }
        if mask & 2 != 0 { roomSid = nil }
        if mask & 4 != 0 { jobId = nil }
        if mask & 8 != 0 { workerId = nil }
        if mask & 16 != 0 { participant = nil }
        if mask & 32 != 0 { participantSid = nil }
        if mask & 64 != 0 { pid = nil }
    }

    /// Fills the ids this value lacks from `other`.
    mutating func fill(from other: SessionIDs) {
        if room == nil { room = other.room }
        if roomSid == nil { roomSid = other.roomSid }
        if jobId == nil { jobId = other.jobId }
        if workerId == nil { workerId = other.workerId }
        if participant == nil { participant = other.participant }
        if participantSid == nil { participantSid = other.participantSid }
        if pid == nil { pid = other.pid }
    }
}

/// Claims decoded from a JWT found in a record (the token itself is never kept).
public struct TokenClaims: Sendable, Equatable, Hashable {
    public var subject: String?
    public var room: String?
    public var issuer: String?
    public var notBefore: Int64?
    public var expires: Int64?
    public var issuedAt: Int64?

    public init() {}

    /// exp - nbf, the validity the token was minted with.
    public var validitySeconds: Int64? {
        guard let e = expires, let n = notBefore ?? issuedAt else { return nil }
        return e - n
    }
}

/// One log record, normalised: a line (or a line with its continuation lines) of any known format.
public struct LogRecord: Sendable {
    /// Index of the input in the run's input list.
    public var input: Int
    /// First physical line, 1-based.
    public var line: Int
    /// Number of physical lines (1 + continuation lines).
    public var lineCount: Int = 1
    public var format: LogFormat
    public var time: Timestamp?
    public var level: LogLevel?
    public var logger: String?
    public var message: String
    public var fields: Fields
    public var ids: SessionIDs
    /// Text of the error-like fields (`error`, `exc_info`, `errorVerbose`, `reason`), joined.
    public var errorText: String? {
        get { rare?.errorText }
        set { setRare { $0.errorText = newValue } }
    }
    /// Claims of a JWT that appeared in the record.
    public var token: TokenClaims? {
        get { rare?.token }
        set { setRare { $0.token = newValue } }
    }
    /// The text of the event the record makes, when the parser classified it (redacted).
    var eventText: String? {
        get { rare?.eventText }
        set { setRare { $0.eventText = newValue } }
    }
    /// The wrapper's source label (docker compose service, journald process), when present.
    public var source: String?
    /// Set when the parser already classified the record for analysis (`event` then holds the
    /// result); such records may be "lite": no message or fields, because no detector reads them.
    var isClassified = false
    var event: EventKind?
    /// Set by a text parser that read a metrics line's extras already: `event` holds its metrics
    /// event, valid while the record stays one line (a continuation changes the message).
    var hasParsedMetrics = false
    /// Set by a text parser whose analysis gate found no event word in the message (and no
    /// error text in the extras): the record makes no event while it stays one line without an
    /// error text.
    var hasNoEventWords = false
    /// Set by a text parser (in analysis) that kept the message of such a record as bytes, not
    /// as a String: `message` stays empty unless the parser needs it after all (a continuation
    /// line, ids or a Rust target in the text); a lite record carries no message.
    var isMessageDeferred = false
    /// Fields few records have, kept out of line: a record is copied several times on its way to
    /// the session tracker, and every byte of it is copied each time.
    private var rare: Rare?

    private final class Rare: Sendable {
        let values: RareValues
        init(_ values: RareValues) { self.values = values }
        var errorText: String? { values.errorText }
        var token: TokenClaims? { values.token }
        var eventText: String? { values.eventText }
    }

    private struct RareValues {
        var errorText: String?
        var token: TokenClaims?
        var eventText: String?
        var isEmpty: Bool { errorText == nil && token == nil && eventText == nil }
    }

    private mutating func setRare(_ change: (inout RareValues) -> Void) {
        var v = rare?.values ?? RareValues()
        change(&v)
        rare = v.isEmpty ? nil : Rare(v)
    }

    public init(input: Int, line: Int, format: LogFormat, message: String) {
        self.input = input
        self.line = line
        self.format = format
        self.message = message
        self.fields = Fields()
        self.ids = SessionIDs()
    }

    public func field(_ key: String) -> JSONValue? { fields[key] }
}
