/// Everything a run of the detectors can be told: thresholds, markers, the configured token TTL.
public struct AnalysisConfiguration: Sendable, Equatable {
    /// Text that marks the start of the greeting (substring of the message).
    public var greetingStartMarkers: [String] = ["Generating initial greeting"]
    /// Text that marks the agent speaking / the greeting done.
    public var greetingEndMarkers: [String] = ["Voice agent running"]
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
