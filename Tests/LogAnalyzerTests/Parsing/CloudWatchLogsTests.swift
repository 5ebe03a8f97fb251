import Foundation
import Testing

@testable import LogAnalyzer

/// AWS CloudWatch Logs as the AWS CLI v2 prints them (aws/aws-cli, branch v2).
///
/// `aws logs tail` (`awscli/customizations/logs/tail.py`): `DetailedLogEventsFormatter`, the
/// default, writes `'%s %s %s' % (timestamp.isoformat(timespec='microseconds'), logStreamName,
/// message)`, the time a UTC `datetime` (`TimestampUtils.to_datetime`: `+00:00`, six fraction
/// digits); `ShortLogEventsFormatter` (`--format short`) writes `strftime("%Y-%m-%dT%H:%M:%S")`
/// and the message. `aws logs get-log-events` / `filter-log-events` print the response as JSON
/// (`awscli/formatter.py`, `JSONFormatter`: `json.dump(…, indent=4, ensure_ascii=False)`), its
/// `events` the service model's `OutputLogEvent` (`timestamp`, `message`, `ingestionTime`) or
/// `FilteredLogEvent` (with `logStreamName` and `eventId`). ECS's `awslogs` driver sends each
/// line the container wrote as an event's message, in the stream `prefix/container/task-id`.
@Suite struct CloudWatchLogsTests {
    static let stream = "ecs/agent/0f1e2d3c4b5a49788796a5b4c3d2e1f0"

    @Test func awsLogsTailDetailedLinesAreUnwrappedAndNameTheirStream() throws {
        let server = "ecs/livekit-server/9a8b7c6d5e4f43219876fedcba012345"
        let text = [
            "2026-03-17T10:00:01.600000+00:00 \(Self.stream) \(WrapperSamples.agentJSON)",
            "2026-03-17T10:00:02.105000+00:00 \(Self.stream) \(WrapperSamples.agentText)",
            "2026-03-17T10:00:00.601000+00:00 \(server) \(WrapperSamples.zap)",
            "2026-03-17T10:00:03.250000+00:00 \(Self.stream) \(WrapperSamples.print)",
        ].joined(separator: "\n")
        try WrapperSamples.expectRecords(parse(text + "\n").records, sources: [Self.stream, Self.stream, server, Self.stream])
        // With colour (a terminal, or `--color on`): colorama's green time and cyan stream.
        let coloured = record("\u{1B}[32m2026-03-17T10:00:03.250000+00:00\u{1B}[0m \u{1B}[36m\(Self.stream)\u{1B}[0m \(WrapperSamples.print)")
        #expect(coloured.message == WrapperSamples.print)
        #expect(coloured.source == Self.stream)
        #expect(coloured.time?.iso8601 == "2026-03-17T10:00:03.250Z")
        // Docker's `awslogs` driver names the stream after the container's id; Lambda by day and version.
        let docker = record("2026-03-17T10:00:03.250000+00:00 4f9d6c1e2b3a49d8a7c6b5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4 \(WrapperSamples.print)")
        #expect(docker.source == "4f9d6c1e2b3a49d8a7c6b5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4")
        #expect(docker.message == WrapperSamples.print)
        let lambda = record("2026-03-17T10:00:03.250000+00:00 2026/03/17/[$LATEST]0123456789abcdef0123456789abcdef \(WrapperSamples.print)")
        #expect(lambda.source == "2026/03/17/[$LATEST]0123456789abcdef0123456789abcdef")
        #expect(lambda.message == WrapperSamples.print)
    }

