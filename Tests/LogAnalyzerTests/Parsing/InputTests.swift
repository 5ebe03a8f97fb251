import Foundation
import Testing

@testable import LogAnalyzer

/// gzip-compresses `data` with the system gzip.
func gzip(_ data: Data) throws -> Data {
    let dir = TempDir()
    let path = dir.write("x", data)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/gzip")
    process.arguments = ["-kf", path]
    try process.run()
    process.waitUntilExit()
    return try Data(contentsOf: URL(fileURLWithPath: path + ".gz"))
}

let sampleLines = (1...2000).map { i in
    "{\"message\": \"line \(i)\", \"level\": \"INFO\", \"name\": \"agent\", \"pid\": 7, \"job_id\": \"AJ_aaaaaaaaaaaa\", \"timestamp\": \"2025-12-11T00:51:46.000000+00:00\"}"
}.joined(separator: "\n") + "\n"

@Suite struct InputTests {
    @Test func emptyFileGivesNoRecordsAndANote() {
        let result = parse("")
        #expect(result.records.isEmpty)
        #expect(result.diagnostics.lines.map { $0.split(separator: "/").last.map(String.init) } == ["input.log: note: empty: nothing to read"])
    }

    @Test func lastLineWithoutNewlineIsKept() {
        let result = parse("00:00:01 - a\n00:00:02 - b")
        #expect(result.records.map(\.message) == ["a", "b"])
    }

    @Test func crlfLineEndingsAreRemoved() {
        let result = parse("00:00:01 - a\r\n00:00:02 - b\r\n")
        #expect(result.records.map(\.message) == ["a", "b"])
    }

    @Test func invalidUTF8IsReplacedAndReported() {
        var data = Data("00:00:01 - bad ".utf8)
        data.append(contentsOf: [0xC3, 0x28, 0xFF])
        data.append(contentsOf: Array("\n00:00:02 - good\n".utf8))
        let result = parse(data: data)
        #expect(result.records.count == 2)
        #expect(result.records[0].message == "bad \u{FFFD}(\u{FFFD}")
        #expect(result.records[1].message == "good")
        #expect(result.diagnostics.kept.map(\.rendered).contains { $0.hasSuffix("input.log:1: warning: invalid UTF-8; bad bytes shown as U+FFFD") })
    }

    @Test func nulLinesAreSkippedWithADiagnosticAndTheRestIsKept() {
        var data = Data("00:00:01 - a\n".utf8)
        data.append(contentsOf: [0x00, 0x01, 0x02, 0xFE, 0x0A])
        data.append(contentsOf: Array("00:00:02 - b\n".utf8))
        let result = parse(data: data)
        #expect(result.records.map(\.message) == ["a", "b"])
        #expect(result.diagnostics.count(kind: "binary-line") == 1)
    }

    @Test func overLongLinesAreCutWithADiagnostic() {
        var options = IngestOptions()
        options.maxLineBytes = 1024
        let long = "00:00:01 - " + String(repeating: "x", count: 5000)
        let result = parse(long + "\n00:00:02 - after\n", options: options)
        #expect(result.records.count == 2)
        #expect(result.records[0].message.utf8.count == 1024 - 11)
        #expect(result.records[1].message == "after")
        #expect(result.records[1].line == 2)
        #expect(result.diagnostics.count(kind: "long-line") == 1)
    }

    @Test func smallChunksDoNotSplitRecords() throws {
        // A line reader with a tiny buffer must still deliver whole lines.
        let reader = LineReader(source: PrefixedSource(prefix: Array(sampleLines.utf8), inner: EmptySource()), maxLineBytes: 64, chunkBytes: 4096)
        var count = 0
        var truncated = 0
        while let (_, _, cut, _) = try reader.next() {
            count += 1
            if cut { truncated += 1 }
        }
        #expect(count == 2000)
        #expect(truncated == 2000)
    }

    @Test func gzipFilesAreReadTransparently() throws {
        let result = parse(data: try gzip(Data(sampleLines.utf8)), name: "agent.log.gz")
        #expect(result.records.count == 2000)
        #expect(result.records.last?.message == "line 2000")
        #expect(result.diagnostics.lines.isEmpty)
    }

