import CScan
import CSystem

#if canImport(Glibc)
import Glibc
#endif

/// The records of one input, pulled one at a time: open, sniff gzip, split lines, check them,
/// parse. Several streams can be read in step (the analyzer merges them by time).
final class RecordStream {
    let input: InputDescriptor
    let index: Int
    private(set) var stats = InputStats()
    private var reader: LineReader?
    private var parser: StreamParser
    /// Parsed records not yet handed out (`consume` lends them where they lie: a copy would retain every string).
    private var queue: [LogRecord] = []
    private var queueHead = 0
    private(set) var nulLines = 0
    private var fd: Int32 = -1
    /// A regular file's size when it was opened, else -1: reading it to an end short of that,
    /// with the file now shorter, means it was cut meanwhile, ahead of the reader (a gzip input
    /// stopped early by its cap is read short, but its file did not shrink).
    private var sizeAtOpen: Int64 = -1
    /// The reader failed (said with its reason): it did not reach the end.
    private var readFailed = false
    private var done = false
    /// Added to the reader's line numbers (a piece of a file read on its own, or a piece continued).
    var lineOffset = 0
    /// A newest-first file read from its last line (`NewestFirst`): its line count, else 0.
    private var reversedLines = 0
    /// The next line only sets the parser's state: it ends the piece before (see `ChunkedRecordStream`).
    private var primeNext = false
    /// The parser's state after the priming line (line numbers relative to this stream).
    private(set) var primedState: StreamParser.BoundaryState?
    private var lastLine = 0
    /// A piece of an input (see `ChunkedRecordStream`), which reports what concerns the whole input.
    private var isPiece = false
    /// Why a piece read on in line stopped early (reported by the owner with the input's totals).
    private(set) var pieceReadError: InputError?

    /// The memos lent to the parser while it parses (see `SharedMemos`), else nil.
    private let sharedMemos: SharedMemos?

    /// One set of the parser's memos for all the inputs of a merge read on one thread, one at a
    /// time (past `Analyzer.mergeWidth` inputs: 52 KB of tables for each input otherwise, 52 MB
    /// for 1,000). A log's inputs repeat the same messages, so the shared memos hit as often.
    final class SharedMemos {
        var memos = StreamParser.Memos()
    }

    /// The bytes of memo tables the parser holds now (see `SharedMemos`).
    var parserMemoBytes: Int { parser.memoBytes }

    /// `readBytes`: how much each read asks for (the read buffer's size; many inputs open at
    /// once get smaller ones). `sharing`: memos to borrow (only for a stream read on the thread
    /// of every other stream that borrows them).
    init(_ input: InputDescriptor, index: Int, options: IngestOptions, referenceDay: Int64?, classifier: EventClassifier?,
         readBytes: Int = 1 << 20, sharing: SharedMemos? = nil, diagnostics: inout DiagnosticSink)
    {
        self.input = input
        self.index = index
        let clock = StreamClock(
            zone: options.zone(for: input.path), referenceDay: options.date ?? referenceDay, referenceIsExplicit: options.date != nil,
            continuing: options.clockCarries.isEmpty ? nil : options.clockCarries[index])
        parser = StreamParser(input: index, clock: clock, classifier: classifier, borrowsMemos: sharing != nil)
        sharedMemos = sharing
        open(options: options, readBytes: readBytes, diagnostics: &diagnostics)
    }

    /// A piece of a regular file, read from `source` on a worker thread. With `primed`, the first
    /// line is the last line of the piece before: it is parsed only to set the parser's state.
    convenience init(piece input: InputDescriptor, index: Int, options: IngestOptions, referenceDay: Int64?, classifier: EventClassifier?,
                     source: any ByteSource, primed: Bool)
    {
        self.init(piece: input, index: index, options: options, referenceDay: referenceDay, classifier: classifier,
                  reader: Self.pieceReader(source, options), primed: primed)
    }

    /// The line reader of a piece read from a source (a piece is small: a small read buffer).
    static func pieceReader(_ source: any ByteSource, _ options: IngestOptions) -> LineReader {
        LineReader(source: source, maxLineBytes: options.maxLineBytes, chunkBytes: 256 << 10)
    }

