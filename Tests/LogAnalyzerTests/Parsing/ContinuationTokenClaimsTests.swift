import Testing

@testable import LogAnalyzer

/// A JWT that only a record's continuation lines hold (Rich folds a long token onto lines of its
/// own; a dev-text traceback's last line carries the 401 body) gives the record its claims, as
/// one on the first line does: they had been read from the first line only, so the rejected
/// token's claims (and the room and participant they name) were lost, and early-token-death
/// could not tell a server-refreshed 10-minute token.
@Suite struct ContinuationTokenClaimsTests {
    @Test(arguments: [[0, 75, 150, 225], [34, 110, 185]])
    func aFoldedRichTokenGivesItsClaims(_ cuts: [Int]) throws {
        let records = parse(RichConsoleTests.foldedTokenLines(secretJWT, cuts: cuts).joined(separator: "\n") + "\n", options: RichConsoleTests.options).records
        try #require(records.count == 2)
        #expect(records[1].token?.subject == "agent-AJ_s3cr3tJobId01")
        #expect(records[1].token?.validitySeconds == 600)
        #expect(records[1].ids.room == "room-s")
    }

    @Test func aTracebacksTokenGivesItsClaims() throws {
        let lines = [
            "2026-03-17 01:09:16,240 - WARNING livekit.agents - failed to connect to livekit, retrying in 0s ",
            "Traceback (most recent call last):",
            "  File \"/app/.venv/lib/python3.12/site-packages/livekit/agents/worker.py\", line 843, in _connection_task",
            "livekit.rtc.ConnectError: client error: 401 Unauthorized - invalid token: \(secretJWT), error: token is expired (exp)",
        ]
        let records = parse(lines.joined(separator: "\n") + "\n").records
        try #require(records.count == 1)
        #expect(records[0].lineCount == 4)
        #expect(records[0].token?.subject == "agent-AJ_s3cr3tJobId01")
        #expect(records[0].token?.expires == 1_765_415_206)
        #expect(records[0].ids.jobId == "AJ_s3cr3tJobId01")
    }
}
