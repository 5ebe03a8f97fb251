import Foundation
import Testing

@testable import LogAnalyzer

/// A worker's dev text in its host's local time (no zone) beside the LiveKit server's console in
/// `+0800`: the job both name places the worker's log 8 h ahead, so its stamps are read in
/// +08:00 and the session is one, not two 8 h apart.
@Suite struct ZoneInferenceTests {
    static let agent = [
        "2025-12-11 08:51:46,219 - INFO livekit.agents - received job request {\"job_id\": \"AJ_p9KdW3xYzQ2r\", \"dispatch_id\": \"AD_VHmEa3cflMyG\", \"room\": \"voice-room-7f3k2\", \"room_id\": \"RM_Xq7bT2mNw4Lp\", \"agent_name\": \"\", \"resuming\": false}",
        "2025-12-11 08:51:46,668 - INFO livekit.agents - Generating initial greeting {\"pid\": 48213, \"job_id\": \"AJ_p9KdW3xYzQ2r\"}",
        "2025-12-11 08:51:52,034 - INFO livekit.agents - Voice agent running for room voice-room-7f3k2 {\"pid\": 48213, \"job_id\": \"AJ_p9KdW3xYzQ2r\"}",
    ]
    static func server(zone: String, hour: String) -> [String] {
        [
            "2025-12-11T\(hour):51:46.012\(zone)\tINFO\tlivekit\tservice/roomallocator.go:166\tselected node for room\t{\"room\": \"voice-room-7f3k2\", \"roomID\": \"RM_Xq7bT2mNw4Lp\", \"selectedNodeID\": \"ND_7aGk2PqRs9Lt\"}",
            "2025-12-11T\(hour):51:46.219\(zone)\tINFO\tlivekit.agents\tservice/agentservice.go:407\tassigned job to worker\t{\"jobID\": \"AJ_p9KdW3xYzQ2r\", \"namespace\": \"\", \"agentName\": \"\", \"jobType\": \"JT_ROOM\", \"room\": \"voice-room-7f3k2\", \"roomID\": \"RM_Xq7bT2mNw4Lp\", \"workerID\": \"AW_h4TfL8sVc2Nm\"}",
        ]
    }

    static func run(server: [String], ingest: IngestOptions = IngestOptions()) -> (report: Report, notes: [Diagnostic], dir: TempDir) {
        let dir = TempDir()
        let inputs = [InputDescriptor(path: dir.write("agent.log", agent.joined(separator: "\n") + "\n")),
                      InputDescriptor(path: dir.write("server.log", server.joined(separator: "\n") + "\n"))]
        var ingest = ingest
        let notes = ingest.inferZones(for: inputs)
        var sink = DiagnosticSink()
        return (Analyzer(ingest: ingest, configuration: AnalysisConfiguration()).run(inputs, diagnostics: &sink), notes, dir)
    }

