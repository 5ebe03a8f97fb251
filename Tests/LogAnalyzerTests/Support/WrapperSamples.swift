import Testing

@testable import LogAnalyzer

/// The four lines the wrapper suites (CloudWatch, Fly, Heroku, docker) wrap: an agents JSON
/// record, a dev-text line, a zap server line and a plain print; and the records they must give.
enum WrapperSamples {
    static let agentJSON =
        #"{"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "AJ_AlphA9z8Y7x6", "room": "room-alpha", "timestamp": "2026-03-17T10:00:01.598000+00:00"}"#
    static let agentText = #"2026-03-17 10:00:02,104 - ERROR livekit.agents - unhandled exception while running the job task {"job_id": "AJ_AlphA9z8Y7x6", "pid": 71001}"#
    static let zap = "2026-03-17T10:00:00.600Z\tINFO\tlivekit\tservice/roomallocator.go:166\tselected node for room\t{\"room\": \"room-alpha\", \"roomID\": \"RM_AlphA1b2C3d4\"}"
    static let print = "Connected to: <socket.socket fd=12>"

    /// Asserts the four records of those lines, wrapped: the records' own times, and
    /// `printTime`, the wrapper's, for the print, which has none; `sources`: the wrapper's
    /// source of each (nil where it names none).
    static func expectRecords(
        _ records: [LogRecord], lines: [Int] = [1, 2, 3, 4], printTime: String = "2026-03-17T10:00:03.250Z", sources: [String?]
    ) throws {
        try #require(records.map(\.line) == lines)
        #expect(records.map(\.format) == [.agentsJSON, .agentsText, .zapConsole, .plain])
        #expect(records.map { $0.time?.iso8601 } == ["2026-03-17T10:00:01.598Z", "2026-03-17T10:00:02.104Z", "2026-03-17T10:00:00.600Z", printTime])
        #expect(records.map(\.level) == [.info, .error, .info, nil])
        #expect(records.map(\.logger) == ["livekit.agents", "livekit.agents", "livekit", nil])
        #expect(records.map(\.message) == ["received job request", "unhandled exception while running the job task", "selected node for room", print])
        #expect(records.map(\.ids.jobId) == ["AJ_AlphA9z8Y7x6", "AJ_AlphA9z8Y7x6", nil, nil])
        #expect(records[0].ids.room == "room-alpha")
        #expect(records[1].ids.pid == 71001)
        #expect(records[2].ids.roomSid == "RM_AlphA1b2C3d4")
        #expect(records.map(\.source) == sources)
    }
}
