/// Builds an `AnalysisConfiguration` from the places settings can live: the project file
/// (`.loganalyze.json`), a fixture's options, app config files and explicit values.
public enum ConfigurationLoader {
    /// Applies the members of a JSON settings object (`tokenTtl`, `greetingStartMarkers`,
    /// `greetingEndMarkers`, `greetingWarningSeconds`, `greetingErrorSeconds`).
    public static func apply(settings: JSONValue, source: String, to c: inout AnalysisConfiguration) throws(ConfigurationError) {
        guard case .object = settings else { throw ConfigurationError("\(source): settings must be a JSON object") }
        if let ttl = settings["tokenTtl"] {
            guard let text = ttl.stringValue, let seconds = TokenTTLSetting.parseDuration(text) else {
                throw ConfigurationError("\(source): tokenTtl must be a duration such as \"2h\"")
            }
            c.configuredTokenTTLSeconds = seconds
            c.configuredTokenTTLSource = source
        }
        if case .array(let items)? = settings["greetingStartMarkers"] { c.greetingStartMarkers = items.compactMap(\.stringValue) }
        if case .array(let items)? = settings["greetingEndMarkers"] { c.greetingEndMarkers = items.compactMap(\.stringValue) }
        if let w = settings["greetingWarningSeconds"]?.doubleValue { c.greetingWarningSeconds = w }
        if let e = settings["greetingErrorSeconds"]?.doubleValue { c.greetingErrorSeconds = e }
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