    @Test func aZonelessWorkerIsReadInTheZoneTheServerPlacesItIn() throws {
        let (report, notes, dir) = Self.run(server: Self.server(zone: "+0800", hour: "08"))
        #expect(report.sessions.count == 1)
        let session = try #require(report.sessions.first)
        #expect(session.start?.iso8601 == "2025-12-11T00:51:46.012Z")
        #expect(session.jobIds == ["AJ_p9KdW3xYzQ2r"])
        #expect(session.sides == [.agent, .server])
        let path = dir.url.appendingPathComponent("agent.log").path
        #expect(notes.map(\.rendered) == [
            "\(path): note: its stamps name no zone and run 8 h ahead of \(dir.url.appendingPathComponent("server.log").path)'s for the same job (AJ_p9KdW3xYzQ2r): read in +08:00 (--tz \(path)=ZONE to choose)",
        ])
    }

    /// Only a candidate's ids are kept of the zoned logs' samples, and nothing when no log is a
    /// candidate: 1,000 JSON worker logs, none a candidate, had held every sample's ids at once
    /// (107 MB of a 209 MB peak).
    @Test func theZonedLogsKeepOnlyTheCandidatesIds() {
        let dir = TempDir()
        let other = "2025-12-11T08:59:02.480+0800\tINFO\tlivekit\tservice/roomallocator.go:166\tselected node for room\t{\"room\": \"voice-room-9q1zt\", \"roomID\": \"RM_Ld3sW9kVb6Qe\", \"selectedNodeID\": \"ND_7aGk2PqRs9Lt\"}"
        let agent = InputDescriptor(path: dir.write("agent.log", Self.agent.joined(separator: "\n") + "\n"))
        let server = InputDescriptor(path: dir.write("server.log", (Self.server(zone: "+0800", hour: "08") + [other]).joined(separator: "\n") + "\n"))
        let second = InputDescriptor(path: dir.write("server-2.log", ([other] + Self.server(zone: "+0800", hour: "09")).joined(separator: "\n") + "\n"))
        let samples = ZoneInference.samples([server, agent, second], options: IngestOptions())
        #expect(samples[1]?.zoneless.keys.sorted() == ["AJ_p9KdW3xYzQ2r", "RM_Xq7bT2mNw4Lp", "name:voice-room-7f3k2"])
        #expect(samples[0]?.zoned.keys.sorted() == ["AJ_p9KdW3xYzQ2r", "RM_Xq7bT2mNw4Lp", "name:voice-room-7f3k2"])
        #expect(samples[0]?.zonedLast.keys.sorted() == ["AJ_p9KdW3xYzQ2r", "RM_Xq7bT2mNw4Lp", "name:voice-room-7f3k2"])
        #expect(samples[2]?.zoned.count == 3)
        #expect(samples[0]?.zoneless.isEmpty == true)
        // The servers alone: no candidate, no sample kept.
        #expect(ZoneInference.samples([server, second], options: IngestOptions()).map { $0 == nil } == [true, true])
    }

    /// The job in the middle of a day's server log, past the 64 KiB read at each end: the
    /// whole log is searched for the candidate's ids (before, the worker's zone was not
    /// inferred: its lines were read 8 h after the server's, and the session lasted 8 h).
    @Test func aJobInTheMiddleOfALongServerLogStillPlacesTheWorker() throws {
        func filler(_ k: Int, minute: Int) -> String {
            let n = String(format: "%06d", k)
            return "2025-12-11T08:\(String(format: "%02d", minute)):\(String(format: "%02d", k % 60)).100+0800\tINFO\tlivekit\tservice/roomallocator.go:166\tselected node for room\t{\"room\": \"room-\(n)\", \"roomID\": \"RM_Filler\(n)\", \"selectedNodeID\": \"ND_7aGk2PqRs9Lt\"}"
        }
        let before = (0..<600).map { filler($0, minute: 10 + $0 / 60) }
        let after = (600..<1200).map { filler($0, minute: 52 + ($0 - 600) / 120) }
        let server = before + Self.server(zone: "+0800", hour: "08") + after
        #expect(server.joined(separator: "\n").utf8.count > 3 * ReadingOrder.endBytes)
        let (report, notes, dir) = Self.run(server: server)
        let path = dir.url.appendingPathComponent("agent.log").path
        #expect(notes.map(\.rendered) == [
            "\(path): note: its stamps name no zone and run 8 h ahead of \(dir.url.appendingPathComponent("server.log").path)'s for the same job (AJ_p9KdW3xYzQ2r): read in +08:00 (--tz \(path)=ZONE to choose)",
        ])
        let session = try #require(report.sessions.first { $0.jobIds == ["AJ_p9KdW3xYzQ2r"] })
        #expect(session.sides == [.agent, .server])
        #expect(session.start?.iso8601 == "2025-12-11T00:51:46.012Z")
        #expect(session.end?.iso8601 == "2025-12-11T00:51:52.034Z")
        // The lines searched out: the job's and the room's first and last, once each.
        let lines = ZoneInference.linesNaming(["AJ_p9KdW3xYzQ2r", "RM_Xq7bT2mNw4Lp", "RM_Filler001199"], in: InputDescriptor(path: dir.url.appendingPathComponent("server.log").path))
        #expect(String(decoding: lines, as: UTF8.self) == (Self.server(zone: "+0800", hour: "08") + [filler(1199, minute: 56)]).joined(separator: "\n") + "\n")
    }

    /// Behind UTC, by a zone's half hour: `-03:30`.
    @Test func anOffsetBehindWithMinutes() throws {
        let (report, notes, _) = Self.run(server: Self.server(zone: "Z", hour: "12").map { $0.replacingOccurrences(of: "T12:51", with: "T12:21") })
        #expect(report.sessions.count == 1)
        #expect(report.sessions.first?.start?.iso8601 == "2025-12-11T12:21:46.012Z")
        let message = try #require(notes.first?.message)
        #expect(notes.count == 1)
        #expect(message.hasPrefix("its stamps name no zone and run 3 h 30 min behind "))
        #expect(message.hasSuffix("'s for the same job (AJ_p9KdW3xYzQ2r): read in -03:30 (--tz \(notes[0].path)=ZONE to choose)"))
    }

    /// Nothing is read when the logs already agree, when `--tz` named a zone (for all inputs or
    /// for this one), or when the ids are not a whole number of quarter hours apart.
    @Test func nothingIsReadWhenTheLogsAgreeOrTheZoneWasGiven() {
        #expect(Self.run(server: Self.server(zone: "Z", hour: "08")).notes.isEmpty)
        var given = IngestOptions()
        given.timeZone = TimeZoneSetting("+08:00")!
        given.inferZones = false
        let globally = Self.run(server: Self.server(zone: "Z", hour: "00"), ingest: given)
        #expect(globally.notes.isEmpty)
        #expect(globally.report.sessions.count == 1)
        var named = IngestOptions()
        named.zonesByPath = [("agent.log", TimeZoneSetting("+07:00")!)]
        let byName = Self.run(server: Self.server(zone: "Z", hour: "00"), ingest: named)
        // (The job's lines join one session either way; its end says which zone was read.)
        #expect(byName.notes.isEmpty)
        #expect(byName.report.sessions.map { $0.end?.iso8601 } == ["2025-12-11T01:51:52.034Z"])
        // 45 min apart: a room joined late, no zone (quarter hours are, only after whole hours:
        // +05:45).
        let late = Self.run(server: Self.server(zone: "Z", hour: "08").map { $0.replacingOccurrences(of: "T08:51", with: "T08:06") })
        #expect(late.notes.isEmpty)
        // 8 h 7 min apart: no zone is that.
        let odd = Self.run(server: Self.server(zone: "Z", hour: "00").map { $0.replacingOccurrences(of: "T00:51", with: "T00:44") })
        #expect(odd.notes.isEmpty)
        #expect(odd.report.sessions.map { $0.end?.iso8601 } == ["2025-12-11T08:51:52.034Z"])
    }

    /// The command reads the zone, says so on standard error, and `--tz` turns it off.
    @Test func theCommandNotesTheZoneAndTzTurnsItOff() throws {
        let dir = TempDir()
        let agent = dir.write("agent.log", Self.agent.joined(separator: "\n") + "\n")
        let server = dir.write("server.log", Self.server(zone: "+0800", hour: "08").joined(separator: "\n") + "\n")
        let inferred = try runLoganalyze(["analyze", "--output", "json", agent, server])
        #expect(inferred.stderr.contains("\(agent): note: its stamps name no zone and run 8 h ahead of \(server)'s for the same job (AJ_p9KdW3xYzQ2r): read in +08:00"))
        func ends(_ json: String) throws -> [String] {
            let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
            return (object?["sessions"] as? [[String: Any]] ?? []).compactMap { $0["end"] as? String }
        }
        #expect(try ends(inferred.stdout) == ["2025-12-11T00:51:52.034Z"])
        let given = try runLoganalyze(["analyze", "--output", "json", "--tz", "UTC", agent, server])
        #expect(!given.stderr.contains("name no zone"))
        #expect(try ends(given.stdout) == ["2025-12-11T08:51:52.034Z"])
    }
    /// A browser console's DevTools times of day in the user's local time (+08:00): placed by
    /// the room its context names, the incident reads as it does with the browser in UTC.
    @Test func aBrowserConsolesTimesOfDayArePlacedByItsRoom() throws {
        let dir = TempDir()
        let source = PackagePaths.fixtures.appendingPathComponent("incident-real")
        for name in ["agent.log", "server.log", "backend.log"] {
            dir.write(name, try String(contentsOf: source.appendingPathComponent(name), encoding: .utf8))
        }
        // Each `HH:MM:SS.mmm` 8 h later.
        let browser = try String(contentsOf: source.appendingPathComponent("browser.log"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
                guard line.count > 12, let hour = Int(line.prefix(2)), line.dropFirst(2).first == ":" else { return String(line) }
                let h = (hour + 8) % 24
                return (h < 10 ? "0\(h)" : "\(h)") + line.dropFirst(2)
            }
        let browserPath = dir.write("browser.log", browser.joined(separator: "\n"))
        var options = IngestOptions()
        var sink = DiagnosticSink()
        let (inputs, _) = InputSet.expand([dir.url.path], diagnostics: &sink)
        let notes = options.inferZones(for: inputs)
        #expect(notes.map(\.path) == [browserPath])
        #expect(notes.first?.message.hasPrefix("its stamps name no zone and run 8 h ahead of ") == true)
        #expect(notes.first?.message.contains("'s for the same room (RM_Xq7bT2mNw4Lp): read in +08:00 ") == true)
        var configuration = AnalysisConfiguration()
        configuration.configuredTokenTTLSeconds = 7200
        let shifted = Analyzer(ingest: options, configuration: configuration).run(inputs, diagnostics: &sink)
        let bare = analyze([source.path], configuration: configuration)
        #expect(shifted.sessions.count == 1)
        #expect(shifted.findings.map { "\($0.rule) \($0.at?.iso8601 ?? "-") \($0.message)" } == bare.findings.map { "\($0.rule) \($0.at?.iso8601 ?? "-") \($0.message)" })
        #expect(shifted.findings.count == 3)
    }
    /// A day's server log beside a console from each of 70 users: the one in Berlin time (an
    /// hour ahead in March) is placed by its room as it is beside the server log alone. More than
    /// 64 inputs had turned the inference off: its session was cut in two, an hour apart.
    @Test func aConsoleAmongSeventyIsStillPlacedByItsRoom() throws {
        let dir = TempDir()
        let base = 1_773_738_000.0  // 2026-03-17T09:00:00Z
        var server: [String] = []
        var inputs: [InputDescriptor] = []
        for k in 0..<70 {
            let t = base + Double(k) * 120
            let ids = "\"room\":\"room-\(k)\",\"roomID\":\"RM_room\(k)xxxxx\",\"participant\":\"user-\(k)\",\"pID\":\"PA_user\(k)xxxxx\""
            server.append("{\"level\":\"info\",\"ts\":\(t),\"logger\":\"livekit\",\"caller\":\"service/roommanager.go:371\",\"msg\":\"starting RTC session\",\(ids),\"nodeID\":\"ND_k2Pq9sXv3mTz\",\"numParticipants\":0}")
            server.append("{\"level\":\"info\",\"ts\":\(t + 60),\"logger\":\"livekit\",\"caller\":\"rtc/participant.go:1310\",\"msg\":\"participant closing\",\(ids),\"sendLeave\":false,\"reason\":\"CLIENT_REQUEST_LEAVE\"}")
            // DevTools times of day, in UTC but for room-0's user, in Berlin (+01:00).
            let local = Timestamp(micros: Int64((t + 0.3 + (k == 0 ? 3600 : 0)) * 1_000_000))
            let context = "{room: 'room-\(k)', roomID: 'RM_room\(k)xxxxx', participant: 'user-\(k)', pID: 'PA_user\(k)xxxxx'}"
            inputs.append(InputDescriptor(path: dir.write("browser-\(k).log", [
                "\(local.timeOfDayString(fraction: 3)) livekit-client.esm.mjs:22108 connection state changed: connecting -> connected \(context)",
                "\(Timestamp(micros: local.micros + 59_000_000).timeOfDayString(fraction: 3)) livekit-client.esm.mjs:21142 disconnect from room \(context)",
            ].joined(separator: "\n") + "\n")))
        }
        let serverPath = dir.write("server.log", server.joined(separator: "\n") + "\n")
        inputs.insert(InputDescriptor(path: serverPath), at: 0)
        var options = IngestOptions()
        let notes = options.inferZones(for: inputs)
        #expect(notes.map(\.path) == [dir.url.appendingPathComponent("browser-0.log").path])
        #expect(notes.first?.message.contains("run 1 h ahead of \(serverPath)'s for the same room (RM_room0xxxxx): read in +01:00 ") == true)
        var sink = DiagnosticSink()
        let report = Analyzer(ingest: options, configuration: AnalysisConfiguration()).run(inputs, diagnostics: &sink)
        #expect(report.sessionCount == 70)
        #expect(Array(report.sessions).first { $0.room == "room-0" }?.sides == [.server, .browser])
    }

    /// A healthy six-hour session whose browser console, in UTC like the server, names its room
    /// only in `disconnect from room` (livekit-client 2.x logs the room context in few info
    /// lines, `src/room/Room.ts disconnect`): once when the user rejoins with a fresh token, 4 h
    /// in, and at the end. Its first such line is 4 h after the server's first line of the room,
    /// but its lines fall within the room's life as they are: no zone is read (it was read as
    /// +04:00, the rejoin placed at the session's start).
    @Test func aConsoleNamingItsRoomLateIsNotShiftedByTheHours() throws {
        let dir = TempDir()
        let room = "{\"room\": \"tutoring-marathon\", \"roomID\": \"RM_kW6UKTGeQx07\"}"
        dir.write("server.log", [
            "2026-11-22T09:00:00.000Z\tINFO\tlivekit\tservice/roomallocator.go:166\tselected node for room\t{\"room\": \"tutoring-marathon\", \"selectedNodeID\": \"ND_hQ8yN2cGkW3s\"}",
            "2026-11-22T09:00:00.040Z\tINFO\tlivekit.agents\tservice/agentservice.go:425\tassigned job to worker\t{\"jobID\": \"AJ_lllMZaGLoJna\", \"namespace\": \"\", \"agentName\": \"voice-agent\", \"jobType\": \"JT_ROOM\", \"room\": \"tutoring-marathon\", \"roomID\": \"RM_kW6UKTGeQx07\", \"workerID\": \"AW_xtHQJiJlILTd\"}",
            "2026-11-22T15:00:21.600Z\tINFO\tlivekit\trtc/room.go:806\tclosing idle room\t{\"room\": \"tutoring-marathon\", \"roomID\": \"RM_kW6UKTGeQx07\", \"reason\": \"departure timeout\"}",
            "2026-11-22T15:00:21.700Z\tINFO\tlivekit\tservice/roommanager.go:706\troom closed\t\(room)",
        ].joined(separator: "\n") + "\n")
        dir.write("browser.log", [
            "08:59:59.800 livekit-client.esm.mjs:15431 signal connecting to wss://demo-x7k2p9.livekit.cloud/rtc/v1 {reconnect: false}",
            "13:00:00.000 livekit-client.esm.mjs:20512 disconnect from room {room: 'tutoring-marathon', roomID: 'RM_kW6UKTGeQx07', participant: 'student-42', participantID: 'PA_pCEjTFzfD3hD'}",
            "13:00:02.300 livekit-client.esm.mjs:15431 signal connecting to wss://demo-x7k2p9.livekit.cloud/rtc/v1 {reconnect: false}",
            "14:59:59.980 livekit-client.esm.mjs:20512 disconnect from room {room: 'tutoring-marathon', roomID: 'RM_kW6UKTGeQx07', participant: 'student-42', participantID: 'PA_upypZT7fhbCL'}",
        ].joined(separator: "\n") + "\n")
        var options = IngestOptions()
        var sink = DiagnosticSink()
        let (inputs, _) = InputSet.expand([dir.url.path], diagnostics: &sink)
        #expect(options.inferZones(for: inputs).map(\.rendered) == [])
        let report = Analyzer(ingest: options, configuration: AnalysisConfiguration()).run(inputs, diagnostics: &sink)
        let session = try #require(report.sessions.first { $0.roomSid == "RM_kW6UKTGeQx07" })
        #expect(session.start?.iso8601 == "2026-11-22T09:00:00.000Z")
        #expect(session.end?.iso8601 == "2026-11-22T15:00:21.700Z")
        #expect(session.sides == [.server, .browser])
    }

    /// A worker's dev text in Europe/Berlin across the end of summer time (2026-10-25 03:00
    /// CEST -> 02:00 CET) beside a server in UTC: one job 2 h ahead, the next 1 h. No one offset
    /// reads it and nothing was said (every session was cut in two); a note now says why and
    /// that a zone's name reads both.
    @Test func twoOffsetsAnHourApartAreNotedAsSummerTime() throws {
        let dir = TempDir()
        func server(_ time: String, _ job: String, _ room: String, _ sid: String) -> String {
            "2026-10-25T\(time)Z\tINFO\tlivekit.agents\tservice/agentservice.go:425\tassigned job to worker\t{\"jobID\": \"\(job)\", \"namespace\": \"\", \"agentName\": \"\", \"jobType\": \"JT_ROOM\", \"room\": \"\(room)\", \"roomID\": \"\(sid)\", \"workerID\": \"AW_h4TfL8sVc2Nm\"}"
        }
        func agent(_ time: String, _ job: String, _ room: String, _ sid: String) -> String {
            "2026-10-25 \(time) - INFO livekit.agents - received job request {\"job_id\": \"\(job)\", \"dispatch_id\": \"AD_VHmEa3cflMyG\", \"room\": \"\(room)\", \"room_id\": \"\(sid)\", \"agent_name\": \"\", \"resuming\": false}"
        }
        let serverPath = dir.write("server.log", [server("00:30:00.219", "AJ_p9KdW3xYzQ2r", "night-1", "RM_Xq7bT2mNw4Lp"),
                                                  server("02:30:00.219", "AJ_k2LmN8pQr4St", "night-2", "RM_Bv5cX1zAs9Df")].joined(separator: "\n") + "\n")
        let agentPath = dir.write("agent.log", [agent("02:30:00,219", "AJ_p9KdW3xYzQ2r", "night-1", "RM_Xq7bT2mNw4Lp"),
                                                agent("03:30:00,219", "AJ_k2LmN8pQr4St", "night-2", "RM_Bv5cX1zAs9Df")].joined(separator: "\n") + "\n")
        var options = IngestOptions()
        var sink = DiagnosticSink()
        let (inputs, _) = InputSet.expand([dir.url.path], diagnostics: &sink)
        #expect(options.inferZones(for: inputs).map(\.rendered) == [
            "\(agentPath): note: its stamps name no zone and run 1 h or 2 h ahead of \(serverPath)'s for the same jobs and rooms (its clocks changed for daylight saving time?): read as --tz says (UTC by default); --tz \(agentPath)=ZONE with the zone's name (Europe/Berlin) reads both",
        ])
        #expect(options.zonesByPath.isEmpty)
    }

    /// An app backend's times of day name only the room it mints tokens for: the room's name
    /// places it when no id does.
    @Test func aBackendIsPlacedByItsRoomsName() throws {
        let dir = TempDir()
        let backend = dir.write("backend.log", "08:51:45 - Session created room=voice-room-7f3k2 identity=user-42b7\n08:51:45.900 - minted token for identity=user-42b7 room=voice-room-7f3k2 ttl=7200s\n")
        dir.write("server.log", Self.server(zone: "Z", hour: "00").joined(separator: "\n") + "\n")
        var options = IngestOptions()
        var sink = DiagnosticSink()
        let (inputs, _) = InputSet.expand([dir.url.path], diagnostics: &sink)
        let notes = options.inferZones(for: inputs)
        #expect(notes.map(\.path) == [backend])
        #expect(notes.first?.message.contains("run 8 h ahead of ") == true)
        #expect(notes.first?.message.contains("'s for the same room name (voice-room-7f3k2): read in +08:00 ") == true)
    }

    /// A browser console in São Paulo (-03:00) whose DevTools times of day cross its midnight
    /// (23:59:56 to 00:17:34) beside a server in UTC (02:59:56Z to 03:17:50Z). The room's first
    /// and last lines in the console are its first and last lines, not its earliest and latest
    /// times of day (00:05:34 and 23:59:56: 2 h 54 min from the server's, no zone's offset): the
    /// console was read in UTC, its lines a session of their own three hours before the room.
    @Test func aConsoleCrossingItsMidnightIsPlacedByItsFirstAndLastLines() throws {
        let dir = TempDir()
        let context = "{room: 'voice-room-7f3k2', roomID: 'RM_Xq7bT2mNw4Lp', participant: 'user-42b7', pID: 'PA_Ju6rE9tYq1Bz'}"
        let serverPath = dir.write("server.log", [
            "2025-12-11T02:59:56.031Z\tINFO\tlivekit\tservice/roommanager.go:411\tstarting RTC session\t{\"room\": \"voice-room-7f3k2\", \"roomID\": \"RM_Xq7bT2mNw4Lp\", \"participant\": \"user-42b7\", \"pID\": \"PA_Ju6rE9tYq1Bz\"}",
            "2025-12-11T03:17:50.212Z\tINFO\tlivekit.room\tservice/roommanager.go:659\troom closed\t{\"room\": \"voice-room-7f3k2\", \"roomID\": \"RM_Xq7bT2mNw4Lp\"}",
        ].joined(separator: "\n") + "\n")
        let browserPath = dir.write("browser.log", [
            "23:59:56.214 livekit-client.esm.mjs:18392 signal connected \(context)",
            "00:05:34.318 livekit-client.esm.mjs:20117 received server answer \(context)",
            "00:17:34.591 livekit-client.esm.mjs:22473 disconnect from room \(context)",
        ].joined(separator: "\n") + "\n")
        var options = IngestOptions()
        var sink = DiagnosticSink()
        let (inputs, _) = InputSet.expand([dir.url.path], diagnostics: &sink)
        #expect(options.inferZones(for: inputs).map(\.rendered) == [
            "\(browserPath): note: its stamps name no zone and run 3 h behind \(serverPath)'s for the same room (RM_Xq7bT2mNw4Lp): read in -03:00 (--tz \(browserPath)=ZONE to choose)",
        ])
        let report = Analyzer(ingest: options, configuration: AnalysisConfiguration()).run(inputs, diagnostics: &sink)
        #expect(report.sessions.map { "\($0.start?.iso8601 ?? "-") \($0.end?.iso8601 ?? "-")" } == [
            "2025-12-11T02:59:56.031Z 2025-12-11T03:17:50.212Z",
        ])
        #expect(report.sessions.first?.sides == [.server, .browser])
    }

    /// One job across the change of summer time, a worker's dev text in Europe/Berlin beside a
    /// server in UTC: its first line 1 h ahead of the server's (01:51:46 CET, 00:51:46Z) and its
    /// last 2 h (03:09:24 CEST, 01:09:25Z) on 2026-03-29; at the end of summer time, 2026-10-25,
    /// 02:51:46 CEST then 02:09:24 CET. The job's first lines alone had read the first in
    /// +01:00, silently, its end an hour off (a second session with the cascade); the second in
    /// +02:00 by the room's name (the job's earliest time, 02:09:24, is no zone's offset from
    /// 00:51:46Z). Both now give the note that the clocks changed, as two jobs an hour apart do.
    /// In New York (2026-03-08, 01:51:46 EST, 06:51:46Z, to 03:09:24 EDT, 07:09:25Z) the note's
    /// example zone is New York's.
    @Test(arguments: [
        ("2026-03-29", "01:51:46,205", "03:09:24,019", "00", "01", "1 h or 2 h ahead of", "Europe/Berlin"),
        ("2026-10-25", "02:51:46,205", "02:09:24,019", "00", "01", "1 h or 2 h ahead of", "Europe/Berlin"),
        ("2026-03-08", "01:51:46,205", "03:09:24,019", "06", "07", "4 h or 5 h behind", "America/New_York"),
    ])
    func oneJobAcrossTheChangeOfSummerTimeIsNoted(day: String, first: String, last: String, hour0: String, hour1: String, run: String, zone: String) throws {
        let dir = TempDir()
        let serverPath = dir.write("server.log", [
            "\(day)T\(hour0):51:46.219Z\tINFO\tlivekit.agents\tservice/agentservice.go:407\tassigned job to worker\t{\"jobID\": \"AJ_p9KdW3xYzQ2r\", \"namespace\": \"\", \"agentName\": \"voice-assistant\", \"jobType\": \"JT_ROOM\", \"room\": \"voice-room-7f3k2\", \"roomID\": \"RM_Xq7bT2mNw4Lp\", \"workerID\": \"AW_h4TfL8sVc2Nm\"}",
            "\(day)T\(hour1):09:25.031Z\tINFO\tlivekit\trtc/participant.go:1538\tparticipant closing\t{\"room\": \"voice-room-7f3k2\", \"roomID\": \"RM_Xq7bT2mNw4Lp\", \"participant\": \"agent-AJ_p9KdW3xYzQ2r\", \"pID\": \"PA_Mn3vC8xLk5Wd\", \"remote\": false, \"sendLeave\": false, \"reason\": \"STALE\", \"isExpectedToResume\": false}",
        ].joined(separator: "\n") + "\n")
        let agentPath = dir.write("agent.log", [
            "\(day) \(first) - INFO livekit.agents - received job request {\"job_id\": \"AJ_p9KdW3xYzQ2r\", \"dispatch_id\": \"AD_Vb7nK2pQx9Tm\", \"room_name\": \"voice-room-7f3k2\", \"agent_name\": \"voice-assistant\", \"resuming\": false}",
            "\(day) \(last) - ERROR livekit - livekit::rtc_engine:663:livekit::rtc_engine - failed to reconnect to the livekit room {\"pid\": 48213, \"job_id\": \"AJ_p9KdW3xYzQ2r\"}",
        ].joined(separator: "\n") + "\n")
        var options = IngestOptions()
        var sink = DiagnosticSink()
        let (inputs, _) = InputSet.expand([dir.url.path], diagnostics: &sink)
        #expect(options.inferZones(for: inputs).map(\.rendered) == [
            "\(agentPath): note: its stamps name no zone and run \(run) \(serverPath)'s for the same jobs and rooms (its clocks changed for daylight saving time?): read as --tz says (UTC by default); --tz \(agentPath)=ZONE with the zone's name (\(zone)) reads both",
        ])
        #expect(options.zonesByPath.isEmpty)
    }

    /// A browser console in UTC beside a server in UTC, the room outliving the user's lines by
    /// an hour (the user left, the others talked on): the room's last line in the server's log
    /// (`room closed`, 10:55:12Z) is an hour after the console's last (`disconnect from room`,
    /// 09:55:10). That was read as a change of summer time (a note, "run 0 h or 1 h behind");
    /// only a job's ends are compared now, which both logs name until it ends.
    @Test func aRoomOutlivingAConsolesLinesByAnHourIsNoChangeOfSummerTime() throws {
        let dir = TempDir()
        let context = "{room: 'voice-room-7f3k2', roomID: 'RM_Xq7bT2mNw4Lp', participant: 'user-42b7', pID: 'PA_Ju6rE9tYq1Bz'}"
        dir.write("server.log", [
            "2026-03-17T09:00:00.219Z\tINFO\tlivekit\tservice/roommanager.go:411\tstarting RTC session\t{\"room\": \"voice-room-7f3k2\", \"roomID\": \"RM_Xq7bT2mNw4Lp\", \"participant\": \"user-42b7\", \"pID\": \"PA_Ju6rE9tYq1Bz\"}",
            "2026-03-17T10:55:12.000Z\tINFO\tlivekit.room\tservice/roommanager.go:659\troom closed\t{\"room\": \"voice-room-7f3k2\", \"roomID\": \"RM_Xq7bT2mNw4Lp\"}",
        ].joined(separator: "\n") + "\n")
        dir.write("browser.log", [
            "09:00:00.512 livekit-client.esm.mjs:18392 signal connected \(context)",
            "09:55:10.000 livekit-client.esm.mjs:22473 disconnect from room \(context)",
        ].joined(separator: "\n") + "\n")
        var options = IngestOptions()
        var sink = DiagnosticSink()
        let (inputs, _) = InputSet.expand([dir.url.path], diagnostics: &sink)
        #expect(options.inferZones(for: inputs).map(\.rendered) == [])
    }
}
