import Foundation
import Testing

@testable import LogAnalyzer

/// Records are parsed a batch at a time before they are handed on; every record must still come
/// out once, whole and in order, however the batches end (by count, by bytes, at the input's end).
@Suite struct BatchReadingTests {
    /// `count` agents text records; every 7th has a two-line traceback after it, one record holds
    /// a line longer than a whole batch's byte budget, and the last record has a continuation (it
    /// is still pending when the input ends).
    static func log(count: Int, longAt: Int) -> (bytes: [UInt8], expected: [(line: Int, lineCount: Int, n: Int)]) {
        var text = ""
        var expected: [(line: Int, lineCount: Int, n: Int)] = []
        var line = 1
        for n in 1...count {
            let ms = String(format: "%03d", n % 1000)
            let padding = n == longAt ? " " + String(repeating: "x", count: RecordStream.batchBytes + 1000) : ""
            text += "2026-03-02 00:\(String(format: "%02d", n / 60_000 % 60)):\(String(format: "%02d", n / 1000 % 60)),\(ms) - INFO livekit.agents - step n=\(n)\(padding)\n"
            var lines = 1
            if n % 7 == 0 || n == count {
                text += "Traceback (most recent call last):\n  File \"agent.py\", line \(n), in step\n"
                lines += 2
            }
            expected.append((line, lines, n))
            line += lines
        }
        return (Array(text.utf8), expected)
    }

    static func number(_ r: LogRecord) -> Int? {
        guard let at = r.message.range(of: "n=") else { return nil }
        return Int(r.message[at.upperBound...].prefix { $0.isNumber })
    }

    @Test func drainedAndQueuedRecordsAreEveryRecordInOrder() {
        let count = 3 * RecordStream.drainBatch + 5
        let (bytes, expected) = Self.log(count: count, longAt: RecordStream.drainBatch / 2)
        var options = IngestOptions()
        options.maxLineBytes = 4 << 20
        // Drained from the start; queued and consumed one by one; half a queued batch consumed,
        // then drained (the queued records must come out once).
        for mode in ["drain", "queue", "queue then drain"] {
            var sink = DiagnosticSink()
            let stream = RecordStream(InputDescriptor(name: "agent.log", bytes: bytes), index: 0, options: options, referenceDay: nil,
                                      classifier: EventClassifier(configuration: AnalysisConfiguration()), diagnostics: &sink)
            var got: [(line: Int, lineCount: Int, n: Int)] = []
            if mode != "queue" {
                if mode == "queue then drain" {
                    for _ in 0..<RecordStream.mergeBatch / 2 where stream.ensure(diagnostics: &sink) {
                        stream.consume { got.append(($0.line, $0.lineCount, Self.number($0) ?? -1)) }
                    }
                }
                stream.drain(diagnostics: &sink) { got.append(($0.line, $0.lineCount, Self.number($0) ?? -1)) }
            } else {
                var previous: Timestamp?
                while stream.ensure(diagnostics: &sink) {
                    let head = stream.headTime
                    #expect(previous == nil || head! >= previous!)
                    previous = head
                    stream.consume { got.append(($0.line, $0.lineCount, Self.number($0) ?? -1)) }
                }
            }
            #expect(got.count == count, "\(mode)")
            // The first record that differs (whole arrays would flood a failure report).
            let firstDifference = got.indices.first { (i: Int) -> Bool in
                guard i < expected.count else { return true }
                let (a, b) = (got[i], expected[i])
                return a.line != b.line || a.lineCount != b.lineCount || a.n != b.n
            }
            #expect(firstDifference == nil, "\(mode), record \(firstDifference ?? -1)")
            #expect(stream.stats.records == count)
            #expect(stream.stats.lines == expected.last!.line + 2)
        }
    }

    /// The inputs of a merge wider than `Analyzer.mergeWidth` borrow one set of memos (one
    /// thread reads them all). Read in turn, a record at a time, every fixture log gives the
    /// records (times, ids, events, messages) its own memos give.
    @Test func streamsThatShareMemosReadWhatTheirOwnMemosRead() throws {
        let paths = try FileManager.default.subpathsOfDirectory(atPath: PackagePaths.fixtures.path)
            .filter { $0.hasSuffix(".log") }.sorted()
            .map { PackagePaths.fixtures.appendingPathComponent($0).path }
        #expect(paths.count == 36)
        let classifier = EventClassifier(configuration: AnalysisConfiguration())
        var sink = DiagnosticSink()
        func stream(_ i: Int, _ sharing: RecordStream.SharedMemos?) -> RecordStream {
            RecordStream(InputDescriptor(path: paths[i]), index: i, options: IngestOptions(), referenceDay: nil, classifier: classifier,
                         sharing: sharing, diagnostics: &sink)
        }
        let own = paths.indices.map { i -> [String] in
            var records: [String] = []
            stream(i, nil).drain(diagnostics: &sink) { records.append(String(describing: $0)) }
            return records
        }
        let shared = RecordStream.SharedMemos()
        let streams = paths.indices.map { stream($0, shared) }
        var got = [[String]](repeating: [], count: paths.count)
        var reading = true
        while reading {
            reading = false
            for (i, s) in streams.enumerated() where s.ensure(diagnostics: &sink) {
                s.consume { got[i].append(String(describing: $0)) }
                reading = true
            }
        }
        let ownCount: Int = own.map(\.count).reduce(0, +)
        let gotCount: Int = got.map(\.count).reduce(0, +)
        #expect(gotCount == ownCount)
        let events: Int = own.joined().filter { $0.contains("event: Optional(") }.count
        #expect(events > 100)
        // Each parser lent the memos back after each batch: it holds none; the shared ones
        // remember texts of every kind (the event words, the id markers, the text gate's).
        #expect(streams.map(\.parserMemoBytes) == [Int](repeating: 0, count: paths.count))
        #expect(stream(0, nil).parserMemoBytes == 3 * (128 * 128 + 128 + 128 * 8))
        #expect(shared.memos.memo.rememberedCount == 71)
        // (64 since `starting worker` passes the event gate: its line is read whole.)
        #expect(shared.memos.idMemo.rememberedCount == 64)
        #expect(shared.memos.gateMemo.rememberedCount == 5)
        for i in paths.indices {
            let first: Int? = own[i].indices.first { $0 >= got[i].count || own[i][$0] != got[i][$0] }
            let same: Bool = first == nil && own[i].count == got[i].count
            #expect(same, "\(paths[i]), record \(first ?? -1)")
        }
    }
}
