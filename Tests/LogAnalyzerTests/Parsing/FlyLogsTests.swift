import Foundation
import Testing

@testable import LogAnalyzer

/// `fly logs` as superfly/flyctl prints it: `internal/command/logs/logs.go`, `printStream`, calls
/// `internal/render/logs.go`, `LogEntry`, with `HideAllocID()` and `HideRegion()`, which writes
/// `format.Time(ts)` (`time.RFC3339`: whole seconds) and a space, the event's provider and
/// instance (`app[e784079b449483]`), `" %s [%s]"` with the region and the level (aurora colours,
/// always), then the message with no space before it.
@Suite struct FlyLogsTests {
    static let agentJSON =
        #"{"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "AJ_AlphA9z8Y7x6", "room": "room-alpha", "timestamp": "2026-03-17T10:00:01.598000+00:00"}"#
    static let agentText = #"2026-03-17 10:00:02,104 - ERROR livekit.agents - unhandled exception while running the job task {"job_id": "AJ_AlphA9z8Y7x6", "pid": 71001}"#
    static let zap = "2026-03-17T10:00:00.600Z\tINFO\tlivekit\tservice/roomallocator.go:166\tselected node for room\t{\"room\": \"room-alpha\", \"roomID\": \"RM_AlphA1b2C3d4\"}"
    static let print = "Connected to: <socket.socket fd=12>"

    @Test func flyLogsLinesAreUnwrapped() throws {
        let text = [
            "2026-03-17T10:00:01Z app[e784079b449483] ord [info]\(Self.agentJSON)",
            "2026-03-17T10:00:02Z app[e784079b449483] ord [info]\(Self.agentText)",
            "2026-03-17T10:00:00Z app[3d8d9e1f2a4b68] fra [info]\(Self.zap)",
            // As printed, with aurora's colours: faint time, green region, blue level.
            "\u{1B}[2m2026-03-17T10:00:03Z\u{1B}[0m app[e784079b449483] \u{1B}[32mord\u{1B}[0m [\u{1B}[34minfo\u{1B}[0m]\(Self.print)",
        ].joined(separator: "\n")
        let records = parse(text + "\n").records
        try #require(records.map(\.line) == [1, 2, 3, 4])
        #expect(records.map(\.format) == [.agentsJSON, .agentsText, .zapConsole, .plain])
        // The records' own times; Fly's, to the second, for the print.
        #expect(records.map { $0.time?.iso8601 } == ["2026-03-17T10:00:01.598Z", "2026-03-17T10:00:02.104Z", "2026-03-17T10:00:00.600Z", "2026-03-17T10:00:03.000Z"])
        #expect(records.map(\.level) == [.info, .error, .info, nil])
        #expect(records.map(\.logger) == ["livekit.agents", "livekit.agents", "livekit", nil])
        #expect(records.map(\.message) == ["received job request", "unhandled exception while running the job task", "selected node for room", Self.print])
        #expect(records.map(\.ids.jobId) == ["AJ_AlphA9z8Y7x6", "AJ_AlphA9z8Y7x6", nil, nil])
        #expect(records[0].ids.room == "room-alpha")
        #expect(records[1].ids.pid == 71001)
        #expect(records[2].ids.roomSid == "RM_AlphA1b2C3d4")
        #expect(records.map(\.source) == ["app[e784079b449483]", "app[e784079b449483]", "app[3d8d9e1f2a4b68]", "app[e784079b449483]"])
    }

    /// One entry as `fly logs --json` prints it (`internal/render/render.go`, `JSON`: a
    /// `json.Encoder`, four-space indent, `<` escaped; the members of `logs/entry.go`, `LogEntry`).
    static func jsonEntry(_ time: String, _ message: String, instance: String = "e784079b449483") -> String {
        let quoted = message.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\t", with: "\\t").replacingOccurrences(of: "<", with: "\\u003c").replacingOccurrences(of: ">", with: "\\u003e")
        return """
            {
                "level": "info",
                "instance": "\(instance)",
                "message": "\(quoted)",
                "region": "ord",
                "timestamp": "\(time)",
                "meta": {
                    "Instance": "\(instance)",
                    "Region": "ord",
                    "Event": {
                        "Provider": "app"
                    },
                    "HTTP": {
                        "Request": {
                            "ID": "",
                            "Method": "",
                            "Version": ""
                        },
                        "Response": {
                            "status_code": 0
                        }
                    },
                    "Error": {
                        "Code": 0,
                        "Message": ""
                    },
                    "URL": {
                        "Full": ""
                    }
                }
            }

            """
    }

