import Foundation

/// `--output github`: GitHub Actions workflow commands, one per finding
/// (`::error file=…,line=…,title=…::message`) and one per input that could not be read, escaped
/// as the runner expects: `%`, CR and LF in the message; additionally `:` and `,` in properties.
/// A message's own lines are its message and explanation; a CR or LF inside one of them (a room
/// name or an expectation from a log) is shown as `\x0d`/`\x0a`, as the text report shows it,
/// not turned into a line break of the annotation.
public struct GitHubRenderer {
    let workingDirectory: WorkingDirectoryPaths

    public init(workingDirectory: String = FileManager.default.currentDirectoryPath) {
        self.workingDirectory = WorkingDirectoryPaths(workingDirectory)
    }

    /// A file as an annotation names it: relative to the working directory (the checkout) when
    /// it lies under it, else absolute, either way without empty, `.` or `..` segments
    /// (`./logs/a.log` and `logs//a.log` are `logs/a.log`), as SARIF's URIs: GitHub matches the
    /// path to the repository's files as it is written. A secret in a name is redacted.
    func file(_ path: String) -> String { Redactor.redactOnce(workingDirectory.relative(path) ?? workingDirectory.absolute(path)) }

    public func render(_ report: Report) -> String {
        var out = ""
        render(report) { out += $0 }
        return out
    }

    /// Writes the commands in 64 KiB blocks (the report's findings may be spooled).
    public func render(_ report: Report, to write: (String) -> Void) {
        let redactor = Redactor()
        let paths = report.paths
        var out = ""
        // An input that could not be read: an error annotation of its own (the run is incomplete).
        for d in report.diagnostics.kept where d.severity == .error {
            let location = d.path.isEmpty ? "" : file(d.path) + ": "
            out += "::error title=\(Self.property("loganalyze: \(d.kind) input"))::\(Self.data(TerminalText.escape(location + Redactor.redactOnce(d.message))))\n"
        }
        for f in report.findings {
            out += command(f, paths: paths, redactor: redactor, prefix: "")
            if out.utf8.count >= 1 << 16 {
                write(out)
                out = ""
            }
        }
        if !out.isEmpty { write(out) }
    }

    public func render(_ fixtures: [FixtureResult]) -> String {
        let redactor = Redactor()
        var out = ""
        for fixture in fixtures {
            let expectationsFile = FixtureExpectations.path(in: fixture.path)
            if let reason = fixture.brokenReason {
                out += "::error file=\(Self.property(file(expectationsFile))),title=\(Self.property("broken fixture"))::\(Self.data(TerminalText.escape(redactor.redact(reason))))\n"
                continue
            }
            guard let report = fixture.report else { continue }
            for e in fixture.missing {
                let line = e.line > 0 ? ",line=\(e.line)" : ""
                out += "::error file=\(Self.property(file(expectationsFile)))\(line),title=\(Self.property("missing \(e.rule)"))::\(Self.data("missing " + TerminalText.escape(redactor.redact(e.description))))\n"
            }
            // An unexpected finding fails the check whatever its severity: an error, its
            // severity in the title (a warning annotation would leave a red job with no error).
            for f in fixture.unexpected {
                out += command(f, paths: report.paths, redactor: redactor, prefix: "unexpected ", failing: true)
            }
        }
        return out
    }

    private func command(_ f: Finding, paths: [String], redactor: Redactor, prefix: String, failing: Bool = false) -> String {
        let kind: String
        switch f.severity {
        case _ where failing: kind = "error"
        case .error: kind = "error"
        case .warning: kind = "warning"
        case .info: kind = "notice"
        }
        var properties: [String] = []
        if let e = f.primary, paths.indices.contains(e.location.input) {
            properties.append("file=" + Self.property(file(paths[e.location.input])))
            properties.append("line=\(e.location.line)")
        }
        properties.append("title=" + Self.property(prefix + f.rule + (failing ? " [\(f.severity.rawValue)]" : "")))
        let message = ([f.message] + f.explanation).map { TerminalText.escape(redactor.redact($0)) }.joined(separator: "\n")
        return "::\(kind) \(properties.joined(separator: ","))::\(Self.data(message))\n"
    }


    /// Escapes a command's message: `%`, `\r`, `\n` (other control characters shown as `\xNN`).
    public static func data(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "%": out += "%25"
            case "\r": out += "%0D"
            case "\n": out += "%0A"
            default:
                if TerminalText.isControl(u, keepNewlines: true) {
                    out += TerminalText.escape(String(u))
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out
    }

    /// Escapes a property value: as `data`, plus `:` and `,`.
    public static func property(_ s: String) -> String {
        data(s).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }
}
