import Foundation
import Testing

@testable import LogAnalyzer

/// `stern`, the tail of many pods' logs (stern/stern `cmd/cmd.go`, `generateTemplate`): its
/// default output `<pod> <container> [<stamp>] <line>` (`<namespace> ` first with several
/// namespaces), `-o json` (`stern/tail_utils.go`, `Log`) and `-o extjson`.
@Suite struct SternTests {
    static let pod = "agent-7d9f8c6b5-x2x4q"
    static let source = "pod/agent-7d9f8c6b5-x2x4q/agent"

    /// `--timestamps` (stern's default format, `2006-01-02T15:04:05.000000000Z07:00`, here in
    /// UTC), coloured names as on a terminal, and `--all-namespaces`' namespace in front.
    @Test func defaultOutputIsUnwrapped() throws {
        let text = [
            "\u{1B}[32m\(Self.pod)\u{1B}[0m \u{1B}[36magent\u{1B}[0m 2026-03-17T10:00:01.600000000+00:00 \(WrapperSamples.agentJSON)",
            "voice \(Self.pod) agent 2026-03-17T10:00:02.105000000+00:00 \(WrapperSamples.agentText)",
            "\(Self.pod) agent 2026-03-17T10:00:00.700000000+00:00 \(WrapperSamples.zap)",
            "\(Self.pod) agent 2026-03-17T10:00:03.250000000+00:00 \(WrapperSamples.print)",
        ].joined(separator: "\n")
        try WrapperSamples.expectRecords(parse(text + "\n").records, sources: Array(repeating: Self.source, count: 4))
    }

    /// Without `--timestamps`, a record's own stamp or JSON follows the names; a line of words
    /// after them keeps them (it cannot be told from a sentence).
    @Test func withoutStampsRecordsAreUnwrapped() throws {
        let text = [
            "\(Self.pod) agent \(WrapperSamples.agentJSON)",
            "agent-0 agent \(WrapperSamples.agentText)",
            "\(Self.pod) agent \(WrapperSamples.print)",
        ].joined(separator: "\n")
        let records = parse(text + "\n").records
        #expect(records.map(\.format) == [.agentsJSON, .agentsText, .plain])
        #expect(records.map(\.message) == ["received job request", "unhandled exception while running the job task", "\(Self.pod) agent \(WrapperSamples.print)"])
        #expect(records.map(\.source) == [Self.source, "pod/agent-0/agent", nil])
        #expect(records.map(\.ids.jobId) == ["AJ_AlphA9z8Y7x6", "AJ_AlphA9z8Y7x6", nil])
    }

    /// `--timestamps=short` (stern `stern/tail.go`, `TimestampFormatShort = "01-02 15:04:05"`,
    /// no year; since v1.24): the default template `{{color .PodColor .PodName}} {{color
    /// .ContainerColor .ContainerName}} {{if .Timestamp}}{{.Timestamp}} {{end}}{{.Message}}` and
    /// `-o raw`'s `{{if .Timestamp}}{{.Timestamp}} {{end}}{{.Message}}` (`cmd/cmd.go`): the
    /// record after the stamp is read, its own time kept.
    @Test func shortStampsAreUnwrapped() throws {
        let text = [
            "\(Self.pod) agent 03-17 10:00:01 \(WrapperSamples.agentJSON)",
            "voice \(Self.pod) agent 03-17 10:00:02 \(WrapperSamples.agentText)",
            "03-17 10:00:01 \(WrapperSamples.agentJSON)",
            "03-17 10:00:04 connected to room",
        ].joined(separator: "\n")
        let records = parse(text + "\n").records
        #expect(records.map(\.format) == [.agentsJSON, .agentsText, .agentsJSON, .plain])
        #expect(records.map(\.message) == ["received job request", "unhandled exception while running the job task", "received job request", "03-17 10:00:04 connected to room"])
        #expect(records.map(\.source) == [Self.source, Self.source, nil, nil])
        #expect(records.map(\.ids.jobId) == ["AJ_AlphA9z8Y7x6", "AJ_AlphA9z8Y7x6", "AJ_AlphA9z8Y7x6", nil])
    }

