import Foundation
import Testing

@testable import LogAnalyzer

/// A file read in pieces on several threads (`--jobs`) must give exactly the records, counts and
/// diagnostics of one reader, wherever the pieces are cut.
@Suite struct SplitReadingTests {
    struct Outcome: Equatable {
        var records: [String]
        var stats: InputStats
        var diagnostics: [String]
    }

    static let classifier = EventClassifier(configuration: AnalysisConfiguration())

    /// Everything a record carries that the analysis reads.
    static func describe(_ r: LogRecord) -> String {
        [
            "\(r.input):\(r.line)+\(r.lineCount)", r.format.rawValue, "\(r.time.map { "\($0.micros)/\($0.hasDate)" } ?? "-")",
            r.level?.name ?? "-", r.logger ?? "-", r.message, "\(r.ids)", r.errorText ?? "-", "\(r.token.map { "\($0)" } ?? "-")",
            r.source ?? "-", "\(r.isClassified)", "\(r.event.map { "\($0)" } ?? "-")", r.eventText ?? "-",
            "\(r.fields.members.map { "\($0.0)=\($0.1)" })",
        ].joined(separator: " | ")
    }

    static func sequential(_ path: String, options: IngestOptions = IngestOptions()) -> Outcome {
        var sink = DiagnosticSink()
        let stream = RecordStream(InputDescriptor(path: path), index: 0, options: options, referenceDay: nil, classifier: classifier, diagnostics: &sink)
        var records: [String] = []
        while let r = stream.next(diagnostics: &sink) { records.append(describe(r)) }
        return Outcome(records: records, stats: stream.stats, diagnostics: sink.lines)
    }

    /// Read in pieces, through `ensure`/`consume` (the merge of several inputs) or `drain` (one input).
    static func split(
        _ path: String, pieceBytes: Int, workers: Int = 2, options: IngestOptions = IngestOptions(), drain: Bool = false,
        longestBlock: Int = 64 << 20
    ) -> (Outcome, reparsed: Int)? {
        guard let stream = ChunkedRecordStream.make(
            InputDescriptor(path: path), index: 0, options: options, referenceDay: nil, classifier: classifier, workers: workers,
            pieceBytes: pieceBytes, longestBlock: longestBlock)
        else { return nil }
        var records: [String] = []
        if drain { stream.drain { records.append(describe($0)) } }
        while stream.ensure() {
            let head = stream.headTime
            stream.consume { (r: inout LogRecord) in
                #expect(r.time == head)
                records.append(describe(r))
            }
        }
        var sink = DiagnosticSink()
        sink.merge(stream.diagnostics)
        return (Outcome(records: records, stats: stream.stats, diagnostics: sink.lines), stream.reparsedPieces)
    }

    @Test func everyFixtureLogGivesTheSameRecordsWhereverItIsCut() throws {
        let logs = try FileManager.default.subpathsOfDirectory(atPath: PackagePaths.fixtures.path).filter { $0.hasSuffix(".log") }.sorted()
        #expect(logs.count >= 8)
        for log in logs {
            let path = PackagePaths.fixtures.appendingPathComponent(log).path
            let expected = Self.sequential(path)
            #expect(expected.records.count >= 3, "\(log)")
            for pieceBytes in [1, 97, 600, 4096] {
                for workers in [2, 3] {
                    guard let (outcome, _) = Self.split(path, pieceBytes: pieceBytes, workers: workers, drain: workers == 3) else {
                        // Only files shorter than two pieces are read in line.
                        #expect(expected.stats.bytes < UInt64(2 * pieceBytes), "\(log) \(pieceBytes)")
                        continue
                    }
                    #expect(outcome == expected, "\(log) cut every \(pieceBytes) bytes, \(workers) workers")
                }
            }
        }
    }

