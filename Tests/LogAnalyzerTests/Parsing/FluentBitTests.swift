import Foundation
import Testing

@testable import LogAnalyzer

/// Fluent Bit's `file` output after its `tail` input read a container's log (fluent/fluent-bit).
/// The record: the `cri` multiline parser's `{"time":…,"stream":…,"_p":"F","log":"<line>"}`
/// (`src/multiline/flb_ml_parser_cri.c`, the regex's groups in order), the `docker` parser's
/// `{"log":"<line>\n","stream":…,"time":…}` or the `cri` parser's `{"time":…,"stream":…,
/// "logtag":"F","message":"<line>"}` (`conf/parsers.conf`), with `"kubernetes":{"pod_name":…,
/// "namespace_name":…,"pod_id":…,…,"container_name":…,…}` after them when the Kubernetes
/// filter ran. The output (`plugins/out_file/file.c`, `write_log_record`): by default
/// `"%s: [%"PRIu64".%09lu, %s]"` of the tag, the event's time and the record as JSON
/// (`flb_msgpack_to_json_str`, escaping `"`, `\`, control characters; `/` as it is); with
/// `format plain` (`plain_output`), the record alone.
@Suite struct FluentBitTests {
    static let pod = "voice-agent-7d9f8c6b5-x2x4q"
    static let tag = "kube.var.log.containers.\(pod)_default_agent-4f9d6c1e2b3a49d8a7c6b5e4f3a2b1c0.log"
    static let kubernetes =
        #""kubernetes":{"pod_name":"\#(pod)","namespace_name":"default","pod_id":"0d3c2b1a-9f8e-4d7c-b6a5-4e3f2a1b0c9d","labels":{"app":"voice-agent"},"host":"node-a","container_name":"agent","docker_id":"4f9d6c1e2b3a49d8a7c6b5e4f3a2b1c0","container_hash":"registry.example.com/voice-agent@sha256:0123abcd","container_image":"registry.example.com/voice-agent:1.4.2"}"#

