import Foundation
import Testing

@testable import LogAnalyzer

/// `kubectl logs -l app=… --prefix --timestamps` without `-f` prints each pod's whole log in
/// turn: the server pod's lines come after the agent pod's last, back in time. Read in that
/// order, the agent's sessions were finalised (30 min of log time idle) before the server's lines
/// of the same rooms came, and each room was two sessions. The file's blocks are now merged by
/// time, as separate files are.
@Suite struct SourceBlocksTests {
    static let tab = "\t"
    static let lines = [
        #"[pod/agent-py-6c9f7d8b5-x2k4m/agent] 2026-11-20T09:00:00.520412000Z {"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "AJ_Mz3kQ8vTn2Lp", "dispatch_id": "", "room_name": "support-q1", "agent_name": "", "resuming": false, "timestamp": "2026-11-20T09:00:00.519876+00:00"}"#,
        #"[pod/agent-py-6c9f7d8b5-x2k4m/agent] 2026-11-20T09:00:01.720301000Z {"message": "Generating initial greeting", "level": "INFO", "name": "agent", "pid": 231, "job_id": "AJ_Mz3kQ8vTn2Lp", "timestamp": "2026-11-20T09:00:01.719822+00:00"}"#,
        #"[pod/agent-py-6c9f7d8b5-x2k4m/agent] 2026-11-20T09:00:04.910388000Z {"message": "Voice agent running for room support-q1", "level": "INFO", "name": "agent", "pid": 231, "job_id": "AJ_Mz3kQ8vTn2Lp", "timestamp": "2026-11-20T09:00:04.909911+00:00"}"#,
        #"[pod/agent-py-6c9f7d8b5-x2k4m/agent] 2026-11-20T09:04:00.610102000Z {"message": "process exiting", "level": "INFO", "name": "livekit.agents", "reason": "", "pid": 231, "job_id": "AJ_Mz3kQ8vTn2Lp", "timestamp": "2026-11-20T09:04:00.609755+00:00"}"#,
        #"[pod/agent-py-6c9f7d8b5-x2k4m/agent] 2026-11-20T09:50:00.520412000Z {"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "AJ_Qw8nR2vTk5Zx", "dispatch_id": "", "room_name": "support-q2", "agent_name": "", "resuming": false, "timestamp": "2026-11-20T09:50:00.519876+00:00"}"#,
        #"[pod/agent-py-6c9f7d8b5-x2k4m/agent] 2026-11-20T09:54:00.610102000Z {"message": "process exiting", "level": "INFO", "name": "livekit.agents", "reason": "", "pid": 240, "job_id": "AJ_Qw8nR2vTk5Zx", "timestamp": "2026-11-20T09:54:00.609755+00:00"}"#,
        #"[pod/livekit-server-0/livekit-server] 2026-11-20T09:00:01.121002000Z 2026-11-20T09:00:01.120Z\#(tab)INFO\#(tab)livekit\#(tab)service/roommanager.go:434\#(tab)starting RTC session\#(tab){"room": "support-q1", "roomID": "RM_Hc4nV7tQ2xWb", "participant": "agent-AJ_Mz3kQ8vTn2Lp", "pID": "PA_HP1lttYk2lrT", "nodeID": "ND_kDnNfribxUdl", "numParticipants": 1}"#,
        #"[pod/livekit-server-0/livekit-server] 2026-11-20T09:04:00.801002000Z 2026-11-20T09:04:00.800Z\#(tab)INFO\#(tab)livekit\#(tab)service/roommanager.go:706\#(tab)room closed\#(tab){"room": "support-q1", "roomID": "RM_Hc4nV7tQ2xWb"}"#,
        #"[pod/livekit-server-0/livekit-server] 2026-11-20T09:50:01.121002000Z 2026-11-20T09:50:01.120Z\#(tab)INFO\#(tab)livekit\#(tab)service/roommanager.go:434\#(tab)starting RTC session\#(tab){"room": "support-q2", "roomID": "RM_Lp2xC9vBn4Qe", "participant": "agent-AJ_Qw8nR2vTk5Zx", "pID": "PA_Vb7nM2xQk9Lw", "nodeID": "ND_kDnNfribxUdl", "numParticipants": 1}"#,
        #"[pod/livekit-server-0/livekit-server] 2026-11-20T09:54:00.801002000Z 2026-11-20T09:54:00.800Z\#(tab)INFO\#(tab)livekit\#(tab)service/roommanager.go:706\#(tab)room closed\#(tab){"room": "support-q2", "roomID": "RM_Lp2xC9vBn4Qe"}"#,
    ]

    @Test func eachPodsBlockIsReadOnItsOwnAndMergedByTime() throws {
        let dir = TempDir()
        let path = dir.write("all-pods.log", Self.lines.joined(separator: "\n") + "\n")
        let blocks = try #require(SourceBlocks.scan(InputDescriptor(path: path)))
        let agentBytes = Int64(Self.lines.prefix(6).map { $0.utf8.count + 1 }.reduce(0, +))
        #expect(blocks == [
            SourceBlocks.Block(range: 0..<agentBytes, firstLine: 1),
            SourceBlocks.Block(range: agentBytes..<Int64(Self.lines.map { $0.utf8.count + 1 }.reduce(0, +)), firstLine: 7),
        ])
        for jobs in [1, 2] {
            var analyzer = Analyzer()
            analyzer.jobs = jobs
            analyzer.keepSessionEvents = true
            var sink = DiagnosticSink()
            let report = analyzer.run([InputDescriptor(path: path)], diagnostics: &sink)
            // Before: 3 sessions, support-q1's agent and server apart.
            #expect(report.sessionCount == 2)
            #expect(report.sessions.map(\.room) == ["support-q1", "support-q2"])
            #expect(report.sessions.map(\.sides) == [[.agent, .server], [.agent, .server]])
            #expect(report.sessions.first?.events.map(\.location.line) == [1, 7, 2, 3, 4, 8])
            #expect(report.inputs.map(\.stats.records) == [10])
            #expect(report.inputs.map(\.stats.lines) == [10])
            #expect(sink.kept.filter { $0.kind == "source-blocks" }.map(\.message) == [
                "holds 2 sources' logs one after the other (`kubectl logs -l … --prefix` prints each pod's in turn): each read on its own and merged by time",
            ])
        }
    }

    /// Pods' lines that interleave (`kubectl logs -f`, or `--max-log-requests` streams), a file of
    /// one pod, and a file without the prefix are read in their order.
    @Test func interleavedOrSingleSourceFilesAreNotSplit() {
        let dir = TempDir()
        let interleaved = [Self.lines[0], Self.lines[6], Self.lines[1], Self.lines[7]]
        #expect(SourceBlocks.scan(InputDescriptor(path: dir.write("follow.log", interleaved.joined(separator: "\n") + "\n"))) == nil)
        #expect(SourceBlocks.scan(InputDescriptor(path: dir.write("one.log", Self.lines.prefix(6).joined(separator: "\n") + "\n"))) == nil)
        let bare = Self.lines.map { String($0[$0.index(after: $0.firstIndex(of: "]")!)...].dropFirst()) }
        #expect(SourceBlocks.scan(InputDescriptor(path: dir.write("bare.log", bare.joined(separator: "\n") + "\n"))) == nil)
    }
}
