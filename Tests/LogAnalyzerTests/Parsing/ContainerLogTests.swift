import Foundation
import Testing

@testable import LogAnalyzer

/// The files container runtimes write: docker's `json-file` driver
/// (`/var/lib/docker/containers/<id>/<id>-json.log`, moby `daemon/logger/jsonfilelog`) and the
/// CRI log of containerd and CRI-O (`/var/log/pods/…/0.log`, what `/var/log/containers/*.log`
/// links to; kubernetes `pkg/kubelet/kuberuntime/logs/logs.go`). Both split a line over 16 KiB
/// into several entries.
@Suite struct ContainerLogTests {
    /// An entry as moby's `MarshalJSONBuf` writes it: no spaces, `<>&` escaped, `time` in UTC
    /// with `time.RFC3339Nano` (trailing zeros of the fraction dropped).
    static func docker(_ log: String, stream: String = "stderr", time: String, attrs: String? = nil) -> String {
        var text = String(decoding: try! JSONSerialization.data(withJSONObject: log, options: [.fragmentsAllowed, .withoutEscapingSlashes]), as: UTF8.self)
        for (c, escaped) in [("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")] { text = text.replacingOccurrences(of: c, with: escaped) }
        let attrsMember = attrs.map { "\"attrs\":\($0)," } ?? ""
        return "{\"log\":\(text),\"stream\":\"\(stream)\",\(attrsMember)\"time\":\"\(time)\"}"
    }

    /// A line as the runtime writes it, split every 16 KiB: docker entries or CRI lines.
    static func entries(_ line: String, docker: Bool, stream: String = "stderr", time: String) -> [String] {
        let bytes = Array(line.utf8)
        let parts = stride(from: 0, to: max(bytes.count, 1), by: 16_384).map { String(decoding: bytes[$0..<min($0 + 16_384, bytes.count)], as: UTF8.self) }
        return parts.enumerated().map { k, part in
            let last = k == parts.count - 1
            return docker ? Self.docker(part + (last ? "\n" : ""), stream: stream, time: time) : "\(time) \(stream) \(last ? "F" : "P") \(part)"
        }
    }

