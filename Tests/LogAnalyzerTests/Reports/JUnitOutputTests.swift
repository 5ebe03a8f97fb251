import Foundation
import Testing

@testable import LogAnalyzer

#if canImport(FoundationXML)
import FoundationXML
#endif

/// `--output junit` of `check`: a failure on the test case of the session that has the finding.
@Suite struct JUnitOutputTests {
    @Test func anUnexpectedFindingFailsOnlyItsOwnSessionWhenARoomNameIsReused() throws {
        // Two sessions of one room name without an RM_ sid (so one session key): the first greets
        // in 7 s (a slow-greeting error), the second in 2 s (no finding).
        var lines: [String] = []
        for (i, (hour, end)) in [("09", "08"), ("12", "03")].enumerated() {
            let job = "AJ_reused00000\(i)"
            lines.append(#"{"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "\#(job)", "room": "voice_assistant_room", "timestamp": "2026-03-02T\#(hour):00:00+00:00"}"#)
            lines.append(#"{"message": "Generating initial greeting", "level": "INFO", "name": "agent", "pid": \#(5 + i), "job_id": "\#(job)", "room": "voice_assistant_room", "timestamp": "2026-03-02T\#(hour):00:01+00:00"}"#)
            lines.append(#"{"message": "Voice agent running for room voice_assistant_room", "level": "INFO", "name": "agent", "pid": \#(5 + i), "job_id": "\#(job)", "room": "voice_assistant_room", "timestamp": "2026-03-02T\#(hour):00:\#(end)+00:00"}"#)
        }
        let dir = TempDir()
        dir.write("reused/agent.log", lines.joined(separator: "\n") + "\n")
        dir.write("reused/expected.json", #"{"findings": []}"#)
        let result = try runLoganalyze(["check", "--output", "junit", "reused"], cwd: dir.url)
        #expect(result.status == 1)
        let xml = try XMLDocument(data: Data(result.stdout.utf8))
        let root = try #require(xml.rootElement())
        #expect(root.attribute(forName: "tests")?.stringValue == "2")
        #expect(root.attribute(forName: "failures")?.stringValue == "1")
        let cases = try xml.nodes(forXPath: "//testcase").compactMap { $0 as? XMLElement }
        #expect(cases.map { $0.elements(forName: "failure").count } == [1, 0])
        // One name a case: consumers merge cases of one name and class.
        let names = [
            "session voice_assistant_room started 2026-03-02T09:00:00.000Z", "session voice_assistant_room started 2026-03-02T12:00:00.000Z",
        ]
        #expect(cases.map { $0.attribute(forName: "name")?.stringValue } == names)
        let text = try runLoganalyze(["check", "reused"], cwd: dir.url)
        #expect(text.stdout.components(separatedBy: "unexpected slow-greeting").count - 1 == 1)
        let analyzed = try runLoganalyze(["analyze", "--output", "junit", "reused"], cwd: dir.url)
        let analyzedCases = try XMLDocument(data: Data(analyzed.stdout.utf8)).nodes(forXPath: "//testcase").compactMap { $0 as? XMLElement }
        #expect(analyzedCases.map { $0.attribute(forName: "name")?.stringValue } == names)
    }

    /// Two identical expectations and one finding: one expectation is met, one is missing.
    @Test func identicalExpectationsAreTwoCasesAndOnlyTheUnmetOneFails() throws {
        let dir = TempDir()
        _ = try copyFixture("clean-interleaved", into: dir)
        let expectation = #"{"rule": "slow-greeting", "session": "support-b2", "severity": "warning"}"#
        dir.write("clean-interleaved/expected.json", #"{"findings": [\#(expectation), \#(expectation)]}"#)
        let result = try runLoganalyze(["check", "--output", "junit", "clean-interleaved"], cwd: dir.url)
        #expect(result.status == 1)
        let xml = try XMLDocument(data: Data(result.stdout.utf8))
        let root = try #require(xml.rootElement())
        #expect(root.attribute(forName: "tests")?.stringValue == "4")
        #expect(root.attribute(forName: "failures")?.stringValue == "1")
        let cases = try xml.nodes(forXPath: "//testcase").compactMap { $0 as? XMLElement }
        #expect(cases.map { $0.attribute(forName: "name")?.stringValue } == [
            "expected slow-greeting in support-b2 [warning] #1", "expected slow-greeting in support-b2 [warning] #2",
            "session support-a1 (RM_A1b2C3d4E5f6)", "session support-b2 (RM_B2c3D4e5F6g7)",
        ])
        #expect(cases.map { $0.elements(forName: "failure").count } == [0, 1, 0, 0])
    }

    /// A room name with a newline (from an agent's JSON line) is one line in the case's name, as
    /// the text report shows it (`\x0a`), not a line break in a test name; the expectation that
    /// names it too.
    @Test func aNewlineInARoomNameIsEscapedInTheCaseName() throws {
        let room = #"support\nb2"#
        let lines = [
            #"{"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "AJ_N1b2C3d4E5f6", "room": "\#(room)", "room_id": "RM_N1b2C3d4E5f6", "timestamp": "2026-03-02T09:15:20.402118+00:00"}"#,
            #"{"message": "Generating initial greeting", "level": "INFO", "name": "agent", "pid": 5101, "job_id": "AJ_N1b2C3d4E5f6", "room": "\#(room)", "timestamp": "2026-03-02T09:15:20.500000+00:00"}"#,
            #"{"message": "Voice agent running", "level": "INFO", "name": "agent", "pid": 5101, "job_id": "AJ_N1b2C3d4E5f6", "room": "\#(room)", "timestamp": "2026-03-02T09:15:23.700000+00:00"}"#,
        ]
        let dir = TempDir()
        dir.write("newline/agent.log", lines.joined(separator: "\n") + "\n")
        dir.write("newline/expected.json", #"{"findings": [{"rule": "job-failure", "session": "\#(room)"}]}"#)
        let result = try runLoganalyze(["check", "--output", "junit", "newline"], cwd: dir.url)
        #expect(result.status == 1)
        let xml = try XMLDocument(data: Data(result.stdout.utf8))
        let cases = try xml.nodes(forXPath: "//testcase").compactMap { $0 as? XMLElement }
        #expect(cases.map { $0.attribute(forName: "name")?.stringValue } == [
            #"expected job-failure in support\x0ab2"#, #"session support\x0ab2 (RM_N1b2C3d4E5f6)"#,
        ])
        let failures = try xml.nodes(forXPath: "//failure").map { $0.stringValue }
        #expect(failures.first == #"missing job-failure in support\x0ab2"#)
        let analyzed = try runLoganalyze(["analyze", "--output", "junit", "newline"], cwd: dir.url)
        let analyzedCases = try XMLDocument(data: Data(analyzed.stdout.utf8)).nodes(forXPath: "//testcase").compactMap { $0 as? XMLElement }
        #expect(analyzedCases.map { $0.attribute(forName: "name")?.stringValue } == [#"session support\x0ab2 (RM_N1b2C3d4E5f6)"#])
    }
}

/// JUnit's escaping: printable ASCII byte by byte (most texts), anything else scalar by scalar;
/// both give XML 1.0 text with the terminal's escapes for control characters.
@Suite struct JUnitEscapeTests {
    @Test func everyASCIICharacterIsEscapedAsXMLAndTheTerminalNeed() {
        let xml: [UInt32: String] = [0x26: "&amp;", 0x3C: "&lt;", 0x3E: "&gt;", 0x22: "&quot;", 0x27: "&apos;", 0x0A: "&#10;", 0x09: "&#9;"]
        for v in UInt32(0)..<128 {
            let u = Unicode.Scalar(v)!
            let expected = xml[v] ?? (v < 0x20 || v == 0x7F ? TerminalText.escaped(u) : String(Character(u)))
            #expect(JUnitRenderer.escape("a" + String(Character(u)) + "b") == "a" + expected + "b", "U+\(String(v, radix: 16))")
        }
        #expect(JUnitRenderer.escape("") == "")
        #expect(JUnitRenderer.escape("agent's <room> & \"x\"\tcut") == "agent&apos;s &lt;room&gt; &amp; &quot;x&quot;&#9;cut")
        #expect(JUnitRenderer.escape("café's\u{1B}[31m") == "café&apos;s" + TerminalText.escaped("\u{1B}") + "[31m")
    }
}
