import ArgumentParser
import Foundation
import LogAnalyzer

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check regression fixtures: each directory's logs must produce exactly the findings in its expected.json.",
        discussion: """
            expected.json: {"options": {"tokenTtl": "2h", "timeZone": "UTC", "date": "2025-12-11", "appConfig": "config.py"},
                            "findings": [{"rule": "slow-greeting", "session": "ROOM or RM_… or AJ_…", "severity": "error",
                                          "values": {"seconds": "5.3..5.5"}}]}
            Exit codes: 0 all fixtures pass; 1 a fixture fails; 2 a fixture is broken (unreadable, a log that cannot be read, invalid expectations).
            """
    )

    enum Output: String, ExpressibleByArgument, CaseIterable { case text, sarif, junit, github }

    @Argument(help: "Fixture directories, each with its logs and an expected.json.")
    var directories: [String] = []

    @Flag(help: "Rewrite each expected.json from the current findings (accept a change).")
    var update = false

    @Option(help: "Output: \(Output.allCases.map(\.rawValue).joined(separator: ", ")).")
    var output: Output = .text

    @Option(help: "Colour in text output: auto, always, never.")
    var color: ColorMode = .auto

    func run() throws {
        guard !directories.isEmpty else { throw ValidationError("give at least one fixture directory") }
        var results: [FixtureResult] = []
        // A directory named twice, or again through a link, is checked once (its suites and
        // annotations would repeat), with a note.
        var seen: [String: String] = [:]
        for dir in directories {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory), isDirectory.boolValue else {
                var broken = FixtureResult(path: dir)
                broken.brokenReason = "not a readable directory"
                results.append(broken)
                continue
            }
            let identity = URL(fileURLWithPath: dir).resolvingSymlinksInPath().standardizedFileURL.path
            if let first = seen[identity] {
                let why = first == dir ? "named twice" : "the same directory as \(first)"
                Stderr.print(Diagnostic(.note, path: dir, kind: "read-once", "\(why): checked once").rendered)
                continue
            }
            seen[identity] = dir
            var result = FixtureCheck.run(dir: dir)
            if update, result.brokenReason == nil || result.expectations == nil, let report = result.report ?? updateReport(dir) {
                let options = result.expectations?.options ?? .object([])
                let recorded = FixtureExpectations.recording(report, options: options)
                let path = FixtureExpectations.path(in: dir)
                // (A file `check` would refuse to read is not written: the old one stays.)
                if let why = FixtureExpectations.unwritableReason(recorded.json, findings: recorded.findings.count) {
                    var broken = FixtureResult(path: dir)
                    broken.brokenReason = "\(path): \(why)"
                    results.append(broken)
                    continue
                }
                do {
                    try Data(recorded.json.utf8).write(to: URL(fileURLWithPath: path))
                } catch {
                    // Broken (exit 2), not failed, and the other fixtures are still checked.
                    var broken = FixtureResult(path: dir)
                    broken.brokenReason = "\(path): cannot write the expectations file: \(Self.reason(error))"
                    results.append(broken)
                    continue
                }
                Stderr.print("\(TerminalText.escape(path)): updated with \(recorded.findings.count) finding\(recorded.findings.count == 1 ? "" : "s")")
                result = FixtureCheck.run(dir: dir)
            }
            results.append(result)
        }
        let out = OutputStream()
        switch output {
        case .text: out.write(CheckTextRenderer(color: color.enabled).render(results))
        case .sarif: out.write(SARIFRenderer().render(results))
        case .junit: out.write(JUnitRenderer().render(results))
        case .github: out.write(GitHubRenderer().render(results))
        }
        out.flush()
        for result in results { Stderr.print(result.diagnostics.lines) }
        try out.finish()
        if results.contains(where: { $0.brokenReason != nil }) { throw ExitCode(2) }
        if results.contains(where: { !$0.passed }) { throw ExitCode(1) }
    }

    /// The system's reason for a failed write (`No such file or directory`), as the other
    /// diagnostics word it: Foundation keeps the errno in its error's underlying error (a
    /// `POSIXError` on Linux, an `NSError` of the POSIX domain elsewhere).
    private static func reason(_ error: Error) -> String {
        let ns = error as NSError
        let underlying = (ns.userInfo[NSUnderlyingErrorKey] as? Error).map { $0 as NSError }
        if let posix = ns.domain == NSPOSIXErrorDomain ? ns : underlying, posix.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(posix.code)))
        }
        return ns.localizedDescription
    }

    /// With `--update` and no expectations file yet: analyse the directory with default options.
    private func updateReport(_ dir: String) -> Report? {
        guard !FileManager.default.fileExists(atPath: FixtureExpectations.path(in: dir)) else { return nil }
        var diagnostics = DiagnosticSink()
        let (inputs, configs) = InputSet.expand([dir], diagnostics: &diagnostics)
        guard !inputs.isEmpty else { return nil }
        var configuration = AnalysisConfiguration()
        ConfigurationLoader.apply(appConfigs: configs, to: &configuration)
        return Analyzer(configuration: configuration).run(inputs, diagnostics: &diagnostics)
    }
}
