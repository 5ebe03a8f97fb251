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
            "invalid value '\\x1b]0;PWNED\\x07\\x1b[2J\\x9b\\u202e\\x0ax' for --tz: not a time zone; use UTC, an offset such as +08:00, or an IANA name (NAME=ZONE for some inputs)")
        try expectOneLine(["report", "--baseline", "\u{1B}]0;PWNED\u{07}", Self.fixture], "invalid value '\\x1b]0;PWNED\\x07' for --baseline: cannot read the file: No such file or directory")
        let dir = TempDir()
        let config = dir.write("cfg\u{1B}[31m.py", "x = 1\n")
        try expectOneLine(
            ["analyze", "--app-config", config, Self.fixture],
            "invalid value '\(dir.url.path)/cfg\\x1b[31m.py' for --app-config: no token_ttl_hours, token_ttl_minutes or token_ttl_seconds in it")
    }

    /// A token pasted where a value goes was echoed whole in the error line.
    @Test func aSecretGivenAsAValueIsRedactedInTheError() throws {
        let token = makeJWT(#"{"sub":"user-42b7","video":{"room":"voice-room-7f3k2","roomJoin":true},"exp":1765415206}"#)
        try expectOneLine(["analyze", "--tz", token, Self.fixture],
                          "invalid value '[redacted-jwt]' for --tz: not a time zone; use UTC, an offset such as +08:00, or an IANA name (NAME=ZONE for some inputs)")
        try expectOneLine(["analyze", "--since", token, Self.fixture], "invalid value '[redacted-jwt]' for --since: not a time; use YYYY-MM-DD or an ISO-8601 time")
        try expectOneLine(["analyze", "--jobs", token, Self.fixture], "The value '[redacted-jwt]' is invalid for '--jobs <jobs>'")
        try expectOneLine(["analyze", "--token-ttl", "sk-proj-abcdefghijklmnopqrstuvwx", Self.fixture],
                          "invalid value '[redacted]' for --token-ttl: not a duration; use 2h, 90m or 3600s")
    }

    @Test func argumentParserErrorsAreOneLineToo() throws {
        try expectOneLine(
            ["analyze", "--output", "xml", Self.fixture],
            "The value 'xml' is invalid for '--output <output>'. Please provide one of the following: text, json, markdown, sarif, junit, github")
        try expectOneLine(["analyze", "--outpt", "json", Self.fixture], "Unknown option '--outpt'. Did you mean '--output'?")
        try expectOneLine(["analyze", "--jobs", "abc", Self.fixture], "The value 'abc' is invalid for '--jobs <jobs>'")
        try expectOneLine(["report", "--output", "\u{1B}[2J", Self.fixture],
            "The value '\\x1b[2J' is invalid for '--output <output>'. Please provide one of 'text', 'markdown', 'html', 'json' or 'prometheus'.")
        // parse's one format is named too (it said only "The value 'json' is invalid").
        try expectOneLine(["parse", "--output", "json", Self.fixture], "The value 'json' is invalid for '--output <output>'. Please provide one of 'ndjson'.")
        // --help keeps its usage block.
        let help = try runLoganalyze(["analyze", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.hasPrefix("OVERVIEW: Rebuild each session across the logs and report what went wrong (the\ndefault command).\n\nUSAGE: loganalyze analyze [<options>] [<paths> ...]\n"))
        #expect(help.stdout.contains("  --tz <tz>               Time zone for stamps written without one: UTC,\n"))
    }

    /// A misspelt subcommand was read as a missing log beside the others: `analyse logs/`
    /// analysed the logs and exited 1, `timelin --session x logs/` exited 0.
    @Test func aMisspeltSubcommandIsRefusedWithTheCommandItMeant() throws {
        try expectOneLine(["analyse", Self.fixture], "unknown command 'analyse', and no file is named so; did you mean 'analyze'?")
        try expectOneLine(["timelin", "--session", "AJ_p9KdW3xYzQ2r", Self.fixture],
                          "unknown command 'timelin', and no file is named so; did you mean 'timeline'?")
        try expectOneLine(["reprot", Self.fixture], "unknown command 'reprot', and no file is named so; did you mean 'report'?")
        try expectOneLine(["chek", Self.fixture], "unknown command 'chek', and no file is named so; did you mean 'check'?")
        // A missing log of another name stays a diagnostic beside the others' findings.
        let missing = try runLoganalyze(["agent", Self.fixture])
        #expect(missing.status == 1)
        #expect(missing.stderr == "agent: error: cannot read: No such file or directory\n")
        // A log that is named so is read.
        let dir = TempDir()
        dir.write("analyse", "2025-12-11 00:51:46,120 - INFO livekit.agents - Generating initial greeting\n")
        let named = try runLoganalyze(["analyse"], cwd: dir.url)
        #expect(named.status == 0)
        #expect(named.stdout == "1 input, 1 record, 1 session (0 flagged): no findings\n")
    }

    @Test func aNegativeNumberIsAValueNotAMissingOne() throws {
        try expectOneLine(["analyze", "--jobs", "-1", Self.fixture], "invalid value -1 for --jobs: must be 1 to 256")
        try expectOneLine(["analyze", "--max-line-bytes", "-1", Self.fixture], "invalid value -1 for --max-line-bytes: must be from 64 to 1073741824 (1 GiB)")
        try expectOneLine(["analyze", "--token-ttl", "-2h", Self.fixture], "invalid value '-2h' for --token-ttl: not a duration; use 2h, 90m or 3600s")
        // An offset written with its sign is a zone.
        let west = try runLoganalyze(["parse", "--tz", "-05:00", "Fixtures/incident-real/backend.log"])
        #expect(west.status == 0)
        #expect(west.stdout.contains("\"time\":\"2025-12-11T05:51:45.902Z\""))
    }

    @Test func nonsenseValuesAreRefused() throws {
        try expectOneLine(["analyze", "--token-ttl", "99999999999999999999999h", Self.fixture],
                          "invalid value '99999999999999999999999h' for --token-ttl: longer than 10 years (3650d)")
        try expectOneLine(["analyze", "--jobs", "100000", Self.fixture], "invalid value 100000 for --jobs: must be 1 to 256")
        try expectOneLine(["analyze", "--jobs", "0", Self.fixture], "invalid value 0 for --jobs: must be 1 to 256")
        try expectOneLine(["analyze", "--date", "0000-01-01", Self.fixture],
                          "invalid value '0000-01-01' for --date: not a date from 1970-01-01 to 9999-12-31; use YYYY-MM-DD")
        try expectOneLine(["analyze", "--date", "2025-02-31", Self.fixture],
                          "invalid value '2025-02-31' for --date: not a date from 1970-01-01 to 9999-12-31; use YYYY-MM-DD")
        try expectOneLine(["report", "--since", "2025-12-12", "--until", "2025-12-11T23:00:00Z", Self.fixture],
                          "invalid value '2025-12-11T23:00:00Z' for --until: not after --since '2025-12-12'")
        try expectOneLine(["analyze", "--greeting-warning", "-1", Self.fixture],
                          "invalid value -1.0 for --greeting-warning: must be a number of seconds above 0, at most 1 day")
        // The thresholds it is compared with are shown: 6 s is over the default error threshold.
        try expectOneLine(["analyze", "--greeting-warning", "6", Self.fixture], "--greeting-warning (6.0 s) must not exceed --greeting-error (5.0 s)")
        // An empty marker is in every line (the greeting would start and end anywhere), and a
        // sixth one would not be read.
        try expectOneLine(["analyze", "--greeting-start", "", Self.fixture],
                          "invalid value '' for --greeting-start: a marker must not be empty")
        try expectOneLine(["analyze"] + ["a", "b", "c", "d", "e", "f"].flatMap { ["--greeting-end", $0] } + [Self.fixture],
                          "invalid value 'f' for --greeting-end: at most 5 markers are read")
        // The limits themselves are accepted.
        #expect(try runLoganalyze(["analyze", "--token-ttl", "3650d", "--jobs", "256", "--date", "2025-12-11", Self.fixture]).status == 1)
    }

    @Test func aProjectConfigValueOfTheWrongKindIsNamedAndIgnored() throws {
        let dir = TempDir()
        dir.write(".loganalyze.json", #"{"tokenTtl": 5, "greetingWarningSeconds": "x", "greetingErrorSeconds": -3, "greetingEndMarkers": "Voice", "tokenTTL": "2h"}"#)
        let result = try runLoganalyze(["analyze", "--output", "json", PackagePaths.fixtures.path + "/incident-timeonly"], cwd: dir.url)
        #expect(result.status == 1)
        #expect(result.stderr == """
            .loganalyze.json: warning: unknown key "tokenTTL" (tokenTtl, greetingStartMarkers, greetingEndMarkers, greetingWarningSeconds, greetingErrorSeconds); ignored
            .loganalyze.json: warning: tokenTtl: must be a duration string such as "2h", at most 10 years, got 5; ignored
            .loganalyze.json: warning: greetingEndMarkers: must be an array of 1 to 5 non-empty strings, got "Voice"; ignored
            .loganalyze.json: warning: greetingWarningSeconds: must be a number of seconds above 0, at most 86400, got "x"; ignored
            .loganalyze.json: warning: greetingErrorSeconds: must be a number of seconds above 0, at most 86400, got -3; ignored

            """)
        // The default thresholds stand in for them; the TTL is the app config's.
        #expect(result.stdout.contains("\"slow-greeting\""))
        #expect(result.stdout.contains("\"configuredTtlSeconds\": 7200,\n        \"configuredTtlSource\": \"\(PackagePaths.fixtures.path)/incident-timeonly/config.py\""))
    }

    @Test func tinySplitBytesAreRaisedToAtMostAThousandPiecesAFile() throws {
        let dir = TempDir()
        var text = ""
        for i in 0..<1_250 {
            text += "{\"message\": \"R-\(pad(i, 4)) padding\", \"level\": \"INFO\", \"timestamp\": \"2025-12-11T00:\(pad(i / 60 % 60, 2)):\(pad(i % 60, 2))+00:00\"}\n"
        }
        let path = dir.write("big.log", text)
        #expect(text.utf8.count == 111_250)
        let one = try runLoganalyze(["analyze", "--output", "json", "--jobs", "1", path])
        let split = try runLoganalyze(["analyze", "--output", "json", "--jobs", "2", "--split-bytes", "1", path])
        #expect(split.stderr == "\(path): note: cut into pieces of 109 bytes, not 1 (--split-bytes): at most 1024 pieces a file\n")
        #expect(split.stdout == one.stdout)
        #expect(one.stdout.contains("\"records\": 1250"))
    }
}

/// Settings files are read whole: a value that is no count (a report edited by hand) and a file
/// too large to be one are refused with one line (a count of 2e19 had crashed the run).
@Suite struct SettingsFileTests {
    @Test func aBaselineWithoutCountsIsRefused() throws {
        let dir = TempDir()
        for (doc, reason) in [
            (#"{"schema": "loganalyze.monitor/v1", "sessions": 2e19}"#, "sessions is not a count"),
            (#"{"schema": "loganalyze.monitor/v1", "sessions": -5}"#, "sessions is not a count"),
            (#"{"schema": "loganalyze.monitor/v1", "sessions": 10, "rules": {"slow-greeting": {"sessions": 2, "rate": 1.5}}}"#, "rules.slow-greeting.rate is not a number from 0 to 1"),
            (#"{"schema": "loganalyze.monitor/v1", "sessions": 10, "counts": {"tokenExpiredErrors": 1e308}}"#, "counts.tokenExpiredErrors is not a count"),
        ] {
            let path = dir.write("baseline.json", doc)
            let result = try runLoganalyze(["report", "--baseline", path, ArgumentErrorTests.fixture])
            #expect(result.status == 2, "\(doc)")
            #expect(result.stderr == "loganalyze: error: invalid value '\(path)' for --baseline: \(reason)\n")
        }
    }

    @Test func aLineLimitBeyondAGibibyteIsRefused() throws {
        for value in ["9223372036854775807", "4611686018427387904", "1073741825", "63"] {
            let result = try runLoganalyze(["analyze", "--max-line-bytes", value, ArgumentErrorTests.fixture])
            #expect(result.status == 2)
            #expect(result.stderr == "loganalyze: error: invalid value \(value) for --max-line-bytes: must be from 64 to 1073741824 (1 GiB)\n")
        }
    }

    @Test func aPieceSizeBeyondAGibibyteIsRefused() throws {
        for value in ["9223372036854775807", "1073741825", "0"] {
            let result = try runLoganalyze(["analyze", "--split-bytes", value, ArgumentErrorTests.fixture])
            #expect(result.status == 2)
            #expect(result.stderr == "loganalyze: error: invalid value \(value) for --split-bytes: must be from 1 to 1073741824 (1 GiB)\n")
        }
    }

    @Test func aLogGivenAsASettingsFileIsRefusedUnread() throws {
        let dir = TempDir()
        let big = dir.write("big.json", String(repeating: "a", count: SmallFile.limit + 1))
        let report = try runLoganalyze(["report", "--baseline", big, ArgumentErrorTests.fixture])
        #expect(report.status == 2)
        #expect(report.stderr == "loganalyze: error: invalid value '\(big)' for --baseline: larger than 16 MiB: not a settings file\n")
        let config = try runLoganalyze(["analyze", "--app-config", big, ArgumentErrorTests.fixture])
        #expect(config.stderr == "loganalyze: error: invalid value '\(big)' for --app-config: larger than 4 MiB: not a settings file\n")
    }

    /// An app config among the inputs over 4 MiB is refused unread, with a warning: its TTL is
    /// not silently missing from the run.
    @Test func aLargeAppConfigAmongTheInputsIsRefusedWithAWarning() throws {
        let dir = TempDir()
        dir.write("agent.log", #"{"message": "registered worker", "level": "INFO", "name": "livekit.agents", "id": "AW_x1", "timestamp": "2026-03-02T10:00:00.000000+00:00"}"# + "\n")
        dir.write("config.py", "token_ttl_hours = 2\n" + String(repeating: "#", count: 4 << 20))
        let result = try runLoganalyze(["analyze", "."], cwd: dir.url)
        #expect(result.status == 0)
        #expect(result.stderr == "./config.py: warning: larger than 4 MiB: not a settings file; ignored\n")
    }
}
