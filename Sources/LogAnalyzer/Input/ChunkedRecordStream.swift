import CSystem
import Foundation

/// Reads one input on several threads (`--jobs`): the input is cut into pieces at line
/// boundaries, the pieces are parsed in parallel, and `next()` hands out their records in input
/// order (`ensure`, `headTime`, `consume`), exactly as one reader would have produced them.
///
/// A large plain file is cut by offset and each piece read with pread(2). Any other input
/// (standard input, a pipe, gzip) is read in order, a block at a time, by whichever thread claims
/// the next piece, and parsed in parallel all the same.
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
    /// The piece size used: the one asked for, or larger (see `maxPieces`).
    let pieceBytes: Int64
    /// Stream mode: the size blocks are cut at: 64 KiB for the first, then `pieceBytes`, or less
    /// for short lines (see `recordsPerPiece`).
    private var blockBytes: Int64
    private let window: Int

    /// File mode: the file, its size at open, cut by offset.
    private let fd: Int32
    private let size: Int64
    /// File mode: each piece's bounds (`bounds(_:)`).
    private var boundaries: [(prime: Int64, start: Int64)] = []
    /// Stream mode: read in order, one block per piece, by the thread holding `reading`.
    private let isStream: Bool
    private var source: (any ByteSource)?
    private var carry: [UInt8] = []
    private var lastLine: [UInt8] = []
    private var streamBytes: UInt64 = 0
    /// A block that finds no line end within this many bytes ends the splitting (a line that
    /// long): the rest is read in line. (8 MiB by default: the blocks in flight, a few per
    /// worker, stay small; the line reader cuts a line at 1 MiB anyway.)
    private let longestBlock: Int

    /// Shared with the workers, under `condition`.
    private let condition = NSCondition()
    private var results: [Int: Piece] = [:]
    /// Pieces there are (stream mode: unknown, `Int.max`, until the input ends).
    private var pieceCount: Int
    private var claimed = 0
    private var consumed = 0
    private var reading = false
    /// Pieces the reader is done with, by the thread that parsed them (1...; the reading thread
    /// is 0): that thread frees the records (memory goes back to the allocator arena it came
    /// from, without contention), and the emptied arrays are filled again (no fresh pages).
    private var trash: [Int: [[LogRecord]]] = [:]
    private var spare: [[LogRecord]] = []

    /// Reading thread only.
    private var current: [LogRecord] = []
    private var currentProducer = 0
    private var currentOffset = 0
    private var position = 0
    /// The stream whose parser is in the state the pieces read so far ended in, and the offset
    /// from its line numbers to the input's.
    private var stream: RecordStream?
    private var streamOffset = 0
    private var linesBefore = 0
    private var nextPiece = 0
    /// Counts of the streams that parsed earlier pieces. A stream is let go once the next piece's
    /// stream takes over (each holds its parser's buffers), so only its counts are kept.
    private var earlier = (lines: 0, records: 0, formats: [LogFormat: Int](), nulLines: 0)
    /// After an over-long line (stream mode): the rest is read in line by `stream`.
    private var inLine = false
    private var inLineSink = DiagnosticSink(keepPerKind: 3)
    private var readError: InputError?
    private var finished = false
    private(set) var stats = InputStats()
    /// Pieces whose priming did not reproduce the state before them (parsed again in line).
    private(set) var reparsedPieces = 0
    /// Diagnostics of the pieces, in input order; complete once `next()` returned nil.
    private(set) var diagnostics = DiagnosticSink()

    private struct Piece {
        var stream: RecordStream?
        var records: [LogRecord]
        var diagnostics: DiagnosticSink
        /// The piece's own lines, without the priming line (to parse it again in line).
        var body: (any ByteSource)?
        var producer = 0
        /// Stream mode: the input failed after this piece (its bytes before the failure are in it).
        var error: InputError?
        /// Stream mode: this piece and the rest of the input, to be read in line.
        var rest: (any ByteSource)?
    }

    /// A plain file is cut into at most this many pieces: a smaller piece size is raised for it,
    /// though not above `defaultPieceBytes` (each piece costs about 20 µs to set up: 1-byte
    /// pieces of a 20 MB file never finished, 16-byte ones took 25 s).
    static let maxPieces: Int64 = 1024
    /// Records a piece holds at most, about: the pieces parsed ahead (a few per worker) hold
    /// their records until the reader takes them.
    static let recordsPerPiece: Int64 = 16_384

    /// The largest piece size that keeps about `recordsPerPiece` lines of the kind in `sample`
    /// (its first bytes) in a piece, at least 16 KiB.
    static func pieceBytes(forLinesIn sample: ArraySlice<UInt8>) -> Int64 {
        let lines = sample.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        guard lines > 0 else { return .max }
        return max(16 << 10, Int64(sample.count / lines) * recordsPerPiece)
    }
    static let defaultPieceBytes: Int64 = 512 << 10

    /// A split reader for `input`, or nil when it is read in line: fewer than two workers, an
    /// input in memory, or a plain file shorter than two pieces. Any other file, standard input
    /// and gzip are split as they are read; one that cannot be opened yields no records and the
    /// "unreadable" diagnostic.
    static func make(
        _ input: InputDescriptor, index: Int, options: IngestOptions, referenceDay: Int64?, classifier: EventClassifier?,
        workers: Int, pieceBytes: Int, longestBlock: Int = 8 << 20
    ) -> ChunkedRecordStream? {
        guard input.kind != .memory, workers >= 2, pieceBytes > 0 else { return nil }
        // (Only a regular file is opened here: opening a named pipe and closing it again would
        // drop what its writer had written, if the writer is already done.)
        var pathStat = stat()
        if input.kind == .file, stat(input.openPath, &pathStat) == 0, (pathStat.st_mode & S_IFMT) == S_IFREG {
            let fd = open(input.openPath, O_RDONLY)
            if fd >= 0 {
                var st = stat()
                var sample = [UInt8](repeating: 0, count: 64 << 10)
                let got = max(0, sample.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) })
                let head = sample[0..<got]
                // (gzip, text behind a byte-order mark, lines ended by bare CRs and a document
                // that may hold Sentry breadcrumbs are read in order and decoded.)
                let isPlainFile = fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
                    && !(got >= 2 && head[0] == 0x1F && head[1] == 0x8B) && CompressedFormat.detect(head) == nil && TextEncoding.sniff(head) == .utf8 && !TextEncoding.endsLinesWithCR(head)
                    && !JSONDocument.mayStart(head)
                if isPlainFile {
                    let size = Int64(st.st_size)
                    var pieceBytes = max(Int64(pieceBytes), min(Self.defaultPieceBytes, (size + Self.maxPieces - 1) / Self.maxPieces))
                    // Lines far shorter than a log's make pieces of many records: fewer bytes then.
                    if got > 0 { pieceBytes = min(pieceBytes, Self.pieceBytes(forLinesIn: head)) }
                    // (A newest-first file is read from its end, in line: only a regular file
                    // can be, and the check is made once, for a file large enough to split.)
                    guard size >= 2 * pieceBytes, !NewestFirst.isNewestFirst(input, options: options) else {
                        close(fd)
                        return nil
                    }
                    return ChunkedRecordStream(
                        input, index: index, options: options, referenceDay: referenceDay, classifier: classifier, fd: fd,
                        size: size, workers: workers, pieceBytes: pieceBytes, longestBlock: longestBlock)
                }
                close(fd)
                // (A JSON document whose entries run newest first is read last entry first, in line.)
                if JSONDocument.mayStart(head), NewestFirst.reversedDocument(input, options: options) != nil { return nil }
            }
        }
        return ChunkedRecordStream(
            input, index: index, options: options, referenceDay: referenceDay, classifier: classifier, fd: -1, size: 0,
            workers: workers, pieceBytes: Int64(pieceBytes), longestBlock: longestBlock)
    }

    private init(
        _ input: InputDescriptor, index: Int, options: IngestOptions, referenceDay: Int64?, classifier: EventClassifier?, fd: Int32,
        size: Int64, workers: Int, pieceBytes: Int64, longestBlock: Int
    ) {
        self.input = input
        self.index = index
        self.options = options
        self.referenceDay = referenceDay
        self.classifier = classifier
        self.fd = fd
        self.size = size
        self.pieceBytes = pieceBytes
        // (The first block is small: it is the sample the others are sized by.)
        blockBytes = min(pieceBytes, 64 << 10)
        self.longestBlock = max(longestBlock, Int(pieceBytes))
        isStream = fd < 0
        if isStream {
            var sink = DiagnosticSink()
            if let (source, _) = RecordStream.openSource(input, options: options, diagnostics: &sink) {
                self.source = source
                // (Standard input's document, in memory, newest first: as `RecordStream` reads it.)
                if let (lines, _) = NewestFirst.reversedInput(source, input, options: options) {
                    self.source = PrefixedSource(prefix: lines, inner: EmptySource())
                    sink.report(Diagnostic(.note, path: input.path, kind: "newest-first", NewestFirst.documentNote))
                }
                pieceCount = .max
            } else {
                pieceCount = 0
                stats.readable = false
            }
            diagnostics.merge(sink)
        } else {
            pieceCount = Int((size + pieceBytes - 1) / pieceBytes)
            boundaries = Self.boundaries(fd: fd, size: size, pieceBytes: pieceBytes, count: pieceCount)
        }
        // Pieces parsed ahead of the reader at most: bounds memory to a few pieces per worker.
        window = 2 * workers + 1
        // The reading thread parses pieces too when it would wait (see `advance`).
        for worker in 1..<workers where pieceCount > 0 {
            let thread = Thread { [self] in self.work(worker) }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    deinit {
        if fd >= 0 { close(fd) }
    }

    // MARK: workers

    private func work(_ me: Int) {
        // The reading thread (session tracking) is the one the others wait for: the workers
        // yield the CPU to it when they share one (nice +5: a quarter of a contended core).
        _ = csystem_nice_current_thread(5)
        condition.lock()
        while true {
            if var garbage = trash.removeValue(forKey: me) {
                condition.unlock()
                for i in garbage.indices { garbage[i].removeAll(keepingCapacity: true) }
                condition.lock()
                spare += garbage
                continue
            }
            if claimOne(me) { continue }
            if claimed >= pieceCount && !reading { break }
            condition.wait()
        }
        condition.unlock()
    }

    /// Parses the next unclaimed piece, if the window allows one. Called with `condition`
    /// locked; returns with it locked.
    private func claimOne(_ me: Int) -> Bool {
        guard claimed < pieceCount, claimed < consumed + window, !(isStream && reading) else { return false }
        let i = claimed
        claimed += 1
        let records = spare.popLast() ?? []
        var piece: Piece
        if isStream {
            // Blocks are read in order: one thread at a time, the piece index taken with the turn.
            reading = true
            condition.unlock()
            let block = readBlock()
            condition.lock()
            reading = false
            if block.last { pieceCount = claimed }
            condition.broadcast()
            condition.unlock()
            piece = parse(i, block: block, into: records)
        } else {
            condition.unlock()
            piece = parse(i, into: records)
        }
        piece.producer = me
        condition.lock()
        results[i] = piece
        condition.broadcast()
        return true
    }

    // MARK: file mode

    /// Where piece `i` starts, and where its priming line (the line before) starts.
    private func bounds(_ i: Int) -> (prime: Int64, start: Int64) {
        i < boundaries.count ? boundaries[i] : (size, size)
    }

    /// Every piece's bounds, found in order before the pieces are read: the line after the first
    /// newline at or after a piece's nominal offset primes it, and it starts after that line.
    /// A line longer than a piece is scanned once (its end serves every nominal offset inside it:
    /// those pieces are empty), not once per piece it spans.
    static func boundaries(fd: Int32, size: Int64, pieceBytes: Int64, count: Int) -> [(prime: Int64, start: Int64)] {
        var result: [(prime: Int64, start: Int64)] = [(0, 0)]
        result.reserveCapacity(count + 1)
        // The last two scans (a boundary's two newlines): the next nominal offset may fall in either.
        var scans: [(from: Int64, found: Int64?)] = []
        func newline(_ offset: Int64) -> Int64? {
            for scan in scans where offset >= scan.from && scan.found.map({ offset <= $0 }) ?? true { return scan.found }
            let found = Self.newline(fd: fd, size: size, from: offset)
            scans = (scans + [(offset, found)]).suffix(2)
            return found
        }
        for i in 1..<max(1, count) {
            guard let first = newline(Int64(i) * pieceBytes), let second = newline(first + 1) else { break }
            result.append((first + 1, second + 1))
        }
        return result
    }

    /// Offset of the first `\n` at or after `offset`: 4 KiB read first (most lines are short),
    /// then 64 KiB at a time.
    static func newline(fd: Int32, size: Int64, from offset: Int64) -> Int64? {
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        var at = offset
        var want = 4 << 10
        while at < size {
            let n = buffer.withUnsafeMutableBytes { b in pread(fd, b.baseAddress, want, off_t(at)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return nil }
            if let k = buffer.withUnsafeBytes({ b in memchr(b.baseAddress!, 0x0A, n).map { b.baseAddress!.distance(to: UnsafeRawPointer($0)) } }) {
                return at + Int64(k)
            }
            at += Int64(n)
            want = buffer.count
        }
        return nil
    }

    private func parse(_ i: Int, into records: [LogRecord]) -> Piece {
        let (prime, start) = bounds(i)
        let end = bounds(i + 1).start
        guard start < end else { return Piece(stream: nil, records: records, diagnostics: DiagnosticSink()) }
        let source = FileRangeSource(fd: fd, offset: i > 0 ? prime : start, end: end)
        var piece = parse(source, primed: i > 0, into: records)
        piece.body = FileRangeSource(fd: fd, offset: start, end: end)
        return piece
    }

    private func parse(_ source: any ByteSource, primed: Bool, into records: [LogRecord]) -> Piece {
        parse(RecordStream.pieceReader(source, options), primed: primed, into: records)
    }

    private func parse(_ reader: LineReader, primed: Bool, into records: [LogRecord]) -> Piece {
        var sink = DiagnosticSink(keepPerKind: 3)
        var records = records
        let stream = RecordStream(
            piece: input, index: index, options: options, referenceDay: referenceDay, classifier: classifier, reader: reader, primed: primed)
        stream.parsePiece(into: &records, diagnostics: &sink)
        return Piece(stream: stream, records: records, diagnostics: sink)
    }

    // MARK: stream mode

    private struct Block {
        var prime: [UInt8]
        var body: ByteBlock?
        var last = false
        var error: InputError?
        /// The input from here on is to be read in line (a line longer than `longestBlock`).
        var rest: (any ByteSource)?
    }

    /// The next block of whole lines (at least `pieceBytes` unless the input ends). Only the
    /// thread that set `reading` calls this.
    private func readBlock() -> Block {
        let step = 1 << 20
        let pieceBytes = blockBytes
        let block = ByteBlock(capacity: carry.count + Int(pieceBytes) + (64 << 10))
        carry.withUnsafeBufferPointer { block.append($0) }
        carry = []
        let prime = lastLine
        var error: InputError?
        var ended = false
        var cut = -1
        // The last line end so far (searched only in what each read adds).
        var lastEnd = Self.lastNewline(block.bytes)
        while true {
            if block.count >= Int(pieceBytes), let nl = lastEnd {
                cut = nl + 1
                break
            }
            if block.count > longestBlock {
                // No line end in sight: stop splitting; the rest is read in line.
                let rest = PrefixedSource(prefix: Array(block.bytes), inner: SourceBox(source!))
                source = nil
                return Block(prime: prime, body: nil, last: true, rest: rest)
            }
            let old = block.count
            // Up to the piece size and a little more (the bytes after the cut are copied into
            // the next block); past it, a line longer than that, by larger reads.
            let want = old < Int(pieceBytes) ? Int(pieceBytes) - old + (16 << 10) : step
            var n = 0
            do throws(InputError) {
                n = try block.fill(from: &source!, want: want)
            } catch let failure {
                error = failure
            }
            if n > 0, let nl = Self.lastNewline(block.bytes, from: old) { lastEnd = nl }
            if error != nil || n == 0 {
                ended = true
                break
            }
        }
        if ended {
            streamBytes += UInt64(block.count)
            source = nil
            return Block(prime: prime, body: block, last: true, error: error)
        }
        carry = Array(block.bytes[cut...])
        block.truncate(to: cut)
        if streamBytes == 0 {
            // The first block tells the lines' length: short lines, smaller blocks after it.
            blockBytes = min(pieceBytes, Self.pieceBytes(forLinesIn: ArraySlice(block.bytes[0..<min(block.count, 64 << 10)])))
        }
        streamBytes += UInt64(block.count)
        // The block's last line primes the next piece.
        let lineStart = Self.lastNewline(block.bytes, before: block.count - 1).map { $0 + 1 } ?? 0
        lastLine = Array(block.bytes[lineStart..<(block.count - 1)])
        return Block(prime: prime, body: block)
    }

    /// The last `\n` in `b[from..<end]`.
    private static func lastNewline(_ bytes: UnsafeBufferPointer<UInt8>, from: Int = 0, before end: Int? = nil) -> Int? {
        let stop = end ?? bytes.count
        guard stop > from else { return nil }
        // The last line end is one line from the end: a backward byte loop is enough.
        var i = stop - 1
        while i >= from && bytes[i] != 0x0A { i -= 1 }
        return i >= from ? i : nil
    }

    private func parse(_ i: Int, block: Block, into records: [LogRecord]) -> Piece {
        if let rest = block.rest { return Piece(stream: nil, records: records, diagnostics: DiagnosticSink(), rest: rest) }
        let body = block.body ?? ByteBlock(capacity: 1)
        guard body.count > 0 || i == 0 else {
            return Piece(stream: nil, records: records, diagnostics: DiagnosticSink(), error: block.error)
        }
        // The lines are parsed where they lie in the block, after the priming line.
        let prime = ByteBlock(capacity: block.prime.count + 1)
        if i > 0 {
            block.prime.withUnsafeBufferPointer { prime.append($0) }
            [UInt8(0x0A)].withUnsafeBufferPointer { prime.append($0) }
        }
        let reader = LineReader(
            segments: i > 0 ? [prime.bytes, body.bytes] : [body.bytes], owners: [prime, body], maxLineBytes: options.maxLineBytes)
        var piece = parse(reader, primed: i > 0, into: records)
        piece.body = BlockSource(body)
        piece.error = block.error
        return piece
    }

    // MARK: reading thread

    /// The clock as the pieces read so far left it (after the input ended: as it ended), or nil
    /// when no piece was read.
    var clockCarry: StreamClock.Carry? { stream?.clockCarry }

    /// Whether a record is waiting (parsing or waiting for pieces until one is, or the input ends).
    func ensure() -> Bool {
        while position >= current.count {
            if finished { return false }
            if inLine {
                // After an over-long line: one record at a time from the in-line stream.
                if let r = stream!.next(diagnostics: &inLineSink) {
                    current = [r]
                    position = 0
                    currentOffset = streamOffset
                    currentProducer = 0
                } else {
                    current = []
                    finish()
                }
                continue
            }
            advance()
        }
        return true
    }

    /// The time of the waiting record (after `ensure` returned true).
    var headTime: Timestamp? { current[position].time }

    /// Hands the waiting record to `body` where it lies, and moves past it.
    func consume(_ body: (inout LogRecord) -> Void) {
        let offset = currentOffset
        current.withUnsafeMutableBufferPointer { records in
            records[position].line += offset
            body(&records[position])
        }
        position += 1
    }

    /// Every remaining record, handed to `body` where it lies, a piece at a time: the one-input
    /// path. (Per record, `ensure` + `consume` cost the reading thread, the bottleneck, 17 % of a
    /// `--jobs 2` run on 1 GiB: 3.24 s against 2.77 s.) Records are lent `inout`: passed by
    /// value, each would be copied out of its array (every string retained and released again).
    func drain(_ body: (inout LogRecord) -> Void) {
        while ensure() {
            let offset = currentOffset
            current.withUnsafeMutableBufferPointer { records in
                for i in position..<records.count {
                    records[i].line += offset
                    body(&records[i])
                }
            }
            position = current.count
        }
    }

    private func advance() {
        var done: [LogRecord] = []
        swap(&done, &current)
        position = 0
        condition.lock()
        if currentProducer != 0 && claimed < pieceCount {
            // Moved, not copied: with a second reference here, the records would be freed on
            // this thread after all.
            trash[currentProducer, default: []].append(consume done)
        } else if done.capacity > 0 {
            condition.unlock()
            done.removeAll(keepingCapacity: true)
            condition.lock()
            spare.append(done)
        }
        condition.broadcast()
        // Rather than wait, parse an unclaimed piece here: the reading thread is one of the
        // `jobs` threads, so the machine is not oversubscribed.
        while results[nextPiece] == nil && nextPiece < pieceCount {
            if claimOne(0) { continue }
            condition.wait()
        }
        guard let piece = results.removeValue(forKey: nextPiece) else {
            // The input ended exactly at the previous piece.
            condition.unlock()
            finish()
            return
        }
        consumed += 1
        condition.broadcast()
        condition.unlock()
        let i = nextPiece
        nextPiece += 1
        if let error = piece.error ?? piece.stream?.pieceReadError, readError == nil { readError = error }
        if let rest = piece.rest {
            // The rest of the input, in line, from the state the pieces before ended in.
            if let stream {
                stream.resume(source: rest, lineOffset: linesBefore - streamOffset, options: options)
            } else {
                let fresh = RecordStream(
                    piece: input, index: index, options: options, referenceDay: referenceDay, classifier: classifier, source: rest, primed: false)
                stream = fresh
                streamOffset = 0
            }
            inLine = true
            return
        }
        guard let pieceStream = piece.stream else { return }
        // Lines of piece i are numbered from its priming line (1), which is the input's line `linesBefore`.
        let offset = i == 0 ? 0 : linesBefore - 1
        if let stream, !Self.agree(stream.boundaryState, streamOffset, pieceStream.primedState, offset) {
            var sink = DiagnosticSink(keepPerKind: 3)
            let before = stream.stats.lines
            current = stream.continuePiece(source: piece.body!, lineOffset: linesBefore - streamOffset, options: options, diagnostics: &sink)
            if readError == nil, let error = stream.pieceReadError { readError = error }
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
        if let stream { count(stream) }
        stream = pieceStream
        streamOffset = offset
        linesBefore += pieceStream.stats.lines
    }

    /// Whether the state a piece ended in (`a`, lines + `aOffset`) is the state the next piece
    /// was primed into (`b`, lines + `bOffset`).
    private static func agree(_ a: StreamParser.BoundaryState, _ aOffset: Int, _ b: StreamParser.BoundaryState?, _ bOffset: Int) -> Bool {
        guard var b else { return false }
        var a = a
        a.pendingLine = a.pendingLine.map { $0 + aOffset }
        b.pendingLine = b.pendingLine.map { $0 + bOffset }
        a.splitStdoutLine = a.splitStdoutLine.map { $0 + aOffset }
        b.splitStdoutLine = b.splitStdoutLine.map { $0 + bOffset }
        a.splitStderrLine = a.splitStderrLine.map { $0 + aOffset }
        b.splitStderrLine = b.splitStderrLine.map { $0 + bOffset }
        a.parkedLines = a.parkedLines.map { $0 + aOffset }
        b.parkedLines = b.parkedLines.map { $0 + bOffset }
        return a == b
    }

    private func count(_ s: RecordStream) {
        earlier.lines += s.stats.lines
        earlier.records += s.stats.records
        for (format, n) in s.formatCounts { earlier.formats[format, default: 0] += n }
        earlier.nulLines += s.nulLines
    }

    private func finish() {
        if finished { return }
        finished = true
        if inLine {
            diagnostics.merge(inLineSink, lineOffset: streamOffset)
            if let error = stream?.pieceReadError { readError = error }
        } else if let stream {
            current = stream.finishPieces()
            currentOffset = streamOffset
        }
        if let stream { count(stream) }
        stats.lines += earlier.lines
        stats.records += earlier.records
        for (format, n) in earlier.formats { stats.formats[format, default: 0] += n }
        let nulLines = earlier.nulLines
        stats.bytes = isStream ? streamBytes + (inLine ? stream!.stats.bytes : 0) : UInt64(size)
        if let readError {
            diagnostics.report(Diagnostic(.warning, path: input.path, line: stats.lines, kind: "read-error", "\(readError.message); \(InputStats.keptBefore(stats.lines))"))
        }
        if nulLines > 0 && nulLines == stats.lines {
            diagnostics.report(Diagnostic(.warning, path: input.path, kind: "binary-file", "looks like a binary file: every line holds NUL bytes; nothing was parsed"))
        }
        if stats.readable && readError == nil && stats.bytes == 0 {
            diagnostics.report(Diagnostic(.note, path: input.path, kind: "empty", "empty: nothing to read"))
        }
    }
}

/// Any byte source behind one concrete type (for `PrefixedSource`'s generic parameter).
struct SourceBox: ByteSource {
    var inner: any ByteSource
    init(_ inner: any ByteSource) { self.inner = inner }
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int { try inner.read(into: buffer) }
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
            // (An end of file before the end of the range: the file is shorter than at the start.)
            if n == 0 { throw InputError("the file shrank while it was read (truncated, e.g. by a log rotation with copytruncate): read up to byte \(offset)") }
            if n > 0 {
                offset += Int64(n)
                return n
            }
            if errno == EINTR { continue }
            throw InputError("read failed: \(String(cString: strerror(errno)))")
        }
    }
}
