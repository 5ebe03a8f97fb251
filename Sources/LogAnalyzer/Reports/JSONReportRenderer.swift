/// `--output json`: the `loganalyze.report/v1` document (documented in README.md).
public struct JSONReportRenderer {
    public static let schema = "loganalyze.report/v1"

    public init() {}

    public func render(_ report: Report) -> String {
        document(report).serialized(pretty: true) + "\n"
    }

    /// Writes the document piece by piece (a session or a finding at a time): memory stays flat
    /// however many sessions and findings there are.
    public func render(_ report: Report, to out: OutputStream) {
        let redactor = Redactor()
        var outline = Report(inputs: report.inputs, sessions: [], findings: [], configuration: report.configuration)
        outline.diagnostics = report.diagnostics
        let full = document(outline)
        guard case .object(let members) = full else { return }
        func array(_ count: Int, _ element: (Int, inout JSONBytes) -> Void) {
            guard count > 0 else {
                out.write("[]")
                return
            }
            // Elements are written into one buffer, flushed every 64 KiB.
            var chunk = JSONBytes(capacity: 1 << 16 + 4096)
            chunk.append("[")
            for j in 0..<count {
                chunk.append(j == 0 ? "\n    " : ",\n    ")
                element(j, &chunk)
                if chunk.count >= 1 << 16 {
                    out.write(chunk.bytes)
                    chunk.removeAll()
                }
            }
            chunk.append("\n  ]")
            out.write(chunk.bytes)
        }
        out.write("{\n")
        for (i, (key, value)) in members.enumerated() {
            out.write("  " + JSONWriter.quoted(key) + ": ")
            if key == "sessions" {
                array(report.sessions.count) { writeSession(report.sessions[$0], redactor, into: &$1) }
            } else if key == "findings" {
                let paths = report.paths
                array(report.findings.count) { findingNode(report.findings[$0], paths: paths, redactor).write(into: &$1, pretty: true, depth: 2) }
            } else if key == "summary" {
                out.write(summaryNode(report).serialized(pretty: true, depth: 1))
            } else {
                out.write(value.serialized(pretty: true, depth: 1))
            }
            out.write(i == members.count - 1 ? "\n" : ",\n")
        }
        out.write("}\n")
    }


    public func document(_ report: Report) -> JSONNode {
        let redactor = Redactor()
        func str(_ s: String?) -> JSONNode { s.map { .string(redactor.redact($0)) } ?? .null }
        func time(_ t: Timestamp?) -> JSONNode { t.map { .string($0.iso8601) } ?? .null }
        // (An input that could not be read is its `unreadable` diagnostic, not an input.)
        let inputs: [JSONNode] = report.inputs.filter(\.stats.readable).map { i in
            .object([
                ("path", .string(redactor.redact(i.path))),
                ("bytes", .int(Int(i.stats.bytes))),
                ("lines", .int(i.stats.lines)),
                ("records", .int(i.stats.records)),
                ("formats", .object(i.stats.formats.sorted { $0.key.id < $1.key.id }.map { ($0.key.id, .int($0.value)) })),
            ])
        }
        let sessions: [JSONNode] = report.sessions.map { sessionNode($0, redactor) }
        let findings: [JSONNode] = report.findings.map { findingNode($0, paths: report.paths, redactor) }
        return .object([
            ("schema", .string(Self.schema)),
            ("inputs", .array(inputs)),
            ("diagnostics", .array(diagnosticNodes(report.diagnostics))),
            ("sessions", .array(sessions)),
            ("findings", .array(findings)),
            ("summary", summaryNode(report)),
        ])
    }

    /// The input's problems (warnings and errors) as stderr has them: those kept, then per path
    /// and kind a note of how many more there were (`more`).
    func diagnosticNodes(_ sink: DiagnosticSink) -> [JSONNode] {
        let problems = sink.problems
        let kept: [JSONNode] = problems.kept.map { d in
            .object([
                ("severity", .string(d.severity.rawValue)),
                ("path", d.path.isEmpty ? .null : .string(Redactor.redactOnce(d.path))),
                ("line", d.line > 0 ? .int(d.line) : .null),
                ("kind", .string(d.kind)),
                ("message", .string(Redactor.redactOnce(d.message))),
            ])
        }
        return kept + problems.omitted.map { o in
            .object([
                ("severity", .string(Diagnostic.Severity.note.rawValue)),
                ("path", o.path.isEmpty ? .null : .string(Redactor.redactOnce(o.path))),
                ("line", .null),
                ("kind", .string(o.kind)),
                ("message", .string(DiagnosticSink.omittedText(o))),
                ("more", .int(o.count)),
            ])
        }
    }

