import ArgumentParser
import Foundation
import LogAnalyzer

/// Detector settings: configured token TTL, greeting markers and thresholds.
struct AnalysisOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "The token TTL the app configured, e.g. 2h, 90m, 3600s. (default: from --app-config, a config file among the inputs, or .loganalyze.json)")
    var tokenTtl: String?

    @Option(help: "App config file (Python, JSON, YAML or .env) holding token_ttl_hours|minutes|seconds.")
    var appConfig: String?

    @Option(help: "Text marking the greeting's start (repeatable). (default: 'Generating initial greeting')")
    var greetingStart: [String] = []

    @Option(help: "Text marking the agent speaking after the greeting (repeatable). (default: 'Voice agent running')")
    var greetingEnd: [String] = []

    @Option(parsing: .unconditional, help: "slow-greeting warning threshold in seconds.")
    var greetingWarning: Double?

    @Option(parsing: .unconditional, help: "slow-greeting error threshold in seconds.")
    var greetingError: Double?

    @Option(parsing: .unconditional, help: "Finalise a session after this much log time without lines (bounds memory on long logs), e.g. 30m.")
    var sessionIdle: String = "30m"

    @Option(parsing: .unconditional, help: "Threads: above 1, inputs are parsed on their own threads while sessions are tracked, and a large file is split at line boundaries and parsed in pieces; results are the same. (default: the number of cores)")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(parsing: .unconditional, help: "Size in bytes of the pieces a file is split into for --jobs (a file is split when it holds at least two).")
    var splitBytes: Int = 512 << 10

    /// The project config file, read from the working directory when present.
    static let projectConfigName = ".loganalyze.json"

    func configuration(configsFromInputs: [String], diagnostics: inout DiagnosticSink) throws -> AnalysisConfiguration {
        var c = AnalysisConfiguration()
        // Lowest precedence first: project file, config files among the inputs, --app-config, --token-ttl.
        if let data = FileManager.default.contents(atPath: Self.projectConfigName) {
            guard case .object(let members)? = parseJSON(String(decoding: data, as: UTF8.self)) else {
                throw ValidationError("\(Self.projectConfigName) is not a JSON object")
            }
            let project = JSONValue.object(members)
            if let ttl = project["tokenTtl"]?.stringValue.flatMap(TokenTTLSetting.parseDuration) {
                c.configuredTokenTTLSeconds = ttl
                c.configuredTokenTTLSource = Self.projectConfigName
            }
            if case .array(let items)? = project["greetingStartMarkers"] { c.greetingStartMarkers = items.compactMap(\.stringValue) }
            if case .array(let items)? = project["greetingEndMarkers"] { c.greetingEndMarkers = items.compactMap(\.stringValue) }
            if let w = project["greetingWarningSeconds"]?.doubleValue { c.greetingWarningSeconds = w }
            if let e = project["greetingErrorSeconds"]?.doubleValue { c.greetingErrorSeconds = e }
        }
        for path in configsFromInputs {
            if let ttl = TokenTTLSetting.fromConfigFile(path) {
                c.configuredTokenTTLSeconds = ttl
                c.configuredTokenTTLSource = path
            }
        }
        if let appConfig {
            guard FileManager.default.isReadableFile(atPath: appConfig) else {
                throw ValidationError.invalidValue(appConfig, for: "--app-config", "cannot read the file")
            }
            guard let ttl = TokenTTLSetting.fromConfigFile(appConfig) else {
                throw ValidationError.invalidValue(appConfig, for: "--app-config", "no token_ttl_hours, token_ttl_minutes or token_ttl_seconds in it")
            }
            c.configuredTokenTTLSeconds = ttl
            c.configuredTokenTTLSource = appConfig
        }
        if let tokenTtl {
            guard let ttl = TokenTTLSetting.parseDuration(tokenTtl) else {
                throw ValidationError.invalidValue(tokenTtl, for: "--token-ttl", "not a duration; use 2h, 90m or 3600s")
            }
            c.configuredTokenTTLSeconds = ttl
            c.configuredTokenTTLSource = "--token-ttl"
        }
        if !greetingStart.isEmpty { c.greetingStartMarkers = greetingStart }
        if !greetingEnd.isEmpty { c.greetingEndMarkers = greetingEnd }
        if let greetingWarning { c.greetingWarningSeconds = greetingWarning }
        if let greetingError { c.greetingErrorSeconds = greetingError }
        guard c.greetingWarningSeconds <= c.greetingErrorSeconds else {
            throw ValidationError("--greeting-warning must not exceed --greeting-error")
        }
        return c
    }
}
