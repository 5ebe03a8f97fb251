import Foundation
import Synchronization
import Testing

@testable import LogAnalyzer

/// Counts the records of one input without keeping them (large inputs).
func countRecords(_ path: String, options: IngestOptions = IngestOptions()) -> (records: Int, last: LogRecord?, diagnostics: DiagnosticSink) {
    var diagnostics = DiagnosticSink(keepPerKind: 5)
    var count = 0
    var last: LogRecord?
    Ingestor.read(InputDescriptor(path: path), index: 0, options: options, referenceDay: nil, diagnostics: &diagnostics) {
        count += 1
        last = $0
    }
    return (count, last, diagnostics)
}

/// A deterministic byte generator (xorshift), so failures reproduce.
struct XorShift {
    var state: UInt64
    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
}

@Suite struct HostileInputTests {
    @Test func randomBytesDoNotStopTheLinesAroundThem() {
        var rng = XorShift(state: 0x9E37_79B9_7F4A_7C15)
        var data = Data("00:00:01 - before\n".utf8)
        for _ in 0..<(1 << 17) {
            var word = rng.next()
            withUnsafeBytes(of: &word) { data.append(contentsOf: $0) }
        }
        data.append(contentsOf: Array("\n00:00:02 - after\n".utf8))
        let result = parse(data: data)
        #expect(result.records.first?.message == "before")
        #expect(result.records.last?.message == "after")
        #expect(result.diagnostics.count(kind: "binary-line") > 0)
        #expect(result.diagnostics.kept.allSatisfy { $0.severity == .warning })
    }

    @Test func aHundredMegabyteLineIsCutAndTheNextLineKept() throws {
        let dir = TempDir()
        var data = Data("00:00:01 - ".utf8)
        data.append(Data(repeating: UInt8(ascii: "x"), count: 100 << 20))
        data.append(contentsOf: Array("\n00:00:02 - after\n".utf8))
        let path = dir.write("big.log", data)
        let result = countRecords(path)
        #expect(result.records == 2)
        #expect(result.last?.message == "after")
        #expect(result.last?.line == 2)
        #expect(result.diagnostics.kept.map(\.rendered) == ["\(path):1: warning: line longer than 1048576 bytes; cut to that length"])
    }

    @Test func aLineCutInsideACharacterEndsBeforeIt() throws {
        let dir = TempDir()
        // 11 bytes, then two-byte characters: the cut at 64 bytes falls inside the 27th.
        let path = dir.write("accents.log", Data(("00:00:01 - " + String(repeating: "é", count: 40) + "\n00:00:02 - after\n").utf8))
        var options = IngestOptions()
        options.maxLineBytes = 64
        var diagnostics = DiagnosticSink(keepPerKind: 5)
        var records: [LogRecord] = []
        Ingestor.read(InputDescriptor(path: path), index: 0, options: options, referenceDay: nil, diagnostics: &diagnostics) { records.append($0) }
        #expect(records.map(\.message) == [String(repeating: "é", count: 26), "after"])
        #expect(diagnostics.kept.map(\.rendered) == ["\(path):1: warning: line longer than 64 bytes; cut to that length"])
    }

    @Test func tenMillionTinyLinesAreAllRecords() throws {
        let dir = TempDir()
        let path = dir.write("tiny.log", Data(String(repeating: "a\n", count: 10_000_000).utf8))
        let result = countRecords(path)
        #expect(result.records == 10_000_000)
        #expect(result.last?.line == 10_000_000)
        #expect(result.diagnostics.lines.isEmpty)
    }

    @Test func jsonNestedAHundredThousandDeepIsAPlainLine() {
        let deep = String(repeating: "{\"a\":", count: 100_000) + "1" + String(repeating: "}", count: 100_000)
        let result = parse(deep + "\n00:00:02 - after\n")
        #expect(result.records.count == 2)
        #expect(result.records[0].format == .plain)
        #expect(result.records[1].message == "after")
        #expect(result.diagnostics.kept.map(\.message) == ["JSON nested deeper than 256 levels; kept as a plain line"])
    }

