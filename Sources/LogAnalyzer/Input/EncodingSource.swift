/// What a byte-order mark at the start of an input says about its text.
enum TextEncoding: Equatable {
    /// No mark: UTF-8 (or ASCII), read as it is.
    case utf8
    /// `EF BB BF`: UTF-8 with a mark (Windows editors, .NET's default): the mark is dropped.
    case utf8WithMark
    /// `FF FE` / `FE FF`: UTF-16 (what PowerShell's `>` and `Out-File` write): transcoded.
    case utf16(bigEndian: Bool)

    /// The encoding `head` (the first bytes of an input, at least 3 when there are) starts with.
    static func sniff(_ head: some Collection<UInt8>) -> TextEncoding {
        let b = Array(head.prefix(3))
        if b.count >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF { return .utf8WithMark }
        if b.count >= 2 && b[0] == 0xFF && b[1] == 0xFE { return .utf16(bigEndian: false) }
        if b.count >= 2 && b[0] == 0xFE && b[1] == 0xFF { return .utf16(bigEndian: true) }
        return .utf8
    }

    /// The mark's length in bytes.
    var markBytes: Int {
        switch self {
        case .utf8: 0
        case .utf8WithMark: 3
        case .utf16: 2
        }
    }
}

/// UTF-16 text (after its byte-order mark) as UTF-8. Unpaired surrogates become U+FFFD; an odd
/// byte at the end is dropped.
struct UTF16Source<Inner: ByteSource>: ByteSource {
    var inner: Inner
    let bigEndian: Bool
    /// Bytes read but not yet decoded (a code unit or a surrogate pair cut by a read).
    private var pending: [UInt8] = []
    /// UTF-8 decoded but not yet handed out.
    private var out: [UInt8] = []
    private var outHead = 0
    private var ended = false

    init(inner: Inner, bigEndian: Bool) {
        self.inner = inner
        self.bigEndian = bigEndian
    }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        while outHead == out.count {
            if ended { return 0 }
            out.removeAll(keepingCapacity: true)
            outHead = 0
            let chunk = try inner.readBytes(upTo: 64 << 10)
            if chunk.isEmpty {
                ended = true
                // A lone high surrogate at the end.
                if pending.count >= 2 { Self.appendScalar(0xFFFD, to: &out) }
                pending.removeAll()
            } else {
                pending += chunk
                decode()
            }
        }
        let count = min(buffer.count, out.count - outHead)
        out.withUnsafeBytes { src in
            buffer.baseAddress!.copyMemory(from: src.baseAddress! + outHead, byteCount: count)
        }
        outHead += count
        return count
    }

    /// Decodes the whole code units of `pending` into `out`, keeping a cut pair or unit.
    private mutating func decode() {
        var i = 0
        func unit(_ at: Int) -> UInt32 {
            bigEndian ? UInt32(pending[at]) << 8 | UInt32(pending[at + 1]) : UInt32(pending[at + 1]) << 8 | UInt32(pending[at])
        }
        while i + 2 <= pending.count {
            let u = unit(i)
            if u >= 0xD800 && u < 0xDC00 {
                guard i + 4 <= pending.count else { break }
                let low = unit(i + 2)
                if low >= 0xDC00 && low < 0xE000 {
                    Self.appendScalar(0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00), to: &out)
                    i += 4
                } else {
                    Self.appendScalar(0xFFFD, to: &out)
                    i += 2
                }
            } else {
                Self.appendScalar(u >= 0xDC00 && u < 0xE000 ? 0xFFFD : u, to: &out)
                i += 2
            }
        }
        pending.removeFirst(i)
    }

    static func appendScalar(_ v: UInt32, to out: inout [UInt8]) {
        switch v {
        case 0..<0x80:
            out.append(UInt8(v))
        case 0x80..<0x800:
            out += [UInt8(0xC0 | v >> 6), UInt8(0x80 | v & 0x3F)]
        case 0x800..<0x10000:
            out += [UInt8(0xE0 | v >> 12), UInt8(0x80 | v >> 6 & 0x3F), UInt8(0x80 | v & 0x3F)]
        default:
            out += [UInt8(0xF0 | v >> 18), UInt8(0x80 | v >> 12 & 0x3F), UInt8(0x80 | v >> 6 & 0x3F), UInt8(0x80 | v & 0x3F)]
        }
    }
}

extension ByteSource {
    /// Up to `count` bytes, from as many reads as it takes (fewer only at the end).
    mutating func readBytes(upTo count: Int) throws(InputError) -> [UInt8] {
        let (bytes, error) = readHead(upTo: count)
        if let error { throw error }
        return bytes
    }

