/// Everything a run of the detectors can be told: thresholds, markers, the configured token TTL.
public struct AnalysisConfiguration: Sendable, Equatable {
    /// Text that marks the start of the greeting (substring of the message).
    public var greetingStartMarkers: [String] = ["Generating initial greeting"]
    /// Text that marks the agent speaking / the greeting done.
    public var greetingEndMarkers: [String] = ["Voice agent running"]
    /// The most greeting markers of each kind that are read (with the fixed vocabulary, 64
    /// literals in one scan).
    public static let maxGreetingMarkers = 5

    /// A settings file's markers (`greetingStartMarkers`, `greetingEndMarkers`): 1 to 5 strings,
    /// none empty (an empty one is in every line); nil for anything else.
    public static func greetingMarkers(_ value: JSONValue) -> [String]? {
        guard case .array(let items) = value, (1...maxGreetingMarkers).contains(items.count) else { return nil }
        let markers = items.compactMap { item -> String? in if case .string(let s) = item, !s.isEmpty { s } else { nil } }
        return markers.count == items.count ? markers : nil
    }
    /// slow-greeting: warning above this many seconds.
    public var greetingWarningSeconds: Double = 2.0
    /// slow-greeting: error above this many seconds.
    public var greetingErrorSeconds: Double = 5.0
    /// The TTL the app configured for the tokens it mints (`--token-ttl`, `--app-config`).
    public var configuredTokenTTLSeconds: Double?
    /// Where the configured TTL came from (for the report).
    public var configuredTokenTTLSource: String?
    /// The server's refresh cadence and refreshed-token validity (livekit-server < v1.13.2).
    public var tokenRefreshIntervalSeconds: Double = 300
    public var refreshedTokenValiditySeconds: Double = 600
    /// Verification leeway of the server (go-jose DefaultLeeway / protocol tokenLeeway).
    public var tokenLeewaySeconds: Double = 60
    /// Silences shorter than this are not tracked.
    public var minimumGapSeconds: Double = 60

    public init() {}

    /// Silence longer than this means no refresh could have reached the client.
    public var suspensionThresholdSeconds: Double { refreshedTokenValiditySeconds + tokenLeewaySeconds }
}