    /// A line's own `isoformat()` time followed by words that are no stream's name keeps them.
    @Test func anIsoformatTimeBeforeOrdinaryWordsIsNoStream() {
        let words = record("2026-03-17T10:00:03.250000+00:00 Starting worker on port 8081")
        #expect(words.message == "Starting worker on port 8081")
        #expect(words.source == nil)
        let level = record("2026-03-17T10:00:03.250000+00:00 INFO agent: connected to room-1")
        #expect(level.message.hasSuffix("connected to room-1"))
        #expect(level.source == nil)
        let logger = record("2026-03-17T10:00:03.250000+00:00 agent1: connected")
        #expect(logger.message == "agent1: connected")
        #expect(logger.source == nil)
        // A record with its own date and time behind such a stamp.
        let dated = record("2026-03-17T10:00:02.105000+00:00 \(WrapperSamples.agentText)")
        #expect(dated.format == .agentsText)
        #expect(dated.message == "unhandled exception while running the job task")
        #expect(dated.source == nil)
        // journalctl's precise ISO time, `host proc[pid]: `, is journald's.
        let journald = record("2026-03-17T10:00:03.250000+00:00 voicehost agent[71001]: \(WrapperSamples.print)")
        #expect(journald.message == WrapperSamples.print)
        #expect(journald.source == "agent")
        #expect(journald.ids.pid == 71001)
    }

    /// `--format short`: the time to the second, no zone (UTC, read in `--tz`), then the message.
    @Test func awsLogsTailShortLinesAreUnwrapped() {
        var options = IngestOptions()
        options.timeZone = .utc
        let text = [
            "2026-03-17T10:00:01 \(WrapperSamples.agentJSON)",
            "2026-03-17T10:00:02 \(WrapperSamples.agentText)",
            "2026-03-17T10:00:00 \(WrapperSamples.zap)",
            "2026-03-17T10:00:03 \(WrapperSamples.print)",
        ].joined(separator: "\n")
        let records = parse(text + "\n", options: options).records
        #expect(records.map { $0.time?.iso8601 } == ["2026-03-17T10:00:01.598Z", "2026-03-17T10:00:02.104Z", "2026-03-17T10:00:00.600Z", "2026-03-17T10:00:03.000Z"])
        #expect(records.map(\.format) == [.agentsJSON, .agentsText, .zapConsole, .plain])
        #expect(records.map(\.message) == ["received job request", "unhandled exception while running the job task", "selected node for room", WrapperSamples.print])
    }

    /// The events as the AWS CLI prints them: Python's `json.dumps(…, indent=4, ensure_ascii=False)`.
    static func document(_ events: [[(String, String)]], after: String) -> String {
        let objects = events.map { members in
            "        {\n" + members.map { "            \(quoteJSON($0.0)): \($0.1)" }.joined(separator: ",\n") + "\n        }"
        }
        return "{\n    \"events\": [\n" + objects.joined(separator: ",\n") + "\n    ],\n" + after + "\n}\n"
    }

    static let events: [(Int64, String)] = [
        (1_773_741_601_600, WrapperSamples.agentJSON), (1_773_741_602_105, WrapperSamples.agentText), (1_773_741_600_601, WrapperSamples.zap), (1_773_741_603_250, WrapperSamples.print),
    ]

