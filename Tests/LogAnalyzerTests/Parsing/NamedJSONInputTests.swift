import Foundation
import Testing

@testable import LogAnalyzer

#if canImport(Glibc)
import Glibc
#endif

/// A `.json` named on the command line is a log or an app config, by its first bytes.
@Suite struct NamedJSONInputTests {
    static let record = #"{"message": "registered worker", "level": "INFO", "name": "livekit.agents", "timestamp": "2026-03-17T00:14:48.440515+00:00"}"#

    /// A named pipe is a log and is not read to decide it: the bytes read had been lost to the
    /// log's reading, which then waited for a writer forever (`analyze agent.json` on a FIFO).
    @Test func aNamedPipeIsALogAndIsNotRead() throws {
        let dir = TempDir()
        let path = dir.url.appendingPathComponent("agent.json").path
        #expect(mkfifo(path, 0o600) == 0)
        // Read and written here (O_RDWR: opening it does not wait for the other end).
        let fd = open(path, O_RDWR | O_NONBLOCK)
        #expect(fd >= 0)
        defer { close(fd) }
        // (Two records: one alone would be read as a possible breadcrumb document, to its end.)
        let line = Array((Self.record + "\n" + Self.record + "\n").utf8)
        #expect(line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } == line.count)
        #expect(InputSet.looksLikeJSONLog(path))
        var back = [UInt8](repeating: 0, count: 4096)
        let n = back.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        #expect(n == line.count)
    }

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

    /// The JSON lines the wrappers write, saved as `.json`, are logs: `journalctl -o json >
    /// agent.json` had been read as an app config (its keys are journald's), and the run had
    /// said "no log to read". (docker's json-file, stern's, logcli's and Cloud Logging's have a
    /// time or message key.)
    @Test func wrappersJSONLinesAreLogs() throws {
        let dir = TempDir()
        let lines = [
            "journal": #"{"__CURSOR":"s=3f1a;i=1","__REALTIME_TIMESTAMP":"1773741602200000","_PID":"71001","SYSLOG_IDENTIFIER":"agent","MESSAGE":"worker started"}"#,
            "journal-old": #"{ "__CURSOR" : "s=3f1a;i=1", "__REALTIME_TIMESTAMP" : "1773741602200000", "MESSAGE" : "worker started" }"#,
            "docker": #"{"log":"worker started\n","stream":"stdout","time":"2026-03-17T10:00:02.2Z"}"#,
            "stern": #"{"message":"worker started","nodeName":"n","namespace":"v","podName":"agent-0","containerName":"agent","labels":null,"annotations":null}"#,
            "logcli": #"{"labels":{"app":"agent"},"line":"worker started","timestamp":"2026-03-17T10:00:02.3Z"}"#,
        ]
        for (name, line) in lines.sorted(by: { $0.key < $1.key }) {
            let path = dir.write("\(name).json", line + "\n" + line + "\n")
            #expect(InputSet.looksLikeJSONLog(path), "\(name)")
            let result = try runLoganalyze(["analyze", path])
            #expect(result.status == 0, "\(name)")
            #expect(result.stdout.hasPrefix("1 input, 2 records, 1 session (0 flagged): no findings"), "\(name): \(result.stdout)")
        }
    }
}

extension NamedJSONInputTests {
    /// A day of `gcloud logging read --format=json` (over 4 MiB) whose first entry is longer
    /// than the first 64 KiB (a long traceback's `textPayload`) is a log: it had been taken for
    /// an app config and ignored ("larger than 4 MiB: not a settings file; ignored").
    @Test func aLargeExportWhoseFirstEntryIsLongIsALog() throws {
        let entries = try CloudLoggingTests.incidentEntries()
        var long = entries[0]
        long["jsonPayload"] = nil
        long["textPayload"] = "Traceback (most recent call last):\n" + String(repeating: "  File \"/app/agent.py\", line 42, in entrypoint\n", count: 2000)
        var all = [long]
        while all.count * 700 < 4 << 20 { all += entries }
        let dir = TempDir()
        let path = dir.write("day.json", try CloudLoggingTests.gcloudDocument(all))
        #expect(InputSet.looksLikeJSONLog(path))
        var diagnostics = DiagnosticSink()
        let (inputs, configs) = InputSet.expand([path], diagnostics: &diagnostics)
        #expect(inputs.map(\.path) == [path])
        #expect(configs == [])
    }
}
