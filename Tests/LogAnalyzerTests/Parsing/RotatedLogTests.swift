import Foundation
import Testing

@testable import LogAnalyzer

/// Rotated logs (`agent.log.2`, `agent.log.1`, `agent.log`) follow one another in time: they are
/// read one after the other, oldest first, and must give exactly what the whole log gives.
@Suite struct RotatedLogTests {
    /// 600 overlapping jobs of a livekit-agents JSON log, a job starting every 2 s and lasting
    /// about 9 s; every 50th greeting (from job 7) takes 6.2 s, the others 1.5 s.
    static func workerLog() -> [String] {
        let base: Int64 = 1_772_442_000_000_000  // 2026-03-02T09:00:00Z
        var lines: [(Int64, String)] = []
        func line(_ micros: Int64, _ name: String, _ message: String, _ extra: String) {
            let t = Timestamp(micros: micros)
            lines.append((micros, "{\"message\": \"\(message)\", \"level\": \"INFO\", \"name\": \"\(name)\", \(extra), \"timestamp\": \"\(t.dateString)T\(t.timeOfDayString(fraction: 3))000+00:00\"}"))
        }
        for s in 0..<600 {
            let start = base + Int64(s) * 2_000_000
            let ids = "\"pid\": \(1000 + s % 40), \"job_id\": \"AJ_job\(s)x\", \"room\": \"room-\(s)\""
            line(start, "livekit.agents", "received job request", "\"job_id\": \"AJ_job\(s)x\", \"room\": \"room-\(s)\", \"room_id\": \"RM_room\(s)x\"")
            line(start + 200_000, "agent", "Session created", ids)
            line(start + 300_000, "agent", "Generating initial greeting", ids)
            let greeting: Int64 = s % 50 == 7 ? 6_200_000 : 1_500_000
            line(start + 300_000 + greeting, "agent", "Voice agent running for room room-\(s)", ids)
            line(start + 9_000_000, "livekit.agents", "process exiting", "\"reason\": \"\", \(ids)")
        }
        return lines.sorted { $0.0 < $1.0 }.map(\.1)
    }

    static func describe(_ f: Finding) -> String {
        "\(f.rule)|\(f.severity)|\(f.sessionKey)|\(f.message)|\(f.values.map { "\($0.0)=\($0.1)" })"
    }

    @Test func rotatedFilesAreReadInTimeOrderAndGiveWhatTheWholeLogGives() throws {
        let lines = Self.workerLog()
        let dir = TempDir()
        let whole = dir.write("whole/agent.log", lines.joined(separator: "\n") + "\n")
        // Cut inside running jobs, and inside a slow greeting: job 207 greets from line 1,034 of
        // the whole log to line 1,049, across the first cut.
        let cuts = [0, 1_040, 2_100, lines.count]
        let names = ["agent.log.2", "agent.log.1", "agent.log"]
        var paths: [String] = []
        for k in 0..<3 {
            paths.append(dir.write("rotated/" + names[k], lines[cuts[k]..<cuts[k + 1]].joined(separator: "\n") + "\n"))
        }
        // Newest first, as `ls` sorts them: reading order follows time, not the argument order.
        let inputs = paths.reversed().map { InputDescriptor(path: $0) }
        let extents = inputs.map { ReadingOrder.extent(of: $0, options: IngestOptions()) }
        func span(_ e: ReadingOrder.Extent) -> ClosedRange<Timestamp>? {
            if case .span(let r) = e { return r }
            return nil
        }
        let ranges = extents.map(span)
        #expect(ranges.allSatisfy { $0 != nil })
        #expect(try (FileManager.default.attributesOfItem(atPath: paths[0])[.size] as? Int ?? 0) > 2 * ReadingOrder.endBytes)
        #expect(ReadingOrder.groups(extents, width: 64) == [[2], [1], [0]], "\(ranges.map { $0.map { "\($0.lowerBound.iso8601)...\($0.upperBound.iso8601)" } ?? "-" })")
        #expect(ranges[2]?.lowerBound.iso8601 == "2026-03-02T09:00:00.000Z")
        #expect(ranges[0]?.upperBound.iso8601 == "2026-03-02T09:20:07.000Z")

        func run(_ inputs: [InputDescriptor], jobs: Int) -> Report {
            var analyzer = Analyzer()
            analyzer.jobs = jobs
            analyzer.splitBytes = 16 << 10
            var sink = DiagnosticSink()
            return analyzer.run(inputs, diagnostics: &sink)
        }
        let reference = run([InputDescriptor(path: whole)], jobs: 1)
        let rotated = run(inputs, jobs: 1)
        #expect(reference.sessionCount == 600)
        #expect(reference.findings.map(\.rule) == Array(repeating: "slow-greeting", count: 12))
        #expect(reference.findings.filter { $0.severity == .error }.map(\.sessionKey) == [7, 57, 107, 157, 207, 257, 307, 357, 407, 457, 507, 557].map { "room-\($0)/RM_room\($0)x" })
        #expect(rotated.sessionCount == 600)
        #expect(rotated.findings.map(Self.describe) == reference.findings.map(Self.describe))
        #expect(Array(rotated.sessions).map(\.recordCount) == Array(reference.sessions).map(\.recordCount))
        // Inputs are reported in the order given, whatever the reading order.
        #expect(rotated.inputs.map(\.path) == paths.reversed())
        #expect(rotated.inputs.map(\.stats.records) == [lines.count - 2_100, 1_060, 1_040])
        // With two jobs each file is cut into 16 KiB pieces: the same report, byte for byte.
        let parallel = run(inputs, jobs: 2)
        #expect(JSONReportRenderer().render(parallel) == JSONReportRenderer().render(rotated))
        // A current log left empty by the rotation has no range and does not stop the ordering.
        let emptyLog = InputDescriptor(path: dir.write("rotated/current.log", ""))
        #expect(ReadingOrder.extent(of: emptyLog, options: IngestOptions()) == .empty)
        #expect(extents[0] != .empty)
        let withEmpty = run([emptyLog] + inputs, jobs: 2)
        #expect(withEmpty.findings.map(Self.describe) == reference.findings.map(Self.describe))
        #expect(withEmpty.inputs.map(\.stats.records) == [0, lines.count - 2_100, 1_060, 1_040])
    }

