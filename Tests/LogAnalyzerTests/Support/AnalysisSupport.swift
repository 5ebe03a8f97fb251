import Foundation

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
