import Foundation
import Testing

@testable import LogAnalyzer

/// A bad option value: exit 2 and one line on stderr, the value shown escaped, no usage block.
@Suite struct ArgumentErrorTests {
    static let fixture = "Fixtures/incident-real"

    func expectOneLine(_ arguments: [String], _ expected: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let result = try runLoganalyze(arguments)
        #expect(result.status == 2, sourceLocation: sourceLocation)
        #expect(result.stdout == "", sourceLocation: sourceLocation)
        #expect(result.stderr == "loganalyze: error: " + expected + "\n", sourceLocation: sourceLocation)
    }

    @Test func escapeSequencesInAValueAreShownEscaped() throws {
        try expectOneLine(
            ["analyze", "--tz", "\u{1B}]0;PWNED\u{07}\u{1B}[2J\u{9B}\u{202E}\nx", Self.fixture],
            "invalid value '\\x1b]0;PWNED\\x07\\x1b[2J\\x9b\\u202e\\x0ax' for --tz: not a time zone; use UTC, an offset such as +08:00, or an IANA name")
        try expectOneLine(["report", "--baseline", "\u{1B}]0;PWNED\u{07}", Self.fixture], "invalid value '\\x1b]0;PWNED\\x07' for --baseline: cannot read the file")
        let dir = TempDir()
        let config = dir.write("cfg\u{1B}[31m.py", "x = 1\n")
        try expectOneLine(
            ["analyze", "--app-config", config, Self.fixture],
            "invalid value '\(dir.url.path)/cfg\\x1b[31m.py' for --app-config: no token_ttl_hours, token_ttl_minutes or token_ttl_seconds in it")
    }

    @Test func argumentParserErrorsAreOneLineToo() throws {
        try expectOneLine(
            ["analyze", "--output", "xml", Self.fixture],
            "The value 'xml' is invalid for '--output <output>'. Please provide one of the following: text, json, markdown, sarif, junit, github")
        try expectOneLine(["analyze", "--outpt", "json", Self.fixture], "Unknown option '--outpt'. Did you mean '--output'?")
        try expectOneLine(["analyze", "--jobs", "abc", Self.fixture], "The value 'abc' is invalid for '--jobs <jobs>'")
        try expectOneLine(["report", "--output", "\u{1B}[2J", Self.fixture],
            "The value '\\x1b[2J' is invalid for '--output <output>'. Please provide one of 'text', 'markdown', 'html', 'json' or 'prometheus'.")
        // --help keeps its usage block.
        let help = try runLoganalyze(["analyze", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.hasPrefix("OVERVIEW: Rebuild each session across the logs and report what went wrong (the\ndefault command).\n\nUSAGE: loganalyze analyze [<options>] [<paths> ...]\n"))
        #expect(help.stdout.contains("  --tz <tz>               Time zone for stamps written without one: UTC,\n"))
    }

    @Test func aNegativeNumberIsAValueNotAMissingOne() throws {
        try expectOneLine(["analyze", "--jobs", "-1", Self.fixture], "invalid value -1 for --jobs: must be at least 1")
        try expectOneLine(["analyze", "--max-line-bytes", "-1", Self.fixture], "invalid value -1 for --max-line-bytes: must be at least 64")
        try expectOneLine(["analyze", "--token-ttl", "-2h", Self.fixture], "invalid value '-2h' for --token-ttl: not a duration; use 2h, 90m or 3600s")
        // An offset written with its sign is a zone.
        let west = try runLoganalyze(["parse", "--tz", "-05:00", "Fixtures/incident-real/backend.log"])
        #expect(west.status == 0)
        #expect(west.stdout.contains("\"time\":\"2025-12-11T05:51:45.902Z\""))
    }
}
