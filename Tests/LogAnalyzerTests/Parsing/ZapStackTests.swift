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
