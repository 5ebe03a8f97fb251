#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Splits a byte stream into lines with a fixed buffer, whatever the input size.
///
/// Reads `chunkBytes` at a time with carry-over of the partial last line; memory is
/// `maxLineBytes + chunkBytes`. A line longer than `maxLineBytes` is delivered cut to that length
/// (flagged as truncated) and the rest of it is skipped. A trailing `\r` is removed.
struct LineReader: ~Copyable {
    let maxLineBytes: Int
    let chunkBytes: Int
    private let buffer: UnsafeMutablePointer<UInt8>
    private let capacity: Int

    init(maxLineBytes: Int = 1 << 20, chunkBytes: Int = 1 << 20) {
        self.maxLineBytes = max(64, maxLineBytes)
        self.chunkBytes = max(4096, chunkBytes)
        self.capacity = self.maxLineBytes + self.chunkBytes
        self.buffer = .allocate(capacity: capacity)
    }

    deinit { buffer.deallocate() }

    /// Calls `body(line, lineNumber, truncated)` for every line, in order.
    /// Throws only when the source fails; lines read before the failure have been delivered.
    func forEachLine<S: ByteSource>(
        in source: inout S,
        _ body: (UnsafeBufferPointer<UInt8>, Int, Bool) -> Void
    ) throws(InputError) {
        var start = 0
        var scan = 0
        var end = 0
        var lineNumber = 0
        var discarding = false

        @inline(__always) func emit(_ from: Int, _ to: Int, truncated: Bool) {
            var stop = to
            if stop > from && buffer[stop - 1] == UInt8(ascii: "\r") { stop -= 1 }
            lineNumber += 1
            body(UnsafeBufferPointer(start: buffer + from, count: stop - from), lineNumber, truncated)
        }

        while true {
            while scan < end, let hit = memchr(buffer + scan, 0x0A, end - scan) {
                let nl = buffer.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                if discarding {
                    discarding = false
                } else if nl - start > maxLineBytes {
                    emit(start, start + maxLineBytes, truncated: true)
                } else {
                    emit(start, nl, truncated: false)
                }
                start = nl + 1
                scan = start
            }
            if !discarding && end - start >= maxLineBytes {
                emit(start, start + maxLineBytes, truncated: true)
                discarding = true
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
                n = try source.read(into: UnsafeMutableRawBufferPointer(start: buffer + end, count: capacity - end))
            } catch {
                // Keep the partial last line that arrived before the failure.
                if end > start && !discarding { emit(start, end, truncated: false) }
                throw error
            }
            if n == 0 {
                if end > start && !discarding { emit(start, end, truncated: false) }
                return
            }
            end += n
        }
    }
}