    /// `-o json`: with `--timestamps` (v1.34+: the stamp in `timestamp`), and as stern before
    /// v1.34 printed it (the stamp in front of the message).
    @Test func jsonOutputIsUnwrapped() throws {
        func entry(_ message: String, _ stamp: String?) throws -> String {
            let text = String(decoding: try JSONSerialization.data(withJSONObject: message, options: [.fragmentsAllowed, .withoutEscapingSlashes]), as: UTF8.self)
            let stampMember = stamp.map { #""timestamp":"\#($0)","# } ?? ""
            return #"{"message":\#(text),"# + stampMember
                + #""nodeName":"node-1","namespace":"voice","podName":"agent-7d9f8c6b5-x2x4q","containerName":"agent","labels":{"app":"agent","pod-template-hash":"7d9f8c6b5"},"annotations":null}"#
        }
        let text = try [
            entry(WrapperSamples.agentJSON, "2026-03-17T10:00:01.600000000Z"),
            // (stern before v1.33 wrote no `labels` and `annotations`.)
            entry(WrapperSamples.agentText, nil).replacingOccurrences(of: #","labels":{"app":"agent","pod-template-hash":"7d9f8c6b5"},"annotations":null"#, with: ""),
            entry("2026-03-17T10:00:00.700000000Z \(WrapperSamples.zap)", nil),
            entry(WrapperSamples.print, "2026-03-17T10:00:03.250000000Z"),
        ].joined(separator: "\n")
        try WrapperSamples.expectRecords(parse(text + "\n").records, sources: Array(repeating: Self.source, count: 4))
    }

    /// `-o json` as stern before v1.13 printed it (stern `dd9a0ae`, `stern/tail.go`, `Log`:
    /// `Message`, `Namespace`, `PodName`, `ContainerName`; `NodeName` came with `96bea52`).
    @Test func jsonOutputBeforeNodeNameIsUnwrapped() throws {
        let message = String(decoding: try JSONSerialization.data(withJSONObject: WrapperSamples.agentJSON, options: [.fragmentsAllowed, .withoutEscapingSlashes]), as: UTF8.self)
        let line = #"{"message":\#(message),"namespace":"voice","podName":"agent-7d9f8c6b5-x2x4q","containerName":"agent"}"#
        let records = parse(line + "\n").records
        #expect(records.map(\.format) == [.agentsJSON])
        #expect(records.map(\.message) == ["received job request"])
        #expect(records.map(\.source) == [Self.source])
    }

    /// `-o extjson`: a JSON line as it was, another as a string; the namespace first with
    /// `--all-namespaces`.
    @Test func extjsonOutputIsUnwrapped() throws {
        let text = [
            #"{"pod": "agent-7d9f8c6b5-x2x4q", "container": "agent", "message": \#(WrapperSamples.agentJSON)}"#,
            #"{"namespace": "voice", "pod": "agent-7d9f8c6b5-x2x4q", "container": "agent", "message": "2026-03-17 10:00:02,104 - ERROR livekit.agents - unhandled exception while running the job task {\"job_id\": \"AJ_AlphA9z8Y7x6\", \"pid\": 71001}"}"#,
        ].joined(separator: "\n")
        let records = parse(text + "\n").records
        #expect(records.map(\.format) == [.agentsJSON, .agentsText])
        #expect(records.map(\.message) == ["received job request", "unhandled exception while running the job task"])
        #expect(records.map(\.source) == [Self.source, Self.source])
        #expect(records.map(\.ids.pid) == [nil, 71001])
    }

    /// `-o ppextjson` (stern `cmd/cmd.go`, `generateTemplate`: `"{\n  \"pod\": …,\n  \"container\":
    /// …,\n  \"message\": {{extjson .Message}}\n}"`, `"namespace"` first with `--all-namespaces`):
    /// each entry read as `-o extjson`'s line, numbered as the entries are.
    @Test func ppextjsonOutputIsUnwrapped() throws {
        let text = """
            {
              "pod": "agent-7d9f8c6b5-x2x4q",
              "container": "agent",
              "message": \(WrapperSamples.agentJSON)
            }
            {
              "namespace": "voice",
              "pod": "agent-7d9f8c6b5-x2x4q",
              "container": "agent",
              "message": "2026-03-17 10:00:02,104 - ERROR livekit.agents - unhandled exception while running the job task {\\"job_id\\": \\"AJ_AlphA9z8Y7x6\\", \\"pid\\": 71001}"
            }

            """
        let records = parse(text).records
        #expect(records.map(\.format) == [.agentsJSON, .agentsText])
        #expect(records.map(\.message) == ["received job request", "unhandled exception while running the job task"])
        #expect(records.map(\.source) == [Self.source, Self.source])
        #expect(records.map(\.ids.pid) == [nil, 71001])
        #expect(records.map(\.line) == [1, 2])
    }

    /// Lines that only start like stern's: words before a JSON object (a pod name without the
    /// `-` a controller gives it), an application's JSON with other keys.
    @Test func lookAlikesKeepTheirShape() throws {
        let text = [
            #"received job {"id": 1}"#,
            #"connected to room {"room": "r"}"#,
            #"{"message":"hello","level":"info"}"#,
            #"{"pod": "x", "phase": "Running"}"#,
        ].joined(separator: "\n")
        let records = parse(text + "\n").records
        #expect(records.map(\.format) == [.plain, .plain, .json, .json])
        #expect(records.map(\.message).prefix(3) == [#"received job {"id": 1}"#, #"connected to room {"room": "r"}"#, "hello"])
        #expect(records.map(\.source) == [nil, nil, nil, nil])
    }

    /// The bundled agent-only incident through stern (default and `-o json`) gives the bare log's findings.
    @Test func aWrappedFixtureGivesTheBareOnesFindings() throws {
        let bare = findingSummary(analyzeFixture("incident-agent-only"))
        #expect(bare.count == 3)
        let lines = try agentOnlyIncidentLines()
        let plain = lines.map { "\(Self.pod) agent \($0)" }
        #expect(try agentOnlyIncidentFindings(written: "agent.log", plain.joined(separator: "\n") + "\n") == bare)
        let json = try lines.map { line in
            let text = String(decoding: try JSONSerialization.data(withJSONObject: line, options: [.fragmentsAllowed, .withoutEscapingSlashes]), as: UTF8.self)
            return #"{"message":\#(text),"nodeName":"n","namespace":"voice","podName":"agent-0","containerName":"agent","labels":null,"annotations":null}"#
        }
        #expect(try agentOnlyIncidentFindings(written: "agent.log", json.joined(separator: "\n") + "\n") == bare)
    }
}
