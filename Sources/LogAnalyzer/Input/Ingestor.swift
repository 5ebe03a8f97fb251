#if canImport(Glibc)
import Glibc
#endif

/// How inputs are read and how their clocks are interpreted.
public struct IngestOptions: Sendable {
    /// Zone for stamps that carry none (`--tz`).
    public var timeZone: TimeZoneSetting = .utc
    /// Zones for some inputs only (`--tz browser.log=Europe/Berlin`): an input whose path is the
    /// name, ends with `/name`, or lies below the directory `name` reads its zone-less stamps in
    /// the zone (the last that matches), the others in `timeZone`.
    public var zonesByPath: [(name: String, zone: TimeZoneSetting)] = []
    /// Whether the zone of a log whose stamps name none may be read from the other logs
    /// (`ZoneInference`); off when `--tz` named one for every input.
    public var inferZones = true

    /// The zone for the zone-less stamps of the input at `path`.
    public func zone(for path: String) -> TimeZoneSetting {
        for (name, zone) in zonesByPath.reversed() where Self.names(path, name) { return zone }
        return timeZone
    }

    static func names(_ path: String, _ name: String) -> Bool {
        // (`./server.log` names `server.log`, `logs/` names `./logs/agent.log`.)
        func plain(_ s: String) -> String {
            var s = Substring(s)
            while s.hasPrefix("./") { s = s.dropFirst(2) }
            while s.count > 1 && s.hasSuffix("/") { s = s.dropLast() }
            return String(s)
        }
        let (path, trimmed) = (plain(path), plain(name))
        return path == trimmed || path.hasSuffix("/" + trimmed) || path.hasPrefix(trimmed + "/")
    }

    /// A warning for each `zonesByPath` name that names none of `inputs` (a misspelt file name).
    public func unmatchedZoneNames(_ inputs: [InputDescriptor]) -> [Diagnostic] {
        zonesByPath.filter { entry in !inputs.contains { Self.names($0.path, entry.name) } }.map {
            Diagnostic(.warning, path: $0.name, kind: "tz-unmatched", "--tz \($0.name)=…: no input is named so; its zone applies to none")
        }
    }
    /// Date (day number) for time-only stamps (`--date`); otherwise learnt from the run.
    public var date: Int64?
    /// Longer lines are cut to this length with a diagnostic (`--max-line-bytes`).
    public var maxLineBytes: Int = 1 << 20
    /// Decompressed bytes allowed per gzip input (protects against gzip bombs); nil: 200 times
    /// the compressed file's size but at least 4 GiB (64 GiB for standard input).
    public var maxDecompressedBytes: UInt64?
    /// The command reading the inputs when it is not `analyze` (`parse`, `timeline`, `report`):
    /// named in the command a diagnostic suggests (`xzcat FILE | loganalyze parse -`).
    public var commandName = ""
    /// The clocks rotated logs continue, by input index: a file read after its rotated
    /// predecessor starts its clock where that one's ended (`RotatedLogReader`).
    var clockCarries: [Int: StreamClock.Carry] = [:]

    /// Reads each rotated log's stamps as `report`'s analysis did: each file's clock continuing
    /// its predecessor's (a second read of the inputs, `timeline --session`).
    public mutating func continueClocks(of report: Report) { clockCarries = report.clockCarries }

    public init() {}
}

/// What reading one input amounted to.
public struct InputStats: Sendable, Equatable {
    public var bytes: UInt64 = 0
    public var lines = 0
    public var records = 0
    public var formats: [LogFormat: Int] = [:]
    public var readable = true

    /// What a read error's diagnostic says of the lines read before it.
    static func keptBefore(_ lines: Int) -> String {
        switch lines {
        case 0: return "no line came before it"
        case 1: return "the line before it is kept"
        default: return "the \(DiagnosticSink.grouped(lines)) lines before it are kept"
        }
    }
}

/// Reads inputs into records, one streaming pass each, with diagnostics instead of failures.
public enum Ingestor {
    /// The first calendar date written in the first 64 KiB of the (plain) file inputs.
    public static func learnReferenceDay(_ inputs: [InputDescriptor]) -> Int64? {
        inputs.lazy.compactMap { firstDay(of: $0) }.first
    }