    @Test func dockerJSONFileEntriesAreUnwrapped() throws {
        let text = [
            Self.docker(WrapperSamples.agentJSON + "\n", time: "2026-03-17T10:00:01.600123456Z"),
            Self.docker(WrapperSamples.agentText + "\n", time: "2026-03-17T10:00:02.1051Z", attrs: #"{"com.docker.compose.service":"agent"}"#),
            Self.docker(WrapperSamples.zap + "\n", stream: "stdout", time: "2026-03-17T10:00:00.7Z"),
            // A TTY's line ends with `\r\n`.
            Self.docker(WrapperSamples.print + "\r\n", stream: "stdout", time: "2026-03-17T10:00:03.25Z"),
        ].joined(separator: "\n")
        #expect(text.contains(#"<socket.socket"#) == false)
        try WrapperSamples.expectRecords(parse(text + "\n").records, sources: [nil, nil, nil, nil])
    }

    @Test func criLinesAreUnwrapped() throws {
        let text = [
            "2026-03-17T10:00:01.600123456Z stderr F \(WrapperSamples.agentJSON)",
            // CRI-O's stamps: local time with its offset, nine digits.
            "2026-03-17T11:00:02.105000000+01:00 stderr F \(WrapperSamples.agentText)",
            "2026-03-17T10:00:00.7Z stdout F \(WrapperSamples.zap)",
            "2026-03-17T10:00:03.25Z stdout F:x \(WrapperSamples.print)",
        ].joined(separator: "\n")
        try WrapperSamples.expectRecords(parse(text + "\n").records, sources: [nil, nil, nil, nil])
    }

    /// A 40 KB record split at 16 KiB into three entries, with the other stream's line between
    /// its first two: one record, numbered as its first entry, the bytes of every part kept.
    @Test func aSplitLineIsJoinedFromItsEntries() throws {
        let pad = String(repeating: "x", count: 40_000) + " "
        let long =
            #"{"message": "Generating initial greeting", "level": "INFO", "name": "agent", "pid": 48213, "job_id": "AJ_p9KdW3xYzQ2r", "pad": "\#(pad)", "timestamp": "2026-03-17T10:00:01.668412+00:00"}"#
        for docker in [true, false] {
            var parts = Self.entries(long, docker: docker, time: "2026-03-17T10:00:01.67Z")
            #expect(parts.count == 3)
            let other = docker ? Self.docker("Connected to: x\n", stream: "stdout", time: "2026-03-17T10:00:01.7Z") : "2026-03-17T10:00:01.7Z stdout F Connected to: x"
            parts.insert(other, at: 1)
            parts.append(contentsOf: Self.entries(WrapperSamples.agentJSON, docker: docker, time: "2026-03-17T10:00:02Z"))
            let (records, diagnostics) = parse(parts.joined(separator: "\n") + "\n")
            #expect(records.map(\.line) == [2, 1, 5], "docker \(docker)")
            #expect(records.map(\.format) == [.plain, .agentsJSON, .agentsJSON])
            #expect(records.map(\.message) == ["Connected to: x", "Generating initial greeting", "received job request"])
            #expect(records[1].ids.jobId == "AJ_p9KdW3xYzQ2r")
            #expect(records[1].time?.iso8601 == "2026-03-17T10:00:01.668Z")
            // (Compared by length and ends: a failure prints both values.)
            let joined = records[1].field("pad")?.stringValue ?? ""
            #expect(joined.utf8.count == 40_001 && joined.allSatisfy { $0 == "x" || $0 == " " } && joined.hasSuffix("x "))
            #expect(diagnostics.lines == [])
        }
    }

    /// The last entry of a split line never came (the file ends there): its parts are a line.
    @Test func aSplitLineCutByTheEndOfTheLogIsKept() throws {
        for docker in [true, false] {
            let parts = Self.entries(String(repeating: "y", count: 20_000) + " tail", docker: docker, time: "2026-03-17T10:00:01Z")
            let (records, _) = parse(parts.dropLast().joined(separator: "\n") + "\n")
            #expect(records.count == 1)
            #expect(records.first?.line == 1)
            #expect(records.first?.message == String(repeating: "y", count: 16_384))
            #expect(records.first?.time?.iso8601 == "2026-03-17T10:00:01.000Z")
        }
    }

    /// A container that stopped in the middle of a line (the copier logs what it holds at EOF as
    /// a partial entry, moby `daemon/logger/copier.go`) and was restarted: docker gives every
    /// entry of a split line the first one's time (`partialTS`), so the restarted container's
    /// first entry, at another time, is a line of its own.
    @Test func aDockerLineTheContainerNeverEndedIsNotJoinedToTheNextOne() throws {
        let text = [
            Self.docker("Downloading model files 45%", stream: "stdout", time: "2026-03-17T10:00:01.5Z"),
            Self.docker(WrapperSamples.agentJSON + "\n", stream: "stdout", time: "2026-03-17T10:05:00.25Z"),
        ].joined(separator: "\n")
        let records = parse(text + "\n").records
        #expect(records.map(\.line) == [1, 2])
        #expect(records.map(\.format) == [.plain, .agentsJSON])
        #expect(records.map(\.message) == ["Downloading model files 45%", "received job request"])
        #expect(records.map(\.ids.jobId) == [nil, "AJ_AlphA9z8Y7x6"])
    }

    /// A split line is kept up to 1 MiB, as the line reader keeps a long line, with a note.
    @Test func aSplitLineOverOneMiBIsCut() throws {
        let line = String(repeating: "z", count: StreamParser.maxSplitLineBytes + 50_000)
        let parts = Self.entries(line, docker: false, time: "2026-03-17T10:00:01Z") + ["2026-03-17T10:00:02Z stdout F after"]
        #expect(parts.count == 69)
        let (records, diagnostics) = parse(parts.joined(separator: "\n") + "\n")
        #expect(records.map(\.line) == [1, 69])
        #expect(records.map(\.message.utf8.count) == [StreamParser.maxSplitLineBytes, 5])
        #expect(diagnostics.lines.count == 1)
        #expect(diagnostics.lines.first?.hasSuffix("input.log:1: warning: line longer than 1048576 bytes, split by the container runtime; cut to that length") == true)
    }

    /// An ANSI-coloured dev-text record (a TTY's; the agents formatter's colours as a real
    /// 1.8.9 capture has them, `RealCaptures/agents-1.8.9-mem-dev.log`), escaped in docker's JSON.
    @Test func dockerEntriesLoseTheirColours() throws {
        let coloured =
            "2026-03-17 10:00:02,104 - \u{1B}[31mERROR\u{1B}[0m livekit.agents - unhandled exception while running the job task \u{1B}[90m{\"job_id\": \"AJ_AlphA9z8Y7x6\", \"pid\": 71001}\u{1B}[0m"
        let entry = Self.docker(coloured + "\r\n", stream: "stdout", time: "2026-03-17T10:00:02.2Z")
        #expect(entry.contains("\\u001b[31mERROR"))
        let record = try #require(parse(entry + "\n").records.first)
        #expect(record.format == .agentsText)
        #expect(record.level == .error)
        #expect(record.message == "unhandled exception while running the job task")
        #expect(record.ids.jobId == "AJ_AlphA9z8Y7x6")
        #expect(record.ids.pid == 71001)
    }

    /// A container runtime's file shipped to Loki as it is (Promtail scraping
    /// `/var/lib/docker/containers/*/*-json.log` or `/var/log/pods` without its `docker` or `cri`
    /// stage), exported with `logcli query -o jsonl`: the line in the runtime's entry.
    @Test func containerEntriesInsideLokiExports() throws {
        let coloured =
            "2026-03-17 10:00:02,104 - \u{1B}[31mERROR\u{1B}[0m livekit.agents - unhandled exception while running the job task \u{1B}[90m{\"job_id\": \"AJ_AlphA9z8Y7x6\", \"pid\": 71001}\u{1B}[0m"
        func logcli(_ line: String) throws -> String {
            let json = String(decoding: try JSONSerialization.data(withJSONObject: line, options: [.fragmentsAllowed, .withoutEscapingSlashes]), as: UTF8.self)
            return #"{"labels":{"job":"containers"},"line":\#(json),"timestamp":"2026-03-17T10:00:02.3Z"}"#
        }
        for line in [Self.docker(coloured + "\r\n", stream: "stdout", time: "2026-03-17T10:00:02.2Z"), "2026-03-17T10:00:02.2Z stdout F \(coloured)"] {
            let r = try #require(parse(try logcli(line) + "\n").records.first)
            #expect(r.format == .agentsText)
            #expect(r.level == .error)
            #expect(r.message == "unhandled exception while running the job task")
            #expect(r.ids.jobId == "AJ_AlphA9z8Y7x6")
            #expect(r.time?.iso8601 == "2026-03-17T10:00:02.104Z")
        }
    }

    /// An application's own JSON record with a `log` key, and text after a stamp that only
    /// starts like a stream's name, keep their shapes.
    @Test func lookAlikesAreNotContainerEntries() throws {
        let text = [
            #"{"log":"db.py:42","stream":"stdout","time":"2026-03-17T10:00:01Z","msg":"query"}"#,
            #"{"log":"x\n","stream":"console","time":"2026-03-17T10:00:01Z"}"#,
            "2026-03-17T10:00:02Z stdout is closed",
            "2026-03-17T10:00:03Z stderr Pipe broken",
        ].joined(separator: "\n")
        let records = parse(text + "\n").records
        #expect(records.map(\.format) == [.json, .json, .plain, .plain])
        #expect(records.map(\.message).suffix(2) == ["stdout is closed", "stderr Pipe broken"])
    }

    /// Split lines across the pieces of a file read on several threads: the same records.
    @Test func splitLinesReadInPiecesGiveTheSameRecords() throws {
        let dir = TempDir()
        for docker in [true, false] {
            var lines: [String] = []
            for k in 0..<12 {
                let pad = String(repeating: "p", count: 9_000 * (k % 4))
                let record =
                    #"{"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "AJ_AlphA9z8Y7x\#(k % 10)", "pad": "\#(pad)", "timestamp": "2026-03-17T10:00:\#(10 + k).5+00:00"}"#
                let stream = k % 3 == 0 ? "stdout" : "stderr"
                var parts = Self.entries(record, docker: docker, stream: stream, time: "2026-03-17T10:00:\(10 + k).6Z")
                // The other stream's line between a split line's parts: a piece that starts after
                // it is primed by it into the state of the pieces before, but for the split line.
                if parts.count > 1 {
                    let other = #"{"message": "process initialized", "level": "INFO", "name": "livekit.agents", "pid": 4\#(k), "timestamp": "2026-03-17T10:00:\#(10 + k).55+00:00"}"#
                    parts.insert(contentsOf: Self.entries(other, docker: docker, stream: stream == "stdout" ? "stderr" : "stdout", time: "2026-03-17T10:00:\(10 + k).7Z"), at: 1)
                }
                lines += parts
            }
            let path = dir.write(docker ? "docker.log" : "cri.log", lines.joined(separator: "\n") + "\n")
            let expected = SplitReadingTests.sequential(path)
            #expect(expected.records.count == 18)
            for pieceBytes in [97, 4096, 20_000] {
                let (outcome, _) = try #require(SplitReadingTests.split(path, pieceBytes: pieceBytes))
                #expect(outcome == expected, "docker \(docker), cut every \(pieceBytes) bytes")
            }
        }
    }

    /// The bundled agent-only incident, as docker's json-file driver and a CRI runtime write
    /// it, gives the bare log's findings.
    @Test func aWrappedFixtureGivesTheBareOnesFindings() throws {
        let bare = findingSummary(analyzeFixture("incident-agent-only"))
        #expect(bare.count == 3)
        let lines = try agentOnlyIncidentLines()
        let times = lines.indices.map { String(format: "2025-12-11T00:%02d:%02d.%06dZ", 48 + $0 / 60, $0 % 60, $0 * 1_000) }
        let docker = zip(lines, times).map { Self.docker($0 + "\n", time: $1) }
        let cri = zip(lines, times).map { "\($1) stderr F \($0)" }
        #expect(try agentOnlyIncidentFindings(written: "agent.log", docker.joined(separator: "\n") + "\n") == bare)
        #expect(try agentOnlyIncidentFindings(written: "agent.log", cri.joined(separator: "\n") + "\n") == bare)
    }
}
