import Foundation
import Testing

@testable import LogAnalyzer

/// Text a writer left behind a hole of NULs, a stray NUL, a UTF-8 byte-order mark, and UTF-16
/// (what PowerShell's `>` writes): every record that is text is read.
@Suite struct EncodingAndNULTests {
    static let lines = [
        #"{"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "AJ_kTm3vPq9Xw2a", "room": "room-ü", "timestamp": "2025-12-11T00:50:01.000000+00:00"}"#,
        #"{"message": "Generating initial greeting", "level": "INFO", "name": "agent", "job_id": "AJ_kTm3vPq9Xw2a", "timestamp": "2025-12-11T00:50:02.000000+00:00"}"#,
        "2025-12-11 00:50:03,250 - WARNING livekit.agents - process memory usage is high \u{1F4C8} {\"job_id\": \"AJ_kTm3vPq9Xw2a\"}",
    ]
    static var text: String { lines.joined(separator: "\n") + "\n" }

    /// A record's message and time, to compare readings.
    static func summary(_ r: LogRecord) -> String { "\(r.line) \(r.format) \(r.time?.iso8601 ?? "-") \(r.message) \(r.ids.jobId ?? "-")" }

    @Test func theRecordAfterACopytruncateHoleIsRead() {
        var data = Data((Self.lines[0] + "\n").utf8)
        data.append(Data(repeating: 0, count: 8192))
        data.append(Data((Self.lines[1] + "\n" + Self.lines[2] + "\n").utf8))
        let result = parse(data: data)
        #expect(result.records.map { $0.message } == ["received job request", "Generating initial greeting", "process memory usage is high \u{1F4C8}"])
        #expect(result.records[1].time?.iso8601 == "2025-12-11T00:50:02.000Z")
        #expect(result.diagnostics.lines.count == 1)
        #expect(result.diagnostics.lines.first?.hasSuffix(
            ":2: warning: line holds 8192 NUL bytes before the text (a hole left by copytruncate or a crash): dropped") == true)
    }

    /// copytruncate's hole is as large as the file was when it was cut: over `--max-line-bytes`
    /// (the default 1 MiB), it had filled the whole cut line and the record after it was lost.
    @Test(arguments: [(1 << 20) + 1, 3 << 20])
    func theRecordAfterAHoleLargerThanALineIsRead(hole: Int) throws {
        let dir = TempDir()
        var data = Data((Self.lines[0] + "\n").utf8)
        data.append(Data(repeating: 0, count: hole))
        data.append(Data((Self.lines[1] + "\n" + Self.lines[2] + "\n").utf8))
        let path = dir.write("agent.log", data)
        var diagnostics = DiagnosticSink(keepPerKind: 5)
        var records: [LogRecord] = []
        Ingestor.read(InputDescriptor(path: path), index: 0, options: IngestOptions(), referenceDay: nil, diagnostics: &diagnostics) { records.append($0) }
        #expect(records.map { $0.message } == ["received job request", "Generating initial greeting", "process memory usage is high \u{1F4C8}"])
        #expect(records.map(\.line) == [1, 2, 3])
        #expect(diagnostics.kept.map(\.rendered) == ["\(path):2: warning: line holds \(hole) NUL bytes before the text (a hole left by copytruncate or a crash): dropped"])
    }

    @Test func aStrayNULIsShownAsAReplacementAndALineOfNULsSkipped() {
        var data = Data(Self.lines[0].replacingOccurrences(of: "received job", with: "received\u{0}job").utf8)
        data.append(Data("\n".utf8))
        data.append(Data(repeating: 0, count: 16))
        data.append(Data(("\n" + Self.lines[1] + "\n").utf8))
        let result = parse(data: data)
        #expect(result.records.map { $0.message } == ["received\u{FFFD}job request", "Generating initial greeting"])
        #expect(result.records[0].ids.jobId == "AJ_kTm3vPq9Xw2a")
        #expect(result.diagnostics.lines.map { $0.split(separator: ":", maxSplits: 1).last.map(String.init) ?? "" } == [
            "1: warning: line holds 1 NUL byte in the text: shown as U+FFFD",
            "2: warning: line holds NUL bytes (binary data); skipped",
        ])
    }

    /// A crash lost the blocks after the last one written, in the middle of a line, and the
    /// restarted worker appended after the hole: the cut line and the next one are both read.
    @Test func theTextsOnBothSidesOfAMidLineHoleAreRead() throws {
        var data = Data((Self.lines[0] + "\n").utf8)
        data.append(Data(Self.lines[1].prefix(40).utf8))
        data.append(Data(repeating: 0, count: 5000))
        data.append(Data((Self.lines[2] + "\n").utf8))
        let result = parse(data: data)
        #expect(result.records.map { "\($0.line) \($0.format) \($0.message)" } == [
            "1 agentsJSON received job request",
            #"2 plain {"message": "Generating initial greeting"#,
            "2 agentsText process memory usage is high \u{1F4C8}",
        ])
        #expect(result.records.last?.time?.iso8601 == "2025-12-11T00:50:03.250Z")
        #expect(result.diagnostics.lines.map { $0.split(separator: ":", maxSplits: 1).last.map(String.init) ?? "" } == [
            "2: warning: line holds 5000 NUL bytes after 40 bytes of text (a hole left by a crash): the text before read as a cut line, the text after as the next line"
        ])
        // Read in pieces (`--jobs 2`), the same records.
        let dir = TempDir()
        var many = Data()
        for _ in 0..<300 { many.append(data) }
        let path = dir.write("crash.log", many)
        let sequential = SplitReadingTests.sequential(path)
        #expect(sequential.records.count == 900)
        let (outcome, _) = try #require(SplitReadingTests.split(path, pieceBytes: 4096))
        #expect(outcome == sequential)
    }

    /// The file ends in the hole (the host never came back): the cut line is read. Two runs of
    /// NULs with text between them are binary data, as before.
    @Test func aLineCutByAHoleAtTheEndIsReadAndTwoHolesAreBinary() {
        var data = Data((Self.lines[0] + "\n").utf8)
        data.append(Data(Self.lines[2].prefix(60).utf8))
        data.append(Data(repeating: 0, count: 300))
        var result = parse(data: data)
        #expect(result.records.map { "\($0.line) \($0.format) \($0.time?.iso8601 ?? "-") \($0.message)" } == [
            "1 agentsJSON 2025-12-11T00:50:01.000Z received job request",
            "2 agentsText 2025-12-11T00:50:03.250Z process m",
        ])
        #expect(result.diagnostics.lines.map { $0.split(separator: ":", maxSplits: 1).last.map(String.init) ?? "" } == [
            "2: warning: line holds 300 NUL bytes after 60 bytes of text (a hole left by a crash): the text read as a cut line"
        ])
        data.append(Data("ELF".utf8) + Data(repeating: 0, count: 40) + Data((Self.lines[1] + "\n").utf8))
        result = parse(data: data)
        #expect(result.records.map(\.message) == ["received job request"])
        #expect(result.diagnostics.lines.map { $0.split(separator: ":", maxSplits: 1).last.map(String.init) ?? "" } == [
            "2: warning: line holds NUL bytes (binary data); skipped"
        ])
    }

    static func utf16(_ text: String, bigEndian: Bool) -> Data {
        var data = Data(bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE])
        for unit in text.utf16 {
            data.append(contentsOf: bigEndian ? [UInt8(unit >> 8), UInt8(unit & 0xFF)] : [UInt8(unit & 0xFF), UInt8(unit >> 8)])
        }
        return data
    }

    @Test func byteOrderMarkedTextReadsAsItsUTF8() {
        let expected = parse(Self.text).records.map(Self.summary)
        #expect(expected.count == 3)
        #expect(parse(data: Data([0xEF, 0xBB, 0xBF]) + Data(Self.text.utf8)).records.map(Self.summary) == expected)
        #expect(parse(data: Self.utf16(Self.text, bigEndian: false)).records.map(Self.summary) == expected)
        #expect(parse(data: Self.utf16(Self.text, bigEndian: true)).records.map(Self.summary) == expected)
        // CRLF line ends in UTF-16 (PowerShell's Out-File) too.
        let crlf = Self.text.replacingOccurrences(of: "\n", with: "\r\n")
        #expect(parse(data: Self.utf16(crlf, bigEndian: false)).records.map(Self.summary) == expected)
    }

    /// Lines ended by bare CRs (classic Mac OS line ends) are lines, read whole or in pieces.
    @Test func bareCarriageReturnsEndLines() throws {
        let expected = parse(Self.text).records.map(Self.summary)
        #expect(parse(Self.text.replacingOccurrences(of: "\n", with: "\r")).records.map(Self.summary) == expected)
        let dir = TempDir()
        let path = dir.write("mac.log", String(repeating: Self.text, count: 400).replacingOccurrences(of: "\n", with: "\r"))
        let sequential = SplitReadingTests.sequential(path)
        #expect(sequential.records.count == 1200)
        let (outcome, _) = try #require(SplitReadingTests.split(path, pieceBytes: 4096))
        #expect(outcome == sequential)
    }

    @Test func aUTF16LogReadInPiecesGivesTheSameRecords() throws {
        let dir = TempDir()
        let text = String(repeating: Self.text, count: 400)
        let path = dir.write("ps.log", Self.utf16(text, bigEndian: false))
        let expected = SplitReadingTests.sequential(path)
        #expect(expected.records.count == 1200)
        let (outcome, _) = try #require(SplitReadingTests.split(path, pieceBytes: 4096))
        #expect(outcome == expected)
    }
}

