import Testing

@testable import LogAnalyzer

/// A session's ids: in first-seen order, each once, below and past the size where a set answers.
@Suite struct IDListTests {
    @Test func idsKeepTheirOrderAndAreKeptOnceAcrossTheSetLimit() {
        var list = IDList()
        let ids = (0..<50).map { "user-\($0)" }
        for (k, id) in ids.enumerated() {
            list.insert(id)
            // Every earlier id again: none is added twice, before or after the set takes over.
            for earlier in ids[...k] { list.insert(earlier) }
            #expect(list.count == k + 1)
        }
        #expect(list.items == ids)
        #expect(ids.allSatisfy(list.contains))
        #expect(!list.contains("user-50"))
        #expect(list.first == "user-0")
    }

    /// A room that lives the whole log with a new participant on every line: one session with
    /// every identity and sid once (each line had searched all the earlier identities).
    @Test func aRoomWithThousandsOfParticipantsIsOneSessionWithEachOnce() {
        let tracker = SessionTracker(configuration: AnalysisConfiguration(), paths: ["server.log"])
        for i in 0..<3_000 {
            var r = LogRecord(input: 0, line: i + 1, format: .zapConsole, message: "starting RTC session")
            r.time = Timestamp(micros: Int64(i) * 10_000)
            r.ids.room = "big-room"
            r.ids.roomSid = "RM_bigroom0001"
            r.ids.participant = "user-\(i / 2)"
            r.ids.participantSid = "PA_\(i / 2)"
            tracker.add(r)
        }
        let sessions = tracker.finish()
        #expect(sessions.count == 1)
        #expect(sessions.first?.participants == (0..<1_500).map { "user-\($0)" })
        #expect(sessions.first?.recordCount == 3_000)
    }

    /// Past `maxSessionIDs` identities the room lists and indexes no more (it had held every
    /// one, in its list and in the identity and sid indices): their lines still join it by the
    /// room, a note says so.
    @Test func aRoomListsAtMostMaxSessionIDsParticipants() {
        let extra = 300
        var lines: [String] = []
        for i in 0..<(SessionTracker.maxSessionIDs + extra) {
            let stamp = String(format: "2026-03-02T00:%02d:%02d.%03dZ", i / 60_000, i / 1000 % 60, i % 1000)
            lines.append(stamp + "\tINFO\tlivekit\tservice/roommanager.go:411\tstarting RTC session\t{\"room\": \"big-room\", \"roomID\": \"RM_bigroom0001\", \"participant\": \"user-\(i)\", \"pID\": \"PA_\(i)\"}")
        }
        let dir = TempDir()
        let path = dir.write("server.log", lines.joined(separator: "\n") + "\n")
        var sink = DiagnosticSink()
        let report = Analyzer().run([InputDescriptor(path: path)], diagnostics: &sink)
        #expect(report.sessions.map(\.key) == ["big-room/RM_bigroom0001"])
        #expect(report.sessions.first?.recordCount == SessionTracker.maxSessionIDs + extra)
        #expect(report.sessions.first?.participants.count == SessionTracker.maxSessionIDs)
        #expect(report.sessions.first?.participants.last == "user-\(SessionTracker.maxSessionIDs - 1)")
        #expect(sink.kept.map(\.message).contains("1 session (big-room/RM_bigroom0001) named more than 10,000 job ids, participants, participant sids or pids: the later ones are not listed, and a line that names only one of them does not join it"))
    }

    /// A job whose every line carries another pid: past `maxSessionIDs` pids are not joined to
    /// it (each had been registered in the session and the pid index); a line with only one of
    /// the first pids still joins it, one with a later pid does not.
    @Test func aSessionIndexesAtMostMaxSessionIDsPids() {
        func line(_ i: Int, _ members: String) -> String {
            let stamp = String(format: "2026-03-02T00:%02d:%02d.%03d+00:00", i / 60_000, i / 1000 % 60, i % 1000)
            return #"{"message": "job line", "level": "INFO", "name": "agent", \#(members), "timestamp": "\#(stamp)"}"#
        }
        let n = SessionTracker.maxSessionIDs + 200
        var lines = (0..<n).map { line($0, #""pid": \#(100_000 + $0), "job_id": "AJ_pidjob000001", "room": "room-p""#) }
        lines.append(line(n, #""pid": 100005"#))
        lines.append(line(n + 1, #""pid": \#(100_000 + n - 1)"#))
        let dir = TempDir()
        let path = dir.write("worker.log", lines.joined(separator: "\n") + "\n")
        var sink = DiagnosticSink()
        let report = Analyzer().run([InputDescriptor(path: path)], diagnostics: &sink)
        #expect(report.sessions.map(\.key) == ["room-p"])
        #expect(report.sessions.first?.recordCount == n + 1)
        #expect(sink.kept.map(\.message).contains("1 session (room-p) named more than 10,000 job ids, participants, participant sids or pids: the later ones are not listed, and a line that names only one of them does not join it"))
    }
}
