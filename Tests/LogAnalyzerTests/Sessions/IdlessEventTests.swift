import Foundation
import Testing

@testable import LogAnalyzer

/// Events without session ids join the sessions active at their time; two bounds keep that
/// linear on long logs.
@Suite struct IdlessEventTests {
    static func line(_ second: Int, _ message: String, _ members: String = "") -> String {
        let extra = members.isEmpty ? "" : members + ", "
        return #"{"message": "\#(message)", "level": "INFO", "name": "livekit.agents", \#(extra)"timestamp": "2026-03-02T00:00:\#(String(format: "%02d", second))+00:00"}"#
    }

    static func run(_ log: String) -> (report: Report, notes: [String]) {
        let dir = TempDir()
        let path = dir.write("worker.log", log)
        var analyzer = Analyzer()
        analyzer.keepSessionEvents = true
        var sink = DiagnosticSink()
        let report = analyzer.run([InputDescriptor(path: path)], diagnostics: &sink)
        return (report, sink.kept.filter { $0.severity == .note }.map(\.message))
    }

    @Test func untimedIdlessEventsAreKeptUpToTheLatestTenThousand() {
        let negotiation = "NegotiationError: Failed to execute 'setRemoteDescription' on 'RTCPeerConnection': The RTCPeerConnection's signalingState is 'closed'."
        let count = SessionTracker.maxUndatedUnassigned + 50
        let log = ([Self.line(1, "received job request", #""job_id": "AJ_aaaaaaaaaaaa", "room": "room-a""#)]
            + Array(repeating: negotiation, count: count)).joined(separator: "\n")
        let (report, notes) = Self.run(log)
        #expect(report.sessions.map(\.key) == ["room-a"])
        let events = report.sessions.first?.events ?? []
        #expect(events.filter { $0.kind == .negotiationError }.count == SessionTracker.maxUndatedUnassigned)
        // The newest are kept: the last line of the log is the last event.
        #expect(events.last?.location.line == count + 1)
        #expect(notes.contains("50 events without a time or session ids were attached to no session (only the last 10,000 are kept)"))
    }

    @Test func anIdlessEventWithinTooManySessionsJoinsNone() {
        for sessions in [200, 300] {
            var lines: [String] = []
            for i in 0..<sessions {
                let job = "AJ_" + String(format: "%012d", i)
                lines.append(Self.line(1 + i % 5, "received job request", #""job_id": "\#(job)", "room": "room-\#(i)""#))
            }
            lines.append(Self.line(10, "worker connection closed unexpectedly"))
            let (report, notes) = Self.run(lines.joined(separator: "\n"))
            #expect(report.sessions.count == sessions)
            let withLoss = report.sessions.filter { s in s.events.contains { if case .connectionLost = $0.kind { true } else { false } } }
            if sessions <= SessionTracker.maxFanOut {
                #expect(withLoss.count == sessions)
                #expect(!notes.contains { $0.contains("fell within") })
            } else {
                #expect(withLoss.isEmpty)
                #expect(notes.contains("1 event without session ids fell within more than 256 sessions at once and was attached to none"))
            }
        }
    }
}
