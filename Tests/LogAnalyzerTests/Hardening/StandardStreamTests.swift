import Foundation
import Testing

@testable import LogAnalyzer

/// Standard output on a full disk or closed: the run says so and exits 2, never a cut report with
/// the exit code of a whole one. Standard input closed: `-` cannot be read, and no file opened
/// later is read in its place.
@Suite struct StandardStreamTests {
    static let fixture = "Fixtures/incident-real"

    /// Runs the binary through `/bin/sh` with `redirections` (`>/dev/full`, `<&-`); stderr is
    /// captured, stdout is what the redirections make it (else discarded).
    func run(_ arguments: [String], redirections: String) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "exec \"$0\" \"$@\" \(redirections)", PackagePaths.binary.path] + arguments
        process.currentDirectoryURL = PackagePaths.root
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        let err = Pipe()
        process.standardError = err
        try process.run()
        let data = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static let commands: [[String]] = [
        ["analyze", fixture], ["analyze", "--output", "json", fixture], ["analyze", "--output", "sarif", fixture],
        ["timeline", fixture], ["timeline", "--session", "RM_Xq7bT2mNw4Lp", fixture], ["parse", fixture],
        ["report", "--output", "html", fixture], ["check", fixture], ["formats"],
    ]

    @Test(arguments: commands)
    func aFullDiskForTheOutputIsAnErrorAndExitsTwo(_ arguments: [String]) throws {
        let result = try run(arguments, redirections: ">/dev/full")
        #expect(result.status == 2)
        #expect(result.stderr == "loganalyze: error: cannot write the output: No space left on device\n")
    }

    @Test(arguments: commands)
    func aClosedStandardOutputIsAnErrorAndExitsTwo(_ arguments: [String]) throws {
        let result = try run(arguments, redirections: ">&-")
        #expect(result.status == 2)
        #expect(result.stderr == "loganalyze: error: cannot write the output: Bad file descriptor\n")
    }

    /// With standard input closed, the log named first took descriptor 0: `-` read it again, or
    /// read nothing and was called empty, and `timeline --session -` copied its own spool file.
    @Test(arguments: [
        (["analyze", "Fixtures/incident-real/server.log", "-"], Int32(1)),
        (["parse", "Fixtures/incident-real/server.log", "-"], Int32(0)),
        (["timeline", "--session", "RM_Xq7bT2mNw4Lp", "-"], Int32(2)),
    ])
    func aClosedStandardInputIsAnInputThatCannotBeRead(_ arguments: [String], status: Int32) throws {
        let result = try run(arguments, redirections: "<&-")
        #expect(result.status == status)
        #expect(result.stderr.split(separator: "\n").last == "-: error: cannot read: read failed: Bad file descriptor")
    }

    /// `timeline --session X -` with standard input closed: the read error alone. It had first
    /// noted that the input would be "read once, keeping the session's lines in memory", a
    /// fallback for a missing temporary directory that a read error never reaches.
    @Test func timelineOfAClosedStandardInputSaysOnlyThatItCannotBeRead() throws {
        let result = try run(["timeline", "--session", "RM_Xq7bT2mNw4Lp", "-"], redirections: "<&-")
        #expect(result.status == 2)
        #expect(result.stderr == "-: error: cannot read: read failed: Bad file descriptor\n")
    }
}
