#if canImport(Glibc)
import Glibc
#endif

/// Which inputs are read together, merged by time, and in which order.
///
/// Inputs that overlap in time (a worker, the server and a browser of the same incident) must be
/// merged record by record. Inputs that follow one another (rotated logs: `agent.log.3`,
/// `agent.log.2`, …) need not be: reading them one after the other in time order gives the same
/// records in the same order as the merge, while only one is open. With `--jobs`, that one is
/// then cut into pieces parsed in parallel, as a single large file is, rather than each input
/// getting a thread that mostly waits for its turn.
enum ReadingOrder {
    /// Inputs whose time ranges are estimated at most (past this, they are merged as before).
    static let maxEstimated = 1024
    /// Bytes read at each end of a file to estimate its range.
    static let endBytes = 64 << 10

    /// Groups of input indices, each merged by time and read in this order. Without a range for
    /// every input, or when all of them overlap, this is the plain split into groups of `width`.
    /// Empty files (`empty`: a log just rotated away) hold no record to order: they need no range
    /// and are read first.
    static func groups(_ ranges: [ClosedRange<Timestamp>?], empty: Set<Int> = [], width: Int) -> [[Int]] {
        let n = ranges.count
        func split(_ indices: [Int]) -> [[Int]] {
            stride(from: 0, to: indices.count, by: width).map { Array(indices[$0..<min(indices.count, $0 + width)]) }
        }
        let timed = (0..<n).filter { !empty.contains($0) }
        guard timed.count > 1, timed.allSatisfy({ ranges[$0] != nil }) else { return split(Array(0..<n)) }
        let byStart = timed.sorted { (ranges[$0]!.lowerBound, $0) < (ranges[$1]!.lowerBound, $1) }
        var clusters: [[Int]] = []
        var end = Timestamp(micros: .min)
        for i in byStart {
            let r = ranges[i]!
            // Touching counts as overlapping: a tie is broken by input order in the merge.
            if !clusters.isEmpty && r.lowerBound <= end {
                clusters[clusters.count - 1].append(i)
                end = max(end, r.upperBound)
            } else {
                clusters.append([i])
                end = r.upperBound
            }
        }
        guard clusters.count > 1 else { return split(Array(0..<n)) }
        let emptyFirst = empty.isEmpty ? [] : split(empty.sorted())
        return emptyFirst + clusters.flatMap { split($0.sorted()) }
    }

    /// Whether the input is a plain file with nothing in it.
    static func isEmptyFile(_ input: InputDescriptor) -> Bool {
        guard input.kind == .file else { return false }
        var st = stat()
        return stat(input.openPath, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG && st.st_size == 0
    }

    /// The dated time range of a plain file, from the records of its first and last 64 KiB;
    /// nil for anything else (gzip, pipes, standard input, no dated stamp at either end).
    /// Time-only stamps without a date in the file itself do not count: their day is a guess.
    static func range(of input: InputDescriptor, options: IngestOptions) -> ClosedRange<Timestamp>? {
        guard input.kind == .file else { return nil }
        var st = stat()
        guard stat(input.openPath, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, st.st_size > 0 else { return nil }
        let fd = open(input.openPath, O_RDONLY | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        let size = Int64(st.st_size)
        func read(at offset: Int64, _ count: Int) -> [UInt8] {
            var bytes = [UInt8](repeating: 0, count: count)
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count, off_t(offset)) }
            bytes.removeLast(count - max(0, n))
            return bytes
        }
        var head = read(at: 0, Int(min(Int64(endBytes), size)))
        guard head.count >= 2, !(head[0] == 0x1F && head[1] == 0x8B) else { return nil }
        var tail: [UInt8]
        if size > Int64(endBytes) {
            // Whole lines only: the head up to its last line end, the tail after its first.
            if let cut = head.lastIndex(of: 0x0A) { head.removeSubrange((cut + 1)...) }
            tail = read(at: size - Int64(endBytes), endBytes)
            guard let first = tail.firstIndex(of: 0x0A) else { return nil }
            tail.removeSubrange(...first)
        } else {
            tail = head
        }
        var dateless = options
        dateless.date = nil
        func dated(_ bytes: [UInt8]) -> (Timestamp, Timestamp)? {
            let stream = RecordStream(piece: input, index: 0, options: dateless, referenceDay: nil, classifier: nil,
                                      source: PrefixedSource(prefix: bytes, inner: EmptySource()), primed: false)
            var records: [LogRecord] = []
            var sink = DiagnosticSink(keepPerKind: 0)
            stream.parsePiece(into: &records, diagnostics: &sink)
            records += stream.finishPieces()
            var lo: Timestamp?
            var hi: Timestamp?
            for r in records {
                guard let t = r.time, t.hasDate else { continue }
                if lo == nil || t < lo! { lo = t }
                if hi == nil || t > hi! { hi = t }
            }
            guard let lo, let hi else { return nil }
            return (lo, hi)
        }
        guard let (lo, _) = dated(head), let (_, hi) = dated(tail), lo <= hi else { return nil }
        return lo...hi
    }
}