/// A record whose continuation lines run on for megabytes keeps the first 4 MiB of them; the
/// others are counted in it (its line count), and the next record is read as usual.
@Suite struct LongRecordTests {
    @Test func aRunawayTracebackIsCutAndCounted() {
        let frame = "  File \"/app/agent.py\", line 42, in entrypoint\n    await ctx.connect()\n"
        let repeats = 60_000  // 4.3 MB of frames
        let text = "2025-12-11 00:51:45,903 - livekit.agents - ERROR - unhandled exception\nTraceback (most recent call last):\n"
            + String(repeating: frame, count: repeats) + "RuntimeError: boom\n2025-12-11 00:51:46,000 - agent - INFO - AFTER-1\n"
        let result = parse(text)
        #expect(result.records.count == 2)
        let first = result.records[0]
        #expect(first.lineCount == 2 + 2 * repeats + 1)
        let kept = first.message.utf8.count + (first.errorText?.utf8.count ?? 0)
        #expect(kept <= (4 << 20) + 200)
        #expect(kept > (4 << 20) - 200)
        #expect(result.records[1].message == "AFTER-1")
        #expect(result.records[1].line == 2 + 2 * repeats + 2)
        #expect(result.diagnostics.lines.map { $0.split(separator: ":", maxSplits: 1).last.map(String.init) ?? "" } == [
            "1: warning: record's continuation lines hold over 4 MiB of text; the rest of them are counted, not kept"
        ])
    }
}

