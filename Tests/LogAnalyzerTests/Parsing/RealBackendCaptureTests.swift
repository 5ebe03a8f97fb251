import Foundation
import Testing

@testable import LogAnalyzer

/// Real output of token backends (a FastAPI or Flask app minting LiveKit tokens with livekit-api
/// 1.2.2) under uvicorn, gunicorn and `flask run`, driven with curl; one endpoint raises. The
/// files under `RealCaptures/backend-*` are the bytes the processes printed (stdout and stderr);
/// their tokens are signed with a throwaway secret.
@Suite struct RealBackendCaptureTests {
    /// gunicorn 27.0.1 with `-k uvicorn.workers.UvicornWorker --access-logfile -`: its error log
    /// (`[2026-11-27 02:02:18 +0000] [17049] [INFO] Booting worker with pid: 17049`, the
    /// worker's uvicorn lines included) has a zoned time, a level and the process id; uvicorn's
    /// `Exception in ASGI application` keeps its traceback.
    @Test func gunicornsErrorLogHasItsTimeLevelAndProcess() throws {
        let records = parse(try realCapture("backend-gunicorn-27.0.1-uvicornworker-access.log")).records
        let gunicorn = records.filter { $0.format == .gunicorn }
        #expect(gunicorn.map(\.line) == [1, 2, 3, 4, 5, 6, 7, 8, 15, 84, 85, 86, 87, 88, 89, 90])
        let boot = try #require(records.first { $0.line == 4 })
        #expect(boot.message == "Booting worker with pid: 17049")
        #expect(boot.level == .info)
        #expect(boot.time?.iso8601 == "2026-11-27T02:02:18.000Z")
        #expect(boot.field("process")?.stringValue == "17049")
        #expect(boot.ids.pid == nil)
        let crash = try #require(records.first { $0.line == 15 })
        #expect(crash.level == .error)
        #expect(crash.time?.iso8601 == "2026-11-27T02:02:19.000Z")
        #expect(crash.lineCount == 69)
        #expect(crash.message.hasPrefix("Exception in ASGI application\nTraceback (most recent call last):\n"))
        #expect(crash.message.hasSuffix("RuntimeError: could not create room voice-room-7f3k2: LiveKit API unreachable"))
    }

    /// `flask run` (Flask 3.1.3) without logging configured: an endpoint's exception goes through
    /// Flask's default handler, `[2026-11-27 02:02:11,081] ERROR in app: Exception on /boom [GET]`
    /// and its traceback: a Python record of logger `app`, not a Node agent's pino-pretty line
    /// (a format of the agent's side) with the message `in app: Exception on …`.
    @Test func flasksDefaultHandlerLineIsAPythonRecordOfTheBackend() throws {
        let text = try realCapture("backend-flask-3.1.3-run-default-logging.log")
        let records = parse(text).records
        let crash = try #require(records.first { $0.line == 9 })
        #expect(crash.format == .pythonAsctime)
        #expect(crash.level == .error)
        #expect(crash.logger == "app")
        #expect(crash.time?.iso8601 == "2026-11-27T02:02:11.081Z")
        #expect(crash.lineCount == 17)
        #expect(crash.message.hasPrefix("Exception on /boom [GET]\nTraceback (most recent call last):\n"))
        #expect(crash.message.hasSuffix("RuntimeError: LiveKit API unreachable"))
        #expect(records.allSatisfy { $0.format != .pinoPretty })
    }

    /// `flask run` with the app's `basicConfig(format="%(asctime)s %(levelname)s %(name)s:
    /// %(message)s")`: `2026-11-27 02:02:09,685 INFO tokens: minted token for …` is a Python
    /// record with its time, level and logger (it was plain, without level or logger); werkzeug's
    /// access lines go through the same handler, their colours stripped.
    @Test func asctimeLevelNameColonIsAPythonRecord() throws {
        let records = parse(try realCapture("backend-flask-3.1.3-run-basicconfig.log")).records
        #expect(records.filter { $0.format == .pythonAsctime }.map(\.line) == [3, 5, 6, 7, 8, 9, 10, 27])
        let mint = try #require(records.first { $0.line == 8 })
        #expect(mint.level == .info)
        #expect(mint.logger == "tokens")
        #expect(mint.time?.iso8601 == "2026-11-27T02:02:09.685Z")
        #expect(mint.message.hasPrefix("minted token for identity=user-42b7 room=voice-room-7f3k2: eyJ"))
        #expect(mint.ids.room == "voice-room-7f3k2")
        #expect(mint.ids.participant == "user-42b7")
        let access = try #require(records.first { $0.line == 6 })
        #expect(access.logger == "werkzeug")
        #expect(access.message == "127.0.0.1 - - [27/Nov/2026 02:02:09] \"GET / HTTP/1.1\" 404 -")
        let crash = try #require(records.first { $0.line == 10 })
        #expect(crash.level == .error)
        #expect(crash.logger == "flask_app")
        #expect(crash.lineCount == 17)
    }

