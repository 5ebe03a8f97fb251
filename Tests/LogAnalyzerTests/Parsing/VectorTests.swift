import Foundation
import Testing

@testable import LogAnalyzer

/// Vector's `file` and `console` sinks with `encoding.codec = "json"` (vectordotdev/vector
/// `lib/codecs/src/encoding/format/json.rs`, `JsonSerializer::encode`: `serde_json::to_writer`
/// of the log event, a `BTreeMap` of its fields (vrl `src/value/value.rs`, `ObjectMap`): keys in
/// byte order, no spaces, times as `to_rfc3339_opts(SecondsFormat::AutoSi, true)`), after the
/// `kubernetes_logs` source (`src/sources/kubernetes_logs/mod.rs`: `file`, `message`,
/// `source_type`, `stream`, `timestamp`; `pod_metadata_annotator.rs`: `kubernetes.pod_name`,
/// `kubernetes.container_name`, …), `docker_logs` (`src/sources/docker_logs/mod.rs`) or `file`
/// (`src/sources/file.rs`: `file`, `host`, `message`, `source_type`, `timestamp`).
@Suite struct VectorTests {
    static let pod = "voice-agent-7d9f8c6b5-x2x4q"

    /// An event of `source_type` with the line as its `message` and `time` its time.
    static func event(_ sourceType: String, _ message: String, time: String) throws -> String {
        var fields: [String: Any] = ["message": message, "source_type": sourceType, "timestamp": time]
        switch sourceType {
        case "kubernetes_logs":
            fields["file"] = "/var/log/pods/default_\(pod)_0d3c2b1a-9f8e-4d7c-b6a5-4e3f2a1b0c9d/agent/0.log"
            fields["stream"] = "stderr"
            fields["kubernetes"] = [
                "container_id": "containerd://4f9d6c1e2b3a49d8a7c6b5e4f3a2b1c0", "container_image": "registry.example.com/voice-agent:1.4.2",
                "container_name": "agent", "pod_ip": "10.8.1.23", "pod_ips": ["10.8.1.23"], "pod_labels": ["app": "voice-agent"],
                "pod_name": pod, "pod_namespace": "default", "pod_node_name": "node-a", "pod_owner": "ReplicaSet/voice-agent-7d9f8c6b5",
                "pod_uid": "0d3c2b1a-9f8e-4d7c-b6a5-4e3f2a1b0c9d",
            ]
        case "docker_logs":
            fields["container_created_at"] = "2025-12-11T00:47:58.118042977Z"
            fields["container_id"] = "4f9d6c1e2b3a49d8a7c6b5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4"
            fields["container_name"] = "voice-agent-1"
            fields["host"] = "voicehost"
            fields["image"] = "voice-agent:latest"
            fields["label"] = ["com.docker.compose.service": "agent"]
            fields["stream"] = "stderr"
        default:
            fields["file"] = "/var/log/voice-agent/agent.log"
            fields["host"] = "voicehost"
        }
        let data = try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    /// The bundled agent-only incident collected by Vector from each source gives the bare
    /// log's findings, at the same lines.
    @Test(arguments: ["kubernetes_logs", "docker_logs", "file"])
    func aCollectedIncidentGivesTheBareLogsFindings(_ sourceType: String) throws {
        let bare = findingSummary(analyzeFixture("incident-agent-only"))
        #expect(bare.count == 3)
        let lines = try agentOnlyIncidentLines()
        let events = try lines.map { line in
            // The entry's time: the record's, to the nanosecond (AutoSi: nine digits).
            let stamp = try #require(line.split(separator: "\"timestamp\": \"").last.map { String($0.prefix(26)) })
            return try Self.event(sourceType, line, time: stamp + "123Z")
        }
        #expect(try agentOnlyIncidentFindings(written: "collected.json", events.joined(separator: "\n") + "\n") == bare)
    }

    /// The source as the export names it; a line of text loses its colours and takes the event's
    /// time (`AutoSi`: no fraction for a whole second, else 3, 6 or 9 digits).
    @Test func anEventNamesItsPodContainerOrFile() throws {
        let text = [
            try Self.event("kubernetes_logs", WrapperSamples.agentJSON, time: "2026-03-17T10:00:01.600150123Z"),
            try Self.event("docker_logs", "\u{1B}[32mConnected\u{1B}[0m to: <socket.socket fd=12>", time: "2026-03-17T10:00:03Z"),
            try Self.event("file", WrapperSamples.print, time: "2026-03-17T10:00:03.250Z"),
        ].joined(separator: "\n") + "\n"
        let records = parse(text).records
        #expect(records.map(\.source) == ["pod/\(Self.pod)/agent", "voice-agent-1", "/var/log/voice-agent/agent.log"])
        #expect(records.map(\.format) == [.agentsJSON, .plain, .plain])
        #expect(records.map(\.message) == ["received job request", "Connected to: <socket.socket fd=12>", WrapperSamples.print])
        #expect(records.map { $0.time?.iso8601 } == ["2026-03-17T10:00:01.598Z", "2026-03-17T10:00:03.000Z", "2026-03-17T10:00:03.250Z"])
        // An application's own record that starts with `{"file":` is its own.
        let own = record(#"{"file":"db.py","level":"error","msg":"connection reset by peer","time":"2026-03-17T10:00:00.500Z"}"#)
        #expect(own.format == .json)
        #expect(own.message == "connection reset by peer")
        #expect(own.source == nil)
    }
}
