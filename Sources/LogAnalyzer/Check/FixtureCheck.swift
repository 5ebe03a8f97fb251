/// The outcome of checking one fixture directory against its `expected.json`.
public struct FixtureResult: Sendable {
    public var path: String
    public var report: Report?
    public var expectations: FixtureExpectations?
    public var matched: [(Expectation, Finding)] = []
    public var missing: [Expectation] = []
    public var unexpected: [Finding] = []
    /// Why the fixture could not be checked at all (unreadable, invalid expectations).
    public var brokenReason: String?

    public var passed: Bool { brokenReason == nil && missing.isEmpty && unexpected.isEmpty }

    public init(path: String) { self.path = path }
}

/// Runs a fixture's logs through the analyzer with the fixture's options and compares the
/// findings with the expected ones: each expectation needs its own finding, and every finding
/// needs an expectation.
public enum FixtureCheck {
    public static func run(dir: String, base: AnalysisConfiguration = AnalysisConfiguration(), ingest: IngestOptions = IngestOptions()) -> FixtureResult {
        var result = FixtureResult(path: dir)
        let expectations: FixtureExpectations
        do {
            expectations = try FixtureExpectations.load(dir: dir)
        } catch {
            result.brokenReason = error.message
            return result
        }
        result.expectations = expectations
        let (report, reason) = analyze(dir: dir, options: expectations.options, base: base, ingest: ingest)
        if let reason {
            result.brokenReason = reason
            return result
        }
        result.report = report
        var used = [Bool](repeating: false, count: report.findings.count)
        for e in expectations.findings {
            let hit = report.findings.indices.first { i in
                !used[i] && e.matches(report.findings[i], in: report.sessions.first { $0.order == report.findings[i].sessionOrder })
            }
            if let hit {
                used[hit] = true
                result.matched.append((e, report.findings[hit]))
            } else {
                result.missing.append(e)
            }
        }
        result.unexpected = report.findings.indices.filter { !used[$0] }.map { report.findings[$0] }
        return result
    }

    /// Analyses a fixture's logs with its options; the reason is set when the fixture is broken.
    static func analyze(dir: String, options: JSONValue, base: AnalysisConfiguration, ingest: IngestOptions) -> (Report, String?) {
        var diagnostics = DiagnosticSink()
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
        let report = Analyzer(ingest: ingestOptions, configuration: configuration).run(inputs, diagnostics: &diagnostics)
        if report.inputs.allSatisfy({ !$0.stats.readable }) { return (report, "\(dir): no input could be read") }
        return (report, nil)
    }
}