    @Test func tenThousandDigitNumbersStayText() throws {
        let digits = String(repeating: "9", count: 10_000)
        let line = "{\"message\": \"m\", \"level\": \"INFO\", \"name\": \"n\", \"pid\": \(digits), \"ttft\": \(digits).5, \"timestamp\": \"2026-01-01T00:00:00+00:00\"}"
        let r = record(line)
        #expect(r.format == .agentsJSON)
        #expect(r.ids.pid == nil)
        #expect(r.field("pid") == .number(digits))
        let ndjson = RecordRenderer(paths: ["x"]).ndjson(r)
        #expect(ndjson.contains("\"pid\":\(digits),"))
        // A metrics line with an absurd number does not trap either.
        let metrics = analyze(log: line.replacingOccurrences(of: "\"m\"", with: "\"LLM metrics\""))
        #expect(metrics.findings.isEmpty)
    }

    @Test func parseOutputNeverCarriesRawControlBytes() {
        // A key with a raw BEL and an escape, a scalar with a raw DEL, a string with a raw BS.
        let line = "{\"message\": \"m\", \"level\": \"INFO\", \"name\": \"n\", \"k\u{07}\\u0041\": 1, \"n\": 2\u{7F}, "
            + "\"s\": \"a\u{08}b\", \"api\\u005fkey\": \"sk-live\", \"timestamp\": \"2026-01-01T00:00:00+00:00\"}"
        let r = record(line)
        #expect(r.format == .agentsJSON)
        #expect(r.fields.members.map(\.0) == ["k\u{07}A", "n", "s", "api_key"])
        let ndjson = RecordRenderer(paths: ["x"]).ndjson(r)
        #expect(!ndjson.utf8.dropLast().contains { $0 < 0x20 || $0 == 0x7F })
        #expect(ndjson.hasSuffix(",\"fields\":{\"k\\u0007A\":1,\"n\":2,\"s\":\"a\\u0008b\",\"api_key\":\"[redacted]\"}}\n"))
    }

