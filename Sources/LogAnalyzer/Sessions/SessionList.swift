import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The sessions a report lists, in report order, with memory that does not grow with them.
///
/// A multi-gigabyte log has hundreds of thousands of sessions. Once its detectors have run, a
/// session is a summary (ids, span, counts) that the report only renders: it is encoded in about
/// a hundred bytes (plus its events and silent gaps, when it keeps them for `timeline`) and
/// spooled to an unlinked temporary file, and decoded again when read. Only a small index (order
/// and location, 16 bytes a session) stays in memory. Sessions that keep records (`timeline
/// --session`: one session) stay in memory as they are. Without a usable temporary directory the
/// encoded sessions stay in memory (still about a fifth of their decoded size).
public struct SessionList: RandomAccessCollection, Sendable {
    private struct Entry {
        var order: Int
        /// At or above 0: offset of the encoding in the spool; below 0: `~index` into `kept`.
        var location: Int64
    }

    private var entries: [Entry] = []
    private let storage: Storage

    public init() { storage = Storage(directory: nil) }

    /// Spools to `directory` (nil: $TMPDIR, else /tmp).
    init(spoolDirectory directory: String?) { storage = Storage(directory: directory) }

    public init(_ sessions: [Session]) {
        self.init()
        for s in sessions { append(s) }
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { entries.count }

    public mutating func append(_ session: Session) {
        let location: Int64
        if session.records.isEmpty {
            location = storage.spool(session)
        } else {
            location = ~Int64(storage.keep(session))
        }
        entries.append(Entry(order: session.order, location: location))
    }

    /// Puts the sessions in report order (their first record's place in the reading order).
    mutating func sortByOrder() {
        entries.sort { $0.order < $1.order }
    }

    public subscript(position: Int) -> Session {
        get {
            let location = entries[position].location
            return location < 0 ? storage.kept(Int(~location)) : storage.read(at: location)
        }
        set {
            entries[position] = Entry(order: newValue.order, location: ~Int64(storage.keep(newValue)))
        }
    }

    /// Bytes of encoded sessions written to the temporary file (0 when all are in memory).
    var spooledBytes: Int64 { storage.state.withLock { $0.fileBytes } }

    /// Append-only: a copy of the list shares it safely (a location, once written, never changes).
    private final class Storage: Sendable {
        struct State: ~Copyable {
            var kept: [Session] = []
            /// Encodings not yet written to the file.
            var tail: [UInt8] = []
            /// -2 before the first flush, -1 when no file could be opened or written.
            var fd: Int32 = -2
            var fileBytes: Int64 = 0
            var spoolFailed = false
            /// The last block read back from the file (reading is mostly in file order).
            var cache: [UInt8] = []
            var cacheStart: Int64 = -1
        }

        let state = Mutex(State())
        let directory: String?
        static let flushBytes = 1 << 20
        static let cacheBytes = 64 << 10

        init(directory: String?) { self.directory = directory }

        deinit {
            state.withLock { if $0.fd >= 0 { close($0.fd) } }
        }

        func keep(_ session: Session) -> Int {
            state.withLock {
                $0.kept.append(session)
                return $0.kept.count - 1
            }
        }

        func kept(_ i: Int) -> Session { state.withLock { $0.kept[i] } }

        func spool(_ session: Session) -> Int64 {
            state.withLock { s in
                let location = s.fileBytes + Int64(s.tail.count)
                SessionCoding.encode(session, into: &s.tail)
                if s.tail.count >= Self.flushBytes { flush(&s) }
                return location
            }
        }

        /// Writes the tail to the file (opened on first use); keeps it in memory when it cannot.
        private func flush(_ s: inout State) {
            guard !s.spoolFailed else { return }
            if s.fd == -2 { s.fd = Self.openTemporary(in: directory) }
            guard s.fd >= 0 else {
                s.spoolFailed = true
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
                s.spoolFailed = true
                if s.fileBytes == 0 {
                    close(s.fd)
                    s.fd = -1
                }
                return
            }
            s.fileBytes += Int64(s.tail.count)
            s.tail.removeAll(keepingCapacity: true)
        }

        /// An unlinked file in `directory` (nil: $TMPDIR, else /tmp), or -1.
        private static func openTemporary(in directory: String?) -> Int32 {
            let dir = directory ?? getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
            var template = Array("\(dir)/loganalyze-sessions-XXXXXX".utf8CString)
            let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            guard fd >= 0 else { return -1 }
            template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
            return fd
        }

        func read(at location: Int64) -> Session {
            state.withLock { s in
                if location >= s.fileBytes {
                    let start = Int(location - s.fileBytes)
                    return s.tail.withUnsafeBufferPointer { SessionCoding.decode($0, at: start)! }
                }
                // Most encodings are far smaller than a block; one that is cut at the block's end
                // is read again from its start, in a block twice as large each time (a session
                // that keeps thousands of events can take more than one).
                var blockBytes = Self.cacheBytes
                for attempt in 0..<40 {
                    if attempt > 0 && s.cacheStart == location && s.cacheStart + Int64(s.cache.count) >= s.fileBytes { break }
                    if attempt > 0 || s.cacheStart < 0 || location < s.cacheStart || location >= s.cacheStart + Int64(s.cache.count) {
                        if attempt > 0 { blockBytes *= 2 }
                        let length = Int(Swift.min(Int64(blockBytes), s.fileBytes - location))
                        s.cache = [UInt8](repeating: 0, count: length)
                        let fd = s.fd
                        let got = s.cache.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, length, off_t(location)) }
                        if got < length { s.cache.removeLast(length - Swift.max(0, got)) }
                        s.cacheStart = location
                    }
                    let start = Int(location - s.cacheStart)
                    if let session = s.cache.withUnsafeBufferPointer({ SessionCoding.decode($0, at: start) }) { return session }
                }
                // Unreachable unless the file was changed under us: an empty session, not a crash.
                return Session(key: "(unreadable)", room: nil, roomSid: nil, jobIds: [], participants: [], start: nil, end: nil,
                               sides: [], inputs: [], recordCount: 0, events: [], gaps: [:], inputGaps: [:], records: [], order: 0)
            }
        }
    }
}

