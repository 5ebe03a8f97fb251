import ArgumentParser
import LogAnalyzer

@main
struct LogAnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loganalyze",
        abstract: "Diagnose LiveKit voice-agent sessions from worker, server, backend and browser logs.",
        subcommands: [ParseCommand.self, FormatsCommand.self]
    )
}
