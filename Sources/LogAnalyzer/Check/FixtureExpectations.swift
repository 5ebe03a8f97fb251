import Foundation

/// A fixture directory's `expected.json`: the options its logs need and the findings they must
/// produce — nothing missing, nothing unexpected.
///
/// ```json
/// { "options": { "tokenTtl": "2h", "timeZone": "UTC", "date": "2025-12-11", "appConfig": "config.py" },
///   "findings": [ { "rule": "slow-greeting", "session": "voice-room-7f3k2", "severity": "error",
///                   "values": { "seconds": "5.3..5.5" } } ] }
/// ```
public struct FixtureExpectations: Sendable {
    public static let fileName = "expected.json"

    /// Analysis settings (same keys as `.loganalyze.json`) plus `timeZone`, `date`, `appConfig`.
    public var options: JSONValue
    public var findings: [Expectation]

    public init(options: JSONValue = .object([]), findings: [Expectation]) {
        self.options = options
        self.findings = findings
    }

    /// `dir/expected.json`, without a doubled `/` when `dir` ends with one (`Fixtures/*/`): the
    /// path SARIF and GitHub annotations name must be the repository's path of the file.
    public static func path(in dir: String) -> String {
        var trimmed = Substring(dir)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        return trimmed == "/" ? "/" + fileName : trimmed + "/" + fileName
    }

    /// The keys of `options`: `.loganalyze.json`'s, then the fixture's own.
    static let optionKeys = [
        "tokenTtl", "greetingStartMarkers", "greetingEndMarkers", "greetingWarningSeconds", "greetingErrorSeconds",
        "timeZone", "timeZones", "date", "appConfig",
    ]

    /// Why `json`, as `--update` would write it, could not be read back as an expectations file
    /// (over the size `load` reads), or nil when it can.
    public static func unwritableReason(_ json: String, findings: Int) -> String? {
        let bytes = json.utf8.count
        guard bytes > SmallFile.limit else { return nil }
        return "not written: its \(DiagnosticSink.grouped(findings)) findings take \(DiagnosticSink.grouped(bytes)) bytes, over the \(SmallFile.limit >> 20) MiB an expectations file may hold"
    }

    /// Reads and validates `dir/expected.json`.
    public static func load(dir: String) throws(ConfigurationError) -> FixtureExpectations {
        let path = path(in: dir)
        let data: [UInt8]
        switch SmallFile.read(path, found: true) {
        case .success(let bytes): data = bytes
        case .failure(.tooLarge): throw ConfigurationError("\(path): larger than \(SmallFile.limit >> 20) MiB: not an expectations file")
        case .failure(.unreadable(let reason)): throw ConfigurationError("\(path): cannot read the expectations file: \(reason)")
        }
        guard case .object? = parseJSON(String(decoding: data, as: UTF8.self)), let doc = parseJSON(String(decoding: data, as: UTF8.self)) else {
            throw ConfigurationError("\(path): not a JSON object")
        }
        // A misspelt key would leave its part of the file unchecked (`"valeus"`: no bound, a pass).
        func unknownKey(_ value: JSONValue, _ known: [String], _ place: String) throws(ConfigurationError) {
            guard case .object(let members) = value, let (key, _) = members.first(where: { !known.contains($0.0) }) else { return }
            throw ConfigurationError("\(path): \(place)unknown key '\(key)' (\(known.joined(separator: ", ")))")
        }
        try unknownKey(doc, ["options", "findings"], "")
        let options = doc["options"] ?? .object([])
        guard case .object = options else { throw ConfigurationError("\(path): \"options\" must be an object") }
        try unknownKey(options, optionKeys, "options: ")
        guard case .array(let items)? = doc["findings"] else { throw ConfigurationError("\(path): \"findings\" must be an array") }
        var findings: [Expectation] = []
        let lines = findingLines(data)
        for (i, item) in items.enumerated() {
            guard case .object = item, let rule = item["rule"]?.stringValue else {
                throw ConfigurationError("\(path): findings[\(i)] needs a \"rule\"")
            }
            guard DetectorRegistry.descriptor(rule) != nil else {
                throw ConfigurationError("\(path): findings[\(i)]: unknown rule '\(rule)'")
            }
            try unknownKey(item, ["rule", "session", "severity", "values"], "findings[\(i)]: ")
            var severity: Severity?
            if let s = item["severity"]?.stringValue {
                guard let parsed = Severity(rawValue: s) else { throw ConfigurationError("\(path): findings[\(i)]: unknown severity '\(s)'") }
                severity = parsed
            }
            var values: [(String, Expectation.Bound)] = []
            if let v = item["values"] {
                guard case .object(let members) = v else { throw ConfigurationError("\(path): findings[\(i)].values must be an object") }
                for (key, value) in members {
                    guard let bound = Expectation.Bound.parse(value) else {
                        if case .string(let text) = value, Expectation.Bound.isReversed(text) {
                            throw ConfigurationError("\(path): findings[\(i)].values.\(key): the range \(text) is reversed (write the smaller bound first)")
                        }
                        throw ConfigurationError("\(path): findings[\(i)].values.\(key) must be a number, \"lo..hi\" or a string")
                    }
                    values.append((key, bound))
                }
            }
            var expectation = Expectation(rule: rule, session: item["session"]?.stringValue, severity: severity, values: values)
            expectation.line = lines.indices.contains(i) ? lines[i] : 0
            findings.append(expectation)
        }
        return FixtureExpectations(options: options, findings: findings)
    }