    /// Time-only stamps over midnight, chained tracebacks, pino-pretty fields, Loki time lines,
    /// binary, invalid and over-long lines, CRLF and no final newline.
    static let statefulText: Data = {
        var text = ""
        for i in 0..<40 {
            let hour = (22 + i / 10) % 24
            text += String(format: "%02d:%02d:%02d.%03d - Session created for room room-%d\n", hour, i % 60, i % 60, i, i % 3)
            if i % 7 == 0 {
                text += "Traceback (most recent call last):\n  File \"agent.py\", line \(i), in entrypoint\n    await ctx.connect()\n"
                text += "ConnectionError: worker connection closed unexpectedly\n\nDuring handling of the above exception, another exception occurred:\n\n"
                text += "Traceback (most recent call last):\n  File \"agent.py\", line 9, in main\nRuntimeError: giving up\n"
            }
            if i % 9 == 0 { text += "[12:00:0\(i % 10).000] INFO (agent/42): greeting\n    room: \"room-\(i % 3)\"\n    jobId: \"AJ_\(i)\"\r\n" }
            if i % 11 == 0 { text += "2026-03-02T00:00:0\(i % 10).000000Z\n00:00:0\(i % 10) - after a Loki time line\n" }
            if i % 13 == 0 { text += "\u{0}\u{1}binary\n00:00:01 - bad \u{FFFD}\n" }
            if i % 17 == 0 { text += "00:00:02 - " + String(repeating: "x", count: 300) + "\n" }
        }
        text += "00:59:59 - last line without a newline"
        var data = Data(text.utf8)
        // An invalid UTF-8 byte in the middle.
        data.insert(0xFF, at: data.count / 2)
        return data
    }()

    /// Pieces that start inside a traceback, after a time line, … are parsed again by the
    /// parser of the piece before, and the result is the same.
    @Test func statefulTextIsReparsedWhereAPieceStartsInsideARecord() throws {
        let data = Self.statefulText
        let dir = TempDir()
        let path = dir.write("worker.log", data)
        var options = IngestOptions()
        options.maxLineBytes = 128
        let expected = Self.sequential(path, options: options)
        #expect(expected.stats.lines == 135)
        #expect(expected.diagnostics.contains { $0.contains("long-line") || $0.contains("longer than") })
        var reparsed = 0
        for pieceBytes in [1, 50, 64, 129, 333, 1000] {
            let (outcome, n) = try #require(Self.split(path, pieceBytes: pieceBytes, options: options))
            #expect(outcome == expected, "cut every \(pieceBytes) bytes")
            reparsed += n
        }
        #expect(reparsed > 0)
    }

    /// docker compose's services interleaved line by line, an agent's traceback with the
    /// server's zap stack: a piece that starts while a record of the other service waits for
    /// its lines is parsed again, and every record keeps its own lines.
    @Test func interleavedComposeServicesGiveTheSameRecordsWhereverCut() throws {
        var lines: [String] = []
        for i in 0..<60 {
            let agent = [
                "agent-1    | 2026-03-17 00:14:\(String(format: "%02d", i)),440 - WARNING livekit.agents - failed to connect to livekit, retrying in 0s ",
                "agent-1    | Traceback (most recent call last):",
                "agent-1    |   File \"/app/worker.py\", line \(i), in _recv_task",
                "agent-1    | Exception: worker connection closed unexpectedly",
            ]
            let server = [
                "livekit-1  | 2026-03-17T00:14:\(String(format: "%02d", i)).441Z\tERROR\tlivekit\tservice/rtcservice.go:289\terror reading from websocket\t{\"room\": \"r\(i)\"}",
                "livekit-1  | github.com/livekit/livekit-server/pkg/service.(*RTCService).serve",
                "livekit-1  | \t/workspace/pkg/service/rtcservice.go:\(i)",
            ]
            // Each block interleaved another way.
            var a = 0
            var s = 0
            for k in 0..<7 {
                if s < server.count && (a == agent.count || (i >> (k % 6)) & 1 == 1) {
                    lines.append(server[s])
                    s += 1
                } else {
                    lines.append(agent[a])
                    a += 1
                }
            }
        }
        let dir = TempDir()
        let path = dir.write("compose.log", Data((lines.joined(separator: "\n") + "\n").utf8))
        let expected = Self.sequential(path)
        #expect(expected.stats.lines == 420)
        #expect(expected.stats.records == 120)
        #expect(expected.records.filter { $0.contains("| agents-text |") && $0.contains("\nException: worker connection closed unexpectedly | ") }.count == 60)
        #expect(expected.records.filter { $0.contains("| zap-console |") && !$0.contains("Traceback") && !$0.contains("Exception:") }.count == 60)
        for pieceBytes in [1, 97, 600] {
            let (outcome, _) = try #require(Self.split(path, pieceBytes: pieceBytes))
            #expect(outcome == expected, "cut every \(pieceBytes) bytes")
        }
    }

