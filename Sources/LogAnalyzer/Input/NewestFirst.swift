import CSystem
#if canImport(Glibc)
import Glibc
#endif

/// Logs exported newest first: `logcli query` prints the newest entries first unless given
/// `--forward`, and Grafana Explore sorts newest first by default. The sessions, silences and
/// cascades are rebuilt in time order, so such a file is read from its end, line by line.
enum NewestFirst {
    /// Whether `input` is a regular file whose records run newest first: the dated records of
    /// its first 16 KiB go back in time (at least two steps back, at most one in ten forward),
    /// and the last dated record of its last 64 KiB is older than its first. False for gzip and
    /// pipes (they cannot be read backwards) and for text behind a byte-order mark.
    static func isNewestFirst(_ input: InputDescriptor, options: IngestOptions) -> Bool {
        guard input.kind == .file else { return false }
        var st = stat()
        guard stat(input.openPath, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, st.st_size > 0 else { return false }
        let fd = open(input.openPath, O_RDONLY | O_NONBLOCK)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let size = Int64(st.st_size)
        let headBytes = Int64(16 << 10)
        var head = ReadingOrder.read(fd, at: 0, Int(min(headBytes, size)))
        guard head.count >= 2, !(head[0] == 0x1F && head[1] == 0x8B), TextEncoding.sniff(head) == .utf8 else { return false }
        if size > headBytes, let cut = head.lastIndex(of: 0x0A) { head.removeSubrange((cut + 1)...) }
        guard let first = runsBack(head, input, options) else { return false }
        let end = Int64(ReadingOrder.endBytes)
        var tail = ReadingOrder.read(fd, at: max(0, size - end), Int(min(end, size)))
        if size > end {
            guard let nl = tail.firstIndex(of: 0x0A) else { return false }
            tail.removeSubrange(...nl)
        }
        guard let last = datedTimes(tail, input, options).last, last < first else { return false }
        return true
    }

    /// The first dated time of `head`'s records when they go back in time (at least two steps
    /// back, at most one in ten forward), else nil.
    private static func runsBack(_ head: [UInt8], _ input: InputDescriptor, _ options: IngestOptions) -> Timestamp? {
        let headTimes = datedTimes(head, input, options)
        guard let first = headTimes.first else { return nil }
        var back = 0
        var forward = 0
        for (a, b) in zip(headTimes, headTimes.dropFirst()) {
            if b < a { back += 1 } else if b > a { forward += 1 }
        }
        return back >= 2 && forward * 10 <= back ? first : nil
    }

    /// What is said of a JSON document read last entry first.
    static let documentNote = "entries run newest first (gcloud logging read's default order): read from the last entry to the first"

    /// Most bytes of a JSON list that is read last entry first (held in memory twice over, as
    /// text and as lines): a larger one is read in its order.
    static let maxReversedDocumentBytes = 64 << 20

    /// A regular file holding a JSON document whose entries run newest first, as `gcloud logging
    /// read --format=json` prints them unless given `--order=asc` (its default order is `desc`,
    /// newest first; `googlecloudsdk/core/resource/json_printer.py`, `JsonPrinter`, writes the
    /// entries as a JSON list, each indented): the entries as `JSONDocument` makes them lines (a
    /// list over `JSONDocument.maxDocumentBytes`, up to `maxReversedDocumentBytes`, as
    /// `JSONArrayLines` does), the last first, and their count; nil for any other input. The
    /// same test as for lines: the entries' dated times in the first 16 KiB of those lines go
    /// back, and the last dated one of the last 64 KiB is older than the first.
    /// A list cut short (or with bytes after it that are no list) is read so too, `problem`
    /// saying what is wrong (`JSONArraySplitter.endProblem`).
    static func reversedDocument(_ input: InputDescriptor, options: IngestOptions) -> (lines: [UInt8], count: Int, problem: String?)? {
        guard input.kind == .file else { return nil }
        var st = stat()
        guard stat(input.openPath, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, st.st_size > 0 else { return nil }
        let fd = open(input.openPath, O_RDONLY | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        let size = Int64(st.st_size)
        let start = ReadingOrder.read(fd, at: 0, Int(min(Int64(16 << 10), size)))
        guard TextEncoding.sniff(start) == .utf8, JSONDocument.mayStart(start) else { return nil }
        let lines: [UInt8]
        var problem: String?
        if size <= JSONDocument.maxDocumentBytes {
            let document = ReadingOrder.read(fd, at: 0, Int(size))
            guard document.count == Int(size) else { return nil }
            if let documentLines = document.withUnsafeBufferPointer(JSONDocument.lines(of:)) {
                lines = documentLines
            } else {
                // (A list cut short, or lists appended, as `EncodingSource` reads them forwards.)
                guard JSONArraySplitter.readsCutOrConcatenated(document) else { return nil }
                var splitter = JSONArraySplitter()
                var all: [UInt8] = []
                splitter.feed(document, into: &all)
                problem = splitter.endProblem()
                lines = all
            }
        } else {
            // (A list only; its first lines tell whether it runs back before the whole is read.)
            guard size <= maxReversedDocumentBytes, listHeadRunsBack(start, input, options) else { return nil }
            var all: [UInt8] = []
            all.reserveCapacity(Int(size))
            var splitter = JSONArraySplitter()
            let document = ReadingOrder.read(fd, at: 0, Int(size))
            guard document.count == Int(size) else { return nil }
            splitter.feed(document, into: &all)
            problem = splitter.endProblem()
            lines = all
        }
        return reversedLines(lines, input, options).map { ($0.lines, $0.count, problem) }
    }

    /// Whether `input` is a regular file holding a JSON list over `maxReversedDocumentBytes`
    /// whose first entries run newest first (`reversedDocument`'s test on its first 16 KiB): it is
    /// read in its order, and said so.
    static func isListTooLargeToReverse(_ input: InputDescriptor, options: IngestOptions) -> Bool {
        guard input.kind == .file else { return false }
        var st = stat()
        guard stat(input.openPath, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, Int64(st.st_size) > Int64(maxReversedDocumentBytes) else { return false }
        let fd = open(input.openPath, O_RDONLY | O_NONBLOCK)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let start = ReadingOrder.read(fd, at: 0, 16 << 10)
        return TextEncoding.sniff(start) == .utf8 && JSONDocument.mayStart(start) && listHeadRunsBack(start, input, options)
    }

    /// Whether `start`, a file's first bytes, opens a JSON list whose first entries (each made a
    /// line, as `JSONArrayLines` makes them; the last one, cut, left out) run back in time.
    private static func listHeadRunsBack(_ start: [UInt8], _ input: InputDescriptor, _ options: IngestOptions) -> Bool {
        guard JSONArraySplitter.startsList(start) else { return false }
        var splitter = JSONArraySplitter()
        var firstLines: [UInt8] = []
        splitter.feed(start, into: &firstLines)
        if let cut = firstLines.lastIndex(of: 0x0A) { firstLines.removeSubrange((cut + 1)...) }
        return runsBack(firstLines, input, options) != nil
    }

    /// A document read from standard input, which `JSONDocument` made lines in memory (up to
    /// `JSONDocument.maxDocumentBytes`): its lines, the last first, when they run newest first
    /// (`gcloud logging read --format=json | loganalyze analyze -`); nil for any other source.
    static func reversedInput(_ source: any ByteSource, _ input: InputDescriptor, options: IngestOptions) -> (lines: [UInt8], count: Int)? {
        guard input.kind == .stdin, let document = source as? PrefixedSource<EmptySource>, document.offset == 0 else { return nil }
        return reversedLines(document.prefix, input, options)
    }

    /// `lines` (a document's entries, each a line), the last first, and their count, when they
    /// run newest first (the test of `isNewestFirst`); else nil.
    private static func reversedLines(_ lines: [UInt8], _ input: InputDescriptor, _ options: IngestOptions) -> (lines: [UInt8], count: Int)? {
        var head = Array(lines.prefix(16 << 10))
        if lines.count > head.count, let cut = head.lastIndex(of: 0x0A) { head.removeSubrange((cut + 1)...) }
        guard let first = runsBack(head, input, options) else { return nil }
        var tail = Array(lines.suffix(ReadingOrder.endBytes))
        if lines.count > tail.count {
            guard let nl = tail.firstIndex(of: 0x0A) else { return nil }
            tail.removeSubrange(...nl)
        }
        guard let last = datedTimes(tail, input, options).last, last < first else { return nil }
        var reversed: [UInt8] = []
        reversed.reserveCapacity(lines.count)
        var count = 0
        for line in lines.split(separator: 0x0A, omittingEmptySubsequences: false).reversed() where !line.isEmpty {
            reversed += line
            reversed.append(0x0A)
            count += 1
        }
        return (reversed, count)
    }

    /// Lines in a regular file (a last line without a newline counts), or nil.
    static func lineCount(of input: InputDescriptor) -> Int? {
        let fd = open(input.openPath, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return nil }
        return countLines(fd, size: Int64(st.st_size))
    }

    /// The dated times of the records in `bytes`, in order.
    private static func datedTimes(_ bytes: [UInt8], _ input: InputDescriptor, _ options: IngestOptions) -> [Timestamp] {
        ReadingOrder.sampleRecords(bytes, of: input, options: options).compactMap { r in r.time.flatMap { $0.hasDate ? $0 : nil } }
    }

    /// Lines in the file (a last line without a newline counts).
    private static func countLines(_ fd: Int32, size: Int64) -> Int {
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var at: Int64 = 0
        var lines = 0
        var lastByte: UInt8 = 0x0A
        while at < size {
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(at)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            buffer.withUnsafeBufferPointer { b in
                var p = 0
                while p < n, let hit = memchr(b.baseAddress! + p, 0x0A, n - p) {
                    lines += 1
                    p = b.baseAddress!.distance(to: hit.assumingMemoryBound(to: UInt8.self)) + 1
                }
            }
            lastByte = buffer[n - 1]
            at += Int64(n)
        }
        return lines + (lastByte == 0x0A ? 0 : 1)
    }
}

/// A regular file's lines from the last to the first, each ended by `\n`. A line longer than
/// `maxLineBytes` keeps its first `maxLineBytes` bytes and one more (the line reader then cuts
/// it and says so, as for a file read forwards).
struct ReversedLineSource: ByteSource {
    let fd: Int32
    private var position: Int64
    private let maxLineBytes: Int
    /// Bytes read from before `position` whose lines are not handed out yet (a partial first line
    /// at its start).
    private var block: [UInt8] = []
    /// The lines ready to hand out, in order, and how far they are handed out.
    private var out: [UInt8] = []
    private var outHead = 0
    /// The end of the file's last line had no newline: one is added.
    private var first = true

    init(fd: Int32, size: Int64, maxLineBytes: Int) {
        self.fd = fd
        position = size
        self.maxLineBytes = maxLineBytes
    }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        while outHead == out.count {
            if position == 0 && block.isEmpty { return 0 }
            out.removeAll(keepingCapacity: true)
            outHead = 0
            try fill()
        }
        let count = min(buffer.count, out.count - outHead)
        out.withUnsafeBytes { src in buffer.baseAddress!.copyMemory(from: src.baseAddress! + outHead, byteCount: count) }
        outHead += count
        return count
    }

    /// Reads the block before `position` and moves its whole lines, last first, to `out`.
    private mutating func fill() throws(InputError) {
        if position == 0 {
            // The file's first line.
            emit(block)
            block = []
            return
        }
        let step = Int64(1 << 20)
        let start = max(0, position - step)
        var chunk = [UInt8](repeating: 0, count: Int(position - start))
        var got = 0
        while got < chunk.count {
            let n = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + got, $0.count - got, off_t(start) + off_t(got)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw InputError("read failed: \(n < 0 ? String(cString: strerror(errno)) : "the file shrank")") }
            got += n
        }
        position = start
        if first {
            first = false
            if chunk.last != 0x0A { block = [0x0A] }
        }
        block = chunk + block
        // Every line that starts after a newline in `block` is whole: hand them out, last first.
        var end = block.count
        block.withUnsafeBufferPointer { b in
            // (The newline ending the block's last line is not searched: `end - 1`.)
            while end > 1, let hit = csystem_memrchr(b.baseAddress!, 0x0A, end - 1) {
                let k = b.baseAddress!.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                emit(b[(k + 1)..<end])
                end = k + 1
            }
        }
        block.removeSubrange(end...)
        // A line longer than the limit: its later part is not needed (only its first bytes are kept).
        if block.count > maxLineBytes + 2 { block.removeSubrange((maxLineBytes + 1)..<(block.count - 1)) }
    }

    /// Hands out one line (with its newline, if it has one): its first `maxLineBytes + 1` bytes.
    private mutating func emit(_ line: some BidirectionalCollection<UInt8>) {
        guard !line.isEmpty else { return }
        let hasNewline = line.last == 0x0A
        let text = line.count - (hasNewline ? 1 : 0)
        out += line.prefix(min(text, maxLineBytes + 1))
        out.append(0x0A)
    }
}
