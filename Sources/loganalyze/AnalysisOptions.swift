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

    @Option(parsing: .unconditional, help: "slow-greeting warning threshold in seconds. (default: 2.0)")
    var greetingWarning: Double?

    @Option(parsing: .unconditional, help: "slow-greeting error threshold in seconds. (default: 5.0)")
    var greetingError: Double?

    @Option(parsing: .unconditional, help: "Finalise a session after this much log time without lines (bounds memory on long logs), e.g. 30m.")
    var sessionIdle: String = "30m"

    @Option(name: .customLong("jobs"), parsing: .unconditional, help: "Threads: above 1, inputs are parsed on their own threads while sessions are tracked, and a large file is split at line boundaries and parsed in pieces; results are the same. (default: the number of cores)")
    var requestedJobs: Int?

    /// `--jobs`, else the number of cores. (An optional option: ArgumentParser would print a
    /// default value after the help's own "(default: the number of cores)".)
    var jobs: Int { requestedJobs ?? min(ProcessInfo.processInfo.activeProcessorCount, Self.maxJobs) }

    /// More threads than this only add contention (the session tracker is one thread).
    static let maxJobs = 256
    /// A greeting threshold longer than a day is a typo.
    static let maxGreetingSeconds: Double = 86_400

    @Option(parsing: .unconditional, help: "Size in bytes of the pieces a file is split into for --jobs (a file is split when it holds at least two).")
    var splitBytes: Int = 512 << 10

    /// The project config file, read from the working directory when present.
    static let projectConfigName = ".loganalyze.json"

    func configuration(configsFromInputs: [String], diagnostics: inout DiagnosticSink) throws -> AnalysisConfiguration {
        var c = AnalysisConfiguration()
        // Lowest precedence first: project file, config files among the inputs, --app-config, --token-ttl.
        let project = SmallFile.read(Self.projectConfigName, found: true)
        if case .failure(.tooLarge) = project {
            throw ValidationError("\(Self.projectConfigName) is larger than \(SmallFile.limit >> 20) MiB: not a settings file")
        }
        // One that is there but cannot be read (a FIFO, no permission) is said, not silently skipped.
        if case .failure(.unreadable(let reason)) = project, access(Self.projectConfigName, F_OK) == 0 {
            diagnostics.report(Diagnostic(.warning, path: Self.projectConfigName, kind: "config-unreadable", "cannot read: \(reason); ignored"))
        }
        if case .success(let data) = project {
            guard case .object(let members)? = parseJSON(String(decoding: data, as: UTF8.self)) else {
                throw ValidationError("\(Self.projectConfigName) is not a JSON object")
            }
            Self.applyProjectConfig(JSONValue.object(members), to: &c, diagnostics: &diagnostics)
        }
        // (Configs of several directories that disagree: the last one applies to every session.)
        var found: [(path: String, ttl: Double)] = []
        for path in configsFromInputs {
            let text: String
            switch SmallFile.read(path, limit: 4 << 20) {
            case .success(let data): text = String(decoding: data, as: UTF8.self)
            case .failure(.tooLarge):
                diagnostics.report(Diagnostic(.warning, path: path, kind: "config-too-large", "larger than 4 MiB: not a settings file; ignored"))
                continue
            case .failure: continue
            }
            if let ttl = TokenTTLSetting.fromConfigText(text) {
                guard ttl <= TokenTTLSetting.maxSeconds else {
                    diagnostics.report(Diagnostic(.warning, path: path, kind: "config-value", "token TTL of \(Int(min(ttl, 1e18))) s is longer than 10 years; ignored"))
                    continue
                }
                c.configuredTokenTTLSeconds = ttl
                c.configuredTokenTTLSource = path
                found.append((path, ttl))
            }
        }
        if let last = found.last, found.contains(where: { $0.ttl != last.ttl }) {
            let each = found.map { "\($0.path): \(humanDuration($0.ttl))" }.joined(separator: "; ")
            diagnostics.report(Diagnostic(.warning, path: last.path, kind: "config-conflict",
                "app configs among the inputs give different token TTLs (\(each)): this one applies to every session; analyse each directory on its own or give --token-ttl"))
        }
        if let appConfig {
            if case .failure(let failure) = SmallFile.read(appConfig, limit: 4 << 20) {
                throw ValidationError.invalidValue(appConfig, for: "--app-config", SmallFile.reason(failure, limit: 4 << 20))
            }
            guard let ttl = TokenTTLSetting.fromConfigFile(appConfig) else {
                throw ValidationError.invalidValue(appConfig, for: "--app-config", "no token_ttl_hours, token_ttl_minutes or token_ttl_seconds in it")
            }
            guard ttl <= TokenTTLSetting.maxSeconds else {
                throw ValidationError.invalidValue(appConfig, for: "--app-config", "its token TTL is longer than 10 years")
            }
            c.configuredTokenTTLSeconds = ttl
            c.configuredTokenTTLSource = appConfig
        }
        if let tokenTtl {
            guard let ttl = TokenTTLSetting.parseDuration(tokenTtl) else {
                throw ValidationError.invalidValue(tokenTtl, for: "--token-ttl", "not a duration; use 2h, 90m or 3600s")
            }
            guard ttl <= TokenTTLSetting.maxSeconds else {
                throw ValidationError.invalidValue(tokenTtl, for: "--token-ttl", "longer than 10 years (3650d)")
            }
            c.configuredTokenTTLSeconds = ttl
            c.configuredTokenTTLSource = "--token-ttl"
        }
        for (option, markers) in [("--greeting-start", greetingStart), ("--greeting-end", greetingEnd)] {
            // An empty marker is in every line; a sixth would not be read.
            if let empty = markers.first(where: \.isEmpty) {
                throw ValidationError.invalidValue(empty, for: option, "a marker must not be empty")
            }
            if markers.count > AnalysisConfiguration.maxGreetingMarkers {
                throw ValidationError.invalidValue(markers[AnalysisConfiguration.maxGreetingMarkers], for: option, "at most \(AnalysisConfiguration.maxGreetingMarkers) markers are read")
            }
        }
        if !greetingStart.isEmpty { c.greetingStartMarkers = greetingStart }
        if !greetingEnd.isEmpty { c.greetingEndMarkers = greetingEnd }
        if let greetingWarning {
            guard greetingWarning > 0, greetingWarning <= Self.maxGreetingSeconds else {
                throw ValidationError.invalidValue(greetingWarning, for: "--greeting-warning", "must be a number of seconds above 0, at most 1 day")
            }
            c.greetingWarningSeconds = greetingWarning
        }
        if let greetingError {
            guard greetingError > 0, greetingError <= Self.maxGreetingSeconds else {
                throw ValidationError.invalidValue(greetingError, for: "--greeting-error", "must be a number of seconds above 0, at most 1 day")
            }
            c.greetingErrorSeconds = greetingError
        }
        guard c.greetingWarningSeconds <= c.greetingErrorSeconds else {
            // (Either may be the default or `.loganalyze.json`'s: both values are shown.)
            throw ValidationError("--greeting-warning (\(c.greetingWarningSeconds) s) must not exceed --greeting-error (\(c.greetingErrorSeconds) s)")
        }
        return c
    }

    /// The keys `.loganalyze.json` takes.
    static let projectConfigKeys = ["tokenTtl", "greetingStartMarkers", "greetingEndMarkers", "greetingWarningSeconds", "greetingErrorSeconds"]

    /// Applies `.loganalyze.json`: a member with a value of the wrong kind, or a key it does not
    /// take (a misspelt `tokenTTL` would leave the default unseen), is ignored with a one-line
    /// warning naming it.
    static func applyProjectConfig(_ project: JSONValue, to c: inout AnalysisConfiguration, diagnostics: inout DiagnosticSink) {
        if case .object(let members) = project {
            for (key, _) in members where !projectConfigKeys.contains(key) {
                let shown = key.count > 60 ? String(key.prefix(60)) + "…" : key
                diagnostics.report(Diagnostic(.warning, path: projectConfigName, kind: "config-key",
                    "unknown key \(JSONWriter.quoted(shown)) (\(projectConfigKeys.joined(separator: ", "))); ignored"))
            }
        }
        func ignored(_ key: String, _ expected: String) {
            let got: String
            switch project[key] {
            case .string(let s)?: got = JSONWriter.quoted(s.count > 60 ? String(s.prefix(60)) + "…" : s)
            case .number(let n)?: got = n
            case .bool(let b)?: got = b ? "true" : "false"
            case .array?: got = "an array"
            case .object?: got = "an object"
            case .null?, nil: got = "null"
            }
            diagnostics.report(Diagnostic(.warning, path: projectConfigName, kind: "config-" + key, "\(key): \(expected), got \(got); ignored"))
        }
        if let ttl = project["tokenTtl"] {
            if case .string(let text) = ttl, let seconds = TokenTTLSetting.parseDuration(text), seconds <= TokenTTLSetting.maxSeconds {
                c.configuredTokenTTLSeconds = seconds
                c.configuredTokenTTLSource = projectConfigName
            } else {
                ignored("tokenTtl", "must be a duration string such as \"2h\", at most 10 years")
            }
        }
        for (key, path) in [("greetingStartMarkers", \AnalysisConfiguration.greetingStartMarkers), ("greetingEndMarkers", \AnalysisConfiguration.greetingEndMarkers)] {
            guard let value = project[key] else { continue }
            if let markers = AnalysisConfiguration.greetingMarkers(value) {
                c[keyPath: path] = markers
            } else {
                ignored(key, "must be an array of 1 to \(AnalysisConfiguration.maxGreetingMarkers) non-empty strings")
            }
        }
        for (key, path) in [("greetingWarningSeconds", \AnalysisConfiguration.greetingWarningSeconds), ("greetingErrorSeconds", \AnalysisConfiguration.greetingErrorSeconds)] {
            guard let value = project[key] else { continue }
            if case .number(let n) = value, let seconds = Double(n), seconds > 0, seconds <= maxGreetingSeconds {
                c[keyPath: path] = seconds
            } else {
                ignored(key, "must be a number of seconds above 0, at most 86400")
            }
        }
    }
}
