import Foundation
import Testing

@testable import LogAnalyzer

/// Logs exported newest first (`logcli query` without `--forward`, Grafana Explore's default)
/// are read from their last line, with the file's own line numbers.
@Suite struct NewestFirstTests {
    static func findings(_ path: String) -> [String] {
        var sink = DiagnosticSink()
        let report = Analyzer().run([InputDescriptor(path: path)], diagnostics: &sink)
        return report.findings.map { f in
            "\(f.rule) \(f.message) " + f.evidence.map { "\($0.role)@\($0.location.line)" }.joined(separator: ",")
        }
    }

    @Test func aNewestFirstLogGivesTheFindingsOfTheOldestFirstOne() throws {
        let original = try String(contentsOf: PackagePaths.fixtures.appendingPathComponent("incident-real/agent.log"), encoding: .utf8)
        var lines = original.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        let dir = TempDir()
        let forward = dir.write("forward.log", original)
        let backward = dir.write("backward.log", lines.reversed().joined(separator: "\n") + "\n")
        let expected = Self.findings(forward)
        // slow-greeting, auth-expiry-cascade and early-token-death (the agent's refreshed job
        // token, whose 1 h TTL needs no configuration).
        #expect(expected.count == 3)
        // The same findings; evidence at the same lines of the reversed file (n + 1 - k).
        let n = lines.count
        let mapped = expected.map { f in
            f.replacing(/@(\d+)/) { m in "@\(n + 1 - Int(m.1)!)" }
        }
        #expect(Self.findings(backward) == mapped)
        // Cut in pieces or not.
        var analyzer = Analyzer()
        analyzer.jobs = 2
        analyzer.splitBytes = 1024
        var sink = DiagnosticSink()
        let split = analyzer.run([InputDescriptor(path: backward)], diagnostics: &sink)
        #expect(split.findings.count == 3)
        #expect(sink.lines.contains { $0.hasSuffix("backward.log: note: records run newest first (logcli's and Grafana's default order): read from the last line to the first") })
    }

    /// Rotated logs concatenated newest file first run forwards inside each part: not reversed.
    @Test func filesConcatenatedInTheWrongOrderAreReadForwards() throws {
        func line(_ minute: Int, _ second: Int) -> String {
            #"{"message": "tick", "level": "INFO", "name": "agent", "timestamp": "2026-03-17T10:\#(minute):\#(String(format: "%02d", second)).000000+00:00"}"#
        }
        let newer = (0..<20).map { line(30, $0) }
        let older = (0..<20).map { line(10, $0) }
        let dir = TempDir()
        let path = dir.write("cat.log", (newer + older).joined(separator: "\n") + "\n")
        #expect(!NewestFirst.isNewestFirst(InputDescriptor(path: path), options: IngestOptions()))
        let reversed = dir.write("rev.log", (newer + older).reversed().joined(separator: "\n") + "\n")
        #expect(!NewestFirst.isNewestFirst(InputDescriptor(path: reversed), options: IngestOptions()))
        let backwards = dir.write("back.log", (older + newer).reversed().joined(separator: "\n") + "\n")
        #expect(NewestFirst.isNewestFirst(InputDescriptor(path: backwards), options: IngestOptions()))
    }

    @Test func theReversedSourceGivesTheLinesLastFirst() throws {
        var rng = SystemRandomNumberGenerator()
        for trial in 0..<30 {
            var lines: [String] = []
            for _ in 0..<Int.random(in: 1...200, using: &rng) {
                let length = Int.random(in: 0...10, using: &rng) == 0 ? Int.random(in: 3000...9000, using: &rng) : Int.random(in: 0...80, using: &rng)
                lines.append(String(repeating: "x", count: length) + "\(lines.count)")
            }
            let finalNewline = trial % 2 == 0
            let text = lines.joined(separator: "\n") + (finalNewline ? "\n" : "")
            let dir = TempDir()
            let path = dir.write("f.log", text)
            let fd = open(path, O_RDONLY)
            defer { close(fd) }
            var source = ReversedLineSource(fd: fd, size: Int64(text.utf8.count), maxLineBytes: 4096)
            var out: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 777)
            while true {
                let n = try buffer.withUnsafeMutableBytes { b in try source.read(into: b) }
                if n == 0 { break }
                out += buffer[0..<n]
            }
            // Lines over 4,096 bytes keep their first 4,097 (the line reader cuts them further).
            let expected = lines.reversed().map { $0.utf8.count > 4097 ? String($0.prefix(4097)) : $0 }.joined(separator: "\n") + "\n"
            #expect(String(decoding: out, as: UTF8.self) == expected, "trial \(trial)")
        }
    }
}
