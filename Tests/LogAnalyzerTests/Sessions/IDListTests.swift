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
}
