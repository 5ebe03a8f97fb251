import Testing

@testable import LogAnalyzer

/// Zone-less stamps read in a zone with daylight saving time (`--tz Europe/Berlin`): on the night
/// the clocks go back, the wall-clock hour 02:00–03:00 is written twice (CEST, then CET). Python's
/// `asctime` (agents dev text, `%Y-%m-%d %H:%M:%S,mmm`, local time, no zone) prints exactly that.
@Suite struct RepeatedHourTests {
    static let berlin = TimeZoneSetting("Europe/Berlin")!

    func times(_ text: String, date: Int64? = nil) -> [String] {
        var options = IngestOptions()
        options.timeZone = Self.berlin
        options.date = date
        return parse(text, options: options).records.map { $0.time?.iso8601 ?? "-" }
    }

    /// A line in the repeated hour is read in its first pass (CEST) until the clock goes back:
    /// the line written an hour later with an earlier wall time is the second pass (CET).
    @Test func theRepeatedHourIsReadInOrder() {
        let log = """
            2026-10-25 01:59:59,000 - INFO agent - before
            2026-10-25 02:59:58,000 - INFO agent - Generating initial greeting
            2026-10-25 02:00:03,500 - INFO agent - Voice agent running for room r
            2026-10-25 02:30:00,000 - INFO agent - still in the second pass
            2026-10-25 03:00:00,000 - INFO agent - after

            """
        #expect(times(log) == [
            "2026-10-24T23:59:59.000Z", "2026-10-25T00:59:58.000Z", "2026-10-25T01:00:03.500Z",
            "2026-10-25T01:30:00.000Z", "2026-10-25T02:00:00.000Z",
        ])
    }

    /// A line a few seconds out of order is not the clock going back.
    @Test func aLineSlightlyOutOfOrderStaysInTheFirstPass() {
        let log = """
            2026-10-25 02:10:05,000 - INFO agent - a
            2026-10-25 02:10:01,000 - INFO agent - b

            """
        #expect(times(log) == ["2026-10-25T00:10:05.000Z", "2026-10-25T00:10:01.000Z"])
    }

    /// The time-only compact console (`HH:MM:SS`) dated by `--date` goes through the same hour.
    @Test func timeOnlyStampsToo() {
        let log = """
            02:59:58 INFO agent Generating initial greeting 
            02:00:04 INFO agent Voice agent running for room r 

            """
        let day = TimeParsing.day(fromISODate: "2026-10-25")
        #expect(times(log, date: day) == ["2026-10-25T00:59:58.000Z", "2026-10-25T01:00:04.000Z"])
    }

    /// The greeting that spans the change is 5.5 s, not a negative time that hides it.
    @Test func aGreetingAcrossTheChangeIsMeasured() throws {
        let dir = TempDir()
        dir.write("agent.log", """
            2026-10-25 02:59:57,100 - INFO livekit.agents - received job request {"job_id": "AJ_dstJob0000002", "room": "room-dst", "room_id": "RM_dstRoom00002", "agent_name": "", "resuming": false}
            2026-10-25 02:59:58,000 - INFO agent - Generating initial greeting {"pid": 4321, "job_id": "AJ_dstJob0000002"}
            2026-10-25 02:00:03,500 - INFO agent - Voice agent running for room room-dst {"pid": 4321, "job_id": "AJ_dstJob0000002"}

            """)
        let result = try runLoganalyze(["analyze", "--tz", "Europe/Berlin", "--output", "json", dir.url.path])
        #expect(result.status == 1)
        #expect(result.stdout.contains(#""rule": "slow-greeting""#))
        #expect(result.stdout.contains(#""seconds": 5.5,"#))
    }
}
