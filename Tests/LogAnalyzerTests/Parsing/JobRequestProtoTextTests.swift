import Testing

@testable import LogAnalyzer

/// livekit-agents 0.8.x logs `received job request` with the job protobuf as text in its
/// `job_request` extra (`extra={"job_request": msg.job, …}`, worker.py; its JsonFormatter writes
/// what json cannot encode as `str()`): the job id, room sid and room name are inside.
@Suite struct JobRequestProtoTextTests {
    static let proto = #"id: \"AJ_oldJobAAAA11\"\ntype: JT_ROOM\nroom {\n  sid: \"RM_oldRoomAAAA1\"\n  name: \"room-old\"\n  empty_timeout: 300\n  creation_time: 1720000000\n  turn_password: \"x\"\n  enabled_codecs {\n    mime: \"audio/opus\"\n  }\n}\n"#
    static let json = #"{"message": "received job request", "level": "INFO", "job_request": "\#(proto)", "resuming": false, "agent_name": "", "timestamp": "2024-07-03T10:00:00.000000+00:00"}"#
    static let text = #"2024-07-03 10:00:00,000 - INFO livekit.agents - received job request {"job_request": "\#(proto)", "resuming": false, "agent_name": ""}"#
    static let exiting = #"{"message": "job exiting", "level": "INFO", "reason": "", "pid": 77, "job_id": "AJ_oldJobAAAA11", "timestamp": "2024-07-03T10:05:00.000000+00:00"}"#

    @Test(arguments: [json, text])
    func theJobsIdsAreRead(_ line: String) {
        let r = record(line)
        #expect(r.ids.jobId == "AJ_oldJobAAAA11")
        #expect(r.ids.roomSid == "RM_oldRoomAAAA1")
        #expect(r.ids.room == "room-old")
    }

    @Test func theRequestStartsTheJobsSession() throws {
        let dir = TempDir()
        var analyzer = Analyzer(configuration: AnalysisConfiguration())
        analyzer.keepSessionEvents = true
        var sink = DiagnosticSink()
        let report = analyzer.run([InputDescriptor(path: dir.write("agent.log", Self.json + "\n" + Self.exiting + "\n"))], diagnostics: &sink)
        #expect(report.sessions.map(\.key) == ["room-old/RM_oldRoomAAAA1"])
        let session = try #require(report.sessions.first)
        #expect(session.events.map(\.kind) == [.sessionStart, .sessionEnd])
        #expect(session.events.map(\.location.line) == [1, 2])
    }
}