    @Test func getLogEventsOutputIsReadAnEventALine() throws {
        let text = Self.document(
            Self.events.map { [("timestamp", "\($0.0)"), ("message", Self.quoteJSON($0.1)), ("ingestionTime", "\($0.0 + 41)")] },
            after: #"    "nextForwardToken": "f/39051773741603250000000000000000000000000000000000000000/s", "nextBackwardToken": "b/39051773741601600000000000000000000000000000000000000000/s""#)
        try WrapperSamples.expectRecords(parse(text, name: "agent.json").records, sources: [nil, nil, nil, nil])
    }

    @Test func filterLogEventsOutputIsReadWithEachEventsStream() throws {
        let server = "ecs/livekit-server/9a8b7c6d5e4f43219876fedcba012345"
        let text = Self.document(
            Self.events.enumerated().map { k, event in
                [
                    ("logStreamName", Self.quoteJSON(k == 2 ? server : Self.stream)), ("timestamp", "\(event.0)"),
                    ("message", Self.quoteJSON(event.1)), ("ingestionTime", "\(event.0 + 41)"), ("eventId", Self.quoteJSON("3905\(event.0)")),
                ]
            },
            after: #"    "searchedLogStreams": []"#)
        try WrapperSamples.expectRecords(parse(text, name: "events.json").records, sources: [Self.stream, Self.stream, server, Self.stream])
    }

    /// An application's own JSON records with a `message` and a numeric `timestamp`, saved as a
    /// pretty-printed array, stay its own: no `ingestionTime`, or a key CloudWatch has not.
    @Test func anApplicationsTimestampAndMessageAreNoCloudWatchEvent() {
        let text = """
            [
                {
                    "timestamp": 1773741603250,
                    "message": "connection reset by peer",
                    "level": "error"
                },
                {
                    "timestamp": 1773741603251,
                    "message": "retrying"
                },
                {
                    "timestamp": 1773741603252,
                    "message": "gave up",
                    "ingestionTime": 1773741603300,
                    "level": "error"
                }
            ]

            """
        let records = parse(text, name: "app.json").records
        // (Read as they were before CloudWatch's events were: the level is the record's own.)
        #expect(records.map(\.format) == [.agentsJSON, .json, .agentsJSON])
        #expect(records.map(\.message) == ["connection reset by peer", "retrying", "gave up"])
        #expect(records.map(\.level) == [.error, nil, .error])
        #expect(records.map { $0.time?.iso8601 } == ["2026-03-17T10:00:03.250Z", "2026-03-17T10:00:03.251Z", "2026-03-17T10:00:03.252Z"])
    }

    static func quoteJSON(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\t", with: "\\t") + "\""
    }

    /// The bundled agent-only incident, wrapped as `aws logs tail` and `get-log-events` print
    /// it, gives the findings the bare log gives, at the same lines.
    @Test func aWrappedFixtureGivesTheBareOnesFindings() throws {
        let bare = findingSummary(analyzeFixture("incident-agent-only"))
        #expect(bare.count == 3)
        let lines = try agentOnlyIncidentLines()
        let iso = ISO8601DateFormatter()
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var tail: [String] = []
        var events: [[(String, String)]] = []
        for line in lines {
            // The event's time: the record's, to the millisecond (the driver reads the line then).
            let stamp = try #require(line.split(separator: "\"timestamp\": \"").last.map { String($0.prefix(23)) })
            tail.append("\(stamp)000+00:00 \(Self.stream) \(line)")
            let millis = Int64((try #require(iso.date(from: stamp + "Z"))).timeIntervalSince1970 * 1000 + 0.5)
            events.append([("timestamp", "\(millis)"), ("message", Self.quoteJSON(line)), ("ingestionTime", "\(millis + 40)")])
        }
        for (name, text) in [("agent.log", tail.joined(separator: "\n") + "\n"), ("agent.json", Self.document(events, after: #"    "nextForwardToken": "f/1""#))] {
            #expect(try agentOnlyIncidentFindings(written: name, text) == bare, "\(name)")
        }
    }

    /// A JSON text as Python's `json.dumps(json.loads(text), indent=4)` prints it: members in
    /// their order, each on a line indented four spaces a level, `": "` after a key, `","` at
    /// the end of a line, an empty object or list as `{}` / `[]`.
    static func pythonIndented(_ json: String) -> String {
        var out = ""
        var depth = 0
        var inString = false
        var escaped = false
        var chars = Array(json)[...]
        func newline() { out += "\n" + String(repeating: " ", count: 4 * depth) }
        while let c = chars.popFirst() {
            if inString {
                out.append(c)
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { inString = false }
                continue
            }
            switch c {
            case "\"":
                inString = true
                out.append(c)
            case "{", "[":
                out.append(c)
                while chars.first == " " { chars.removeFirst() }
                if chars.first == "}" || chars.first == "]" {
                    out.append(chars.removeFirst())
                } else {
                    depth += 1
                    newline()
                }
            case "}", "]":
                depth -= 1
                newline()
                out.append(c)
            case ",":
                out.append(c)
                newline()
                while chars.first == " " { chars.removeFirst() }
            case ":":
                out += ": "
                while chars.first == " " { chars.removeFirst() }
            case " ":
                continue
            default:
                out.append(c)
            }
        }
        return out
    }

    /// `aws logs tail --format json` (`PrettyJSONLogEventsFormatter.display_log_event`: `'%s %s
    /// %s' % (timestamp.isoformat(), logStreamName, '\n' + json.dumps(json.loads(message),
    /// indent=4))`, then `rstrip() + '\n'`): an event whose message is JSON is its time, its
    /// stream and a space on one line, the JSON indented on the next; `isoformat()` leaves the
    /// fraction out of a whole second. The bundled agent-only incident printed so gives the bare
    /// log's findings, at the events' first lines.
    @Test func awsLogsTailJSONEventsAreJoined() throws {
        let bare = try #require(analyzeFixture("incident-agent-only").findings.first { $0.rule == "slow-greeting" })
        #expect(bare.message == "greeting took 5.37 s (over the 5.0 s error threshold): LLM ttft 0.91 s, TTS ttfb 0.62 s, audio 3.41 s")
        let lines = try agentOnlyIncidentLines()
        var text = ""
        var firstLines: [Int] = []
        var lineNumber = 1
        for (k, line) in lines.enumerated() {
            // The event's time: the record's, to the millisecond; the first one a whole second.
            var stamp = try #require(line.split(separator: "\"timestamp\": \"").last.map { String($0.prefix(23)) })
            stamp = k == 0 ? String(stamp.prefix(19)) + "+00:00" : stamp + "000+00:00"
            let json = Self.pythonIndented(line)
            text += "\(stamp) \(Self.stream) \n\(json)\n"
            firstLines.append(lineNumber)
            lineNumber += 1 + json.split(separator: "\n").count
        }
        let bareSummary = findingSummary(analyzeFixture("incident-agent-only"))
        #expect(bareSummary.count == 3)
        let mapped = bareSummary.map { f in f.replacing(#/ (\d+)( \||$)/#) { m in " \(firstLines[Int(m.1)! - 1])\(m.2)" } }
        #expect(try agentOnlyIncidentFindings(written: "agent.log", text) == mapped)
        // A record's stream and the time of its header (the first event's a whole second).
        let records = parse(text).records
        #expect(records.count == lines.count)
        #expect(records.allSatisfy { $0.source == Self.stream && $0.format == .agentsJSON })
        #expect(records.first.map { [$0.line, records[1].line] } == [1, 10])
        #expect(records.first?.message == "starting worker")
        // An event whose message was empty (no JSON: `'%s %s %s'` then `rstrip()`): the time
        // and stream alone, the next line read as any other.
        let empty = parse("2026-03-17T10:00:03.250000+00:00 \(Self.stream)\n2026-03-17T10:00:03.251000+00:00 \(Self.stream) \(WrapperSamples.print)\n").records
        #expect(empty.map(\.message) == [WrapperSamples.print])
        #expect(empty.map(\.line) == [2])
        // A whole second before a line of text: a stream named with a `/` (ECS, Lambda) is one;
        // an application's own stamp and an address are its own.
        let whole = parse("2026-03-17T10:00:03+00:00 \(Self.stream) \(WrapperSamples.print)\n2026-03-17T10:00:04+00:00 10.0.0.1 GET /api/token 200\n").records
        #expect(whole.map(\.source) == [Self.stream, nil])
        #expect(whole.map(\.message) == [WrapperSamples.print, "10.0.0.1 GET /api/token 200"])
        #expect(whole.map { $0.time?.iso8601 } == ["2026-03-17T10:00:03.000Z", "2026-03-17T10:00:04.000Z"])
    }
}

extension CloudWatchLogsTests {
    /// An `aws logs tail --format json` event cut short (the CLI killed mid-print, a file cut)
    /// and the next event's header at column 0: the cut event is read as far as it went, and
    /// the next event is its own record (its header was taken into the cut event before).
    @Test func aCutEventEndsAtTheNextEventsHeader() {
        let text = """
            2026-03-17T10:00:03.250000+00:00 \(Self.stream) \n{
                "message": "received job request",
                "level": "INFO",
            2026-03-17T10:00:03.251000+00:00 \(Self.stream) \n{
                "message": "greeting sent",
                "level": "INFO"
            }

            """
        let records = parse(text).records
        #expect(records.map(\.line) == [1, 5])
        #expect(records.map(\.message) == [#"{     "message": "received job request",     "level": "INFO","#, "greeting sent"])
        #expect(records.map { $0.time?.iso8601 } == ["2026-03-17T10:00:03.250Z", "2026-03-17T10:00:03.251Z"])
        #expect(records.map(\.source) == [Self.stream, Self.stream])
    }
}
