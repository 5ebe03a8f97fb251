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
/// (flagged as truncated) and the rest of it is skipped. A trailing `\r` is removed. A line is
/// valid until the next call to `next()`.
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

    private func line(_ from: Int, _ to: Int, truncated: Bool) -> (Bytes, Int, Bool) {
        line(in: buffer, from, to, truncated: truncated)
    }

    private func line(in base: UnsafePointer<UInt8>, _ from: Int, _ to: Int, truncated: Bool) -> (Bytes, Int, Bool) {
        var stop = to
        if stop > from && base[stop - 1] == UInt8(ascii: "\r") { stop -= 1 }
        lineNumber += 1
        return (UnsafeBufferPointer(start: base + from, count: stop - from), lineNumber, truncated)
    }

    /// The next line of the segments (memory mode).
    private func nextInMemory() -> (line: Bytes, number: Int, truncated: Bool)? {
        while segment < segments.count {
            let bytes = segments[segment]
            guard segmentPosition < bytes.count, let base = bytes.baseAddress else {
                segment += 1
                segmentPosition = 0
                continue
            }
            let from = segmentPosition
            var to = bytes.count
            if let hit = memchr(base + from, 0x0A, bytes.count - from) {
                to = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                segmentPosition = to + 1
            } else {
                segmentPosition = bytes.count
            }
            bytesRead += UInt64(segmentPosition - from)
            if to - from > maxLineBytes { return line(in: base, from, from + maxLineBytes, truncated: true) }
            return line(in: base, from, to, truncated: false)
        }
        return nil
    }

    /// The next line, its 1-based number and whether it was cut; nil at the end. Throws when the
    /// source fails (after the lines before the failure, including a partial last one).
    func next() throws(InputError) -> (line: Bytes, number: Int, truncated: Bool)? {
        if !segments.isEmpty { return nextInMemory() }
        while true {
            if scan < end, let hit = memchr(buffer + scan, 0x0A, end - scan) {
                let nl = buffer.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                let from = start
                start = nl + 1
                scan = start
                if discarding {
                    discarding = false
                    continue
                }
                if nl - from > maxLineBytes { return line(from, from + maxLineBytes, truncated: true) }
                return line(from, nl, truncated: false)
            }
            if finished {
                if let error = pendingError {
                    pendingError = nil
                    throw error
                }
                return nil
            }
            if !discarding && end - start >= maxLineBytes {
                let from = start
                discarding = true
                start = end
                scan = end
                return line(from, from + maxLineBytes, truncated: true)
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
                    return line(from, end, truncated: false)
                }
                continue
            }
            end += n
            bytesRead += UInt64(n)
        }
    }
}
