import Testing

@testable import LogAnalyzer

/// The JSON report writes session entries directly; they must equal the node tree's rendering.
@Suite struct SessionJSONTests {
    @Test func directSessionEntriesEqualTheNodeTree() {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyIiwiZXhwIjoxNzAwMDAwMDAwfQ.c2lnbmF0dXJlc2lnbmF0dXJlc2ln"
        let sessions = [
            Session(key: "room-a/RM_a", room: "room-a", roomSid: "RM_a", jobIds: ["AJ_1", "AJ_2"], participants: [],
                    start: Timestamp(micros: 1_772_409_609_127_000), end: Timestamp(micros: 45_000_000, hasDate: false),
                    sides: [.agent, .server], inputs: [0], recordCount: 71, events: [], gaps: [:], inputGaps: [:], records: [], order: 1),
            Session(key: "job \"AJ\\x\"\n\u{1}", room: nil, roomSid: nil, jobIds: [], participants: [], start: nil, end: nil,
                    sides: [], inputs: [], recordCount: 0, events: [], gaps: [:], inputGaps: [:], records: [], order: 2),
            Session(key: "token \(jwt)", room: "r \(jwt)", roomSid: nil, jobIds: [jwt], participants: [],
                    start: Timestamp(micros: -86_400_000_000 * 800_000), end: nil,
                    sides: [.browser], inputs: [], recordCount: 3, events: [], gaps: [:], inputGaps: [:], records: [], order: 3),
        ]
        let renderer = JSONReportRenderer()
        for s in sessions {
            var direct = ""
            renderer.writeSession(s, Redactor(), into: &direct)
            #expect(direct == renderer.sessionNode(s, Redactor()).serialized(pretty: true, depth: 2))
            #expect(!direct.contains("eyJhbGciOiJIUzI1NiJ9.eyJzdWIi"))
        }
        #expect(Timestamp(micros: 1_772_409_609_127_000).iso8601 == "2026-03-02T00:00:09.127Z")
        #expect(Timestamp(micros: 45_000_123, hasDate: false).iso8601 == "00:00:45.000")
        // The direct digits equal the date and time strings composed.
        var random = XorShift(state: 0x9E37_79B9_7F4A_7C15)
        for _ in 0..<2_000 {
            let t = Timestamp(micros: Int64(bitPattern: random.next() % 600_000_000_000_000_000) - 62_000_000_000_000_000)
            #expect(t.iso8601 == "\(t.dateString)T\(t.timeOfDayString(fraction: 3))Z")
        }
    }
}
