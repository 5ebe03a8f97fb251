import Foundation

/// `--output sarif`: SARIF 2.1.0, one run, rules from the detector registry, one result per
/// finding with a physical location per evidence line. For `check`, results carry a
/// `baselineState` (`unchanged` expected, `new` unexpected, `absent` missing).
public struct SARIFRenderer {
    public static let missingRuleId = "missing-finding"
    /// GitHub code scanning rejects a whole SARIF file whose run has more results than this
    /// ("Analysis SARIF file rejected due to result limits").
    public static let codeScanningMaxResults = 25_000
    /// The most results `analyze` writes in its run: the most severe findings, in report order.
    let maxResults: Int
    let workingDirectory: WorkingDirectoryPaths

    public init(workingDirectory: String = FileManager.default.currentDirectoryPath, maxResults: Int = SARIFRenderer.codeScanningMaxResults) {
        self.workingDirectory = WorkingDirectoryPaths(workingDirectory)
        self.maxResults = maxResults
    }

    public func render(_ report: Report) -> String {
        var out = ""
        render(report) { out += $0 }
        return out
    }

    /// Writes the log a result at a time, in 64 KiB blocks (the report's findings may be
    /// spooled): the document is laid out around a placeholder result, and the results go where
    /// it stands, indented as the document would have indented them.
    public func render(_ report: Report, to write: (String) -> Void) {
        // Over the limit, the most severe findings are kept (errors, then warnings, then infos,
        // each in report order) and a notification says how many were left out.
        var quota: [Severity: Int] = [:]
        var budget = maxResults
        for severity in Severity.allCases.reversed() {
            quota[severity] = min(report.findings.count(severity), budget)
            budget -= quota[severity]!
        }
        let leftOut = report.findings.count - (maxResults - budget)
        var notifications = self.notifications(report.diagnostics)
        if leftOut > 0 {
            let kept = Severity.allCases.reversed().filter { quota[$0]! > 0 }.map { "\(DiagnosticSink.grouped(quota[$0]!)) \($0.rawValue)" }.joined(separator: ", ")
            notifications.append(.object([
                ("level", .string("warning")),
                ("message", .object([("text", .string(
                    "\(DiagnosticSink.grouped(leftOut)) of \(DiagnosticSink.grouped(report.findings.count)) findings left out: GitHub code scanning rejects a run of more than \(DiagnosticSink.grouped(Self.codeScanningMaxResults)) results; kept the most severe (\(kept)). Every finding: --output json."))])),
                ("descriptor", .object([("id", .string("results-left-out"))])),
            ]))
        }
        guard !report.findings.isEmpty else {
            write(document([], includeMissingRule: false, notifications: notifications).serialized(pretty: true) + "\n")
            return
        }
        let placeholder = "\u{1}results\u{1}"
        let laidOut = document([.raw(placeholder)], includeMissingRule: false, notifications: notifications).serialized(pretty: true) + "\n"
        guard let cut = laidOut.range(of: placeholder) else { return }
        let prefix = laidOut[..<cut.lowerBound]
        let indent = prefix.reversed().prefix { $0 == " " }.count
        let redactor = Redactor()
        let paths = report.paths
        var fingerprints = Fingerprints()
        var out = String(prefix)
        var written = 0
        for f in report.findings {
            guard quota[f.severity, default: 0] > 0 else { continue }
            quota[f.severity]! -= 1
            if written > 0 { out += ",\n" + String(repeating: " ", count: indent) }
            written += 1
            result(f, paths: paths, baseline: nil, redactor, &fingerprints).write(into: &out, pretty: true, depth: indent / 2)
            if out.utf8.count >= 1 << 16 {
                write(out)
                out = ""
            }
        }
        write(out + laidOut[cut.upperBound...])
    }

    public func render(_ fixtures: [FixtureResult]) -> String {
        let redactor = Redactor()
        var fingerprints = Fingerprints()
        var results: [JSONNode] = []
        for fixture in fixtures {
            guard let report = fixture.report else {
                results.append(brokenResult(fixture, redactor, &fingerprints))
                continue
            }
            let expectationsFile = FixtureExpectations.path(in: fixture.path)
            // (Named by its URI: `./fixtures/a`, `fixtures/a` and its absolute path are one fixture.)
            let fixtureKey = uri(expectationsFile)
            for (_, f) in fixture.matched {
                results.append(result(f, paths: report.paths, baseline: "unchanged", fixture: fixtureKey, redactor, &fingerprints))
            }
            for f in fixture.unexpected { results.append(result(f, paths: report.paths, baseline: "new", fixture: fixtureKey, redactor, &fingerprints)) }
            for e in fixture.missing {
                // (Its session is a room name `--update` took from a log: it may hold a secret.)
                let description = redactor.redact(e.description)
                results.append(.object([
                    ("ruleId", .string(Self.missingRuleId)),
                    ("ruleIndex", .int(DetectorRegistry.all.count)),
                    ("level", .string("error")),
                    ("message", .object([("text", .string("missing \(description)"))])),
                    ("locations", .array([location(expectationsFile, line: max(e.line, 1))])),
                    ("baselineState", .string("absent")),
                    ("partialFingerprints", .object([
                        ("loganalyze/v1", .string(fingerprints.unique("\(Self.missingRuleId):\(fixtureKey):\(description)"))),
                    ])),
                ]))
            }
        }
        return document(results, includeMissingRule: true).serialized(pretty: true) + "\n"
    }