    @Test func flyLogsJSONEntriesAreReadAnEntryALine() throws {
        let text = [
            Self.jsonEntry("2026-03-17T10:00:01.600123456Z", Self.agentJSON),
            Self.jsonEntry("2026-03-17T10:00:02.105123456Z", Self.agentText),
            Self.jsonEntry("2026-03-17T10:00:00.601123456Z", Self.zap, instance: "3d8d9e1f2a4b68"),
            Self.jsonEntry("2026-03-17T10:00:03.250123456Z", Self.print),
        ].joined()
        let records = parse(text, name: "fly.log").records
        try #require(records.map(\.line) == [1, 2, 3, 4])
        #expect(records.map(\.format) == [.agentsJSON, .agentsText, .zapConsole, .plain])
        // The records' own times; the entry's, to the millisecond, for the print.
        #expect(records.map { $0.time?.iso8601 } == ["2026-03-17T10:00:01.598Z", "2026-03-17T10:00:02.104Z", "2026-03-17T10:00:00.600Z", "2026-03-17T10:00:03.250Z"])
        #expect(records.map(\.level) == [.info, .error, .info, nil])
        #expect(records.map(\.logger) == ["livekit.agents", "livekit.agents", "livekit", nil])
        #expect(records.map(\.message) == ["received job request", "unhandled exception while running the job task", "selected node for room", Self.print])
        #expect(records.map(\.ids.jobId) == ["AJ_AlphA9z8Y7x6", "AJ_AlphA9z8Y7x6", nil, nil])
        #expect(records[1].ids.pid == 71001)
        #expect(records[2].ids.roomSid == "RM_AlphA1b2C3d4")
        #expect(records.map(\.source) == ["app[e784079b449483]", "app[e784079b449483]", "app[3d8d9e1f2a4b68]", "app[e784079b449483]"])
    }

    /// A whole-second stamp before words that are not `provider region [level]` keeps them.
    @Test func aWholeSecondStampBeforeOtherWordsIsNoFlyEntry() {
        let words = record("2026-03-17T10:00:03Z worker started on port 8081 [info]")
        #expect(words.message == "worker started on port 8081 [info]")
        #expect(words.source == nil)
        let bracket = record("2026-03-17T10:00:03Z agent abc [job]done")
        #expect(bracket.message == "agent abc [job]done")
        #expect(bracket.source == nil)
    }

    /// The bundled agent-only incident, as `fly logs` prints it, gives the bare log's findings.
    @Test func aWrappedFixtureGivesTheBareOnesFindings() throws {
        let bare = findingSummary(analyzeFixture("incident-agent-only"))
        #expect(bare.count == 3)
        let wrapped = try agentOnlyIncidentLines().map { line in
            // Fly's time: the record's, to the second (`time.RFC3339`).
            let stamp = try #require(line.split(separator: "\"timestamp\": \"").last.map { String($0.prefix(19)) })
            return "\(stamp)Z app[e784079b449483] ord [info]\(line)"
        }
        #expect(try agentOnlyIncidentFindings(written: "agent.log", wrapped.joined(separator: "\n") + "\n") == bare)
    }
}

/// `docker logs -t` (docker/cli `cli/command/container/logs.go` passes `Timestamps` to the
/// daemon, which stamps each line `jsonmessage.RFC3339NanoFixed`, nine fraction digits, UTC) and
/// `docker compose logs -t` (docker/compose `pkg/compose/logs.go`, `doLogContainer`, asks the
/// daemon the same; `cmd/formatter/logs.go`, `presenter.setPrefix`, pads the service's name,
/// `%-Ns | `; `compose up --timestamps` stamps `time.Now()` in the local zone, same layout):
/// already read, the wrapper's time given to a line without one.
@Suite struct DockerTimestampsTests {
    @Test func dockerAndComposeTimestampsAreStripped() throws {
        let text = [
            "2026-03-17T10:00:01.598123456Z \(FlyLogsTests.agentJSON)",
            "agent-1    | 2026-03-17T10:00:02.105000000Z \(FlyLogsTests.agentText)",
            "livekit-1  | 2026-03-17T10:00:00.601000000Z \(FlyLogsTests.zap)",
            "agent-1    | 2026-03-17T11:00:03.250000000+01:00 \(FlyLogsTests.print)",
        ].joined(separator: "\n")
        let records = parse(text + "\n").records
        try #require(records.map(\.line) == [1, 2, 3, 4])
        #expect(records.map(\.format) == [.agentsJSON, .agentsText, .zapConsole, .plain])
        #expect(records.map { $0.time?.iso8601 } == ["2026-03-17T10:00:01.598Z", "2026-03-17T10:00:02.104Z", "2026-03-17T10:00:00.600Z", "2026-03-17T10:00:03.250Z"])
        #expect(records.map(\.message) == ["received job request", "unhandled exception while running the job task", "selected node for room", FlyLogsTests.print])
        #expect(records.map(\.source) == [nil, "agent-1", "livekit-1", "agent-1"])
        #expect(records.map(\.ids.jobId) == ["AJ_AlphA9z8Y7x6", "AJ_AlphA9z8Y7x6", nil, nil])
    }
}