    /// A compose service's record, parked while the lines of a log without a service follow it
    /// (a paste that joins https://github.com/livekit/livekit/issues/1192's compose line and
    /// https://github.com/livekit/livekit/issues/80's console lines), is handed back at the end
    /// with the records after it: those were counted once already (4 records, not 6).
    @Test func recordsAfterAParkedRecordAreCountedOnceAtTheEnd() throws {
        let lines = [
            "livekit_1          | 2022-11-25T20:15:06.226Z\tINFO\tlivekit\trtc/participant.go:1271\tclosing disconnected participant\t{\"room\": \"my-first-room\", \"roomID\": \"RM_6omRzoN6oWkx\", \"participant\": \"token-user-21\", \"pID\": \"PA_MorNPLKt9m2H\", \"remote\": false}",
            "2021-08-08T20:19:58.843Z\tDEBUG\tlivekit\tservice/roommanager.go:370\tRTC session finishing\t{\"participant\": \"610d9426d9c36993088b7d45\", \"pID\": \"PA_NXRpqZEdDuch\", \"room\": \"610d7213d9c36993088b7c6a\", \"roomID\": \"RM_3B38sVksx4vr\"}",
            "2021-08-08T20:19:58.843Z\tDEBUG\tlivekit\tservice/roommanager.go:271\tstarting RTC session\t{\"room\": \"610d7213d9c36993088b7c6a\", \"nodeID\": \"ND_QxvnQfTh\", \"participant\": \"610d9426d9c36993088b7d45\", \"planB\": false, \"protocol\": 2}",
            "2021-08-08T20:19:58.844Z\tINFO\tlivekit\trtc/room.go:190\tnew participant joined\t{\"pID\": \"PA_DVEShkqH2NEC\", \"participant\": \"610d9426d9c36993088b7d45\", \"room\": \"610d7213d9c36993088b7c6a\", \"roomID\": \"RM_3B38sVksx4vr\"}",
        ]
        let dir = TempDir()
        let path = dir.write("server.log", Data((lines.joined(separator: "\n") + "\n").utf8))
        let expected = Self.sequential(path)
        #expect(expected.stats.records == 4)
        #expect(expected.records.count == 4)
        for pieceBytes in [97, 300] {
            let (outcome, _) = try #require(Self.split(path, pieceBytes: pieceBytes))
            #expect(outcome.stats.records == 4, "cut every \(pieceBytes) bytes")
            #expect(outcome == expected, "cut every \(pieceBytes) bytes")
        }
    }

    @Test func jsonLinesNeverNeedAReparse() throws {
        let dir = TempDir()
        let path = dir.write("agent.log", sampleLines)
        let expected = Self.sequential(path)
        #expect(expected.records.count == 2000)
        let (outcome, reparsed) = try #require(Self.split(path, pieceBytes: 1000, workers: 2))
        #expect(outcome == expected)
        #expect(reparsed == 0)
    }

    @Test func smallPlainFilesAreReadInLine() throws {
        let dir = TempDir()
        let path = dir.write("agent.log", sampleLines)
        #expect(Self.split(path, pieceBytes: sampleLines.utf8.count) == nil)
        #expect(Self.split(path, pieceBytes: 10, workers: 1) == nil)
    }

