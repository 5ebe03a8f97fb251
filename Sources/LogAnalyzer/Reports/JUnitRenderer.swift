/// `--output junit`: JUnit XML for CI servers. `analyze`: one `testsuite` per input, one
/// `testcase` per session seen in it, failing with its findings at or above `--fail-on`.
/// `check`: one `testsuite` per fixture, a `testcase` per expected finding and per session.
public struct JUnitRenderer {
    public var failOn: Severity?

    public init(failOn: Severity? = .error) { self.failOn = failOn }

    struct Case {
        var name: String
        var classname: String
        var failure: (message: String, body: String)?
        var error: String?
        var output: String?
    }

    public func render(_ report: Report) -> String {
        let text = ReportText(paths: report.paths)
        var suites: [(String, [Case])] = []
        let bySession = report.findingsBySession()
        for (index, input) in report.inputs.enumerated() {
            var cases: [Case] = []
            for session in report.sessions where session.inputs.contains(index) {
                let findings = bySession[session.order] ?? []
                let failing = findings.filter { f in failOn.map { f.severity >= $0 } ?? false }
                var c = Case(name: "session \(session.label)", classname: input.path)
                if !failing.isEmpty {
                    c.failure = (failing.map { "\($0.rule): \($0.message)" }.joined(separator: "; "), failing.map { describe($0, text) }.joined(separator: "\n\n"))
                }
                let passing = findings.filter { f in !failing.contains { $0.rule == f.rule && $0.at == f.at } }
                if !passing.isEmpty { c.output = passing.map { describe($0, text) }.joined(separator: "\n\n") }
                cases.append(c)
            }
            if cases.isEmpty { cases.append(Case(name: "no sessions", classname: input.path)) }
            suites.append((input.path, cases))
        }
        return xml(suites, redactor: text.redactor)
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
            for e in expectations.findings {
                var c = Case(name: "expected \(e.description)", classname: fixture.path)
                if fixture.missing.contains(e) {
                    c.failure = ("missing \(e.rule)", "missing \(e.description)")
                }
                cases.append(c)
            }
            for session in report.sessions {
                let unexpected = fixture.unexpected.filter { $0.sessionKey == session.key }
                var c = Case(name: "session \(session.label)", classname: fixture.path)
                if !unexpected.isEmpty {
                    c.failure = (unexpected.map { "unexpected \($0.rule)" }.joined(separator: "; "), unexpected.map { describe($0, text) }.joined(separator: "\n\n"))
                }
                cases.append(c)
            }
            suites.append((fixture.path, cases))
        }
        return xml(suites, redactor: Redactor())
    }

    private func describe(_ f: Finding, _ text: ReportText) -> String {
        var lines = ["\(f.severity.rawValue) \(f.rule): \(f.message)"]
        lines += f.explanation
        lines += f.evidence.map { "  \(text.location($0.location)) \($0.role): \($0.text)" }
        return lines.joined(separator: "\n")
    }

    private func xml(_ suites: [(String, [Case])], redactor: Redactor) -> String {
        func esc(_ s: String) -> String { Self.escape(redactor.redact(s)) }
        let tests = suites.reduce(0) { $0 + $1.1.count }
        let failures = suites.reduce(0) { $0 + $1.1.filter { $0.failure != nil }.count }
        let errors = suites.reduce(0) { $0 + $1.1.filter { $0.error != nil }.count }
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"loganalyze\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"\(errors)\">\n"
        for (name, cases) in suites {
            let f = cases.filter { $0.failure != nil }.count
            let e = cases.filter { $0.error != nil }.count
            out += "  <testsuite name=\"\(esc(name))\" tests=\"\(cases.count)\" failures=\"\(f)\" errors=\"\(e)\" skipped=\"0\" time=\"0\">\n"
            for c in cases {
                out += "    <testcase classname=\"\(esc(c.classname))\" name=\"\(esc(c.name))\" time=\"0\""
                if c.failure == nil && c.error == nil && c.output == nil {
                    out += "/>\n"
                    continue
                }
                out += ">\n"
                if let failure = c.failure {
                    out += "      <failure message=\"\(esc(failure.message))\" type=\"finding\">\(esc(failure.body))</failure>\n"
                }
                if let error = c.error { out += "      <error message=\"\(esc(error))\" type=\"broken-fixture\"/>\n" }
                if let output = c.output { out += "      <system-out>\(esc(output))</system-out>\n" }
                out += "    </testcase>\n"
            }
            out += "  </testsuite>\n"
        }
        out += "</testsuites>\n"
        return out
    }

    /// XML text/attribute escaping; characters XML 1.0 cannot carry are shown as `\xNN`.
    static func escape(_ s: String) -> String {
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
                if u.value < 0x20 || u.value == 0x7F || (u.value >= 0x80 && u.value < 0xA0) || u.value == 0xFFFE || u.value == 0xFFFF {
                    let hex = String(u.value, radix: 16)
                    out += "\\x" + (hex.count < 2 ? "0" + hex : hex)
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out
    }
}
