import Foundation
import Testing

@testable import LogAnalyzer

/// livekit-server logs through zap with `AddStacktrace(ErrorLevel)`: the console encoder prints an
/// error's stack on the lines after it (`function`, then `\tfile:line`).
@Suite struct ZapStackTests {
    @Test func anErrorsStackBelongsToItsRecord() {
        let lines = [
            "2026-08-20T01:05:40.118Z\tERROR\tlivekit\tservice/rtcservice.go:639\terror reading from websocket\t{\"room\": \"voice-room-7f3a\", \"roomID\": \"RM_tZ8pQ2xLm4Kd\", \"error\": \"read tcp 10.0.0.5:7880->10.0.0.9:52114: i/o timeout\"}",
            "github.com/livekit/livekit-server/pkg/service.(*RTCService).serve",
            "\t/workspace/pkg/service/rtcservice.go:639",
            "main.main",
            "\t/workspace/cmd/server/main.go:71",
            "2026-08-20T01:09:30.512Z\tINFO\tlivekit\trtc/participant.go:1493\tparticipant closing\t{\"room\": \"voice-room-7f3a\", \"reason\": \"STALE\"}",
            "https://example.com/not-a-frame",
        ]
        let records = parse(lines.joined(separator: "\n") + "\n").records
        #expect(records.map(\.format) == [.zapConsole, .zapConsole, .plain])
        #expect(records[0].lineCount == 5)
        #expect(records[0].ids.roomSid == "RM_tZ8pQ2xLm4Kd")
        #expect(records[0].message == "error reading from websocket\ngithub.com/livekit/livekit-server/pkg/service.(*RTCService).serve\n\t/workspace/pkg/service/rtcservice.go:639\nmain.main\n\t/workspace/cmd/server/main.go:71")
        #expect(records[1].message == "participant closing")
        #expect(records[2].message == "https://example.com/not-a-frame")
    }
}

extension ZapStackTests {
    /// zap's console encoder writes an empty message as nothing between two tabs
    /// (`zapcore/console_encoder.go`, `EncodeEntry`: a separator, then `ent.Message`, then a
    /// separator before the context's JSON); the fuzz smoke found the same with one tab. The
    /// message ended before it started (the tabs trimmed back past it) and the analysis trapped
    /// ("Range requires lowerBound <= upperBound").
    @Test func anEmptyMessageBeforeTheContextIsNoCrash() throws {
        let text = [
            "2025-11-21T16:40:02.723Z\tWARN\tlivekit\tservice/utils.go:85\t{\"error\": \"x\", \"status\": 401}",
            "2025-11-21T16:40:03.723Z\tINFO\tlivekit\tservice/utils.go:85\t{\"ttft\": 0.5}",
            "2025-11-21T16:40:04.723Z\tINFO\tlivekit\tservice/utils.go:85\t\t{\"ttft\": 0.5}",
        ].joined(separator: "\n") + "\n"
        let records = parse(text).records
        #expect(records.map(\.message) == ["", "", ""])
        #expect(records.map(\.format) == [.zapConsole, .zapConsole, .zapConsole])
        #expect(records.map { $0.field("caller")?.stringValue } == ["service/utils.go:85", "service/utils.go:85", "service/utils.go:85"])
        let dir = TempDir()
        var sink = DiagnosticSink()
        let report = Analyzer().run([InputDescriptor(path: dir.write("server.log", text))], diagnostics: &sink)
        #expect(report.inputs.map(\.stats.records) == [3])
    }
}

extension ZapStackTests {
    /// A Go runtime panic (livekit-server's stderr, `runtime/panic.go dopanic_m`): the `panic: `
    /// line, `[signal …]`, a blank line, `goroutine N [running]:` and its frames, `created by`,
    /// are one crash report printed at once. It had been five plain records, and a frame's
    /// function with its arguments started a record of its own.
    @Test func aGoRuntimePanicIsOneRecord() {
        let lines = [
            "2026-03-17T00:14:48.441Z\tINFO\tlivekit\tservice/roommanager.go:371\tstarting RTC session\t{\"room\": \"r1\", \"roomID\": \"RM_tzd4xtQHKXA5\"}",
            "panic: runtime error: invalid memory address or nil pointer dereference",
            "[signal SIGSEGV: segmentation violation code=0x1 addr=0x28 pc=0x1a2b3c4]",
            "",
            "goroutine 1234 [running]:",
            "github.com/livekit/livekit-server/pkg/rtc.(*ParticipantImpl).onTrackUnpublished(0xc000a12000, {0x0, 0x0})",
            "\t/workspace/pkg/rtc/participant.go:2410 +0x44",
            "panic({0x1b2c3e0?, 0x2d4f5a0?})",
            "\t/usr/local/go/src/runtime/panic.go:785 +0x132",
            "created by github.com/livekit/livekit-server/pkg/rtc.(*Room).Join in goroutine 987",
            "\t/workspace/pkg/rtc/room.go:430 +0x5b8",
            "2026-03-17T00:14:50.001Z\tINFO\tlivekit\tserver/main.go:100\tstarting LiveKit server\t{\"version\": \"1.8.0\"}",
        ]
        let records = parse(lines.joined(separator: "\n") + "\n").records
        #expect(records.map(\.line) == [1, 2, 12])
        #expect(records.map(\.format) == [.zapConsole, .plain, .zapConsole])
        #expect(records[1].lineCount == 10)
        #expect(records[1].message == lines[1...10].joined(separator: "\n"))
        #expect(records[2].message == "starting LiveKit server")
    }
}