    /// A file under 256 KiB is parsed on the merging thread even with `--jobs 2` (a thread each
    /// for 10,000 small files cost more than their parsing); memory inputs, pipes and larger
    /// files keep their threads.
    @Test func onlySmallRegularFilesSkipTheReaderThread() throws {
        let dir = TempDir()
        let small = dir.write("small.log", String(repeating: "x", count: (256 << 10) - 1))
        let large = dir.write("large.log", String(repeating: "x", count: 256 << 10))
        #expect(mkfifo(dir.url.path + "/pipe.log", 0o600) == 0)
        #expect(Analyzer.isSmallFile(InputDescriptor(path: small)))
        #expect(!Analyzer.isSmallFile(InputDescriptor(path: large)))
        #expect(!Analyzer.isSmallFile(InputDescriptor(path: dir.url.path + "/pipe.log")))
        #expect(!Analyzer.isSmallFile(InputDescriptor(path: "-", kind: .stdin)))
        #expect(!Analyzer.isSmallFile(InputDescriptor(name: "mem", bytes: Array("x\n".utf8))))
        #expect(!Analyzer.isSmallFile(InputDescriptor(path: dir.url.path + "/missing.log")))
    }

    /// gzip (like standard input and pipes) is cut into blocks as it is read.
    @Test func compressedFilesAreSplitAsTheyAreRead() throws {
        let dir = TempDir()
        let stateful = try String(contentsOf: PackagePaths.fixtures.appendingPathComponent("incident-timeonly/worker.log"), encoding: .utf8)
        var options = IngestOptions()
        options.maxLineBytes = 128
        var reparsed = 0
        for (name, data) in [("agent.log.gz", Data(sampleLines.utf8)), ("worker.log.gz", Data(stateful.utf8)), ("mixed.log.gz", Self.statefulText)] {
            let plain = dir.write(String(name.dropLast(3)), data)
            let gz = dir.write(name, try gzip(data))
            var expected = Self.sequential(plain, options: options)
            expected.diagnostics = expected.diagnostics.map { $0.replacingOccurrences(of: plain, with: gz) }
            #expect(expected == Self.sequential(gz, options: options))
            for pieceBytes in [1, 100, 1000, 5000] {
                let (outcome, n) = try #require(Self.split(gz, pieceBytes: pieceBytes, options: options, drain: pieceBytes == 100))
                #expect(outcome == expected, "\(name) in \(pieceBytes)-byte blocks")
                reparsed += n
            }
        }
        #expect(reparsed > 0)
    }

    /// A damaged archive keeps what was read before the damage, with the same diagnostic.
    @Test func truncatedGzipGivesTheSameRecordsAndDiagnostic() throws {
        let dir = TempDir()
        let whole = try gzip(Data(sampleLines.utf8))
        let gz = dir.write("agent.log.gz", whole.prefix(whole.count * 2 / 3))
        let expected = Self.sequential(gz)
        #expect(expected.records.count > 100 && expected.records.count < 2000)
        #expect(expected.diagnostics.contains { $0.contains("read-error") || $0.contains("lines before it are kept") })
        for pieceBytes in [1, 700, 10_000] {
            let (outcome, _) = try #require(Self.split(gz, pieceBytes: pieceBytes))
            #expect(outcome == expected, "\(pieceBytes)-byte blocks")
        }
    }

    /// A line longer than a block may grow stops the splitting: the rest is read in line.
    @Test func aLineLongerThanABlockEndsTheSplitting() throws {
        let dir = TempDir()
        let long = "00:00:05 - " + String(repeating: "y", count: 5000)
        let text = sampleLines + long + "\n" + sampleLines
        let gz = dir.write("agent.log.gz", try gzip(Data(text.utf8)))
        var options = IngestOptions()
        options.maxLineBytes = 1000
        let expected = Self.sequential(gz, options: options)
        #expect(expected.records.count == 4001)
        #expect(expected.diagnostics.contains { $0.contains("longer than") })
        for pieceBytes in [100, 2000] {
            let (outcome, _) = try #require(Self.split(gz, pieceBytes: pieceBytes, options: options, longestBlock: 3000))
            #expect(outcome == expected, "\(pieceBytes)-byte blocks")
        }
    }
}

