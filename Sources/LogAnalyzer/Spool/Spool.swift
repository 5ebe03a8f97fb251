import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// An append-only store of encoded values in an unlinked temporary file: what a report lists
/// (sessions, findings) once a large log has made too many of them to hold decoded.
///
/// Encodings collect in memory and are written out a megabyte at a time, so a small report never
/// opens a file. Without a usable temporary directory (or on a full disk) the encodings stay in
/// memory, still far smaller than the values they encode. A location, once returned, never
/// changes: copies of a list that share the spool stay valid.
final class Spool: Sendable {
    private struct State: ~Copyable {
        /// Encodings not yet written to the file.
        var tail: [UInt8] = []
        /// -2 before the first flush, -1 when no file could be opened or written.
        var fd: Int32 = -2
        var fileBytes: Int64 = 0
        var failed = false
        /// The last block read back from the file (reading is mostly in file order).
        var cache: [UInt8] = []
        var cacheStart: Int64 = -1
        var bytesRead: Int64 = 0
    }

    private let state = Mutex(State())
    private let directory: String?
    /// Names the temporary file (`loganalyze-<name>-XXXXXX`, unlinked once open).
    private let name: String
    static let flushBytes = 1 << 20
    static let cacheBytes = 64 << 10
    /// The first block read for an encoding away from the last block: a report listing sessions
    /// in another order than they were spooled reads one block per session.
    static let seekBytes = 4 << 10

    /// Spools to `directory` (nil: $TMPDIR, else /tmp).
    init(name: String, directory: String? = nil) {
        self.name = name
        self.directory = directory
    }

    deinit {
        state.withLock { if $0.fd >= 0 { close($0.fd) } }
    }

    /// Bytes written to the temporary file (0 while everything is in memory).
    var fileBytes: Int64 { state.withLock { $0.fileBytes } }

    /// Bytes read back from the temporary file.
    var bytesRead: Int64 { state.withLock { $0.bytesRead } }

    /// Appends one encoding; returns its location.
    func append(_ encode: (inout SpoolWriter) -> Void) -> Int64 {
        state.withLock { s in
            let location = s.fileBytes + Int64(s.tail.count)
            var writer = SpoolWriter(bytes: s.tail)
            s.tail = []
            encode(&writer)
            s.tail = writer.bytes
            if s.tail.count >= Self.flushBytes { flush(&s) }
            return location
        }
    }

    /// Decodes the value at `location`; nil only if the file was changed under us.
    func read<T: Sendable>(at location: Int64, _ decode: (inout SpoolReader) -> T) -> T? {
        state.withLock { s -> T? in
            func decoded(_ b: UnsafeBufferPointer<UInt8>, _ start: Int) -> T? {
                var reader = SpoolReader(b, at: start)
                let value = decode(&reader)
                return reader.short ? nil : value
            }
            if location >= s.fileBytes {
                let start = Int(location - s.fileBytes)
                return s.tail.withUnsafeBufferPointer { decoded($0, start) }
            }
            // Most encodings are far smaller than a block; one that is cut at the block's end is
            // read again from its start, in a block twice as large each time.
            // Reading on in file order takes a large block; a jump away from the last block takes
            // a small one (a report of 100,000 sessions in another order had read 64 KiB for each).
            let cacheEnd = s.cacheStart + Int64(s.cache.count)
            let onward = s.cacheStart >= 0 && location >= cacheEnd && location - cacheEnd < Int64(Self.cacheBytes)
            var blockBytes = onward || s.cacheStart < 0 ? Self.cacheBytes : Self.seekBytes
            for attempt in 0..<40 {
                if attempt > 0 && s.cacheStart == location && s.cacheStart + Int64(s.cache.count) >= s.fileBytes { break }
                if attempt > 0 || s.cacheStart < 0 || location < s.cacheStart || location >= s.cacheStart + Int64(s.cache.count) {
                    if attempt > 0 { blockBytes *= 2 }
                    let length = Int(Swift.min(Int64(blockBytes), s.fileBytes - location))
                    s.cache = [UInt8](repeating: 0, count: length)
                    let fd = s.fd
                    let got = s.cache.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, length, off_t(location)) }
                    if got < length { s.cache.removeLast(length - Swift.max(0, got)) }
                    s.bytesRead += Int64(Swift.max(0, got))
                    s.cacheStart = location
                }
                let start = Int(location - s.cacheStart)
                if let value = s.cache.withUnsafeBufferPointer({ decoded($0, start) }) { return value }
            }
            return nil
        }
    }

    /// Writes the tail to the file (opened on first use); keeps it in memory when it cannot.
    private func flush(_ s: inout State) {
        guard !s.failed else { return }
        if s.fd == -2 { s.fd = Self.openTemporary(name, in: directory) }
        guard s.fd >= 0 else {
            s.failed = true
            return
        }
        let written = s.tail.withUnsafeBytes { b -> Bool in
            var done = 0
            while done < b.count {
                let n = pwrite(s.fd, b.baseAddress! + done, b.count - done, off_t(s.fileBytes) + off_t(done))
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return false }
                done += n
            }
            return true
        }
        guard written else {
            // A full disk: what is in the file stays readable, the rest stays in memory.
            s.failed = true
            if s.fileBytes == 0 {
                close(s.fd)
                s.fd = -1
            }
            return
        }
        s.fileBytes += Int64(s.tail.count)
        s.tail.removeAll(keepingCapacity: true)
    }

    /// `directory`, else $TMPDIR, else /tmp.
    static func temporaryDirectory(_ directory: String?) -> String {
        directory ?? getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
    }

    /// An unlinked file `loganalyze-<name>-XXXXXX` in `temporaryDirectory(directory)`, or -1
    /// (with `errno` set).
    static func openTemporary(_ name: String, in directory: String?) -> Int32 {
        var template = Array("\(temporaryDirectory(directory))/loganalyze-\(name)-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { return -1 }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        return fd
    }
}

