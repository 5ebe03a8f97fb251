import Foundation

/// The outcome of checking one fixture directory against its `expected.json`.
public struct FixtureResult: Sendable {
    public var path: String
    public var report: Report?
    public var expectations: FixtureExpectations?
    public var matched: [(Expectation, Finding)] = []
    public var missing: [Expectation] = []
    public var unexpected: [Finding] = []
    /// Per missing expectation, the unexpected finding of its rule and session that came
    /// closest and what it differs in (`support-a1/RM_…: severity warning (expected error)`).
    public var nearMisses: [String?] = []
    /// Why the fixture could not be checked at all (unreadable, invalid expectations).
    public var brokenReason: String?
    /// The problems met in the fixture's logs (a log that could not be read, binary lines …),
    /// for stderr as `analyze` prints them.
    public var diagnostics = DiagnosticSink()

    public var passed: Bool { brokenReason == nil && missing.isEmpty && unexpected.isEmpty }

    public init(path: String) { self.path = path }
}

/// Runs a fixture's logs through the analyzer with the fixture's options and compares the
/// findings with the expected ones: each expectation needs its own finding, and every finding
/// needs an expectation.
public enum FixtureCheck {
    /// When `dir` has no `expected.json` but directories in it have (`check Fixtures` for
    /// `check Fixtures/*/`), a hint naming them: `; it holds 14 fixture directories: name them
    /// (Fixtures/*/)`; else empty.
    static func fixturesWithin(_ dir: String) -> String {
        let files = FileManager.default
        guard !files.fileExists(atPath: FixtureExpectations.path(in: dir)), let names = try? files.contentsOfDirectory(atPath: dir) else { return "" }
        let count = names.count { files.fileExists(atPath: FixtureExpectations.path(in: (dir as NSString).appendingPathComponent($0))) }
        guard count > 0 else { return "" }
        let base = dir.hasSuffix("/") ? String(dir.dropLast()) : dir
        return "; it holds \(count) fixture director\(count == 1 ? "y" : "ies"): name \(count == 1 ? "it" : "them") (\(base)/*/)"
    }

    public static func run(dir: String, base: AnalysisConfiguration = AnalysisConfiguration(), ingest: IngestOptions = IngestOptions()) -> FixtureResult {
        var result = FixtureResult(path: dir)
        let expectations: FixtureExpectations
        do {
            expectations = try FixtureExpectations.load(dir: dir)
        } catch {
            result.brokenReason = error.message + fixturesWithin(dir)
            return result
        }
        result.expectations = expectations
        let (report, reason) = analyze(dir: dir, options: expectations.options, base: base, ingest: ingest, diagnostics: &result.diagnostics)
        if let reason {
            result.brokenReason = reason
            return result
        }
        result.report = report
        // Each expectation gets its own finding: the first free one it matches (in report
        // order), else one taken by an expectation that can move to another (an augmenting
        // path), so that a broad expectation (`{"rule": "slow-greeting"}`) taking the finding
        // a narrower one needs does not fail a fixture whose expectations can all be met. The
        // findings an expectation matches are listed only when it needs such a path. The
        // findings and their sessions are read once (the report's lists may be spooled).
        let findings = Array(report.findings)
        let orders = Set(findings.map(\.sessionOrder))
        let sessions = Dictionary(
            report.sessions.lazy.filter { orders.contains($0.order) }.map { ($0.order, $0) }, uniquingKeysWith: { first, _ in first })
        func matches(_ e: Int, _ i: Int) -> Bool {
            expectations.findings[e].matches(findings[i], in: sessions[findings[i].sessionOrder])
        }
        var owner = [Int?](repeating: nil, count: findings.count)
        var candidates = [[Int]?](repeating: nil, count: expectations.findings.count)
        func candidatesOf(_ e: Int) -> [Int] {
            if let known = candidates[e] { return known }
            let found = findings.indices.filter { matches(e, $0) }
            candidates[e] = found
            return found
        }
        func augment(_ e: Int, _ visited: inout [Bool]) -> Bool {
            let mine = candidatesOf(e)
            if let free = mine.first(where: { owner[$0] == nil }) {
                owner[free] = e
                return true
            }
            for i in mine where !visited[i] {
                visited[i] = true
                if let other = owner[i], augment(other, &visited) {
                    owner[i] = e
                    return true
                }
            }
            return false
        }
        // A search that finds no path changes nothing, so the findings it went through stay
        // dead ends for the next search until one succeeds.
        var visited = [Bool](repeating: false, count: findings.count)
        for e in expectations.findings.indices {
            if let free = findings.indices.first(where: { owner[$0] == nil && matches(e, $0) }) {
                owner[free] = e
                continue
            }
            if augment(e, &visited) { visited = [Bool](repeating: false, count: findings.count) }
        }
        var hit = [Int?](repeating: nil, count: expectations.findings.count)
        for (i, e) in owner.enumerated() { if let e { hit[e] = i } }
        for (e, expectation) in expectations.findings.enumerated() {
            if let i = hit[e] {
                result.matched.append((expectation, findings[i]))
            } else {
                result.missing.append(expectation)
            }
        }
        let left = findings.indices.filter { owner[$0] == nil }
        result.unexpected = left.map { findings[$0] }
        // A value or severity that changed shows as a missing and an unexpected finding of one
        // rule and session: say what differs, beside the expectation.
        result.nearMisses = result.missing.map { e in
            for i in left {
                if let d = e.differences(from: findings[i], in: sessions[findings[i].sessionOrder]), !d.isEmpty {
                    return "\(findings[i].sessionKey): " + d.joined(separator: ", ")
                }
            }
            return nil
        }
        return result
    }