    /// A piece read by `reader` (a file range, or a block of a stream in memory).
    init(piece input: InputDescriptor, index: Int, options: IngestOptions, referenceDay: Int64?, classifier: EventClassifier?,
         reader: LineReader, primed: Bool)
    {
        self.input = input
        self.index = index
        let clock = StreamClock(
            zone: options.zone(for: input.path), referenceDay: options.date ?? referenceDay, referenceIsExplicit: options.date != nil,
            continuing: options.clockCarries.isEmpty ? nil : options.clockCarries[index])
        parser = StreamParser(input: index, clock: clock, classifier: classifier)
        sharedMemos = nil
        self.reader = reader
        primeNext = primed
        isPiece = true
        if !primed { primedState = parser.boundaryState }
    }

    /// Reads the rest of an input from `source` with this piece's parser, through `next()`
    /// (which then finishes the parser); lines numbered from `lineOffset + 1`.
    func resume(source: any ByteSource, lineOffset: Int, options: IngestOptions) {
        reader = LineReader(source: source, maxLineBytes: options.maxLineBytes)
        self.lineOffset = lineOffset
        done = false
    }

    deinit { if fd > 0 { close(fd) } }

    /// Parses the rest of a piece without finishing: its last record stays pending (the next
    /// piece's first lines may continue it). Records are numbered relative to this stream.
    func parsePiece(into out: inout [LogRecord], diagnostics: inout DiagnosticSink) {
        if let reader {
            do {
                while let (line, number, truncated, flags) = try reader.next() {
                    handle(line, number, truncated, flags, &diagnostics, into: &out)
                }
            } catch {
                // (Said once for the input, by its reader: every piece after the failing point
                // may fail alike, e.g. all the pieces past the end of a file truncated meanwhile.)
                if pieceReadError == nil { pieceReadError = error }
            }
            stats.bytes += reader.bytesRead
        }
        parser.detach(from: &out)
        reader = nil
    }

    /// Parses the next piece with this stream's parser, in the state this piece ended in: the
    /// fallback when the next piece's priming did not reproduce that state. Its lines are
    /// numbered from `lineOffset + 1` in this stream's numbering.
    func continuePiece(source: any ByteSource, lineOffset: Int, options: IngestOptions, diagnostics: inout DiagnosticSink) -> [LogRecord] {
        reader = Self.pieceReader(source, options)
        self.lineOffset = lineOffset
        var out: [LogRecord] = []
        parsePiece(into: &out, diagnostics: &diagnostics)
        return out
    }

    /// After the last piece: the pending record, and the format counts. (The records counted are
    /// those `finish` completes: the ones it hands back after a parked record of another source
    /// were completed, and counted, before it.)
    func finishPieces() -> [LogRecord] {
        var out: [LogRecord] = []
        let before = parser.completedCount
        parser.finish(into: &out)
        stats.records += parser.completedCount - before
        stats.formats = parser.formatCounts
        done = true
        return out
    }

    /// The clock as the stream has read so far (for a rotated log's next file to continue).
    var clockCarry: StreamClock.Carry { parser.clock.carry }

    /// The parser's state now (line numbers relative to this stream).
    var boundaryState: StreamParser.BoundaryState { parser.boundaryState }

    /// Format counts of the records this stream emitted.
    var formatCounts: [LogFormat: Int] { parser.formatCounts }

    private func open(options: IngestOptions, readBytes: Int, diagnostics: inout DiagnosticSink) {
        if let (lines, count, problem) = NewestFirst.reversedDocument(input, options: options) {
            reversedLines = count
            reader = LineReader(source: PrefixedSource(prefix: lines, inner: EmptySource()), maxLineBytes: options.maxLineBytes, chunkBytes: readBytes)
            diagnostics.report(Diagnostic(.note, path: input.path, kind: "newest-first",
                NewestFirst.documentNote))
            if let problem { diagnostics.report(Diagnostic(.warning, path: input.path, kind: "read-error", problem)) }
            return
        }
        if NewestFirst.isNewestFirst(input, options: options), let lines = NewestFirst.lineCount(of: input) {
            let fd = Glibc.open(input.openPath, O_RDONLY)
            var st = stat()
            if fd >= 0, fstat(fd, &st) == 0 {
                self.fd = fd
                reversedLines = lines
                let source = ReversedLineSource(fd: fd, size: Int64(st.st_size), maxLineBytes: options.maxLineBytes)
                reader = LineReader(source: source, maxLineBytes: options.maxLineBytes, chunkBytes: readBytes)
                diagnostics.report(Diagnostic(.note, path: input.path, kind: "newest-first",
                    "records run newest first (logcli's and Grafana's default order): read from the last line to the first"))
                return
            }
            if fd >= 0 { close(fd) }
        }
        guard let (source, fd) = Self.openSource(input, options: options, diagnostics: &diagnostics) else {
            stats.readable = false
            done = true
            return
        }
        self.fd = fd
        if input.kind == .file, fd > 0 {
            var st = stat()
            if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG { sizeAtOpen = Int64(st.st_size) }
        }
        // (Standard input's document, in memory: its entries numbered in the order read.)
        if let (lines, _) = NewestFirst.reversedInput(source, input, options: options) {
            reader = LineReader(source: PrefixedSource(prefix: lines, inner: EmptySource()), maxLineBytes: options.maxLineBytes, chunkBytes: readBytes)
            diagnostics.report(Diagnostic(.note, path: input.path, kind: "newest-first", NewestFirst.documentNote))
            return
        }
        reader = LineReader(source: source, maxLineBytes: options.maxLineBytes, chunkBytes: readBytes)
    }

