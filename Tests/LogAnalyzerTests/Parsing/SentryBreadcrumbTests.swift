import Foundation
import Testing

@testable import LogAnalyzer

/// Sentry breadcrumbs of a browser session saved as one JSON document (DOMAIN.md A6) are the
/// browser's log: one record per breadcrumb, its ids joined like a console line's.
@Suite struct SentryBreadcrumbTests {
    /// What the incident's browser printed, as the Sentry SDK records console calls: the message
    /// joins every argument (`[object Object]`), the arguments keep the context object.
    static let crumbs = [
        #"{"timestamp": 1765414306.066, "type": "debug", "category": "console", "level": "log", "message": "signal connecting to wss://voice-demo.livekit.cloud [object Object]", "data": {"arguments": ["signal connecting to wss://voice-demo.livekit.cloud", {"room": "voice-room-7f3k2", "participant": "user-1"}], "logger": "console"}}"#,
        #"{"timestamp": 1765414306.02, "type": "http", "category": "fetch", "level": "info", "data": {"method": "POST", "url": "/api/token", "status_code": 200}}"#,
        #"{"timestamp": "2025-12-11T00:51:46.312Z", "category": "console", "level": "info", "message": "signal connected [object Object]", "data": {"arguments": ["signal connected", {"room": "voice-room-7f3k2", "roomID": "RM_Xq7bT2mNw4Lp", "participant": "user-1", "pID": "PA_aB3dE5fG7hJ9"}], "logger": "console"}}"#,
        #"{"timestamp": 1765415357.203, "category": "console", "level": "error", "message": "Uncaught NegotiationError", "data": {"arguments": ["NegotiationError: Failed to execute 'setRemoteDescription' on 'RTCPeerConnection': The RTCPeerConnection's signalingState is 'closed'.", {"room": "voice-room-7f3k2"}], "logger": "console"}}"#,
    ]

    static func describe(_ r: LogRecord) -> String {
        "\(r.line) \(r.format.rawValue) \(r.time?.iso8601 ?? "-") \(r.level?.name ?? "-") \(r.logger ?? "-") \(r.message) | "
            + [r.ids.room, r.ids.roomSid, r.ids.participant, r.ids.participantSid].map { $0 ?? "-" }.joined(separator: " ")
    }

    static let expected = [
        "1 sentry-breadcrumb 2025-12-11T00:51:46.066Z info console signal connecting to wss://voice-demo.livekit.cloud | voice-room-7f3k2 - user-1 -",
        "2 sentry-breadcrumb 2025-12-11T00:51:46.020Z info fetch fetch POST /api/token 200 | - - - -",
        "3 sentry-breadcrumb 2025-12-11T00:51:46.312Z info console signal connected | voice-room-7f3k2 RM_Xq7bT2mNw4Lp user-1 PA_aB3dE5fG7hJ9",
        "4 sentry-breadcrumb 2025-12-11T01:09:17.203Z error console NegotiationError: Failed to execute 'setRemoteDescription' on 'RTCPeerConnection': The RTCPeerConnection's signalingState is 'closed'. | voice-room-7f3k2 - - -",
    ]

    @Test("a list, an event's breadcrumbs and Sentry's event JSON, on one line or pretty-printed", arguments: [
        "[" + crumbs.joined(separator: ", ") + "]",
        "[\n  " + crumbs.joined(separator: ",\n  ") + "\n]\n",
        #"{"event_id": "a3f1c2d4", "breadcrumbs": {"values": ["# + crumbs.joined(separator: ", ") + "]}}",
        "{\n  \"event_id\": \"a3f1c2d4\",\n  \"entries\": [\n    {\"type\": \"exception\", \"data\": {}},\n    {\"type\": \"breadcrumbs\", \"data\": {\"values\": [\n"
            + crumbs.joined(separator: ",\n") + "\n]}}\n  ]\n}\n",
    ])
    func everyBreadcrumbIsARecord(_ document: String) {
        let result = parse(document, name: "sentry.json")
        #expect(result.records.map(Self.describe) == Self.expected)
    }