    /// The 1-based line where each object of the top-level `findings` array begins, in order
    /// (the file has been parsed: every element is an object). Strings are skipped whole, so a
    /// bracket or a newline escape inside one does not count.
    static func findingLines(_ bytes: [UInt8]) -> [Int] {
        var lines: [Int] = []
        var line = 1, depth = 0
        var inString = false, escaped = false
        var stringStart = 0, lastString: ArraySlice<UInt8> = [], key: ArraySlice<UInt8> = []
        var arrayDepth: Int?  // depth inside the findings array, while in it
        var done = false
        for (i, b) in bytes.enumerated() {
            if b == UInt8(ascii: "\n") { line += 1 }
            if inString {
                if escaped { escaped = false } else if b == UInt8(ascii: "\\") { escaped = true } else if b == UInt8(ascii: "\"") {
                    inString = false
                    lastString = bytes[stringStart..<i]
                }
                continue
            }
            switch b {
            case UInt8(ascii: "\""):
                inString = true
                stringStart = i + 1
            case UInt8(ascii: ":") where depth == 1:
                key = lastString
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                if let d = arrayDepth, depth == d, b == UInt8(ascii: "{") { lines.append(line) }
                if !done, arrayDepth == nil, depth == 1, b == UInt8(ascii: "["), key.elementsEqual("findings".utf8) {
                    arrayDepth = 2
                }
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if let d = arrayDepth, depth < d {
                    arrayDepth = nil
                    done = true
                }
            default: break
            }
        }
        return lines
    }

    /// Expectations that accept exactly the given findings (used by `--update`).
    public static func recording(_ report: Report, options: JSONValue) -> FixtureExpectations {
        let findings = report.findings.map { f -> Expectation in
            var values: [(String, Expectation.Bound)] = []
            if let key = primaryValue[f.rule], let v = f.value(key) {
                switch v {
                case .integer(let i): values.append((key, .range(Double(i), Double(i))))
                case .number(let d):
                    let margin = max(abs(d) * 0.02, 0.01)
                    values.append((key, .range(roundDown(d - margin), roundUp(d + margin))))
                case .text(let t): values.append((key, .text(t)))
                default: break
                }
            }
            return Expectation(rule: f.rule, session: f.sessionKey, severity: f.severity, values: values)
        }
        return FixtureExpectations(options: options, findings: findings)
    }

    static let primaryValue = [
        "slow-greeting": "seconds", "auth-expiry-cascade": "failures", "early-token-death": "lifetimeSeconds",
        "token-not-yet-valid": "failures", "auth-credentials": "kind", "job-failure": "kind", "agent-not-dispatched": "agentName",
    ]

    static func roundDown(_ d: Double) -> Double { (d * 100).rounded(.down) / 100 }
    static func roundUp(_ d: Double) -> Double { (d * 100).rounded(.up) / 100 }

    /// The file's JSON text (stable key order, two-space indentation).
    public var json: String {
        let findingNodes: [JSONNode] = findings.map { e in
            var members: [(String, JSONNode)] = [("rule", .string(e.rule))]
            if let s = e.session { members.append(("session", .string(s))) }
            if let s = e.severity { members.append(("severity", .string(s.rawValue))) }
            if !e.values.isEmpty {
                members.append(("values", .object(e.values.map { ($0.0, .string($0.1.description)) })))
            }
            return .object(members)
        }
        return JSONNode.object([("options", node(options)), ("findings", .array(findingNodes))]).serialized(pretty: true) + "\n"
    }

    private func node(_ v: JSONValue) -> JSONNode {
        switch v {
        case .null: .null
        case .bool(let b): .bool(b)
        case .number(let n): .raw(n)
        case .string(let s): .string(s)
        case .array(let items): .array(items.map(node))
        case .object(let members): .object(members.map { ($0.0, node($0.1)) })
        }
    }
}
