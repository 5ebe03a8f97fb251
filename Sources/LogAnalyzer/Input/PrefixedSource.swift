/// Replays bytes read ahead (to sniff gzip magic) before the rest of the source.
struct PrefixedSource<Inner: ByteSource>: ByteSource {
    var prefix: [UInt8]
    var offset = 0
    var inner: Inner

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        if offset < prefix.count {
            let n = min(buffer.count, prefix.count - offset)
            prefix.withUnsafeBytes { src in
                buffer.baseAddress!.copyMemory(from: src.baseAddress! + offset, byteCount: n)
            }
            offset += n
            // Replayed: its bytes freed (a 16 KiB head read to sniff the encoding, held by each
            // of up to 1,024 inputs merged at once). `offset` stays: the bytes were read.
            if offset == prefix.count { prefix = [] }
            return n
        }
        return try inner.read(into: buffer)
    }
}

/// A source with nothing in it (the end of a `PrefixedSource` over in-memory bytes).
struct EmptySource: ByteSource {
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int { 0 }
}

/// A source whose reading failed: every read throws its error (after the bytes read before the
/// failure, when it ends a `PrefixedSource`).
struct FailedSource: ByteSource {
    let error: InputError
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int { throw error }
}

/// Bytes in one allocation, appended without being zeroed first: a block of a stream, read
/// where it lies by `LineReader(segments:)`.
final class ByteBlock: @unchecked Sendable {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = max(1, capacity)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    /// Room for `total` bytes in all (the bytes move when the block grows).
    func reserve(_ total: Int) {
        guard total > capacity else { return }
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: total)
        grown.update(from: base, count: count)
        base.deallocate()
        base = grown
        capacity = total
    }

    func append(_ b: UnsafeBufferPointer<UInt8>) {
        guard let from = b.baseAddress, b.count > 0 else { return }
        reserve(count + b.count)
        (base + count).update(from: from, count: b.count)
        count += b.count
    }

    /// Reads at most `want` bytes from `source` onto the end; returns how many (0: its end).
    func fill(from source: inout any ByteSource, want: Int) throws(InputError) -> Int {
        reserve(count + want)
        let n = try source.read(into: UnsafeMutableRawBufferPointer(start: base + count, count: want))
        count += n
        return n
    }

    /// Keeps the first `n` bytes.
    func truncate(to n: Int) { count = min(count, max(0, n)) }
}

/// The bytes of a block, from `offset` (to parse a piece again).
struct BlockSource: ByteSource {
    let block: ByteBlock
    var offset = 0

    init(_ block: ByteBlock) { self.block = block }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        let n = min(buffer.count, block.count - offset)
        guard n > 0 else { return 0 }
        buffer.baseAddress!.copyMemory(from: block.base + offset, byteCount: n)
        offset += n
        return n
    }
}
