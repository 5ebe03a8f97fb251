/// What one input amounted to, for reports.
public struct InputSummary: Sendable {
    public var path: String
    public var stats: InputStats
}

/// The outcome of an analysis run: sessions, findings and what was read.
public struct Report: Sendable {
    public var inputs: [InputSummary]
    public var sessions: [Session]
    public var findings: [Finding]
    public var configuration: AnalysisConfiguration

    /// Paths by input index.
    public var paths: [String] { inputs.map(\.path) }

    /// Whether a finding reaches `threshold` (nil: never).
    public func hasFinding(atLeast threshold: Severity?) -> Bool {
        guard let threshold else { return false }
        return findings.contains { $0.severity >= threshold }
    }

    public func count(_ severity: Severity) -> Int { findings.filter { $0.severity == severity }.count }
}

/// The library's entry point: inputs in, report out.
public struct Analyzer {
    public var ingest: IngestOptions
    public var configuration: AnalysisConfiguration
    /// Keep all records of sessions matched by this selector (room, RM_ sid or AJ_ job id).
    public var keepRecordsFor: String?
    public var keepAllRecords = false

    public init(ingest: IngestOptions = IngestOptions(), configuration: AnalysisConfiguration = AnalysisConfiguration()) {
        self.ingest = ingest
        self.configuration = configuration
    }

    /// Reads every input in order and runs every detector on every session.
    public func run(_ inputs: [InputDescriptor], diagnostics: inout DiagnosticSink) -> Report {
        let referenceDay = ingest.date ?? Ingestor.learnReferenceDay(inputs)
        let tracker = SessionTracker(
            configuration: configuration, paths: inputs.map(\.path), keepRecordsFor: keepRecordsFor, keepAllRecords: keepAllRecords)
        var summaries: [InputSummary] = []
        for (index, input) in inputs.enumerated() {
            let stats = Ingestor.read(
                input, index: index, options: ingest, referenceDay: referenceDay, classifier: keepAllRecords ? nil : tracker.classifier,
                diagnostics: &diagnostics
            ) { tracker.add($0) }
            summaries.append(InputSummary(path: input.path, stats: stats))
        }
        let sessions = tracker.finish()
        var findings: [Finding] = []
        for session in sessions {
            for detector in DetectorRegistry.all {
                findings += detector.detect(session, configuration: configuration)
            }
        }
        return Report(inputs: summaries, sessions: sessions, findings: findings, configuration: configuration)
    }
}
