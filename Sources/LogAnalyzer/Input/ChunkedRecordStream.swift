import CSystem
import Foundation

/// Reads one large regular file on several threads (`--jobs`): the file is cut into pieces at
/// line boundaries, worker threads parse the pieces, and `next()` hands out their records in file
/// order, exactly as one reader would have produced them.
///
/// Parsing is stateful (a traceback continues the record before it, time-only stamps roll over at
/// midnight), so a worker cannot know the state its piece starts in. Each worker therefore
/// first parses the last line of the piece before ("priming") and records the parser state that
/// gives. When the pieces are put back in order, that state is compared with the state the piece
/// before actually ended in (`StreamParser.BoundaryState`); if they differ, the piece is parsed
/// again, on the reading thread, by the parser of the piece before. JSON lines are complete
/// records and carry full stamps, so for them the states always agree; a text log only falls
/// back where a piece starts inside a traceback or after a time-only line.
final class ChunkedRecordStream: @unchecked Sendable {
    let input: InputDescriptor
    let index: Int
    private let options: IngestOptions
    private let referenceDay: Int64?
    private let classifier: EventClassifier?
    private let fd: Int32
    private let size: Int64
    private let pieceBytes: Int64
    private let pieceCount: Int
    private let window: Int

    /// Shared with the workers, under `condition`.
    private let condition = NSCondition()
    private var results: [Int: Piece] = [:]
    private var claimed = 0
    private var consumed = 0
    /// Pieces the reader is done with, by the thread that parsed them (1...; the reading thread
    /// is 0): that thread frees the records (memory goes back to the allocator arena it came
    /// from, without contention), and the emptied arrays are filled again (no fresh pages).
    private var trash: [Int: [[LogRecord]]] = [:]
    private var spare: [[LogRecord]] = []

    /// Reading thread only.
    private var current: [LogRecord] = []
    private var currentProducer = 0
    private var position = 0
    private var currentOffset = 0
    /// The stream whose parser is in the state the pieces read so far ended in, and the offset
    /// from its line numbers to the file's.
    private var stream: RecordStream?
    private var streamOffset = 0
    private var linesBefore = 0
    private var nextPiece = 0
    private var accepted: [RecordStream] = []
    private var finished = false
    private(set) var stats = InputStats()
    /// Pieces whose priming did not reproduce the state before them (parsed again in line).
    private(set) var reparsedPieces = 0
    /// Diagnostics of the pieces, in file order; complete once `next()` returned nil.
    private(set) var diagnostics = DiagnosticSink()

    private struct Piece {
        var stream: RecordStream?
        var records: [LogRecord]
        var diagnostics: DiagnosticSink
        var start: Int64
        var end: Int64
        var producer = 0
    }

    /// A split reader for `input` when it is a plain regular file of at least two pieces; nil
    /// otherwise (the caller reads it in line, which also reports why it cannot be read).
    static func make(
        _ input: InputDescriptor, index: Int, options: IngestOptions, referenceDay: Int64?, classifier: EventClassifier?,
        workers: Int, pieceBytes: Int
    ) -> ChunkedRecordStream? {
        guard input.kind == .file, workers >= 2, pieceBytes > 0 else { return nil }
        let fd = open(input.path, O_RDONLY)
        guard fd >= 0 else { return nil }
        var st = stat()
        var head: (UInt8, UInt8) = (0, 0)
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, Int64(st.st_size) >= 2 * Int64(pieceBytes),
            pread(fd, &head, 2, 0) == 2, !(head.0 == 0x1F && head.1 == 0x8B)
        else {
            close(fd)
            return nil
        }
        return ChunkedRecordStream(
            input, index: index, options: options, referenceDay: referenceDay, classifier: classifier, fd: fd, size: Int64(st.st_size),
            workers: workers, pieceBytes: Int64(pieceBytes))
    }

