import CScan

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Splits a byte stream into lines with a fixed buffer, whatever the input size; pull-based, so
/// that several inputs can be read in step (merged by time).
///
/// Reads `chunkBytes` at a time with carry-over of the partial last line; memory is
/// `maxLineBytes + chunkBytes`. A line longer than `maxLineBytes` is delivered cut to that length
/// (less the bytes of a character the cut would split; flagged as truncated) and the rest of it is skipped. A trailing `\r` is removed. A line is
/// valid until the next call to `next()`.
///
/// The scan that finds a line's end also tells (in `flags`) whether the line is ASCII without
/// NUL and whether it holds an ESC: each line is read once for the three questions.
final class LineReader {
    let maxLineBytes: Int
    let chunkBytes: Int
    private var source: any ByteSource
    private let buffer: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    private var start = 0
    private var scan = 0
    private var end = 0
    private var lineNumber = 0
    private var discarding = false
    private var finished = false
    private var pendingError: InputError?
    /// What the scans of the current line's bytes found so far (`CSCAN_LINE_*` bits).
    private var lineFlags: UInt32 = 0
    /// `flags` of a line the reader did not scan whole (a cut one): the caller checks it.
    static let unknownFlags: UInt32 = 0x100
    static let notASCII = UInt32(CSCAN_LINE_NOT_ASCII)
    static let escape = UInt32(CSCAN_LINE_ESCAPE)
    /// NUL bytes dropped from the start of the line just returned, besides the one left there: a
    /// hole copytruncate leaves (as large as the file was) that would otherwise fill the whole cut
    /// line, and lose the record written after it.
    var hole: Int { holeLine == lineNumber ? holeBytes : 0 }
    /// (Kept with the number of its line: nothing is done for the lines without a hole.)
    private var holeBytes = 0
    private var holeLine = 0
    /// Bytes read from the source (decompressed bytes for gzip).
    private(set) var bytesRead: UInt64 = 0
    /// Memory mode: the lines are read where they lie in these buffers (kept alive by `owners`),
    /// one after the other, without a copy.
    private let segments: [Bytes]
    private let owners: [AnyObject]
    private var segment = 0
    private var segmentPosition = 0

    init(source: any ByteSource, maxLineBytes: Int = 1 << 20, chunkBytes: Int = 1 << 20) {
        self.source = source
        self.maxLineBytes = max(64, maxLineBytes)
        self.chunkBytes = max(4096, chunkBytes)
        self.capacity = self.maxLineBytes + self.chunkBytes
        self.buffer = .allocate(capacity: capacity)
        segments = []
        owners = []
    }

    /// Reads the lines of `segments` in turn (a segment's last line ends at its end). The
    /// buffers must stay valid while the reader lives: `owners` keeps them.
    init(segments: [Bytes], owners: [AnyObject], maxLineBytes: Int = 1 << 20) {
        source = EmptySource()
        self.maxLineBytes = max(64, maxLineBytes)
        chunkBytes = 0
        capacity = 0
        buffer = .allocate(capacity: 1)
        self.segments = segments
        self.owners = owners
        finished = true
    }

    deinit { buffer.deallocate() }

    typealias Line = (line: Bytes, number: Int, truncated: Bool, flags: UInt32)

    private func line(_ from: Int, _ to: Int, truncated: Bool, flags: UInt32) -> Line {
        line(in: buffer, from, to, truncated: truncated, flags: flags)
    }

    private func line(in base: UnsafePointer<UInt8>, _ from: Int, _ to: Int, truncated: Bool, flags: UInt32) -> Line {
        var stop = to
        if stop > from && base[stop - 1] == UInt8(ascii: "\r") { stop -= 1 }
        lineNumber += 1
        return (UnsafeBufferPointer(start: base + from, count: stop - from), lineNumber, truncated, truncated ? Self.unknownFlags : flags)
    }

    /// A whole line (from `from` to its end `to`) longer than `maxLineBytes`: a hole of NULs at
    /// its start dropped (`afterHole`), and what is left cut to `maxLineBytes` on a character's
    /// boundary. (Out of line: the lines of every log pass the one length test before it.)
    @inline(never)
    private func longLine(in base: UnsafePointer<UInt8>, _ from: Int, _ to: Int, flags: UInt32) -> Line {
        let from = afterHole(in: base, from, to)
        guard to - from > maxLineBytes else { return line(in: base, from, to, truncated: false, flags: flags) }
        return cut(in: base, from, flags: flags)
    }

    /// The first `maxLineBytes` of the line at `from`, less a character the cut would split.
    private func cut(in base: UnsafePointer<UInt8>, _ from: Int, flags: UInt32) -> Line {
        line(in: base, from, Self.characterBoundary(in: base, from, from + maxLineBytes), truncated: true, flags: flags)
    }