    /// The input's bytes (decompressed when they are gzip) and the descriptor to close (-1 for
    /// memory, 0 for standard input); nil after an "unreadable" diagnostic.
    static func openSource(_ input: InputDescriptor, options: IngestOptions, diagnostics: inout DiagnosticSink) -> (any ByteSource, Int32)? {
        guard let (source, fd) = openRawSource(input, options: options, diagnostics: &diagnostics) else { return nil }
        if NewestFirst.isListTooLargeToReverse(input, options: options) {
            diagnostics.report(Diagnostic(.warning, path: input.path, kind: "newest-first",
                "entries run newest first, but the list is over \(NewestFirst.maxReversedDocumentBytes >> 20) MiB: read in its order, so sessions, silences and cascades may be wrong; `gcloud logging read --order=asc` writes it oldest first"))
        }
        do throws(InputError) {
            // UTF-8 behind a byte-order mark, or UTF-16 (PowerShell's `>`): decoded.
            return (try source.decodingByteOrderMark(), fd)
        } catch {
            diagnostics.report(Diagnostic(.error, path: input.path, kind: "unreadable", "cannot read: \(error.message)"))
            if fd > 0 { close(fd) }
            return nil
        }
    }

    private static func openRawSource(_ input: InputDescriptor, options: IngestOptions, diagnostics: inout DiagnosticSink) -> (any ByteSource, Int32)? {
        if input.kind == .memory {
            let bytes = PrefixedSource(prefix: input.bytes, inner: EmptySource())
            if let format = CompressedFormat.detect(input.bytes.prefix(CompressedFormat.magicBytes)) {
                diagnostics.report(Diagnostic(.error, path: input.path, kind: "unreadable", "cannot read: \(format.message(command: options.commandName))"))
                return nil
            }
            let isGzip = input.bytes.count >= 2 && input.bytes[0] == 0x1F && input.bytes[1] == 0x8B
            let limit = options.maxDecompressedBytes ?? max(4 << 30, 200 * UInt64(input.bytes.count))
            return (isGzip ? GzipSource(inner: bytes, limit: limit) : bytes, -1)
        }
        let fd: Int32
        if input.kind == .stdin {
            fd = 0
        } else {
            fd = Glibc.open(input.openPath, O_RDONLY)
            guard fd >= 0 else {
                diagnostics.report(Diagnostic(.error, path: input.path, kind: "unreadable", "cannot read: \(String(cString: strerror(errno)))"))
                return nil
            }
        }
        var st = stat()
        if fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFIFO { _ = csystem_grow_pipe(fd, 1 << 20) }
        var raw = FileDescriptorSource(fd: fd)
        // Sniff the gzip magic number (and the other compressed formats', which are refused).
        let headBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: CompressedFormat.magicBytes, alignment: 1)
        defer { headBuffer.deallocate() }
        var got = 0
        do throws(InputError) {
            while got < CompressedFormat.magicBytes {
                let n = try raw.read(into: UnsafeMutableRawBufferPointer(rebasing: headBuffer[got...]))
                if n == 0 { break }
                got += n
            }
        } catch {
            diagnostics.report(Diagnostic(.error, path: input.path, kind: "unreadable", "cannot read: \(error.message)"))
            if fd > 0 { close(fd) }
            return nil
        }
        let head = Array(headBuffer[0..<got])
        if let format = CompressedFormat.detect(head) {
            diagnostics.report(Diagnostic(.error, path: input.path, kind: "unreadable", "cannot read: \(format.message(command: options.commandName))"))
            if fd > 0 { close(fd) }
            return nil
        }
        let prefixed = PrefixedSource(prefix: head, inner: raw)
        if got >= 2 && head[0] == 0x1F && head[1] == 0x8B {
            let compressed = fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG ? UInt64(st.st_size) : 0
            let automatic: UInt64 = compressed > 0 ? max(4 << 30, 200 * compressed) : 64 << 30
            return (GzipSource(inner: prefixed, limit: options.maxDecompressedBytes ?? automatic), fd)
        }
        return (prefixed, fd)
    }

    /// Whether a record is waiting (parsing lines until one is, or the input ends).
    func ensure(diagnostics: inout DiagnosticSink) -> Bool {
        while queueHead >= queue.count {
            if queueHead > 0 {
                queue.removeAll(keepingCapacity: true)
                queueHead = 0
            }
            if done { return false }
            guard let reader else {
                done = true
                return false
            }
            // A few records at a time (see `drain`); few, because every input being merged
            // holds its own.
            if fill(reader, upTo: mergeBatch, &diagnostics) { finish(&diagnostics, into: &queue) }
        }
        return true
    }

    /// Parses lines into the queue until it holds `records` records or `batchBytes` of lines
    /// were read. True when the input ended: read to its end, or failed (the failure noted).
    /// Every record queued is complete (the one later lines may continue waits in the parser).
    private func fill(_ reader: LineReader, upTo records: Int, _ diagnostics: inout DiagnosticSink) -> Bool {
        var bytes = 0
        if let sharedMemos { parser.swapMemos(&sharedMemos.memos) }
        defer {
            parser.detach(from: &queue)
            if let sharedMemos { parser.swapMemos(&sharedMemos.memos) }
        }
        do {
            while let (line, number, truncated, flags) = try reader.next() {
                handle(line, number, truncated, flags, &diagnostics, into: &queue)
                bytes += line.count
                if queue.count >= records || bytes >= Self.batchBytes { return false }
            }
        } catch {
            if isPiece {
                pieceReadError = error
            } else {
                readFailed = true
                diagnostics.report(Diagnostic(.warning, path: input.path, line: stats.lines, kind: "read-error", "\(error.message); \(InputStats.keptBefore(stats.lines))"))
            }
        }
        return true
    }

    /// The time of the waiting record (after `ensure` returned true).
    var headTime: Timestamp? { queue[queueHead].time }

    /// Hands the waiting record to `body` where it lies, and moves past it.
    func consume(_ body: (inout LogRecord) -> Void) {
        queue.withUnsafeMutableBufferPointer { body(&$0[queueHead]) }
        queueHead += 1
    }

    /// The next record, or nil when the input is exhausted.
    func next(diagnostics: inout DiagnosticSink) -> LogRecord? {
        guard ensure(diagnostics: &diagnostics) else { return nil }
        defer { queueHead += 1 }
        return queue[queueHead]
    }

    /// Records parsed before they are handed on: by `drain` (one input), and by `ensure` for each
    /// of several inputs merged by time; a batch also ends after `batchBytes` of lines (a record
    /// can hold a line of up to `--max-line-bytes`).
    static let drainBatch = 1024
    static let mergeBatch = 64
    /// `mergeBatch`, or fewer in a merge of more inputs than `Analyzer.mergeWidth` (each input
    /// holds its batch while it waits for its turn).
    var mergeBatch = RecordStream.mergeBatch
    static let batchBytes = 1 << 20

    /// Every remaining record, handed to `body` where it lies in the queue, a batch at a time:
    /// the fast path when one input is read on the tracking thread.
    func drain(diagnostics: inout DiagnosticSink, _ body: (inout LogRecord) -> Void) {
        while queueHead < queue.count, ensure(diagnostics: &diagnostics) { consume(body) }
        guard !done, let reader else {
            done = true
            return
        }
        // Records are parsed a batch at a time, then handed on: parsing and tracking each keep
        // their working set in cache for a whole batch instead of alternating line by line.
        func flush() {
            queue.withUnsafeMutableBufferPointer { q in
                for i in q.indices { body(&q[i]) }
            }
            queue.removeAll(keepingCapacity: true)
        }
        // (The records `ensure` queued were handed on above.)
        queue.removeAll(keepingCapacity: true)
        queueHead = 0
        while !fill(reader, upTo: Self.drainBatch, &diagnostics) { flush() }
        finish(&diagnostics, into: &queue)
        flush()
    }

    /// The input ended: its last record goes to `out`.
    private func finish(_ diagnostics: inout DiagnosticSink, into out: inout [LogRecord]) {
        done = true
        let before = parser.completedCount
        if let sharedMemos { parser.swapMemos(&sharedMemos.memos) }
        parser.finish(into: &out)
        if let sharedMemos { parser.swapMemos(&sharedMemos.memos) }
        stats.records += parser.completedCount - before
        stats.formats = parser.formatCounts
        stats.bytes = reader?.bytesRead ?? 0
        // A file read to its end that is now shorter than what was read of it was cut while it
        // was read (copytruncate): what was after the cut point at the time is not in the run.
        if !isPiece, input.kind == .file, reversedLines == 0, fd > 0 {
            var st = stat()
            let consumed = lseek(fd, 0, SEEK_CUR)
            if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, consumed > 0, st.st_size < consumed {
                diagnostics.report(Diagnostic(.warning, path: input.path, kind: "truncated-while-read",
                    "the file shrank while it was read (truncated, e.g. by a log rotation with copytruncate): \(consumed) bytes read, \(st.st_size) left"))
            } else if !readFailed, consumed >= 0, consumed < sizeAtOpen, Int64(st.st_size) < sizeAtOpen {
                // (Cut ahead of the reader, which then read on to the new end.)
                diagnostics.report(Diagnostic(.warning, path: input.path, kind: "truncated-while-read",
                    "the file shrank while it was read (truncated, e.g. by a log rotation with copytruncate): \(sizeAtOpen) bytes when opened, \(st.st_size) left"))
            }
        }
        if !isPiece && nulLines > 0 && nulLines == stats.lines {
            diagnostics.report(Diagnostic(.warning, path: input.path, kind: "binary-file", "looks like a binary file: every line holds NUL bytes; nothing was parsed"))
        }
        if !isPiece && reader != nil && stats.bytes == 0 {
            diagnostics.report(Diagnostic(.note, path: input.path, kind: "empty", "empty: nothing to read"))
        }
    }

    /// Per-line checks before parsing: over-long lines, NUL bytes, invalid UTF-8. The line's
    /// record goes to the end of `out`. `flags`: what the line reader's scan found in it.
    private func handle(
        _ line: Bytes, _ number: Int, _ truncated: Bool, _ flags: UInt32, _ diagnostics: inout DiagnosticSink, into out: inout [LogRecord]
    ) {
        // (A file read from its end: its lines numbered as in the file.)
        let number = reversedLines > 0 ? reversedLines + 1 - (number + lineOffset) : number + lineOffset
        lastLine = number
        let known = flags & LineReader.unknownFlags == 0
        let ascii = known ? flags & LineReader.notASCII == 0 : Self.isASCII(line)
        let escape: Bool? = known ? flags & LineReader.escape != 0 : nil
        if primeNext {
            // Parsed as the sequential read parsed it (a NUL line is skipped), but reported and
            // counted by the piece it belongs to.
            primeNext = false
            var discarded: [LogRecord] = []
            if ascii || !line.contains(0) {
                parser.feed(line, line: number, escape: escape, into: &discarded)
            } else {
                Self.withoutNULs(line) { clean, _ in
                    if let clean { parser.feed(clean, line: number, escape: nil, into: &discarded) }
                }
            }
            parser.detach(from: &discarded)
            parser.notes.removeAll()
            parser.resetCounts()
            primedState = parser.boundaryState
            return
        }
        stats.lines += 1
        if truncated {
            diagnostics.report(Diagnostic(.warning, path: input.path, line: number, kind: "long-line", "line longer than \(reader?.maxLineBytes ?? line.count) bytes; cut to that length"))
        }
        if !ascii {
            if line.contains(0) {
                var fed = false
                Self.withoutNULs(line, hole: reader?.hole ?? 0) { clean, message in
                    guard let clean else { return }
                    fed = true
                    if !message.isEmpty {
                        diagnostics.report(Diagnostic(.warning, path: input.path, line: number, kind: "nul-bytes", message))
                    }
                    feed(clean, number, escape: nil, diagnostics: &diagnostics, into: &out)
                }
                if !fed {
                    nulLines += 1
                    diagnostics.report(Diagnostic(.warning, path: input.path, line: number, kind: "binary-line", "line holds NUL bytes (binary data); skipped"))
                }
                return
            }
            if String(validating: line, as: UTF8.self) == nil {
                diagnostics.report(Diagnostic(.warning, path: input.path, line: number, kind: "invalid-utf8", "invalid UTF-8; bad bytes shown as U+FFFD"))
            }
        }
        feed(line, number, escape: escape, diagnostics: &diagnostics, into: &out)
    }

    /// Most NULs kept in a line that is text otherwise (each shown as U+FFFD).
    static let maxNULs = 8

    /// A line with NUL bytes, as far as it is text: `body` gets the bytes to parse and what to
    /// say about them, or nil when the line is binary data. A run of NULs at the start is the
    /// hole a log rotated by copytruncate (or a file extended after a crash) leaves before the
    /// writer's next line: dropped. A few NULs elsewhere in valid UTF-8 become U+FFFD.
    static func withoutNULs(_ line: Bytes, hole: Int = 0, _ body: (Bytes?, String) -> Void) {
        var start = 0
        while start < line.count && line[start] == 0 { start += 1 }
        let rest = line.slice(start, line.count)
        let nuls = rest.reduce(0) { $0 + ($1 == 0 ? 1 : 0) }
        let holeBytes = start > 0 ? start + hole : 0
        if nuls > maxNULs {
            midLineHole(rest, nuls: nuls, before: holeBytes, body)
            return
        }
        guard !rest.isEmpty, String(validating: rest.lazy.filter { $0 != 0 }, as: UTF8.self) != nil else {
            body(nil, "")
            return
        }
        let hole = start > 0 ? "\(holeBytes) NUL byte\(holeBytes == 1 ? "" : "s") before the text (a hole left by copytruncate or a crash): dropped" : ""
        let inside = nuls > 0 ? "\(nuls) NUL byte\(nuls == 1 ? "" : "s") in the text: shown as U+FFFD" : ""
        let message = "line holds " + [hole, inside].filter { !$0.isEmpty }.joined(separator: "; ")
        if nuls == 0 {
            body(rest, message)
            return
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(rest.count + 2 * nuls)
        for c in rest {
            if c == 0 { bytes += [0xEF, 0xBF, 0xBD] } else { bytes.append(c) }
        }
        bytes.withUnsafeBufferPointer { body($0, message) }
    }

    /// A line whose text stops at a run of NULs, with the writer's next line after it (or
    /// nothing, at the file's end): a crash lost the blocks after the last one written, mid-line,
    /// and the restarted process appended there. Both texts are read, the first as a cut line
    /// (`body` is called once for each, the message with the first); any other shape is binary.
    private static func midLineHole(_ rest: Bytes, nuls: Int, before: Int, _ body: (Bytes?, String) -> Void) {
        guard let first = rest.firstIndex(of: 0) else { body(nil, ""); return }
        // (One run: the `nuls` NULs are all in it, none after.)
        let end = first + nuls
        let cut = rest.slice(0, first), next = rest.slice(end, rest.count)
        guard !rest[first..<end].contains(where: { $0 != 0 }), isText(cut), next.isEmpty || isText(next)
        else {
            body(nil, "")
            return
        }
        let leading = before > 0 ? "\(before) NUL byte\(before == 1 ? "" : "s") before the text, dropped; " : ""
        body(cut, "line holds " + leading + "\(nuls) NUL bytes after \(first) byte\(first == 1 ? "" : "s") of text (a hole left by a crash): "
            + (next.isEmpty ? "the text read as a cut line" : "the text before read as a cut line, the text after as the next line"))
        if !next.isEmpty { body(next, "") }
    }

    /// Valid UTF-8 without control characters other than tab, CR and ESC.
    private static func isText(_ b: Bytes) -> Bool {
        !b.contains(where: { $0 < 0x20 && $0 != 0x09 && $0 != 0x0D && $0 != 0x1B || $0 == 0x7F })
            && String(validating: b, as: UTF8.self) != nil
    }

    @inline(__always)
    private func feed(_ line: Bytes, _ number: Int, escape: Bool?, diagnostics: inout DiagnosticSink, into out: inout [LogRecord]) {
        let before = parser.completedCount
        parser.feed(line, line: number, escape: escape, into: &out)
        stats.records += parser.completedCount - before
        if !parser.notes.isEmpty {
            for (line, kind, message) in parser.notes { diagnostics.report(Diagnostic(.warning, path: input.path, line: line, kind: kind, message)) }
            parser.notes.removeAll()
        }
    }

    /// Whether every byte is ASCII other than NUL (SSE2 where there is SSE2).
    ///
    /// Not inlined and declared read-only: a C call inside the line loop would otherwise make
    /// the optimizer keep the parser's objects retained around it (+10 instructions a line).
    @inline(never) @_effects(readonly)
    static func isASCII(_ b: Bytes) -> Bool {
        guard let base = b.baseAddress else { return true }
        return cscan_is_ascii_without_nul(base, b.count) != 0
    }
}
