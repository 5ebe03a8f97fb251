import Foundation
import Testing

@testable import LogAnalyzer

#if canImport(FoundationXML)
import FoundationXML
#endif

/// Copies a fixture folder into a temporary directory.
func copyFixture(_ name: String, into dir: TempDir) throws -> String {
    let target = dir.url.appendingPathComponent(name)
    try FileManager.default.copyItem(at: PackagePaths.fixtures.appendingPathComponent(name), to: target)
    return target.path
}

@Suite struct CheckTests {
    @Test func everyBundledFixturePasses() throws {
        let result = try runLoganalyze(["check", "Fixtures/incident-timeonly", "Fixtures/incident-real", "Fixtures/clean-interleaved"])
        #expect(result.status == 0)
        #expect(result.stdout == """
            PASS Fixtures/incident-timeonly (3 expected findings)
            PASS Fixtures/incident-real (3 expected findings)
            PASS Fixtures/clean-interleaved (1 expected finding)
            3 fixtures: 3 passed, 0 failed

            """)
    }

    @Test func aFixtureNamedTwiceOrThroughALinkIsCheckedOnce() throws {
        let dir = TempDir()
        let fixture = try copyFixture("clean-interleaved", into: dir)
        let link = dir.url.appendingPathComponent("again").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: fixture)
        let result = try runLoganalyze(["check", fixture, fixture, link + "/"])
        #expect(result.status == 0)
        #expect(result.stdout == "PASS \(fixture) (1 expected finding)\n1 fixture: 1 passed, 0 failed\n")
        #expect(result.stderr == """
            \(fixture): note: named twice: checked once
            \(link)/: note: the same directory as \(fixture): checked once

            """)
    }

    @Test func aFixtureThatLostIts401LinesFailsWithMissingCascade() throws {
        let dir = TempDir()
        let fixture = try copyFixture("incident-timeonly", into: dir)
        let worker = fixture + "/worker.log"
        let kept = try String(contentsOfFile: worker, encoding: .utf8).split(separator: "\n").filter { !$0.contains("401") && !$0.contains("invalid token") }
        try (kept.joined(separator: "\n") + "\n").write(toFile: worker, atomically: true, encoding: .utf8)
        let result = try runLoganalyze(["check", fixture])
        #expect(result.status == 1)
        #expect(result.stdout.contains("FAIL \(fixture)\n  missing auth-expiry-cascade [error] (failures 6, firstAt 2025-12-11T01:09:16.000Z, trigger worker connection closed unexpectedly)\n  missing early-token-death"))
        #expect(result.stdout.hasSuffix("1 fixture: 0 passed, 1 failed\n"))
    }

    @Test func aNewSlowGreetingFailsAsUnexpectedUntilUpdateAcceptsIt() throws {
        let dir = TempDir()
        let fixture = try fixtureWithASecondSlowGreeting(in: dir)

        let failing = try runLoganalyze(["check", fixture])
        #expect(failing.status == 1)
        #expect(failing.stdout.contains("  unexpected slow-greeting in support-c3/RM_C3d4E5f6G7h8 [error]: greeting took 6.25 s (over the 5.0 s error threshold)\n"))
        #expect(failing.stdout.contains("agent.log:73  greeting start: Generating initial greeting"))

        let updated = try runLoganalyze(["check", "--update", fixture])
        #expect(updated.status == 0)
        #expect(updated.stderr == "\(fixture)/expected.json: updated with 2 findings\n")
        let expectations = try FixtureExpectations.load(dir: fixture)
        #expect(expectations.findings.map(\.description) == [
            "slow-greeting in support-b2/RM_B2c3D4e5F6g7 [warning] (seconds 3.11..3.25)",
            "slow-greeting in support-c3/RM_C3d4E5f6G7h8 [error] (seconds 6.12..6.38)",
        ])
        #expect(try runLoganalyze(["check", fixture]).status == 0)
    }

    /// Two slow greetings (support-b2, a warning; support-c3, an error, appended) and two
    /// expectations: any slow greeting, then support-b2's. The first must not keep the finding
    /// the second needs.
    @Test func aBroadExpectationLeavesTheFindingANarrowerOneNeeds() throws {
        let dir = TempDir()
        let fixture = try fixtureWithASecondSlowGreeting(in: dir)
        try #"{"findings": [{"rule": "slow-greeting"}, {"rule": "slow-greeting", "session": "support-b2", "severity": "warning"}]}"#
            .write(toFile: fixture + "/expected.json", atomically: true, encoding: .utf8)

        let result = FixtureCheck.run(dir: fixture)
        #expect(result.matched.map { "\($0.0.description) <- \($0.1.sessionKey)" } == [
            "slow-greeting <- support-c3/RM_C3d4E5f6G7h8",
            "slow-greeting in support-b2 [warning] <- support-b2/RM_B2c3D4e5F6g7",
        ])
        #expect(result.missing.isEmpty)
        #expect(result.unexpected.isEmpty)
        let checked = try runLoganalyze(["check", fixture])
        #expect(checked.status == 0)
        #expect(checked.stdout == "PASS \(fixture) (2 expected findings)\n1 fixture: 1 passed, 0 failed\n")
    }

    /// An expectation whose severity and bound no longer hold fails as missing, and the text
    /// report says beside it what the finding of that rule and session has instead.
    @Test func aChangedValueSaysWhatTheFindingHasInstead() throws {
        let dir = TempDir()
        _ = try copyFixture("clean-interleaved", into: dir)
        dir.write("clean-interleaved/expected.json", #"{"findings": [{"rule": "slow-greeting", "session": "support-b2", "severity": "error", "values": {"seconds": "5..6", "method": "markers"}}]}"#)
        let result = try runLoganalyze(["check", "clean-interleaved"], cwd: dir.url)
        #expect(result.status == 1)
        #expect(result.stdout.hasPrefix("""
            FAIL clean-interleaved
              missing slow-greeting in support-b2 [error] (seconds 5..6, method markers)
                  found instead in support-b2/RM_B2c3D4e5F6g7: severity warning (expected error), seconds 3.18 (expected 5..6)
              unexpected slow-greeting in support-b2/RM_B2c3D4e5F6g7 [warning]: greeting took 3.18 s
            """))
        dir.write("clean-interleaved/expected.json", #"{"findings": [{"rule": "job-failure", "session": "support-b2"}, {"rule": "slow-greeting", "session": "support-a1"}]}"#)
        let other = try runLoganalyze(["check", "clean-interleaved"], cwd: dir.url)
        #expect(!other.stdout.contains("found instead"))
    }

    @Test func brokenExpectationsExitTwo() throws {
        let dir = TempDir()
        let fixture = try copyFixture("clean-interleaved", into: dir)
        try "{\"findings\": [{\"rule\": \"no-such-rule\"}]}".write(toFile: fixture + "/expected.json", atomically: true, encoding: .utf8)
        let result = try runLoganalyze(["check", fixture])
        #expect(result.status == 2)
        #expect(result.stdout.contains("BROKEN \(fixture): \(fixture)/expected.json: findings[0]: unknown rule 'no-such-rule'"))
        let missing = try runLoganalyze(["check", dir.url.path + "/nowhere"])
        #expect(missing.status == 2)
        #expect(missing.stdout.hasPrefix("error BROKEN \(dir.url.path)/nowhere: not a readable directory\n"))
    }

    /// `check` named the directory that holds the fixtures (`check Fixtures` for
    /// `check Fixtures/*/`): it said only that `Fixtures/expected.json` could not be read; it now
    /// says the fixtures are in it. A directory with no fixture in it gets no such hint.
    @Test func theDirectoryOfTheFixturesIsNamedAsSuch() throws {
        let dir = TempDir()
        _ = try copyFixture("clean-interleaved", into: dir)
        _ = try copyFixture("incident-timeonly", into: dir)
        try FileManager.default.createDirectory(atPath: dir.url.path + "/notes", withIntermediateDirectories: false)
        let result = try runLoganalyze(["check", "."], cwd: dir.url)
        #expect(result.status == 2)
        #expect(result.stdout == """
            error BROKEN .: ./expected.json: cannot read the expectations file: No such file or directory; it holds 2 fixture directories: name them (./*/)
            1 fixture: 0 passed, 0 failed, 1 broken

            """)
        let empty = try runLoganalyze(["check", "notes"], cwd: dir.url)
        #expect(empty.stdout == """
            error BROKEN notes: notes/expected.json: cannot read the expectations file: No such file or directory
            1 fixture: 0 passed, 0 failed, 1 broken

            """)
    }

    /// `--update` where expected.json cannot be written (a link into a missing directory): the
    /// fixture is broken with the system's reason, and the next fixture is still checked.
    @Test func updateThatCannotWriteIsBrokenAndTheOthersAreChecked() throws {
        let dir = TempDir()
        let fixture = try copyFixture("clean-interleaved", into: dir)
        try FileManager.default.removeItem(atPath: fixture + "/expected.json")
        try FileManager.default.createSymbolicLink(atPath: fixture + "/expected.json", withDestinationPath: dir.url.path + "/missing/expected.json")
        _ = try copyFixture("incident-timeonly", into: dir)
        let result = try runLoganalyze(["check", "--update", "clean-interleaved", "incident-timeonly"], cwd: dir.url)
        #expect(result.status == 2)
        #expect(result.stdout == """
            error BROKEN clean-interleaved: clean-interleaved/expected.json: cannot write the expectations file: No such file or directory
            PASS incident-timeonly (3 expected findings)
            2 fixtures: 1 passed, 0 failed, 1 broken

            """)
        #expect(result.stderr == "incident-timeonly/expected.json: updated with 3 findings\n")
    }

    @Test func valueBoundsAcceptRangesNumbersAndText() {
        #expect(Expectation.Bound.parse(.string("5.3..5.5")) == .range(5.3, 5.5))
        #expect(Expectation.Bound.parse(.number("22")) == .range(22, 22))
        #expect(Expectation.Bound.parse(.string("suspended-host")) == .text("suspended-host"))
        #expect(Expectation.Bound.range(5.3, 5.5).accepts(.number(5.366)))
        #expect(!Expectation.Bound.range(5.3, 5.5).accepts(.number(5.6)))
        #expect(Expectation.Bound.range(22, 22).accepts(.integer(22)))
        #expect(!Expectation.Bound.text("x").accepts(.number(1)))
    }

    /// A range no value can meet is a broken expectation, not a failing fixture.
    @Test func impossibleRangesAreBroken() throws {
        #expect(Expectation.Bound.parse(.string("5..3")) == nil)
        #expect(Expectation.Bound.parse(.string("1e999..1e9999")) == nil)
        #expect(Expectation.Bound.parse(.number("1e999")) == nil)
        let dir = TempDir()
        let fixture = try copyFixture("incident-real", into: dir)
        try #"{"findings": [{"rule": "slow-greeting", "values": {"seconds": "5..3"}}]}"#.write(toFile: fixture + "/expected.json", atomically: true, encoding: .utf8)
        let result = try runLoganalyze(["check", fixture])
        #expect(result.status == 2)
        #expect(result.stdout.contains("BROKEN \(fixture): \(fixture)/expected.json: findings[0].values.seconds: the range 5..3 is reversed (write the smaller bound first)\n"))
        try #"{"findings": [{"rule": "slow-greeting", "values": {"seconds": "1e999..1e9999"}}]}"#.write(toFile: fixture + "/expected.json", atomically: true, encoding: .utf8)
        #expect(try runLoganalyze(["check", fixture]).stdout.contains("BROKEN \(fixture): \(fixture)/expected.json: findings[0].values.seconds must be a number, \"lo..hi\" or a string"))
    }

    /// A misspelt key would make its part of the file say nothing (`"valeus"`: no bound is
    /// checked and the fixture passes): the fixture is broken, with the key named.
    @Test(arguments: [
        (#"{"findings": [{"rule": "slow-greeting", "valeus": {"seconds": "1..2"}}]}"#,
         "findings[0]: unknown key 'valeus' (rule, session, severity, values)"),
        (#"{"optoins": {"tokenTtl": "2h"}, "findings": []}"#, "unknown key 'optoins' (options, findings)"),
        (#"{"options": {"tokenTTL": "2h"}, "findings": []}"#,
         "options: unknown key 'tokenTTL' (tokenTtl, greetingStartMarkers, greetingEndMarkers, greetingWarningSeconds, greetingErrorSeconds, timeZone, timeZones, date, appConfig)"),
    ])
    func misspeltOrMistypedKeysBreakTheFixture(json: String, reason: String) throws {
        let dir = TempDir()
        _ = dir.write("f/expected.json", json)
        do {
            _ = try FixtureExpectations.load(dir: dir.url.path + "/f")
            Issue.record("loaded: \(json)")
        } catch {
            #expect(error.message == "\(dir.url.path)/f/expected.json: \(reason)")
        }
    }

    /// `options` of the wrong kind break the fixture, as `.loganalyze.json` refuses them (with a
    /// warning there), instead of running it with the defaults or a number read as a duration.
    @Test(arguments: [
        (#"{"options": {"greetingWarningSeconds": "x"}, "findings": []}"#, "greetingWarningSeconds must be a number of seconds above 0, at most 86400"),
        (#"{"options": {"greetingErrorSeconds": 0}, "findings": []}"#, "greetingErrorSeconds must be a number of seconds above 0, at most 86400"),
        (#"{"options": {"greetingStartMarkers": "Generating initial greeting"}, "findings": []}"#, "greetingStartMarkers must be an array of 1 to 5 non-empty strings"),
        (#"{"options": {"greetingEndMarkers": [5]}, "findings": []}"#, "greetingEndMarkers must be an array of 1 to 5 non-empty strings"),
        (#"{"options": {"greetingStartMarkers": [""]}, "findings": []}"#, "greetingStartMarkers must be an array of 1 to 5 non-empty strings"),
        (#"{"options": {"greetingEndMarkers": ["a", "b", "c", "d", "e", "f"]}, "findings": []}"#, "greetingEndMarkers must be an array of 1 to 5 non-empty strings"),
        (#"{"options": {"tokenTtl": 5}, "findings": []}"#, "tokenTtl must be a duration such as \"2h\""),
    ])
    func optionsOfTheWrongKindBreakTheFixture(json: String, reason: String) throws {
        let dir = TempDir()
        let fixture = try copyFixture("clean-interleaved", into: dir)
        try json.write(toFile: fixture + "/expected.json", atomically: true, encoding: .utf8)
        #expect(FixtureCheck.run(dir: fixture).brokenReason == "\(fixture)/expected.json: \(reason)")
    }

    @Test func aMisspeltExpectationKeyExitsTwo() throws {
        let dir = TempDir()
        let fixture = try copyFixture("incident-real", into: dir)
        try #"{"findings": [{"rule": "slow-greeting", "valeus": {"seconds": "1..2"}}, {"rule": "auth-expiry-cascade"}, {"rule": "early-token-death"}]}"#
            .write(toFile: fixture + "/expected.json", atomically: true, encoding: .utf8)
        let result = try runLoganalyze(["check", fixture])
        #expect(result.status == 2)
        #expect(result.stdout.contains("BROKEN \(fixture): \(fixture)/expected.json: findings[0]: unknown key 'valeus' (rule, session, severity, values)"))
    }

    /// A log of the fixture that cannot be read (here a gzip whose first block has the invalid
    /// type 3) breaks it, and its diagnostic is on stderr: the fixture had passed on its other
    /// logs, silently. A log with bad lines is checked, its diagnostics on stderr too (they were
    /// printed nowhere).
    @Test func aFixtureLogThatCannotBeReadBreaksTheFixtureAndIsReported() throws {
        let dir = TempDir()
        let fixture = try copyFixture("incident-real", into: dir)
        dir.write("incident-real/old.log.gz", Data([0x1F, 0x8B, 0x08, 0, 0, 0, 0, 0, 0, 3, 0x07, 0, 0, 0]))
        let result = try runLoganalyze(["check", fixture])
        #expect(result.status == 2)
        #expect(result.stdout.contains("BROKEN \(fixture): \(fixture)/old.log.gz: cannot read: corrupt gzip data: invalid block type\n"))
        #expect(result.stderr == "\(fixture)/old.log.gz: error: cannot read: corrupt gzip data: invalid block type\n")

        try FileManager.default.removeItem(atPath: fixture + "/old.log.gz")
        dir.write("incident-real/binary.log", Data([0x41, 0, 0, 0x0A]))
        let bad = try runLoganalyze(["check", fixture])
        #expect(bad.status == 0)
        #expect(bad.stderr == "\(fixture)/binary.log:1: warning: line holds 2 NUL bytes in the text: shown as U+FFFD\n")
    }

    /// `--update`'s line names the file with its control characters escaped, as every other line
    /// on stderr does (a directory named `fx ESC [2J` cleared the terminal).
    @Test func updateNamesTheExpectationsFileEscaped() throws {
        let dir = TempDir()
        let fixture = try copyFixture("incident-real", into: dir)
        let named = dir.url.path + "/fx\u{1B}[2J"
        try FileManager.default.moveItem(atPath: fixture, toPath: named)
        let result = try runLoganalyze(["check", "--update", named])
        #expect(result.status == 0)
        #expect(result.stderr == "\(dir.url.path)/fx\\x1b[2J/expected.json: updated with 3 findings\n")
    }
}

@Suite struct CIOutputTests {
    @Test func sarifIsValidAgainstTheOfficialSchema() throws {
        // The official schema ships in shared/ beside the checkout (or LOGANALYZE_SARIF_SCHEMA).
        var candidates: [String] = []
        var parent = PackagePaths.root
        for _ in 0..<3 {
            parent = parent.deletingLastPathComponent()
            candidates.append(parent.appendingPathComponent("shared/schemas/sarif-schema-2.1.0.json").path)
        }
        let environmentSchema = ProcessInfo.processInfo.environment["LOGANALYZE_SARIF_SCHEMA"]
        let schemaPath = environmentSchema ?? candidates.first { FileManager.default.fileExists(atPath: $0) } ?? candidates[0]
        try #require(FileManager.default.fileExists(atPath: schemaPath), "SARIF 2.1.0 schema not found at \(schemaPath) (set LOGANALYZE_SARIF_SCHEMA)")
        let dir = TempDir()
        let analyze = try runLoganalyze(["analyze", "--output", "sarif", "Fixtures/incident-real"])
        #expect(analyze.status == 1)
        let check = try runLoganalyze(["check", "--output", "sarif", "Fixtures/incident-real", "Fixtures/clean-interleaved"])
        #expect(check.status == 0)
        // With an input that cannot be read: tool execution notifications.
        let notified = try runLoganalyze(["analyze", "--output", "sarif", "Fixtures/incident-real", "Fixtures/no-such.log"])
        #expect(notified.status == 1)
        #expect(notified.stdout.contains("\"toolExecutionNotifications\""))
        for (name, text) in [("analyze.sarif", analyze.stdout), ("check.sarif", check.stdout), ("notified.sarif", notified.stdout)] {
            let path = dir.write(name, text)
            let validator = Process()
            validator.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            validator.arguments = ["python3", "-c", """
                import json, sys, jsonschema
                schema = json.load(open(sys.argv[1])); doc = json.load(open(sys.argv[2]))
                jsonschema.Draft4Validator(schema).validate(doc)
                print(len(doc["runs"][0]["results"]))
                """, schemaPath, path]
            let out = Pipe()
            validator.standardOutput = out
            validator.standardError = out
            try validator.run()
            validator.waitUntilExit()
            let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(validator.terminationStatus == 0, "\(name): \(output)")
            #expect(output == (name == "check.sarif" ? "4\n" : "3\n"), "\(name)")
        }
        let doc = try #require(parseJSON(analyze.stdout))
        let run = try #require({ if case .array(let runs)? = doc["runs"] { return runs.first } else { return nil } }())
        if case .array(let rules)? = run["tool"]?["driver"]?["rules"] {
            #expect(rules.compactMap { $0["id"]?.stringValue } == DetectorRegistry.all.map(\.descriptor.id))
        } else {
            Issue.record("no rules")
        }
        if case .array(let results)? = run["results"] {
            #expect(results.compactMap { $0["ruleId"]?.stringValue } == ["slow-greeting", "auth-expiry-cascade", "early-token-death"])
            let uri = results[2]["locations"].flatMap { if case .array(let l) = $0 { l.first } else { nil } }?["physicalLocation"]?["artifactLocation"]?["uri"]?.stringValue
            #expect(uri == "Fixtures/incident-real/server.log")
        }
        #expect(!analyze.stdout.contains("eyJ"))
    }

    @Test func junitParsesBackWithTheRightCounts() throws {
        let dir = TempDir()
        let fixture = try copyFixture("clean-interleaved", into: dir)
        try "{\"findings\": []}".write(toFile: fixture + "/expected.json", atomically: true, encoding: .utf8)
        let result = try runLoganalyze(["check", "--output", "junit", "Fixtures/incident-real", fixture])
        #expect(result.status == 1)
        let xml = try XMLDocument(data: Data(result.stdout.utf8))
        let root = try #require(xml.rootElement())
        #expect(root.name == "testsuites")
        #expect(root.attribute(forName: "tests")?.stringValue == "6")
        #expect(root.attribute(forName: "failures")?.stringValue == "1")
        let suites = root.elements(forName: "testsuite")
        #expect(suites.map { $0.attribute(forName: "tests")?.stringValue } == ["4", "2"])
        let failures = try xml.nodes(forXPath: "//failure")
        #expect(failures.count == 1)
        #expect((failures.first as? XMLElement)?.attribute(forName: "message")?.stringValue == "unexpected slow-greeting")

        let analyze = try runLoganalyze(["analyze", "--output", "junit", "Fixtures/incident-real"])
        let doc = try XMLDocument(data: Data(analyze.stdout.utf8))
        #expect(doc.rootElement()?.elements(forName: "testsuite").count == 4)
        #expect(doc.rootElement()?.attribute(forName: "failures")?.stringValue == "4")
    }

    @Test func githubCommandsEscapePercentNewlinesColonsAndCommas() {
        #expect(GitHubRenderer.data("100% done\nnext\r") == "100%25 done%0Anext%0D")
        #expect(GitHubRenderer.property("a:b,c%\n") == "a%3Ab%2Cc%25%0A")
        #expect(GitHubRenderer.data("bell\u{07}") == "bell\\x07")
    }

    /// A CR or LF in a name from the logs (here an expectation's room) is shown escaped, as the
    /// text report shows it: the runner would turn `%0D`/`%0A` into a line break of the annotation.
    @Test func githubMessagesShowCarriageReturnsAndNewlinesOfNamesEscaped() throws {
        let dir = TempDir()
        dir.write("hostile/agent.log", #"{"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "AJ_H1b2C3d4E5f6", "room": "support-h1", "room_id": "RM_H1b2C3d4E5f6", "timestamp": "2026-03-02T09:15:20.402118+00:00"}"# + "\n")
        dir.write("hostile/expected.json", #"{"findings": [{"rule": "job-failure", "session": "support-h1\r\n::error::50%"}]}"#)
        let result = try runLoganalyze(["check", "--output", "github", "hostile"], cwd: dir.url)
        #expect(result.status == 1)
        #expect(result.stdout == "::error file=hostile/expected.json,line=1,title=missing job-failure::missing job-failure in support-h1\\x0d\\x0a::error::50%25\n")
        let text = try runLoganalyze(["check", "hostile"], cwd: dir.url)
        #expect(text.stdout.contains("  missing job-failure in support-h1\\x0d\\x0a::error::50%\n"))
    }

    /// A missing finding is placed on its expectation's line of expected.json (SARIF region,
    /// GitHub `line=`), not on line 1; a bracket or `\n` inside a string does not move it.
    @Test func aMissingFindingPointsAtItsExpectationsLine() throws {
        let dir = TempDir()
        _ = try copyFixture("clean-interleaved", into: dir)
        dir.write("clean-interleaved/expected.json", """
            {
              "options": {"greetingStartMarkers": ["Generating initial greeting", "[{\\n"]},
              "findings": [
                {"rule": "slow-greeting", "session": "support-b2", "severity": "warning"},
                {
                  "rule": "job-failure",
                  "session": "support-a1"
                }
              ]
            }
            """)
        let github = try runLoganalyze(["check", "--output", "github", "clean-interleaved"], cwd: dir.url)
        #expect(github.status == 1)
        #expect(github.stdout == "::error file=clean-interleaved/expected.json,line=5,title=missing job-failure::missing job-failure in support-a1\n")
        let sarif = try runLoganalyze(["check", "--output", "sarif", "clean-interleaved"], cwd: dir.url)
        guard case .array(let runs)? = parseJSON(sarif.stdout)?["runs"], case .array(let results)? = runs.first?["results"] else {
            Issue.record("no SARIF results")
            return
        }
        let missing = results.filter { $0["ruleId"]?.stringValue == "missing-finding" }
        #expect(missing.count == 1)
        guard case .array(let locations)? = missing.first?["locations"] else { return }
        #expect(locations.first?["physicalLocation"]?["region"]?["startLine"] == .number("5"))
        #expect(FixtureExpectations.findingLines(Array(#"{"findings": [{"a": "]}"}, {"b": 1}], "x": [{}]}"#.utf8)) == [1, 1])
    }

    /// An unexpected warning fails the check: its annotation is an error (its severity in the
    /// title), or the job would be red with only a yellow warning to show why.
    @Test func githubAnnotatesAnUnexpectedWarningAsAnError() throws {
        let dir = TempDir()
        _ = try copyFixture("clean-interleaved", into: dir)
        dir.write("clean-interleaved/expected.json", #"{"findings": []}"#)
        let result = try runLoganalyze(["check", "--output", "github", "clean-interleaved"], cwd: dir.url)
        #expect(result.status == 1)
        #expect(result.stdout.hasPrefix("::error file=clean-interleaved/agent.log,line=30,title=unexpected slow-greeting [warning]::greeting took 3.18 s"))
        let analyzed = try runLoganalyze(["analyze", "--output", "github", "clean-interleaved"], cwd: dir.url)
        #expect(analyzed.stdout.hasPrefix("::warning file=clean-interleaved/agent.log,line=30,title=slow-greeting::greeting took 3.18 s"))
    }

    @Test func githubOutputAnnotatesThePrimaryEvidenceLine() throws {
        let result = try runLoganalyze(["analyze", "--output", "github", "Fixtures/incident-timeonly"])
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("::error file=Fixtures/incident-timeonly/worker.log,line=2,title=slow-greeting::greeting took 5.37 s"))
        #expect(lines[1].hasPrefix("::error file=Fixtures/incident-timeonly/worker.log,line=8,title=auth-expiry-cascade::6 authentication failures"))
        #expect(lines[2].hasPrefix("::error file=Fixtures/incident-timeonly/worker.log,line=8,title=early-token-death::token dead after 17 min 30 s"))
    }

    /// GitHub matches `file=` to the repository's files as written: relative to the working
    /// directory, without `./`, `//` or `..` (as SARIF's URIs), however the logs were named.
    @Test func githubFilesAreRelativeToTheWorkingDirectory() throws {
        let dir = TempDir()
        _ = try copyFixture("incident-timeonly", into: dir)
        let cwd = dir.url.resolvingSymlinksInPath()
        for spelling in ["./incident-timeonly", "incident-timeonly//", "incident-timeonly/../incident-timeonly", cwd.path + "/incident-timeonly"] {
            let result = try runLoganalyze(["analyze", "--output", "github", spelling], cwd: cwd)
            let files = result.stdout.split(separator: "\n").map { $0.split(separator: ",").first ?? "" }
            #expect(files == ["::error file=incident-timeonly/worker.log", "::error file=incident-timeonly/worker.log", "::error file=incident-timeonly/worker.log"], "\(spelling)")
        }
        let renderer = GitHubRenderer(workingDirectory: "/work/repo/")
        #expect(renderer.file("./logs/a.log") == "logs/a.log")
        #expect(renderer.file("/work/repo/logs/./a.log") == "logs/a.log")
        #expect(renderer.file("../other/a.log") == "/work/other/a.log")
        #expect(renderer.file("/var/log/a.log") == "/var/log/a.log")
        var broken = FixtureResult(path: "./fixtures/a/")
        broken.brokenReason = "bad"
        #expect(renderer.render([broken]) == "::error file=fixtures/a/expected.json,title=broken fixture::bad\n")
    }
}

/// The clean-interleaved fixture copied into `dir` with a 6.25 s greeting of support-c3 appended
/// to its worker log (line 73 on): a slow greeting its expected.json does not list.
private func fixtureWithASecondSlowGreeting(in dir: TempDir) throws -> String {
    let fixture = try copyFixture("clean-interleaved", into: dir)
    let extra = """
        {"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "AJ_C3d4E5f6G7h8", "room": "support-c3", "room_id": "RM_C3d4E5f6G7h8", "timestamp": "2026-03-02T09:30:00.000000+00:00"}
        {"message": "Generating initial greeting", "level": "INFO", "name": "agent", "pid": 5103, "job_id": "AJ_C3d4E5f6G7h8", "room": "support-c3", "timestamp": "2026-03-02T09:30:01.000000+00:00"}
        {"message": "Voice agent running for room support-c3", "level": "INFO", "name": "agent", "pid": 5103, "job_id": "AJ_C3d4E5f6G7h8", "room": "support-c3", "timestamp": "2026-03-02T09:30:07.250000+00:00"}

        """
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: fixture + "/agent.log"))
    try handle.seekToEnd()
    try handle.write(contentsOf: Data(extra.utf8))
    try handle.close()
    return fixture
}

/// `check --update` does not write an expectations file that `check` would refuse to read (over
/// 16 MiB: 100,000 slow greetings wrote 17,588,930 bytes, then `check` called the fixture
/// broken): the fixture is broken at once and its old file stays.
@Suite struct UpdateSizeTests {
    @Test func anExpectationsFileOverTheReadLimitIsNotWritten() {
        let limit = SmallFile.limit
        #expect(FixtureExpectations.unwritableReason(String(repeating: " ", count: limit), findings: 95_000) == nil)
        #expect(FixtureExpectations.unwritableReason(String(repeating: " ", count: limit + 1), findings: 100_000)
            == "not written: its 100,000 findings take 16,777,217 bytes, over the 16 MiB an expectations file may hold")
    }
}