    /// More than 64 inputs whose times overlap or are unknown (a day's server log beside a
    /// browser console from each user, saved without DevTools timestamps) are merged all at once:
    /// read 64 at a time, one batch after the other, the consoles past the 64th joined no session
    /// of theirs, whose server lines had gone idle in the first batch, and made 7 sessions of their
    /// own (77 for 70 rooms).
    @Test func moreThanSixtyFourOverlappingInputsAreMergedTogether() {
        let base = 1_773_738_000.0  // 2026-03-17T09:00:00Z
        var server: [String] = []
        var consoles: [(String, [String])] = []
        for k in 0..<70 {
            let t = base + Double(k) * 120
            let ids = "\"room\":\"room-\(k)\",\"roomID\":\"RM_room\(k)xxxxx\",\"participant\":\"user-\(k)\",\"pID\":\"PA_user\(k)xxxxx\""
            server.append("{\"level\":\"info\",\"ts\":\(t),\"logger\":\"livekit\",\"caller\":\"service/roommanager.go:371\",\"msg\":\"starting RTC session\",\(ids),\"nodeID\":\"ND_k2Pq9sXv3mTz\",\"numParticipants\":0}")
            server.append("{\"level\":\"info\",\"ts\":\(t + 60),\"logger\":\"livekit\",\"caller\":\"rtc/participant.go:1310\",\"msg\":\"participant closing\",\(ids),\"sendLeave\":false,\"reason\":\"CLIENT_REQUEST_LEAVE\"}")
            consoles.append(("browser-\(k).log", [
                "livekit-client.esm.mjs:21142 disconnect from room {room: 'room-\(k)', roomID: 'RM_room\(k)xxxxx', participant: 'user-\(k)', pID: 'PA_user\(k)xxxxx'}"
            ]))
        }
        // The earliest rooms' consoles last: past the 64th input.
        let report = analyze(files: [("server.log", server)] + consoles.reversed())
        #expect(report.sessionCount == 70)
        let sessions = Array(report.sessions)
        #expect(sessions.count == 70)
        #expect(sessions.filter { $0.sides.contains(.server) && $0.sides.contains(.browser) }.count == 70)
        #expect(sessions.first { $0.room == "room-0" }?.sides == [.server, .browser])
    }

