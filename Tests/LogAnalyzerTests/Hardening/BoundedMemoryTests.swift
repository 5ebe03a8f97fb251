import Foundation
import Testing

@testable import LogAnalyzer

/// What keeps memory flat on long logs: listed sessions spooled to disk, tracker slots reused.
@Suite struct BoundedMemoryTests {
    /// A session summary with every field set (ids, a span without a date, sides, inputs, figures).
    func summary(_ i: Int) -> Session {
        var s = Session(
            key: "room-\(i)/RM_\(i)", room: i % 3 == 0 ? nil : "room-\(i)", roomSid: i % 5 == 0 ? nil : "RM_\(i)",
            jobIds: (0..<(i % 4)).map { "AJ_\(i)_\($0)" }, participants: i % 2 == 0 ? ["user-ü-\(i)"] : [],
            start: i % 7 == 0 ? nil : Timestamp(micros: Int64(i) * 1_000_003 - 86_400_000_000, hasDate: i % 11 != 0),
            end: Timestamp(micros: Int64(i) * 2_000_001, hasDate: true),
            sides: Side.allCases.enumerated().filter { (i >> $0.offset) & 1 == 1 }.map(\.element),
            inputs: (0..<(i % 3 + 1)).map { $0 * 70 + i % 2 }, recordCount: i * 37, events: [], gaps: [:], inputGaps: [:],
            records: [], order: 50_000 - i)
        s.replies = i % 13
        s.audioSeconds = Double(i) / 7
        s.responses = i % 9 == 0 ? [1.25, Float(i) / 3] : []
        return s
    }

    func describe(_ s: Session) -> String {
        "\(s.key)|\(s.room ?? "-")|\(s.roomSid ?? "-")|\(s.jobIds)|\(s.participants)|\(String(describing: s.start))|\(String(describing: s.end))"
            + "|\(s.sides)|\(s.inputs)|\(s.recordCount)|\(s.order)|\(s.replies)|\(s.audioSeconds)|\(s.responses)|\(s.events.count)|\(s.records.count)"
    }

    /// `sessions` appended to a list spooling to a fresh directory (kept alive with the list).
    func spooled(_ sessions: [Session]) -> (TempDir, SessionList) {
        let dir = TempDir()
        var list = SessionList(spoolDirectory: dir.url.path)
        for s in sessions { list.append(s) }
        return (dir, list)
    }

    @Test func spooledSessionsReadBackInReportOrder() throws {
        let sessions = (0..<30_000).map(summary)
        var (dir, list) = spooled(sessions)
        // 30,000 summaries pass the 1 MiB flush size: most of them are read back from the file.
        #expect(list.spooledBytes >= 1 << 20)
        // Unlinked at once: nothing is left in the directory.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path) == [])
        list.sortByOrder()
        #expect(list.count == 30_000)
        #expect(list.map(describe) == sessions.reversed().map(describe))
        #expect(list[0].order == 20_001)
        #expect(list[29_999].key == "room-0/RM_0")
        #expect(describe(list[12_345]) == describe(summary(29_999 - 12_345)))
    }

    /// Every event kind, times with and without a date or none, tokens, gaps; session `i` keeps
    /// `i % 5` events, and one keeps thousands (its encoding is larger than a read block).
    func detailed(_ i: Int) -> Session {
        var s = summary(i)
        let kinds: [EventKind] = [
            .sessionStart, .greetingStart, .greetingEnd, .llmMetrics(ttft: 0.25 + Double(i)), .ttsMetrics(ttfb: 0.5, audioDuration: nil),
            .ttsMetrics(ttfb: 0.125, audioDuration: 3.5), .eouMetrics(delay: 1e-3), .realtimeMetrics(ttft: -0.0),
            .connectionLost(trigger: "websocket closed \(i)"), .resumeAttempt, .authFailure(.expired), .authFailure(.notYetValid),
            .recovered, .gaveUp, .negotiationError, .tokenMinted(ttlSeconds: nil), .tokenMinted(ttlSeconds: 7200), .sessionEnd, .jobError, .agentNotDispatched(agentName: "support-agent"),
        ]
        let count = i == 777 ? 6_000 : i % 5
        s.events = (0..<count).map { k in
            var token: TokenClaims?
            if k % 3 == 1 {
                var t = TokenClaims()
                t.subject = "agent-AJ_\(k)"
                t.room = k % 2 == 0 ? nil : "room-ü-\(k)"
                t.expires = Int64(1_765_415_206 + k)
                t.notBefore = k % 4 == 0 ? nil : -Int64(k)
                token = t
            }
            let time: Timestamp? = k % 7 == 3 ? nil : Timestamp(micros: Int64(k) * 1_000_003 - 5, hasDate: k % 2 == 0)
            return SessionEvent(kind: kinds[(i + k) % kinds.count], time: time, location: SourceLocation(input: k % 3, line: k * 11 + 1),
                                side: Side.allCases[k % Side.allCases.count], text: String(repeating: "text \(k) ", count: 1 + k % 9), token: token, hasIDs: k % 2 == 1)
        }
        if i % 3 == 0 {
            let gap = SilentGap(from: Timestamp(micros: 5, hasDate: false), fromLocation: SourceLocation(input: 1, line: 2),
                                to: Timestamp(micros: 900_000_000), toLocation: SourceLocation(input: 1, line: 3))
            var merged = gap
            merged.serverLogged = true
            s.gaps = [1: [gap]]
            s.inputGaps = [1: [gap, merged], 4: [gap]]
        }
        return s
    }