/// The compact binary form of a session: its summary, events and gaps (not its records).
enum SessionCoding {
    static func encode(_ s: Session, into out: inout [UInt8]) {
        func varint(_ v: UInt64) {
            var v = v
            while v >= 0x80 {
                out.append(UInt8(truncatingIfNeeded: v) | 0x80)
                v >>= 7
            }
            out.append(UInt8(v))
        }
        func int(_ v: Int64) { varint(UInt64(bitPattern: (v << 1) ^ (v >> 63))) }
        func string(_ v: String) {
            var v = v
            v.withUTF8 { b in
                varint(UInt64(b.count))
                out.append(contentsOf: b)
            }
        }
        func time(_ t: Timestamp?) {
            guard let t else { return }
            int(t.micros)
        }
        /// A timestamp that may be absent: a flag byte (1 present, 2 with a date), then the micros.
        func stamp(_ t: Timestamp?) {
            out.append(t == nil ? 0 : t!.hasDate ? 3 : 1)
            time(t)
        }
        func double(_ v: Double) { varint(v.bitPattern) }
        func location(_ l: SourceLocation) {
            varint(UInt64(l.input))
            varint(UInt64(l.line))
        }
        func optionalString(_ v: String?) {
            out.append(v == nil ? 0 : 1)
            if let v { string(v) }
        }
        func optionalInt(_ v: Int64?) {
            out.append(v == nil ? 0 : 1)
            if let v { int(v) }
        }
        func gaps(_ g: [Int: [SilentGap]]) {
            varint(UInt64(g.count))
            for (input, list) in g.sorted(by: { $0.key < $1.key }) {
                varint(UInt64(input))
                varint(UInt64(list.count))
                for gap in list {
                    stamp(gap.from)
                    location(gap.fromLocation)
                    stamp(gap.to)
                    location(gap.toLocation)
                }
            }
        }
        var flags: UInt8 = 0
        if s.room != nil { flags |= 1 }
        if s.roomSid != nil { flags |= 2 }
        if s.start != nil { flags |= 4 }
        if s.start?.hasDate == true { flags |= 8 }
        if s.end != nil { flags |= 16 }
        if s.end?.hasDate == true { flags |= 32 }
        let detailed = !s.events.isEmpty || !s.gaps.isEmpty || !s.inputGaps.isEmpty
        if detailed { flags |= 64 }
        out.append(flags)
        string(s.key)
        if let r = s.room { string(r) }
        if let r = s.roomSid { string(r) }
        varint(UInt64(s.jobIds.count))
        for j in s.jobIds { string(j) }
        varint(UInt64(s.participants.count))
        for p in s.participants { string(p) }
        time(s.start)
        time(s.end)
        var sides: UInt8 = 0
        for side in s.sides { sides |= 1 << UInt8(Side.allCases.firstIndex(of: side)!) }
        out.append(sides)
        varint(UInt64(s.inputs.count))
        for i in s.inputs { varint(UInt64(i)) }
        int(Int64(s.recordCount))
        int(Int64(s.order))
        int(Int64(s.replies))
        varint(s.audioSeconds.bitPattern)
        varint(UInt64(s.responses.count))
        for r in s.responses { varint(UInt64(r.bitPattern)) }
        guard detailed else { return }
        varint(UInt64(s.events.count))
        for e in s.events {
            switch e.kind {
            case .sessionStart: out.append(0)
            case .greetingStart: out.append(1)
            case .greetingEnd: out.append(2)
            case .llmMetrics(let ttft): out.append(3); double(ttft)
            case .ttsMetrics(let ttfb, let audio):
                out.append(4)
                double(ttfb)
                out.append(audio == nil ? 0 : 1)
                if let audio { double(audio) }
            case .eouMetrics(let delay): out.append(5); double(delay)
            case .realtimeMetrics(let ttft): out.append(6); double(ttft)
            case .connectionLost(let trigger): out.append(7); string(trigger)
            case .resumeAttempt: out.append(8)
            case .authFailure(let kind): out.append(9); string(kind.rawValue)
            case .recovered: out.append(10)
            case .gaveUp: out.append(11)
            case .negotiationError: out.append(12)
            case .tokenMinted(let ttl):
                out.append(13)
                out.append(ttl == nil ? 0 : 1)
                if let ttl { double(ttl) }
            case .sessionEnd: out.append(14)
            }
            stamp(e.time)
            location(e.location)
            out.append(UInt8(Side.allCases.firstIndex(of: e.side)!))
            string(e.text)
            out.append((e.token == nil ? 0 : 1) | (e.hasIDs ? 2 : 0))
            if let t = e.token {
                optionalString(t.subject)
                optionalString(t.room)
                optionalString(t.issuer)
                optionalInt(t.notBefore)
                optionalInt(t.expires)
                optionalInt(t.issuedAt)
            }
        }
        gaps(s.gaps)
        gaps(s.inputGaps)
    }