    /// The merge's heap picks what a scan of every input's head picks: the earliest time, the
    /// first input among equal ones, whatever order the inputs' times change in.
    @Test func theMergeHeapPicksAsAScanOfEveryHead() {
        var rng = SplitMix(seed: 7)
        for inputs in [1, 2, 3, 8, 65, 300] {
            var heads: [Int64?] = (0..<inputs).map { _ in Int64(rng.next() % 50) }
            var heap = MergeHeap(capacity: inputs)
            for (k, t) in heads.enumerated() { heap.push(t!, k) }
            var picks: [Int] = [], scans: [Int] = []
            while let top = heap.top {
                let scan = heads.indices.filter { heads[$0] != nil }.min { (heads[$0]!, $0) < (heads[$1]!, $1) }!
                picks.append(top)
                scans.append(scan)
                // The input read on: a later time (or the same), or its end.
                if rng.next() % 5 == 0 {
                    heads[top] = nil
                    heap.popTop()
                } else {
                    let t = heads[top]! + Int64(rng.next() % 7)
                    heads[top] = t
                    heap.replaceTop(t)
                }
            }
            #expect(picks == scans)
            #expect(picks.count >= inputs)
        }
    }

    @Test func overlappingInputsAreMergedAndUnknownRangesKeepTheMerge() {
        func range(_ from: Int64, _ to: Int64) -> ReadingOrder.Extent { .span(Timestamp(micros: from)...Timestamp(micros: to)) }
        // A worker, its server and a later worker log: the first two overlap, the third follows.
        #expect(ReadingOrder.groups([range(0, 100), range(50, 150), range(200, 300)], width: 64) == [[0, 1], [2]])
        // Touching ends are merged (the merge breaks the tie by input order).
        #expect(ReadingOrder.groups([range(100, 200), range(0, 100)], width: 64) == [[0, 1]])
        #expect(ReadingOrder.groups([range(101, 200), range(0, 100)], width: 64) == [[1], [0]])
        // One input without a known range (gzip, a pipe, time-only): everything is merged as given.
        #expect(ReadingOrder.groups([range(200, 300), .unknown, range(0, 100)], width: 2) == [[0, 1], [2]])
        // An empty file (a log just rotated away) has no range and needs none: it is read first.
        #expect(ReadingOrder.groups([.empty, range(101, 200), range(0, 100)], width: 64) == [[0], [2], [1]])
        #expect(ReadingOrder.groups([.empty, range(101, 200), .unknown], width: 64) == [[0, 1, 2]])
        // A large group is still cut to the merge width.
        #expect(ReadingOrder.groups((0..<5).map { range(Int64($0), Int64($0) + 10) } + [range(100, 110)], width: 2) == [[0, 1], [2, 3], [4], [5]])
    }
}

/// A seeded generator (SplitMix64), so that a failure can be run again.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A time-only log rotated after midnight (livekit-agents 1.6+'s compact dev console, `HH:MM:SS`,
/// no date anywhere): each file's clock had started again at the first file's day, so the newer
/// file's `00:12:40` came before the older file's `23:58:10` and the session across the rotation
/// ended 23 h before it began. Read in rotation order, each file's clock continues the last.
@Suite struct RotatedTimeOnlyLogTests {
    /// A line of the compact console (`%(asctime)s LEVEL name message extras`, `datefmt="%H:%M:%S"`).
    static func compact(_ time: String, _ name: String, _ message: String, _ extras: String) -> String {
        "\(time) INFO \(name) \(message) {\(extras)}"
    }
    static let night = #""pid": 40211, "job_id": "AJ_Rt7pQ2mXk9Vd", "room": "night-room""#
    static let dawn = #""pid": 40388, "job_id": "AJ_Dw5nK3pTq8Ye", "room": "dawn-room""#

