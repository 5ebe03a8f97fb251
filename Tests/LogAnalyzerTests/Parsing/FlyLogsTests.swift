import Foundation
import Testing

@testable import LogAnalyzer

/// `fly logs` as superfly/flyctl prints it: `internal/command/logs/logs.go`, `printStream`, calls
/// `internal/render/logs.go`, `LogEntry`, with `HideAllocID()` and `HideRegion()`, which writes
/// `format.Time(ts)` (`time.RFC3339`: whole seconds) and a space, the event's provider and
/// instance (`app[e784079b449483]`), `" %s [%s]"` with the region and the level (aurora colours,
/// always), then the message with no space before it.
@Suite struct FlyLogsTests {

    @Test func flyLogsLinesAreUnwrapped() throws {
        let text = [
            "2026-03-17T10:00:01Z app[e784079b449483] ord [info]\(WrapperSamples.agentJSON)",
            "2026-03-17T10:00:02Z app[e784079b449483] ord [info]\(WrapperSamples.agentText)",
            "2026-03-17T10:00:00Z app[3d8d9e1f2a4b68] fra [info]\(WrapperSamples.zap)",
            // As printed, with aurora's colours: faint time, green region, blue level.
            "\u{1B}[2m2026-03-17T10:00:03Z\u{1B}[0m app[e784079b449483] \u{1B}[32mord\u{1B}[0m [\u{1B}[34minfo\u{1B}[0m]\(WrapperSamples.print)",
        ].joined(separator: "\n")
        // Fly's time, to the second, for the print.
        try WrapperSamples.expectRecords(
            parse(text + "\n").records, printTime: "2026-03-17T10:00:03.000Z",
            sources: ["app[e784079b449483]", "app[e784079b449483]", "app[3d8d9e1f2a4b68]", "app[e784079b449483]"])
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
            Self.jsonEntry("2026-03-17T10:00:01.600123456Z", WrapperSamples.agentJSON),
            Self.jsonEntry("2026-03-17T10:00:02.105123456Z", WrapperSamples.agentText),
            Self.jsonEntry("2026-03-17T10:00:00.601123456Z", WrapperSamples.zap, instance: "3d8d9e1f2a4b68"),
            Self.jsonEntry("2026-03-17T10:00:03.250123456Z", WrapperSamples.print),
        ].joined()
        // The entry's time, to the millisecond, for the print.
        try WrapperSamples.expectRecords(
            parse(text, name: "fly.log").records,
            sources: ["app[e784079b449483]", "app[e784079b449483]", "app[3d8d9e1f2a4b68]", "app[e784079b449483]"])
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
            "2026-03-17T10:00:01.598123456Z \(WrapperSamples.agentJSON)",
            "agent-1    | 2026-03-17T10:00:02.105000000Z \(WrapperSamples.agentText)",
            "livekit-1  | 2026-03-17T10:00:00.601000000Z \(WrapperSamples.zap)",
            "agent-1    | 2026-03-17T11:00:03.250000000+01:00 \(WrapperSamples.print)",
        ].joined(separator: "\n")
        try WrapperSamples.expectRecords(parse(text + "\n").records, sources: [nil, "agent-1", "livekit-1", "agent-1"])
    }
}
