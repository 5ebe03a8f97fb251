import Foundation
import Testing

@testable import LogAnalyzer

/// pino-pretty 11 (Node `@livekit/agents` in dev) prints an object value over several lines, and
/// an error's stack unescaped inside it.
@Suite struct PinoPrettyValueTests {
    static let esc = "\u{1B}"
    static let lines = [
        "[00:50:10.412] \(esc)[32mINFO\(esc)[39m (41230): \(esc)[36mregistered worker\(esc)[39m",
        "    id: \"AW_Qm3Zt8Lp2VxR\"",
        "    server_info: {",
        "      \"version\": \"1.13.5\",",
        "      \"protocol\": 16",
        "    }",
        "    agentName: \"\"",
        "[01:09:16.950] \(esc)[31mERROR\(esc)[39m (41288): \(esc)[36merror in entry function\(esc)[39m",
        "    jobID: \"AJ_Xk29LmQp7RtB\"",
        "    error: {",
        "      \"type\": \"Error\",",
        "      \"message\": \"could not reconnect, token might be expired\",",
        "      \"stack\":",
        "          Error: could not reconnect, token might be expired",
        "              at RTCEngine.attemptReconnect (file:///app/dist/room.js:512:19)",
        "    }",
        "[01:09:17.000] \(esc)[32mINFO\(esc)[39m (41288): \(esc)[36mprocess exiting\(esc)[39m",
    ]

    /// A record followed by endless `key: value` lines keeps the first 4 MiB of them, like any
    /// continuation text (it kept every one, each line copying the fields and reading them all
    /// for ids: 8,000 lines took 3.8 s, 20 MB of them did not end in 200 s); a job id after the
    /// eighth field is still read.
    @Test func endlessFieldLinesKeepTheFirstFourMiB() {
        // Each line 127 bytes and its newline: 4 MiB holds 32,768 of them.
        func field(_ i: Int) -> String {
            let head = String(format: "    key%05d: \"", i)
            return head + String(repeating: "v", count: 127 - head.utf8.count - 1) + "\""
        }
        var lines = ["[00:50:10.412] ERROR (41230): job failed"]
        lines += (0..<20).map(field)
        lines.append("    jobID: \"AJ_Xk29LmQp7RtB\"" + String(repeating: " ", count: 127 - 29))
        lines += (21..<40_000).map(field)
        lines.append("[00:50:11.000] INFO (41230): next")
        let records = parse(lines.joined(separator: "\n") + "\n").records
        #expect(records.count == 2)
        #expect(records[0].lineCount == 40_001)
        #expect(records[0].fields.members.count == 32_768)
        #expect(records[0].ids.jobId == "AJ_Xk29LmQp7RtB")
        #expect(records[0].field("key32767") != nil)
        #expect(records[0].field("key32768") == nil)
        #expect(records[1].message == "next")
    }

    @Test func objectValuesAndErrorsAreFieldsOfTheirRecord() throws {
        let records = parse(Self.lines.joined(separator: "\n") + "\n").records
        #expect(records.count == 3)
        #expect(records.map(\.message) == ["registered worker", "error in entry function", "process exiting"])
        #expect(records[0].lineCount == 7)
        #expect(records[0].field("server_info") == .object([("version", .string("1.13.5")), ("protocol", .number("16"))]))
        #expect(records[0].field("agentName") == .string(""))
        #expect(records[0].ids.workerId == "AW_Qm3Zt8Lp2VxR")
        #expect(records[1].lineCount == 9)
        #expect(records[1].ids.jobId == "AJ_Xk29LmQp7RtB")
        // The error object as pino logged it: its stack's lines back in one string, four columns
        // less deep than pino-pretty printed them.
        #expect(records[1].field("error") == .object([
            ("type", .string("Error")), ("message", .string("could not reconnect, token might be expired")),
            ("stack", .string("Error: could not reconnect, token might be expired\n    at RTCEngine.attemptReconnect (file:///app/dist/room.js:512:19)")),
        ]))
        #expect(records[1].errorText == "Error: could not reconnect, token might be expired")
        #expect(records[1].field("Error") == nil)
    }

    /// Members after the stack, and a shape that is not an error object (a member spread over
    /// lines) kept as its text.
    @Test func errorMembersAfterTheStackAndOtherShapes() {
        let stackThenCode = [
            "[01:09:16.950] ERROR (41288): error in entry function",
            "    err: {",
            "      \"type\": \"ConnectError\",",
            "      \"message\": \"signal failure\",",
            "      \"stack\":",
            "          ConnectError: signal failure",
            "              at Room.connect (file:///app/dist/room.js:90:11)",
            "      \"code\": 401",
            "    }",
        ]
        let first = parse(stackThenCode.joined(separator: "\n") + "\n").records
        #expect(first.count == 1)
        #expect(first[0].field("err") == .object([
            ("type", .string("ConnectError")), ("message", .string("signal failure")),
            ("stack", .string("ConnectError: signal failure\n    at Room.connect (file:///app/dist/room.js:90:11)")), ("code", .number("401")),
        ]))
        #expect(first[0].errorText == "ConnectError: signal failure")
        let nested = [
            "[01:09:16.950] ERROR (41288): error in entry function",
            "    error: {",
            "      \"type\": \"Error\",",
            "      \"stack\":",
            "          Error: outer",
            "      \"cause\": {",
            "        \"message\": \"inner\"",
            "      }",
            "    }",
        ]
        let second = parse(nested.joined(separator: "\n") + "\n").records
        #expect(second.count == 1)
        let text = (["{"] + nested[2...]).joined(separator: "\n")
        #expect(second[0].field("error") == .string(text))
        #expect(second[0].errorText == text)
    }
    /// Node agents' worker killing a job's process over its memory limit, through pino-pretty:
    /// the header's pid is the process's (pino-pretty reads the line with `JSON.parse`, whose
    /// last `pid` is the child logger's, supervised_proc.ts `memoryLoggingFields`), the fields
    /// below it; the pid joins the kill to the job whose lines carry it.
    @Test func aMemoryKillJoinsItsJobByThePid() {
        let lines = [
            "[09:56:18.100] INFO (1121): Generating initial greeting",
            "    jobID: \"AJ_q9KdW3xYzQ2r\"",
            "[09:56:38.728] ERROR (1121): job process exceeded memory limit, killing it",
            "    memoryUsageMB: 812.4",
            "    memoryWarnMB: 500",
            "    memoryLimitMB: 800",
            "    uptime: 20.6",
            "    hasRunningJob: true",
        ]
        let records = parse(lines.joined(separator: "\n") + "\n").records
        #expect(records.count == 2)
        #expect(records.map(\.ids.pid) == [1121, 1121])
        #expect(records[1].field("memoryLimitMB") == .number("800"))
        let findings = analyze(log: lines.joined(separator: "\n")).findings
        #expect(findings.map(\.rule) == ["job-failure"])
        #expect(findings.map(\.jobId) == ["AJ_q9KdW3xYzQ2r"])
        #expect(findings.map(\.message) == ["the worker killed the job's process for exceeding its memory limit"])
    }
}
