import Foundation
import Testing

@testable import LogAnalyzer

/// Findings kept out of memory: encoded into a spool, decoded when a renderer reads them.
@Suite struct SpooledFindingsTests {
    /// A finding with every part set or left out by `i`: each kind of value (nested objects too),
    /// evidence with and without a time, ids present or not, text beyond ASCII.
    func finding(_ i: Int) -> Finding {
        var f = Finding(rule: ["slow-greeting", "auth-expiry-cascade", "early-token-death"][i % 3],
                        severity: Severity.allCases[i % 3], sessionKey: "room-\(i)/RM_\(i)", sessionOrder: 10_000 - i / 2)
        f.room = i % 4 == 0 ? nil : "room-ü-\(i)"
        f.roomSid = i % 5 == 0 ? nil : "RM_\(i)"
        f.jobId = i % 2 == 0 ? "AJ_\(i)" : nil
        f.at = i % 7 == 0 ? nil : Timestamp(micros: Int64(i) * 1_000_003 - 5_000_000, hasDate: i % 3 != 0)
        f.message = "greeting took \(i).5 s"
        f.explanation = (0..<(i % 4)).map { "sentence \($0) of finding \(i): " + String(repeating: "x", count: 40 + i % 50) }
        f.values = [
            ("seconds", .number(Double(i) / 8)), ("count", .integer(-i)), ("text", .text("t\(i)\n")),
            ("time", .time(Timestamp(micros: Int64(i), hasDate: i % 2 == 0))), ("list", .list(i % 2 == 0 ? [] : ["a", "b\(i)"])),
            ("object", .object([("inner", .object([("deep", .integer(i))])), ("empty", .list([]))])),
        ].prefix(i % 7).map { $0 }
        f.evidence = (0..<(i % 3)).map { k in
            Evidence(location: SourceLocation(input: k, line: i * 10 + k), time: k == 0 ? nil : Timestamp(micros: Int64(i * 100 + k), hasDate: true),
                     side: Side.allCases[(i + k) % Side.allCases.count], text: "line \(k) of \(i) «quoted»", role: "role \(k)")
        }
        f.primaryEvidence = i % 3 == 2 ? 1 : 0
        return f
    }

    func same(_ a: Finding, _ b: Finding) -> Bool {
        a.rule == b.rule && a.severity == b.severity && a.sessionKey == b.sessionKey && a.sessionOrder == b.sessionOrder
            && a.room == b.room && a.roomSid == b.roomSid && a.jobId == b.jobId && a.at == b.at && a.message == b.message
            && a.explanation == b.explanation && a.values.count == b.values.count
            && zip(a.values, b.values).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 } && a.evidence == b.evidence
            && a.primaryEvidence == b.primaryEvidence
    }

    @Test func spooledFindingsReadBackWholeInReportOrder() throws {
        let dir = TempDir()
        var list = FindingList(spoolDirectory: dir.url.path)
        let findings = (0..<6_000).map(finding)
        for f in findings { list.append(f) }
        // 6,000 findings pass the 1 MiB flush size: most are read back from the (unlinked) file.
        #expect(list.spooledBytes >= 1 << 20)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path) == [])
        list.sortBySession()
        // Two findings a session, later ones with lower orders: report order reverses the pairs
        // and keeps each pair's own order.
        let expected = stride(from: 5_998, through: 0, by: -2).flatMap { [findings[$0], findings[$0 + 1]] }
        #expect(list.count == 6_000)
        let allReadBack = zip(list, expected).allSatisfy(same)
        #expect(allReadBack)
        #expect(same(list[4_321], expected[4_321]))
        #expect(list.count(.info) == 2_000 && list.count(.warning) == 2_000 && list.count(.error) == 2_000)
        #expect(list.contains(atLeast: .error))
        #expect(list.flaggedSessionCount == 3_000)
        #expect(list.positions(ofSession: 10_000 - 1_234 / 2) == 4_764..<4_766)
        #expect(list.of(session: 10_000 - 1_234 / 2).map(\.message) == ["greeting took 1234.5 s", "greeting took 1235.5 s"])
        #expect(list.positions(ofSession: 42).isEmpty)
    }

    @Test func anUnusableSpoolDirectoryKeepsFindingsInMemory() {
        var list = FindingList(spoolDirectory: "/nonexistent/loganalyze-test")
        for i in 0..<3_000 { list.append(finding(i)) }
        list.sortBySession()
        #expect(list.spooledBytes == 0)
        #expect(list.count == 3_000)
        #expect(same(list[0], finding(2_998)) && same(list[2_999], finding(1)))
    }

    @Test func severityCountsDecideWithoutDecoding() {
        var list = FindingList([finding(0), finding(3)])
        #expect(list.count(.info) == 2 && list.count(.error) == 0)
        #expect(list.contains(atLeast: .info) && !list.contains(atLeast: .warning))
        list.append(finding(1))
        #expect(list.contains(atLeast: .warning) && !list.contains(atLeast: .error))
    }

    /// The motivating incident, as a CI corpus: the time-only worker log 1,500 times over. Every
    /// copy is a session with a slow greeting and an expiry cascade; every output lists all 3,000
    /// findings while they are spooled.
    @Test func aCorpusOfIncidentsIsReportedWholeFromTheSpool() throws {
        let incident = try String(contentsOf: PackagePaths.root.appendingPathComponent("Fixtures/incident-timeonly/worker.log"), encoding: .utf8)
        let report = analyze(log: String(repeating: incident, count: 1_500))
        #expect(report.sessionCount == 1_500)
        #expect(report.findings.count == 3_000)
        #expect(report.findings.spooledBytes > 0)
        #expect(report.count(.error) == 3_000)
        #expect(Dictionary(grouping: report.findings, by: \.rule).mapValues(\.count) == ["slow-greeting": 1_500, "auth-expiry-cascade": 1_500])

        let text = TextReportRenderer().render(report)
        #expect(text.split(separator: "\n").filter { $0.hasPrefix("  error slow-greeting: ") }.count == 1_500)
        #expect(text.split(separator: "\n").filter { $0.hasPrefix("  error auth-expiry-cascade: ") }.count == 1_500)
        #expect(text.hasSuffix("1 input, 21,000 records, 1,500 sessions (1,500 flagged): 3,000 errors\n"))

        let sarif = try #require(try JSONSerialization.jsonObject(with: Data(SARIFRenderer().render(report).utf8)) as? [String: Any])
        let results = try #require(((sarif["runs"] as? [[String: Any]])?.first?["results"]) as? [[String: Any]])
        #expect(results.count == 3_000)
        #expect(results.filter { $0["ruleId"] as? String == "slow-greeting" }.count == 1_500)

        let junit = JUnitRenderer().render(report)
        #expect(junit.contains("<testsuites name=\"loganalyze\" tests=\"1500\" failures=\"1500\" errors=\"0\">"))
        #expect(junit.components(separatedBy: "<failure ").count - 1 == 1_500)

        let github = GitHubRenderer().render(report)
        #expect(github.split(separator: "\n").filter { $0.hasPrefix("::error ") }.count == 3_000)

        let markdown = MarkdownReportRenderer().render(report)
        #expect(markdown.components(separatedBy: "\n### error: `").count - 1 == 3_000)
    }
}
