import Foundation
import Testing

@testable import LogAnalyzer

/// Google Cloud Logging entries as `gcloud logging read --format=json` prints them: a JSON list
/// (`googlecloudsdk/core/resource/json_printer.py`, `JsonPrinter`: `[`, then each entry
/// `json.dumps(…, indent=2, separators=(',', ': '), sort_keys=True)` indented by two spaces,
/// `,` between them, `]`), newest first unless `--order=asc` (the command's default order is
/// `desc`). A GKE container's JSON line is the entry's `jsonPayload`, its `timestamp` string
/// kept there (fluent-bit `plugins/out_stackdriver/stackdriver_timestamp.c` takes the entry's
/// time only from a `timestamp` object of `seconds` and `nanos`, or `timestampSeconds` and
/// `timestampNanos`), the pod and container in `resource.labels` (the `k8s_container`
/// monitored resource).
@Suite struct CloudLoggingTests {
    static let pod = "voice-agent-7d9f8c6b5-x2x4q"

    /// The entries, in the given order, as gcloud prints them (`JSONSerialization`'s pretty
    /// print writes `"key" : value`; Python's `separators=(',', ': ')`, `"key": value`).
    static func gcloudDocument(_ entries: [[String: Any]]) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: entries, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self).replacing(#/(?m)^(\s*"[^"\n]*") : /#) { "\($0.1): " } + "\n"
    }

    /// The agent-only incident's lines as GKE entries: the record in `jsonPayload` (without its
    /// `timestamp` unless `keepingTimestamp`), that time (with nanoseconds) the entry's.
    static func incidentEntries(keepingTimestamp: Bool = true) throws -> [[String: Any]] {
        try agentOnlyIncidentLines().enumerated().map { k, line in
            var payload = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let stamp = try #require(payload["timestamp"] as? String)
            if !keepingTimestamp { payload["timestamp"] = nil }
            return [
                "insertId": String(format: "k3x9qv%07df1a2b", k),
                "jsonPayload": payload,
                "labels": ["k8s-pod/app": "voice-agent", "k8s-pod/pod-template-hash": "7d9f8c6b5"],
                "logName": "projects/voice-demo-431207/logs/stdout",
                "receiveTimestamp": String(stamp.prefix(26)) + "456Z",
                "resource": [
                    "labels": [
                        "cluster_name": "voice", "container_name": "agent", "location": "us-central1", "namespace_name": "default",
                        "pod_name": pod, "project_id": "voice-demo-431207",
                    ],
                    "type": "k8s_container",
                ],
                "severity": "DEFAULT",
                "timestamp": String(stamp.prefix(26)) + "123Z",
            ]
        }
    }

    /// gcloud's default order, newest first, is read oldest first: the bare log's findings, at
    /// the entries' numbers in the file (the first entry printed is number 1).
    @Test func aNewestFirstGcloudExportGivesTheBareLogsFindings() throws {
        let bare = findingSummary(analyzeFixture("incident-agent-only"))
        #expect(bare.count == 3)
        let entries = try Self.incidentEntries()
        let n = entries.count
        let mapped = bare.map { f in f.replacing(#/ (\d+)( \||$)/#) { m in " \(n + 1 - Int(m.1)!)\(m.2)" } }
        #expect(try agentOnlyIncidentFindings(written: "agent.json", Self.gcloudDocument(entries.reversed())) == mapped)
        #expect(try agentOnlyIncidentFindings(written: "agent.json", Self.gcloudDocument(entries)) == bare)
        // A payload without a time of its own: the entry's, the same findings.
        let lifted = try Self.incidentEntries(keepingTimestamp: false)
        #expect(try agentOnlyIncidentFindings(written: "agent.json", Self.gcloudDocument(lifted.reversed())) == mapped)
        let dir = TempDir()
        var sink = DiagnosticSink()
        _ = Analyzer().run([InputDescriptor(path: dir.write("agent.json", try Self.gcloudDocument(entries.reversed())))], diagnostics: &sink)
        #expect(sink.lines.contains { $0.hasSuffix("agent.json: note: entries run newest first (gcloud logging read's default order): read from the last entry to the first") })
    }
}

extension CloudLoggingTests {
    /// A GKE entry's `resource` (`type` `k8s_container`, `labels.pod_name`, `labels.container_name`)
    /// names the record's source as stern and `kubectl logs --prefix` do; a line of text
    /// (`textPayload`) loses its colours and takes the entry's time and severity.
    @Test func aGKEEntryNamesItsPodAndContainer() throws {
        var entries = Array(try Self.incidentEntries().prefix(2))
        entries.append([
            "insertId": "k3x9qv0000099f1a2b",
            "logName": "projects/voice-demo-431207/logs/stderr",
            "receiveTimestamp": "2025-12-11T00:48:06.101010101Z",
            "resource": ["labels": ["container_name": "agent", "namespace_name": "default", "pod_name": "voice-agent-7d9f8c6b5-q8w2z"], "type": "k8s_container"],
            "severity": "ERROR",
            "textPayload": "\u{1B}[31mconnect failed\u{1B}[0m: 401 Unauthorized",
            "timestamp": "2025-12-11T00:48:06.000123456Z",
        ])
        let records = parse(try Self.gcloudDocument(entries), name: "agent.json").records
        #expect(records.map(\.source) == ["pod/\(Self.pod)/agent", "pod/\(Self.pod)/agent", "pod/voice-agent-7d9f8c6b5-q8w2z/agent"])
        #expect(records.map(\.message) == ["starting worker", "initializing process", "connect failed: 401 Unauthorized"])
        #expect(records.map { $0.time?.iso8601 } == ["2025-12-11T00:48:03.412Z", "2025-12-11T00:48:03.431Z", "2025-12-11T00:48:06.000Z"])
        #expect(records.map(\.level) == [.info, .info, .error])
    }
}

extension CloudLoggingTests {
    /// A day of entries is more than `JSONDocument` reads whole (4 MiB): the list is read an
    /// entry at a time, last entry first when it runs newest first, also as a `.json` file in a
    /// directory (it is no settings file).
    @Test func aLargeGcloudExportIsReadAnEntryAtATime() throws {
        let bare = findingSummary(analyzeFixture("incident-agent-only"))
        #expect(bare.count == 3)
        let entries = try Self.incidentEntries()
        // The worker's debug lines of the hour before, newest first, 0.7 s apart.
        let filler: [[String: Any]] = (0..<7000).map { k in
            let t = 1_765_411_199_000 - 700 * k  // from 2025-12-10T23:59:59Z back
            let day = t / 1000 % 86_400
            let text = String(format: "2025-12-10T%02d:%02d:%02d.%03d", day / 3600, day / 60 % 60, day % 60, t % 1000)
            return [
                "insertId": String(format: "f%07d", k),
                "jsonPayload": ["message": "tick", "level": "DEBUG", "name": "agent", "timestamp": text + "000+00:00"],
                "labels": ["k8s-pod/app": "voice-agent", "k8s-pod/pod-template-hash": "7d9f8c6b5"],
                "logName": "projects/voice-demo-431207/logs/stdout",
                "receiveTimestamp": text + "000456Z",
                "resource": ["labels": ["container_name": "agent", "pod_name": Self.pod], "type": "k8s_container"],
                "severity": "DEFAULT",
                "timestamp": text + "000123Z",
            ]
        }
        let newestFirst = try Self.gcloudDocument(entries.reversed() + filler)
        #expect(newestFirst.utf8.count > JSONDocument.maxDocumentBytes)
        let n = entries.count
        let mapped = bare.map { f in f.replacing(#/ (\d+)( \||$)/#) { m in " \(n + 1 - Int(m.1)!)\(m.2)" } }
        #expect(try agentOnlyIncidentFindings(written: "export.json", newestFirst) == mapped)
        let oldestFirst = try Self.gcloudDocument(filler.reversed() + entries)
        let shifted = bare.map { f in f.replacing(#/ (\d+)( \||$)/#) { m in " \(filler.count + Int(m.1)!)\(m.2)" } }
        #expect(try agentOnlyIncidentFindings(written: "export.json", oldestFirst) == shifted)
    }
}

extension CloudLoggingTests {
    /// `gcloud logging read --format=json | loganalyze analyze -`: the list, newest first, is
    /// read from standard input whole (under 4 MiB) and last entry first, its entries numbered
    /// in the order read; with one thread or several.
    @Test(arguments: ["1", "2"])
    func aNewestFirstGcloudExportOnStandardInputIsReadOldestFirst(_ jobs: String) throws {
        let document = try Self.gcloudDocument(try Self.incidentEntries().reversed())
        let result = try runLoganalyze(["analyze", "--jobs", jobs, "--token-ttl", "2h", "-"], stdin: Data(document.utf8))
        #expect(result.status == 1)
        #expect(result.stdout.contains("error slow-greeting: greeting took 5.37 s (over the 5.0 s error threshold): LLM ttft 0.91 s, TTS ttfb 0.62 s, audio 3.41 s"))
        #expect(result.stdout.contains("error early-token-death: token dead after 17 min 30 s of a configured 2 h TTL (most likely a suspended host or process)"))
        #expect(result.stdout.contains("+00:00.463  agent   greeting start         -:16  Generating initial greeting"))
        #expect(result.stderr.contains("-: note: entries run newest first (gcloud logging read's default order): read from the last entry to the first"))
    }
}


extension CloudLoggingTests {
    /// A `gcloud logging read --format=json > day.json` killed before it closed its list (or
    /// the file cut short): the entries up to the cut are read, the cut one is a line as far as
    /// it went, and a warning says so. (The whole document was one line of text before.)
    @Test func aCutExportIsReadToItsLastWholeEntry() throws {
        let entries = Array(try Self.incidentEntries().prefix(4))
        let whole = try Self.gcloudDocument(entries)
        let cut = String(whole.prefix(upTo: try #require(whole.range(of: "\"receiveTimestamp\"", options: .backwards)).lowerBound))
        let (records, sink) = parse(cut, name: "day.json")
        #expect(records.map(\.line) == [1, 2, 3, 4])
        #expect(records.map(\.format) == [.agentsJSON, .agentsJSON, .agentsJSON, .plain])
        #expect(records.prefix(3).map(\.message) == ["starting worker", "initializing process", "initializing process"])
        #expect(records.map(\.source) == ["pod/\(Self.pod)/agent", "pod/\(Self.pod)/agent", "pod/\(Self.pod)/agent", nil])
        // (The path after its directory.)
        #expect(sink.lines.map { $0.split(separator: "/").last.map(String.init) } == [
            "day.json:4: warning: the JSON list ends before its closing ']' (the file was cut short); the 4 lines before it are kept"
        ])
    }

    /// Two exports appended to one file (`gcloud logging read --format=json >> day.json`):
    /// both lists' entries are read (the file was lines of text before).
    @Test func appendedExportsAreBothRead() throws {
        let entries = Array(try Self.incidentEntries().prefix(4))
        let text = try Self.gcloudDocument(Array(entries.prefix(2))) + Self.gcloudDocument(Array(entries.suffix(2)))
        let (records, sink) = parse(text, name: "day.json")
        #expect(records.map(\.line) == [1, 2, 3, 4])
        #expect(records.map(\.format) == [.agentsJSON, .agentsJSON, .agentsJSON, .agentsJSON])
        #expect(records.map(\.message) == ["starting worker", "initializing process", "initializing process", "initializing process"])
        #expect(sink.lines.isEmpty)
    }
}

extension CloudLoggingTests {
    /// gcloud's default order, newest first, cut short (under 4 MiB): still read from the last
    /// entry to the first, the cut one (the oldest) first, and the cut said. (It was read in
    /// the file's order, newest first, once cut lists were read at all.)
    @Test func aCutNewestFirstExportIsReadOldestFirst() throws {
        let entries = try Self.incidentEntries()
        let whole = try Self.gcloudDocument(entries.reversed())
        let cut = String(whole.prefix(upTo: try #require(whole.range(of: "\"receiveTimestamp\"", options: .backwards)).lowerBound))
        let (records, sink) = parse(cut, name: "day.json")
        #expect(records.count == entries.count)
        #expect(records.prefix(3).map(\.line) == [entries.count, entries.count - 1, entries.count - 2])
        #expect(records.prefix(3).map(\.format) == [.plain, .agentsJSON, .agentsJSON])
        #expect(records.dropFirst().prefix(2).map(\.message) == ["initializing process", "initializing process"])
        #expect(sink.lines.map { $0.split(separator: "/").last.map(String.init) } == [
            "day.json: note: entries run newest first (gcloud logging read's default order): read from the last entry to the first",
            "day.json: warning: the JSON list ends before its closing ']' (the file was cut short)",
        ])
    }
}

extension CloudLoggingTests {
    /// A newest-first list over 64 MiB is read in its order (reversing it would hold it in memory
    /// twice over), and said so: its sessions would otherwise be wrong without a word. (The file
    /// is the small export grown to 65 MiB by `truncate`: only its first 16 KiB are looked at.)
    @Test func aNewestFirstListTooLargeToReverseIsSaid() throws {
        let entries = try Self.incidentEntries()
        let dir = TempDir()
        let newest = dir.write("day.json", try Self.gcloudDocument(entries.reversed()))
        let oldest = dir.write("asc.json", try Self.gcloudDocument(entries))
        #expect(!NewestFirst.isListTooLargeToReverse(InputDescriptor(path: newest), options: IngestOptions()))
        for path in [newest, oldest] { #expect(truncate(path, 65 << 20) == 0) }
        #expect(NewestFirst.isListTooLargeToReverse(InputDescriptor(path: newest), options: IngestOptions()))
        #expect(!NewestFirst.isListTooLargeToReverse(InputDescriptor(path: oldest), options: IngestOptions()))
        var sink = DiagnosticSink()
        let opened = RecordStream.openSource(InputDescriptor(path: newest), options: IngestOptions(), diagnostics: &sink)
        if let (_, fd) = opened, fd > 0 { close(fd) }
        #expect(opened != nil)
        #expect(sink.lines.map { $0.split(separator: "/").last.map(String.init) } == [
            "day.json: warning: entries run newest first, but the list is over 64 MiB: read in its order, so sessions, silences and cascades may be wrong; `gcloud logging read --order=asc` writes it oldest first",
        ])
    }
}
