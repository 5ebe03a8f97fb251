#if canImport(Glibc)
import Glibc
#endif

/// How inputs are read and how their clocks are interpreted.
public struct IngestOptions: Sendable {
    /// Zone for stamps that carry none (`--tz`).
    public var timeZone: TimeZoneSetting = .utc
    /// Date (day number) for time-only stamps (`--date`); otherwise learnt from the run.
    public var date: Int64?
    /// Longer lines are cut to this length with a diagnostic (`--max-line-bytes`).
    public var maxLineBytes: Int = 1 << 20
    /// Decompressed bytes allowed per gzip input (protects against gzip bombs).
    public var maxDecompressedBytes: UInt64 = 1 << 40

    public init() {}
}

/// What reading one input amounted to.
public struct InputStats: Sendable, Equatable {
    public var bytes: UInt64 = 0
    public var lines = 0
    public var records = 0
    public var formats: [LogFormat: Int] = [:]
    public var readable = true
}

/// Reads inputs into records, one streaming pass each, with diagnostics instead of failures.
public enum Ingestor {
    /// The first calendar date written in the first 64 KiB of the (plain) file inputs.
    public static func learnReferenceDay(_ inputs: [InputDescriptor]) -> Int64? {
        for input in inputs where input.kind == .file {
            let fd = open(input.path, O_RDONLY)
            guard fd >= 0 else { continue }
            defer { close(fd) }
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            guard n > 2, !(buffer[0] == 0x1F && buffer[1] == 0x8B) else { continue }
            let found: Int64? = buffer.withUnsafeBufferPointer { all in
                let b = all.slice(0, n)
                var i = 0
                while i + 10 <= b.count {
                    if b[i].isDigit && (i == 0 || !b[i - 1].isDigit), b.byte(i + 4) == UInt8(ascii: "-"),
                        let (w, _) = TimeParsing.dateTime(b, at: i), let day = w.day
                    {
                        let year = Timestamp.civil(days: day).year
                        if year >= 2000 && year < 2100 { return day }
                    }
                    i += 1
                }
                return nil
            }
            if let found { return found }
        }
        return nil
    }

    /// Reads one input and passes each record to `emit`, in input order.
    @discardableResult
    public static func read(
        _ input: InputDescriptor, index: Int, options: IngestOptions, referenceDay: Int64?,
        diagnostics: inout DiagnosticSink, emit: (LogRecord) -> Void
    ) -> InputStats {
        read(input, index: index, options: options, referenceDay: referenceDay, classifier: nil, diagnostics: &diagnostics, emit: emit)
    }

    /// With a classifier, records that cannot matter to the analysis are read lite.
    static func read(
        _ input: InputDescriptor, index: Int, options: IngestOptions, referenceDay: Int64?, classifier: EventClassifier?,
        diagnostics: inout DiagnosticSink, emit: (LogRecord) -> Void
    ) -> InputStats {
        var stats = InputStats()
        let fd: Int32
        if input.kind == .stdin {
            fd = 0
        } else {
            fd = open(input.path, O_RDONLY)
            guard fd >= 0 else {
                diagnostics.report(Diagnostic(.error, path: input.path, kind: "unreadable", "cannot read: \(String(cString: strerror(errno)))"))
                stats.readable = false
                return stats
            }
        }
        defer { if fd != 0 { close(fd) } }

        var raw = FileDescriptorSource(fd: fd)
        // Sniff the gzip magic number.
        let headBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 2, alignment: 1)
        defer { headBuffer.deallocate() }
        var got = 0
        do throws(InputError) {
            while got < 2 {
                let n = try raw.read(into: UnsafeMutableRawBufferPointer(rebasing: headBuffer[got...]))
                if n == 0 { break }
                got += n
            }
        } catch {
            diagnostics.report(Diagnostic(.error, path: input.path, kind: "unreadable", "cannot read: \(error.message)"))
            stats.readable = false
            return stats
        }
        let head = Array(headBuffer[0..<got])
        let clock = StreamClock(zone: options.timeZone, referenceDay: options.date ?? referenceDay, referenceIsExplicit: options.date != nil)
        var parser = StreamParser(input: index, clock: clock, classifier: classifier)
        let reader = LineReader(maxLineBytes: options.maxLineBytes)
        var sink = LineSink(path: input.path)