    @Test func truncatedGzipKeepsTheRecordsBeforeTheCut() throws {
        let full = try gzip(Data(sampleLines.utf8))
        let cut = full.prefix(full.count / 2)
        let result = parse(data: Data(cut), name: "agent.log.gz")
        #expect(result.records.count > 100)
        #expect(result.records.count < 2000)
        // Every record kept is whole and in order.
        #expect(result.records.enumerated().allSatisfy { $0.element.message.hasPrefix("line ") || $0.offset == result.records.count - 1 })
        #expect(result.diagnostics.kept.map(\.message).contains { $0.hasPrefix("truncated gzip stream") })
    }

    @Test func truncatedSmallGzipKeepsItsRecords() throws {
        // Under 16 KiB inflated: the cut falls inside the first bytes read to sniff the encoding.
        let lines = (1...20).map { i in
            "{\"message\": \"line \(i)\", \"level\": \"INFO\", \"timestamp\": \"2025-12-11T00:51:46.000000+00:00\"}"
        }.joined(separator: "\n") + "\n"
        let full = try gzip(Data(lines.utf8))
        let cut = full.prefix(full.count - 8)  // without the trailer (CRC-32 and size)
        let result = parse(data: Data(cut), name: "agent.log.gz")
        #expect(result.records.count == 20)
        #expect(result.records.last?.message == "line 20")
        #expect(result.diagnostics.kept.map(\.message) == ["truncated gzip stream: the archive ends before its end marker; the 20 lines before it are kept"])
    }

    @Test func aTruncatedGzipOfOneLineSaysItsLineInTheSingular() throws {
        let line = "{\"message\": \"line 1\", \"level\": \"INFO\", \"timestamp\": \"2025-12-11T00:51:46.000000+00:00\"}\n"
        let full = try gzip(Data(line.utf8))
        let result = parse(data: Data(full.prefix(full.count - 8)), name: "agent.log.gz")
        #expect(result.records.count == 1)
        #expect(result.diagnostics.kept.map(\.message) == ["truncated gzip stream: the archive ends before its end marker; the line before it is kept"])
    }