    /// Reference days per input: a time-only log takes its day from the logs in its own
    /// directory (the same incident) before any other input's; explicit `--date` wins over both.
    ///
    /// Where those logs' dated spans are known (plain files: their first and last 64 KiB), the
    /// day is the one that puts the time-only log's first stamp, read in `--tz`, nearest the span
    /// when the span is shorter than a day (inside it when it can: a DevTools console or a
    /// worker's `console` log beside a UTC server log, in any zone, across midnight), and at the
    /// latest moment no more than 6 hours after the span's end when the logs run for days (at
    /// the incident, their end).
    /// Otherwise it is the first date the other logs write.
    public static func learnReferenceDays(_ inputs: [InputDescriptor], options: IngestOptions = IngestOptions()) -> [Int64?] {
        let days = inputs.map { firstDay(of: $0) }
        guard days.contains(nil), days.contains(where: { $0 != nil }) else { return days }
        let global = days.lazy.compactMap { $0 }.first
        func directory(_ path: String) -> Substring { path.lastIndex(of: "/").map { path[..<$0] } ?? "" }
        // (Estimated only for the inputs asked about, each once.)
        var spans: [Int: ClosedRange<Timestamp>?] = [:]
        func span(_ j: Int) -> ClosedRange<Timestamp>? {
            if let known = spans[j] { return known }
            var r: ClosedRange<Timestamp>?
            if case .span(let range) = ReadingOrder.extent(of: inputs[j], options: options) { r = range }
            spans[j] = r
            return r
        }
        return inputs.indices.map { i in
            if let own = days[i] { return own }
            let dir = directory(inputs[i].path)
            let near = inputs.indices.filter { days[$0] != nil && directory(inputs[$0].path) == dir }
            let known = (near.isEmpty ? inputs.indices.filter { days[$0] != nil } : near).prefix(ReadingOrder.maxEstimated).compactMap(span)
            if let end = known.map(\.upperBound).max(), let start = known.map(\.lowerBound).min(),
                let first = firstTimeOfDay(of: inputs[i], options: options)
            {
                let zone = options.zone(for: inputs[i].path)
                if start.seconds(until: end) < 86_400 { return day(placing: first, near: start...end, zone: zone) }
                return day(placing: first, before: end.adding(seconds: 6 * 3600), zone: zone)
            }
            return near.first.flatMap { days[$0] } ?? global
        }
    }

    /// The local day on which `microsOfDay` in `zone` is nearest `span` (a span shorter than a
    /// day), no more than 6 hours after its end; of two as near, the later. Inside the span when
    /// it can be: the latest instant up to 6 hours after the end put the first stamp of a
    /// browser console of a day's first session on the next day, beside a log of 18 to 24 hours.
    static func day(placing microsOfDay: Int64, near span: ClosedRange<Timestamp>, zone: TimeZoneSetting) -> Int64 {
        let limit = span.upperBound.adding(seconds: 6 * 3600)
        let latest = day(placing: microsOfDay, before: limit, zone: zone)
        var best = latest
        var bestDistance = Int64.max
        for day in stride(from: latest, through: latest - 2, by: -1) {
            let local = day * Timestamp.microsPerDay + microsOfDay
            let t = local - Int64(zone.offset(atLocalMicros: local)) * 1_000_000
            let distance = t < span.lowerBound.micros ? span.lowerBound.micros - t : max(0, t - span.upperBound.micros)
            if distance < bestDistance { (best, bestDistance) = (day, distance) }
        }
        return best
    }

    /// The local day on which `microsOfDay` in `zone` is the latest instant not after `limit`.
    static func day(placing microsOfDay: Int64, before limit: Timestamp, zone: TimeZoneSetting) -> Int64 {
        let limitDay = Timestamp(micros: limit.micros + Int64(zone.offset(atLocalMicros: limit.micros)) * 1_000_000).day
        for day in stride(from: limitDay + 1, through: limitDay - 1, by: -1) {
            let local = day * Timestamp.microsPerDay + microsOfDay
            if local - Int64(zone.offset(atLocalMicros: local)) * 1_000_000 <= limit.micros { return day }
        }
        return limitDay - 1
    }