    /// A fixture that could not be checked, and (above) an expectation no finding met: results
    /// of the `missing-finding` rule on the fixture's expected.json. GitHub code scanning needs a
    /// line in every location and keeps one alert per fingerprint: a missing finding names its
    /// expectation's line, a broken fixture line 1 of the file; both carry the expectation (not
    /// its line, which moves as the file is edited) in their fingerprint.
    private func brokenResult(_ fixture: FixtureResult, _ redactor: Redactor, _ fingerprints: inout Fingerprints) -> JSONNode {
        let expectationsFile = FixtureExpectations.path(in: fixture.path)
        return .object([
            ("ruleId", .string(Self.missingRuleId)),
            ("ruleIndex", .int(DetectorRegistry.all.count)),
            ("level", .string("error")),
            ("message", .object([("text", .string(redactor.redact("broken fixture: \(fixture.brokenReason ?? "?")")))])),
            ("locations", .array([location(expectationsFile, line: 1)])),
            ("partialFingerprints", .object([("loganalyze/v1", .string(fingerprints.unique("\(Self.missingRuleId):\(uri(expectationsFile)):broken")))])),
        ])
    }

    /// The input's problems (an input that could not be read, invalid UTF-8 …: warnings and
    /// errors) as tool execution notifications, as stderr has them: those kept, then per path and
    /// kind a note of how many more there were. (Code scanning lists them on the tool's status
    /// page; the run still completed: `executionSuccessful` stays true, as CodeQL reports files it
    /// could not extract.)
    private func notifications(_ sink: DiagnosticSink) -> [JSONNode] {
        func notification(_ level: Diagnostic.Severity, _ text: String, path: String, line: Int, kind: String) -> JSONNode {
            var members: [(String, JSONNode)] = [
                ("level", .string(level.rawValue)),
                ("message", .object([("text", .string(Redactor.redactOnce(text)))])),
            ]
            if !path.isEmpty { members.append(("locations", .array([location(path, line: line)]))) }
            members.append(("descriptor", .object([("id", .string(kind))])))
            return .object(members)
        }
        let problems = sink.problems
        return problems.kept.map { notification($0.severity, $0.message, path: $0.path, line: $0.line, kind: $0.kind) }
            + problems.omitted.map { notification(.note, DiagnosticSink.omittedText($0), path: $0.path, line: 0, kind: $0.kind) }
    }

    private func document(_ results: [JSONNode], includeMissingRule: Bool, notifications: [JSONNode] = []) -> JSONNode {
        var rules: [JSONNode] = DetectorRegistry.all.map { d in
            let r = d.descriptor
            return .object([
                ("id", .string(r.id)),
                ("name", .string(r.name)),
                ("shortDescription", .object([("text", .string(r.summary))])),
                ("fullDescription", .object([("text", .string(r.summary + " " + r.help))])),
                ("defaultConfiguration", .object([("level", .string(Self.level(r.defaultSeverity)))])),
                ("help", .object([("text", .string(r.help))])),
            ])
        }
        if includeMissingRule {
            rules.append(.object([
                ("id", .string(Self.missingRuleId)),
                ("name", .string("MissingFinding")),
                ("shortDescription", .object([("text", .string("A regression fixture expects a finding that the logs no longer produce."))])),
                ("defaultConfiguration", .object([("level", .string("error"))])),
                ("help", .object([("text", .string("A detector stopped flagging a known incident, or the fixture's logs changed. Update expected.json with `loganalyze check --update` only if the change is intended."))])),
            ]))
        }
        return .object([
            ("$schema", .string("https://json.schemastore.org/sarif-2.1.0.json")),
            ("version", .string("2.1.0")),
            ("runs", .array([.object([
                ("tool", .object([("driver", .object([
                    ("name", .string("loganalyze")),
                    ("informationUri", .string("https://docs.livekit.io/agents/")),
                    ("semanticVersion", .string(LoganalyzeVersion.current)),
                    ("rules", .array(rules)),
                ]))])),
            ] + (notifications.isEmpty ? [] : [
                ("invocations", .array([.object([
                    ("executionSuccessful", .bool(true)),
                    ("toolExecutionNotifications", .array(notifications)),
                ])])),
            ]) + [
                ("columnKind", .string("unicodeCodePoints")),
                ("results", .array(results)),
            ])])),
        ])
    }