    /// Nil when the encoding runs past the end of `b`.
    static func decode(_ b: UnsafeBufferPointer<UInt8>, at start: Int) -> Session? {
        var i = start
        var short = false
        func byte() -> UInt8 {
            guard i < b.count else {
                short = true
                return 0
            }
            i += 1
            return b[i - 1]
        }
        func varint() -> UInt64 {
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
        func int() -> Int64 {
            let v = varint()
            return Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1)))
        }
        func string() -> String {
            let n = Int(varint())
            guard !short, n <= b.count - i else {
                short = true
                return ""
            }
            defer { i += n }
            return String(decoding: UnsafeBufferPointer(rebasing: b[i..<i + n]), as: UTF8.self)
        }
        func stamp() -> Timestamp? {
            let f = byte()
            return f & 1 != 0 ? Timestamp(micros: int(), hasDate: f & 2 != 0) : nil
        }
        func double() -> Double { Double(bitPattern: varint()) }
        func location() -> SourceLocation { SourceLocation(input: Int(varint()), line: Int(varint())) }
        func optionalString() -> String? { byte() != 0 ? string() : nil }
        func optionalInt() -> Int64? { byte() != 0 ? int() : nil }
        func gaps() -> [Int: [SilentGap]] {
            var out: [Int: [SilentGap]] = [:]
            for _ in 0..<Int(min(varint(), 1 << 20)) where !short {
                let input = Int(varint())
                out[input] = (0..<Int(min(varint(), 1 << 20))).map { _ in
                    let from = stamp() ?? Timestamp(micros: 0)
                    let fromLocation = location()
                    let to = stamp() ?? Timestamp(micros: 0)
                    return SilentGap(from: from, fromLocation: fromLocation, to: to, toLocation: location())
                }
            }
            return out
        }
        let flags = byte()
        let key = string()
        let room = flags & 1 != 0 ? string() : nil
        let roomSid = flags & 2 != 0 ? string() : nil
        let jobs = (0..<Int(min(varint(), 1 << 20))).map { _ in string() }
        let participants = (0..<Int(min(varint(), 1 << 20))).map { _ in string() }
        let start = flags & 4 != 0 ? Timestamp(micros: int(), hasDate: flags & 8 != 0) : nil
        let end = flags & 16 != 0 ? Timestamp(micros: int(), hasDate: flags & 32 != 0) : nil
        let sideBits = byte()
        let sides = Side.allCases.enumerated().filter { sideBits & (1 << UInt8($0.offset)) != 0 }.map(\.element)
        let inputs = (0..<Int(min(varint(), 1 << 20))).map { _ in Int(varint()) }
        let recordCount = Int(int())
        let order = Int(int())
        let replies = Int(int())
        let audio = Double(bitPattern: varint())
        let responses = (0..<Int(min(varint(), 1 << 24))).map { _ in Float(bitPattern: UInt32(truncatingIfNeeded: varint())) }
        var events: [SessionEvent] = []
        var sessionGaps: [Int: [SilentGap]] = [:]
        var inputGaps: [Int: [SilentGap]] = [:]
        if flags & 64 != 0 {
            for _ in 0..<Int(min(varint(), 1 << 24)) where !short {
                let kind: EventKind
                switch byte() {
                case 0: kind = .sessionStart
                case 1: kind = .greetingStart
                case 2: kind = .greetingEnd
                case 3: kind = .llmMetrics(ttft: double())
                case 4:
                    let ttfb = double()
                    kind = .ttsMetrics(ttfb: ttfb, audioDuration: byte() != 0 ? double() : nil)
                case 5: kind = .eouMetrics(delay: double())
                case 6: kind = .realtimeMetrics(ttft: double())
                case 7: kind = .connectionLost(trigger: string())
                case 8: kind = .resumeAttempt
                case 9: kind = .authFailure(AuthFailureKind(rawValue: string()) ?? .unauthorized)
                case 10: kind = .recovered
                case 11: kind = .gaveUp
                case 12: kind = .negotiationError
                case 13: kind = .tokenMinted(ttlSeconds: byte() != 0 ? double() : nil)
                case 14: kind = .sessionEnd
                default:
                    short = true
                    kind = .sessionStart
                }
                let time = stamp()
                let location = location()
                let side = Side.allCases[min(Int(byte()), Side.allCases.count - 1)]
                let text = string()
                let bits = byte()
                var token: TokenClaims?
                if bits & 1 != 0 {
                    var t = TokenClaims()
                    t.subject = optionalString()
                    t.room = optionalString()
                    t.issuer = optionalString()
                    t.notBefore = optionalInt()
                    t.expires = optionalInt()
                    t.issuedAt = optionalInt()
                    token = t
                }
                events.append(SessionEvent(kind: kind, time: time, location: location, side: side, text: text, token: token, hasIDs: bits & 2 != 0))
            }
            sessionGaps = gaps()
            inputGaps = gaps()
        }
        guard !short else { return nil }
        return Session(key: key, room: room, roomSid: roomSid, jobIds: jobs, participants: participants, start: start, end: end,
                        sides: sides, inputs: inputs, recordCount: recordCount, events: events, gaps: sessionGaps, inputGaps: inputGaps,
                        records: [], order: order, responses: responses, replies: replies, audioSeconds: audio)
    }
}
