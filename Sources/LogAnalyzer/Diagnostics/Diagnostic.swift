/// One problem with the input, reported on stderr as `path:line: severity: message`.
public struct Diagnostic: Sendable, Equatable {
    /// How bad the problem is.
    public enum Severity: String, Sendable {
        case note, warning, error
    }

    public var severity: Severity
    /// The input's display path (`-` for standard input); empty for run-wide notes.
    public var path: String
    /// The 1-based line, or 0 when the problem is not tied to a line.
    public var line: Int
    /// A lowercase human sentence naming the cause.
    public var message: String
    /// Groups repeated problems so that they can be summarised (e.g. `long-line`).
    public var kind: String

    public init(_ severity: Severity, path: String, line: Int = 0, kind: String, _ message: String) {
        self.severity = severity
        self.path = path
        self.line = line
        self.kind = kind
        self.message = message
    }

    /// The one-line rendering: `path:line: warning: message`, secrets redacted (a file's name
    /// may hold one) and control characters escaped.
    public var rendered: String {
        var location = path
        if line > 0 { location += ":\(line)" }
        let text = TerminalText.escape(Redactor.redactOnce(message))
        return location.isEmpty ? "loganalyze: \(severity.rawValue): \(text)" : "\(TerminalText.escape(Redactor.redactOnce(location))): \(severity.rawValue): \(text)"
    }
}