    /// Access lines that begin with the client's address: gunicorn's Common Log Format (time
    /// with zone), werkzeug's (local time, read in `--tz`), and uvicorn's message without its level
    /// as a UvicornWorker writes it to gunicorn's access log. Each has its request's method, path
    /// and status, so a `GET /getToken… 200` is the backend minting a token (they were plain
    /// lines without time).
    @Test func accessLinesHaveTheirTimeAndRequest() throws {
        let classifier = EventClassifier(configuration: AnalysisConfiguration())
        let sync = parse(try realCapture("backend-gunicorn-27.0.1-flask-sync-access.log")).records
        #expect(sync.filter { $0.format == .accessLog }.map(\.line) == [6, 7, 9, 27])
        let mint = try #require(sync.first { $0.line == 9 })
        #expect(mint.time?.iso8601 == "2026-11-27T02:02:12.000Z")
        #expect(mint.field("method")?.stringValue == "GET")
        #expect(mint.field("path")?.stringValue == "/getToken?room=voice-room-7f3k2&identity=user-42b7")
        #expect(mint.field("status_code")?.stringValue == "200")
        #expect(mint.ids.room == "voice-room-7f3k2")
        #expect(classifier.classify(mint) == .tokenMinted(ttlSeconds: nil))
        #expect(classifier.classify(try #require(sync.first { $0.line == 7 })) == nil)  // POST /api/token 404

        let werkzeug = parse(try realCapture("backend-flask-3.1.3-run-default-logging.log")).records
        #expect(werkzeug.filter { $0.format == .accessLog }.map(\.line) == [6, 7, 8, 26])
        let get = try #require(werkzeug.first { $0.line == 8 })
        #expect(get.time?.iso8601 == "2026-11-27T02:02:11.000Z")
        #expect(classifier.classify(get) == .tokenMinted(ttlSeconds: nil))

        let worker = parse(try realCapture("backend-gunicorn-27.0.1-uvicornworker-access.log")).records
        #expect(worker.filter { $0.format == .uvicorn }.map(\.line) == [9, 12, 13, 14])
        let post = try #require(worker.first { $0.line == 12 })
        #expect(post.message == "127.0.0.1:33418 - \"POST /api/token HTTP/1.1\" 200")
        #expect(post.field("status_code")?.stringValue == "200")
        #expect(classifier.classify(post) == .tokenMinted(ttlSeconds: nil))
    }

    /// uvicorn 0.54.0 at `--log-level trace` prints each request's ASGI scope, its query string
    /// as Python bytes without the `?`: `'query_string': b'room=voice-room-7f3k2&identity=user-42b7'`.
    /// The room is `voice-room-7f3k2` (it was `voice-room-7f3k2&identity=user-42b7`, a session of
    /// its own beside the access line's).
    @Test func aQueryStringWithoutItsQuestionMarkEndsTheRoomAtTheAmpersand() throws {
        let text = try realCapture("backend-uvicorn-0.54.0-trace-excerpt.log")
        let records = parse(text).records
        let scope = try #require(records.first { $0.line == 2 })
        #expect(scope.level == .trace)
        #expect(scope.ids.room == "voice-room-7f3k2")
        #expect(scope.ids.participant == "user-42b7")
        let report = analyze(log: text, name: "backend.log")
        #expect(report.sessions.map(\.key) == ["voice-room-7f3k2"])
    }

    /// The incident's browser log (no config.json) beside a gunicorn 27.0.1 + Flask backend run
    /// under faketime at the incident's start: its access line `GET
    /// /getToken?room=voice-room-7f3k2&identity=user-42b7 … 200`, stamped 00:51:44 (whole
    /// seconds), comes before the app's `00:51:44,420 INFO tokens: minted token for …: <JWT>`.
    /// The TTL of the user's token the browser's resume sent is the printed token's (exp - nbf =
    /// 2 h); with the access line taken as the mint, no TTL was found and early-token-death was
    /// not reported. (The agent's log would add the agent's own token, which takes its job
    /// token's 1 h whatever the mint lines.)
    @Test func theTokenPrintedAfterItsAccessLineGivesTheMintedTTL() throws {
        let dir = TempDir()
        for name in ["browser.log"] {
            let text = try String(contentsOf: PackagePaths.fixtures.appendingPathComponent("incident-real/" + name), encoding: .utf8)
            dir.write(name, text)
        }
        dir.write("backend.log", try realCapture("backend-gunicorn-27.0.1-flask-sync-faketime-incident.log"))
        let report = analyze([dir.url.path])
        #expect(report.sessions.map(\.key) == ["voice-room-7f3k2/RM_Xq7bT2mNw4Lp"])
        let death = try #require(report.findings.first { $0.rule == "early-token-death" })
        #expect(death.value("configuredTtlSeconds") == .number(7200))
        #expect(death.value("configuredTtlSource") == .text("minted token (exp - nbf)"))
        #expect(death.value("lifetimeSeconds") == .number(1053.312))
        #expect(death.value("cause") == .text("suspended-host"))
    }

    /// werkzeug's access line through the app's `basicConfig` (`2026-11-27 02:02:09,685 INFO
    /// werkzeug: 127.0.0.1 - - [27/Nov/2026 02:02:09] "GET /getToken?… HTTP/1.1" 200 -`) has its
    /// request's fields, so the `GET /getToken… 200` is a token mint, at the record's own time.
    @Test func anAccessLineLoggedThroughBasicConfigHasItsRequest() throws {
        let records = parse(try realCapture("backend-flask-3.1.3-run-basicconfig.log")).records
        let get = try #require(records.first { $0.line == 9 })
        #expect(get.format == .pythonAsctime)
        #expect(get.time?.iso8601 == "2026-11-27T02:02:09.685Z")
        #expect(get.field("method")?.stringValue == "GET")
        #expect(get.field("status_code")?.stringValue == "200")
        let classifier = EventClassifier(configuration: AnalysisConfiguration())
        #expect(classifier.classify(get) == .tokenMinted(ttlSeconds: nil))
        #expect(classifier.classify(try #require(records.first { $0.line == 7 })) == nil)  // POST /api/token 404
    }
}
