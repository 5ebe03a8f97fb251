/// `--output junit`: JUnit XML for CI servers. `analyze`: one `testsuite` per input, one
/// `testcase` per session seen in it, failing with its findings at or above `--fail-on`.
/// `check`: one `testsuite` per fixture, a `testcase` per expected finding and per session.
/// An input that could not be read (an error diagnostic) is a suite of its own whose one case is
/// an `error`: a CI server shows the run broken, not green without that log.
public struct JUnitRenderer {
    public var failOn: Severity?

    public init(failOn: Severity? = .error) { self.failOn = failOn }

    struct Case {
        var name: String
        var classname: String
        var failure: (message: String, body: String)?
        var error: String?
        var errorType = "broken-fixture"
        var output: String?
    }

    public func render(_ report: Report) -> String {
        var out = ""
        render(report) { out += $0 }
        return out
    }

    /// Writes the XML a test case at a time (the report's lists may be spooled). A first pass
    /// over the sessions counts the tests and failures the suites' attributes need and notes
    /// which sessions each input saw (and counts their labels); the second writes the cases.
    public func render(_ report: Report, to write: (String) -> Void) {
        let text = ReportText(paths: report.paths)
        func failing(_ findings: [Finding]) -> [Finding] {
            findings.filter { f in failOn.map { f.severity >= $0 } ?? false }
        }
        var byInput = [[Int]](repeating: [], count: report.inputs.count)
        var failures = [Int](repeating: 0, count: report.inputs.count)
        var labels: [String: Int] = [:]
        for (position, session) in report.sessions.enumerated() {
            labels[session.label, default: 0] += 1
            let failed = !failing(report.findings(of: session)).isEmpty
            for i in Set(session.inputs) where byInput.indices.contains(i) {
                byInput[i].append(position)
                if failed { failures[i] += 1 }
            }
        }
        let redactor = text.redactor
        // Inputs that could not be read, by path in the order first reported.
        var inputErrors: [(path: String, cases: [Case])] = []
        for d in report.diagnostics.kept where d.severity == .error {
            let path = d.path.isEmpty ? "loganalyze" : d.path
            let c = Case(name: "read input", classname: path, error: d.line > 0 ? "line \(d.line): \(d.message)" : d.message, errorType: d.kind)
            if let i = inputErrors.firstIndex(where: { $0.path == path }) { inputErrors[i].cases.append(c) } else { inputErrors.append((path, [c])) }
        }
        let errorCount = inputErrors.reduce(0) { $0 + $1.cases.count }
        // An input that could not be read is its `read input` error below, not also a suite.
        let listed = report.inputs.indices.filter { report.inputs[$0].stats.readable || !byInput[$0].isEmpty }
        let tests = listed.reduce(0) { $0 + max(1, byInput[$1].count) } + errorCount
        write(header(tests: tests, failures: failures.reduce(0, +), errors: errorCount))
        for index in listed {
            let input = report.inputs[index]
            var out = suiteOpen(input.path, tests: max(1, byInput[index].count), failures: failures[index], errors: 0, redactor)
            if byInput[index].isEmpty { out += testCase(Case(name: "no sessions", classname: input.path), redactor) }
            for position in byInput[index] {
                let session = report.sessions[position]
                let findings = report.findings(of: session)
                let failed = failing(findings)
                var c = Case(name: Self.caseName(session, position, labels), classname: input.path)
                if !failed.isEmpty {
                    c.failure = (failed.map { "\($0.rule): \($0.message)" }.joined(separator: "; "), failed.map { describe($0, text) }.joined(separator: "\n\n"))
                }
                let passing = findings.filter { f in !failed.contains { $0.rule == f.rule && $0.at == f.at } }
                if !passing.isEmpty { c.output = passing.map { describe($0, text) }.joined(separator: "\n\n") }
                out += testCase(c, redactor)
                if out.utf8.count >= 1 << 16 {
                    write(out)
                    out = ""
                }
            }
            write(out + "  </testsuite>\n")
        }
        for (path, cases) in inputErrors {
            write(suiteOpen(path, tests: cases.count, failures: 0, errors: cases.count, redactor) + cases.map { testCase($0, redactor) }.joined() + "  </testsuite>\n")
        }
        write("</testsuites>\n")
    }

    public func render(_ fixtures: [FixtureResult]) -> String {
        var suites: [(String, [Case])] = []
        for fixture in fixtures {
            guard let report = fixture.report, let expectations = fixture.expectations else {
                suites.append((fixture.path, [Case(name: "expectations", classname: fixture.path, error: fixture.brokenReason ?? "broken fixture")]))
                continue
            }
            let text = ReportText(paths: report.paths)
            var cases: [Case] = []
            // Identical expectations (two cascades of one session) are cases of their own names
            // (`#1`, `#2`), and only as many fail as went unmet: the last ones, which the
            // matching leaves without a finding.
            var total: [String: Int] = [:]
            var unmet: [String: Int] = [:]
            for e in expectations.findings { total[e.description, default: 0] += 1 }
            for e in fixture.missing { unmet[e.description, default: 0] += 1 }
            var seen: [String: Int] = [:]
            for e in expectations.findings {
                let n = seen[e.description, default: 0] + 1
                seen[e.description] = n
                let count = total[e.description, default: 0]
                var c = Case(name: "expected \(e.description)" + (count > 1 ? " #\(n)" : ""), classname: fixture.path)
                if n > count - unmet[e.description, default: 0] {
                    c.failure = ("missing \(e.rule)", "missing \(TerminalText.escape(e.description))")
                }
                cases.append(c)
            }
            var labels: [String: Int] = [:]
            for session in report.sessions { labels[session.label, default: 0] += 1 }
            for (position, session) in report.sessions.enumerated() {
                let unexpected = fixture.unexpected.filter { $0.sessionOrder == session.order }
                var c = Case(name: Self.caseName(session, position, labels), classname: fixture.path)
                if !unexpected.isEmpty {
                    c.failure = (unexpected.map { "unexpected \($0.rule)" }.joined(separator: "; "), unexpected.map { describe($0, text) }.joined(separator: "\n\n"))
                }
                cases.append(c)
            }
            suites.append((fixture.path, cases))
        }
        return xml(suites, redactor: Redactor())
    }

