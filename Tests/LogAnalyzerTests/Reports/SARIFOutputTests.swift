import Foundation
import Testing

@testable import LogAnalyzer

/// What GitHub code scanning reads from `--output sarif` beyond the schema: one alert per
/// result (its `partialFingerprints`), file paths it can find, a line for every location.
@Suite struct SARIFOutputTests {
    /// The `loganalyze/v1` fingerprints of a SARIF document's results, in order.
    private func fingerprints(_ sarif: String) -> [String] {
        guard case .array(let runs)? = parseJSON(sarif)?["runs"], case .array(let results)? = runs.first?["results"] else { return [] }
        return results.compactMap { $0["partialFingerprints"]?["loganalyze/v1"]?.stringValue }
    }

    /// GitHub code scanning rejects a whole file whose run has more than 25,000 results: over the
    /// limit, the most severe findings are written (errors, then warnings, in report order) and a
    /// tool notification says how many were left out.
    @Test func overTheResultLimitTheMostSevereAreKeptAndTheRestCounted() throws {
        #expect(SARIFRenderer.codeScanningMaxResults == 25_000)
        // Sessions 0 ..< 12, one finding each: severities info, warning, error in turn.
        let sessions = (0..<12).map { i in
            Session(key: "room-\(i)", room: "room-\(i)", roomSid: nil, jobIds: [], participants: [], start: Timestamp(micros: 1_772_409_600_000_000 + Int64(i) * 60_000_000),
                    end: nil, sides: [.agent], inputs: [0], recordCount: 1, events: [], gaps: [:], inputGaps: [:], records: [], order: i)
        }
        let findings = sessions.map { s in
            Finding(rule: "slow-greeting", severity: Severity.allCases[s.order % 3], session: s, at: s.start, message: "finding \(s.order)")
        }
        let report = Report(inputs: [InputSummary(path: "agent.log", stats: InputStats())], sessions: sessions, findings: findings, configuration: AnalysisConfiguration())
        func results(_ sarif: String) -> [String] {
            guard case .array(let runs)? = parseJSON(sarif)?["runs"], case .array(let results)? = runs.first?["results"] else { return [] }
            return results.compactMap { $0["message"]?["text"]?.stringValue }
        }
        let capped = SARIFRenderer(workingDirectory: "/work", maxResults: 6).render(report)
        // The 4 errors (sessions 2, 5, 8, 11) and the first 2 warnings (1, 4), in report order.
        #expect(results(capped) == ["finding 1", "finding 2", "finding 4", "finding 5", "finding 8", "finding 11"])
        let doc = try #require(parseJSON(capped))
        guard case .array(let runs)? = doc["runs"], case .array(let invocations)? = runs.first?["invocations"],
            case .array(let notes)? = invocations.first?["toolExecutionNotifications"]
        else {
            Issue.record("no notifications")
            return
        }
        #expect(notes.count == 1)
        #expect(notes.first?["level"]?.stringValue == "warning")
        #expect(notes.first?["descriptor"]?["id"]?.stringValue == "results-left-out")
        #expect(notes.first?["message"]?["text"]?.stringValue
            == "6 of 12 findings left out: GitHub code scanning rejects a run of more than 25,000 results; kept the most severe (4 error, 2 warning). Every finding: --output json.")
        // Within the limit: every finding, no notification.
        let whole = SARIFRenderer(workingDirectory: "/work", maxResults: 12).render(report)
        #expect(results(whole) == (0..<12).map { "finding \($0)" })
        #expect(!whole.contains("invocations"))
    }

    @Test func twoCascadesInOneSessionAreTwoAlerts() {
        func line(_ time: String, _ level: String, _ message: String) -> String {
            #"{"message": "\#(message)", "level": "\#(level)", "name": "livekit", "pid": 5, "job_id": "AJ_twocascades1", "room": "two", "timestamp": "2026-03-02T09:\#(time)+00:00"}"#
        }
        var lines = [#"{"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "AJ_twocascades1", "room": "two", "room_id": "RM_twocascades1", "timestamp": "2026-03-02T09:00:00+00:00"}"#]
        for minute in ["05", "15"] {
            lines.append(line("\(minute):00", "WARNING", #"livekit::rtc_engine:429:livekit::rtc_engine - signal client closed: \"ping timeout\""#))
            lines.append(line("\(minute):01", "ERROR", "livekit::rtc_engine:453:livekit::rtc_engine - resuming connection failed: client error: 401 Unauthorized - invalid token: x, error: go-jose/go-jose/jwt: validation failed, token is expired (exp)"))
            lines.append(line("\(minute):05", "INFO", "livekit::rtc_engine:729:livekit::rtc_engine - RtcEngine successfully recovered"))
        }
        let report = analyze(log: lines.joined(separator: "\n"), name: "two.log")
        #expect(fingerprints(SARIFRenderer().render(report)) == [
            "auth-expiry-cascade:two/RM_twocascades1@2026-03-02T09:05:01.000Z",
            "auth-expiry-cascade:two/RM_twocascades1@2026-03-02T09:15:01.000Z",
        ])
    }

    @Test func aReusedRoomNameGivesEachSessionItsOwnAlert() {
        var lines: [String] = []
        for (i, hour) in ["09", "12"].enumerated() {
            let job = "AJ_reused00000\(i)"
            lines.append(#"{"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "\#(job)", "room": "voice_assistant_room", "timestamp": "2026-03-02T\#(hour):00:00+00:00"}"#)
            lines.append(#"{"message": "Generating initial greeting", "level": "INFO", "name": "agent", "pid": \#(5 + i), "job_id": "\#(job)", "room": "voice_assistant_room", "timestamp": "2026-03-02T\#(hour):00:01+00:00"}"#)
            lines.append(#"{"message": "Voice agent running for room voice_assistant_room", "level": "INFO", "name": "agent", "pid": \#(5 + i), "job_id": "\#(job)", "room": "voice_assistant_room", "timestamp": "2026-03-02T\#(hour):00:08+00:00"}"#)
        }
        let report = analyze(log: lines.joined(separator: "\n"), name: "reused.log")
        #expect(fingerprints(SARIFRenderer().render(report)) == [
            "slow-greeting:voice_assistant_room@2026-03-02T09:00:01.000Z",
            "slow-greeting:voice_assistant_room@2026-03-02T12:00:01.000Z",
        ])
    }

    /// A copy of `clean-interleaved` whose expected.json also expects a finding the logs do not
    /// produce, in a temporary directory (run there, so that paths stay relative).
    private func fixtureMissingAFinding(_ dir: TempDir) throws -> String {
        _ = try copyFixture("clean-interleaved", into: dir)
        let expected = dir.url.appendingPathComponent("clean-interleaved/expected.json")
        let text = try String(contentsOf: expected, encoding: .utf8)
        let findings = try #require(text.range(of: "\"findings\": ["))
        try text.replacingCharacters(in: findings, with: #""findings": [{"rule": "token-not-yet-valid", "session": "support-a1"}, "#)
            .write(to: expected, atomically: true, encoding: .utf8)
        return "clean-interleaved"
    }

    @Test func checkNamesExpectedJSONWithoutADoubledSlashForADirectoryGivenWithOne() throws {
        let dir = TempDir()
        let fixture = try fixtureMissingAFinding(dir)
        let sarif = try runLoganalyze(["check", "--output", "sarif", fixture + "/"], cwd: dir.url)
        #expect(sarif.status == 1)
        guard case .array(let runs)? = parseJSON(sarif.stdout)?["runs"], case .array(let results)? = runs.first?["results"] else {
            Issue.record("no results")
            return
        }
        let missing = results.filter { $0["ruleId"]?.stringValue == SARIFRenderer.missingRuleId }
        #expect(missing.count == 1)
        let location: JSONValue? = missing.first.flatMap { if case .array(let l)? = $0["locations"] { l.first } else { nil } }
        #expect(location?["physicalLocation"]?["artifactLocation"]?["uri"]?.stringValue == "clean-interleaved/expected.json")
        let github = try runLoganalyze(["check", "--output", "github", fixture + "/"], cwd: dir.url)
        #expect(github.stdout == "::error file=clean-interleaved/expected.json,line=3,title=missing token-not-yet-valid::missing token-not-yet-valid in support-a1\n")
    }

    @Test func checkResultsOnExpectedJSONHaveALineAndTheirOwnFingerprint() throws {
        let dir = TempDir()
        let fixture = try fixtureMissingAFinding(dir)
        dir.write("broken/expected.json", #"{"findings": [{"rule": 5}]}"#)
        dir.write("broken/agent.log", "")
        let sarif = try runLoganalyze(["check", "--output", "sarif", fixture, "broken"], cwd: dir.url)
        #expect(sarif.status == 2)
        guard case .array(let runs)? = parseJSON(sarif.stdout)?["runs"], case .array(let results)? = runs.first?["results"] else {
            Issue.record("no results")
            return
        }
        let onExpectations = results.filter { $0["ruleId"]?.stringValue == SARIFRenderer.missingRuleId }
        let regions = onExpectations.map { r -> String in
            guard case .array(let l)? = r["locations"], let p = l.first?["physicalLocation"] else { return "none" }
            return "\(p["artifactLocation"]?["uri"]?.stringValue ?? "?"):\(p["region"]?["startLine"]?.stringValue ?? "no line")"
        }
        #expect(regions == ["clean-interleaved/expected.json:3", "broken/expected.json:1"])
        #expect(onExpectations.map { $0["partialFingerprints"]?["loganalyze/v1"]?.stringValue } == [
            "missing-finding:clean-interleaved/expected.json:token-not-yet-valid in support-a1",
            "missing-finding:broken/expected.json:broken",
        ])
        // (The check's own rule comes after the 9 detectors'.)
        #expect(onExpectations.map { $0["ruleIndex"]?.stringValue } == ["9", "9"])
    }

    /// A second fixture of the same incident (here a copy, listed first) leaves the first
    /// fixture's fingerprints as they were.
    @Test func checkFingerprintsNameTheirFixture() throws {
        let dir = TempDir()
        _ = try copyFixture("incident-agent-only", into: dir)
        let alone = try runLoganalyze(["check", "--output", "sarif", "incident-agent-only"], cwd: dir.url)
        #expect(alone.status == 0)
        try FileManager.default.copyItem(at: dir.url.appendingPathComponent("incident-agent-only"), to: dir.url.appendingPathComponent("agent-only-copy"))
        let both = try runLoganalyze(["check", "--output", "sarif", "agent-only-copy", "incident-agent-only"], cwd: dir.url)
        #expect(both.status == 0)
        let expected = [
            "slow-greeting:incident-agent-only/expected.json:voice-room-7f3k2@2025-12-11T00:51:46.668Z",
            "auth-expiry-cascade:incident-agent-only/expected.json:voice-room-7f3k2@2025-12-11T01:09:16.327Z",
            "early-token-death:incident-agent-only/expected.json:voice-room-7f3k2@2025-12-11T01:09:16.327Z",
        ]
        #expect(fingerprints(alone.stdout) == expected)
        #expect(fingerprints(both.stdout) == expected.map { $0.replacingOccurrences(of: "incident-agent-only/", with: "agent-only-copy/") } + expected)
    }

    /// A fixture's fingerprints do not depend on how its directory is spelled on the command
    /// line (`./x`, `x`, its absolute path): a CI job and a developer name it differently.
    @Test func checkFingerprintsDoNotDependOnHowTheFixtureIsSpelled() throws {
        let dir = TempDir()
        _ = try copyFixture("incident-agent-only", into: dir)
        let cwd = dir.url.resolvingSymlinksInPath()
        let plain = try runLoganalyze(["check", "--output", "sarif", "incident-agent-only"], cwd: cwd)
        let dotted = try runLoganalyze(["check", "--output", "sarif", "./incident-agent-only"], cwd: cwd)
        let absolute = try runLoganalyze(["check", "--output", "sarif", cwd.appendingPathComponent("incident-agent-only").path], cwd: cwd)
        #expect(fingerprints(plain.stdout).count == 3)
        #expect(fingerprints(dotted.stdout) == fingerprints(plain.stdout))
        #expect(fingerprints(absolute.stdout) == fingerprints(plain.stdout))
    }

    /// Artifact URIs name the path code scanning finds in the repository: relative to the
    /// working directory without empty, `.` or `..` segments, and outside it as file URIs.
    @Test func artifactURIsHaveNoEmptyDotOrDotDotSegments() {
        let sarif = SARIFRenderer(workingDirectory: "/work/repo")
        #expect(sarif.uri("logs//agent.log") == "logs/agent.log")
        #expect(sarif.uri("./logs/./agent.log") == "logs/agent.log")
        #expect(sarif.uri("logs/../Fixtures/incident-real/agent.log") == "Fixtures/incident-real/agent.log")
        #expect(sarif.uri("../shared/my logs/agent.log") == "file:///work/shared/my%20logs/agent.log")
        #expect(sarif.uri("/work/repo/logs/agent.log") == "logs/agent.log")
        #expect(sarif.uri("/work/repository/agent.log") == "file:///work/repository/agent.log")
        #expect(sarif.uri("/var/log/../log/été.log") == "file:///var/log/%C3%A9t%C3%A9.log")
        #expect(sarif.uri("-") == "-")
        #expect(SARIFRenderer(workingDirectory: "/").uri("/var/log/agent.log") == "var/log/agent.log")
    }
}
