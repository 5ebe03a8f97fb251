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
            return n
        }
        return try inner.read(into: buffer)
    }
}

/// A source with nothing in it (the end of a `PrefixedSource` over in-memory bytes).
struct EmptySource: ByteSource {
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int { 0 }
}