    /// The worker's registration (oldest, gzipped), a job that crosses midnight in `agent.log.1`
    /// and ends in `agent.log`, and a job wholly in `agent.log`.
    static let files: [(name: String, lines: [String])] = [
        ("agent.log.2.gz", [
            compact("23:40:02", "livekit.agents", "registered worker", #""id": "AW_Q7pLm2Xs9KdT", "url": "ws://localhost:7880", "region": "", "protocol": 16"#),
        ]),
        ("agent.log.1", [
            compact("23:58:10", "livekit.agents", "received job request", #""job_id": "AJ_Rt7pQ2mXk9Vd", "dispatch_id": "AD_b3LwQ8nZr5Tc", "room": "night-room", "room_id": "RM_Nx4kP8qW2sLm", "agent_name": "", "resuming": false, "enable_recording": false"#),
            compact("23:59:58", "agent", "Generating initial greeting", night),
            compact("00:00:04", "agent", "Voice agent running for room night-room", night),
        ]),
        ("agent.log", [
            compact("00:12:40", "livekit.agents", "process exiting", #""reason": "", "# + night),
            compact("00:20:00", "livekit.agents", "received job request", #""job_id": "AJ_Dw5nK3pTq8Ye", "dispatch_id": "AD_k8RtW2nPq4Zs", "room": "dawn-room", "room_id": "RM_Dw7kQ2pX9sLm", "agent_name": "", "resuming": false, "enable_recording": false"#),
            compact("00:20:01", "agent", "Generating initial greeting", dawn),
            compact("00:20:03", "agent", "Voice agent running for room dawn-room", dawn),
        ]),
    ]

    static func write(_ dir: TempDir) throws -> [String: String] {
        var paths: [String: String] = [:]
        for (name, lines) in files {
            let text = Data((lines.joined(separator: "\n") + "\n").utf8)
            paths[name] = name.hasSuffix(".gz") ? dir.write(name, try gzip(text)) : dir.write(name, text)
        }
        return paths
    }

    static func run(_ paths: [String], jobs: Int, splitBytes: Int = 524_288) -> Report {
        var analyzer = Analyzer()
        analyzer.jobs = jobs
        analyzer.splitBytes = splitBytes
        analyzer.keepSessionEvents = true
        var sink = DiagnosticSink()
        return analyzer.run(paths.map { InputDescriptor(path: $0) }, diagnostics: &sink)
    }

    @Test(arguments: [["agent.log", "agent.log.1", "agent.log.2.gz"], ["agent.log.2.gz", "agent.log.1", "agent.log"], ["agent.log.1", "agent.log", "agent.log.2.gz"]])
    func aSessionAcrossTheRotationAfterMidnightIsOneAndItsDaysCountOn(order: [String]) throws {
        let dir = TempDir()
        let paths = try Self.write(dir)
        let report = Self.run(order.map { paths[$0]! }, jobs: 1)
        let sessions = Array(report.sessions)
        #expect(sessions.map { $0.room ?? "-" } == ["night-room", "dawn-room"])
        let night = try #require(sessions.first)
        let dawn = try #require(sessions.last)
        #expect(night.start?.timeOfDayString(fraction: 0) == "23:58:10")
        #expect(night.start?.hasDate == false)
        // Its end, `process exiting` in the newer file: 14 min 30 s later, not 23 h 45 min earlier.
        #expect(night.start!.seconds(until: night.end!) == 870)
        #expect(night.start!.seconds(until: dawn.start!) == 1310)
        // The greeting across midnight: 6 s.
        #expect(report.findings.map { "\($0.rule) \($0.sessionKey) \($0.number("seconds") ?? -1)" } == ["slow-greeting night-room/RM_Nx4kP8qW2sLm 6.0"])
        // Every file read, reported in the order given.
        #expect(report.inputs.map { $0.path } == order.map { paths[$0]! })
        #expect(report.inputs.map { $0.stats.records } == order.map { name in Self.files.first { $0.name == name }!.lines.count })
        let parallel = Self.run(order.map { paths[$0]! }, jobs: 2)
        #expect(JSONReportRenderer().render(parallel) == JSONReportRenderer().render(report))
    }

    /// `timeline --session` reads the session's inputs again: the newer file's clock continues
    /// the older's there too, so the lines it collects are the session's, at the same times.
    @Test func theSecondReadOfTimelineSessionContinuesTheClocks() throws {
        let dir = TempDir()
        let paths = try Self.write(dir)
        let inputs = ["agent.log", "agent.log.1", "agent.log.2.gz"].map { InputDescriptor(path: paths[$0]!) }
        var sink = DiagnosticSink()
        let report = Analyzer().run(inputs, diagnostics: &sink)
        var options = IngestOptions()
        options.continueClocks(of: report)
        let requests = SessionRecords.requests(matching: "night-room", in: report.sessions)
        let collected = SessionRecords.collect(requests.map(\.request), inputs: inputs, options: options, diagnostics: &sink)
        // (Collected input by input, in the inputs' order: sorted by time, as `timeline` shows them.)
        let records = try #require(collected.records.first).sorted { $0.time! < $1.time! }
        #expect(records.map(\.message) == ["received job request", "Generating initial greeting", "Voice agent running for room night-room", "process exiting"])
        let start = try #require(records.first?.time)
        #expect(records.map { start.seconds(until: $0.time!) } == [0, 108, 114, 870])
    }

    /// `parse` (each input in turn) reads a rotated time-only log as `analyze` does: with
    /// `--date 2026-03-16`, the newer file's `00:12:40` is on the 17th, not the 16th, and the files
    /// come oldest first where the first of them is named.
    @Test func parseReadsTheRotatedFilesInOrderWithTheirClocksContinued() throws {
        let dir = TempDir()
        let paths = try Self.write(dir)
        let inputs = ["agent.log", "agent.log.1", "agent.log.2.gz"].map { InputDescriptor(path: paths[$0]!) }
        var options = IngestOptions()
        options.date = Timestamp.days(year: 2026, month: 3, day: 16)
        var sink = DiagnosticSink()
        var printed: [String] = []
        let stats = Ingestor.readEach(inputs, options: options, referenceDays: inputs.map { _ in options.date }, diagnostics: &sink) { r in
            printed.append("\(r.input):\(r.line) \(r.time?.iso8601 ?? "-")")
        }
        #expect(printed == [
            "2:1 2026-03-16T23:40:02.000Z", "1:1 2026-03-16T23:58:10.000Z", "1:2 2026-03-16T23:59:58.000Z", "1:3 2026-03-17T00:00:04.000Z",
            "0:1 2026-03-17T00:12:40.000Z", "0:2 2026-03-17T00:20:00.000Z", "0:3 2026-03-17T00:20:01.000Z", "0:4 2026-03-17T00:20:03.000Z",
        ])
        #expect(stats.map(\.records) == [4, 3, 1])
    }

    /// 700 jobs, one every 10 s from 23:00, each greeting in 2 s (every 50th, from job 7, in 7 s),
    /// as one log and as three rotated files (the oldest gzipped; the middle one crosses
    /// midnight): the same findings, and with `--jobs 2` and 16 KiB pieces the same bytes.
    @Test func aLargeRotatedTimeOnlyLogGivesWhatTheWholeLogGivesInPieces() throws {
        var events: [(Int, Int, String)] = []
        func time(_ s: Int) -> String {
            let s = s % 86_400
            return String(format: "%02d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        }
        for k in 0..<700 {
            let start = 23 * 3600 + k * 10
            let job = String(format: "AJ_n%09dx", k)
            let sid = String(format: "RM_r%09dx", k)
            let ids = "\"pid\": \(3000 + k % 50), \"job_id\": \"\(job)\", \"room\": \"room-\(k)\""
            let request = "\"job_id\": \"\(job)\", \"room\": \"room-\(k)\", \"room_id\": \"\(sid)\", \"agent_name\": \"\""
            events.append((start, 0, Self.compact(time(start), "livekit.agents", "received job request", request)))
            events.append((start + 1, 1, Self.compact(time(start + 1), "agent", "Generating initial greeting", ids)))
            let greeting = k % 50 == 7 ? 7 : 2
            events.append((start + 1 + greeting, 2, Self.compact(time(start + 1 + greeting), "agent", "Voice agent running for room room-\(k)", ids)))
            events.append((start + 40, 3, Self.compact(time(start + 40), "livekit.agents", "process exiting", "\"reason\": \"\", " + ids)))
        }
        let lines = events.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.2)
        let dir = TempDir()
        let whole = dir.write("whole/agent.log", lines.joined(separator: "\n") + "\n")
        let cuts = [0, 1_120, 2_240, lines.count]
        #expect(lines[1_120].hasPrefix("23:46:"))
        #expect(lines[2_240].hasPrefix("00:33:"))
        let text = (0..<3).map { Data((lines[cuts[$0]..<cuts[$0 + 1]].joined(separator: "\n") + "\n").utf8) }
        let rotated = [dir.write("rotated/agent.log", text[2]), dir.write("rotated/agent.log.1", text[1]), dir.write("rotated/agent.log.2.gz", try gzip(text[0]))]
        let reference = Self.run([whole], jobs: 1)
        #expect(reference.sessionCount == 700)
        #expect(reference.findings.map(\.sessionKey) == stride(from: 7, to: 700, by: 50).map { String(format: "room-\($0)/RM_r%09dx", $0) })
        let one = Self.run(rotated, jobs: 1, splitBytes: 16 << 10)
        #expect(one.sessionCount == 700)
        #expect(one.findings.map(RotatedLogTests.describe) == reference.findings.map(RotatedLogTests.describe))
        let two = Self.run(rotated, jobs: 2, splitBytes: 16 << 10)
        #expect(JSONReportRenderer().render(two) == JSONReportRenderer().render(one))
    }
}
