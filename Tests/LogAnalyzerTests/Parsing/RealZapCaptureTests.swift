import Foundation
import Testing

@testable import LogAnalyzer

/// Real output of zap 1.23.0 (Debian's golang-go.uber-zap-dev, Go 1.19) configured as
/// livekit/protocol's `logger/logger.go` and `logger/zaputil/zaputil.go` do (`zap.New` with
/// `AddCaller`, `AddStacktrace(ErrorLevel)`, `AddCallerSkip(1)`; console =
/// `NewConsoleEncoder(NewDevelopmentEncoderConfig())`, JSON =
/// `NewJSONEncoder(NewProductionEncoderConfig())`, to stderr; `WithValues` adds the fields to a
/// clone of the encoder), logging livekit-server v1.12.0's session messages with their fields
/// from a small Go program: not livekit-server itself, so callers and stacks name that program's
/// files. `zap-1.23.0-json-incident.log` was written with a fixed clock (`zap.WithClock`) at the
/// times and ids of `Fixtures/incident-real/server.log`; its tokens are that fixture's dummies.
/// `zap-1.23.0-console-job-ended.log` is an excerpt (lines 1, 55, 56) of a console run on the
/// real clock with `TZ=UTC`.
@Suite struct RealZapCaptureTests {
    /// zap's JSON `ts` is `float64(UnixNano) / 1e9` printed in Go's shortest form, so an instant
    /// on a millisecond prints a hair below it (`00:48:04.117` is `1765414084.1169999`): read to
    /// the microsecond by dropping the seventh digit it became `.116`, a millisecond before the
    /// console line of the same instant.
    @Test func zapJSONEpochSecondsRoundToTheMillisecondZapWasGiven() throws {
        let records = parse(try realCapture("zap-1.23.0-json-incident.log")).records
        #expect(records.count == 22)
        #expect(records.allSatisfy { $0.format == .zapJSON })
        #expect(records[0].time?.iso8601 == "2025-12-11T00:48:04.117Z")
        #expect(records[0].time?.micros == 1_765_414_084_117_000)
        #expect(records[14].time?.iso8601 == "2025-12-11T01:09:21.361Z")
        #expect(records[10].time?.micros == 1_765_415_357_702_000)
        #expect(records.map { $0.time?.iso8601 ?? "" }.map { String($0.dropFirst(11)) } == [
            "00:48:04.117Z", "00:51:46.012Z", "00:51:46.031Z", "00:51:46.034Z", "00:51:46.219Z", "00:51:46.540Z",
            "00:51:46.543Z", "01:09:16.281Z", "01:09:16.497Z", "01:09:16.671Z", "01:09:17.702Z", "01:09:17.790Z",
            "01:09:19.161Z", "01:09:19.577Z", "01:09:21.361Z", "01:09:22.006Z", "01:09:23.109Z", "01:09:23.968Z",
            "01:09:24.402Z", "01:09:25.031Z", "01:09:25.448Z", "01:09:40.212Z",
        ])
    }
}

extension RealZapCaptureTests {
    /// The server's `job ended` (`pkg/agent/worker.go`, logger `livekit.agents`, the worker's
    /// `workerID`/`agentName`/`jobType` then `jobID`, `status`, `error`) names a job and no room:
    /// its session is labelled by the job, which the header then printed a second time
    /// (`job AJ_p9KdW3xYzQ2r  job AJ_p9KdW3xYzQ2r  2026-11-27 …`).
    @Test func aSessionKnownOnlyByItsJobNamesTheJobOnce() throws {
        let path = "Tests/LogAnalyzerTests/RealCaptures/zap-1.23.0-console-job-ended.log"
        let result = try runLoganalyze(["timeline", path])
        #expect(result.status == 0)
        #expect(result.stdout == [
            "job AJ_p9KdW3xYzQ2r  2026-11-27 01:58:01 -> 01:58:01 (0.00 s)  [server]", "",
            "job AJ_Vb7nQ2xRt5Lm  2026-11-27 01:58:01 -> 01:58:01 (0.00 s)  [server]", "", "",
        ].joined(separator: "\n"))
    }
}

extension RealZapCaptureTests {
    /// `zap-1.23.0-console-0800-errors.log` (lines 23–36 and 57 of a console run with
    /// `TZ=Asia/Shanghai`): a line with no context (no tab after the message), an `Errorw` with a
    /// nil error (no `error` field, the stack after it), a `Warnw` whose pkg/errors error adds
    /// `errorVerbose` (no stack below WARN), an `Errorw` from a goroutine of a generic method (its
    /// one frame `….(*handler[...]).handleRequest.func1`), and non-ASCII room and identity.
    /// The stack lines stay with their record, `+0800` is read as the zone, `errorVerbose` stays a
    /// field.
    @Test func consoleStacksZonesAndNonASCIIFromRealZap() throws {
        let records = parse(try realCapture("zap-1.23.0-console-0800-errors.log")).records
        #expect(records.map(\.line) == [1, 2, 9, 10, 11, 12, 15])
        #expect(records.map(\.lineCount) == [1, 7, 1, 1, 1, 3, 1])
        #expect(records.allSatisfy { $0.format == .zapConsole && $0.logger == "livekit" })
        #expect(records.map { $0.level } == [.info, .error, .info, .warning, .info, .error, .info])
        #expect(records.map { $0.time?.iso8601 ?? "" } == [
            "2026-11-27T01:58:01.524Z", "2026-11-27T01:58:01.562Z", "2026-11-27T01:58:01.599Z", "2026-11-27T01:58:01.599Z",
            "2026-11-27T01:58:01.636Z", "2026-11-27T01:58:01.674Z", "2026-11-27T01:58:01.935Z",
        ])
        #expect(records[0].message == "starting in development mode")
        #expect(records[0].field("caller")?.stringValue == "cmd/main.go:80")
        #expect(records[1].message == """
            secret is too short, should be at least 32 characters for security
            lkzap/service.ValidateKeys
            \t/tmp/real-zap/gopath/src/lkzap/service/extra.go:13
            main.main
            \t/tmp/real-zap/gopath/src/lkzap/cmd/main.go:82
            runtime.main
            \t/usr/lib/go-1.19/src/runtime/proc.go:250
            """)
        #expect(records[1].field("apiKey")?.stringValue == "APIfixtureKey01")
        #expect(records[1].field("error") == nil)
        #expect(records[3].message == "could not resume participant")
        #expect(records[3].field("error")?.stringValue == "could not restart transport: ICE restart failed")
        #expect(records[3].field("errorVerbose")?.stringValue?.hasPrefix("ICE restart failed\nlkzap/service.Resume\n\t/tmp/real-zap/") == true)
        #expect(records[3].ids.participantSid == "PA_Mn3vC8xLk5Wd")
        #expect(records[3].ids.jobId == "AJ_p9KdW3xYzQ2r")
        #expect(records[5].message == "could not handle new participant\nlkzap/service.(*handler[...]).handleRequest.func1\n\t/tmp/real-zap/gopath/src/lkzap/service/extra.go:30")
        #expect(records[5].field("connID")?.stringValue == "CO_Lx8vN3qTz6Wb")
        #expect(records[6].ids.room == "会议室-Zürich")
        #expect(records[6].ids.participant == "小明-José")
        #expect(records[6].ids.roomSid == "RM_Hs4kP9wXc2Vb")
    }
}
