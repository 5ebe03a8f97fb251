import Foundation
import Testing

@testable import LogAnalyzer

@Suite struct WrapperTests {
    @Test func dockerComposePrefixIsStrippedAndNamesTheSource() {
        let r = record(#"agent-demo  | {"message": "registered worker", "level": "INFO", "name": "livekit.agents", "id": "AW_aaaaaaaaaaaa", "timestamp": "2025-02-19T19:31:01.250000+00:00"}"#)
        #expect(r.format == .agentsJSON)
        #expect(r.source == "agent-demo")
        #expect(r.time?.iso8601 == "2025-02-19T19:31:01.250Z")
    }

    @Test func composeTimestampsGiveTimeToLinesWithoutOne() {
        let r = record("backend-1  | 2025-02-19T19:31:01.123456789Z INFO:     127.0.0.1:5000 - \"POST /api/token HTTP/1.1\" 200 OK")
        #expect(r.format == .uvicorn)
        #expect(r.source == "backend-1")
        #expect(r.time?.iso8601 == "2025-02-19T19:31:01.123Z")
        #expect(r.field("status_code") == .number("200"))
    }

    @Test func composeDashTSpaceSeparatedTime() {
        let r = record("agent  | 2025-02-19 19:31:01 {\"message\": \"x\", \"level\": \"INFO\", \"name\": \"agent\", \"timestamp\": \"2025-02-19T19:31:00.900000+00:00\"}")
        #expect(r.format == .agentsJSON)
        // The record's own stamp wins over the wrapper's.
        #expect(r.time?.iso8601 == "2025-02-19T19:31:00.900Z")
    }

    /// A log viewer's `service | local time | line` (pasted in
    /// https://github.com/CoreWorxLab/CAAL/issues/23): the `| ` after its stamp is the wrapper's,
    /// so the agent's JSON and the server's zap line behind it are records with their own times.
    @Test func pipeAfterAViewersStampBeforeAJSONOrZapRecordIsTheWrappers() {
        let result = parse("""
            agent    | 2026-01-17 21:26:37.251 | {"level": "ERROR", "name": "livekit", "message": "livekit::rtc_engine:766:livekit::rtc_engine - resuming connection... attempt: 5", "pid": 60, "job_id": "AJ_HEp7Fe2ZP78Q", "room_id": "RM_SU4VXQTNVaCC", "timestamp": "2026-01-18T04:26:37.251290+00:00"}
            livekit  | 2026-01-17 21:26:37.253 | 2026-01-18T04:26:37.253Z\tERROR\tlivekit\tservice/signal.go:186\tcould not handle new participant\t{"room": "voice_assistant_room", "participant": "agent-AJ_HEp7Fe2ZP78Q", "connID": "CO_zjQ5wpBzHFbs", "error": "could not restart participant"}
            agent    | 2026-01-17 21:26:17.302 |   STT capabilities: streaming=False

            """)
        #expect(result.records.map { "\($0.format.rawValue) \($0.time?.iso8601 ?? "-") \($0.level?.name ?? "-") \($0.source ?? "-") \($0.message)" } == [
            "agents-json 2026-01-18T04:26:37.251Z error agent resuming connection... attempt: 5",
            "zap-console 2026-01-18T04:26:37.253Z error livekit could not handle new participant",
            "plain 2026-01-17T21:26:17.302Z - agent |   STT capabilities: streaming=False",
        ])
        #expect(result.records[0].ids.jobId == "AJ_HEp7Fe2ZP78Q")
        #expect(result.records[0].ids.roomSid == "RM_SU4VXQTNVaCC")
        #expect(result.records[1].ids.room == "voice_assistant_room")
        #expect(result.records[1].ids.participant == "agent-AJ_HEp7Fe2ZP78Q")
    }

    /// The same viewer's stamp without a service, before a livekit-server line (pasted in
    /// https://github.com/bekriebel/fvtt-module-avclient-livekit/issues/106).
    @Test func pipeAfterAViewersStampWithoutAServiceBeforeAZapLine() {
        let r = record("2026-06-30 15:29:19.476 | 2026-06-30T22:29:19.475Z\tINFO\tlivekit\tredis/redis.go:145\tconnecting to redis\t{\"simple\": true, \"addr\": \"redis:6379\"}")
        #expect(r.format == .zapConsole)
        #expect(r.time?.iso8601 == "2026-06-30T22:29:19.475Z")
        #expect(r.message == "connecting to redis")
        #expect(r.field("caller") == .string("redis/redis.go:145"))
    }

    /// loguru's default layout has the same `YYYY-MM-DD HH:mm:ss.SSS | ` start: its level after
    /// the `|` keeps the line what it was.
    @Test func loguruLineKeepsItsPipe() {
        let r = record("2026-07-29 05:46:13.123 | INFO     | voice.telephony.controller:on_stasis_start:1128 - call started")
        #expect(r.message == "| INFO     | voice.telephony.controller:on_stasis_start:1128 - call started")
        #expect(r.time?.iso8601 == "2026-07-29T05:46:13.123Z")
    }

    /// An AWS console's copy of a worker's JSON log (pasted in
    /// https://github.com/livekit-examples/agent-deployment/issues/5) puts a space before some
    /// records and after each: they are the records still.
    @Test func jsonRecordAfterSpacesFromAConsoleCopyIsARecord() {
        let result = parse("""
            {"message": "failed to connect to livekit, retrying in 0s: worker connection closed unexpectedly", "level": "WARNING", "name": "livekit.agents", "timestamp": "2024-11-20T13:18:22.185853+00:00"}\u{20}

             {"message": "job exiting", "level": "INFO", "name": "livekit.agents", "reason": "room disconnected", "pid": 23, "job_id": "AJ_8G9FeNiaYgP8", "timestamp": "2024-11-20T13:18:22.124317+00:00"}\u{20}

            """)
        #expect(result.records.map { "\($0.line) \($0.format.rawValue) \($0.time?.iso8601 ?? "-") \($0.level?.name ?? "-") \($0.message)" } == [
            "1 agents-json 2024-11-20T13:18:22.185Z warning failed to connect to livekit, retrying in 0s: worker connection closed unexpectedly",
            "3 agents-json 2024-11-20T13:18:22.124Z info job exiting",
        ])
        #expect(result.records[1].ids.jobId == "AJ_8G9FeNiaYgP8")
        #expect(result.records[1].ids.pid == 23)
    }

    @Test func kubectlTimestampsAndPrefix() {
        let r = record("[pod/agent-7d9f/agent] 2025-11-19T21:36:26.710123456Z Connected to: <socket.socket fd=3>")
        #expect(r.format == .plain)
        #expect(r.source == "pod/agent-7d9f/agent")
        #expect(r.message == "Connected to: <socket.socket fd=3>")
        #expect(r.time?.iso8601 == "2025-11-19T21:36:26.710Z")
    }

    @Test func kubectlTimestampInFrontOfAZapConsoleLine() {
        let r = record("2025-08-26T08:11:13.199543211Z 2025-08-26T08:11:13.199Z\tINFO\tlivekit\tservice/roommanager.go:371\troom closed\t{\"room\": \"r1\"}")
        #expect(r.format == .zapConsole)
        #expect(r.message == "room closed")
        #expect(r.ids.room == "r1")
    }

    /// `logcli query` without `--no-labels`: the time (RFC 3339, whole seconds), then the
    /// stream's label set padded to the widest one, then the line.
    @Test func logcliDefaultOutputWithLabels() {
        let agent = record(#"2026-03-17T10:00:01Z {app="voice-agent", container="agent", pod="agent-6f7d9c-x2lq"}      {"message": "Generating initial greeting", "level": "INFO", "name": "agent", "pid": 71001, "job_id": "AJ_AlphA9z8Y7x6", "timestamp": "2026-03-17T10:00:01.600000+00:00"}"#)
        #expect(agent.format == .agentsJSON)
        #expect(agent.message == "Generating initial greeting")
        #expect(agent.time?.iso8601 == "2026-03-17T10:00:01.600Z")
        #expect(agent.ids.jobId == "AJ_AlphA9z8Y7x6")
        let server = record("2026-03-17T11:00:00+01:00 {app=\"livekit-server\", namespace=\"prod\"} 2026-03-17T10:00:00.600Z\tINFO\tlivekit\tservice/roomallocator.go:166\tselected node for room\t{\"room\": \"room-alpha\", \"roomID\": \"RM_AlphA1b2C3d4\"}")
        #expect(server.format == .zapConsole)
        #expect(server.message == "selected node for room")
        #expect(server.ids.roomSid == "RM_AlphA1b2C3d4")
        let backend = record(#"2026-03-17T10:00:00Z {app="backend", filename="/var/log/api, main.log"} INFO:     10.0.0.7:51512 - "POST /api/token HTTP/1.1" 200 OK"#)
        #expect(backend.format == .uvicorn)
        #expect(backend.time?.iso8601 == "2026-03-17T10:00:00.000Z")
    }

    /// `logcli query -o jsonl`: Go's `json.Marshal` of the entry map (keys sorted), the line a
    /// string, the time in the output zone with nanoseconds.
    @Test func logcliJSONLinesAreUnwrapped() {
        let agent = record(#"{"labels":{"app":"voice-agent","pod":"agent-6f7d9c-x2lq"},"line":"{\"message\": \"Generating initial greeting\", \"level\": \"INFO\", \"name\": \"agent\", \"pid\": 71001, \"job_id\": \"AJ_AlphA9z8Y7x6\", \"timestamp\": \"2026-03-17T10:00:01.600000+00:00\"}","timestamp":"2026-03-17T11:00:01.600150123+01:00"}"#)
        #expect(agent.format == .agentsJSON)
        #expect(agent.message == "Generating initial greeting")
        #expect(agent.time?.iso8601 == "2026-03-17T10:00:01.600Z")
        #expect(agent.ids.jobId == "AJ_AlphA9z8Y7x6")
        let backend = record(#"{"line":"INFO:     10.0.0.7:51512 - \"POST /api/token HTTP/1.1\" 200 OK","timestamp":"2026-03-17T10:00:00.150150123Z"}"#)
        #expect(backend.format == .uvicorn)
        #expect(backend.time?.iso8601 == "2026-03-17T10:00:00.150Z")
        #expect(backend.field("status_code") == .number("200"))
    }

    /// An application's own JSON record with a `line` key is not logcli's envelope: logcli writes
    /// `labels` (unless `--no-labels`), `line` and `timestamp` and nothing else.
    @Test func anApplicationsLineKeyIsNotLogcli() {
        let text = record(#"{"line":"db.py:42","msg":"connection reset by peer","level":"error","time":"2026-03-17T10:00:00.500Z"}"#)
        #expect(text.format == .json)
        #expect(text.message == "connection reset by peer")
        #expect(text.level == .error)
        #expect(text.time?.iso8601 == "2026-03-17T10:00:00.500Z")
        #expect(text.field("line") == .string("db.py:42"))
        let number = record(#"{"line":42,"msg":"connection reset by peer","level":"error","time":"2026-03-17T10:00:00.500Z"}"#)
        #expect(number.format == .json)
        #expect(number.message == "connection reset by peer")
        #expect(number.field("line") == .number("42"))
        // logcli's keys, then one of the application's: not logcli's either.
        let more = record(#"{"line":"db.py:42","timestamp":"2026-03-17T10:00:00.500Z","msg":"connection reset by peer","level":"error"}"#)
        #expect(more.format == .json)
        #expect(more.message == "connection reset by peer")
        #expect(more.time?.iso8601 == "2026-03-17T10:00:00.500Z")
        let labelled = record(#"{"labels":{"team":"voice"},"line":"db.py:42","msg":"connection reset by peer","level":"error"}"#)
        #expect(labelled.format == .json)
        #expect(labelled.message == "connection reset by peer")
    }

    /// `gcloud logging read --format=json` (newest first, pretty-printed): the agent's JSON line
    /// parsed into `jsonPayload`, a server line kept as `textPayload`.
    @Test func cloudLoggingEntriesAreUnwrapped() {
        let document = """
            [
              {
                "insertId": "x00002",
                "jsonPayload": {
                  "message": "Generating initial greeting",
                  "level": "INFO",
                  "name": "agent",
                  "pid": 71001,
                  "job_id": "AJ_AlphA9z8Y7x6",
                  "timestamp": "2026-03-17T10:00:01.600000+00:00"
                },
                "resource": {"labels": {"container_name": "agent"}, "type": "k8s_container"},
                "severity": "INFO",
                "timestamp": "2026-03-17T10:00:01.600000123Z"
              },
              {
                "insertId": "x00001",
                "severity": "DEFAULT",
                "textPayload": "2026-03-17T10:00:00.600Z\\tINFO\\tlivekit\\tservice/roomallocator.go:166\\tselected node for room\\t{\\"room\\": \\"room-alpha\\", \\"roomID\\": \\"RM_AlphA1b2C3d4\\"}",
                "timestamp": "2026-03-17T10:00:00.600000123Z"
              }
            ]

            """
        let records = parse(document, name: "agent.json").records
        #expect(records.map(\.format) == [.agentsJSON, .zapConsole])
        #expect(records.map(\.message) == ["Generating initial greeting", "selected node for room"])
        #expect(records.map { $0.time?.iso8601 } == ["2026-03-17T10:00:01.600Z", "2026-03-17T10:00:00.600Z"])
        #expect(records[0].ids.jobId == "AJ_AlphA9z8Y7x6")
        #expect(records[1].ids.roomSid == "RM_AlphA1b2C3d4")
    }

    @Test func lokiExportPutsTheTimeOnItsOwnLine() {
        let text = "2025-11-19 21:36:26.710\t\nNo JSON on this line, only text\n2025-11-19 21:36:27.000\t\n{\"message\": \"y\", \"level\": \"WARNING\", \"name\": \"agent\", \"timestamp\": \"2025-11-19T21:36:26.999000+00:00\"}\n"
        let records = parse(text).records
        #expect(records.count == 2)
        #expect(records[0].line == 2)
        #expect(records[0].time?.iso8601 == "2025-11-19T21:36:26.710Z")
        #expect(records[1].level == .warning)
        #expect(records[1].time?.iso8601 == "2025-11-19T21:36:26.999Z")
    }

    /// Grafana Explore's log download (`download.ts`): epoch milliseconds, the ISO time, the line,
    /// tab-separated (12.x); epoch milliseconds and the line (11.x).
    @Test(arguments: ["1773706488441\t2026-03-17T00:14:48.441Z\t", "1773706488441\t"])
    func grafanaDownloadPrefixesAreStripped(_ prefix: String) {
        let records = parse([
            prefix + #"{"message": "starting worker", "level": "INFO", "name": "livekit.agents", "pid": 4242, "timestamp": "2026-03-17T00:14:48.440515+00:00"}"#,
            prefix + "Connected to: <socket.socket fd=12>",
        ].joined(separator: "\n") + "\n").records
        #expect(records.map(\.format) == [.agentsJSON, .plain])
        #expect(records[0].time?.iso8601 == "2026-03-17T00:14:48.440Z")
        #expect(records[0].message == "starting worker")
        #expect(records[1].time?.iso8601 == "2026-03-17T00:14:48.441Z")
        #expect(records[1].message == "Connected to: <socket.socket fd=12>")
    }

    @Test func gcpTextExport() {
        let r = record("WARNING 2026-01-09T12:51:53.041785Z failed to connect to livekit, retrying in 0s")
        #expect(r.level == .warning)
        #expect(r.time?.iso8601 == "2026-01-09T12:51:53.041Z")
        #expect(r.message == "failed to connect to livekit, retrying in 0s")
        // DEFAULT: no severity assigned (a print); the record's own level, if any, stands.
        let print = record("DEFAULT 2026-01-09T12:51:53.041785Z Connected to: <socket.socket fd=12>")
        #expect(print.level == nil)
        #expect(print.message == "Connected to: <socket.socket fd=12>")
        #expect(print.time?.iso8601 == "2026-01-09T12:51:53.041Z")
    }

    @Test func journaldPrefixTakesTheYearFromTheRun() {
        var options = IngestOptions()
        options.date = TimeParsing.day(fromISODate: "2026-01-20")
        let r = record("Jan 26 11:47:49 media-1 livekit-server[16175]: 2026-01-26T11:47:49.100Z\tINFO\tlivekit\tservice/server.go:99\tstarting LiveKit server\t{\"version\": \"1.9.0\"}", options: options)
        #expect(r.format == .zapConsole)
        #expect(r.source == "livekit-server")
        #expect(r.time?.iso8601 == "2026-01-26T11:47:49.100Z")
        let plain = record("Jan 26 11:47:49 media-1 livekit-server[16175]: panic recovered", options: options)
        #expect(plain.time?.iso8601 == "2026-01-26T11:47:49.000Z")
        #expect(plain.ids.pid == 16175)
        #expect(plain.message == "panic recovered")
    }

    /// journalctl `--no-hostname` (`src/shared/logs-show.c` leaves the host out) and an entry
    /// without a pid (`host ident: `).
    /// `journalctl -o json`: the service's line is `MESSAGE` (here a livekit-agents JSON line and
    /// a dev-text traceback, one entry per line), the entry's time `__REALTIME_TIMESTAMP`.
    @Test func journaldJSONExportIsUnwrapped() {
        func entry(_ micros: String, _ message: String, pid: String = "10266", priority: String = "6") -> String {
            let escaped = message.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return #"{"__CURSOR":"s=3f1a;i=1","__REALTIME_TIMESTAMP":"\#(micros)","__MONOTONIC_TIMESTAMP":"123","_BOOT_ID":"b","PRIORITY":"\#(priority)","_TRANSPORT":"stdout","_PID":"\#(pid)","_SYSTEMD_UNIT":"agent.service","SYSLOG_IDENTIFIER":"python3","MESSAGE":"\#(escaped)","_HOSTNAME":"voicehost"}"#
        }
        let lines = [
            entry("1773790869700000", #"{"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "AJ_Aa1Bb2Cc3Dd4", "room": "support-7731", "timestamp": "2026-03-17T23:41:09.700000+00:00"}"#),
            entry("1773790870512000", "2026-03-17 23:41:10,511 - ERROR livekit.agents - unhandled exception {\"job_id\": \"AJ_Aa1Bb2Cc3Dd4\"}", priority: "3"),
            entry("1773790870512100", "Traceback (most recent call last):"),
            entry("1773790870512200", "  File \"/app/agent.py\", line 42, in entrypoint"),
            entry("1773790870512300", "RuntimeError: boom"),
            entry("1773790871000000", "worker started"),
        ]
        let result = parse(lines.joined(separator: "\n") + "\n")
        #expect(result.records.map(\.format) == [.agentsJSON, .agentsText, .plain])
        #expect(result.records[0].ids.jobId == "AJ_Aa1Bb2Cc3Dd4")
        #expect(result.records[0].time?.iso8601 == "2026-03-17T23:41:09.700Z")
        #expect(result.records[1].message == "unhandled exception\nTraceback (most recent call last):\n  File \"/app/agent.py\", line 42, in entrypoint\nRuntimeError: boom")
        #expect(result.records[1].lineCount == 4)
        // A line without its own time takes the entry's; the unit names the source.
        #expect(result.records[2].time?.iso8601 == "2026-03-17T23:41:11.000Z")
        #expect(result.records[2].message == "worker started")
        #expect(result.records[2].source == "agent")
        #expect(result.records[2].ids.pid == 10266)
    }

    /// A coloured line in `journalctl -o json`: with its ESC bytes not printable, `MESSAGE` is
    /// an array of the bytes (`src/shared/logs-show.c`, `output_json`: a string only when
    /// `utf8_is_printable`). The colours are taken out as from any line; the dev-text record
    /// had been read as a plain line with them in it.
    @Test func journaldJSONExportOfAColouredLine() throws {
        let coloured =
            "2026-03-17 10:00:02,104 - \u{1B}[31mERROR\u{1B}[0m livekit.agents - unhandled exception while running the job task \u{1B}[90m{\"job_id\": \"AJ_AlphA9z8Y7x6\", \"pid\": 71001}\u{1B}[0m"
        let bytes = coloured.utf8.map(String.init).joined(separator: ",")
        let r = record(#"{"__CURSOR":"s=3f1a;i=1","__REALTIME_TIMESTAMP":"1773741602200000","PRIORITY":"6","_PID":"71001","SYSLOG_IDENTIFIER":"python3","MESSAGE":[\#(bytes)]}"#)
        #expect(r.format == .agentsText)
        #expect(r.level == .error)
        #expect(r.message == "unhandled exception while running the job task")
        #expect(r.ids.jobId == "AJ_AlphA9z8Y7x6")
        #expect(r.time?.iso8601 == "2026-03-17T10:00:02.104Z")
    }

    /// `journalctl -o json` of systemd before v246 (RHEL 8's 239, Debian 10's 241, Ubuntu
    /// 20.04's 245: `src/shared/logs-show.c` printed `{ "__CURSOR" : "…", … }` with spaces) is
    /// unwrapped as the compact form is; it had been read as an unknown JSON record, the
    /// livekit-server line in `MESSAGE` unread (its 401 and session ids lost).
    @Test func journaldJSONExportOfOldSystemdIsUnwrapped() {
        let message = #"2026-01-20T07:49:16.250Z\tWARN\tlivekit.api\tservice/utils.go:43\terror handling request\t{\"room\": \"r1\", \"roomID\": \"RM_QIm7sYOm4IdC\", \"error\": \"invalid API key: x\", \"status\": 401}"#
        let line = #"{ "__CURSOR" : "s=8d9d;i=d11;b=83cb;m=9d13;t=57f2;x=8f37", "__REALTIME_TIMESTAMP" : "1768895356250000", "__MONOTONIC_TIMESTAMP" : "2635272530", "_BOOT_ID" : "83cb", "PRIORITY" : "4", "_PID" : "811", "_SYSTEMD_UNIT" : "livekit.service", "SYSLOG_IDENTIFIER" : "livekit-server", "MESSAGE" : "\#(message)" }"#
        let r = record(line)
        #expect(r.format == .zapConsole)
        #expect(r.message == "error handling request")
        #expect(r.ids.roomSid == "RM_QIm7sYOm4IdC")
        #expect(r.time?.iso8601 == "2026-01-20T07:49:16.250Z")
        #expect(r.source == "livekit")
    }

    /// `journalctl -o short-full`: weekday, date, time and the zone's abbreviation.
    /// `journalctl -o short-unix`: epoch seconds with microseconds (`logs-show.c`,
    /// `"%10"PRI_USEC".%06"PRI_USEC`), then the host and `proc[pid]: `.
    @Test func journaldShortUnix() {
        let r = record("1773741602.104000 voicehost agent[71001]: 2026-03-17 10:00:02,104 - ERROR livekit.agents - unhandled exception {\"job_id\": \"AJ_x\"}")
        #expect(r.format == .agentsText)
        #expect(r.message == "unhandled exception")
        #expect(r.ids.jobId == "AJ_x")
        #expect(r.source == "agent")
        let plain = record("1773741603.250123 voicehost python3[71001]: worker started")
        #expect(plain.time?.iso8601 == "2026-03-17T10:00:03.250Z")
        #expect(plain.message == "worker started")
        #expect(plain.ids.pid == 71001)
        #expect(plain.source == "python3")
        // Not a journal line: a number then words.
        #expect(record("1773741603.250123 bytes sent: 12").message == "1773741603.250123 bytes sent: 12")
        // `--no-hostname`: `output_short` prints no host after the time (`if (flags &
        // OUTPUT_NO_HOSTNAME) hostname = mfree(hostname);`), in every short mode.
        let noHost = record("1773741603.250123 python3[71001]: worker started")
        #expect(noHost.time?.iso8601 == "2026-03-17T10:00:03.250Z")
        #expect(noHost.message == "worker started")
        #expect(noHost.ids.pid == 71001)
        #expect(noHost.source == "python3")
        #expect(record("1773741603.250123 stats: 12 bytes sent").message == "1773741603.250123 stats: 12 bytes sent")
    }

    @Test func journaldShortFull() {
        let r = record("Tue 2026-03-17 01:14:48 CET voicehost agent[10266]: 2026-03-17 01:14:48,120 - INFO livekit.agents - received job request {\"job_id\": \"AJ_x\"}")
        #expect(r.format == .agentsText)
        #expect(r.message == "received job request")
        #expect(r.ids.jobId == "AJ_x")
        #expect(r.source == "agent")
        // `--no-hostname` (`logs-show.c`, `output_short`: no host after the time).
        let noHost = record("Tue 2026-03-17 01:14:48 CET agent[10266]: 2026-03-17 01:14:48,120 - INFO livekit.agents - received job request {\"job_id\": \"AJ_x\"}")
        #expect(noHost.format == .agentsText)
        #expect(noHost.message == "received job request")
        #expect(noHost.source == "agent")
        let plain = record("Tue 2026-03-17 01:14:48 CEST voicehost agent[10266]: worker started")
        #expect(plain.time?.iso8601 == "2026-03-16T23:14:48.000Z")
        #expect(plain.message == "worker started")
        #expect(plain.ids.pid == 10266)
        // An abbreviation with several meanings (IST) leaves the time to --tz.
        var options = IngestOptions()
        options.timeZone = TimeZoneSetting("+05:30")!
        #expect(record("Tue 2026-03-17 01:14:48 IST voicehost agent[10266]: worker started", options: options).time?.iso8601 == "2026-03-16T19:44:48.000Z")
        // A sentence that starts with a weekday is no wrapper.
        #expect(record("Tue 2026-03-17 is the day").message == "Tue 2026-03-17 is the day")
    }

    /// A zone-less `asctime` inside a wrapper stamp that names its zone: the process wrote in the
    /// wrapper's zone (or another whole-quarter-hour offset from --tz), and the wrapper's instant
    /// says which; the record keeps its own milliseconds. A stamp with a zone, or one that differs
    /// by more than 2 s from a quarter-hour offset, is left as it is.
    @Test func aZonelessStampInsideAZonedWrapperTakesTheWrappersInstant() {
        let journald = record("Tue 2026-03-17 01:14:48 CET voicehost agent[10266]: 2026-03-17 01:14:48,120 - INFO livekit.agents - received job request {\"job_id\": \"AJ_x\"}")
        #expect(journald.time?.iso8601 == "2026-03-17T00:14:48.120Z")
        let kolkata = record("2026-03-17T00:44:48.123456789Z 2026-03-17 06:14:48,123 - INFO livekit.agents - registered worker")
        #expect(kolkata.time?.iso8601 == "2026-03-17T00:44:48.123Z")
        let utc = record("2026-03-17T00:44:49.000000000Z 2026-03-17 00:44:49,500 - INFO livekit.agents - registered worker")
        #expect(utc.time?.iso8601 == "2026-03-17T00:44:49.500Z")
        let basic = record("2026-03-17T00:44:49.000000000Z 2026-03-17 01:44:49,500 - root - INFO - app line")
        #expect(basic.format == .pythonAsctime)
        #expect(basic.time?.iso8601 == "2026-03-17T00:44:49.500Z")
        let json = record(#"2026-03-17T00:44:49.000000000Z {"message": "x", "level": "INFO", "name": "n", "timestamp": "2026-03-17T01:44:49.100000+00:00"}"#)
        #expect(json.time?.iso8601 == "2026-03-17T01:44:49.100Z")
        let late = record("2026-03-17T00:44:49.000000000Z 2026-03-17 01:47:49,500 - INFO livekit.agents - buffered line")
        #expect(late.time?.iso8601 == "2026-03-17T01:47:49.500Z")
        // A line that reached the wrapper 15 min late (buffered) is not taken for another zone.
        let quarterLate = record("2026-03-17T01:20:05.000000000Z 2026-03-17 01:05:00,100 - INFO livekit.agents - flushed late")
        #expect(quarterLate.time?.iso8601 == "2026-03-17T01:05:00.100Z")
    }

    /// A time of day with no date anywhere in the run, inside a dated wrapper: the wrapper's
    /// instant (journald's `__REALTIME_TIMESTAMP` had been ignored: no time at all).
    @Test func aTimeOfDayInsideADatedWrapperTakesTheWrappersInstant() {
        let journal = record(#"{"__CURSOR":"s=abc;i=1","__REALTIME_TIMESTAMP":"1767963113041785","__MONOTONIC_TIMESTAMP":"1","_BOOT_ID":"b","PRIORITY":"6","_SYSTEMD_UNIT":"agent.service","SYSLOG_IDENTIFIER":"python","_PID":"42","_HOSTNAME":"h","MESSAGE":"12:51:53.040 - Generating initial greeting"}"#)
        #expect(journal.format == .appTime)
        #expect(journal.time?.iso8601 == "2026-01-09T12:51:53.041Z")
        let kubectl = parse("2026-01-09T12:51:53.041785000Z 12:51:53 INFO livekit.agents registered worker {\"id\": \"AW_x\"}\n2026-01-09T12:51:54.100000000Z 12:51:54 INFO livekit.agents received job request {\"job_id\": \"AJ_x\"}\n").records
        // (A date learnt from the wrapper anchors the records' own times of day, whose whole
        // seconds take the wrapper's fraction.)
        #expect(kubectl.map { $0.time?.iso8601 ?? "-" } == ["2026-01-09T12:51:53.041Z", "2026-01-09T12:51:54.100Z"])
    }

    /// A time of day dated from the run inside a zoned wrapper: moved by whole quarter hours like
    /// a zone-less `asctime` (a worker in CET under kubectl's UTC stamps had been read an hour off
    /// its server, its sessions split), and a stamp in whole seconds takes the wrapper's fraction
    /// (a 3.2 s greeting had read 3 s), not one from another second.
    @Test func aTimeOfDayDatedFromTheRunTakesTheZonedWrappersInstant() {
        let text = """
            2026-03-17T10:00:01.600000123Z 11:00:01 INFO agent Generating initial greeting {"pid": 71001, "job_id": "AJ_AlphA9z8Y7x6"}
            2026-03-17T10:00:04.800000123Z 11:00:04 INFO agent Voice agent running for room room-alpha {"pid": 71001, "job_id": "AJ_AlphA9z8Y7x6"}
            2026-03-17T10:00:07.000000000Z 11:00:05 INFO agent flushed two seconds late {"pid": 71001}
            2026-03-17T10:00:08.250000000Z 10:00:08.200 - app line with milliseconds

            """
        var options = IngestOptions()
        options.date = TimeParsing.day(fromISODate: "2026-03-17")
        let records = parse(text, options: options).records
        #expect(records.map(\.format) == [.agentsCompact, .agentsCompact, .agentsCompact, .appTime])
        #expect(records.map { $0.time?.iso8601 ?? "-" } == [
            "2026-03-17T10:00:01.600Z", "2026-03-17T10:00:04.800Z", "2026-03-17T10:00:05.000Z", "2026-03-17T10:00:08.200Z",
        ])
    }

    /// pino-pretty's `[HH:MM:ss.l]` (agents-js `dev`; `translateTime: true` prints the Node
    /// process's local time) in a container in +05:30 under `docker logs -t`: the wrapper's instant.
    @Test func aPinoPrettyTimeOfDayTakesTheZonedWrappersInstant() {
        let text = """
            2026-03-17T00:14:50.123456789Z [05:44:50.123] INFO (4711): registered worker
            2026-03-17T00:14:52.000000000Z [05:44:51.990] WARN (4711): flushed late

            """
        var options = IngestOptions()
        options.date = TimeParsing.day(fromISODate: "2026-03-17")
        let records = parse(text, options: options).records
        #expect(records.map(\.format) == [.pinoPretty, .pinoPretty])
        #expect(records.map { $0.time?.iso8601 ?? "-" } == ["2026-03-17T00:14:50.123Z", "2026-03-17T00:14:51.990Z"])
    }

    /// The same when the process's local date is not the wrapper's: a worker in +08:00 at 04:58
    /// local is 20:58 UTC the day before, one in -08:00 at 18:58 local is 02:58 UTC the day
    /// after. The time of day is dated from the run (the wrapper's UTC date, or `--date`), so it
    /// was 16 h off the wrapper, not a zone's offset, and stayed where it was: the session 16 h
    /// from the server's, the compact console's greeting in whole seconds (6 s for 5.612 s).
    @Test func aTimeOfDayDatedFromTheRunTakesTheWrappersInstantAcrossTheDateLine() {
        let east = """
            2026-03-17T20:58:01.890000123Z 04:58:01 INFO agent Generating initial greeting {"pid": 71001, "job_id": "AJ_AlphA9z8Y7x6"}
            2026-03-17T20:58:07.502000123Z 04:58:07 INFO agent Voice agent running for room room-alpha {"pid": 71001, "job_id": "AJ_AlphA9z8Y7x6"}
            2026-03-17T20:58:08.250000000Z 04:58:08.200 - app line with milliseconds
            2026-03-17T20:58:09.250000000Z     04:58:09.250 INFO     agent              rich line

            """
        let west = """
            2026-03-17T02:58:01.890000000Z 18:58:01.890 - Generating initial greeting
            2026-03-17T02:58:07.502000000Z 18:58:07.502 - Voice agent running for room room-ist

            """
        for date in [nil, "2026-03-17"] {
            var options = IngestOptions()
            options.date = date.flatMap { TimeParsing.day(fromISODate: $0) }
            let records = parse(east, options: options).records
            #expect(records.map(\.format) == [.agentsCompact, .agentsCompact, .appTime, .agentsRich])
            #expect(records.map { $0.time?.iso8601 ?? "-" } == [
                "2026-03-17T20:58:01.890Z", "2026-03-17T20:58:07.502Z", "2026-03-17T20:58:08.200Z", "2026-03-17T20:58:09.250Z",
            ])
            #expect(parse(west, options: options).records.map { $0.time?.iso8601 ?? "-" } == [
                "2026-03-17T02:58:01.890Z", "2026-03-17T02:58:07.502Z",
            ])
        }
    }

    /// A whole-second stamp takes a wrapper's instant only within its own second: `logcli`'s
    /// default output prints whole seconds too, and its next second is no fraction of the
    /// record's (a line written at 10:00:00.9 and ingested at 10:00:01.1 had read 10:00:01).
    @Test func aWholeSecondStampDoesNotTakeTheNextSecond() {
        let text = """
            2026-03-17T10:00:01Z {app="voice-agent"} 10:00:00 INFO agent Generating initial greeting {"pid": 71001, "job_id": "AJ_AlphA9z8Y7x6"}
            2026-03-17T10:00:03.400000000Z 10:00:02 INFO agent flushed late {"pid": 71001, "job_id": "AJ_AlphA9z8Y7x6"}
            2026-03-17T10:00:04.250000000Z 10:00:04 INFO agent on time {"pid": 71001, "job_id": "AJ_AlphA9z8Y7x6"}

            """
        var options = IngestOptions()
        options.date = TimeParsing.day(fromISODate: "2026-03-17")
        let records = parse(text, options: options).records
        #expect(records.map(\.format) == [.agentsCompact, .agentsCompact, .agentsCompact])
        #expect(records.map { $0.time?.iso8601 ?? "-" } == ["2026-03-17T10:00:00.000Z", "2026-03-17T10:00:02.000Z", "2026-03-17T10:00:04.250Z"])
    }

    @Test func journaldWithoutHostOrPid() {
        var options = IngestOptions()
        options.date = TimeParsing.day(fromISODate: "2026-03-17")
        let noHost = record("Mar 17 01:14:48 python3[4242]: Connected to: <socket.socket fd=12>", options: options)
        #expect(noHost.source == "python3")
        #expect(noHost.ids.pid == 4242)
        #expect(noHost.message == "Connected to: <socket.socket fd=12>")
        #expect(noHost.time?.iso8601 == "2026-03-17T01:14:48.000Z")
        let noPid = record(#"Mar 17 01:14:48 lk-agent-vm agent: {"message": "starting worker", "level": "INFO", "name": "livekit.agents", "timestamp": "2026-03-17T00:14:48.440515+00:00"}"#, options: options)
        #expect(noPid.source == "agent")
        #expect(noPid.format == .agentsJSON)
        #expect(noPid.message == "starting worker")
        // Elsewhere `word word: text` after a stamp stays text.
        let kubectl = record("2026-03-17T00:14:48.441749567Z some text: more", options: options)
        #expect(kubectl.message == "some text: more")
    }

    @Test func oscAndCursorEscapesAreRemovedBeforeParsing() {
        let r = record("\u{1B}]0;agent\u{07}2025-07-01 12:31:40,001 - \u{1B}[1;31mCRITICAL\u{1B}[0m agent - boom \u{1B}[90m{\"pid\": 4}\u{1B}[0m")
        #expect(r.format == .agentsText)
        #expect(r.level == .critical)
        #expect(r.message == "boom")
        #expect(r.ids.pid == 4)
    }
}

@Suite struct MultilineTests {
    @Test func pythonTracebackJoinsTheRecordIncludingTheExceptionLine() {
        let text = """
            2025-12-11 01:09:16,204 - WARNING livekit.agents - failed to connect to livekit, retrying in 0s 
            Traceback (most recent call last):
              File "/app/.venv/lib/python3.11/site-packages/livekit/agents/worker.py", line 612, in _connection_task
                await self._run_ws(ws)
            Exception: worker connection closed unexpectedly
            2025-12-11 01:09:16,311 - ERROR livekit - livekit::rtc_engine:729:livekit::rtc_engine - resuming connection... attempt: 0 

            """
        let records = parse(text).records
        #expect(records.count == 2)
        #expect(records[0].lineCount == 5)
        #expect(records[0].message.hasSuffix("Exception: worker connection closed unexpectedly"))
        #expect(records[0].message.hasPrefix("failed to connect to livekit, retrying in 0s\nTraceback"))
        #expect(records[1].line == 6)
    }

    /// docker compose interleaves its services line by line: the agent's traceback and the
    /// server's zap stack, each line prefixed with its service (coloured, CRLF), join their own
    /// records, not the record of whichever service wrote last.
    @Test func composeServicesInterleavedLineByLineKeepTheirOwnContinuationLines() {
        let lines = [
            "\u{1B}[36magent-1    |\u{1B}[0m 2026-03-17 00:14:48,440 - \u{1B}[33mWARNING\u{1B}[0m livekit.agents - failed to connect to livekit, retrying in 0s \u{1B}[90m\u{1B}[0m",
            "\u{1B}[36magent-1    |\u{1B}[0m Traceback (most recent call last):",
            "\u{1B}[33mlivekit-1  |\u{1B}[0m 2026-03-17T00:14:48.441Z\tERROR\tlivekit\tservice/rtcservice.go:289\terror reading from websocket\t{\"room\": \"r1\", \"roomID\": \"RM_tzd4xtQHKXA5\", \"error\": \"websocket: close 1006 (abnormal closure): unexpected EOF\"}",
            "\u{1B}[36magent-1    |\u{1B}[0m   File \"/app/.venv/lib/python3.12/site-packages/livekit/agents/worker.py\", line 774, in _recv_task",
            "\u{1B}[33mlivekit-1  |\u{1B}[0m github.com/livekit/livekit-server/pkg/service.(*RTCService).serve",
            "\u{1B}[36magent-1    |\u{1B}[0m     raise Exception(\"worker connection closed unexpectedly\")",
            "\u{1B}[33mlivekit-1  |\u{1B}[0m \t/workspace/pkg/service/rtcservice.go:289",
            "\u{1B}[36magent-1    |\u{1B}[0m Exception: worker connection closed unexpectedly",
            "\u{1B}[33mlivekit-1  |\u{1B}[0m github.com/livekit/livekit-server/pkg/service.(*RTCService).ServeHTTP",
            "\u{1B}[33mlivekit-1  |\u{1B}[0m \t/workspace/pkg/service/rtcservice.go:200",
            "\u{1B}[36magent-1    |\u{1B}[0m 2026-03-17 00:14:49,001 - \u{1B}[32mINFO\u{1B}[0m livekit.agents - registered worker \u{1B}[90m{\"id\": \"AW_ZNrFd8xmr2X9\"}\u{1B}[0m",
        ]
        let records = parse(lines.joined(separator: "\r\n") + "\r\n").records
        #expect(records.map(\.line) == [1, 3, 11])
        #expect(records.map(\.lineCount) == [5, 5, 1])
        #expect(records.map(\.source) == ["agent-1", "livekit-1", "agent-1"])
        #expect(records[0].time?.iso8601 == "2026-03-17T00:14:48.440Z")
        #expect(
            records[0].message == """
                failed to connect to livekit, retrying in 0s
                Traceback (most recent call last):
                  File "/app/.venv/lib/python3.12/site-packages/livekit/agents/worker.py", line 774, in _recv_task
                    raise Exception("worker connection closed unexpectedly")
                Exception: worker connection closed unexpectedly
                """)
        #expect(records[1].time?.iso8601 == "2026-03-17T00:14:48.441Z")
        #expect(
            records[1].message == """
                error reading from websocket
                github.com/livekit/livekit-server/pkg/service.(*RTCService).serve
                \t/workspace/pkg/service/rtcservice.go:289
                github.com/livekit/livekit-server/pkg/service.(*RTCService).ServeHTTP
                \t/workspace/pkg/service/rtcservice.go:200
                """)
        #expect(records[2].message == "registered worker")
    }

    /// Three services interleaved inside one traceback (agent, server, backend): each line still
    /// joins its own service's record. (With one record parked at a time, the backend's line
    /// completed the agent's, and its later lines were plain records.)
    @Test func threeComposeServicesInterleavedKeepTheirOwnLines() {
        let lines = [
            "agent-1    | 2026-03-17 00:14:48,440 - WARNING livekit.agents - failed to connect to livekit, retrying in 0s ",
            "agent-1    | Traceback (most recent call last):",
            "livekit-1  | 2026-03-17T00:14:48.441Z\tERROR\tlivekit\tservice/rtcservice.go:289\terror reading from websocket\t{\"room\": \"r1\"}",
            "backend-1  | INFO:     127.0.0.1:54322 - \"POST /api/token HTTP/1.1\" 200 OK",
            "agent-1    |   File \"/app/worker.py\", line 774, in _recv_task",
            "livekit-1  | github.com/livekit/livekit-server/pkg/service.(*RTCService).serve",
            "agent-1    | Exception: worker connection closed unexpectedly",
        ]
        let records = parse(lines.joined(separator: "\n") + "\n").records
        #expect(records.map(\.line) == [1, 3, 4])
        #expect(records.map(\.lineCount) == [4, 2, 1])
        #expect(records.map(\.format) == [.agentsText, .zapConsole, .uvicorn])
        #expect(records[0].message.hasSuffix("in _recv_task\nException: worker connection closed unexpectedly"))
        #expect(records[1].message == "error reading from websocket\ngithub.com/livekit/livekit-server/pkg/service.(*RTCService).serve")
    }

    /// A traceback that waits for its service's next lines while more than
    /// `maxRecordsAfterParked` records of another service follow is complete then; its later
    /// lines are records of their own (they had joined a record of the other service).
    @Test func aRecordWaitingPastItsLimitIsCompleteAndTheLinesAfterItAreKept() {
        var lines = [
            "agent-1    | 2026-03-17 00:14:48,440 - WARNING livekit.agents - failed to connect to livekit, retrying in 0s ",
            "agent-1    | Traceback (most recent call last):",
        ]
        for i in 0..<300 {
            lines.append("livekit-1  | 2026-03-17T00:14:48.441Z\tINFO\tlivekit\tservice/roommanager.go:371\tstarting RTC session\t{\"room\": \"r\(i)\"}")
        }
        lines.append("agent-1    |   File \"/app/worker.py\", line 774, in _recv_task")
        lines.append("agent-1    | Exception: worker connection closed unexpectedly")
        let records = parse(lines.joined(separator: "\n") + "\n").records
        #expect(records.count == 303)
        #expect(records.map(\.lineCount).reduce(0, +) == 304)
        #expect(records[0].message == "failed to connect to livekit, retrying in 0s\nTraceback (most recent call last):")
        #expect(records[300].message == "starting RTC session")
        #expect(records[300].source == "livekit-1")
        #expect(records.suffix(2).map(\.line) == [303, 304])
        #expect(records.suffix(2).map(\.source) == ["agent-1", "agent-1"])
        #expect(records[302].message == "Exception: worker connection closed unexpectedly")
    }

    @Test func aCutTracebackDoesNotSwallowTheNextRecord() {
        let text = """
            2025-12-11 01:09:16,204 - WARNING livekit.agents - failed to connect to livekit, retrying in 0s 
            Traceback (most recent call last):
              File "/app/worker.py", line 612, in _connection_task
            2025-12-11 01:09:16,311 - ERROR livekit - next record 
            {"message": "json record", "level": "INFO", "name": "agent", "timestamp": "2025-12-11T01:09:17+00:00"}
            """
        let records = parse(text + "\n").records
        #expect(records.map(\.message) == [
            "failed to connect to livekit, retrying in 0s\nTraceback (most recent call last):\n  File \"/app/worker.py\", line 612, in _connection_task",
            "next record", "json record",
        ])
    }

    @Test func chainedTracebacksStayWithTheirRecord() {
        let text = """
            Task exception was never retrieved
            future: <Task finished name='Task-42' coro=<run() done> exception=CancelledError()>
            Traceback (most recent call last):
              File "a.py", line 1, in run
            ValueError: bad

            During handling of the above exception, another exception occurred:

            Traceback (most recent call last):
              File "b.py", line 2, in run
            asyncio.exceptions.CancelledError
            Connected to: <socket.socket fd=12>
            """
        let records = parse(text + "\n").records
        #expect(records.count == 2)
        #expect(records[0].lineCount == 11)
        #expect(records[1].message == "Connected to: <socket.socket fd=12>")
    }

    @Test func browserStackLinesJoinTheError() {
        let text = """
            01:09:17.105 Uncaught (in promise) NegotiationError: Failed to execute 'setRemoteDescription' on 'RTCPeerConnection': The RTCPeerConnection's signalingState is 'closed'.
                at PCTransport.setMungedSDP (livekit-client.esm.mjs:15208:15)
                at async PCTransport.setRemoteDescription (livekit-client.esm.mjs:15102:7)
            01:09:17.300 livekit-client.esm.mjs:9012 disconnect from room {room: 'r', roomID: 'RM_Xq7bT2mNw4Lp'}
            """
        let records = parse(text + "\n").records
        #expect(records.count == 2)
        #expect(records[0].format == .browserConsole)
        #expect(records[0].level == .error)
        #expect(records[0].lineCount == 3)
        #expect(records[0].time?.timeOfDayString(fraction: 3) == "01:09:17.105")
        #expect(records[1].ids.roomSid == "RM_Xq7bT2mNw4Lp")
    }

    @Test func pinoPrettyContinuationLinesBecomeFields() {
        let text = """
            [13:57:23.859] INFO (45416): received job request
                jobID: "AJ_gggggggggggg"
                roomName: "pino-room"
            [13:57:24.000] WARN (45416): slow
            """
        let records = parse(text + "\n").records
        #expect(records.count == 2)
        #expect(records[0].ids.jobId == "AJ_gggggggggggg")
        #expect(records[0].ids.room == "pino-room")
        #expect(records[0].message == "received job request")
        #expect(records[1].level == .warning)
    }
}

@Suite struct TimeTests {
    @Test func timeOnlyStampsRollOverAtMidnight() {
        var options = IngestOptions()
        options.date = TimeParsing.day(fromISODate: "2025-12-10")
        let records = parse("23:59:58 - before\n00:00:03.5 - after\n", options: options).records
        #expect(records.map { $0.time?.iso8601 } == ["2025-12-10T23:59:58.000Z", "2025-12-11T00:00:03.500Z"])
    }

    @Test func timeOnlyStampsWithoutAnyDateKeepTheirTimeOfDay() {
        let records = parse("00:51:46 - Session created\n01:09:16 - worker connection closed unexpectedly\n").records
        #expect(records.count == 2)
        #expect(records[0].time?.hasDate == false)
        #expect(records[0].time!.seconds(until: records[1].time!) == 1050)
        #expect(records[1].time?.iso8601 == "01:09:16.000")
    }

    /// The first record of a time-only log read beside another input, dated as the run dates it.
    func firstRecord(timeOnly: String, beside other: String, named name: String) throws -> LogRecord? {
        let dir = TempDir()
        let dated = dir.write(name, other + "\n")
        let timeOnlyPath = dir.write("worker.log", timeOnly + "\n")
        let inputs = [InputDescriptor(path: timeOnlyPath), InputDescriptor(path: dated)]
        let day = try #require(Ingestor.learnReferenceDay(inputs))
        var diagnostics = DiagnosticSink()
        var records: [LogRecord] = []
        Ingestor.read(inputs[0], index: 0, options: IngestOptions(), referenceDay: day, diagnostics: &diagnostics) { records.append($0) }
        return records.first
    }

    @Test func timeOnlyStampsTakeTheDateOfOtherInputs() throws {
        let first = try firstRecord(
            timeOnly: "00:51:46 - Session created",
            beside: "2025-12-11T00:51:46.012Z\tINFO\tlivekit\tservice/roomallocator.go:10\tselected node for room\t{\"room\": \"r\"}", named: "server.log")
        #expect(first?.time?.iso8601 == "2025-12-11T00:51:46.000Z")
    }

    /// A rotated, compressed log (`agent.log.1.gz`) dates a time-only browser console beside it:
    /// its lines had no date (the day of a gzip input was not read), so they joined no session
    /// of the day's logs.
    @Test func aGzipLogDatesATimeOnlyLog() throws {
        let dir = TempDir()
        let agent = #"{"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "AJ_aaaaaaaaaaaa", "room": "room-a", "room_id": "RM_aaaaaaaaaaaa", "timestamp": "2026-03-02T12:12:29.077000+00:00"}"#
        let gz = dir.write("agent.log.1.gz", try gzip(Data((agent + "\n").utf8)))
        let browser = dir.write("browser.log", "12:12:29.300 livekit-client.esm.mjs:18392 signal connected {room: 'room-a', roomID: 'RM_aaaaaaaaaaaa'}\n")
        let inputs = [InputDescriptor(path: browser), InputDescriptor(path: gz)]
        let days = Ingestor.learnReferenceDays(inputs)
        #expect(days == [Timestamp.days(year: 2026, month: 3, day: 2), Timestamp.days(year: 2026, month: 3, day: 2)])
        var diagnostics = DiagnosticSink()
        var records: [LogRecord] = []
        Ingestor.read(inputs[0], index: 0, options: IngestOptions(), referenceDay: days[0], diagnostics: &diagnostics) { records.append($0) }
        #expect(records.first?.time?.iso8601 == "2026-03-02T12:12:29.300Z")
    }

    /// livekit-server JSON (zap, epoch seconds) and Node agents JSON (pino, epoch milliseconds)
    /// write no date as text; their stamps date a time-only log (pino-pretty's `[HH:MM:SS.mmm]`).
    @Test(arguments: [
        #"{"level":"info","ts":1787187106.1020002,"logger":"livekit","caller":"service/roommanager.go:433","msg":"starting RTC session","room":"r"}"#,
        #"{"level":30,"time":1787187106318,"pid":41230,"hostname":"agent-host-1","msg":"received job request"}"#,
    ])
    func epochStampsDateTimeOnlyLogs(_ line: String) throws {
        let first = try firstRecord(timeOnly: "[00:51:46.318] INFO (41288): connecting to room", beside: line, named: "server.jsonl")
        #expect(first?.time?.iso8601 == "2026-08-20T00:51:46.318Z")
    }

    /// The first stamp of a time-only log read in `--tz` against the span of a dated log beside it.
    func firstTime(timeOnly: [String], beside dated: [String], zone: String) throws -> String? {
        let dir = TempDir()
        let timeOnlyPath = dir.write("agent.log", timeOnly.joined(separator: "\n") + "\n")
        let datedPath = dir.write("server.log", dated.joined(separator: "\n") + "\n")
        var options = IngestOptions()
        options.timeZone = try #require(TimeZoneSetting(zone))
        let inputs = [InputDescriptor(path: timeOnlyPath), InputDescriptor(path: datedPath)]
        let days = Ingestor.learnReferenceDays(inputs, options: options)
        var diagnostics = DiagnosticSink()
        var records: [LogRecord] = []
        Ingestor.read(inputs[0], index: 0, options: options, referenceDay: days[0], diagnostics: &diagnostics) { records.append($0) }
        return records.first?.time?.iso8601
    }

    static let utcServer = [
        "2026-03-17T23:40:00.880Z\tINFO\tlivekit.agents\tservice/agentservice.go:298\tworker registered\t{\"workerID\": \"AW_Qq9Rr8Ss7Tt6\"}",
        "2026-03-18T00:08:15.100Z\tINFO\tlivekit\tservice/roommanager.go:706\troom closed\t{\"room\": \"support-7731\"}",
    ]

    /// livekit-agents' `console` formatter writes local times without a date: in Asia/Kolkata the
    /// session at 23:40 UTC on the 17th is at 05:10 on the 18th, not on the server log's date.
    @Test func aTimeOnlyLogIsPlacedInTheDatedLogsSpanInItsOwnZone() throws {
        let agent = ["05:10:00 INFO livekit.agents starting worker {\"version\": \"1.8.9\"}"]
        #expect(try firstTime(timeOnly: agent, beside: Self.utcServer, zone: "Asia/Kolkata") == "2026-03-17T23:40:00.000Z")
        // West of UTC: 16:40 on the 17th in Los Angeles (PDT).
        let west = ["16:40:00 INFO livekit.agents starting worker {\"version\": \"1.8.9\"}"]
        #expect(try firstTime(timeOnly: west, beside: Self.utcServer, zone: "America/Los_Angeles") == "2026-03-17T23:40:00.000Z")
        // A DevTools console that starts after midnight UTC, in UTC.
        let browser = ["[00:08:05.200] livekit-client.esm.mjs:15038 websocket closed"]
        #expect(try firstTime(timeOnly: browser, beside: Self.utcServer, zone: "UTC") == "2026-03-18T00:08:05.200Z")
    }

    /// A worker log that runs for days: the time-only browser console of the incident belongs at
    /// its end (the latest such time, up to 6 hours after it), not at its first date.
    @Test func aTimeOnlyLogBesideADaysLongLogIsPlacedAtItsEnd() throws {
        let server = [
            "2026-03-15T09:00:00.000Z\tINFO\tlivekit.agents\tservice/agentservice.go:298\tworker registered\t{\"workerID\": \"AW_Qq9Rr8Ss7Tt6\"}",
            "2026-03-18T00:08:15.100Z\tINFO\tlivekit\tservice/roommanager.go:706\troom closed\t{\"room\": \"support-7731\"}",
        ]
        let browser = ["[23:51:04.000] livekit-client.esm.mjs:17388 connected to Livekit Server"]
        #expect(try firstTime(timeOnly: browser, beside: server, zone: "UTC") == "2026-03-17T23:51:04.000Z")
        // After the end, within 6 hours: the same day as the end.
        let later = ["[03:00:00.000] livekit-client.esm.mjs:17388 connected to Livekit Server"]
        #expect(try firstTime(timeOnly: later, beside: server, zone: "UTC") == "2026-03-18T03:00:00.000Z")
    }

    /// Beside a server log of one day (00:14 to 22:06 UTC), a browser console of that day's first
    /// session (00:34) is placed on that day, inside the span: it was put on the next day (the
    /// latest 00:34 no more than 6 hours after 22:06), a session of its own a day later.
    @Test func aTimeOnlyLogBesideADayLongLogIsPlacedInsideItsSpan() throws {
        let server = [
            "2026-03-02T00:14:48.508Z\tINFO\tlivekit\tservice/roommanager.go:411\tstarting RTC session\t{\"room\": \"audit-0000\", \"roomID\": \"RM_5qH5mS5fafLy\"}",
            "2026-03-02T22:06:44.000Z\tINFO\tlivekit\tservice/roommanager.go:706\troom closed\t{\"room\": \"audit-0299\", \"roomID\": \"RM_Zq7H5mS5fafL\"}",
        ]
        let first = ["00:34:19.545 livekit-client.esm.mjs:18392 signal connected {room: 'audit-0006', roomID: 'RM_9ow10O9ugY3a', participant: 'user-3Xr82', pID: 'PA_xHn7R5C1Ve8l'}"]
        #expect(try firstTime(timeOnly: first, beside: server, zone: "UTC") == "2026-03-02T00:34:19.545Z")
        // A few minutes before the server's first line: the same day.
        let before = ["00:10:00.000 livekit-client.esm.mjs:18392 signal connected {room: 'audit-0000'}"]
        #expect(try firstTime(timeOnly: before, beside: server, zone: "UTC") == "2026-03-02T00:10:00.000Z")
        // Nearer the end than the start: after the end, on its day.
        let after = ["22:30:00.000 livekit-client.esm.mjs:18392 signal connected {room: 'audit-0300'}"]
        #expect(try firstTime(timeOnly: after, beside: server, zone: "UTC") == "2026-03-02T22:30:00.000Z")
    }

    @Test func placingATimeOfDayBeforeALimit() throws {
        let utc = try #require(TimeZoneSetting("UTC"))
        let limit = Timestamp(micros: Timestamp.days(year: 2026, month: 3, day: 18) * Timestamp.microsPerDay + 6 * 3_600_000_000)  // 06:00Z on the 18th
        #expect(Ingestor.day(placing: 5 * 3_600_000_000, before: limit, zone: utc) == Timestamp.days(year: 2026, month: 3, day: 18))
        #expect(Ingestor.day(placing: 7 * 3_600_000_000, before: limit, zone: utc) == Timestamp.days(year: 2026, month: 3, day: 17))
        let kolkata = try #require(TimeZoneSetting("Asia/Kolkata"))
        // 11:30 IST on the 18th is exactly 06:00Z: not after the limit.
        #expect(Ingestor.day(placing: 11 * 3_600_000_000 + 30 * 60_000_000, before: limit, zone: kolkata) == Timestamp.days(year: 2026, month: 3, day: 18))
        #expect(Ingestor.day(placing: 11 * 3_600_000_000 + 31 * 60_000_000, before: limit, zone: kolkata) == Timestamp.days(year: 2026, month: 3, day: 17))
    }

    @Test func anEpochNumberThatIsNoStampDatesNothing() {
        let dir = TempDir()
        let path = dir.write("x.jsonl", #"{"ts":"1787187106","time":17871871063180,"id":1787187106318}"# + "\n")
        #expect(Ingestor.learnReferenceDay([InputDescriptor(path: path)]) == nil)
    }

    @Test func zoneLessStampsAreReadInTheGivenZone() {
        var options = IngestOptions()
        options.timeZone = TimeZoneSetting("+08:00")!
        #expect(record("2025-02-19 19:31:01,123 - WARNING - x", options: options).time?.iso8601 == "2025-02-19T11:31:01.123Z")
        options.timeZone = TimeZoneSetting("Europe/Berlin")!
        // CET in winter (+1), CEST in summer (+2)
        #expect(record("2025-02-19 19:31:01,123 - WARNING - x", options: options).time?.iso8601 == "2025-02-19T18:31:01.123Z")
        #expect(record("2025-07-19 19:31:01,123 - WARNING - x", options: options).time?.iso8601 == "2025-07-19T17:31:01.123Z")
        // Stamps with their own zone ignore --tz.
        #expect(record(#"{"message": "m", "level": "INFO", "name": "n", "timestamp": "2025-07-19T19:31:01+00:00"}"#, options: options).time?.iso8601 == "2025-07-19T19:31:01.000Z")
    }

    @Test func epochSecondsAndMilliseconds() {
        #expect(record(#"{"level":"info","ts":1765414156.5,"logger":"livekit","caller":"a.go:1","msg":"m"}"#).time?.iso8601 == "2025-12-11T00:49:16.500Z")
        #expect(record(#"{"level":30,"time":1765414156789,"msg":"m"}"#).time?.iso8601 == "2025-12-11T00:49:16.789Z")
    }

    @Test func outOfOrderLinesKeepFileOrderAndTheirOwnTimes() {
        let records = parse("2025-01-01 00:00:05,000 - INFO a - later\n2025-01-01 00:00:01,000 - INFO a - earlier\n").records
        #expect(records.map(\.message) == ["later", "earlier"])
        #expect(records.map { $0.time!.iso8601 } == ["2025-01-01T00:00:05.000Z", "2025-01-01T00:00:01.000Z"])
    }
}