    /// A finding's result; `fixture` (for `check`) is the fixture's expected.json, which its
    /// fingerprint names: two fixtures of one incident (its logs in two formats) then do not
    /// share fingerprints, and adding a fixture changes none of another's.
    private func result(
        _ f: Finding, paths: [String], baseline: String?, fixture: String? = nil, _ redactor: Redactor, _ fingerprints: inout Fingerprints
    ) -> JSONNode {
        var text = redactor.redact(f.message)
        if !f.explanation.isEmpty { text += "\n" + f.explanation.map(redactor.redact).joined(separator: "\n") }
        var members: [(String, JSONNode)] = [
            ("ruleId", .string(f.rule)),
            ("ruleIndex", .int(DetectorRegistry.all.firstIndex { $0.descriptor.id == f.rule } ?? 0)),
            ("level", .string(Self.level(f.severity))),
            ("message", .object([("text", .string(text))])),
        ]
        func path(_ e: Evidence) -> String { paths.indices.contains(e.location.input) ? paths[e.location.input] : "?" }
        if let primary = f.primary {
            members.append(("locations", .array([location(path(primary), line: primary.location.line)])))
        }
        if f.evidence.count > 1 {
            members.append(("relatedLocations", .array(f.evidence.enumerated().filter { $0.offset != f.primaryEvidence }.map { i, e in
                .object([
                    ("id", .int(i)),
                    ("physicalLocation", physical(path(e), line: e.location.line)),
                    ("message", .object([("text", .string(redactor.redact("\(e.role): \(e.text)")))])),
                ])
            })))
        }
        if let baseline { members.append(("baselineState", .string(baseline))) }
        let fingerprint = fingerprints.unique("\(f.rule):\(fixture.map { "\($0):" } ?? "")\(redactor.redact(f.sessionKey))@\(f.at?.iso8601 ?? "-")")
        members.append(("partialFingerprints", .object([("loganalyze/v1", .string(fingerprint))])))
        members.append(("properties", .object([("session", .string(redactor.redact(f.sessionKey)))])))
        return .object(members)
    }

    /// A result's `partialFingerprints` value: the rule, for `check` the fixture, the session key
    /// and the finding's time (a session can hold two findings of a rule, such as two cascades,
    /// and a room name without a sid is the key of every session it names), unique within the log: a repeat (findings
    /// without a time) gets `#2`, `#3`… in report order, which `--jobs` does not change. Code
    /// scanning merges results with one fingerprint into one alert. Repeats are found by a
    /// fixed 64-bit FNV-1a hash of each value (8 bytes a finding, not the string).
    struct Fingerprints {
        private var seen: [UInt64: Int] = [:]

        mutating func unique(_ value: String) -> String {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in value.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            let n = (seen[hash] ?? 0) + 1
            seen[hash] = n
            return n == 1 ? value : "\(value)#\(n)"
        }
    }

    private func location(_ path: String, line: Int?) -> JSONNode {
        .object([("physicalLocation", physical(path, line: line))])
    }

    private func physical(_ path: String, line: Int?) -> JSONNode {
        var members: [(String, JSONNode)] = [("artifactLocation", .object([("uri", .string(uri(path)))]))]
        if let line, line > 0 { members.append(("region", .object([("startLine", .int(line))]))) }
        return .object(members)
    }

    /// Paths relative to the working directory, as SARIF viewers resolve them; others (absolute,
    /// or reached by `..`) as file URIs. Either way without empty, `.` or `..` segments
    /// (`logs//a.log` and `logs/../logs/./a.log` are `logs/a.log`): code scanning looks the
    /// path up in the repository as it is written.
    /// A secret in a name (`agent-APIk7Qx2Lm9Pz4R.log`) is redacted.
    func uri(_ path: String) -> String {
        guard let relative = workingDirectory.relative(path).map(Redactor.redactOnce) else {
            let p = Redactor.redactOnce(workingDirectory.absolute(path))
            return "file://" + (p.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? p)
        }
        return relative.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? relative
    }

    static func level(_ s: Severity) -> String {
        switch s {
        case .error: "error"
        case .warning: "warning"
        case .info: "note"
        }
    }
}

/// The tool's version, shown in SARIF and `--version`.
public enum LoganalyzeVersion {
    public static let current = "0.1.0"
}
