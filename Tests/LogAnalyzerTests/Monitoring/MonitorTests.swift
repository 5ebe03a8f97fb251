import Foundation
import Testing

@testable import LogAnalyzer

#if canImport(FoundationXML)
import FoundationXML
#endif

/// Agent JSON logs (livekit-agents 1.6 layout) of sessions with the given greeting times; every
/// session has two turns of 0.5 s EOU + 0.8 s LLM ttft + 0.3 s TTS ttfb (1.6 s responses).
func monitorLog(greetings: [Double], day: String = "2026-03-02", audio: Bool = true) -> String {
    var lines: [String] = []
    func stamp(_ seconds: Double) -> String {
        let micros = Int64((seconds * 1_000_000).rounded())
        let t = Timestamp(micros: TimeParsing.day(fromISODate: day)! * Timestamp.microsPerDay + micros)
        return t.dateString + "T" + t.timeOfDayString(fraction: 0) + "." + pad(Int(micros % 1_000_000), 6) + "+00:00"
    }
    for (i, g) in greetings.enumerated() {
        let t0 = Double(i) * 600
        let job = "AJ_" + pad(i, 12)
        let room = "room-\(i)"
        let extras = "\"pid\": \(1000 + i), \"job_id\": \"\(job)\", \"room\": \"\(room)\""
        lines.append("{\"message\": \"received job request\", \"level\": \"INFO\", \"name\": \"livekit.agents\", \"job_id\": \"\(job)\", \"room\": \"\(room)\", \"room_id\": \"RM_\(pad(i, 12))\", \"timestamp\": \"\(stamp(t0))\"}")
        lines.append("{\"message\": \"Generating initial greeting\", \"level\": \"INFO\", \"name\": \"agent\", \(extras), \"timestamp\": \"\(stamp(t0 + 1))\"}")
        lines.append("{\"message\": \"LLM metrics\", \"level\": \"INFO\", \"name\": \"livekit.agents\", \"ttft\": 0.4, \(extras), \"timestamp\": \"\(stamp(t0 + 1 + g / 2))\"}")
        lines.append("{\"message\": \"TTS metrics\", \"level\": \"INFO\", \"name\": \"livekit.agents\", \"ttfb\": 0.2, \"audio_duration\": \(audio ? "1.5" : "0.0"), \(extras), \"timestamp\": \"\(stamp(t0 + 1 + g - 0.01))\"}")
        lines.append("{\"message\": \"Voice agent running for room \(room)\", \"level\": \"INFO\", \"name\": \"agent\", \(extras), \"timestamp\": \"\(stamp(t0 + 1 + g))\"}")
        for turn in 0..<2 {
            let t = t0 + 20 + Double(turn) * 20
            lines.append("{\"message\": \"EOU metrics\", \"level\": \"INFO\", \"name\": \"livekit.agents\", \"end_of_utterance_delay\": 0.5, \"transcription_delay\": 0.2, \(extras), \"timestamp\": \"\(stamp(t))\"}")
            lines.append("{\"message\": \"LLM metrics\", \"level\": \"INFO\", \"name\": \"livekit.agents\", \"ttft\": 0.8, \(extras), \"timestamp\": \"\(stamp(t + 1))\"}")
            lines.append("{\"message\": \"TTS metrics\", \"level\": \"INFO\", \"name\": \"livekit.agents\", \"ttfb\": 0.3, \"audio_duration\": \(audio ? "2.0" : "0.0"), \(extras), \"timestamp\": \"\(stamp(t + 2))\"}")
        }
        lines.append("{\"message\": \"process exiting\", \"level\": \"INFO\", \"name\": \"livekit.agents\", \"reason\": \"\", \(extras), \"timestamp\": \"\(stamp(t0 + 100))\"}")
    }
    return lines.joined(separator: "\n") + "\n"
}

/// Runs `report` on a generated log.
func monitor(_ log: String, options: [String] = []) throws -> CommandResult {
    let dir = TempDir()
    let path = dir.write("agent.log", log)
    return try runLoganalyze(["report"] + options + [path])
}

@Suite struct MonitorTests {
    @Test func aggregatesHaveTheirTrueValuesWithinTheStatedErrorBound() throws {
        // Greetings 0.05, 0.10, … 5.00 s: p50 2.50, p90 4.50, p95 4.75, p99 4.95, max 5.00.
        let greetings = (1...100).map { Double($0) * 0.05 }
        let result = try monitor(monitorLog(greetings: greetings), options: ["--output", "json"])
        #expect(result.status == 0)
        let doc = try #require(parseJSON(result.stdout))
        #expect(doc["schema"]?.stringValue == "loganalyze.monitor/v1")
        #expect(doc["sessions"]?.doubleValue == 100)
        #expect(doc["window"]?["from"]?.stringValue == "2026-03-02T00:00:00.000Z")
        let greeting = try #require(doc["latency"]?["greetingSeconds"])
        #expect(greeting["count"]?.doubleValue == 100)
        for (key, truth) in [("p50", 2.5), ("p90", 4.5), ("p95", 4.75), ("p99", 4.95), ("max", 5.0)] {
            let value = try #require(greeting[key]?.doubleValue, "\(key)")
            #expect(abs(value - truth) <= truth * 0.001 + 0.0005, "\(key) \(value) vs \(truth)")
        }
        let response = try #require(doc["latency"]?["responseSeconds"])
        #expect(response["count"]?.doubleValue == 200)
        #expect(abs((response["p50"]?.doubleValue ?? 0) - 1.6) <= 0.0021)
        // Warning above 2.0 s (0.05 × 41 … 0.05 × 100), none above 5.0 s.
        #expect(doc["rules"]?["slow-greeting"]?["sessions"]?.doubleValue == 60)
        #expect(doc["rules"]?["slow-greeting"]?["rate"]?.doubleValue == 0.6)
        #expect(doc["counts"]?["sessionsWithAudio"]?.doubleValue == 100)
        #expect(doc["counts"]?["tokenExpiredErrors"]?.doubleValue == 0)
    }

