import Foundation
import Testing

/// Whole-pipeline output pinned in `Golden/`. Record with `LOGANALYZE_RECORD_GOLDEN=1 swift test`.
struct GoldenCase: CustomTestStringConvertible, Sendable {
    var name: String
    var arguments: [String]
    var status: Int32
    var testDescription: String { name }
}

let goldenCases = [
    GoldenCase(name: "incident-timeonly.txt", arguments: ["Fixtures/incident-timeonly"], status: 1),
    GoldenCase(name: "incident-timeonly.json", arguments: ["analyze", "--output", "json", "Fixtures/incident-timeonly"], status: 1),
    GoldenCase(name: "incident-real.txt", arguments: ["Fixtures/incident-real"], status: 1),
    GoldenCase(name: "incident-real.json", arguments: ["analyze", "--output", "json", "Fixtures/incident-real"], status: 1),
    GoldenCase(name: "incident-real.md", arguments: ["analyze", "--output", "markdown", "Fixtures/incident-real"], status: 1),
    GoldenCase(name: "incident-real-timeline.txt", arguments: ["timeline", "--session", "AJ_p9KdW3xYzQ2r", "Fixtures/incident-real"], status: 0),
    GoldenCase(name: "clean-interleaved.txt", arguments: ["Fixtures/clean-interleaved"], status: 0),
    GoldenCase(name: "clean-interleaved-timeline.txt", arguments: ["timeline", "Fixtures/clean-interleaved"], status: 0),
]

@Suite struct GoldenTests {
    @Test("output matches the golden file", arguments: goldenCases)
    func golden(_ c: GoldenCase) throws {
        let result = try runLoganalyze(c.arguments)
        #expect(result.status == c.status)
        #expect(result.stderr == "")
        let file = PackagePaths.golden.appendingPathComponent(c.name)
        if ProcessInfo.processInfo.environment["LOGANALYZE_RECORD_GOLDEN"] == "1" {
            try Data(result.stdout.utf8).write(to: file)
            return
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        if expected != result.stdout {
            let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let a = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            let line = zip(e, a).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(e.count, a.count)
            Issue.record("""
                \(c.name) differs at line \(line + 1):
                expected: \(line < e.count ? String(e[line]) : "<end>")
                actual:   \(line < a.count ? String(a[line]) : "<end>")
                (re-record with LOGANALYZE_RECORD_GOLDEN=1 swift test if the change is intended)
                """)
        }
    }
}

@Suite struct CommandLineTests {
    @Test func failOnWarningTurnsAWarningIntoExitOne() throws {
        #expect(try runLoganalyze(["Fixtures/clean-interleaved"]).status == 0)
        #expect(try runLoganalyze(["analyze", "--fail-on", "warning", "Fixtures/clean-interleaved"]).status == 1)
        #expect(try runLoganalyze(["analyze", "--fail-on", "never", "Fixtures/incident-real"]).status == 0)
    }

    @Test func badArgumentsExitTwo() throws {
        let result = try runLoganalyze(["analyze", "--token-ttl", "soon", "Fixtures/incident-real"])
        #expect(result.status == 2)
        #expect(result.stderr == "loganalyze: error: invalid value 'soon' for --token-ttl: not a duration; use 2h, 90m or 3600s\n")
        #expect(try runLoganalyze(["analyze", "--output", "pdf", "x.log"]).status == 2)
        #expect(try runLoganalyze(["analyze"]).status == 2)
    }

    @Test func tokenTTLOptionOverridesTheConfigFile() throws {
        let result = try runLoganalyze(["analyze", "--output", "json", "--token-ttl", "10m", "Fixtures/incident-timeonly"])
        // 17.5 min is longer than a 10 min TTL: no early death, the cascade remains.
        #expect(result.status == 1)
        #expect(!result.stdout.contains("\"early-token-death\""))
        #expect(result.stdout.contains("\"auth-expiry-cascade\""))
    }

