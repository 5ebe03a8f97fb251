import ArgumentParser
import Foundation
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
            Exit codes: 0 no finding at or above --fail-on; 1 a finding reached it; 2 bad arguments, no input could be read or the output could not be written.
            `loganalyze PATHS...` is `loganalyze analyze PATHS...`.
            """,
        version: LoganalyzeVersion.current,
        subcommands: [AnalyzeCommand.self, TimelineCommand.self, ReportCommand.self, CheckCommand.self, ParseCommand.self, FormatsCommand.self],
        defaultSubcommand: AnalyzeCommand.self
    )

    /// Like ArgumentParser's `main()`, but usage errors exit 2 (not 64), as documented, and every
    /// error is one line on stderr (no usage block), its values shown escaped.
    static func main() {
        holdClosedStandardDescriptors()
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
            Stderr.print("loganalyze: error: " + errorLine(for: error))
            Glibc.exit(exitCode == .validationFailure ? 2 : exitCode.rawValue)
        }
    }

    /// The subcommand `word` is a misspelling of: one within two edits (insertions, deletions,
    /// substitutions, or two neighbours swapped) of its name, or a start of it of at least
    /// three letters; nil for a word with a `/` or `.` (a path) or near no name.
    static func subcommandNamed(like word: String) -> String? {
        let typed = Array(word.lowercased().utf8)
        guard typed.count >= 3, typed.count <= 12, !typed.contains(UInt8(ascii: "/")), !typed.contains(UInt8(ascii: ".")) else { return nil }
        let names = configuration.subcommands.compactMap { $0.configuration.commandName }
        return names.first { Array($0.utf8).starts(with: typed) }
            ?? names.first { editDistance(typed, Array($0.utf8)) <= 2 }
    }

    /// Optimal string alignment distance: Levenshtein's, with a swap of neighbours one edit.
    static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
            }
        }
        return d[a.count][b.count]
    }

    /// A closed standard descriptor (`<&-`, `>&-`) would be taken by the next file opened: a log
    /// named before `-` read again as standard input, a spool file written as the report. Each
    /// closed one is held by /dev/null opened the other way round, so that reading `-` or
    /// writing the report fails with EBADF, as on the closed descriptor, and is reported.
    static func holdClosedStandardDescriptors() {
        for fd in Int32(0)...2 where fcntl(fd, F_GETFD) == -1 && errno == EBADF {
            let held = open("/dev/null", fd == 0 ? O_WRONLY : O_RDONLY)
            if held >= 0 && held != fd {
                dup2(held, fd)
                close(held)
            }
        }
    }

    /// The error's message on one line: ours (`ValidationError`) escaped whole; ArgumentParser's,
    /// whose lines list choices ("Please provide one of the following:\n  - text\n  - json"),
    /// escaped line by line and joined ("…: text, json"). A secret in a value it quotes (a token
    /// pasted as `--tz` or `--since`) is redacted, as in every output.
    static func errorLine(for error: Error) -> String {
        if let validation = error as? ValidationError { return TerminalText.escape(Redactor.redactOnce(validation.message)) }
        let lines = message(for: error).split(separator: "\n").map { TerminalText.escape(Redactor.redactOnce(String($0).trimmingCharacters(in: .whitespaces))) }
        var line = ""
        for part in lines where !part.isEmpty {
            if part.hasPrefix("- ") {
                line += (line.hasSuffix(":") ? " " : ", ") + part.dropFirst(2)
            } else {
                line += (line.isEmpty ? "" : " ") + part
            }
        }
        if line.hasPrefix("Error: ") { line.removeFirst(7) }
        return line
    }
}
