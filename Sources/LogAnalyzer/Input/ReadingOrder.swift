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

    /// What the reading order knows of an input's time.
    enum Extent: Equatable {
        /// A plain file with nothing in it (a log just rotated away): no record to order.
        case empty
        /// The dated stamps of the file run from `lowerBound` to `upperBound`.
        case span(ClosedRange<Timestamp>)
        /// Not known (gzip, a pipe, no dated stamp at an end): the input must be merged.
        case unknown
    }

    /// Groups of input indices, each merged by time and read in this order. Unless every input
    /// has a span (or is empty), or when all of them overlap, this is the plain split into
    /// groups of `width`. Empty inputs are read first.
    static func groups(_ extents: [Extent], width: Int) -> [[Int]] {
        let n = extents.count
        func split(_ indices: [Int]) -> [[Int]] {
            stride(from: 0, to: indices.count, by: width).map { Array(indices[$0..<min(indices.count, $0 + width)]) }
        }
        var spans: [(range: ClosedRange<Timestamp>, index: Int)] = []
        var empty: [Int] = []
        for (i, extent) in extents.enumerated() {
            switch extent {
            case .span(let r): spans.append((r, i))
            case .empty: empty.append(i)
            case .unknown: return split(Array(0..<n))
            }
        }
        guard spans.count > 1 else { return split(Array(0..<n)) }
        spans.sort { ($0.range.lowerBound, $0.index) < ($1.range.lowerBound, $1.index) }
        var clusters: [[Int]] = []
        var end = Timestamp(micros: .min)
        for (r, i) in spans {
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
        return split(empty) + clusters.flatMap { split($0.sorted()) }
    }

    /// The dated time span of a plain file, from the records of its first and last 64 KiB;
    /// `.unknown` for anything else (gzip, pipes, standard input, no dated stamp at either end).
    /// Time-only stamps without a date in the file itself do not count: their day is a guess.
    static func extent(of input: InputDescriptor, options: IngestOptions) -> Extent {
        guard let (head, tail) = ends(of: input) else { return .unknown }
        guard !head.isEmpty else { return .empty }
        func dated(_ bytes: [UInt8]) -> (Timestamp, Timestamp)? {
            let records = sampleRecords(bytes, of: input, options: options)
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
        guard let (lo, _) = dated(head), let (_, hi) = dated(tail), lo <= hi else { return .unknown }
        return .span(lo...hi)
    }

    /// A plain file's first and last `endBytes`, whole lines only (the head up to its last line
    /// end, the tail after its first; both the whole file when it is no larger): empty for an
    /// empty file, nil for anything else (gzip, pipes, standard input, a tail without a line end).
    static func ends(of input: InputDescriptor) -> (head: [UInt8], tail: [UInt8])? {
        guard input.kind == .file else { return nil }
        var st = stat()
        guard stat(input.openPath, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        guard st.st_size > 0 else { return ([], []) }
        let fd = open(input.openPath, O_RDONLY | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        let size = Int64(st.st_size)
        var head = read(fd, at: 0, Int(min(Int64(endBytes), size)))
        guard head.count >= 2, !(head[0] == 0x1F && head[1] == 0x8B) else { return nil }
        guard size > Int64(endBytes) else { return (head, head) }
        if let cut = head.lastIndex(of: 0x0A) { head.removeSubrange((cut + 1)...) }
        var tail = read(fd, at: size - Int64(endBytes), endBytes)
        guard let first = tail.firstIndex(of: 0x0A) else { return nil }
        tail.removeSubrange(...first)
        return (head, tail)
    }

    /// Whether a plain file is longer than its two ends (`ends(of:)` leaves a middle unread).
    static func isLongerThanEnds(_ input: InputDescriptor) -> Bool {
        var st = stat()
        return input.kind == .file && stat(input.openPath, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG && st.st_size > 2 * Int64(endBytes)
    }

    /// Up to `count` bytes of `fd` from `offset` (fewer at the end of the file).
    static func read(_ fd: Int32, at offset: Int64, _ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count, off_t(offset)) }
        bytes.removeLast(count - max(0, n))
        return bytes
    }

    /// The records of a sample of an input's bytes (its head or tail), parsed without a reference
    /// date (a time-only stamp stays without a date), or with `referenceDay` as its date.
    static func sampleRecords(_ bytes: [UInt8], of input: InputDescriptor, options: IngestOptions, referenceDay: Int64? = nil) -> [LogRecord] {
        var dateless = options
        dateless.date = nil
        dateless.clockCarries = [:]
        let stream = RecordStream(piece: input, index: 0, options: dateless, referenceDay: referenceDay, classifier: nil,
                                  source: PrefixedSource(prefix: bytes, inner: EmptySource()), primed: false)
        var records: [LogRecord] = []
        var sink = DiagnosticSink(keepPerKind: 0)
        stream.parsePiece(into: &records, diagnostics: &sink)
        return records + stream.finishPieces()
    }
}
