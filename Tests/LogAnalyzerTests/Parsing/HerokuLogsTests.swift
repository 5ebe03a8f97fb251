import Foundation
import Testing

@testable import LogAnalyzer

/// `heroku logs` (and logplex drains): `timestamp source[dyno]: message`, the timestamp RFC 5424's
/// with microseconds, the source `app` for the app's dynos and `heroku` for the platform's
/// (Heroku Dev Center, "Logging", Log format).
@Suite struct HerokuLogsTests {
    @Test func herokuLogsLinesAreUnwrapped() throws {
        let text = [
            "2026-03-17T10:00:01.600123+00:00 app[worker.1]: \(WrapperSamples.agentJSON)",
            "2026-03-17T10:00:02.105000+00:00 app[worker.1]: \(WrapperSamples.agentText)",
            "2026-03-17T10:00:03.250000+00:00 app[web.1]: \(WrapperSamples.print)",
            "2026-03-17T10:00:04.000000+00:00 heroku[router]: at=info method=POST path=\"/api/token\" dyno=web.1 status=200",
        ].joined(separator: "\n")
        let records = parse(text + "\n").records
        try #require(records.map(\.line) == [1, 2, 3, 4])
        #expect(records.map(\.format) == [.agentsJSON, .agentsText, .plain, .plain])
        // The records' own times; Heroku's for the others.
        #expect(records.map { $0.time?.iso8601 } == ["2026-03-17T10:00:01.598Z", "2026-03-17T10:00:02.104Z", "2026-03-17T10:00:03.250Z", "2026-03-17T10:00:04.000Z"])
        #expect(records.map(\.level) == [.info, .error, nil, nil])
        #expect(records.map(\.message) == [
            "received job request", "unhandled exception while running the job task", WrapperSamples.print,
            "at=info method=POST path=\"/api/token\" dyno=web.1 status=200",
        ])
        #expect(records.map(\.ids.jobId) == ["AJ_AlphA9z8Y7x6", "AJ_AlphA9z8Y7x6", nil, nil])
        #expect(records.map(\.source) == ["app[worker.1]", "app[worker.1]", "app[web.1]", "heroku[router]"])
    }

    /// Not a dyno: no `]: ` after the name, or capitals, or an empty dyno. (A word with a digit
    /// or `/` there is a CloudWatch log stream's name: `CloudWatchLogsTests`.)
    @Test func otherLinesAfterAStampKeepTheirWords() throws {
        let text = [
            "2026-03-17T10:00:01.600123+00:00 app[router] no colon",
            "2026-03-17T10:00:01.600123+00:00 App[worker.1]: capital",
            "2026-03-17T10:00:01.600123+00:00 app[]: empty",
        ].joined(separator: "\n")
        let records = parse(text + "\n").records
        #expect(records.map(\.message) == ["app[router] no colon", "App[worker.1]: capital", "app[]: empty"])
        #expect(records.map(\.source) == [nil, nil, nil])
    }

    /// The bundled agent-only incident, as `heroku logs` prints it, gives the bare log's findings.
    @Test func aWrappedFixtureGivesTheBareOnesFindings() throws {
        let bare = findingSummary(analyzeFixture("incident-agent-only"))
        #expect(bare.count == 3)
        let wrapped = try agentOnlyIncidentLines().map { line in
            let stamp = try #require(line.split(separator: "\"timestamp\": \"").last.map { String($0.prefix(26)) })
            return "\(stamp)+00:00 app[worker.1]: \(line)"
        }
        #expect(try agentOnlyIncidentFindings(written: "agent.log", wrapped.joined(separator: "\n") + "\n") == bare)
    }
}