    /// Up to `count` bytes, and the error that stopped the reading short, if one did: the bytes
    /// read before it are kept (the first lines of a truncated gzip are still records).
    mutating func readHead(upTo count: Int) -> (bytes: [UInt8], error: InputError?) {
        var bytes = [UInt8](repeating: 0, count: count)
        var got = 0
        var failure: InputError?
        while got < count {
            // (`withUnsafeMutableBytes` rethrows untyped: the typed error goes through a Result.)
            let result = bytes.withUnsafeMutableBytes { b in
                do throws(InputError) {
                    return Result<Int, InputError>.success(try read(into: UnsafeMutableRawBufferPointer(rebasing: b[got...])))
                } catch { return .failure(error) }
            }
            guard case .success(let n) = result else {
                if case .failure(let error) = result { failure = error }
                break
            }
            if n == 0 { break }
            got += n
        }
        bytes.removeLast(count - got)
        return (bytes, failure)
    }

    /// This source as UTF-8 text without a byte-order mark, after reading its first bytes to see
    /// which mark it has (if any).
    func decodingByteOrderMark() throws(InputError) -> any ByteSource {
        var source = self
        let (head, error) = source.readHead(upTo: 3)
        if let error {
            // Failed within its first bytes: what came before the failure, then the failure.
            guard !head.isEmpty else { throw error }
            return PrefixedSource(prefix: head, inner: FailedSource(error: error))
        }
        let encoding = TextEncoding.sniff(head)
        let rest = PrefixedSource(prefix: Array(head[encoding.markBytes...]), inner: source)
        switch encoding {
        case .utf8, .utf8WithMark: return try rest.endingLinesAtCarriageReturns()
        case .utf16(let bigEndian): return UTF16Source(inner: rest, bigEndian: bigEndian)
        }
    }

    /// This source, with lines ended by a bare CR (classic Mac OS, some Windows tools) read as
    /// lines when its first 16 KiB (or all there is) hold CRs and no LF.
    private func endingLinesAtCarriageReturns() throws(InputError) -> any ByteSource {
        var source = self
        var (head, error) = source.readHead(upTo: 16 << 10)
        // Sentry breadcrumbs saved as one JSON document: read whole and made into JSON lines.
        if error == nil, JSONDocument.mayStart(head) {
            let (more, moreError) = source.readHead(upTo: JSONDocument.maxDocumentBytes + 1 - head.count)
            head += more
            error = moreError
            if error == nil, head.count <= JSONDocument.maxDocumentBytes, let lines = head.withUnsafeBufferPointer(JSONDocument.lines(of:)) {
                return PrefixedSource(prefix: lines, inner: EmptySource())
            }
            // A list cut short, or lists appended (`>>`): an element a line, as far as they go.
            if error == nil, head.count <= JSONDocument.maxDocumentBytes, JSONArraySplitter.readsCutOrConcatenated(head) {
                return JSONArrayLines(inner: PrefixedSource(prefix: head, inner: EmptySource()))
            }
            // A larger list of objects (a day of `gcloud logging read --format=json`): an element a
            // line, read as it comes.
            if error == nil, head.count > JSONDocument.maxDocumentBytes, JSONArraySplitter.startsList(head) {
                return JSONArrayLines(inner: PrefixedSource(prefix: head, inner: source))
            }
        }
        // A read that failed within these first bytes (a truncated gzip): its lines before the
        // failure are read, then the failure is reported as after any later read.
        if let error {
            let rest = PrefixedSource(prefix: head, inner: FailedSource(error: error))
            return TextEncoding.endsLinesWithCR(head) ? CRLineSource(inner: rest) : rest
        }
        let rest = PrefixedSource(prefix: head, inner: source)
        return TextEncoding.endsLinesWithCR(head) ? CRLineSource(inner: rest) : rest
    }
}

extension TextEncoding {
    /// Whether `sample` (an input's first bytes) ends its lines with bare CRs: CRs and no LF.
    static func endsLinesWithCR(_ sample: some Collection<UInt8>) -> Bool {
        !sample.contains(0x0A) && sample.contains(0x0D)
    }
}

/// Bare CRs as LFs (a CR before an LF stays: CRLF is trimmed by the line reader).
struct CRLineSource<Inner: ByteSource>: ByteSource {
    var inner: Inner
    /// The last byte of the previous read was a CR (decided by the next byte).
    private var heldCR = false

    init(inner: Inner) { self.inner = inner }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        guard buffer.count >= 2 else { return try inner.read(into: buffer) }
        let base = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
        while true {
            var o = 0
            if heldCR {
                base[0] = 0x0D
                o = 1
                heldCR = false
            }
            let n = try inner.read(into: UnsafeMutableRawBufferPointer(start: base + o, count: buffer.count - o))
            if n == 0 {
                if o == 1 { base[0] = 0x0A }
                return o
            }
            let end = o + n
            for i in 0..<(end - 1) where base[i] == 0x0D && base[i + 1] != 0x0A { base[i] = 0x0A }
            guard base[end - 1] == 0x0D else { return end }
            // The read ends on a CR: the next byte decides (read again if it was all there was).
            heldCR = true
            if end > 1 { return end - 1 }
        }
    }
}

