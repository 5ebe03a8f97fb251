import Testing

@testable import LogAnalyzer

/// A worker whose registration is rejected (401) while none of its sessions is active (after
/// its last job: the API secret rotated under a running worker) is reported in a session of its
/// own; such rejections had joined no session and no finding was made (exit 0 in CI).
@Suite struct OrphanRegistrationTests {
    static func line(_ message: String, _ at: String, extras: String = "") -> String {
        #"{"message": "\#(message)", "level": "INFO", "name": "livekit.agents", \#(extras)"timestamp": "2026-03-02T\#(at)+00:00"}"#
    }

    static let job = [
        line("registered worker", "10:00:00.000000", extras: #""id": "AW_ZNrFd8xmr2X9", "#),
        line("received job request", "10:00:01.000000", extras: #""job_id": "AJ_aaaaaaaaaaaa", "room": "r1", "#),
        line("Generating initial greeting", "10:00:02.000000", extras: #""pid": 5, "job_id": "AJ_aaaaaaaaaaaa", "room": "r1", "#),
        line("process exiting", "10:05:00.000000", extras: #""pid": 5, "job_id": "AJ_aaaaaaaaaaaa", "room": "r1", "#),
    ]

    static func rejected(_ at: String) -> String {
        #"{"message": "failed to connect to livekit, retrying in 2s", "level": "WARNING", "name": "livekit.agents", "error": "Unauthorized: 401 invalid API key: APIabc", "timestamp": "2026-03-02T\#(at)+00:00"}"#
    }

    @Test func aRejectionAfterTheLastJobIsReported() throws {
        // An hour later (after the session was finalised as idle) and 3.5 min later (at the end of the run).
        for tail in [[Self.rejected("11:00:01.000000"), Self.rejected("11:00:03.000000")], [Self.rejected("10:08:30.000000")]] {
            let report = analyze(log: (Self.job + tail).joined(separator: "\n"))
            #expect(report.sessionCount == 2)
            let findings = report.findings.filter { $0.rule == "auth-credentials" }
            #expect(findings.count == 1)
            #expect(findings.first?.sessionKey == "(no session ids)")
            #expect(findings.first?.evidence.first?.location.line == 5)
        }
    }

    /// While jobs run, the rejection is still the worker's alone: it had joined every session
    /// active then (two running jobs, two findings of one rejected registration), though their
    /// rooms keep their own connections.
    @Test func aRejectionWhileJobsRunIsTheWorkersAlone() throws {
        let second = [
            Self.line("received job request", "10:00:01.500000", extras: #""job_id": "AJ_bbbbbbbbbbbb", "room": "r2", "#),
            Self.line("Generating initial greeting", "10:00:02.500000", extras: #""pid": 6, "job_id": "AJ_bbbbbbbbbbbb", "room": "r2", "#),
        ]
        var lines = Self.job
        lines.insert(contentsOf: second, at: 3)
        lines.insert(contentsOf: [Self.rejected("10:03:00.000000"), Self.rejected("10:03:02.000000")], at: 5)
        lines.append(Self.line("process exiting", "10:05:01.000000", extras: #""pid": 6, "job_id": "AJ_bbbbbbbbbbbb", "room": "r2", "#))
        let report = analyze(log: lines.joined(separator: "\n"))
        #expect(report.sessions.map { "\($0.key): \(report.findings(of: $0).map(\.rule))" } == [
            "r1: []", "r2: []", "(no session ids): [\"auth-credentials\"]",
        ])
        let finding = try #require(report.findings.first)
        #expect(finding.evidence.map(\.location.line) == [6])
        #expect(finding.values.first?.0 == "failures")
        #expect(finding.values.first?.1 == .integer(2))
    }

    /// The rejections' session has an order of its own: the session of the run's last record
    /// (here a job request 30 min later, in another log) had the same one and was listed with
    /// the rejection's finding.
    @Test func theRejectionsSessionDoesNotShareTheLastSessionsFindings() throws {
        let dir = TempDir()
        let worker = dir.write("worker.log", (Self.job + [Self.rejected("11:00:01.000000"), Self.rejected("11:00:03.000000")]).joined(separator: "\n") + "\n")
        let later = dir.write("z.log", Self.line("received job request", "11:30:00.000000", extras: #""job_id": "AJ_cccccccccccc", "room": "r9", "#) + "\n")
        let report = analyze([worker, later])
        #expect(report.sessions.map { "\($0.key): \(report.findings(of: $0).map(\.rule))" } == [
            "r1: []", "r9: []", "(no session ids): [\"auth-credentials\"]",
        ])
        #expect(Set(report.sessions.map(\.order)).count == 3)
    }
}