    @Test func otherLogsThatStartWithABracketOrABraceAreReadAsLines() {
        // One JSON record per line, a bracketed level, a DevTools time, a JSON array of numbers.
        #expect(!JSONDocument.mayStart(Array("[INFO] starting worker\n".utf8)))
        #expect(!JSONDocument.mayStart(Array("[00:51:46.066] livekit-client.esm.mjs:8539 signal connected\n".utf8)))
        #expect(!JSONDocument.mayStart(Array("[1, 2]\n".utf8)))
        #expect(JSONDocument.mayStart(Array(" \n[ {\"a\": 1}]".utf8)))
        #expect(!JSONDocument.mayStart(Array("{\"message\": \"a\"}\n{\"message\": \"b\"}\n".utf8)))
        #expect(JSONDocument.mayStart(Array("{ \r\n  \"a\": 1\n}".utf8)))
        #expect(JSONDocument.mayStart(Array("{\"message\": \"a\"}\n\n".utf8)))
        // Documents without breadcrumbs stay as they are, line by line.
        let report = parse("{\n  \"findings\": []\n}\n", name: "expected.log")
        #expect(report.records.map(\.message) == ["{\n  \"findings\": []", "}"])
        // An array of other objects: an object a record.
        let array = parse(#"[{"a": 1}, {"b": 2}]"# + "\n", name: "list.log")
        #expect(array.records.map(\.format) == [.json, .json])
        let one = parse(#"{"message": "registered worker", "level": "INFO", "name": "livekit.agents", "timestamp": "2026-03-17T00:14:48.440515+00:00"}"# + "\n")
        #expect(one.records.map(\.format) == [.agentsJSON])
    }

    /// A worker's JSON log saved as one array (`jq -s`, pretty or not) is read as its records,
    /// ids and all (its objects have a logger `name`: no breadcrumbs).
    @Test func anArrayOfLogRecordsIsReadAsTheRecords() {
        let records = [
            #"{"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "AJ_aaaaaaaaaaaa", "room": "r1", "timestamp": "2026-03-02T10:00:01.000000+00:00"}"#,
            #"{"message": "Generating initial greeting", "level": "INFO", "name": "agent", "pid": 5, "job_id": "AJ_aaaaaaaaaaaa", "room": "r1", "data": {"k": 1}, "timestamp": "2026-03-02T10:00:02.000000+00:00"}"#,
        ]
        for document in ["[" + records.joined(separator: ",") + "]\n", "[\n  " + records.joined(separator: ",\n  ").replacingOccurrences(of: ", \"", with: ",\n    \"") + "\n]\n"] {
            let result = parse(document, name: "agent.json")
            #expect(result.records.map { "\($0.line) \($0.format.rawValue) \($0.message) \($0.ids.jobId ?? "-") \($0.ids.pid ?? 0)" }
                == ["1 agents-json received job request AJ_aaaaaaaaaaaa 0", "2 agents-json Generating initial greeting AJ_aaaaaaaaaaaa 5"])
        }
    }

    /// An element nested deeper than the document's tree (64 levels) does not turn the whole
    /// saved log into one plain record: each element is still a line, and the line parser reads
    /// a 70-deep one and refuses a 300-deep one with its diagnostic.
    @Test func aDeeplyNestedElementKeepsTheOthers() {
        func record(_ message: String, _ extra: String) -> String {
            #"{"message": "\#(message)", "level": "INFO", "name": "livekit.agents", "extra": \#(extra), "timestamp": "2026-03-02T10:00:01.000000+00:00"}"#
        }
        for depth in [70, 300] {
            let deep = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            let elements = [record("before", "1"), record("deep", deep), record("after", "2")]
            for document in ["[" + elements.joined(separator: ",") + "]\n", "[\n  " + elements.joined(separator: ",\n  ") + "\n]\n"] {
                let result = parse(document, name: "agent.json")
                #expect(result.records.map { "\($0.line) \($0.format.rawValue) \($0.message.prefix(20))" }
                    == ["1 agents-json before", depth == 70 ? "2 agents-json deep" : "2 plain {\"message\": \"deep\", ", "3 agents-json after"])
                #expect(result.diagnostics.kept.map(\.message) == (depth == 70 ? [] : ["JSON nested deeper than 256 levels; kept as a plain line"]))
            }
        }
    }

    /// With `--jobs`, a document is read in order (cut into pieces, it was read as text lines).
    @Test func aDocumentIsNotCutIntoPieces() throws {
        let dir = TempDir()
        let path = dir.write("sentry.json", "[\n" + Array(repeating: Self.crumbs, count: 200).joined().joined(separator: ",\n") + "\n]\n")
        let sequential = SplitReadingTests.sequential(path)
        #expect(sequential.records.count == 800)
        #expect(sequential.stats.formats == [.sentryBreadcrumb: 800])
        let (split, _) = try #require(SplitReadingTests.split(path, pieceBytes: 4096))
        #expect(split == sequential)
    }

    @Test func aSavedListJoinsTheSessionAsItsBrowserSide() throws {
        let dir = TempDir()
        let root = PackagePaths.fixtures.appendingPathComponent("incident-real").path
        for name in ["agent.log", "server.log", "backend.log"] {
            dir.write("logs/" + name, try String(contentsOfFile: root + "/" + name, encoding: .utf8))
        }
        dir.write("logs/sentry-breadcrumbs.json", "[\n" + Self.crumbs.joined(separator: ",\n") + "\n]\n")
        dir.write("logs/expected.json", "{\n  \"findings\": []\n}\n")
        let report = analyze([dir.url.path + "/logs"])
        #expect(report.inputs.map { $0.path.split(separator: "/").last! } == ["agent.log", "backend.log", "sentry-breadcrumbs.json", "server.log"])
        let session = try #require(report.sessions.first { $0.room == "voice-room-7f3k2" })
        #expect(session.sides.contains(.browser))
        let result = try runLoganalyze(["timeline", "--session", "voice-room-7f3k2", dir.url.path + "/logs"])
        let browser = result.stdout.split(separator: "\n").filter { $0.contains("sentry-breadcrumbs.json:") }
        #expect(browser.count == 3)
        #expect(browser.last?.contains("browser error  ") == true)
        #expect(browser.last?.contains("sentry-breadcrumbs.json:4  NegotiationError: Failed to execute 'setRemoteDescription'") == true)
    }

    /// Only the lines made of a saved document are breadcrumbs: an app's JSON log line with a
    /// `category` member of its own (and no `name`) had been read as one, the browser's.
    @Test func aJSONLogWithACategoryIsNotABreadcrumb() {
        let log = [
            #"{"timestamp": "2025-12-11T00:51:45.902Z", "message": "minted token", "category": "auth", "room": "r1"}"#,
            #"{"timestamp": "2025-12-11T00:51:45.903Z", "level": "info", "message": "token sent", "category": "auth", "room": "r1"}"#,
        ].joined(separator: "\n") + "\n"
        let result = parse(log, name: "backend.log")
        #expect(result.records.map(\.format) == [.json, .agentsJSON])
        #expect(result.records.map { $0.field("category")?.stringValue } == ["auth", "auth"])
        #expect(parse("[" + Self.crumbs.joined(separator: ", ") + "]").records.map(\.format) == Array(repeating: .sentryBreadcrumb, count: 4))
    }
}