    /// The time of day of the first stamp in the first 64 KiB of a plain file (a log whose stamps
    /// carry no date).
    static func firstTimeOfDay(of input: InputDescriptor, options: IngestOptions) -> Int64? {
        guard input.kind == .file else { return nil }
        var st = stat()
        guard stat(input.openPath, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        let fd = open(input.openPath, O_RDONLY | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var head = [UInt8](repeating: 0, count: 64 * 1024)
        let n = head.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        guard n > 2, !(head[0] == 0x1F && head[1] == 0x8B) else { return nil }
        head.removeLast(head.count - n)
        if n == 64 * 1024, let cut = head.lastIndex(of: 0x0A) { head.removeSubrange((cut + 1)...) }
        guard let t = ReadingOrder.sampleRecords(head, of: input, options: options).lazy.compactMap(\.time).first, !t.hasDate else { return nil }
        let micros = t.micros % Timestamp.microsPerDay
        return micros < 0 ? micros + Timestamp.microsPerDay : micros
    }

    /// The UTC day of the first epoch stamp of a JSON log without written dates: zap's `"ts":`
    /// seconds (livekit-server JSON) or pino's `"time":` milliseconds (Node agents).
    static func epochDay(_ b: Bytes) -> Int64? {
        for (key, digits, scale) in [("\"ts\":", 10, Int64(1)), ("\"time\":", 13, Int64(1000))] {
            let literal = Literal(key)
            var from = 0
            while let at = literal.find(in: b, from: from) {
                from = at + 1
                let start = b.skipSpaces(at + key.utf8.count)
                var end = start
                while end < b.count && b[end].isDigit { end += 1 }
                guard end - start == digits, b.byte(end) != UInt8(ascii: "\""), let value = b.digits(at: start, digits) else { continue }
                let day = Int64(value) / scale / 86_400
                let year = Timestamp.civil(days: day).year
                if year >= 2000 && year < 2100 { return day }
            }
        }
        return nil
    }

    /// Fills `buffer` with the start of the gzip file open at `fd` (read again from its start),
    /// inflated; returns how many bytes (0 when it cannot be read).
    static func inflatedHead(fd: Int32, into buffer: inout [UInt8]) -> Int {
        guard lseek(fd, 0, SEEK_SET) == 0 else { return 0 }
        let source = GzipSource(inner: FileDescriptorSource(fd: fd), limit: UInt64(buffer.count), inputChunk: 16 * 1024)
        var filled = 0
        buffer.withUnsafeMutableBytes { all in
            while filled < all.count {
                guard let n = try? source.read(into: UnsafeMutableRawBufferPointer(rebasing: all[filled...])), n > 0 else { break }
                filled += n
            }
        }
        return filled
    }

    /// The first plausible date (2000-2099) in the first 64 KiB of a file (inflated when it is
    /// gzip), or else its first epoch stamp's day.
    static func firstDay(of input: InputDescriptor) -> Int64? {
        for input in [input] where input.kind == .file {
            // Only regular files: peeking into a FIFO would eat its data (and reopening it could wait forever).
            var st = stat()
            guard stat(input.openPath, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { continue }
            let fd = open(input.openPath, O_RDONLY | O_NONBLOCK)
            guard fd >= 0 else { continue }
            defer { close(fd) }
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            var n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            guard n > 2 else { continue }
            if buffer[0] == 0x1F && buffer[1] == 0x8B {
                // A rotated, compressed log (`agent.log.1.gz`): its first 64 KiB inflated.
                n = inflatedHead(fd: fd, into: &buffer)
                guard n > 2 else { continue }
            }
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
                return epochDay(b)
            }
            if let found { return found }
        }
        return nil
    }


    /// Reads every input in turn (`parse`): the files of a rotated log that their dated stamps
    /// do not order (time-only, gzip) are read oldest first where the first of them is named,
    /// each file's clock continuing the one before, as `analyze` reads them (`RotatedLogReader`).
    /// Returns each input's counts, by index.
    public static func readEach(
        _ inputs: [InputDescriptor], options: IngestOptions, referenceDays: [Int64?], diagnostics: inout DiagnosticSink,
        emit: (LogRecord) -> Void
    ) -> [InputStats] {
        var chainOf: [Int: [Int]] = [:]
        for chain in RotatedLogReader.chains(inputs)
        where chain.contains(where: { ReadingOrder.extent(of: inputs[$0], options: options) == .unknown }) {
            for i in chain { chainOf[i] = chain }
        }
        var stats = [InputStats](repeating: InputStats(), count: inputs.count)
        var done = Set<Int>()
        for first in inputs.indices where !done.contains(first) {
            var carry: StreamClock.Carry?
            for i in chainOf[first] ?? [first] {
                done.insert(i)
                var own = options
                if let carry { own.clockCarries = [i: carry] }
                let stream = RecordStream(inputs[i], index: i, options: own, referenceDay: referenceDays[i], classifier: nil, diagnostics: &diagnostics)
                while let record = stream.next(diagnostics: &diagnostics) { emit(record) }
                stats[i] = stream.stats
                carry = stream.clockCarry
            }
        }
        return stats
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
        let stream = RecordStream(input, index: index, options: options, referenceDay: referenceDay, classifier: classifier, diagnostics: &diagnostics)
        while let record = stream.next(diagnostics: &diagnostics) { emit(record) }
        return stream.stats
    }
}
