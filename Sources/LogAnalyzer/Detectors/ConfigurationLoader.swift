/// Builds an `AnalysisConfiguration` from the places settings can live: the project file
/// (`.loganalyze.json`), a fixture's options, app config files and explicit values.
public enum ConfigurationLoader {
    /// Applies the members of a JSON settings object (`tokenTtl`, `greetingStartMarkers`,
    /// `greetingEndMarkers`, `greetingWarningSeconds`, `greetingErrorSeconds`).
    public static func apply(settings: JSONValue, source: String, to c: inout AnalysisConfiguration) throws(ConfigurationError) {
        guard case .object = settings else { throw ConfigurationError("\(source): settings must be a JSON object") }
        // (A value of the wrong kind is refused, as `.loganalyze.json` refuses it: not a number
        // read as a duration, nor the default kept unseen.)
        if let ttl = settings["tokenTtl"] {
            guard case .string(let text) = ttl, let seconds = TokenTTLSetting.parseDuration(text), seconds <= TokenTTLSetting.maxSeconds else {
                throw ConfigurationError("\(source): tokenTtl must be a duration such as \"2h\"")
            }
            c.configuredTokenTTLSeconds = seconds
            c.configuredTokenTTLSource = source
        }
        for (key, path) in [("greetingStartMarkers", \AnalysisConfiguration.greetingStartMarkers), ("greetingEndMarkers", \AnalysisConfiguration.greetingEndMarkers)] {
            guard let value = settings[key] else { continue }
            guard let markers = AnalysisConfiguration.greetingMarkers(value) else {
                throw ConfigurationError("\(source): \(key) must be an array of 1 to \(AnalysisConfiguration.maxGreetingMarkers) non-empty strings")
            }
            c[keyPath: path] = markers
        }
        for (key, path) in [("greetingWarningSeconds", \AnalysisConfiguration.greetingWarningSeconds), ("greetingErrorSeconds", \AnalysisConfiguration.greetingErrorSeconds)] {
            guard let value = settings[key] else { continue }
            guard case .number(let n) = value, let seconds = Double(n), seconds > 0, seconds <= 86_400 else {
                throw ConfigurationError("\(source): \(key) must be a number of seconds above 0, at most 86400")
            }
            c[keyPath: path] = seconds
        }
        guard c.greetingWarningSeconds <= c.greetingErrorSeconds else {
            throw ConfigurationError("\(source): the greeting warning threshold must not exceed the error threshold")
        }
    }

    /// Applies the TTL of app config files (the last one holding a TTL wins).
    public static func apply(appConfigs: [String], to c: inout AnalysisConfiguration) {
        for path in appConfigs {
            if let ttl = TokenTTLSetting.fromConfigFile(path) {
                c.configuredTokenTTLSeconds = ttl
                c.configuredTokenTTLSource = path
            }
        }
    }
}

/// A setting that cannot be used, with the place it came from.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