    /// A string as `flb_utils_write_str` escapes it, quoted.
    static func quote(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\u{1B}": out += "\\u001b"
            default: out.unicodeScalars.append(c)
            }
        }
        return out + "\""
    }

    /// A record of `line` as each parser makes it (`time` the CRI or docker entry's time).
    static func record(_ parser: String, _ line: String, time: String, kubernetes: Bool = true) -> String {
        let k = kubernetes ? "," + Self.kubernetes : ""
        switch parser {
        case "cri":
            return #"{"time":"\#(time)","stream":"stderr","_p":"F","log":\#(quote(line))\#(k)}"#
        case "docker":
            return #"{"log":\#(quote(line + "\n")),"stream":"stderr","time":"\#(time)"\#(k)}"#
        default:
            return #"{"time":"\#(time)","stream":"stderr","logtag":"F","message":\#(quote(line))\#(k)}"#
        }
    }

    /// The bundled agent-only incident collected so gives the bare log's findings, at the same
    /// lines: in the default format and in `format plain`.
    @Test(arguments: ["cri", "docker", "cri-regex"])
    func aCollectedIncidentGivesTheBareLogsFindings(_ parser: String) throws {
        let bare = findingSummary(analyzeFixture("incident-agent-only"))
        #expect(bare.count == 3)
        let lines = try agentOnlyIncidentLines()
        var file: [String] = []
        var plain: [String] = []
        for line in lines {
            // The entry's time: the record's, to the nanosecond.
            let stamp = try #require(line.split(separator: "\"timestamp\": \"").last.map { String($0.prefix(26)) })
            let time = stamp + "123Z"
            let iso = ISO8601DateFormatter()
            let seconds = Int(try #require(iso.date(from: String(stamp.prefix(19)) + "Z")).timeIntervalSince1970)
            let record = Self.record(parser, line, time: time)
            file.append("\(Self.tag): [\(seconds).\(stamp.suffix(6))123, \(record)]")
            plain.append(record)
        }
        #expect(try agentOnlyIncidentFindings(written: "fluent-bit.log", file.joined(separator: "\n") + "\n") == bare)
        #expect(try agentOnlyIncidentFindings(written: "fluent-bit.log", plain.joined(separator: "\n") + "\n") == bare)
    }

    /// `fluent-bit -i tail -p parser=docker -o stdout -p format=json_lines`: the event's time
    /// as the double `date` first, then the record (its `time` read).
    @Test func stdoutJSONLinesAreUnwrapped() throws {
        let text = [
            #"{"date":1773741601.598,"log":\#(Self.quote(WrapperSamples.agentJSON + "\n")),"stream":"stderr","time":"2026-03-17T10:00:01.598000123Z","#
                + Self.kubernetes + "}",
            #"{"date":1773741603.25,"time":"2026-03-17T10:00:03.250000001Z","stream":"stdout","_p":"F","log":\#(Self.quote(WrapperSamples.print))}"#,
            #"{"date":1773741604.5,"log":\#(Self.quote(WrapperSamples.print + "\n")),"stream":"stdout","time":"2026-03-17T10:00:04.500000000Z"}"#,
            // An application's record with a `date` of its own is its own.
            #"{"date":1773741605.5,"level":"error","msg":"connection reset by peer"}"#,
        ].joined(separator: "\n") + "\n"
        let records = parse(text).records
        #expect(records.map(\.source) == ["pod/\(Self.pod)/agent", nil, nil, nil])
        #expect(records.map(\.format) == [.agentsJSON, .plain, .plain, .json])
        #expect(records.map(\.message) == ["received job request", WrapperSamples.print, WrapperSamples.print, "connection reset by peer"])
        #expect(records.map { $0.time?.iso8601 }.prefix(3) == ["2026-03-17T10:00:01.598Z", "2026-03-17T10:00:03.250Z", "2026-03-17T10:00:04.500Z"])
    }

    /// Only the shapes Fluent Bit writes are read as a whole object first: a Go `slog` JSON line,
    /// `time` first, is not (reading it so doubled the instructions of its analysis).
    @Test func onlyFluentBitShapesPassTheRecordsByteTest() {
        let lines: [(String, Bool)] = [
            (#"{"time":"2026-03-17T10:00:03.250000001Z","stream":"stdout","_p":"F","log":"x"}"#, true),
            (#"{"time":"2026-03-17T10:00:03.250000001Z","stream":"stderr","logtag":"F","message":"x"}"#, true),
            (#"{"date":1773741601.598,"log":"x\n","stream":"stderr","time":"2026-03-17T10:00:01.598000123Z"}"#, true),
            (#"{"date":1773741603.25,"time":"2026-03-17T10:00:03.250000001Z","stream":"stdout","_p":"F","log":"x"}"#, true),
            (#"{"time":"2026-03-02T10:00:01.123+00:00","level":"INFO","msg":"request served","status":200}"#, false),
            (#"{"date":1773741605.5,"level":"error","msg":"connection reset by peer"}"#, false),
            (#"{"date":"2026-03-17","stream":"x"}"#, false),
        ]
        for (line, expected) in lines {
            var bytes = Array(line.utf8)
            #expect(bytes.withUnsafeMutableBufferPointer { Wrapper.mayBeFluentBitRecord(UnsafeBufferPointer($0)) } == expected, "\(line)")
        }
    }

    /// The source is the pod and the container, else the tag; a line of text loses its colours
    /// and takes the record's time.
    @Test func aRecordNamesItsPodOrTag() throws {
        let text = [
            "\(Self.tag): [1773741601, {}]",
            "\(Self.tag): [1773741601.598000123, \(Self.record("cri", WrapperSamples.agentJSON, time: "2026-03-17T10:00:01.598000123Z"))]",
            "tail.0: [1773741603.250000000, {\"log\":\(Self.quote("\u{1B}[32mConnected\u{1B}[0m to: <socket.socket fd=12>\n")),\"stream\":\"stdout\",\"time\":\"2026-03-17T10:00:03.250000000Z\"}]",
            Self.record("cri-regex", WrapperSamples.print, time: "2026-03-17T10:00:04.000000001Z"),
        ].joined(separator: "\n") + "\n"
        let records = parse(text).records
        #expect(records.map(\.source) == [nil, "pod/\(Self.pod)/agent", "tail.0", "pod/\(Self.pod)/agent"])
        #expect(records.map(\.format) == [.plain, .agentsJSON, .plain, .plain])
        #expect(records.map(\.message).dropFirst() == ["received job request", "Connected to: <socket.socket fd=12>", WrapperSamples.print])
        #expect(records.map { $0.time?.iso8601 } == [nil, "2026-03-17T10:00:01.598Z", "2026-03-17T10:00:03.250Z", "2026-03-17T10:00:04.000Z"])
    }

    /// `stdout`'s default format (`plugins/out_stdout/stdout.c`: `[%zd] %s: [[<time>, <metadata>],
    /// <record>]` through msgpack-c's `msgpack_object_print`, `{"key"=>value, …}`, strings as
    /// they are, unescaped) after the `cri` multiline parser and the Kubernetes filter: the
    /// incident printed so gives the bare log's findings; without the filter, the tag is the
    /// source.
    @Test func stdoutsMsgpackPrintIsUnwrapped() throws {
        let bare = findingSummary(analyzeFixture("incident-agent-only"))
        #expect(bare.count == 3)
        let kubernetes = #""kubernetes"=>{"pod_name"=>"\#(Self.pod)", "namespace_name"=>"default", "pod_id"=>"0d3c2b1a-9f8e-4d7c-b6a5-4e3f2a1b0c9d", "labels"=>{"app"=>"voice-agent"}, "host"=>"node-a", "container_name"=>"agent", "docker_id"=>"4f9d6c1e2b3a49d8a7c6b5e4f3a2b1c0", "container_hash"=>"registry.example.com/voice-agent@sha256:0123abcd", "container_image"=>"registry.example.com/voice-agent:1.4.2"}"#
        let lines = try agentOnlyIncidentLines()
        var printed: [String] = []
        for (k, line) in lines.enumerated() {
            let stamp = try #require(line.split(separator: "\"timestamp\": \"").last.map { String($0.prefix(26)) })
            let seconds = Int(try #require(ISO8601DateFormatter().date(from: String(stamp.prefix(19)) + "Z")).timeIntervalSince1970)
            printed.append(#"[\#(k % 8)] \#(Self.tag): [[\#(seconds).\#(stamp.suffix(6))123, {}], {"time"=>"\#(stamp)123Z", "stream"=>"stderr", "_p"=>"F", "log"=>"\#(line)", \#(kubernetes)}]"#)
        }
        #expect(try agentOnlyIncidentFindings(written: "fluent-bit.log", printed.joined(separator: "\n") + "\n") == bare)
        let records = parse(printed.prefix(1).joined() + "\n" + #"[0] tail.0: [[1773741603.250000000, {}], {"time"=>"2026-03-17T10:00:03.250000000Z", "stream"=>"stdout", "_p"=>"F", "log"=>"\#(WrapperSamples.print)"}]"# + "\n").records
        #expect(records.map(\.source) == ["pod/\(Self.pod)/agent", "tail.0"])
        #expect(records.map(\.message) == ["starting worker", WrapperSamples.print])
        #expect(records.map { $0.time?.iso8601 } == ["2025-12-11T00:48:03.412Z", "2026-03-17T10:00:03.250Z"])
    }
}