        let isGzip = got == 2 && head[0] == 0x1F && head[1] == 0x8B
        let prefixed = PrefixedSource(prefix: head, inner: raw)
        do {
            if isGzip {
                var source = GzipSource(inner: prefixed, limit: options.maxDecompressedBytes)
                defer { stats.bytes = source.produced }
                try reader.forEachLine(in: &source) { line, number, truncated in
                    sink.handle(line, number, truncated, &parser, &diagnostics, &stats, emit)
                }
            } else {
                var source = CountingSource(inner: prefixed)
                defer { stats.bytes = source.count }
                try reader.forEachLine(in: &source) { line, number, truncated in
                    sink.handle(line, number, truncated, &parser, &diagnostics, &stats, emit)
                }
            }
        } catch {
            diagnostics.report(Diagnostic(.warning, path: input.path, line: stats.lines, kind: "read-error", "\(error.message); \(stats.lines) lines read before it are kept"))
        }
        parser.finish { record in
            stats.records += 1
            emit(record)
        }
        stats.formats = parser.formatCounts
        if sink.nulLines > 0 && sink.nulLines == stats.lines {
            diagnostics.report(Diagnostic(.warning, path: input.path, kind: "binary-file", "looks like a binary file: every line holds NUL bytes; nothing was parsed"))
        }
        return stats
    }
}

/// Per-line checks before parsing: over-long lines, NUL bytes, invalid UTF-8.
private struct LineSink {
    let path: String
    var nulLines = 0

    mutating func handle(
        _ line: Bytes, _ number: Int, _ truncated: Bool, _ parser: inout StreamParser,
        _ diagnostics: inout DiagnosticSink, _ stats: inout InputStats, _ emit: (LogRecord) -> Void
    ) {
        stats.lines += 1
        if truncated {
            diagnostics.report(Diagnostic(.warning, path: path, line: number, kind: "long-line", "line longer than \(line.count) bytes; cut to that length"))
        }
        if !isASCII(line) {
            if line.contains(0) {
                nulLines += 1
                diagnostics.report(Diagnostic(.warning, path: path, line: number, kind: "binary-line", "line holds NUL bytes (binary data); skipped"))
                return
            }
            if String(validating: line, as: UTF8.self) == nil {
                diagnostics.report(Diagnostic(.warning, path: path, line: number, kind: "invalid-utf8", "invalid UTF-8; bad bytes shown as U+FFFD"))
            }
        }
        parser.feed(line, line: number) { record in
            stats.records += 1
            emit(record)
        }
    }

    /// Whether every byte is printable-range ASCII or a control other than NUL (fast word scan).
    func isASCII(_ b: Bytes) -> Bool {
        guard let base = b.baseAddress else { return true }
        var i = 0
        let n = b.count
        let raw = UnsafeRawPointer(base)
        while i + 8 <= n {
            let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            // High bit set, or a zero byte.
            if w & 0x8080_8080_8080_8080 != 0 || (w &- 0x0101_0101_0101_0101) & ~w & 0x8080_8080_8080_8080 != 0 { return false }
            i += 8
        }
        while i < n {
            if base[i] >= 0x80 || base[i] == 0 { return false }
            i += 1
        }
        return true
    }
}

/// Counts the bytes passing through.
struct CountingSource<Inner: ByteSource>: ByteSource {
    var inner: Inner
    var count: UInt64 = 0

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        let n = try inner.read(into: buffer)
        count += UInt64(n)
        return n
    }
}
