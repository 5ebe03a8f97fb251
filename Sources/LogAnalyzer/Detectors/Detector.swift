/// An example log for a detector: the rule must fire on `triggering` ones and stay silent on others.
public struct DetectorExample: Sendable {
    public var name: String
    public var log: String
    public var triggers: Bool
    /// Extra configuration the example needs (e.g. a configured TTL).
    public var configure: @Sendable (inout AnalysisConfiguration) -> Void

    public init(_ name: String, triggers: Bool, log: String, configure: @escaping @Sendable (inout AnalysisConfiguration) -> Void = { _ in }) {
        self.name = name
        self.log = log
        self.triggers = triggers
        self.configure = configure
    }
}

/// What a detector is, for the registry, SARIF rules and documentation.
public struct RuleDescriptor: Sendable {
    /// Stable kebab-case id (API: JSON, SARIF, JUnit, exit decisions).
    public var id: String
    public var name: String
    public var summary: String
    public var defaultSeverity: Severity
    public var help: String
    public var examples: [DetectorExample]
}

/// Looks at one finished session and reports what is wrong with it.
public protocol Detector: Sendable {
    var descriptor: RuleDescriptor { get }
    func detect(_ session: Session, configuration: AnalysisConfiguration) -> [Finding]
}

/// All detectors, in report order.
public enum DetectorRegistry {
    public static let all: [any Detector] = [
        SlowGreetingDetector(),
        AuthExpiryCascadeDetector(),
        EarlyTokenDeathDetector(),
        TokenNotYetValidDetector(),
        AuthCredentialsDetector(),
        JobFailureDetector(),
        AgentNotDispatchedDetector(),
        ServerExitDetector(),
        ConnectionLostDetector(),
    ]

    public static func descriptor(_ id: String) -> RuleDescriptor? {
        all.first { $0.descriptor.id == id }?.descriptor
    }
}