    func findingNode(_ f: Finding, paths: [String], _ redactor: Redactor) -> JSONNode {
        func str(_ s: String?) -> JSONNode { s.map { .string(redactor.redact($0)) } ?? .null }
        func time(_ t: Timestamp?) -> JSONNode { t.map { .string($0.iso8601) } ?? .null }
        return .object([
            ("rule", .string(f.rule)),
            ("severity", .string(f.severity.rawValue)),
            ("session", str(f.sessionKey)),
            ("room", str(f.room)),
            ("roomSid", str(f.roomSid)),
            ("jobId", str(f.jobId)),
            ("at", time(f.at)),
            ("message", str(f.message)),
            ("explanation", .array(f.explanation.map { str($0) })),
            ("values", .object(f.values.map { ($0.0, node($0.1, redactor)) })),
            ("evidence", .array(f.evidence.map { e in
                .object([
                    ("path", str(paths.indices.contains(e.location.input) ? paths[e.location.input] : "?")),
                    ("line", .int(e.location.line)),
                    ("time", time(e.time)),
                    ("side", .string(e.side.rawValue)),
                    ("role", .string(e.role)),
                    ("text", str(e.text)),
                ])
            })),
        ])
    }

    func summaryNode(_ report: Report) -> JSONNode {
        // (`sessionsLeftOut` only when `analyze` selected sessions: `--session`, `--since`, `--until`.)
        .object([
            ("sessions", .int(report.sessionCount)),
        ] + (report.filter == nil ? [] : [("sessionsLeftOut", .int(report.sessionsLeftOut))]) + [
            ("sessionsListed", .int(report.sessions.count)),
            ("findings", .int(report.findings.count)),
            ("errors", .int(report.count(.error))),
            ("warnings", .int(report.count(.warning))),
            ("infos", .int(report.count(.info))),
        ])
    }

    /// `sessionNode(s).write(into:pretty: true, depth: 2)`, written directly (a report lists up
    /// to 100,000 sessions: no node tree for each).
    func writeSession(_ s: Session, _ redactor: Redactor, into out: inout JSONBytes) {
        func string(_ value: String?) {
            if let value { out.quote(redactor.redact(value)) } else { out.append("null") }
        }
        func time(_ t: Timestamp?) {
            if let t { out.quote(t.iso8601) } else { out.append("null") }
        }
        func strings(_ values: [String], redacted: Bool) {
            guard !values.isEmpty else {
                out.append("[]")
                return
            }
            out.append("[")
            for (i, v) in values.enumerated() {
                out.append(i == 0 ? "\n        " : ",\n        ")
                out.quote(redacted ? redactor.redact(v) : v)
            }
            out.append("\n      ]")
        }
        out.append("{\n      \"key\": ")
        string(s.key)
        out.append(",\n      \"room\": ")
        string(s.room)
        out.append(",\n      \"roomSid\": ")
        string(s.roomSid)
        out.append(",\n      \"jobIds\": ")
        strings(s.jobIds, redacted: true)
        out.append(",\n      \"start\": ")
        time(s.start)
        out.append(",\n      \"end\": ")
        time(s.end)
        out.append(",\n      \"sides\": ")
        strings(s.sides.map(\.rawValue), redacted: false)
        out.append(",\n      \"records\": ")
        out.append(s.recordCount)
        out.append("\n    }")
    }

    func sessionNode(_ s: Session, _ redactor: Redactor) -> JSONNode {
        func str(_ s: String?) -> JSONNode { s.map { .string(redactor.redact($0)) } ?? .null }
        func time(_ t: Timestamp?) -> JSONNode { t.map { .string($0.iso8601) } ?? .null }
        return .object([
            ("key", str(s.key)),
            ("room", str(s.room)),
            ("roomSid", str(s.roomSid)),
            ("jobIds", .array(s.jobIds.map { str($0) })),
            ("start", time(s.start)),
            ("end", time(s.end)),
            ("sides", .array(s.sides.map { .string($0.rawValue) })),
            ("records", .int(s.recordCount)),
        ])
    }

    func node(_ v: FindingValue, _ redactor: Redactor) -> JSONNode {
        switch v {
        case .number(let d): .double(d, digits: 3)
        case .integer(let i): .int(i)
        case .text(let s): .string(redactor.redact(s))
        case .time(let t): .string(t.iso8601)
        case .list(let l): .array(l.map { .string(redactor.redact($0)) })
        case .object(let members): .object(members.map { ($0.0, node($0.1, redactor)) })
        }
    }
}