    @Test func gzipBombsAreCappedAndTheRecordsBeforeTheCapKept() throws {
        let bomb = try gzip(Data(String(repeating: "a\n", count: 25_000_000).utf8))
        #expect(bomb.count < 200_000)
        let dir = TempDir()
        let path = dir.write("bomb.log.gz", bomb)
        var options = IngestOptions()
        options.maxDecompressedBytes = 1 << 20
        let result = countRecords(path, options: options)
        #expect(result.records == 524_288)
        #expect(result.diagnostics.kept.map(\.message) == [
            "gzip output capped at 1,048,576 bytes (a gzip bomb?); the rest is skipped; the 524,288 lines before it are kept"
        ])
    }

    /// An xz, bzip2, zstd or zip file among the logs (each starts with its format's magic number;
    /// the rest does not matter): it was read as text, several "NUL bytes"/"invalid UTF-8"
    /// warnings and garbage records; now one error naming the format, and the other file read.
    @Test(arguments: [
        ([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00, 0x00, 0x04, 0xE6, 0xD6], "xz compressed data: only gzip is decompressed (read it as `xzcat FILE | loganalyze -`)"),
        ([0x42, 0x5A, 0x68, 0x39, 0x31, 0x41, 0x59, 0x26, 0x53, 0x59], "bzip2 compressed data: only gzip is decompressed (read it as `bzcat FILE | loganalyze -`)"),
        ([0x28, 0xB5, 0x2F, 0xFD, 0x04, 0x58, 0x0A, 0x41, 0x00, 0x0A], "zstd compressed data: only gzip is decompressed (read it as `zstdcat FILE | loganalyze -`)"),
        ([0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x0A, 0x00, 0x00, 0x00], "zip archive: only gzip is decompressed (read it as `unzip -p FILE | loganalyze -`)"),
    ] as [([UInt8], String)])
    func compressedFilesOtherThanGzipGetOneErrorNamingTheFormat(head: [UInt8], message: String) throws {
        let dir = TempDir()
        dir.write("logs/agent.log", "00:00:01 - Generating initial greeting\n00:00:02 - Voice agent running\n")
        dir.write("logs/old.log", Data(head + Array("garbage\n\u{0}\u{1}\u{FF}\n".utf8)))
        let result = try runLoganalyze(["analyze", "--output", "json", dir.url.path + "/logs"])
        #expect(result.status == 0)
        #expect(result.stderr == "\(dir.url.path)/logs/old.log: error: cannot read: \(message)\n")
        #expect(result.stdout.contains("\"records\": 2"))
        let piped = try runLoganalyze(["parse", "-"], stdin: Data(head))
        #expect(piped.status == 2)
        // (The command to read it with names the subcommand that was run.)
        #expect(piped.stderr == "-: error: cannot read: \(message.replacingOccurrences(of: "| loganalyze -", with: "| loganalyze parse -"))\n")
    }

    @Test func aDanglingLinkInADirectoryIsReportedAndTheOtherFilesRead() throws {
        let dir = TempDir()
        dir.write("logs/agent.log", "00:00:01 - Generating initial greeting\n00:00:02 - Voice agent running\n")
        try FileManager.default.createSymbolicLink(atPath: dir.url.path + "/logs/gone.log", withDestinationPath: dir.url.path + "/nowhere.log")
        let result = try runLoganalyze(["analyze", "--output", "json", dir.url.path + "/logs"])
        #expect(result.status == 0)
        #expect(result.stderr == "\(dir.url.path)/logs/gone.log: error: cannot read: No such file or directory\n")
        #expect(result.stdout.contains("\"records\": 2"))
    }

    /// `parse` reads no config: a file named on its command line is printed whatever its name
    /// (it had exited 2 without a word for `parse export.json`); a config found in a directory
    /// is still left out.
    @Test func parsePrintsANamedFileWhateverItsName() throws {
        let dir = TempDir()
        let named = dir.write("export.json", "{\"token_ttl_hours\": 2, \"note\": \"signal connected\"}\n")
        dir.write("logs/config.json", "{\"token_ttl_hours\": 2}\n")
        dir.write("logs/agent.log", "00:00:01 - a\n")
        let result = try runLoganalyze(["parse", named])
        #expect(result.status == 0)
        #expect(result.stdout.split(separator: "\n").count == 1)
        #expect(result.stdout.contains(#""line":1,"format":"json""#))
        let walked = try runLoganalyze(["parse", dir.url.path + "/logs"])
        #expect(walked.status == 0)
        #expect(walked.stdout.split(separator: "\n").count == 1)
        #expect(walked.stdout.contains("\"message\":\"a\""))
    }

    @Test func aNamedFIFOIsReadAndAFIFOInADirectoryIsSkipped() throws {
        let dir = TempDir()
        let fifo = dir.url.path + "/live.log"
        #expect(mkfifo(fifo, 0o600) == 0)
        let writer = Thread {
            let handle = FileHandle(forWritingAtPath: fifo)!
            handle.write(Data("00:00:01 - from the pipe\n".utf8))
            try? handle.close()
        }
        writer.start()
        let named = try runLoganalyze(["parse", fifo])
        #expect(named.status == 0)
        #expect(named.stdout.contains("\"message\":\"from the pipe\""))
        dir.write("agent.log", "00:00:01 - a\n")
        let walked = try runLoganalyze(["parse", dir.url.path])
        #expect(walked.status == 0)
        #expect(walked.stderr == "\(fifo): warning: skipped: a FIFO is read only when named on the command line\n")
        #expect(walked.stdout.split(separator: "\n").count == 1)
    }

    /// `timeline --session` reads a file twice (the session, then its lines); a named pipe can be
    /// read once: it is copied to a temporary file first, so that its timeline is the file's.
    /// (Opening the pipe again would wait for a writer forever: the poller below plays that
    /// writer, so that a second open fails the test instead of hanging it.)
    @Test func aSessionTimelineOfANamedPipeIsTheFilesTimeline() throws {
        let dir = TempDir()
        let log = try Data(contentsOf: PackagePaths.fixtures.appendingPathComponent("incident-real/agent.log"))
        dir.write("file/agent.log", String(decoding: log, as: UTF8.self))
        try FileManager.default.createDirectory(atPath: dir.url.path + "/pipe", withIntermediateDirectories: true)
        let fifo = dir.url.path + "/pipe/agent.log"
        #expect(mkfifo(fifo, 0o600) == 0)
        let done = Atomic<Bool>(false)
        let writer = Thread {
            let handle = FileHandle(forWritingAtPath: fifo)!
            handle.write(log)
            try? handle.close()
            // A second reader of the pipe gets an end of file at once.
            while !done.load(ordering: .relaxed) {
                let fd = open(fifo, O_WRONLY | O_NONBLOCK)
                if fd >= 0 { close(fd) }
                usleep(20_000)
            }
        }
        writer.start()
        let piped = try runLoganalyze(["timeline", "--session", "AJ_p9KdW3xYzQ2r", fifo])
        done.store(true, ordering: .relaxed)
        let file = try runLoganalyze(["timeline", "--session", "AJ_p9KdW3xYzQ2r", dir.url.path + "/file/agent.log"])
        #expect(piped.status == 0)
        #expect(piped.stderr == "")
        let lines = piped.stdout.split(separator: "\n")
        #expect(lines.filter { $0.contains("resuming connection failed: client error: 401 Unauthorized") }.count == 5)
        #expect(lines.filter { $0.contains("/pipe/agent.log:") }.count == 43)
        #expect(piped.stdout.replacingOccurrences(of: "/pipe/agent.log:", with: "/file/agent.log:") == file.stdout)
    }

    /// A settings file the tool looks for (a fixture's `expected.json`, `.loganalyze.json` in the
    /// working directory) that is a FIFO is refused with its reason: opening it waited for a
    /// writer forever. (The poller plays a writer, so that an open fails the test instead of
    /// hanging it.)
    @Test func aFIFOWhereASettingsFileIsLookedForIsRefusedNotWaitedOn() throws {
        let dir = TempDir()
        let fixture = try copyFixture("incident-real", into: dir)
        let expected = fixture + "/expected.json"
        try FileManager.default.removeItem(atPath: expected)
        #expect(mkfifo(expected, 0o600) == 0)
        let project = dir.url.path + "/.loganalyze.json"
        #expect(mkfifo(project, 0o600) == 0)
        let done = Atomic<Bool>(false)
        let opened = Atomic<Int>(0)
        let writer = Thread {
            while !done.load(ordering: .relaxed) {
                for fifo in [expected, project] {
                    let fd = open(fifo, O_WRONLY | O_NONBLOCK)
                    if fd >= 0 {
                        opened.add(1, ordering: .relaxed)
                        close(fd)
                    }
                }
                usleep(200_000)
            }
        }
        writer.start()
        let check = try runLoganalyze(["check", fixture])
        let analyze = try runLoganalyze(["analyze", fixture], cwd: dir.url)
        done.store(true, ordering: .relaxed)
        #expect(opened.load(ordering: .relaxed) == 0)
        #expect(check.status == 2)
        #expect(check.stdout.contains("BROKEN \(fixture): \(expected): cannot read the expectations file: not a regular file\n"))
        #expect(analyze.status == 1)
        #expect(analyze.stderr == ".loganalyze.json: warning: cannot read: not a regular file; ignored\n")
    }

    @Test func timestampsAtTheEdgesOfTheCalendar() {
        #expect(record(#"{"message": "m", "level": "INFO", "name": "n", "timestamp": "9999-12-31T23:59:59.999999+00:00"}"#).time?.iso8601 == "9999-12-31T23:59:59.999Z")
        #expect(record(#"{"message": "m", "level": "INFO", "name": "n", "timestamp": "1970-01-01T00:00:00+00:00"}"#).time?.iso8601 == "1970-01-01T00:00:00.000Z")
        #expect(record(#"{"level":30,"time":0,"msg":"epoch"}"#).time?.iso8601 == "1970-01-01T00:00:00.000Z")
        #expect(record(#"{"level":30,"time":99999999999999999999,"msg":"far"}"#).time == nil)
        #expect(record("9999-12-31T23:59:59.999Z\tINFO\tlivekit\tservice/a.go:1\tend of time\t{}").time?.iso8601 == "9999-12-31T23:59:59.999Z")
    }

    @Test func aMillionDistinctSessionsKeepStateBounded() throws {
        let dir = TempDir()
        var text = ""
        text.reserveCapacity(140_000_000)
        for i in 0..<1_000_000 {
            let day = 1 + i / 86_400
            let s = i % 86_400
            text += "2026-01-\(pad(day, 2))T\(pad(s / 3600, 2)):\(pad(s / 60 % 60, 2)):\(pad(s % 60, 2)).000Z\tINFO\tlivekit\tservice/roommanager.go:1\tstarting RTC session\t{\"room\": \"r\(i)\", \"roomID\": \"RM_\(pad(i, 12))\"}\n"
        }
        let path = dir.write("server.log", text)
        text = ""
        var diagnostics = DiagnosticSink()
        let report = Analyzer().run([InputDescriptor(path: path)], diagnostics: &diagnostics)
        #expect(report.sessionCount == 1_000_000)
        #expect(report.sessions.count == 100_000)
        // The listed summaries live in the spool file, and come back in reading order.
        #expect(report.sessions.spooledBytes > 0)
        #expect(report.sessions[0].key == "r0/RM_000000000000")
        #expect(report.sessions[99_999].key == "r99999/RM_000000099999")
        #expect(report.sessions[99_999].start?.iso8601 == "2026-01-02T03:46:39.000Z")
        // 30 min of sessions at one a second, plus at most 4,096 new ones between eviction passes.
        #expect(report.peakLiveSessions <= 1_801 + 4_096)
        #expect(diagnostics.lines == [
            "loganalyze: note: sessions idle for 30 min of log time are finalised as the logs are read; lines that come later for them start new sessions",
            "loganalyze: note: 900,000 sessions without findings are counted but not listed (more than 100,000)",
        ])
    }
}

/// Under a low open-file limit (`ulimit -n 64`) every input is still read: fewer are merged at
/// once (624 of 10,000 files had failed with "Too many open files", and the exit code was 0).
@Suite struct FileLimitTests {
    @Test func manyInputsUnderALowFileLimitAreAllRead() throws {
        let dir = TempDir()
        for i in 0..<300 {
            // (All at the same time: merged, not read one after the other.)
            dir.write("s\(i).log", [0, 30].map { minute in
                #"{"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "AJ_\#(i)aaaaaaaaaa", "room": "room-\#(i)", "timestamp": "2026-03-02T10:\#(minute):00+00:00"}"#
            }.joined(separator: "\n") + "\n")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "ulimit -n 64 && exec \"$0\" analyze --output json \"$1\"", PackagePaths.binary.path, dir.url.path]
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(!String(decoding: stderr, as: UTF8.self).contains("error"))
        let doc = try #require(parseJSON(String(decoding: stdout, as: UTF8.self)))
        #expect(doc["summary"]?["sessions"]?.doubleValue == 300)
    }
}