/// A file cut while it is read (a log rotation with copytruncate): one warning, whatever the reader.
@Suite struct TruncatedWhileReadTests {
    static func log() -> String {
        (0..<3000).map { #"{"message": "R-\#($0) padding padding padding", "level": "INFO", "name": "agent", "timestamp": "2025-12-11T00:\#(String(format: "%02d", ($0 / 60) % 60)):\#(String(format: "%02d", $0 % 60)).000000+00:00"}"# }
            .joined(separator: "\n") + "\n"
    }

    /// Reads ten records of the log, cuts the file to `size` bytes, and reads on to the end:
    /// the file's path, the records read and the diagnostics.
    static func readCut(to size: off_t, in dir: TempDir) -> (path: String, records: Int, sink: DiagnosticSink) {
        let path = dir.write("g.log", log())
        var sink = DiagnosticSink()
        let stream = RecordStream(InputDescriptor(path: path), index: 0, options: IngestOptions(), referenceDay: nil, classifier: nil,
                                  readBytes: 4096, diagnostics: &sink)
        var records = 0
        while records < 10, stream.next(diagnostics: &sink) != nil { records += 1 }
        #expect(truncate(path, size) == 0)
        while stream.next(diagnostics: &sink) != nil { records += 1 }
        return (path, records, sink)
    }

    @Test func readInLine() throws {
        let dir = TempDir()
        let (_, records, sink) = Self.readCut(to: 0, in: dir)
        #expect(records > 10 && records < 3000)
        #expect(sink.lines.count == 1)
        #expect(sink.lines.first?.contains("g.log: warning: the file shrank while it was read (truncated, e.g. by a log rotation with copytruncate): ") == true)
        #expect(sink.lines.first?.hasSuffix(" bytes read, 0 left") == true)
    }

    @Test func cutAheadOfTheReader() throws {
        let dir = TempDir()
        // Cut past what was read: the reader reads on to the new end, which is not the old one.
        let (path, records, sink) = Self.readCut(to: 100_000, in: dir)
        #expect(records == 783)  // 782 whole lines within 100,000 bytes, and the cut one
        #expect(sink.lines == [
            "\(path): warning: the file shrank while it was read (truncated, e.g. by a log rotation with copytruncate): \(Self.log().utf8.count) bytes when opened, 100000 left"
        ])
    }

    @Test func readInPieces() throws {
        let dir = TempDir()
        let path = dir.write("g.log", Self.log())
        let stream = try #require(ChunkedRecordStream.make(
            InputDescriptor(path: path), index: 0, options: IngestOptions(), referenceDay: nil, classifier: nil, workers: 2, pieceBytes: 4096))
        #expect(truncate(path, 0) == 0)
        var records = 0
        stream.drain { _ in records += 1 }
        #expect(records < 3000)
        var sink = DiagnosticSink()
        sink.merge(stream.diagnostics)
        #expect(sink.lines.count == 1)
        #expect(sink.lines.first?.contains("warning: the file shrank while it was read (truncated, e.g. by a log rotation with copytruncate): read up to byte ") == true)
    }
}