    /// Bytes after the last member: `gzip -d` ignores them ("trailing garbage ignored"; zeros
    /// without a word), and so does the reader, which named a header check before. A second
    /// member is still read (a lone 0x1F after it would be a cut member, as for `gzip -t`).
    @Test func bytesAfterTheGzipDataAreIgnored() throws {
        let full = try gzip(Data(sampleLines.utf8))
        var result = parse(data: full + Data("garbage here\n".utf8), name: "agent.log.gz")
        #expect(result.records.count == 2000)
        #expect(result.diagnostics.kept.map(\.message) == [
            "13 bytes after the end of the gzip data are not gzip (trailing garbage): ignored; the 2,000 lines before it are kept"
        ])
        result = parse(data: full + Data(repeating: 0, count: 300_000), name: "agent.log.gz")
        #expect(result.records.count == 2000)
        #expect(result.diagnostics.lines == [])
        let second = try gzip(Data("{\"message\": \"line 2001\", \"level\": \"INFO\"}\n".utf8))
        result = parse(data: full + second + Data("x".utf8), name: "agent.log.gz")
        #expect(result.records.map(\.message).suffix(2) == ["line 2000", "line 2001"])
        #expect(result.diagnostics.kept.map(\.message) == [
            "1 byte after the end of the gzip data is not gzip (trailing garbage): ignored; the 2,001 lines before it are kept"
        ])
    }

    @Test func unreadablePathIsAnErrorAndOtherInputsStillRun() throws {
        let dir = TempDir()
        let good = dir.write("good.log", "00:00:01 - a\n")
        let result = try runLoganalyze(["parse", dir.url.path + "/missing.log", good])
        #expect(result.status == 0)
        #expect(result.stdout.split(separator: "\n").count == 1)
        #expect(result.stderr == "\(dir.url.path)/missing.log: error: cannot read: No such file or directory\n")
    }

    /// Root opens any directory: then the binary runs as nobody (setpriv).
    @Test(.enabled(if: getuid() != 0 || FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")))
    func aDirectoryThatCannotBeOpenedIsReportedOnce() throws {
        let dir = TempDir()
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir.url.path)
        dir.write("logs/a.log", "00:00:01 - a\n")
        let logs = dir.url.path + "/logs"
        try FileManager.default.setAttributes([.posixPermissions: 0o311], ofItemAtPath: logs)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: logs) }
        let process = Process()
        if getuid() == 0 {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", PackagePaths.binary.path, "analyze", logs]
        } else {
            process.executableURL = PackagePaths.binary
            process.arguments = ["analyze", logs]
        }
        let err = Pipe()
        process.standardError = err
        process.standardOutput = Pipe()
        try process.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 2)
        #expect(stderr == "\(logs): error: cannot open directory: Permission denied\n")
    }

    /// A directory that can be listed but not searched (`chmod a-x`): its logs are reported
    /// unreadable, each on one line, and the directory is not also called empty.
    @Test(.enabled(if: getuid() != 0 || FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")))
    func logsInADirectoryThatCannotBeSearchedAreReported() throws {
        let dir = TempDir()
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir.url.path)
        dir.write("logs/top.log", "00:00:01 - a\n")
        dir.write("logs/sub/a.log", "00:00:02 - b\n")
        dir.write("only/b.log", "00:00:03 - c\n")
        let logs = dir.url.path + "/logs", only = dir.url.path + "/only"
        for path in [logs + "/sub", only] { try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path) }
        defer { for path in [logs + "/sub", only] { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path) } }
        func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
            let process = Process()
            if getuid() == 0 {
                process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
                process.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", PackagePaths.binary.path] + arguments
            } else {
                process.executableURL = PackagePaths.binary
                process.arguments = arguments
            }
            let out = Pipe(), err = Pipe()
            process.standardOutput = out
            process.standardError = err
            try process.run()
            let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return (process.terminationStatus, stdout, stderr)
        }
        let partly = try run(["parse", logs])
        #expect(partly.status == 0)
        #expect(partly.stdout.split(separator: "\n").count == 1)
        #expect(partly.stderr == "\(logs)/sub/a.log: error: cannot read: Permission denied\n")
        let none = try run(["analyze", only])
        #expect(none.status == 2)
        #expect(none.stderr == "\(only)/b.log: error: cannot read: Permission denied\n")
    }

    /// Paths are Strings: a name with bytes that are not UTF-8 reaches them with U+FFFD in their
    /// place and cannot be opened by it. It is reported as such, found in a directory (it had
    /// been left out silently) or named (it had been said not to exist).
    @Test func aLogWhoseNameIsNotUTF8IsReportedAndTheOthersRead() throws {
        let dir = TempDir()
        dir.write("logs/good.log", "00:00:01 - a\n")
        let raw = Array((dir.url.path + "/logs/bad").utf8) + [0x9B, 0x85] + Array("c1.log".utf8) + [0]
        let fd = raw.withUnsafeBytes { open($0.baseAddress!.assumingMemoryBound(to: CChar.self), O_CREAT | O_WRONLY, 0o644) }
        #expect(fd >= 0)
        _ = "00:00:02 - b\n".withCString { write(fd, $0, 13) }
        close(fd)
        let shown = dir.url.path + "/logs/bad\u{FFFD}\u{FFFD}c1.log"
        let found = try runLoganalyze(["parse", dir.url.path + "/logs"])
        #expect(found.status == 0)
        #expect(found.stdout.split(separator: "\n").count == 1)
        #expect(found.stderr == "\(shown): error: cannot read: its name has bytes that are not UTF-8 (shown as U+FFFD): rename it to read it\n")
        let named = try runLoganalyze(["parse", shown])
        #expect(named.status == 2)
        #expect(named.stderr == "\(shown): error: cannot read: No such file or directory (a name with bytes that are not UTF-8, shown as U+FFFD, cannot be opened: rename the file)\n")
    }

    /// An empty input says so (it had been read without a word, as if it held a log).
    @Test func anEmptyInputIsANote() throws {
        let dir = TempDir()
        let empty = dir.write("empty.log", "")
        let good = dir.write("good.log", "00:00:01 - a\n")
        for jobs in ["1", "2"] {
            let named = try runLoganalyze(["analyze", "--jobs", jobs, empty, good])
            #expect(named.status == 0)
            #expect(named.stderr == "\(empty): note: empty: nothing to read\n")
            let piped = try runLoganalyze(["analyze", "--jobs", jobs, "-"], stdin: Data())
            #expect(piped.stderr == "-: note: empty: nothing to read\n")
        }
        let parsed = try runLoganalyze(["parse", empty, good])
        #expect(parsed.stdout.split(separator: "\n").count == 1)
        #expect(parsed.stderr == "\(empty): note: empty: nothing to read\n")
    }

    /// A timeline with no session to show says so (it had said `no session matches ` with no
    /// session named); with `--session`, which one it did not find.
    @Test func aTimelineOfNoSessionSaysSo() throws {
        let dir = TempDir()
        let empty = dir.write("empty.log", "")
        #expect(try runLoganalyze(["timeline", empty]).stdout == "no sessions\n")
        #expect(try runLoganalyze(["timeline", "--session", "room-x", empty]).stdout == "no session matches room-x\n")
    }

    @Test func nothingReadableExitsTwo() throws {
        let result = try runLoganalyze(["parse", "/nonexistent/file.log"])
        #expect(result.status == 2)
    }

    @Test func standardInputIsReadLikeAFile() throws {
        let result = try runLoganalyze(["parse", "-"], stdin: Data("00:51:46.668 - Generating initial greeting\n".utf8))
        #expect(result.status == 0)
        #expect(result.stdout == #"{"path":"-","line":1,"format":"app-time","time":null,"level":null,"logger":null,"message":"Generating initial greeting","ids":{},"fields":{}}"# + "\n")
    }

    @Test func directoriesAreSearchedForLogFiles() {
        let dir = TempDir()
        dir.write("a/agent.log", "x\n")
        dir.write("a/b/server.log.1", "y\n")
        dir.write("a/notes.md", "z\n")
        dir.write("a/config.py", "CONFIG = {\"token_ttl_hours\": 2}\n")
        var diagnostics = DiagnosticSink()
        let (inputs, configs) = InputSet.expand([dir.url.path + "/a"], diagnostics: &diagnostics)
        #expect(inputs.map { $0.path.replacingOccurrences(of: dir.url.path, with: "") } == ["/a/agent.log", "/a/b/server.log.1"])
        #expect(configs.map { $0.replacingOccurrences(of: dir.url.path, with: "") } == ["/a/config.py"])
    }

    /// 300 logs of one size (fixed-size rotations, `split -b` pieces; 10,000 such files had taken
    /// minutes, every one compared whole with every earlier one): only files whose first and
    /// last 4 KiB match are compared whole, and a copy is still read once.
    @Test func filesOfOneSizeAreComparedWholeOnlyWhenTheirEndsMatch() {
        let dir = TempDir()
        var paths: [String] = []
        for i in 0..<300 { paths.append(dir.write(String(format: "f%03d.log", i), String(format: "line %03d\n", i))) }
        paths.append(dir.write("copy.log", "line 007\n"))
        var compared: [String] = []
        var diagnostics = DiagnosticSink()
        let kept = InputSet.readOnce(paths.map { InputDescriptor(path: $0) }, diagnostics: &diagnostics) { a, b in
            compared.append("\((a as NSString).lastPathComponent) \((b as NSString).lastPathComponent)")
            return InputSet.sameContent(a, b)
        }
        #expect(kept.count == 300)
        #expect(compared == ["f007.log copy.log"])
        #expect(diagnostics.kept.map(\.message) == ["the same bytes as \(dir.url.path)/f007.log: read once"])
    }

    @Test func secretsAreRedactedInParseOutput() throws {
        let dir = TempDir()
        let path = dir.write("s.log", """
            2025-01-01 00:00:00,000 - INFO app - connecting wss://x.livekit.cloud/rtc?access_token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl&auto_subscribe=1 {"api_secret": "s3cr3tvalue123", "key": "sk-proj-abcdefghijklmnopqrstuv"}

            """)
        let result = try runLoganalyze(["parse", path])
        #expect(!result.stdout.contains("eyJhbGciOiJIUzI1NiJ9"))
        #expect(!result.stdout.contains("s3cr3tvalue123"))
        #expect(!result.stdout.contains("sk-proj-abcdefghijklmnopqrstuv"))
        #expect(result.stdout.contains(#""message":"connecting wss://x.livekit.cloud/rtc?access_token=[redacted-jwt]&auto_subscribe=1""#))
    }

    /// A JWT as a JSON key (an app logging a dict keyed by token), at the top or nested: the
    /// key was written as the line had it.
    @Test func aJWTUsedAsAKeyIsRedactedInParseOutput() throws {
        let dir = TempDir()
        let path = dir.write("k.log", #"""
            {"message": "tokens", "level": "INFO", "name": "app", "\#(secretJWT)": 1, "cache": {"\#(secretJWT)": "room-s", "short": 2}, "timestamp": "2025-12-11T00:51:46.205000+00:00"}

            """#)
        let result = try runLoganalyze(["parse", path])
        #expect(result.stdout.contains(#""fields":{"[redacted-jwt]":1,"cache":{"[redacted-jwt]":"room-s","short":2}}"#))
    }
}
