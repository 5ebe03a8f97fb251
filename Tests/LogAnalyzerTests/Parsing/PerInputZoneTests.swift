import Testing

@testable import LogAnalyzer

/// `--tz NAME=ZONE`: a browser console in the user's local time beside a backend in UTC, each
/// read in its own zone (one `--tz` for every input could read only one of them right).
@Suite struct PerInputZoneTests {
    @Test func eachNamedInputReadsItsOwnZone() throws {
        let dir = TempDir()
        let browser = dir.write("client/browser.log", "00:51:46.668 - Generating initial greeting\n")
        let app = dir.write("app.log", "2026-03-02 00:51:46,000 - INFO app - minted token\n")
        let server = dir.write("server/zap.log", "2026-03-02T00:51:47.000+0100\tINFO\tlivekit\tservice/roommanager.go:411\tstarting RTC session\t{}\n")
        func times(_ arguments: [String]) throws -> [String] {
            let result = try runLoganalyze(["parse", "--date", "2026-03-02"] + arguments + [browser, app, server])
            #expect(result.status == 0)
            return result.stdout.split(separator: "\n").map { line in
                String(line.split(separator: ",").first { $0.hasPrefix("\"time\"") } ?? "")
            }
        }
        // By file name, by directory, and with another default zone; a zone in the stamp wins.
        #expect(try times(["--tz", "browser.log=+01:00"])
            == [#""time":"2026-03-01T23:51:46.668Z""#, #""time":"2026-03-02T00:51:46.000Z""#, #""time":"2026-03-01T23:51:47.000Z""#])
        #expect(try times(["--tz", "-05:00", "--tz", dir.url.path + "/client/=Europe/Berlin"])
            == [#""time":"2026-03-01T23:51:46.668Z""#, #""time":"2026-03-02T05:51:46.000Z""#, #""time":"2026-03-01T23:51:47.000Z""#])
        // `./` and a trailing `/` change nothing.
        #expect(try times(["--tz", "./browser.log=+01:00"]).first == #""time":"2026-03-01T23:51:46.668Z""#)
        // The last name that matches decides.
        #expect(try times(["--tz", "client=+02:00", "--tz", "browser.log=+01:00"]).first == #""time":"2026-03-01T23:51:46.668Z""#)
    }

    /// A fixture's `expected.json` sets them as `"timeZones": {"name": "zone"}`.
    @Test func aFixtureSetsThemInItsOptions() throws {
        let dir = TempDir()
        dir.write("f/app.log", "2026-03-02 01:00:00,000 - INFO app - received job request {\"job_id\": \"AJ_x\", \"room\": \"r1\"}\n")
        dir.write("f/expected.json", #"{"options": {"timeZones": {"app.log": "+01:00"}}, "findings": []}"#)
        let result = FixtureCheck.run(dir: dir.url.path + "/f")
        #expect(result.brokenReason == nil)
        #expect(result.report?.sessions.first?.start?.iso8601 == "2026-03-02T00:00:00.000Z")
        dir.write("g/app.log", "2026-03-02 01:00:00,000 - INFO app - x\n")
        dir.write("g/expected.json", #"{"options": {"timeZones": {"app.log": "Mars/Olympus"}}, "findings": []}"#)
        #expect(FixtureCheck.run(dir: dir.url.path + "/g").brokenReason == dir.url.path + "/g: unknown timeZones entry 'app.log'")
    }

    @Test func aNameThatMatchesNoInputIsReportedAndABadValueRefused() throws {
        let dir = TempDir()
        let app = dir.write("app.log", "2026-03-02 00:51:46,000 - INFO app - x\n")
        let typo = try runLoganalyze(["parse", "--tz", "brwser.log=+01:00", app])
        #expect(typo.status == 0)
        #expect(typo.stderr == "brwser.log: warning: --tz brwser.log=…: no input is named so; its zone applies to none\n")
        let bad = try runLoganalyze(["analyze", "--tz", "app.log=Mars/Olympus", app])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("invalid value 'app.log=Mars/Olympus' for --tz"))
        #expect(try runLoganalyze(["analyze", "--tz", "=+01:00", app]).status == 2)
    }
}