    private init(
        _ input: InputDescriptor, index: Int, options: IngestOptions, referenceDay: Int64?, classifier: EventClassifier?, fd: Int32,
        size: Int64, workers: Int, pieceBytes: Int64
    ) {
        self.input = input
        self.index = index
        self.options = options
        self.referenceDay = referenceDay
        self.classifier = classifier
        self.fd = fd
        self.size = size
        self.pieceBytes = pieceBytes
        pieceCount = Int((size + pieceBytes - 1) / pieceBytes)
        // Pieces parsed ahead of the reader at most: bounds memory to a few pieces per worker.
        window = 2 * workers + 1
        // The reading thread parses pieces too when it would wait (see `advance`).
        for worker in 1..<workers {
            let thread = Thread { [self] in self.work(worker) }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    deinit { close(fd) }

    // MARK: workers

    private func work(_ me: Int) {
        // The reading thread (session tracking) is the one the others wait for: the workers
        // yield the CPU to it when they share one (nice +5: a quarter of a contended core).
        _ = csystem_nice_current_thread(5)
        while true {
            condition.lock()
            while claimed < pieceCount && claimed >= consumed + window && trash[me] == nil { condition.wait() }
            if var garbage = trash.removeValue(forKey: me) {
                condition.unlock()
                for i in garbage.indices { garbage[i].removeAll(keepingCapacity: true) }
                condition.lock()
                spare += garbage
                condition.unlock()
                continue
            }
            guard claimed < pieceCount else {
                condition.unlock()
                return
            }
            let i = claimed
            claimed += 1
            let records = spare.popLast() ?? []
            condition.unlock()
            var piece = parse(i, into: records)
            piece.producer = me
            condition.lock()
            results[i] = piece
            condition.broadcast()
            condition.unlock()
        }
    }

    /// Where piece `i` starts, and where its priming line (the line before) starts.
    private func bounds(_ i: Int) -> (prime: Int64, start: Int64) {
        if i == 0 { return (0, 0) }
        if i >= pieceCount { return (size, size) }
        // The line after the first newline at or after the nominal offset primes the piece; the
        // piece starts after it.
        guard let first = newline(from: Int64(i) * pieceBytes), let second = newline(from: first + 1) else { return (size, size) }
        return (first + 1, second + 1)
    }

    /// Offset of the first `\n` at or after `offset`.
    private func newline(from offset: Int64) -> Int64? {
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        var at = offset
        while at < size {
            let n = buffer.withUnsafeMutableBytes { b in pread(fd, b.baseAddress, b.count, off_t(at)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return nil }
            if let k = buffer.withUnsafeBytes({ b in memchr(b.baseAddress!, 0x0A, n).map { b.baseAddress!.distance(to: UnsafeRawPointer($0)) } }) {
                return at + Int64(k)
            }
            at += Int64(n)
        }
        return nil
    }

    private func parse(_ i: Int, into records: [LogRecord]) -> Piece {
        let (prime, start) = bounds(i)
        let end = bounds(i + 1).start
        var sink = DiagnosticSink(keepPerKind: 3)
        var records = records
        guard start < end else { return Piece(stream: nil, records: records, diagnostics: sink, start: start, end: end) }
        let primed = i > 0
        let source = FileRangeSource(fd: fd, offset: primed ? prime : start, end: end)
        let stream = RecordStream(
            piece: input, index: index, options: options, referenceDay: referenceDay, classifier: classifier, source: source, primed: primed)
        stream.parsePiece(into: &records, diagnostics: &sink)
        return Piece(stream: stream, records: records, diagnostics: sink, start: start, end: end)
    }

    // MARK: reading thread

    /// The next record in file order; nil at the end.
    func next() -> LogRecord? {
        while true {
            if position < current.count {
                var r = current[position]
                position += 1
                r.line += currentOffset
                return r
            }
            if finished { return nil }
            advance()
        }
    }

    /// Every remaining record, in file order, handed to `body` where it lies (no copy): the
    /// reading thread only tracks sessions.
    func drain(_ body: (LogRecord) -> Void) {
        while true {
            let offset = currentOffset
            current.withUnsafeMutableBufferPointer { records in
                for i in position..<records.count {
                    records[i].line += offset
                    body(records[i])
                }
            }
            position = current.count
            if finished { return }
            advance()
        }
    }

    private func advance() {
        var done: [LogRecord] = []
        swap(&done, &current)
        position = 0
        guard nextPiece < pieceCount else {
            finish()
            return
        }
        if currentProducer == 0 { done.removeAll(keepingCapacity: true) }
        condition.lock()
        if currentProducer == 0 || claimed >= pieceCount {
            if done.capacity > 0 { spare.append(done) }
        } else {
            trash[currentProducer, default: []].append(done)
        }
        while results[nextPiece] == nil {
            // Rather than wait, parse an unclaimed piece here: the reading thread is one of the
            // `jobs` threads, so the machine is not oversubscribed.
            if claimed < pieceCount && claimed < consumed + window {
                let i = claimed
                claimed += 1
                let records = spare.popLast() ?? []
                condition.unlock()
                let piece = parse(i, into: records)
                condition.lock()
                results[i] = piece
                condition.broadcast()
                continue
            }
            condition.wait()
        }
        let piece = results.removeValue(forKey: nextPiece)!
        consumed += 1
        condition.broadcast()
        condition.unlock()
        let i = nextPiece
        nextPiece += 1
        guard let pieceStream = piece.stream else { return }
        // Lines of piece i are numbered from its priming line (1), which is the file's line `linesBefore`.
        let offset = i == 0 ? 0 : linesBefore - 1
        if let stream, !Self.agree(stream.boundaryState, streamOffset, pieceStream.primedState, offset) {
            var sink = DiagnosticSink(keepPerKind: 3)
            let before = stream.stats.lines
            current = stream.continuePiece(
                source: FileRangeSource(fd: fd, offset: piece.start, end: piece.end), lineOffset: linesBefore - streamOffset,
                options: options, diagnostics: &sink)
            currentOffset = streamOffset
            currentProducer = 0
            diagnostics.merge(sink, lineOffset: streamOffset)
            linesBefore += stream.stats.lines - before
            reparsedPieces += 1
            return
        }
        current = piece.records
        currentProducer = piece.producer
        currentOffset = offset
        diagnostics.merge(piece.diagnostics, lineOffset: offset)
        stream = pieceStream
        streamOffset = offset
        accepted.append(pieceStream)
        linesBefore += pieceStream.stats.lines
    }

    /// Whether the state a piece ended in (`a`, lines + `aOffset`) is the state the next piece
    /// was primed into (`b`, lines + `bOffset`).
    private static func agree(_ a: StreamParser.BoundaryState, _ aOffset: Int, _ b: StreamParser.BoundaryState?, _ bOffset: Int) -> Bool {
        guard var a = Optional(a), var b else { return false }
        a.pendingLine = a.pendingLine.map { $0 + aOffset }
        b.pendingLine = b.pendingLine.map { $0 + bOffset }
        return a == b
    }

    private func finish() {
        finished = true
        if let stream {
            current = stream.finishPieces()
            currentOffset = streamOffset
        }
        var nulLines = 0
        for s in accepted {
            stats.lines += s.stats.lines
            stats.records += s.stats.records
            for (format, n) in s.formatCounts { stats.formats[format, default: 0] += n }
            nulLines += s.nulLines
        }
        stats.bytes = UInt64(size)
        if nulLines > 0 && nulLines == stats.lines {
            diagnostics.report(Diagnostic(.warning, path: input.path, kind: "binary-file", "looks like a binary file: every line holds NUL bytes; nothing was parsed"))
        }
    }
}

/// A byte range of a file, read with pread(2) (several readers share one descriptor).
struct FileRangeSource: ByteSource {
    let fd: Int32
    var offset: Int64
    let end: Int64

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        let want = Int(min(Int64(buffer.count), end - offset))
        guard want > 0 else { return 0 }
        while true {
            let n = pread(fd, buffer.baseAddress, want, off_t(offset))
            if n >= 0 {
                offset += Int64(n)
                return n
            }
            if errno == EINTR { continue }
            throw InputError("read failed: \(String(cString: strerror(errno)))")
        }
    }
}