    @Test func sessionsWithRepliesButNoAudioAreCounted() throws {
        let result = try monitor(monitorLog(greetings: [1, 1, 1], audio: false), options: ["--output", "json"])
        let doc = try #require(parseJSON(result.stdout))
        #expect(doc["counts"]?["sessionsWithoutAudio"]?.doubleValue == 3)
        #expect(doc["counts"]?["sessionsWithAudio"]?.doubleValue == 0)
    }

    /// A realtime model speaks itself and logs no `TTS metrics`: a reply with a time to first
    /// audio counts as audio; one with `ttft` -1 (no audio: a tool call) does not.
    @Test func realtimeRepliesWithAudioCountAsAudio() throws {
        func line(_ second: Int, _ message: String, _ members: String) -> String {
            #"{"message": "\#(message)", "level": "INFO", "name": "livekit.agents", \#(members), "pid": 1, "job_id": "AJ_T\#(second / 100)aaaaaaaaaa", "timestamp": "2026-03-06T10:\#(String(format: "%02d", (second / 60) % 60)):\#(String(format: "%02d", second % 60))+00:00"}"#
        }
        let spoken = [
            line(0, "received job request", #""room_name": "rt0""#),
            line(2, "RealtimeModel metrics", #""ttft": -1.0, "input_tokens": 10, "output_tokens": 20"#),
            line(10, "EOU metrics", #""end_of_utterance_delay": 0.5, "transcription_delay": 0.2"#),
            line(12, "RealtimeModel metrics", #""ttft": 0.8, "input_tokens": 10, "output_tokens": 20"#),
        ]
        let silent = [
            line(100, "received job request", #""room_name": "rt1""#),
            line(102, "RealtimeModel metrics", #""ttft": -1.0, "input_tokens": 10, "output_tokens": 20"#),
        ]
        let result = try monitor((spoken + silent).joined(separator: "\n") + "\n", options: ["--output", "json"])
        let doc = try #require(parseJSON(result.stdout))
        #expect(doc["counts"]?["sessionsWithAudio"]?.doubleValue == 1)
        #expect(doc["counts"]?["sessionsWithoutAudio"]?.doubleValue == 1)
    }

    /// A greeting spoken from fixed text (`session.say`) logs a TTS line before any LLM line:
    /// the agent was ready at that reply's start (TTS time minus ttfb, 2.25 - 0.3 s after the
    /// 0.25 s job request), not at the first user turn's LLM line 16 s in.
    /// A time-only browser console whose date could not be learnt (the agent log came through
    /// standard input) joins the session by its room sid: its undated times do not start the
    /// session, nor the window. They did: the connect time, from day 0 to 2026-03-02, was
    /// 1,772,409,602.8 s, and the window started at 11:59:59.700.
    @Test func undatedLinesDoNotStartADatedSession() throws {
        let tracker = SessionTracker(configuration: AnalysisConfiguration(), paths: ["-", "browser.log"])
        func record(_ input: Int, _ line: Int, _ message: String, _ micros: Int64, dated: Bool) -> LogRecord {
            var r = LogRecord(input: input, line: line, format: input == 0 ? .agentsJSON : .browserConsole, message: message)
            r.time = Timestamp(micros: micros, hasDate: dated)
            r.ids.room = "room-a"
            r.ids.roomSid = "RM_aaaaaaaaaaaa"
            if input == 0 { r.ids.jobId = "AJ_aaaaaaaaaaaa" }
            return r
        }
        let day = Timestamp.days(year: 2026, month: 3, day: 2) * Timestamp.microsPerDay
        let noon = 12 * 3_600_000_000 as Int64
        tracker.add(record(1, 1, "signal connected", noon - 300_000, dated: false))
        tracker.add(record(0, 1, "received job request", day + noon, dated: true))
        tracker.add(record(0, 2, "Generating initial greeting", day + noon + 2_500_000, dated: true))
        tracker.add(record(0, 3, "Voice agent running for room room-a", day + noon + 3_700_000, dated: true))
        tracker.add(record(0, 4, "process exiting", day + noon + 30_000_000, dated: true))
        // Another room's console alone: a session without a date, which does not start the window.
        var other = record(1, 2, "signal connected", 27 * 60_000_000 + 7_370_000, dated: false)
        other.ids.room = "room-b"
        other.ids.roomSid = "RM_bbbbbbbbbbbb"
        tracker.add(other)
        let sessions = tracker.finish()
        #expect(sessions.map(\.room) == ["room-a", "room-b"])
        #expect(sessions.first?.start?.iso8601 == "2026-03-02T12:00:00.000Z")
        var monitor = MonitorAggregate()
        for s in sessions { monitor.add(s, findings: []) }
        #expect(monitor.summary.latency["connectSeconds"]?.max == 2.5)
        #expect(monitor.summary.latency["durationSeconds"]?.max == 30)
        #expect(monitor.summary.from == "2026-03-02T12:00:00.000Z")
        #expect(monitor.summary.to == "2026-03-02T12:00:30.000Z")
    }

    @Test func connectTimeOfASpokenGreetingIsItsTTSStart() throws {
        let extras = #""pid": 7001, "job_id": "AJ_Sy7kQ2mXv9Lp", "room": "say-room-1""#
        let log = [
            #"{"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "AJ_Sy7kQ2mXv9Lp", "room": "say-room-1", "room_id": "RM_Sy7kQ2mXv9Lp", "timestamp": "2026-03-02T09:00:00.250000+00:00"}"#,
            #"{"message": "TTS metrics", "level": "INFO", "name": "livekit.agents", "ttfb": 0.3, "audio_duration": 2.4, \#(extras), "timestamp": "2026-03-02T09:00:02.250000+00:00"}"#,
            #"{"message": "EOU metrics", "level": "INFO", "name": "livekit.agents", "end_of_utterance_delay": 0.5, "transcription_delay": 0.3, \#(extras), "timestamp": "2026-03-02T09:00:15.250000+00:00"}"#,
            #"{"message": "LLM metrics", "level": "INFO", "name": "livekit.agents", "ttft": 0.8, \#(extras), "timestamp": "2026-03-02T09:00:16.250000+00:00"}"#,
            #"{"message": "TTS metrics", "level": "INFO", "name": "livekit.agents", "ttfb": 0.2, "audio_duration": 3.0, \#(extras), "timestamp": "2026-03-02T09:00:17.250000+00:00"}"#,
        ].joined(separator: "\n") + "\n"
        let doc = try #require(parseJSON(try monitor(log, options: ["--output", "json"]).stdout))
        #expect(doc["latency"]?["greetingSeconds"]?["p50"]?.doubleValue == 0.3)
        #expect(doc["latency"]?["connectSeconds"]?["count"]?.doubleValue == 1)
        #expect(doc["latency"]?["connectSeconds"]?["p50"]?.doubleValue == 1.7)
        #expect(doc["latency"]?["responseSeconds"]?["p50"]?.doubleValue == 1.5)
    }

    /// A log named twice (its directory and itself) or found twice (a link to it beside it) is
    /// read once: the incident's server log has 11 `token is expired` rejections, not 22.
    @Test func aFileNamedTwiceOrLinkedIsCountedOnce() throws {
        let server = "Fixtures/incident-real/server.log"
        let named = try runLoganalyze(["report", "--output", "json", "Fixtures/incident-real", server])
        #expect(parseJSON(named.stdout)?["counts"]?["tokenExpiredBySide"]?["server"]?.doubleValue == 11)
        #expect(named.stderr.contains("\(server): note: named twice: read once"))
        let dir = TempDir()
        let copy = dir.write("server.log", try String(contentsOfFile: PackagePaths.root.appendingPathComponent(server).path, encoding: .utf8))
        try FileManager.default.createSymbolicLink(atPath: dir.url.appendingPathComponent("current.log").path, withDestinationPath: copy)
        let linked = try runLoganalyze(["report", "--output", "json", dir.url.path])
        #expect(parseJSON(linked.stdout)?["counts"]?["tokenExpiredBySide"]?["server"]?.doubleValue == 11)
        #expect(parseJSON(linked.stdout)?["counts"]?["tokenExpiredErrors"]?.doubleValue == 11)
    }

    /// A byte-identical copy of a log (another file, not a link: `cp server.log backup/`) is read
    /// once too; a file of the same size with other bytes is read.
    @Test func aCopyOfALogIsCountedOnce() throws {
        let text = try String(contentsOfFile: PackagePaths.root.appendingPathComponent("Fixtures/incident-real/server.log").path, encoding: .utf8)
        let dir = TempDir()
        let original = dir.write("logs/server.log", text)
        let copy = dir.write("backup/server.log", text)
        let copied = try runLoganalyze(["report", "--output", "json", original, copy])
        #expect(parseJSON(copied.stdout)?["counts"]?["tokenExpiredBySide"]?["server"]?.doubleValue == 11)
        #expect(copied.stderr == "\(copy): note: the same bytes as \(original): read once\n")
        // The same length, one byte changed (the last line's newline made a space): both are read.
        var changed = Array(text.utf8)
        changed[changed.count - 1] = UInt8(ascii: " ")
        let other = dir.write("other/server.log", Data(changed))
        #expect(try FileManager.default.attributesOfItem(atPath: other)[.size] as? Int == text.utf8.count)
        let both = try runLoganalyze(["report", "--output", "json", original, other])
        #expect(parseJSON(both.stdout)?["counts"]?["tokenExpiredBySide"]?["server"]?.doubleValue == 22)
        #expect(both.stderr == "")
    }

    /// The worker's one registration 401 while two jobs run is one unauthorized error, not two
    /// (it is the worker's: a group of its own beside the two sessions).
    @Test func anErrorWithoutSessionIDsIsCountedOnce() throws {
        func job(_ n: Int, _ second: Int, _ message: String) -> String {
            #"{"message": "\#(message)", "level": "INFO", "name": "livekit.agents", "pid": \#(700 + n), "job_id": "AJ_Tw0j0b\#(n)aaaaa", "room": "room-\#(n)", "timestamp": "2026-03-02T09:00:\#(pad(second, 2))+00:00"}"#
        }
        let log = [
            #"{"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "AJ_Tw0j0b1aaaaa", "room": "room-1", "room_id": "RM_Tw0r00m1aaaa", "timestamp": "2026-03-02T09:00:01+00:00"}"#,
            #"{"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "AJ_Tw0j0b2aaaaa", "room": "room-2", "room_id": "RM_Tw0r00m2aaaa", "timestamp": "2026-03-02T09:00:02+00:00"}"#,
            job(1, 5, "Generating initial greeting"), job(2, 6, "Generating initial greeting"),
            #"{"message": "failed to connect to livekit, retrying in 0s: 401, message='Invalid response status', url='wss://acme-9x2k.livekit.cloud/agent'", "level": "WARNING", "name": "livekit.agents", "timestamp": "2026-03-02T09:00:20+00:00"}"#,
            job(1, 40, "process exiting"), job(2, 41, "process exiting"),
        ].joined(separator: "\n") + "\n"
        let doc = try #require(parseJSON(try monitor(log, options: ["--output", "json"]).stdout))
        #expect(doc["sessions"]?.doubleValue == 3)
        #expect(doc["counts"]?["unauthorizedErrors"]?.doubleValue == 1)
    }

    /// Each error without ids is counted by the first session it joins, its copies are not: the
    /// report no longer keeps the location of every such line of the run to count it once (a
    /// time-only app log with a 401 on every line grew by 20 bytes a line). A window still does.
    @Test func errorsWithoutSessionIDsAreCountedOnceWithoutHoldingTheirLocations() {
        func stamp(_ s: Int) -> String { String(format: "2026-03-02T09:%02d:%02d+00:00", s / 60, s % 60) }
        var lines: [String] = []
        for n in 1...2 {
            lines.append(#"{"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "AJ_Tw0j0b\#(n)aaaaa", "room": "room-\#(n)", "timestamp": "\#(stamp(n))"}"#)
        }
        for s in 3..<1_003 {
            lines.append(#"{"message": "failed to connect to livekit, retrying in 0s: 401, message='Invalid response status', url='wss://acme-9x2k.livekit.cloud/agent'", "level": "WARNING", "name": "livekit.agents", "timestamp": "\#(stamp(s / 2))"}"#)
        }
        for n in 1...2 {
            lines.append(#"{"message": "process exiting", "level": "INFO", "name": "livekit.agents", "job_id": "AJ_Tw0j0b\#(n)aaaaa", "timestamp": "\#(stamp(600))"}"#)
        }
        let dir = TempDir()
        let path = dir.write("worker.log", lines.joined(separator: "\n") + "\n")
        for window in [false, true] {
            var analyzer = Analyzer()
            analyzer.monitor = window ? MonitorAggregate(since: Timestamp(micros: 0)) : MonitorAggregate()
            var sink = DiagnosticSink()
            let report = analyzer.run([InputDescriptor(path: path)], diagnostics: &sink)
            #expect(report.sessionCount == 3)
            #expect(report.monitor?.unauthorizedErrors == 1_000)
            #expect(report.monitor?.heldLocations == (window ? 1_000 : 0))
        }
    }

    @Test func sinceAndUntilSelectTheWindow() throws {
        let result = try monitor(monitorLog(greetings: Array(repeating: 1, count: 10)), options: ["--output", "json", "--since", "2026-03-02T00:30:00Z", "--until", "2026-03-02T01:00:00Z"])
        let doc = try #require(parseJSON(result.stdout))
        // Sessions start every 10 minutes: 00:30, 00:40, 00:50.
        #expect(doc["sessions"]?.doubleValue == 3)
    }

    /// A window written without a zone is in `--tz`, as the logs' zone-less stamps are, and a
    /// time to the minute is one (`09:30` had been "not a time").
    @Test func aWindowWithoutAZoneIsInTheTimeZoneAndMayStopAtTheMinute() throws {
        let log = monitorLog(greetings: Array(repeating: 1, count: 10))
        // Sessions start every 10 minutes from 00:00 UTC: 00:30, 00:40, 00:50 are 01:30 … in +01:00.
        for options in [["--since", "2026-03-02T01:30", "--until", "2026-03-02T02:00", "--tz", "+01:00"],
                        ["--since", "2026-03-02 01:30:00", "--until", "2026-03-02T02:00", "--tz", "Europe/Berlin"],
                        ["--since", "2026-03-02T00:30Z", "--until", "2026-03-02T01:00:00Z", "--tz", "+01:00"]] {
            let doc = try #require(parseJSON(try monitor(log, options: ["--output", "json"] + options).stdout))
            #expect(doc["sessions"]?.doubleValue == 3, "\(options)")
        }
        let day = try monitor(log, options: ["--output", "json", "--since", "2026-03-02", "--tz", "+01:00"])
        // Midnight in +01:00 is 23:00 UTC the day before: all ten.
        #expect(try #require(parseJSON(day.stdout))["sessions"]?.doubleValue == 10)
        #expect(try monitor(log, options: ["--since", "2026-03-02T0130"]).status == 2)
    }

    @Test func sessionsWithoutADateLeftOutOfAWindowAreNoted() throws {
        let log = "00:51:46 - Session created\n00:51:46.668 - Generating initial greeting\n00:51:52.034 - Voice agent running for room\n"
        let result = try monitor(log, options: ["--since", "2026-03-02", "--output", "json"])
        #expect(try #require(parseJSON(result.stdout))["sessions"]?.doubleValue == 0)
        #expect(result.stderr.contains("loganalyze: note: 1 session starts without a date (a time-only log: give its day with --date), outside any --since/--until window: left out\n"))
        let dated = try monitor(log, options: ["--since", "2026-03-02", "--date", "2026-03-02", "--output", "json"])
        #expect(try #require(parseJSON(dated.stdout))["sessions"]?.doubleValue == 1)
        #expect(!dated.stderr.contains("without a date"))
    }

    @Test func aRegressionGateWithoutABaselineSaysSo() throws {
        let result = try monitor(monitorLog(greetings: [1, 2]), options: ["--fail-on-regression"])
        #expect(result.status == 0)
        #expect(result.stderr.contains("loganalyze: warning: --fail-on-regression without --baseline: nothing to compare, so no regression can fail this run\n"))
    }

    @Test func baselineVerdictsSeeBetterWorseAndIgnoreNoise() throws {
        let dir = TempDir()
        let slow = (0..<60).map { 2.5 + Double($0 % 10) * 0.1 }
        let fast = (0..<60).map { 1.0 + Double($0 % 10) * 0.1 }
        let noise = (0..<60).map { 2.5 + Double(($0 * 7) % 10) * 0.1 + 0.01 }
        let before = try monitor(monitorLog(greetings: slow), options: ["--output", "json"])
        let baseline = dir.write("before.json", before.stdout)

        let better = try monitor(monitorLog(greetings: fast), options: ["--baseline", baseline, "--output", "json", "--fail-on-regression"])
        #expect(better.status == 0)
        let betterRows = try #require(parseJSON(better.stdout)?["comparison"])
        #expect(verdict(betterRows, "greetingSeconds p50") == "better")
        #expect(verdict(betterRows, "slow-greeting rate") == "better")

        let worseDir = TempDir()
        let fastReport = worseDir.write("fast.json", try monitor(monitorLog(greetings: fast), options: ["--output", "json"]).stdout)
        let worse = try monitor(monitorLog(greetings: slow), options: ["--baseline", fastReport, "--fail-on-regression"])
        #expect(worse.status == 1)
        #expect(worse.stdout.contains("greetingSeconds p50         1.400    2.901  +1.501 s (+107.2%)      worse\n"))

        let same = try monitor(monitorLog(greetings: noise), options: ["--baseline", baseline, "--output", "json", "--fail-on-regression"])
        #expect(same.status == 0)
        let sameRows = try #require(parseJSON(same.stdout)?["comparison"])
        #expect(verdict(sameRows, "greetingSeconds p50") == "unchanged")
        #expect(verdict(sameRows, "greetingSeconds p95") == "unchanged")
        #expect(verdict(sameRows, "slow-greeting rate") == "unchanged")
    }

    /// The report of one session whose agent logged one outage (timed; its job ends at
    /// `exitAt`) and whose browser console, saved without DevTools timestamps, logged `losses`
    /// `websocket closed` lines (untimed).
    static func untimedConsoleReport(exitAt: String, losses: Int) throws -> JSONValue {
        let dir = TempDir()
        let extras = #""pid": 231, "job_id": "AJ_Mz3kQ8vTn2Lp", "room": "support-q1""#
        dir.write("agent.log", """
            {"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "AJ_Mz3kQ8vTn2Lp", "dispatch_id": "", "room": "support-q1", "room_id": "RM_Hc4nV7tQ2xWb", "agent_name": "", "resuming": false, "enable_recording": false, "timestamp": "2026-11-20T10:38:54.471000+00:00"}
            {"message": "livekit::rtc_engine:453:livekit::rtc_engine - received session close: \\"signal client closed: \\\\\\"stream closed\\\\\\"\\" UnknownReason Resume", "level": "WARNING", "name": "livekit", \(extras), "timestamp": "2026-11-20T10:40:00.603000+00:00"}
            {"message": "process exiting", "level": "INFO", "name": "livekit.agents", "reason": "", \(extras), "timestamp": "2026-11-20T\(exitAt)+00:00"}

            """)
        let context = "room: 'support-q1', roomID: 'RM_Hc4nV7tQ2xWb', participant: 'user-6sr53', pID: 'PA_HP1lttYk2lrT'"
        let closed = Array(repeating: "livekit-client.esm.mjs:21622 websocket closed {\(context), code: 1006, reason: '', wasClean: false, state: 1}", count: losses)
        dir.write("browser.log", (["livekit-client.esm.mjs:20411 signal connecting to wss://livekit.example.com"] + closed
            + ["livekit-client.esm.mjs:26010 disconnect from room {\(context)}", ""]).joined(separator: "\n"))
        let result = try runLoganalyze(["report", "--output", "json", dir.url.path])
        return try #require(parseJSON(result.stdout))
    }

    /// One outage logged by the agent (timed) and by a browser console saved without DevTools
    /// timestamps (its `websocket closed` has no time) is one drop, as it is with a timed console:
    /// the untimed loss had been counted on its own, 2 drops (and 4 in `sumsOfSquares`).
    @Test func anUntimedConsolesLossOfTheSameOutageIsNotASecondDrop() throws {
        let report = try Self.untimedConsoleReport(exitAt: "10:40:07.103000", losses: 1)
        #expect(report["sessions"]?.doubleValue == 1)
        let counts = try #require(report["counts"])
        #expect(counts["midSessionDrops"]?.doubleValue == 1)
        #expect(counts["sumsOfSquares"]?["midSessionDrops"]?.doubleValue == 1)
    }

    /// Two outages the timeless console logged and the agent's log shows one of: two drops.
    @Test func anUntimedConsolesLossesCountPastTheTimedOnes() throws {
        let counts = try #require(try Self.untimedConsoleReport(exitAt: "10:44:07.103000", losses: 2)["counts"])
        #expect(counts["midSessionDrops"]?.doubleValue == 2)
    }

    /// A baseline written when the report knew three rules has no entry for a later detector:
    /// it was not compared, not called worse. 10 of 30 sessions whose job crashed (`process
    /// exited with non-zero exit code 1`) against such a baseline had been `job-failure rate
    /// 0.00% → 33.33%, worse`, and `--fail-on-regression` exited 1 on a deploy as good as before.
    @Test func aRuleTheBaselineDoesNotListIsNotCompared() throws {
        var log = monitorLog(greetings: Array(repeating: 1.0, count: 30))
        for _ in 0..<10 {
            let exiting = try #require(log.range(of: #""message": "process exiting", "level": "INFO""#))
            log.replaceSubrange(exiting, with: #""message": "process exited with non-zero exit code 1", "level": "ERROR""#)
        }
        let dir = TempDir()
        let baseline = dir.write("old.json", #"""
            {"schema": "loganalyze.monitor/v1", "window": {"from": "2026-03-01T00:00:00.000Z", "to": "2026-03-01T05:00:00.000Z"}, "sessions": 30,
             "rules": {"slow-greeting": {"sessions": 0, "rate": 0}, "auth-expiry-cascade": {"sessions": 0, "rate": 0}, "early-token-death": {"sessions": 0, "rate": 0}},
             "latency": {"greetingSeconds": {"count": 30, "p50": 1, "p90": 1, "p95": 1, "p99": 1, "max": 1}},
             "counts": {"tokenExpiredErrors": 0, "unauthorizedErrors": 0, "negotiationErrors": 0, "midSessionDrops": 0, "sessionsWithAudio": 30, "sessionsWithoutAudio": 0}}
            """#)
        let result = try monitor(log, options: ["--baseline", baseline, "--fail-on-regression"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("job-failure                 10  33.33%\n"))
        #expect(result.stdout.contains("job-failure rate                -  33.33%               -  not in baseline\n"))
        #expect(result.stdout.contains("slow-greeting rate          0.00%   0.00%         0.00 pp        unchanged\n"))
        let json = try monitor(log, options: ["--baseline", baseline, "--output", "json"])
        let rows = try #require(parseJSON(json.stdout)?["comparison"])
        #expect(verdict(rows, "job-failure rate") == "not in baseline")
        #expect(verdict(rows, "server-exit rate") == "not in baseline")
        #expect(verdict(rows, "early-token-death rate") == "unchanged")
    }

    func verdict(_ rows: JSONValue, _ metric: String) -> String? {
        guard case .array(let items) = rows else { return nil }
        return items.first { $0["metric"]?.stringValue == metric }?["verdict"]?.stringValue
    }

    @Test func aggregatesOfTwoHalvesMergeIntoTheWhole() throws {
        let dir = TempDir()
        let first = dir.write("a/agent.log", monitorLog(greetings: (1...40).map { Double($0) * 0.1 }, day: "2026-03-02"))
        let second = dir.write("b/agent.log", monitorLog(greetings: (1...30).map { Double($0) * 0.2 }, day: "2026-03-03"))
        func aggregate(_ paths: [String]) -> MonitorAggregate {
            var analyzer = Analyzer()
            analyzer.monitor = MonitorAggregate()
            var diagnostics = DiagnosticSink()
            return analyzer.run(paths.map { InputDescriptor(path: $0) }, diagnostics: &diagnostics).monitor!
        }
        var merged = aggregate([first])
        merged.merge(aggregate([second]))
        let whole = aggregate([first, second])
        #expect(merged.sessions == 70)
        #expect(merged.summary == whole.summary)
    }

    @Test func tooFewSamplesAreNotAVerdict() {
        var a = MonitorSummary()
        a.sessions = 5
        a.latency["greetingSeconds"] = .init(count: 5, p50: 1, p95: 2)
        var b = a
        b.latency["greetingSeconds"] = .init(count: 5, p50: 4, p95: 8)
        let rows = BaselineComparison.compare(before: a, after: b)
        #expect(rows.first { $0.metric == "greetingSeconds p50" }?.verdict == .insufficient)
        var c = a
        c.sessions = 100
        var d = c
        c.counts["tokenExpiredErrors"] = 0
        d.counts["tokenExpiredErrors"] = 1
        #expect(BaselineComparison.compare(before: c, after: d).first { $0.metric == "tokenExpiredErrors" }?.verdict == .worse)
    }

    /// livekit-server's crash (or stop) that cut calls after a baseline without one is worse,
    /// as any expired token is: one crash ends every session live on the server at once. 4 of
    /// 493 sessions against 0 of 420 (z 1.85) had been `unchanged`. As for expired tokens, the
    /// z-test's minimum of 20 sessions does not apply; a crash in both is compared as a rate.
    @Test func aServerExitAfterACleanBaselineIsWorse() {
        var before = MonitorSummary()
        before.sessions = 420
        before.rules["server-exit"] = .init(sessions: 0, rate: 0)
        before.rules["job-failure"] = .init(sessions: 0, rate: 0)
        var after = MonitorSummary()
        after.sessions = 493
        after.rules["server-exit"] = .init(sessions: 4, rate: 4.0 / 493)
        after.rules["job-failure"] = .init(sessions: 4, rate: 4.0 / 493)
        func verdict(_ b: MonitorSummary, _ a: MonitorSummary, _ metric: String) -> BaselineComparison.Verdict? {
            BaselineComparison.compare(before: b, after: a).first { $0.metric == metric }?.verdict
        }
        #expect(verdict(before, after, "server-exit rate") == .worse)
        #expect(verdict(before, after, "job-failure rate") == .unchanged)
        #expect(verdict(after, before, "server-exit rate") == .unchanged)
        var crashedBefore = before
        crashedBefore.rules["server-exit"] = .init(sessions: 3, rate: 3.0 / 420)
        #expect(verdict(crashedBefore, after, "server-exit rate") == .unchanged)
        var few = before
        few.sessions = 10
        #expect(verdict(few, after, "server-exit rate") == .worse)
        #expect(verdict(few, after, "job-failure rate") == .insufficient)
    }

    /// A change of exactly 10 % or exactly 50 ms counts (README: "at least 10 % and 50 ms"):
    /// 3.000 → 3.300 s had been `unchanged`, as 3.3 - 3.0 falls short of 0.1 × 3.0 in binary.
    @Test(arguments: [
        (3.0, 3.3, BaselineComparison.Verdict.worse), (3.0, 2.7, .better), (0.3, 0.35, .worse), (0.5, 0.45, .better),
        (3.0, 3.299, .unchanged), (0.3, 0.349, .unchanged), (1.0, 1.1, .worse),
    ])
    func aChangeOfExactlyTenPercentOrFiftyMillisecondsCounts(before: Double, after: Double, verdict: BaselineComparison.Verdict) {
        var a = MonitorSummary()
        a.sessions = 60
        a.latency["greetingSeconds"] = .init(count: 60, p50: before, p95: before)
        var b = a
        b.latency["greetingSeconds"] = .init(count: 60, p50: after, p95: after)
        let rows = BaselineComparison.compare(before: a, after: b)
        #expect(rows.first { $0.metric == "greetingSeconds p50" }?.verdict == verdict)
        #expect(rows.first { $0.metric == "greetingSeconds p95" }?.verdict == verdict)
    }

    /// A baseline of over 3.04 billion sessions (its counts are read up to 2^53) is compared, not
    /// a trap: the Poisson test had squared the session count as an `Int`.
    @Test func aBaselineOfBillionsOfSessionsIsCompared() {
        var before = MonitorSummary()
        before.sessions = 4_000_000_000
        before.counts["midSessionDrops"] = 400_000_000
        var after = MonitorSummary()
        after.sessions = 300
        after.counts["midSessionDrops"] = 30
        #expect(BaselineComparison.compare(before: before, after: after).first { $0.metric == "midSessionDrops" }?.verdict == .unchanged)
        after.counts["midSessionDrops"] = 90
        #expect(BaselineComparison.compare(before: before, after: after).first { $0.metric == "midSessionDrops" }?.verdict == .worse)
    }

    /// Error counts are compared per session with their own spread: one failed session logs a
    /// 401 for every retry. 20 of 100 sessions with 5 each against 26 with 5 each is within
    /// what two runs of one deployment give (the Poisson test, z 1.98, had said worse and
    /// failed the gate, as 56 of 380 pairs of same-settings runs did); three times as many is worse.
    @Test func errorCountsAreComparedWithTheirSpreadPerSession() {
        func summary(failedSessions: Int, squares: Bool) -> MonitorSummary {
            var s = MonitorSummary()
            s.sessions = 100
            s.counts["tokenExpiredErrors"] = 5 * failedSessions
            if squares { s.errorSquares["tokenExpiredErrors"] = 25 * failedSessions }
            return s
        }
        func verdict(_ before: Int, _ after: Int, squares: Bool = true) -> BaselineComparison.Verdict? {
            BaselineComparison.compare(before: summary(failedSessions: before, squares: squares), after: summary(failedSessions: after, squares: squares))
                .first { $0.metric == "tokenExpiredErrors" }?.verdict
        }
        #expect(verdict(20, 26) == .unchanged)
        #expect(verdict(20, 60) == .worse)
        #expect(verdict(60, 20) == .better)
        // A baseline written before `sumsOfSquares` is compared as before (Poisson).
        #expect(verdict(20, 26, squares: false) == .worse)
    }

    /// The report writes each error count's per-session sum of squares and reads it back: one
    /// session with three expired-token 401s and one with one make 4 errors and 3² + 1² = 10.
    @Test func sumsOfSquaresAreWrittenAndReadBack() throws {
        func line(_ job: Int, _ second: Int, _ message: String) -> String {
            #"{"message": "\#(message)", "level": "ERROR", "name": "livekit", "pid": \#(700 + job), "job_id": "AJ_Sq0j0b\#(job)aaaaa", "room": "room-\#(job)", "timestamp": "2026-03-02T09:00:\#(pad(second, 2))+00:00"}"#
        }
        let failed = "livekit::rtc_engine:731:livekit::rtc_engine - resuming connection failed: client error: 401 Unauthorized - token is expired"
        let log = [
            line(1, 1, "received job request"), line(2, 2, "received job request"),
            line(1, 10, failed), line(1, 11, failed), line(1, 12, failed), line(2, 13, failed),
        ].joined(separator: "\n") + "\n"
        let result = try monitor(log, options: ["--output", "json"])
        let doc = try #require(parseJSON(result.stdout))
        #expect(doc["counts"]?["tokenExpiredErrors"]?.doubleValue == 4)
        #expect(doc["counts"]?["sumsOfSquares"]?["tokenExpiredErrors"]?.doubleValue == 10)
        #expect(doc["counts"]?["sumsOfSquares"]?["midSessionDrops"]?.doubleValue == 0)
        let (read, problem) = MonitorSummary.parse(result.stdout)
        #expect(problem == nil)
        #expect(read?.errorSquares == ["tokenExpiredErrors": 10, "unauthorizedErrors": 0, "negotiationErrors": 0, "midSessionDrops": 0])
    }

    /// The titles of the greeting histogram's 20 bars (`0.99-1.05 s: 99`), in order.
    private func greetingBarTitles(_ html: String) throws -> [String] {
        let greeting = try #require(html.range(of: "<figure id=\"greeting-histogram\">"))
        return html[greeting.upperBound...].components(separatedBy: "<title>").dropFirst().prefix(20)
            .map { $0.components(separatedBy: "</title>")[0] }
    }

    /// The histogram's last bar holds the values past its 99th percentile too: its label says so
    /// (a greeting of 50 s among 99 of 1 s was labelled `1.05-1.10 s: 1`).
    @Test func theLastHistogramBarIsLabelledWithTheValuesPastIt() throws {
        let result = try monitor(monitorLog(greetings: Array(repeating: 1, count: 99) + [50]), options: ["--output", "html"])
        #expect(result.status == 0)
        let titles = try greetingBarTitles(result.stdout)
        #expect(titles.count == 20)
        #expect(titles[18] == "0.99-1.05 s: 99")
        #expect(titles[19] == "1.05 s and over: 1")
    }

    /// With fewer than 100 samples the chart reaches the next-to-largest, not the outlier the
    /// 99th percentile then is (59 greetings of 1 s and one of 600 s drew `0.00-33.00 s: 59`).
    @Test func oneOutlierAmongFewSamplesDoesNotSqueezeTheHistogram() throws {
        let result = try monitor(monitorLog(greetings: Array(repeating: 1, count: 59) + [600]), options: ["--output", "html"])
        #expect(result.status == 0)
        let titles = try greetingBarTitles(result.stdout)
        #expect(titles.count == 20)
        #expect(titles[0] == "0.00-0.06 s: 0")
        #expect(titles[18] == "0.99-1.05 s: 59")
        #expect(titles[19] == "1.05 s and over: 1")
    }

    @Test func htmlIsWellFormedAndHoldsTheCharts() throws {
        let result = try runLoganalyze(["report", "--output", "html", "Fixtures/incident-real", "Fixtures/clean-interleaved"])
        #expect(result.status == 0)
        let doc = try XMLDocument(data: Data(result.stdout.replacingOccurrences(of: "<!DOCTYPE html>", with: "").utf8))
        #expect(try doc.nodes(forXPath: "//*[local-name()='figure'][@id='greeting-histogram']//*[local-name()='rect'][@class='bar']").count == 20)
        #expect(try doc.nodes(forXPath: "//*[local-name()='figure'][@id='connect-histogram']//*[local-name()='svg']").count == 1)
        #expect(try doc.nodes(forXPath: "//*[local-name()='svg'][@class='swimlane']").count == 2)
        #expect(try doc.nodes(forXPath: "//*[local-name()='path'][@class='finding-marker']").count == 4)
        #expect(!result.stdout.contains("http://") || !result.stdout.contains("<script"))
        #expect(!result.stdout.contains("<link"))
        #expect(!result.stdout.contains("eyJ"))
    }

    /// A room name holding U+FFFE or U+FFFF (characters no XML document may contain) is shown
    /// escaped: the page stays well-formed.
    @Test func htmlEscapesNoncharactersOfARoomName() throws {
        let room = "r\u{FFFE}\u{FFFF}x"
        let extras = #""pid": 9001, "job_id": "AJ_Ev1lQ2mXv9Lq", "room": "\#(room)""#
        let log = [
            #"{"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "AJ_Ev1lQ2mXv9Lq", "room": "\#(room)", "room_id": "RM_Ev1lQ2mXv9Lq", "timestamp": "2026-03-02T09:00:00.250000+00:00"}"#,
            #"{"message": "Generating initial greeting", "level": "INFO", "name": "agent", \#(extras), "timestamp": "2026-03-02T09:00:01+00:00"}"#,
            #"{"message": "Voice agent running for room x", "level": "INFO", "name": "agent", \#(extras), "timestamp": "2026-03-02T09:00:09+00:00"}"#,
        ].joined(separator: "\n") + "\n"
        let result = try monitor(log, options: ["--output", "html"])
        #expect(result.stdout.contains("<h3>r\\ufffe\\uffffx (RM_Ev1lQ2mXv9Lq)</h3>"))
        #expect(!result.stdout.unicodeScalars.contains { $0.value == 0xFFFE || $0.value == 0xFFFF })
        _ = try XMLDocument(data: Data(result.stdout.replacingOccurrences(of: "<!DOCTYPE html>", with: "").utf8))
    }

    /// A job's failure is drawn in the swimlane as an error, as a 401 is.
    @Test func htmlDrawsAJobFailureInTheErrorColour() throws {
        let result = try runLoganalyze(["report", "--output", "html", RealCaptureTests.dir + "agents-0.12.21-rtc1.0.8-job-404-start.log"])
        #expect(result.stdout.contains(##"stroke="#b3261e" stroke-width="2"><title>2026-11-26 23:48:52 job error: unhandled exception while running the job task: livekit.rtc.room.ConnectError"##))
    }

    @Test func prometheusExpositionParsesBack() throws {
        let result = try runLoganalyze(["report", "--output", "prometheus", "Fixtures/incident-real", "Fixtures/clean-interleaved"])
        #expect(result.status == 0)
        var samples: [String: Double] = [:]
        var typed: Set<String> = []
        for line in result.stdout.split(separator: "\n").map(String.init) {
            if line.hasPrefix("# HELP ") { continue }
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                #expect(parts.count == 4 && ["gauge", "summary", "counter", "histogram"].contains(String(parts[3])), "\(line)")
                typed.insert(String(parts[2]))
                continue
            }
            let matcher = try #require(try? Pattern(#"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*")(,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*")*\})? (-?[0-9.e+]+|NaN|\+Inf|-Inf)$"#))
            let groups = try #require(matcher.firstMatch(in: line), "not a sample line: \(line)")
            let name = try #require(groups[1])
            let base = name.replacingOccurrences(of: "_sum", with: "").replacingOccurrences(of: "_count", with: "")
            #expect(typed.contains(name) || typed.contains(base), "\(name) has no TYPE before it")
            samples[name + (groups[2] ?? "")] = Double(groups[5] ?? "")
        }
        #expect(samples["loganalyze_sessions"] == 3)
        #expect(samples["loganalyze_token_expired_errors{side=\"server\"}"] == 11)
        #expect(samples["loganalyze_sessions_with_finding{rule=\"slow-greeting\",severity=\"error\"}"] == 1)
        #expect(samples["loganalyze_sessions_with_finding{rule=\"slow-greeting\",severity=\"warning\"}"] == 1)
        #expect(samples["loganalyze_greeting_seconds_count"] == 3)
        #expect(samples["loganalyze_negotiation_errors"] == 1)
    }
}

@Suite struct LatencyMaximumTests {
    /// The maximum is the largest value recorded (to the millisecond), not its histogram
    /// bucket's upper end (321.535 for 321.5 at three significant digits), also after a merge.
    @Test func theMaximumIsExact() throws {
        var a = LatencyDistribution()
        a.record(seconds: 2.5)
        a.record(seconds: 321.5)
        var b = LatencyDistribution()
        b.record(seconds: 2.501)
        #expect(a.max == 321.5)
        #expect(b.max == 2.501)
        b.merge(a)
        #expect(b.max == 321.5)
        #expect(LatencyDistribution().max == nil)
    }
}
