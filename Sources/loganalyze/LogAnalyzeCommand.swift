import ArgumentParser
import LogAnalyzer

#if canImport(Glibc)
import Glibc
#endif

@main
struct LogAnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loganalyze",
        abstract: "Diagnose LiveKit voice-agent sessions from worker, server, backend and browser logs.",
        discussion: """
            Exit codes: 0 no finding at or above --fail-on; 1 a finding reached it; 2 bad arguments or no input could be read.
            `loganalyze PATHS...` is `loganalyze analyze PATHS...`.
            """,
        version: LoganalyzeVersion.current,
        subcommands: [AnalyzeCommand.self, TimelineCommand.self, ReportCommand.self, CheckCommand.self, ParseCommand.self, FormatsCommand.self],
        defaultSubcommand: AnalyzeCommand.self
    )

    /// Like ArgumentParser's `main()`, but usage errors exit 2 (not 64), as documented.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let code as ExitCode {
            Glibc.exit(code.rawValue)
        } catch {
            let exitCode = self.exitCode(for: error)
            if exitCode == .success {
                self.exit(withError: error)  // --help, --version
            }
            Stderr.print(fullMessage(for: error))
            if exitCode == .validationFailure { Stderr.print("usage: see `loganalyze --help`") }
            Glibc.exit(exitCode == .validationFailure ? 2 : exitCode.rawValue)
        }
    }
}
