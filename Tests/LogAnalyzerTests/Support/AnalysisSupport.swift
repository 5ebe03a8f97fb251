import Foundation
import Testing

@testable import LogAnalyzer

/// Runs the analyzer over files (paths as given) with a configuration.
func analyze(_ paths: [String], configuration: AnalysisConfiguration = AnalysisConfiguration(), ingest: IngestOptions = IngestOptions()) -> Report {
    var diagnostics = DiagnosticSink()
    let (inputs, _) = InputSet.expand(paths, diagnostics: &diagnostics)
    return Analyzer(ingest: ingest, configuration: configuration).run(inputs, diagnostics: &diagnostics)
}

/// Runs the analyzer over one log text written as `name`.
func analyze(log: String, name: String = "worker.log", configuration: AnalysisConfiguration = AnalysisConfiguration()) -> Report {
    let dir = TempDir()
    let path = dir.write(name, log + "\n")
    return analyze([path], configuration: configuration)
}

/// Runs the analyzer over files written from `(name, lines)` pairs (in that order), keeping
/// every session's events.
func analyze(files: [(String, [String])], configure: (inout AnalysisConfiguration) -> Void = { _ in }) -> Report {
    let dir = TempDir()
    let inputs = files.map { InputDescriptor(path: dir.write($0.0, $0.1.joined(separator: "\n") + "\n")) }
    var configuration = AnalysisConfiguration()
    configure(&configuration)
    var analyzer = Analyzer(configuration: configuration)
    analyzer.keepSessionEvents = true
    var sink = DiagnosticSink()
    return analyzer.run(inputs, diagnostics: &sink)
}

/// A fixture folder's path relative to the package root (as the CLI prints it when run there).
func fixture(_ name: String) -> String { "Fixtures/" + name }

/// Runs the analyzer on a fixture with the package root as the working directory.
func analyzeFixture(_ name: String, configuration: AnalysisConfiguration? = nil) -> Report {
    let previous = FileManager.default.currentDirectoryPath
    _ = FileManager.default.changeCurrentDirectoryPath(PackagePaths.root.path)
    defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
    var c = configuration ?? AnalysisConfiguration()
    if configuration == nil {
        var diagnostics = DiagnosticSink()
        let (_, configs) = InputSet.expand([fixture(name)], diagnostics: &diagnostics)
        for path in configs { if let ttl = TokenTTLSetting.fromConfigFile(path) { c.configuredTokenTTLSeconds = ttl } }
    }
    return analyze([fixture(name)], configuration: c)
}

/// A report's findings, each as one comparable line: rule, time, message, each evidence's role and line.
func findingSummary(_ report: Report) -> [String] {
    report.findings.map { f in
        ([f.rule, f.at?.iso8601 ?? "-", f.message] + f.evidence.map { "\($0.role) \($0.location.line)" }).joined(separator: " | ")
    }
}

/// The bundled agent-only incident's worker log, a line each (the wrapper tests wrap them).
func agentOnlyIncidentLines() throws -> [String] {
    try String(contentsOf: PackagePaths.fixtures.appendingPathComponent("incident-agent-only/agent.log"), encoding: .utf8)
        .split(separator: "\n").map(String.init)
}

/// `findingSummary` of the agent-only incident's log written as `name` (`text`, the log wrapped
/// or converted), with the fixture's app config.
func agentOnlyIncidentFindings(written name: String, _ text: String) throws -> [String] {
    let config = try String(contentsOf: PackagePaths.fixtures.appendingPathComponent("incident-agent-only/config.json"), encoding: .utf8)
    let dir = TempDir()
    dir.write(name, text)
    var configuration = AnalysisConfiguration()
    configuration.configuredTokenTTLSeconds = try #require(TokenTTLSetting.fromConfigFile(dir.write("config.json", config)))
    return findingSummary(analyze([dir.url.path], configuration: configuration))
}
