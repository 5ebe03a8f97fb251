import Foundation
import Testing

@testable import LogAnalyzer

/// A `.json` named on the command line is a log or an app config, by its first bytes.
@Suite struct NamedJSONInputTests {
    static let record = #"{"message": "registered worker", "level": "INFO", "name": "livekit.agents", "timestamp": "2026-03-17T00:14:48.440515+00:00"}"#

    /// Behind a UTF-8 byte-order mark (PowerShell's `Out-File -Encoding utf8`): a JSON log and
    /// Sentry breadcrumbs are logs, as `parse` reads them, not app configs.
    @Test func aByteOrderMarkIsSkipped() throws {
        let dir = TempDir()
        let bom = Data([0xEF, 0xBB, 0xBF])
        let log = dir.write("agent.json", bom + Data((Self.record + "\n").utf8))
        let crumbs = dir.write("sentry.json", bom + Data(("[\n" + SentryBreadcrumbTests.crumbs.joined(separator: ",\n") + "\n]\n").utf8))
        let config = dir.write("config.json", bom + Data("{\"token_ttl_hours\": 2}\n".utf8))
        #expect(InputSet.looksLikeJSONLog(log))
        #expect(InputSet.looksLikeJSONLog(crumbs))
        #expect(!InputSet.looksLikeJSONLog(config))
        var diagnostics = DiagnosticSink()
        let (inputs, configs) = InputSet.expand([log, crumbs, config], diagnostics: &diagnostics)
        #expect(inputs.map(\.path) == [log, crumbs])
        #expect(configs == [config])
    }
}
