import Foundation
import Testing

/// `timeline --session X -` reads standard input twice through a temporary copy, so it holds one
/// session's lines, as it does for files, and prints what it prints for the same file.
@Suite struct TimelineStdinTests {
    static let path = "Fixtures/incident-real/agent.log"

    @Test func aPipedLogGivesTheFilesTimeline() throws {
        let data = try Data(contentsOf: PackagePaths.root.appendingPathComponent(Self.path))
        let fromFile = try runLoganalyze(["timeline", "--session", "AJ_p9KdW3xYzQ2r", Self.path])
        let fromPipe = try runLoganalyze(["timeline", "--session", "AJ_p9KdW3xYzQ2r", "-"], stdin: data)
        #expect(fromFile.status == 0 && fromPipe.status == 0)
        #expect(fromPipe.stderr == "")
        #expect(fromPipe.stdout.split(separator: "\n").count == 44)
        #expect(fromPipe.stdout == fromFile.stdout.replacingOccurrences(of: Self.path + ":", with: "-:"))
    }

    @Test func withoutATemporaryFileEveryLineIsKept() throws {
        let data = try Data(contentsOf: PackagePaths.root.appendingPathComponent(Self.path))
        let result = try runLoganalyze(
            ["timeline", "--session", "AJ_p9KdW3xYzQ2r", "-"], stdin: data, environment: ["TMPDIR": "/nonexistent-loganalyze-dir"])
        #expect(result.status == 0)
        #expect(result.stderr.hasPrefix("-: note: cannot make a temporary file in /nonexistent-loganalyze-dir: No such file or directory; every line of standard input is kept in memory"))
        #expect(result.stdout.contains("AJ_p9KdW3xYzQ2r"))
    }
}