    @Test func formatsListsEveryFormatIdThenTheWrappers() throws {
        let result = try runLoganalyze(["formats"])
        #expect(result.status == 0)
        let sections = result.stdout.components(separatedBy: "\n\n")
        #expect(sections.count == 2)
        #expect(sections[0].split(separator: "\n").map { String($0.split(separator: " ")[0]) } == [
            "agents-json", "agents-json-legacy", "agents-text", "agents-rich", "agents-compact", "python-asctime", "python-basic",
            "python-bracket", "zap-console", "zap-json", "browser-console", "pino-json", "pino-pretty", "uvicorn", "gunicorn", "access-log",
            "app-time", "webhook-event", "sentry-breadcrumb", "json", "plain",
        ])
        let wrappers = sections.last?.split(separator: "\n") ?? []
        #expect(wrappers.first == "wrappers and exports, stripped first (the line inside is read as one of the formats above):")
        #expect(wrappers.dropFirst().map { String($0.split(separator: " ")[0]) } == [
            "ansi", "docker-compose", "kubectl", "stern", "docker-json-file", "cri", "journald", "loki", "gcp", "cloudwatch", "fly",
            "heroku", "vector", "fluent-bit",
        ])
        #expect(wrappers.contains("vector              Vector's file and console sinks, JSON codec, after kubernetes_logs, docker_logs or file"))
    }

    @Test func parallelReadingGivesByteIdenticalReports() throws {
        for arguments in [["Fixtures/incident-real"], ["Fixtures"], ["Fixtures/clean-interleaved", "Fixtures/incident-agent-only"]] {
            let one = try runLoganalyze(["analyze", "--output", "json", "--jobs", "1"] + arguments)
            let two = try runLoganalyze(["analyze", "--output", "json", "--jobs", "2"] + arguments)
            let four = try runLoganalyze(["analyze", "--output", "json", "--jobs", "4"] + arguments)
            // Files cut into 300-byte pieces parsed on several threads.
            let split = try runLoganalyze(["analyze", "--output", "json", "--jobs", "4", "--split-bytes", "300"] + arguments)
            let splitText = try runLoganalyze(["analyze", "--jobs", "2", "--split-bytes", "128"] + arguments)
            let text = try runLoganalyze(["analyze", "--jobs", "1"] + arguments)
            #expect(one.stdout.count > 1000)
            #expect(one.stdout == two.stdout)
            #expect(one.stdout == four.stdout)
            #expect(one.stdout == split.stdout)
            #expect(text.stdout == splitText.stdout)
            #expect(text.stderr == splitText.stderr)
            #expect(one.status == two.status)
            #expect(one.status == split.status)
        }
    }

    /// Standard input is cut into blocks as it is read and parsed on several threads.
    @Test func parallelReadingOfStandardInputGivesTheSameReport() throws {
        for log in ["Fixtures/incident-timeonly/worker.log", "Fixtures/incident-real/agent.log", "Fixtures/clean-interleaved/agent.log"] {
            let data = try Data(contentsOf: PackagePaths.root.appendingPathComponent(log))
            let one = try runLoganalyze(["analyze", "--output", "json", "--jobs", "1", "-"], stdin: data)
            let split = try runLoganalyze(["analyze", "--output", "json", "--jobs", "2", "--split-bytes", "200", "-"], stdin: data)
            #expect(one.stdout.count > 500, "\(log)")
            #expect(one.stdout == split.stdout, "\(log)")
            #expect(one.stderr == split.stderr, "\(log)")
            #expect(one.status == split.status, "\(log)")
        }
    }

    @Test func controlCharactersFromLogsAreEscapedInTextOutput() throws {
        let dir = TempDir()
        let path = dir.write("worker.log", "00:00:00 - Generating initial greeting\n00:00:09 - Voice agent running \u{1B}]0;pwned\u{07}\u{1B}[2J ok\u{08}\u{08}\u{07}\r\n")
        let result = try runLoganalyze([path])
        #expect(result.status == 1)
        #expect(!result.stdout.contains("\u{1B}"))
        #expect(!result.stdout.contains("\u{07}"))
        // Escape sequences are removed while parsing; other control characters are shown escaped.
        #expect(result.stdout.contains("Voice agent running  ok\\x08\\x08\\x07\n"))
    }
}