/// The piece bounds of a file, found once in order, are those each piece would find on its own:
/// the line after the first newline at or after its nominal offset primes it.
@Suite struct PieceBoundaryTests {
    @Test func boundsMatchTheDefinitionAroundLongLines() throws {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<40 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 1...30, using: &rng) {
                let length = Bool.random(using: &rng) ? Int.random(in: 0...50, using: &rng) : Int.random(in: 200...3000, using: &rng)
                bytes += [UInt8](repeating: UInt8(ascii: "x"), count: length) + [0x0A]
            }
            if Bool.random(using: &rng) { bytes.removeLast() }
            let dir = TempDir()
            let path = dir.write("log", Data(bytes))
            let fd = open(path, O_RDONLY)
            defer { close(fd) }
            let size = Int64(bytes.count)
            for pieceBytes in [Int64(7), 64, 500] {
                let count = Int((size + pieceBytes - 1) / pieceBytes)
                let found = ChunkedRecordStream.boundaries(fd: fd, size: size, pieceBytes: pieceBytes, count: count)
                // next[k]: the first newline at or after k.
                var next = [Int64?](repeating: nil, count: bytes.count + 1)
                for k in stride(from: bytes.count - 1, through: 0, by: -1) { next[k] = bytes[k] == 0x0A ? Int64(k) : next[k + 1] }
                func newline(_ from: Int64) -> Int64? { from < Int64(bytes.count) ? next[Int(from)] : nil }
                for i in 0...count {
                    var expected: (Int64, Int64) = (size, size)
                    if i == 0 {
                        expected = (0, 0)
                    } else if i < count, let first = newline(Int64(i) * pieceBytes), let second = newline(first + 1) {
                        expected = (first + 1, second + 1)
                    }
                    let got = i < found.count ? found[i] : (size, size)
                    #expect(got == expected, "piece \(i) of \(count), \(pieceBytes) bytes each, in \(bytes.count)")
                }
            }
        }
    }
}

/// Pieces of very short lines hold many records (a 512 KiB piece of `a\n` lines: 262,144 of
/// them, times the pieces parsed ahead): they are cut smaller, to about 16,384 lines each.
@Suite struct ShortLinePieceTests {
    @Test func thePieceSizeFollowsTheLineLength() throws {
        #expect(ChunkedRecordStream.pieceBytes(forLinesIn: ArraySlice(Array(String(repeating: "a\n", count: 32_768).utf8))) == 32_768)
        #expect(ChunkedRecordStream.pieceBytes(forLinesIn: ArraySlice(Array(String(repeating: "\n", count: 1000).utf8))) == 16_384)
        let line = String(repeating: "x", count: 249) + "\n"
        #expect(ChunkedRecordStream.pieceBytes(forLinesIn: ArraySlice(Array(String(repeating: line, count: 100).utf8))) == 250 * 16_384)
        #expect(ChunkedRecordStream.pieceBytes(forLinesIn: ArraySlice(Array(String(repeating: "x", count: 500).utf8))) == .max)
        let dir = TempDir()
        let path = dir.write("tiny.log", String(repeating: "a\n", count: 400_000))
        let stream = try #require(ChunkedRecordStream.make(
            InputDescriptor(path: path), index: 0, options: IngestOptions(), referenceDay: nil, classifier: nil, workers: 2, pieceBytes: 512 << 10))
        #expect(stream.pieceBytes == 32_768)
        var records = 0
        stream.drain { _ in records += 1 }
        #expect(records == 400_000)
    }
}
