import Foundation
import Testing

/// `--help` shows each option's default once, as the README documents it.
@Suite struct HelpTextTests {
    /// The help of `command`, its whitespace (ArgumentParser's wrapping) collapsed.
    func help(_ command: String) throws -> String {
        let result = try runLoganalyze([command, "--help"])
        #expect(result.status == 0)
        return result.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    @Test(arguments: ["analyze", "timeline", "report"])
    func defaultsAreShownOnceAndAsDocumented(_ command: String) throws {
        let text = try help(command)
        #expect(text.contains("--tz <tz> Time zone for stamps written without one: UTC, +08:00, or an IANA name such as Europe/Berlin; NAME=ZONE sets it for the inputs named NAME (a file name, a path or a directory) only; repeatable. (default: UTC) --date"))
        #expect(text.contains("results are the same. (default: the number of cores) --split-bytes"))
        #expect(text.contains("--greeting-warning <greeting-warning> slow-greeting warning threshold in seconds. (default: 2.0) --greeting-error"))
        #expect(text.contains("--greeting-error <greeting-error> slow-greeting error threshold in seconds. (default: 5.0) --session-idle"))
    }

    @Test func jobsStillDefaultsToTheCoresAndTakesAValue() throws {
        let result = try runLoganalyze(["analyze", "--jobs", "1", "--output", "json", "Fixtures/clean-interleaved"])
        #expect(result.status == 0)
        let zero = try runLoganalyze(["analyze", "--jobs", "0", "Fixtures/clean-interleaved"])
        #expect(zero.status == 2)
        #expect(zero.stderr == "loganalyze: error: invalid value 0 for --jobs: must be 1 to 256\n")
    }
}