    func describeDetails(_ s: Session) -> String {
        describe(s) + "|" + s.events.map { e in
            "\(e.kind)@\(String(describing: e.time))@\(e.location)@\(e.side)@\(e.text)@\(String(describing: e.token))@\(e.hasIDs)"
        }.joined(separator: ";") + "|\(s.gaps.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" })"
            + "|\(s.inputGaps.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" })"
    }

    @Test func sessionsWithEventsAndGapsAreSpooledWhole() throws {
        let sessions = (0..<6_000).map(detailed)
        // (The spool file is unlinked once opened: the directory may go.)
        let (_, list) = spooled(sessions)
        #expect(list.spooledBytes >= 1 << 20)
        #expect(list[777].events.count == 6_000)
        #expect(list.map(describeDetails) == sessions.map(describeDetails))
        // Read out of order too (the read block is then elsewhere).
        #expect(describeDetails(list[5_999]) == describeDetails(sessions[5_999]))
        #expect(describeDetails(list[777]) == describeDetails(sessions[777]))
        #expect(describeDetails(list[3]) == describeDetails(sessions[3]))
    }

    @Test func sessionsWithRecordsStayInMemory() {
        var list = SessionList(spoolDirectory: "/nonexistent-loganalyze-dir")
        var withRecords = summary(4)
        withRecords.records = [LogRecord(input: 0, line: 9, format: .plain, message: "kept")]
        list.append(summary(1))
        list.append(withRecords)
        list[0].records = [LogRecord(input: 0, line: 3, format: .plain, message: "set")]
        #expect(list[0].records.map(\.line) == [3])
        #expect(list[0].key == "room-1/RM_1")
        #expect(list[1].records.map(\.message) == ["kept"])
        #expect(describe(list[1]) == describe(withRecords))
    }

    @Test func anUnusableSpoolDirectoryKeepsSessionsInMemory() {
        var list = SessionList(spoolDirectory: "/nonexistent-loganalyze-dir")
        let sessions = (0..<20_000).map(summary)
        for s in sessions { list.append(s) }
        #expect(list.spooledBytes == 0)
        #expect(list.map(describe) == sessions.map(describe))
    }

    /// Finalised sessions give their index to new ones; none of their keys may lead there.
    @Test func keysOfFinalisedSessionsDoNotReachReusedSlots() {
        func line(_ time: String, _ members: String) -> String {
            #"{"message": "received job request", "level": "INFO", "name": "livekit.agents", \#(members), "timestamp": "2026-03-02T\#(time)+00:00"}"#
        }
        func exit(_ time: String, _ job: String) -> String {
            #"{"message": "process exiting", "level": "INFO", "name": "livekit.agents", "reason": "", "pid": 7, "job_id": "\#(job)", "timestamp": "2026-03-02T\#(time)+00:00"}"#
        }
        let log = [
            line("00:00:00", #""job_id": "AJ_aaa", "room": "room-a", "room_id": "RM_aaa""#),
            line("00:00:01", #""job_id": "AJ_bbb", "room": "room-b", "room_id": "RM_bbb""#),
            exit("00:00:02", "AJ_aaa"),
            exit("00:00:03", "AJ_bbb"),
            // 20 minutes on: room-a and room-b are finalised (idle 10 min, their jobs ended) and
            // room-c takes a freed slot.
            line("00:20:00", #""job_id": "AJ_ccc", "room": "room-c", "room_id": "RM_ccc""#),
            line("00:20:01", #""job_id": "AJ_aaa""#),
            line("00:20:02", #""room": "room-b""#),
            line("00:20:03", #""job_id": "AJ_ccc""#),
        ].joined(separator: "\n")
        let dir = TempDir()
        let path = dir.write("worker.log", log + "\n")
        var analyzer = Analyzer()
        analyzer.sessionIdleSeconds = 600
        var diagnostics = DiagnosticSink()
        let report = analyzer.run([InputDescriptor(path: path)], diagnostics: &diagnostics)
        #expect(report.sessions.map(\.key) == ["room-a/RM_aaa", "room-b/RM_bbb", "room-c/RM_ccc", "AJ_aaa", "room-b"])
        #expect(report.sessions.map(\.recordCount) == [2, 2, 2, 1, 1])
        #expect(report.sessions.map(\.jobIds) == [["AJ_aaa"], ["AJ_bbb"], ["AJ_ccc"], ["AJ_aaa"], []])
    }

    @Test func trackerSlotsFollowLiveSessionsNotAllSessions() {
        let tracker = SessionTracker(configuration: AnalysisConfiguration(), paths: ["server.log"])
        tracker.idleSeconds = 600
        var finished = 0
        for i in 0..<20_000 {
            var r = LogRecord(input: 0, line: i + 1, format: .json, message: "starting RTC session")
            r.time = Timestamp(micros: Int64(i) * 10_000_000)
            r.ids.room = "room-\(i)"
            r.ids.roomSid = "RM_\(i)"
            r.ids.pid = i % 7
            tracker.evictIdle(before: r.time) { finished += $0.count }
            tracker.add(r)
        }
        finished += tracker.finish().count
        #expect(finished == 20_000)
        // One session every 10 s, idle after 600 s: about 60 live ones, never all 20,000.
        #expect(tracker.peakLiveSessions < 120)
        #expect(tracker.slotCount <= tracker.peakLiveSessions)
    }

    /// Sessions that never go idle (each gets a line every few seconds of log time) and hold much
    /// each: under `maxLiveSessions`, they were all kept, so memory followed the log's size (90,000
    /// such rooms with a failing resume loop held 670 MB on 300 MB of log, 1.6 GB on 600 MB). Past
    /// `maxLiveBytes` the least recently active are finalised early, with a warning.
    /// (`finished`: the sessions made, each finalised early one cut in two; all of them were
    /// kept, one per room, before.)
    @Test(arguments: [(rooms: 1_000, roomBytes: 40_000, rounds: 6, sessions: 1_276), (rooms: 400, roomBytes: 8, rounds: 450, sessions: 445)])
    func liveSessionsAreBoundedByTheirMemoryNotOnlyTheirNumber(rooms: Int, roomBytes: Int, rounds: Int, sessions: Int) {
        let tracker = SessionTracker(configuration: AnalysisConfiguration(), paths: ["worker.log"])
        var finished = 0
        let pad = String(repeating: "r", count: roomBytes)
        var n = 0
        for round in 0..<rounds {
            for i in 0..<rooms {
                n += 1
                var r = LogRecord(input: 0, line: n, format: .agentsJSON,
                    message: "resuming connection... attempt: \(round)")
                r.level = .error
                r.logger = "livekit"
                r.time = Timestamp(micros: Int64(n) * 1_000)
                r.ids.room = "\(pad)-\(i)"
                r.ids.jobId = "AJ_\(i)"
                tracker.evictIdle(before: r.time) { finished += $0.count }
                tracker.add(r)
            }
        }
        finished += tracker.finish().count
        #expect(finished == sessions)
        #expect(tracker.diagnostics.map(\.message).contains(
            "the sessions active at once hold more than 64 MB of events and ids; the least recently active are finalised early"))
    }

    /// One job whose resume loop fails on every line for the whole log: the session keeps its
    /// first `maxSessionEvents` events and counts the rest (it had kept every one, 300 bytes each).
    @Test func aSessionKeepsAtMostMaxSessionEventsEvents() {
        let extra = 150
        var lines = [#"{"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "AJ_aaaaaaaaaaaa", "room": "room-a", "timestamp": "2026-03-02T00:00:00+00:00"}"#]
        for i in 0..<(SessionTracker.maxSessionEvents + extra) {
            let stamp = String(format: "%02d:%02d:%02d.%03d", i / 3_600_000, i / 60_000 % 60, i / 1000 % 60, i % 1000)
            lines.append(#"{"message": "livekit::rtc_engine:731:livekit::rtc_engine - resuming connection failed: client error: 401 Unauthorized - token is expired", "level": "ERROR", "name": "livekit", "pid": 7, "job_id": "AJ_aaaaaaaaaaaa", "timestamp": "2026-03-02T\#(stamp)+00:00"}"#)
        }
        let (report, notes) = IdlessEventTests.run(lines.joined(separator: "\n") + "\n")
        #expect(report.sessions.map(\.key) == ["room-a"])
        let events = report.sessions.first?.events ?? []
        #expect(events.count == SessionTracker.maxSessionEvents)
        #expect(events.first?.location.line == 1)
        #expect(events.last?.location.line == SessionTracker.maxSessionEvents)
        #expect(report.sessions.first?.recordCount == SessionTracker.maxSessionEvents + extra + 1)
        #expect(notes.contains("1 session (room-a) had more than 20,000 events: only the first 20,000 of each are kept (151 more were counted, not kept); findings and report counts cover the kept ones"))
    }

    /// A worker whose registration is rejected for the whole log (a wrong secret, retried
    /// forever across restarts) beside a job: its rejections join no session, and those kept
    /// make one finding of their own; past `maxOrphanEvents` they are counted in a note.
    @Test func theWorkersRejectionsAreCappedAsEventsWithoutASession() throws {
        let extra = 20
        var lines = [#"{"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "AJ_aaaaaaaaaaaa", "room": "room-a", "timestamp": "2026-03-02T00:00:00+00:00"}"#]
        for i in 0..<(SessionTracker.maxOrphanEvents + extra) {
            let stamp = String(format: "%02d:%02d:%02d.%03d", i / 3_600_000, i / 60_000 % 60, i / 1000 % 60, i % 1000)
            lines.append(#"{"message": "failed to connect to livekit, retrying in 0s: 401, message='Invalid response status', url='wss://x.livekit.cloud/agent'", "level": "WARNING", "name": "livekit.agents", "timestamp": "2026-03-02T\#(stamp)+00:00"}"#)
        }
        let (report, notes) = IdlessEventTests.run(lines.joined(separator: "\n") + "\n")
        #expect(report.sessions.map(\.key) == ["room-a", "(no session ids)"])
        let finding = try #require(report.findings.first { $0.rule == "auth-credentials" })
        #expect(finding.sessionKey == "(no session ids)")
        #expect(finding.values.first?.1 == .integer(SessionTracker.maxOrphanEvents))
        #expect(notes.contains("20 events without session ids fell within no session and were not kept (only the first 10,000 make sessions of their own)"))
    }

    /// livekit-agents 1.6 compact lines (`datefmt="%H:%M:%S"`) from a run with no date anywhere:
    /// twelve jobs 40 minutes apart from 20:00 past midnight, each ending (`process exiting`; a
    /// job still running waits longer, `SessionTracker.openIdleFactor`). Their time-only stamps go idle like
    /// dated ones (they were all held to the end before), a 25-minute silence inside a job does
    /// not split it, and the jobs after midnight count from the next day.
    @Test func timeOnlySessionsGoIdleLikeDatedOnes() throws {
        var lines: [String] = []
        for i in 0..<12 {
            let minutes = 20 * 60 + 40 * i
            func stamp(_ plus: Int) -> String {
                let m = (minutes + plus) % (24 * 60)
                return String(format: "%02d:%02d:%02d", m / 60, m % 60, plus == 0 ? 0 : 5)
            }
            let ids = "\"job_id\": \"AJ_job\(i)\", \"room\": \"room-\(i)\""
            lines.append("\(stamp(0)) INFO livekit.agents received job request {\(ids), \"room_id\": \"RM_room\(i)\"}")
            lines.append("\(stamp(2)) DEBUG livekit.agents Session created {\"pid\": \(100 + i), \(ids)}")
            if i == 5 { lines.append("\(stamp(27)) INFO livekit.agents still here {\"pid\": \(100 + i), \(ids)}") }
            lines.append("\(stamp(i == 5 ? 28 : 3)) INFO livekit.agents process exiting {\"reason\": \"\", \"pid\": \(100 + i), \(ids)}")
        }
        let report = analyze(log: lines.joined(separator: "\n"))
        #expect(report.sessionCount == 12)
        #expect(report.peakLiveSessions <= 2)
        let sessions = Array(report.sessions)
        #expect(sessions.map(\.room) == (0..<12).map { "room-\($0)" })
        #expect(sessions.map(\.recordCount) == (0..<12).map { $0 == 5 ? 4 : 3 })
        let starts = sessions.compactMap(\.start)
        #expect(starts.count == 12 && starts.allSatisfy { !$0.hasDate })
        #expect(zip(starts, starts.dropFirst()).allSatisfy { $0.seconds(until: $1) == 2_400 })
    }
}

/// A timeline of every session is written a session at a time, not built whole.
@Suite struct StreamedTimelineTests {
    @Test func eachSessionIsWrittenAsItIsRead() {
        var analyzer = Analyzer()
        analyzer.keepSessionEvents = true
        var sink = DiagnosticSink()
        let report = analyzer.run([InputDescriptor(path: fixture("clean-interleaved/agent.log"))], diagnostics: &sink)
        var pieces: [String] = []
        TimelineRenderer().render(report, selector: nil) { pieces.append($0) }
        #expect(report.sessions.count == 2)
        #expect(pieces.count == 2)
        #expect(pieces.map { $0.prefix(while: { $0 != " " }) } == report.sessions.map { Substring($0.label.prefix(while: { $0 != " " })) })
        #expect(pieces.joined() == TimelineRenderer().render(report, selector: nil))
    }
}
