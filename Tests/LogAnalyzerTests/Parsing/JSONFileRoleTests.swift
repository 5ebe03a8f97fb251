import Foundation
import Testing

@testable import LogAnalyzer

/// A `.json` file named on the command line is an app config, unless it is a log saved as
/// `.json` (one record per line).
@Suite struct JSONFileRoleTests {
    @Test func ndjsonLogsAreInputsAndConfigsAreConfigs() {
        let dir = TempDir()
        let log = dir.write("agent.json", #"{"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "AJ_aaaaaaaaaaaa", "timestamp": "2026-03-02T00:00:01+00:00"}"# + "\n")
        let zap = dir.write("server.json", #"{"level":"info","ts":1764000000.5,"logger":"livekit","msg":"starting RTC session"}"# + "\n")
        let pretty = dir.write("config.json", "{\n  \"token_ttl_hours\": 2\n}\n")
        let oneLine = dir.write("app.json", #"{"token_ttl_hours": 2, "room_prefix": "voice"}"# + "\n")
        let empty = dir.write("empty.json", "")
        var sink = DiagnosticSink()
        let (inputs, configs) = InputSet.expand([log, zap, pretty, oneLine, empty], diagnostics: &sink)
        #expect(inputs.map(\.path) == [log, zap])
        #expect(configs == [pretty, oneLine, empty])
        #expect(sink.lines.isEmpty)
    }

    @Test func aRunWithOnlyAConfigSaysSo() throws {
        let dir = TempDir()
        let config = dir.write("config.json", "{\n  \"token_ttl_hours\": 2\n}\n")
        let result = try runLoganalyze(["analyze", config])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "loganalyze: error: no log to read: \(config) was read as app config (token_ttl_*); name a log file, a directory or - for standard input\n")
    }
}