    /// `from`, or the last of the NUL bytes it starts with when more than one (`hole`).
    private func afterHole(in base: UnsafePointer<UInt8>, _ from: Int, _ to: Int) -> Int {
        guard base[from] == 0 else { return from }
        var p = from
        while p + 1 < to && base[p + 1] == 0 { p += 1 }
        // (The line being read is numbered `lineNumber + 1` when it is returned.)
        holeBytes = (holeLine == lineNumber + 1 ? holeBytes : 0) + p - from
        holeLine = lineNumber + 1
        return p
    }

    /// `to`, or the start of the UTF-8 sequence it would split: a line cut at `maxLineBytes` ends
    /// on a whole character (the cut is no invalid UTF-8 of the log's own).
    static func characterBoundary(in base: UnsafePointer<UInt8>, _ from: Int, _ to: Int) -> Int {
        var lead = to
        while lead > from && to - lead < 3 && base[lead - 1] & 0xC0 == 0x80 { lead -= 1 }
        guard lead > from else { return to }
        let byte = base[lead - 1]
        let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
        return length > to - (lead - 1) ? lead - 1 : to
    }

    /// The offset of the first newline in `count` bytes at `p`, or nil; adds what the bytes
    /// before it hold to `lineFlags`.
    @inline(__always)
    private func findNewline(_ p: UnsafePointer<UInt8>, _ count: Int) -> Int? {
        var found: UInt32 = 0
        let k = cscan_line(p, count, &found)
        lineFlags |= found
        return k >= 0 ? k : nil
    }

    /// The flags of the line just found, and a clean start for the next one.
    @inline(__always)
    private func takeFlags() -> UInt32 {
        defer { lineFlags = 0 }
        return lineFlags
    }

    /// The next line of the segments (memory mode).
    private func nextInMemory() -> Line? {
        while segment < segments.count {
            let bytes = segments[segment]
            guard segmentPosition < bytes.count, let base = bytes.baseAddress else {
                segment += 1
                segmentPosition = 0
                continue
            }
            let from = segmentPosition
            var to = bytes.count
            if let k = findNewline(base + from, bytes.count - from) {
                to = from + k
                segmentPosition = to + 1
            } else {
                segmentPosition = bytes.count
            }
            bytesRead += UInt64(segmentPosition - from)
            let flags = takeFlags()
            if to - from > maxLineBytes { return longLine(in: base, from, to, flags: flags) }
            return line(in: base, from, to, truncated: false, flags: flags)
        }
        return nil
    }

    /// The next line, its 1-based number and whether it was cut; nil at the end. Throws when the
    /// source fails (after the lines before the failure, including a partial last one).
    func next() throws(InputError) -> Line? {
        if !segments.isEmpty { return nextInMemory() }
        while true {
            // (A scan that finds no newline has read its bytes: the next starts after them.)
            if scan < end, let k = findNewline(buffer + scan, end - scan) {
                let nl = scan + k
                let from = start
                start = nl + 1
                scan = start
                let flags = takeFlags()
                if discarding {
                    discarding = false
                    continue
                }
                if nl - from > maxLineBytes { return longLine(in: buffer, from, nl, flags: flags) }
                return line(from, nl, truncated: false, flags: flags)
            }
            if finished {
                if let error = pendingError {
                    pendingError = nil
                    throw error
                }
                return nil
            }
            // (A hole is dropped as it is read, so that the text after it is what is kept.)
            if !discarding && end - start >= maxLineBytes { start = afterHole(in: buffer, start, end) }
            if !discarding && end - start >= maxLineBytes {
                let from = start
                discarding = true
                start = end
                scan = end
                return cut(in: buffer, from, flags: takeFlags())
            }
            if discarding { start = end }
            if start > 0 {
                let pending = end - start
                if pending > 0 { memmove(buffer, buffer + start, pending) }
                end = pending
                start = 0
            }
            scan = end
            let n: Int
            do {
                // At most a chunk at a time: the rest of the buffer is room for a long line, and
                // stays untouched (no resident pages) until one comes.
                n = try source.read(into: UnsafeMutableRawBufferPointer(start: buffer + end, count: min(capacity - end, chunkBytes)))
            } catch {
                finished = true
                pendingError = error
                n = 0
            }
            if n == 0 {
                finished = true
                if end > start && !discarding {
                    let from = start
                    start = end
                    scan = end
                    return line(from, end, truncated: false, flags: takeFlags())
                }
                continue
            }
            end += n
            bytesRead += UInt64(n)
        }
    }
}