    /// A session's test case name: `session <label>`, with its start (else its number in the
    /// report) when another session has the same label (a reused room name; `labels` counts
    /// them), since JUnit consumers merge cases of one name and class.
    static func caseName(_ s: Session, _ position: Int, _ labels: [String: Int]) -> String {
        let label = s.label
        guard labels[label, default: 0] > 1 else { return "session \(label)" }
        return s.start.map { "session \(label) started \($0.iso8601)" } ?? "session \(label) #\(position + 1)"
    }

    private func describe(_ f: Finding, _ text: ReportText) -> String {
        var lines = ["\(f.severity.rawValue) \(f.rule): \(f.message)"]
        lines += f.explanation
        lines += f.evidence.map { "  \(text.location($0.location)) \($0.role): \($0.text)" }
        return lines.map { TerminalText.escape($0) }.joined(separator: "\n")
    }

    private func xml(_ suites: [(String, [Case])], redactor: Redactor) -> String {
        let tests = suites.reduce(0) { $0 + $1.1.count }
        let failures = suites.reduce(0) { $0 + $1.1.filter { $0.failure != nil }.count }
        let errors = suites.reduce(0) { $0 + $1.1.filter { $0.error != nil }.count }
        var out = header(tests: tests, failures: failures, errors: errors)
        for (name, cases) in suites {
            out += suiteOpen(name, tests: cases.count, failures: cases.filter { $0.failure != nil }.count,
                             errors: cases.filter { $0.error != nil }.count, redactor)
            for c in cases { out += testCase(c, redactor) }
            out += "  </testsuite>\n"
        }
        out += "</testsuites>\n"
        return out
    }

    private func header(tests: Int, failures: Int, errors: Int) -> String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<testsuites name=\"loganalyze\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"\(errors)\">\n"
    }

    private func suiteOpen(_ name: String, tests: Int, failures: Int, errors: Int, _ redactor: Redactor) -> String {
        "  <testsuite name=\"\(Self.escape(TerminalText.escape(redactor.redact(name))))\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"\(errors)\" skipped=\"0\" time=\"0\">\n"
    }

    private func testCase(_ c: Case, _ redactor: Redactor) -> String {
        func esc(_ s: String) -> String { Self.escape(redactor.redact(s)) }
        func attribute(_ s: String) -> String { Self.escape(TerminalText.escape(redactor.redact(s))) }
        var out = "    <testcase classname=\"\(attribute(c.classname))\" name=\"\(attribute(c.name))\" time=\"0\""
        if c.failure == nil && c.error == nil && c.output == nil { return out + "/>\n" }
        out += ">\n"
        if let failure = c.failure {
            out += "      <failure message=\"\(attribute(failure.message))\" type=\"finding\">\(esc(failure.body))</failure>\n"
        }
        if let error = c.error { out += "      <error message=\"\(attribute(error))\" type=\"\(attribute(c.errorType))\"/>\n" }
        if let output = c.output { out += "      <system-out>\(esc(output))</system-out>\n" }
        return out + "    </testcase>\n"
    }

    /// XML text/attribute escaping; characters XML 1.0 cannot carry, and those
    /// `TerminalText` escapes, are shown as `\xNN` / `\uNNNN`.
    static func escape(_ s: String) -> String {
        // (Most texts are printable ASCII: escaped byte by byte. A report of 25,000 findings
        // spent a third of its time appending scalar by scalar.)
        var text = s
        if let ascii = text.withUTF8({ escapeASCII($0) }) { return ascii }
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n": out += "&#10;"
            case "\t": out += "&#9;"
            default:
                if TerminalText.isControl(u, keepNewlines: false) || u.value == 0xFFFE || u.value == 0xFFFF {
                    out += TerminalText.escaped(u)
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out
    }

    /// `escape` of printable ASCII with tabs and line feeds, or nil for any other byte (a control
    /// character or a non-ASCII one: the scalars' path).
    static func escapeASCII(_ b: UnsafeBufferPointer<UInt8>) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(b.count + 16)
        for c in b {
            switch c {
            case UInt8(ascii: "&"): out += "&amp;".utf8
            case UInt8(ascii: "<"): out += "&lt;".utf8
            case UInt8(ascii: ">"): out += "&gt;".utf8
            case UInt8(ascii: "\""): out += "&quot;".utf8
            case UInt8(ascii: "'"): out += "&apos;".utf8
            case 0x0A: out += "&#10;".utf8
            case 0x09: out += "&#9;".utf8
            case 0x20..<0x7F: out.append(c)
            default: return nil
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
