import Foundation
import Testing

@testable import LogAnalyzer

/// One expected record per real-format line (DOMAIN.md section (a)).
struct FormatCase: CustomTestStringConvertible, Sendable {
    var line: String
    var format: LogFormat
    var time: String?
    var level: LogLevel?
    var logger: String?
    var message: String
    var room: String? = nil
    var roomSid: String? = nil
    var jobId: String? = nil
    var workerId: String? = nil
    var participant: String? = nil
    var participantSid: String? = nil
    var pid: Int? = nil
    var fieldKeys: [String]? = nil

    var testDescription: String { format.id + ": " + String(line.prefix(60)) }
}

let ansi = "\u{1B}"

let formatCases: [FormatCase] = [
    // A1 agents JSON 1.x, with job-process extras
    FormatCase(
        line: #"{"message": "registered worker", "level": "INFO", "name": "livekit.agents", "id": "AW_ZNrFd8xmr2X9", "url": "wss://test-ydug3m18.livekit.cloud", "region": "US West B", "protocol": 16, "timestamp": "2026-03-17T00:14:48.440515+00:00"}"#,
        format: .agentsJSON, time: "2026-03-17T00:14:48.440Z", level: .info, logger: "livekit.agents", message: "registered worker",
        workerId: "AW_ZNrFd8xmr2X9", fieldKeys: ["id", "url", "region", "protocol"]),
    FormatCase(
        line: #"{"message": "LLM metrics", "level": "INFO", "name": "livekit.agents", "ttft": 0.91, "pid": 48213, "job_id": "AJ_p9KdW3xYzQ2r", "room": "voice-room-7f3k2", "timestamp": "2025-12-11T00:51:48+00:00"}"#,
        format: .agentsJSON, time: "2025-12-11T00:51:48.000Z", level: .info, logger: "livekit.agents", message: "LLM metrics",
        room: "voice-room-7f3k2", jobId: "AJ_p9KdW3xYzQ2r", pid: 48213, fieldKeys: ["ttft", "pid", "job_id", "room"]),
    // 1.3–1.5: room_id on job lines
    FormatCase(
        line: #"{"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "AJ_aaaabbbbcccc", "dispatch_id": "AD_aaaabbbbcccc", "room": "support-a1", "room_id": "RM_A1b2C3d4E5f6", "agent_name": "", "resuming": false, "timestamp": "2026-03-02T10:00:01.250000+00:00"}"#,
        format: .agentsJSON, time: "2026-03-02T10:00:01.250Z", level: .info, logger: "livekit.agents", message: "received job request",
        room: "support-a1", roomSid: "RM_A1b2C3d4E5f6", jobId: "AJ_aaaabbbbcccc"),
    // 0.8: no name key
    FormatCase(
        line: #"{"message": "job exiting", "level": "INFO", "pid": 7, "job_id": "AJ_oldoldoldold", "timestamp": "2024-07-01T12:00:00.5+00:00"}"#,
        format: .agentsJSON, time: "2024-07-01T12:00:00.500Z", level: .info, logger: nil, message: "job exiting",
        jobId: "AJ_oldoldoldold", pid: 7),
    // <= 0.7: asctime, local time without zone (read as UTC by default)
    FormatCase(
        line: #"{"asctime": "2024-04-25 09:11:32,833", "level": "INFO", "name": "livekit.agents", "message": "starting worker"}"#,
        format: .agentsJSONLegacy, time: "2024-04-25T09:11:32.833Z", level: .info, logger: "livekit.agents", message: "starting worker"),
    // A2 dev text, with ANSI colours and the trailing space
    FormatCase(
        line: "2024-10-12 15:04:22,980 - \(ansi)[32mINFO\(ansi)[0m livekit.agents - registered worker \(ansi)[90m{\"id\": \"AW_V8dXadurWV9G\", \"region\": \"Singapore\", \"protocol\": 15, \"node_id\": \"NC_OSINGAPORE1A_of89ynfSBtjp\"}\(ansi)[0m",
        format: .agentsText, time: "2024-10-12T15:04:22.980Z", level: .info, logger: "livekit.agents", message: "registered worker",
        workerId: "AW_V8dXadurWV9G", fieldKeys: ["id", "region", "protocol", "node_id"]),
    FormatCase(
        line: "2025-07-01 12:31:40,001 - DEBUG livekit.agents - http server listening ",
        format: .agentsText, time: "2025-07-01T12:31:40.001Z", level: .debug, logger: "livekit.agents", message: "http server listening"),
    // ^C glued to the next line
    FormatCase(
        line: "^C2025-07-01 12:31:43,082 - INFO livekit.agents - draining worker {\"id\": \"AW_abcdefabcdef\", \"timeout\": 1800}",
        format: .agentsText, time: "2025-07-01T12:31:43.082Z", level: .info, logger: "livekit.agents", message: "draining worker",
        workerId: "AW_abcdefabcdef"),
    // Rust SDK line re-logged under `livekit`
    FormatCase(
        line: "2025-12-11 01:09:16,311 - ERROR livekit - livekit::rtc_engine:729:livekit::rtc_engine - resuming connection... attempt: 0 {\"pid\": 48213, \"job_id\": \"AJ_p9KdW3xYzQ2r\"}",
        format: .agentsText, time: "2025-12-11T01:09:16.311Z", level: .error, logger: "livekit", message: "resuming connection... attempt: 0",
        jobId: "AJ_p9KdW3xYzQ2r", pid: 48213, fieldKeys: ["pid", "job_id", "rust_target"]),
    // Rich console (1.3–1.5)
    FormatCase(
        line: "    16:26:42.623 INFO   livekit.agents     starting worker {\"version\": \"1.3.11\", \"rtc-version\": \"1.0.23\"}",
        format: .agentsRich, time: nil, level: .info, logger: "livekit.agents", message: "starting worker", fieldKeys: ["version", "rtc-version"]),
    // 1.6+ console with \r and time-only stamp
    FormatCase(
        line: "\r16:26:42 WARNING livekit.agents process memory usage is high {\"memory_usage_mb\": 512}",
        format: .agentsCompact, time: nil, level: .warning, logger: "livekit.agents", message: "process memory usage is high"),
    // stdlib basicConfig layouts
    FormatCase(line: "DEBUG:livekit:livekit::rtc_engine:453:livekit::rtc_engine - RtcEngine successfully recovered",
               format: .pythonBasic, time: nil, level: .debug, logger: "livekit", message: "RtcEngine successfully recovered"),
    FormatCase(line: "[INFO] starting worker", format: .pythonBracket, time: nil, level: .info, logger: nil, message: "starting worker"),
    FormatCase(line: "2025-02-19 19:31:01,123 - WARNING - token about to expire",
               format: .pythonAsctime, time: "2025-02-19T19:31:01.123Z", level: .warning, logger: nil, message: "token about to expire"),
    FormatCase(line: "2025-12-11 00:51:45,902 - app.tokens - INFO - minted token for identity=user-42b7 room=voice-room-7f3k2 ttl=7200s",
               format: .pythonAsctime, time: "2025-12-11T00:51:45.902Z", level: .info, logger: "app.tokens",
               message: "minted token for identity=user-42b7 room=voice-room-7f3k2 ttl=7200s", room: "voice-room-7f3k2", participant: "user-42b7"),
    // A5 zap console with tabs, with spaces, with +0800
    FormatCase(
        line: "2025-08-26T08:11:13.199Z\tINFO\tlivekit.agents\tservice/agentservice.go:298\tworker registered\t{\"namespace\": \"\", \"jobType\": \"JT_ROOM\", \"agentName\": \"master-banking-agent\", \"workerID\": \"AW_z5g7KvFN5D9u\"}",
        format: .zapConsole, time: "2025-08-26T08:11:13.199Z", level: .info, logger: "livekit.agents", message: "worker registered",
        workerId: "AW_z5g7KvFN5D9u", fieldKeys: ["caller", "namespace", "jobType", "agentName", "workerID"]),
    FormatCase(
        line: "2025-08-26T16:11:13.199+0800  INFO  livekit  service/roommanager.go:371  starting RTC session  {\"room\": \"r1\", \"roomID\": \"RM_tzd4xtQHKXA5\", \"participant\": \"u1\", \"pID\": \"PA_s5ScM4RW9DMK\"}",
        format: .zapConsole, time: "2025-08-26T08:11:13.199Z", level: .info, logger: "livekit", message: "starting RTC session",
        room: "r1", roomSid: "RM_tzd4xtQHKXA5", participant: "u1", participantSid: "PA_s5ScM4RW9DMK"),
    // v1.10+: participantID
    FormatCase(
        line: "2026-04-01T10:00:00.000Z\tINFO\tlivekit\tservice/roommanager.go:380\tstarting RTC session\t{\"room\": \"r2\", \"roomID\": \"RM_bbbbbbbbbbbb\", \"participant\": \"agent-AJ_cccccccccccc\", \"participantID\": \"PA_dddddddddddd\"}",
        format: .zapConsole, time: "2026-04-01T10:00:00.000Z", level: .info, logger: "livekit", message: "starting RTC session",
        room: "r2", roomSid: "RM_bbbbbbbbbbbb", jobId: "AJ_cccccccccccc", participant: "agent-AJ_cccccccccccc", participantSid: "PA_dddddddddddd"),
    // zap JSON
    FormatCase(
        line: #"{"level":"debug","ts":1741750139.1518734,"logger":"livekit","caller":"service/roommanager.go:371","msg":"starting RTC session","room":"r1","roomID":"RM_abcdefabcdef","pID":"PA_abcdefabcdef"}"#,
        format: .zapJSON, time: "2025-03-12T03:28:59.151Z", level: .debug, logger: "livekit", message: "starting RTC session",
        room: "r1", roomSid: "RM_abcdefabcdef", participantSid: "PA_abcdefabcdef"),
    // zap JSON with `EncodeTime: zapcore.ISO8601TimeEncoder` (a string `ts`, in the process's zone)
    FormatCase(
        line: #"{"level":"info","ts":"2026-03-17T05:44:50.500+0530","logger":"egress","caller":"service/process.go:91","msg":"egress started","roomID":"RM_abcdefabcdef"}"#,
        format: .zapJSON, time: "2026-03-17T00:14:50.500Z", level: .info, logger: "egress", message: "egress started",
        roomSid: "RM_abcdefabcdef", fieldKeys: ["caller", "roomID"]),
    // the same without caller and logger (`zap.NewProductionConfig()` with `DisableCaller`)
    FormatCase(
        line: #"{"level":"warn","ts":"2026-03-17T00:14:51.250Z","msg":"slow request"}"#,
        format: .json, time: "2026-03-17T00:14:51.250Z", level: .warning, logger: nil, message: "slow request", fieldKeys: []),
    // A6 browser
    FormatCase(
        line: "livekit-client.esm.mjs:8539 received server answer {room: 'test-room', roomID: 'RM_tzd4xtQHKXA5', participant: 'test-user', participantID: 'PA_s5ScM4RW9DMK', …}",
        format: .browserConsole, time: nil, level: nil, logger: "livekit-client", message: "received server answer",
        room: "test-room", roomSid: "RM_tzd4xtQHKXA5", participant: "test-user", participantSid: "PA_s5ScM4RW9DMK"),
    // DevTools with "Show timestamps" as the time prefix is copied in Chrome
    FormatCase(
        line: "[00:51:46.190] livekit-client.esm.mjs:15640 signal connected {room: 'voice-room-7f3a', roomID: 'RM_tZ8pQ2xLm4Kd', participant: 'user-4821', participantID: 'PA_s5ScM4RW9DMK'}",
        format: .browserConsole, time: nil, level: nil, logger: "livekit-client", message: "signal connected",
        room: "voice-room-7f3a", roomSid: "RM_tZ8pQ2xLm4Kd", participant: "user-4821", participantSid: "PA_s5ScM4RW9DMK"),
    FormatCase(
        line: "Error: Failed to execute 'setRemoteDescription' on 'RTCPeerConnection': The RTCPeerConnection's signalingState is 'closed'.",
        format: .browserConsole, time: nil, level: .error, logger: "livekit-client",
        message: "Error: Failed to execute 'setRemoteDescription' on 'RTCPeerConnection': The RTCPeerConnection's signalingState is 'closed'."),
    // A7 pino
    FormatCase(
        line: #"{"level":50,"time":1760954178728,"pid":1098,"hostname":"agent-7d9","jobID":"AJ_eeeeeeeeeeee","msg":"error in job"}"#,
        format: .pinoJSON, time: "2025-10-20T09:56:18.728Z", level: .error, logger: nil, message: "error in job",
        jobId: "AJ_eeeeeeeeeeee", pid: 1098),
    // agents-js 1.7 JobContext child logger (`job.ts`): the room name under a PII-marked key
    FormatCase(
        line: #"{"level":30,"time":1787187106330,"pid":41288,"hostname":"agent-host-1","pid":41288,"jobID":"AJ_Xk29LmQp7RtB","jobId":"AJ_Xk29LmQp7RtB","lk.pii.room_name":"voice-room-7f3a","msg":"connecting to room"}"#,
        format: .pinoJSON, time: "2026-08-20T00:51:46.330Z", level: .info, logger: nil, message: "connecting to room",
        room: "voice-room-7f3a", jobId: "AJ_Xk29LmQp7RtB", pid: 41288),
    // pino with `timestamp: pino.stdTimeFunctions.isoTime`
    FormatCase(
        line: #"{"level":40,"time":"2026-03-17T00:14:52.125Z","pid":1098,"hostname":"agent-7d9","msg":"no warmed process available"}"#,
        format: .pinoJSON, time: "2026-03-17T00:14:52.125Z", level: .warning, logger: nil, message: "no warmed process available",
        pid: 1098, fieldKeys: ["pid", "hostname"]),
    FormatCase(line: "[13:57:23.859] INFO (45416): registered worker", format: .pinoPretty, time: nil, level: .info, logger: nil,
               message: "registered worker", pid: 45416),
    // A7 webhook text
    FormatCase(
        line: "PARTICIPANT_LEFT\t{\"participant_id\":\"PA_ffffffffffff\",\"participant_identity\":\"user-1\",\"event\":\"PARTICIPANT_LEFT\",\"time_stamp\":\"2025-01-22T02:57:43.185201Z\"}",
        format: .webhookEvent, time: "2025-01-22T02:57:43.185Z", level: .info, logger: nil, message: "PARTICIPANT_LEFT",
        participant: "user-1", participantSid: "PA_ffffffffffff"),
    // A8 uvicorn
    FormatCase(line: #"INFO:     127.0.0.1:54321 - "POST /api/token HTTP/1.1" 200 OK"#, format: .uvicorn, time: nil, level: .info, logger: nil,
               message: #"127.0.0.1:54321 - "POST /api/token HTTP/1.1" 200 OK"#, fieldKeys: ["client_addr", "method", "path", "status_code"]),
    FormatCase(line: "INFO:     Application startup complete.", format: .uvicorn, time: nil, level: .info, logger: nil,
               message: "Application startup complete."),
    // uvicorn 0.54 access lines of a token endpoint: the ids are query parameters
    FormatCase(line: #"INFO:     127.0.0.1:60528 - "GET /api/token?room=room-abc&identity=user-1 HTTP/1.1" 200 OK"#, format: .uvicorn, time: nil,
               level: .info, logger: nil, message: #"127.0.0.1:60528 - "GET /api/token?room=room-abc&identity=user-1 HTTP/1.1" 200 OK"#,
               room: "room-abc", participant: "user-1", fieldKeys: ["client_addr", "method", "path", "status_code"]),
    FormatCase(line: #"INFO:     127.0.0.1:60530 - "GET /api/token?identity=user%2B1&room=room+abc%C3%A9#x HTTP/1.1" 401 Unauthorized"#, format: .uvicorn,
               time: nil, level: .info, logger: nil, message: #"127.0.0.1:60530 - "GET /api/token?identity=user%2B1&room=room+abc%C3%A9#x HTTP/1.1" 401 Unauthorized"#,
               room: "room abcé", participant: "user+1", fieldKeys: ["client_addr", "method", "path", "status_code"]),
    // incident app lines, time of day only
    FormatCase(line: "00:51:46.668 - Generating initial greeting", format: .appTime, time: nil, level: nil, logger: nil,
               message: "Generating initial greeting"),
    // unknown lines are kept
    FormatCase(line: "Connected to: <socket.socket fd=12, family=2, type=1, proto=6>", format: .plain, time: nil, level: nil, logger: nil,
               message: "Connected to: <socket.socket fd=12, family=2, type=1, proto=6>"),
]

@Suite struct FormatTests {
    @Test("every real layout parses into the expected record", arguments: formatCases)
    func parsesFormat(_ c: FormatCase) {
        let r = record(c.line)
        #expect(r.format == c.format)
        #expect(r.time.flatMap { $0.hasDate ? $0.iso8601 : nil } == c.time)
        #expect(r.level == c.level)
        #expect(r.logger == c.logger)
        #expect(r.message == c.message)
        #expect(r.ids.room == c.room)
        #expect(r.ids.roomSid == c.roomSid)
        #expect(r.ids.jobId == c.jobId)
        #expect(r.ids.workerId == c.workerId)
        #expect(r.ids.participant == c.participant)
        #expect(r.ids.participantSid == c.participantSid)
        #expect(r.ids.pid == c.pid)
        if let keys = c.fieldKeys { #expect(r.fields.map(\.0) == keys) }
    }

    @Test func richTimeOnlyTakesDateFromEarlierRecordAndBlankTimeRepeatsIt() {
        let text = """
            2025-05-04 08:00:00,000 - INFO livekit.agents - starting worker 
                08:00:01.500 INFO   livekit.agents     registered worker {"id": "AW_aaaaaaaaaaaa"}
                             DEBUG  livekit.agents     received assignment 
            """
        let records = parse(text + "\n").records
        #expect(records.count == 3)
        #expect(records[1].time?.iso8601 == "2025-05-04T08:00:01.500Z")
        #expect(records[2].time?.iso8601 == "2025-05-04T08:00:01.500Z")
        #expect(records[2].level == .debug)
        #expect(records[2].message == "received assignment")
    }

    @Test func aColouredLineWithoutGreyExtrasKeepsTheJSONThatEndsItsMessage() {
        // `logger.info(f"tool args {json.dumps(args)}")` in `dev` (and the 1.6 compact layout):
        // the formatter's grey part is empty, so the object is the message's, not extras.
        let text =
            "2024-10-12 15:04:22,980 - \(ansi)[32mINFO\(ansi)[0m agent - tool args {\"city\": \"Paris\"} \(ansi)[90m\(ansi)[0m\n"
            + "16:26:44 \(ansi)[32mINFO\(ansi)[0m agent tool args {\"pid\": 7} \(ansi)[90m\(ansi)[0m\n"
            + "2024-10-12 15:04:22,981 - \(ansi)[32mINFO\(ansi)[0m agent - tool args {\"city\": \"Oslo\"} \(ansi)[90m{\"pid\": 5}\(ansi)[0m\n"
            // The same two lines with their colours stripped by a collector: the space is left.
            + "2024-10-12 15:04:22,982 - INFO agent - tool args {\"city\": \"Rome\"} \n"
            + "2024-10-12 15:04:22,983 - INFO agent - tool args {\"city\": \"Bern\"} {\"pid\": 6}\n"
        let records = parse(text).records
        #expect(records.map(\.format) == [.agentsText, .agentsCompact, .agentsText, .agentsText, .agentsText])
        #expect(records.map(\.message) == [
            #"tool args {"city": "Paris"}"#, #"tool args {"pid": 7}"#, #"tool args {"city": "Oslo"}"#, #"tool args {"city": "Rome"}"#, #"tool args {"city": "Bern"}"#,
        ])
        #expect(records.map { $0.fields.map(\.0) } == [[], [], ["pid"], [], ["pid"]])
        #expect(records.map(\.ids.pid) == [nil, nil, 5, nil, 6])
    }

    @Test func aBracketedBrowserTimeIsTheRecordsTimeOfDay() {
        let r = record("[01:09:16.880] livekit-client.esm.mjs:18300 invalid authorization token: token has invalid claims: token is expired {room: 'voice-room-7f3a'}")
        #expect(r.format == .browserConsole)
        #expect(r.time?.timeOfDayString() == "01:09:16")
        #expect(r.field("source") == .string("livekit-client.esm.mjs:18300"))
    }

    @Test func rustSDKLineKeepsTargetWithoutLineNumber() {
        let r = record(#"{"message": "livekit::rtc_engine:453:livekit::rtc_engine - resuming connection failed: client error: 401 Unauthorized - no permissions to access the room", "level": "ERROR", "name": "livekit", "pid": 5, "job_id": "AJ_aaaaaaaaaaaa", "timestamp": "2026-01-01T00:00:00+00:00"}"#)
        #expect(r.message == "resuming connection failed: client error: 401 Unauthorized - no permissions to access the room")
        #expect(r.field("rust_target") == .string("livekit::rtc_engine"))
    }

    @Test func jwtClaimsJoinAServerRejectionToItsRoom() {
        // header {"alg":"HS256","typ":"JWT"}; payload {"exp":1765414006,"nbf":1765413406,"sub":"user-42b7","video":{"room":"voice-room-7f3k2"}}
        let payload = Data(#"{"exp":1765414006,"nbf":1765413406,"sub":"user-42b7","video":{"room":"voice-room-7f3k2"}}"#.utf8)
            .base64EncodedString().replacingOccurrences(of: "=", with: "").replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        let jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.\(payload).c2lnbmF0dXJlLW5vdC1yZWFs"
        let r = record("2025-12-11T01:09:16.402Z\tWARN\tlivekit\tservice/utils.go:187\terror handling request\t{\"error\": \"invalid token: \(jwt), error: go-jose/go-jose/jwt: validation failed, token is expired (exp)\", \"status\": 401, \"method\": \"GET\", \"path\": \"/rtc\"}")
        #expect(r.level == .warning)
        #expect(r.ids.room == "voice-room-7f3k2")
        #expect(r.ids.participant == "user-42b7")
        #expect(r.token?.expires == 1_765_414_006)
        #expect(r.token?.notBefore == 1_765_413_406)
        #expect(r.token?.validitySeconds == 600)
    }
}
