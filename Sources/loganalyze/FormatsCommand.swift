import ArgumentParser
import LogAnalyzer

struct FormatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "formats",
        abstract: "List the log formats loganalyze recognises, one per line."
    )

    func run() throws {
        let width = LogFormat.allCases.map(\.id.count).max() ?? 0
        let out = OutputStream()
        for format in LogFormat.allCases {
            out.write(format.id.padding(toLength: width + 2, withPad: " ", startingAt: 0) + format.summary + "\n")
        }
        try out.finish()
    }
}
