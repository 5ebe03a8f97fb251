import CZlib

/// Inflates a gzip (or zlib) stream read from another source, member after member.
///
/// A stream that ends before its trailer throws `InputError` after every byte that could be
/// inflated has been returned, so the records before the damage are kept. The z_stream lives on
/// the heap because zlib keeps a pointer back to it.
final class GzipSource<Inner: ByteSource>: ByteSource {
    private var inner: Inner
    private let stream: UnsafeMutablePointer<z_stream>
    private let input: UnsafeMutableRawBufferPointer
    private var initialized = false
    private var innerDone = false
    private var memberEnded = false
    private var pendingError: InputError?
    /// Total inflated bytes; capped by `limit` (gzip bombs).
    private(set) var produced: UInt64 = 0
    let limit: UInt64

    init(inner: Inner, limit: UInt64 = .max, inputChunk: Int = 256 * 1024) {
        self.inner = inner
        self.limit = limit
        self.input = .allocate(byteCount: inputChunk, alignment: 16)
        self.stream = .allocate(capacity: 1)
        self.stream.initialize(to: z_stream())
    }

    deinit {
        if initialized { inflateEnd(stream) }
        stream.deinitialize(count: 1)
        stream.deallocate()
        input.deallocate()
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        if let error = pendingError { throw error }
        if !initialized {
            guard czlib_inflate_init_gzip(stream) == Z_OK else { throw InputError("cannot initialise zlib") }
            initialized = true
        }
        if produced >= limit {
            throw InputError("gzip output capped at \(DiagnosticSink.grouped(Int(clamping: limit))) bytes (a gzip bomb?); the rest is skipped")
        }
        let room = Int(min(UInt64(buffer.count), limit - produced))
        stream.pointee.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = uInt(room)
        func finish() -> Int {
            let got = room - Int(stream.pointee.avail_out)
            produced += UInt64(got)
            return got
        }
        while stream.pointee.avail_out > 0 {
            if stream.pointee.avail_in == 0 && !innerDone {
                let n = try inner.read(into: input)
                if n == 0 {
                    innerDone = true
                } else {
                    stream.pointee.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
                    stream.pointee.avail_in = uInt(n)
                }
            }
            if stream.pointee.avail_in == 0 && innerDone {
                let got = finish()
                if got > 0 || memberEnded { return got }
                throw InputError("truncated gzip stream: the archive ends before its end marker")
            }
            if memberEnded {
                if !nextIsGzipMember() {
                    // What follows the last member is not gzip: ignored, as `gzip -d` does, with
                    // a warning unless it is zeros (a tape's or a disk image's padding).
                    let (bytes, zeros) = try skipRest()
                    let got = finish()
                    guard !zeros else { return got }
                    let error = InputError("\(DiagnosticSink.grouped(bytes)) byte\(bytes == 1 ? "" : "s") after the end of the gzip data \(bytes == 1 ? "is" : "are") not gzip (trailing garbage): ignored")
                    if got > 0 {
                        pendingError = error
                        return got
                    }
                    throw error
                }
                // Another gzip member follows (concatenated archives).
                inflateReset(stream)
                memberEnded = false
            }
            let status = inflate(stream, Z_NO_FLUSH)
            switch status {
            case Z_STREAM_END:
                memberEnded = true
            case Z_OK, Z_BUF_ERROR:
                break
            default:
                let reason = stream.pointee.msg.map { String(cString: $0) } ?? "zlib code \(status)"
                let error = InputError("corrupt gzip data: \(reason)")
                let got = finish()
                if got > 0 {
                    pendingError = error
                    return got
                }
                throw error
            }
        }
        return finish()
    }

    /// Whether the input after a member's end starts another member (its magic bytes; one byte
    /// at a read's end is taken as the start of one).
    private func nextIsGzipMember() -> Bool {
        let p = stream.pointee.next_in!
        return p[0] == 0x1F && (stream.pointee.avail_in < 2 || p[1] == 0x8B)
    }

    /// Reads the rest of the input: its byte count, and whether every byte is zero.
    private func skipRest() throws(InputError) -> (Int, Bool) {
        var count = Int(stream.pointee.avail_in)
        var zeros = !UnsafeBufferPointer(start: stream.pointee.next_in, count: count).contains(where: { $0 != 0 })
        stream.pointee.avail_in = 0
        while !innerDone {
            let n = try inner.read(into: input)
            if n == 0 { break }
            count += n
            if zeros { zeros = !input.prefix(n).contains(where: { $0 != 0 }) }
        }
        innerDone = true
        return (count, zeros)
    }
}
