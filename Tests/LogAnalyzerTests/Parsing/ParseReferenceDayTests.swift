import Testing

/// `loganalyze parse` dates a time-only log as `analyze` does: from the logs of its own
/// directory first (README, `--date`). It took the first date of any input, so a second
/// incident's worker prints were printed a day early (and not as `analyze` reads them).
@Suite struct ParseReferenceDayTests {
    @Test func timeOnlyLinesTakeTheDayOfTheirDirectory() throws {
        let dir = TempDir()
        // (Not byte-identical copies: those are read once.)
        for (name, day, second) in [("day1", 17, "00"), ("day2", 18, "01")] {
            _ = dir.write("\(name)/server.log", "2026-03-\(day)T09:59:50.000Z\tINFO\tlivekit\tservice/server.go:250\tstarting LiveKit server\t{\"nodeID\": \"ND_abcdefabcdef\"}\n")
            _ = dir.write("\(name)/worker-prints.log", "10:00:\(second) - Session created\n")
        }
        let result = try runLoganalyze(["parse", dir.url.path + "/day1", dir.url.path + "/day2"])
        #expect(result.status == 0)
        let times = result.stdout.split(separator: "\n").compactMap { line -> String? in
            guard line.contains("Session created"), let at = line.range(of: #""time":""#) else { return nil }
            return String(line[at.upperBound...].prefix(24))
        }
        #expect(times == ["2026-03-17T10:00:00.000Z", "2026-03-18T10:00:01.000Z"])
    }
}
