import CSystem

#if canImport(Glibc)
import Glibc
#endif

/// A file that holds several sources' logs one after the other: `kubectl logs -l app=agent
/// --prefix` (without `-f`) prints each pod's whole log in turn (kubectl's sequential consumer),
/// every line behind its `[pod/<pod>/<container>] `. Read in that order, the second pod's lines
/// go back in time, and the sessions of the first, finalised after an idle time of log time,
/// were cut from them. Each source's block is read on its own and the blocks merged by time,
/// as the same logs in separate files are.
enum SourceBlocks {
    /// A block: its bytes in the file and the number of its first line.
    struct Block: Equatable {
        var range: Range<Int64>
        var firstLine: Int
    }

    /// Most blocks read at once (past this, the file is read in its order).
    static let maxBlocks = 256

    /// The blocks of a plain file whose first line has kubectl's `[pod/…] ` prefix and in which
    /// each source's lines are one run (at least two); nil otherwise (a `kubectl logs -f` file,
    /// whose pods' lines interleave, is read in its order). Lines without a prefix (a record's
    /// continuation) stay in their block.
    static func scan(_ input: InputDescriptor) -> [Block]? {
        guard input.kind == .file else { return nil }
        let fd = open(input.openPath, O_RDONLY | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, st.st_size > 0 else { return nil }
        let first = ReadingOrder.read(fd, at: 0, 5)
        guard first == Array("[pod/".utf8) else { return nil }
        let capacity = 1 << 20
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { buffer.deallocate() }
        var blocks: [Block] = []
        var seen = Set<[UInt8]>()
        var current: [UInt8] = []
        var base: Int64 = 0
        var count = 0
        var line = 0
        var lineStart = 0
        // A whole line at buffer[lineStart..<end] (without its newline).
        func take(_ start: Int, _ end: Int) -> Bool {
            line += 1
            guard end - start > 6, buffer[start] == 0x5B, buffer[start + 1] == 0x70, buffer[start + 2] == 0x6F, buffer[start + 3] == 0x64,
                buffer[start + 4] == 0x2F
            else { return true }
            guard let close = memchr(buffer + start, 0x5D, end - start) else { return true }
            let prefix = Array(UnsafeBufferPointer(start: buffer + start, count: UnsafeRawPointer(close) - UnsafeRawPointer(buffer + start)))
            if prefix == current { return true }
            // A source seen before, after another: the pods' lines interleave.
            guard seen.insert(prefix).inserted, blocks.count < maxBlocks else { return false }
            current = prefix
            if var last = blocks.popLast() {
                last.range = last.range.lowerBound..<(base + Int64(start))
                blocks.append(last)
            }
            blocks.append(Block(range: (base + Int64(start))..<(base + Int64(start)), firstLine: line))
            return true
        }
        while true {
            let n = pread(fd, buffer + count, capacity - count, off_t(base + Int64(count)))
            if n <= 0 {
                if count > lineStart, !take(lineStart, count) { return nil }
                break
            }
            count += n
            var from = lineStart
            while from < count, let nl = memchr(buffer + from, 0x0A, count - from) {
                let end = UnsafeRawPointer(nl) - UnsafeRawPointer(buffer)
                if !take(from, end) { return nil }
                from = end + 1
            }
            lineStart = from
            if lineStart == 0 && count == capacity {
                // A line longer than the buffer: counted, its prefix read, the rest skipped.
                if !take(0, count) { return nil }
                line -= 1
                base += Int64(count)
                count = 0
                continue
            }
            memmove(buffer, buffer + lineStart, count - lineStart)
            base += Int64(lineStart)
            count -= lineStart
            lineStart = 0
        }
        guard blocks.count >= 2, var last = blocks.popLast() else { return nil }
        last.range = last.range.lowerBound..<Int64(st.st_size)
        blocks.append(last)
        return blocks
    }
}

/// The records of a file's source blocks (`SourceBlocks`), each read as a piece of the file,
/// merged by time on the reading thread (a record without a time keeps its place after its
/// block's previous record).
final class SourceBlockReader {
    let input: InputDescriptor
    private let streams: [RecordStream]
    private var heap: MergeHeap
    private var clocks: [Int64]
    private var started = false
    /// The block whose record was consumed last: read on at the next `ensure`.
    private var taken: Int?
    private let fd: Int32

    init?(_ input: InputDescriptor, index: Int, blocks: [SourceBlocks.Block], options: IngestOptions, referenceDay: Int64?,
          classifier: EventClassifier?, diagnostics: inout DiagnosticSink)
    {
        let fd = open(input.openPath, O_RDONLY)
        guard fd >= 0 else { return nil }
        self.fd = fd
        self.input = input
        // (Smaller reads past 16 blocks: each block holds what it read ahead while it waits.)
        let chunk = blocks.count > 16 ? 16 << 10 : 256 << 10
        streams = blocks.map { block in
            let source = FileRangeSource(fd: fd, offset: block.range.lowerBound, end: block.range.upperBound)
            let stream = RecordStream(piece: input, index: index, options: options, referenceDay: referenceDay, classifier: classifier,
                                      reader: LineReader(source: source, maxLineBytes: options.maxLineBytes, chunkBytes: chunk), primed: false)
            stream.lineOffset = block.firstLine - 1
            return stream
        }
        heap = MergeHeap(capacity: blocks.count)
        clocks = [Int64](repeating: .min, count: blocks.count)
        diagnostics.report(Diagnostic(.note, path: input.path, kind: "source-blocks",
            "holds \(blocks.count) sources' logs one after the other (`kubectl logs -l … --prefix` prints each pod's in turn): each read on its own and merged by time"))
    }

    deinit { close(fd) }

    func ensure(diagnostics: inout DiagnosticSink) -> Bool {
        if !started {
            started = true
            for k in streams.indices where streams[k].ensure(diagnostics: &diagnostics) {
                heap.push(streams[k].headTime?.micros ?? clocks[k], k)
            }
        } else if let k = taken {
            taken = nil
            if streams[k].ensure(diagnostics: &diagnostics) {
                heap.replaceTop(streams[k].headTime?.micros ?? clocks[k])
            } else {
                heap.popTop()
                if let error = streams[k].pieceReadError {
                    diagnostics.report(Diagnostic(.warning, path: input.path, kind: "read-error", error.message))
                }
            }
        }
        return heap.top != nil
    }

    var headTime: Timestamp? { heap.top.flatMap { streams[$0].headTime } }

    func consume(_ body: (inout LogRecord) -> Void) {
        guard let k = heap.top else { return }
        streams[k].consume { (record: inout LogRecord) in
            if let t = record.time { clocks[k] = t.micros }
            body(&record)
        }
        taken = k
    }

    func drain(diagnostics: inout DiagnosticSink, _ body: (inout LogRecord) -> Void) {
        while ensure(diagnostics: &diagnostics) { consume(body) }
    }

    /// The blocks' counts, summed.
    var stats: InputStats {
        var total = InputStats()
        for s in streams {
            total.bytes += s.stats.bytes
            total.lines += s.stats.lines
            total.records += s.stats.records
            total.formats.merge(s.stats.formats, uniquingKeysWith: +)
        }
        return total
    }
}