/// Writes the compact binary forms the spool holds: LEB128 varints, zigzag integers,
/// length-prefixed UTF-8.
struct SpoolWriter {
    var bytes: [UInt8]

    mutating func byte(_ v: UInt8) { bytes.append(v) }

    mutating func varint(_ v: UInt64) {
        var v = v
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func int(_ v: Int64) { varint(UInt64(bitPattern: (v << 1) ^ (v >> 63))) }

    mutating func string(_ v: String) {
        var v = v
        v.withUTF8 { b in
            varint(UInt64(b.count))
            bytes.append(contentsOf: b)
        }
    }

    mutating func double(_ v: Double) { varint(v.bitPattern) }

    /// A timestamp that may be absent: a flag byte (1 present, 2 with a date), then the micros.
    mutating func stamp(_ t: Timestamp?) {
        bytes.append(t == nil ? 0 : t!.hasDate ? 3 : 1)
        if let t { int(t.micros) }
    }

    mutating func location(_ l: SourceLocation) {
        varint(UInt64(l.input))
        varint(UInt64(l.line))
    }

    mutating func optionalString(_ v: String?) {
        bytes.append(v == nil ? 0 : 1)
        if let v { string(v) }
    }

    mutating func optionalInt(_ v: Int64?) {
        bytes.append(v == nil ? 0 : 1)
        if let v { int(v) }
    }
}

/// Reads what `SpoolWriter` wrote. Reading past the end sets `short` and yields zeros and empty
/// strings: the caller tells a cut encoding by `short`, never by a crash.
struct SpoolReader {
    private let b: UnsafeBufferPointer<UInt8>
    private var i: Int
    private(set) var short = false

    init(_ b: UnsafeBufferPointer<UInt8>, at start: Int) {
        self.b = b
        self.i = start
    }

    /// Marks the encoding as unreadable (an unknown tag).
    mutating func fail() { short = true }

    mutating func byte() -> UInt8 {
        guard i < b.count else {
            short = true
            return 0
        }
        i += 1
        return b[i - 1]
    }

    mutating func varint() -> UInt64 {
        var v: UInt64 = 0
        var shift: UInt64 = 0
        while !short && shift < 64 {
            let c = byte()
            v |= UInt64(c & 0x7F) << shift
            if c < 0x80 { break }
            shift += 7
        }
        return v
    }

    mutating func int() -> Int64 {
        let v = varint()
        return Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1)))
    }

    /// A count of items to follow, at most `limit` (a corrupt count cannot ask for gigabytes).
    mutating func count(limit: UInt64 = 1 << 24) -> Int {
        let n = varint()
        if n > limit { short = true }
        return short ? 0 : Int(n)
    }

    mutating func string() -> String {
        let n = Int(clamping: varint())
        guard !short, n <= b.count - i else {
            short = true
            return ""
        }
        defer { i += n }
        return String(decoding: UnsafeBufferPointer(rebasing: b[i..<i + n]), as: UTF8.self)
    }

    mutating func double() -> Double { Double(bitPattern: varint()) }

    mutating func stamp() -> Timestamp? {
        let f = byte()
        return f & 1 != 0 ? Timestamp(micros: int(), hasDate: f & 2 != 0) : nil
    }

    mutating func location() -> SourceLocation { SourceLocation(input: Int(varint()), line: Int(varint())) }

    mutating func optionalString() -> String? { byte() != 0 ? string() : nil }

    mutating func optionalInt() -> Int64? { byte() != 0 ? int() : nil }
}
