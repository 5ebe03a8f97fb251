import Foundation
import Testing

@testable import LogAnalyzer

#if canImport(FoundationXML)
import FoundationXML
#endif

/// The input's problems reach the machine-readable outputs, not only stderr: a CI gate that reads
/// SARIF, JUnit or JSON must not pass green without a log it was given.
@Suite struct InputDiagnosticsOutputTests {
    /// A readable agent log, a log with five lines of invalid UTF-8 (three kept, two counted) and a
    /// path that does not exist, in a temporary directory; the command runs there. (The missing
    /// path is reported first: when the inputs are listed, before any is read.)
    private func run(_ output: String) throws -> (CommandResult, TempDir) {
        let dir = TempDir()
        dir.write("agent.log", #"{"message": "registered worker", "level": "INFO", "name": "livekit.agents", "id": "AW_x1", "timestamp": "2026-03-02T10:00:00.000000+00:00"}"# + "\n")
        var bad = Data()
        for i in 1...5 { bad += Data("line \(i) caf".utf8) + Data([0xE9]) + Data("\n".utf8) }
        dir.write("latin1.log", bad)
        let result = try runLoganalyze(["analyze", "--output", output, "agent.log", "latin1.log", "missing.log"], cwd: dir.url)
        return (result, dir)
    }

    private func array(_ value: JSONValue?) -> [JSONValue] {
        if case .array(let items)? = value { return items }
        return []
    }

    @Test func jsonListsTheDiagnosticsAsStderrDoes() throws {
        let (result, _) = try run("json")
        #expect(result.status == 0)
        let doc = try #require(parseJSON(result.stdout))
        let diagnostics = array(doc["diagnostics"])
        try #require(diagnostics.count == 5)
        #expect(diagnostics.map { $0["severity"]?.stringValue ?? "-" } == ["error", "warning", "warning", "warning", "note"])
        #expect(diagnostics.map { $0["kind"]?.stringValue ?? "-" } == ["unreadable", "invalid-utf8", "invalid-utf8", "invalid-utf8", "invalid-utf8"])
        #expect(diagnostics.map { $0["path"]?.stringValue ?? "-" } == ["missing.log", "latin1.log", "latin1.log", "latin1.log", "latin1.log"])
        #expect(diagnostics.map { $0["line"]?.stringValue ?? "null" } == ["null", "1", "2", "3", "null"])
        #expect(diagnostics[0]["message"]?.stringValue == "cannot read: No such file or directory")
        #expect(diagnostics[4]["message"]?.stringValue == "... and 2 more invalid-utf8 diagnostics")
        #expect(diagnostics[4]["more"]?.stringValue == "2")
        // stderr says the same, one line each.
        #expect(result.stderr.split(separator: "\n").count == 5)
        #expect(result.stderr.contains("missing.log: error: cannot read: No such file or directory"))
        // The two readable inputs are the report's inputs.
        #expect(array(doc["inputs"]).map { $0["path"]?.stringValue ?? "-" } == ["agent.log", "latin1.log"])
    }

    @Test func jsonHasAnEmptyListWhenNothingWentWrong() throws {
        let result = try runLoganalyze(["analyze", "--output", "json", "Fixtures/clean-interleaved"])
        #expect(result.status == 0)
        let doc = try #require(parseJSON(result.stdout))
        #expect(doc["diagnostics"] == .array([]))
    }

    @Test func sarifCarriesThemAsToolExecutionNotifications() throws {
        let (result, _) = try run("sarif")
        #expect(result.status == 0)
        let doc = try #require(parseJSON(result.stdout))
        let run = try #require(array(doc["runs"]).first)
        let invocation = try #require(array(run["invocations"]).first)
        #expect(invocation["executionSuccessful"] == .bool(true))
        let notifications = array(invocation["toolExecutionNotifications"])
        try #require(notifications.count == 5)
        #expect(notifications.map { $0["level"]?.stringValue ?? "-" } == ["error", "warning", "warning", "warning", "note"])
        #expect(notifications.map { $0["descriptor"]?["id"]?.stringValue ?? "-" } == ["unreadable", "invalid-utf8", "invalid-utf8", "invalid-utf8", "invalid-utf8"])
        func physical(_ n: JSONValue) -> JSONValue? { array(n["locations"]).first?["physicalLocation"] }
        #expect(notifications.map { physical($0)?["artifactLocation"]?["uri"]?.stringValue ?? "-" } == ["missing.log", "latin1.log", "latin1.log", "latin1.log", "latin1.log"])
        #expect(notifications.map { physical($0)?["region"]?["startLine"]?.stringValue ?? "none" } == ["none", "1", "2", "3", "none"])
        #expect(notifications[0]["message"]?["text"]?.stringValue == "cannot read: No such file or directory")
        #expect(notifications[4]["message"]?["text"]?.stringValue == "... and 2 more invalid-utf8 diagnostics")
    }

    @Test func sarifHasNoInvocationsWhenNothingWentWrong() throws {
        let result = try runLoganalyze(["analyze", "--output", "sarif", "Fixtures/clean-interleaved"])
        let doc = try #require(parseJSON(result.stdout))
        #expect(array(doc["runs"]).first?["invocations"] == nil)
    }

    @Test func junitMakesAnUnreadableInputAnError() throws {
        let (result, _) = try run("junit")
        #expect(result.status == 0)
        let xml = try XMLDocument(data: Data(result.stdout.utf8))
        let root = try #require(xml.rootElement())
        #expect(root.attribute(forName: "tests")?.stringValue == "3")
        #expect(root.attribute(forName: "errors")?.stringValue == "1")
        #expect(root.attribute(forName: "failures")?.stringValue == "0")
        let suites = root.elements(forName: "testsuite")
        #expect(suites.map { $0.attribute(forName: "name")?.stringValue ?? "-" } == ["agent.log", "latin1.log", "missing.log"])
        let missing = try #require(suites.last)
        #expect(missing.attribute(forName: "errors")?.stringValue == "1")
        let error = try #require(missing.elements(forName: "testcase").first?.elements(forName: "error").first)
        #expect(error.attribute(forName: "message")?.stringValue == "cannot read: No such file or directory")
        #expect(error.attribute(forName: "type")?.stringValue == "unreadable")
        // Warnings (invalid UTF-8) are not errors: the file was read.
        #expect(suites[1].attribute(forName: "errors")?.stringValue == "0")
    }

    /// A file that exists but cannot be read (a gzip that ends inside its header) is an input
    /// that could not be read, as a missing path is: not among JSON's `inputs`, and in JUnit only
    /// its `read input` error (not also a passing suite of "no sessions").
    @Test func anOpenedInputThatCannotBeReadIsOnlyItsError() throws {
        let dir = TempDir()
        dir.write("agent.log", #"{"message": "registered worker", "level": "INFO", "name": "livekit.agents", "id": "AW_x1", "timestamp": "2026-03-02T10:00:00.000000+00:00"}"# + "\n")
        dir.write("cut.log.gz", Data([0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00]))
        let json = try runLoganalyze(["analyze", "--output", "json", "agent.log", "cut.log.gz"], cwd: dir.url)
        let doc = try #require(parseJSON(json.stdout))
        #expect(array(doc["inputs"]).map { $0["path"]?.stringValue ?? "-" } == ["agent.log"])
        #expect(array(doc["diagnostics"]).map { $0["message"]?.stringValue ?? "-" } == ["cannot read: truncated gzip stream: the archive ends before its end marker"])
        let junit = try runLoganalyze(["analyze", "--output", "junit", "agent.log", "cut.log.gz"], cwd: dir.url)
        let root = try #require(try XMLDocument(data: Data(junit.stdout.utf8)).rootElement())
        #expect(root.attribute(forName: "tests")?.stringValue == "2")
        #expect(root.attribute(forName: "errors")?.stringValue == "1")
        let suites = root.elements(forName: "testsuite")
        #expect(suites.map { $0.attribute(forName: "name")?.stringValue ?? "-" } == ["agent.log", "cut.log.gz"])
        #expect(suites.last?.elements(forName: "testcase").map { $0.attribute(forName: "name")?.stringValue ?? "-" } == ["read input"])
    }

    @Test func theSummaryLineCountsOneRecordInTheSingular() throws {
        let dir = TempDir()
        dir.write("agent.log", #"{"message": "registered worker", "level": "INFO", "name": "livekit.agents", "id": "AW_x1", "timestamp": "2026-03-02T10:00:00.000000+00:00"}"# + "\n")
        let result = try runLoganalyze(["analyze", "agent.log"], cwd: dir.url)
        #expect(result.stdout == "1 input, 1 record, 1 session (0 flagged): no findings\n")
    }

    @Test func githubAnnotatesAnUnreadableInputAsAnError() throws {
        let (result, _) = try run("github")
        #expect(result.status == 0)
        #expect(result.stdout == "::error title=loganalyze%3A unreadable input::missing.log: cannot read: No such file or directory\n")
    }

    /// The text summary counts the inputs read, and says how many more could not be.
    @Test func theTextSummaryCountsTheInputsThatCouldNotBeRead() throws {
        let (result, _) = try run("text")
        #expect(result.status == 0)
        #expect(result.stdout.hasSuffix("2 inputs (1 more could not be read), 6 records, 1 session (0 flagged): no findings\n"))
    }
}
