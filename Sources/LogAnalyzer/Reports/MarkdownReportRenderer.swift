/// `--output markdown`: a findings table and per-session details, for tickets and PR comments.
public struct MarkdownReportRenderer {
    public init() {}

    public func render(_ report: Report) -> String {
        var out = ""
        render(report) { out += $0 }
        return out
    }

    /// Writes the report piece by piece: the table a 64 KiB block at a time, then a session at a
    /// time (the report's lists may be spooled).
    public func render(_ report: Report, to write: (String) -> Void) {
        let text = ReportText(paths: report.paths)
        // Safe text has no newline left (escaped as `\x0a`); `<` `>` `&` would be raw HTML
        // (`<img src=x onerror=…>` from a log) or an entity, `|` would open a column, and in a
        // table cell a backtick a code span (prose keeps its code spans: explanations quote code).
        // Most text holds none of them.
        func escaped(_ s: String, backticks: Bool) -> String {
            let safe = text.safe(s)
            guard safe.utf8.contains(where: { $0 == UInt8(ascii: "|") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") || $0 == UInt8(ascii: "&") || (backticks && $0 == UInt8(ascii: "`")) })
            else { return safe }
            var out = ""
            for c in safe.unicodeScalars {
                switch c {
                case "|": out += "\\|"
                case "`" where backticks: out += "\\`"
                case "&": out += "&amp;"
                case "<": out += "&lt;"
                case ">": out += "&gt;"
                default: out.unicodeScalars.append(c)
                }
            }
            return out
        }
        func cell(_ s: String) -> String { escaped(s, backticks: true) }
        func prose(_ s: String) -> String { escaped(s, backticks: false) }
        func code(_ s: String) -> String {
            let safe = text.safe(s)
            return "`" + (safe.utf8.contains(UInt8(ascii: "`")) ? safe.replacingOccurrences(of: "`", with: "'") : safe) + "`"
        }
        var out = "# loganalyze report\n\n"
        out += TextReportRenderer().summary(report) + "\n"
        guard !report.findings.isEmpty else {
            write(out)
            return
        }
        out += "| severity | rule | session | at | finding |\n|---|---|---|---|---|\n"
        for f in report.findings {
            out += "| \(f.severity.rawValue) | `\(f.rule)` | \(cell(f.room ?? f.sessionKey)) | \(f.at?.humanString ?? "") | \(cell(f.message)) |\n"
            if out.utf8.count >= 1 << 16 {
                write(out)
                out = ""
            }
        }
        write(out)
        for session in report.sessions {
            let findings = report.findings(of: session)
            guard !findings.isEmpty else { continue }
            out = "\n## \(cell(ReportText.sessionHeader(session)))\n"
            for f in findings {
                out += "\n### \(f.severity.rawValue): `\(f.rule)`\n\n\(prose(f.message))\n\n"
                for line in f.explanation { out += "- \(prose(line))\n" }
                if !f.evidence.isEmpty {
                    out += "\n| time | side | evidence | location | line |\n|---|---|---|---|---|\n"
                    for e in f.evidence {
                        out += "| \(ReportText.relative(e.time, to: session.start)) | \(e.side.rawValue) | \(cell(e.role)) | \(code(text.location(e.location))) | \(cell(e.text)) |\n"
                    }
                }
            }
            write(out)
        }
    }
}