    /// Analyses a fixture's logs with its options; the reason is set when the fixture is broken.
    static func analyze(
        dir: String, options: JSONValue, base: AnalysisConfiguration, ingest: IngestOptions, diagnostics: inout DiagnosticSink
    ) -> (Report, String?) {
        let (inputs, configs) = InputSet.expand([dir], diagnostics: &diagnostics)
        if inputs.isEmpty { return (Report(inputs: [], sessions: [], findings: [], configuration: base), "\(dir): no log files") }
        var configuration = base
        var ingestOptions = ingest
        ConfigurationLoader.apply(appConfigs: configs, to: &configuration)
        do {
            try ConfigurationLoader.apply(settings: options, source: FixtureExpectations.path(in: dir), to: &configuration)
        } catch {
            return (Report(inputs: [], sessions: [], findings: [], configuration: base), error.message)
        }
        if let zone = options["timeZone"]?.stringValue {
            guard let setting = TimeZoneSetting(zone) else { return (Report(inputs: [], sessions: [], findings: [], configuration: base), "\(dir): unknown timeZone '\(zone)'") }
            ingestOptions.timeZone = setting
            ingestOptions.inferZones = false
        }
        // `"timeZones": {"browser.log": "Europe/Berlin"}`: as `--tz NAME=ZONE`.
        if case .object(let zones)? = options["timeZones"] {
            for (name, value) in zones {
                guard !name.isEmpty, let text = value.stringValue, let setting = TimeZoneSetting(text) else {
                    return (Report(inputs: [], sessions: [], findings: [], configuration: base), "\(dir): unknown timeZones entry '\(name)'")
                }
                ingestOptions.zonesByPath.append((name, setting))
            }
        }
        if let date = options["date"]?.stringValue {
            guard let day = TimeParsing.day(fromISODate: date) else { return (Report(inputs: [], sessions: [], findings: [], configuration: base), "\(dir): date must be YYYY-MM-DD") }
            ingestOptions.date = day
        }
        if let appConfig = options["appConfig"]?.stringValue {
            let path = appConfig.hasPrefix("/") ? appConfig : dir + "/" + appConfig
            guard let ttl = TokenTTLSetting.fromConfigFile(path) else {
                return (Report(inputs: [], sessions: [], findings: [], configuration: base), "\(path): no token_ttl_* setting")
            }
            configuration.configuredTokenTTLSeconds = ttl
            configuration.configuredTokenTTLSource = path
        }
        for d in ingestOptions.inferZones(for: inputs) { diagnostics.report(d) }
        let report = Analyzer(ingest: ingestOptions, configuration: configuration).run(inputs, diagnostics: &diagnostics)
        if report.inputs.allSatisfy({ !$0.stats.readable }) { return (report, "\(dir): no input could be read") }
        // A log left unread would pass or fail the fixture on part of its input.
        if let unread = diagnostics.kept.first(where: { $0.kind == "unreadable" && $0.severity == .error }) {
            return (report, "\(unread.path): \(unread.message)")
        }
        return (report, nil)
    }
}
