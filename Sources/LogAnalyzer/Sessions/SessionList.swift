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
    var spooledBytes: Int64 { storage.spool.fileBytes }

    /// Append-only: a copy of the list shares it safely (a location, once written, never changes).
    private final class Storage: Sendable {
        let spool: Spool
        private let keptSessions = Mutex<[Session]>([])

        init(directory: String?) { spool = Spool(name: "sessions", directory: directory) }

        func keep(_ session: Session) -> Int {
            keptSessions.withLock {
                $0.append(session)
                return $0.count - 1
            }
        }

        func kept(_ i: Int) -> Session { keptSessions.withLock { $0[i] } }

        func spool(_ session: Session) -> Int64 { spool.append { SessionCoding.encode(session, into: &$0) } }

        func read(at location: Int64) -> Session {
            // Nil only if the file was changed under us: an empty session, not a crash.
            spool.read(at: location) { SessionCoding.decode(&$0) }
                ?? Session(key: "(unreadable)", room: nil, roomSid: nil, jobIds: [], participants: [], start: nil, end: nil,
                           sides: [], inputs: [], recordCount: 0, events: [], gaps: [:], inputGaps: [:], records: [], order: 0)
        }
    }
}

/// The compact binary form of a session: its summary, events and gaps (not its records).
enum SessionCoding {
    static func encode(_ s: Session, into out: inout SpoolWriter) {
        func time(_ t: Timestamp?) {
            guard let t else { return }
            out.int(t.micros)
        }
        func gaps(_ g: [Int: [SilentGap]]) {
            out.varint(UInt64(g.count))
            for (input, list) in g.sorted(by: { $0.key < $1.key }) {
                out.varint(UInt64(input))
                out.varint(UInt64(list.count))
                for gap in list {
                    out.stamp(gap.from)
                    out.location(gap.fromLocation)
                    out.stamp(gap.to)
                    out.location(gap.toLocation)
                    out.byte(gap.side.map { UInt8(Side.allCases.firstIndex(of: $0)!) } ?? 0xFF)
                    out.byte(gap.serverLogged ? 1 : 0)
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
        let detailed = !s.events.isEmpty || !s.gaps.isEmpty || !s.inputGaps.isEmpty || !s.clockSteps.isEmpty
        if detailed { flags |= 64 }
        out.byte(flags)
        out.string(s.key)
        if let r = s.room { out.string(r) }
        if let r = s.roomSid { out.string(r) }
        out.varint(UInt64(s.jobIds.count))
        for j in s.jobIds { out.string(j) }
        out.varint(UInt64(s.participants.count))
        for p in s.participants { out.string(p) }
        time(s.start)
        time(s.end)
        var sides: UInt8 = 0
        for side in s.sides { sides |= 1 << UInt8(Side.allCases.firstIndex(of: side)!) }
        out.byte(sides)
        out.varint(UInt64(s.inputs.count))
        for i in s.inputs { out.varint(UInt64(i)) }
        out.int(Int64(s.recordCount))
        out.int(Int64(s.order))
        out.int(Int64(s.replies))
        out.double(s.audioSeconds)
        out.varint(UInt64(s.responses.count))
        for r in s.responses { out.varint(UInt64(r.bitPattern)) }
        guard detailed else { return }
        out.varint(UInt64(s.events.count))
        for e in s.events {
            switch e.kind {
            case .sessionStart: out.byte(0)
            case .greetingStart: out.byte(1)
            case .greetingEnd: out.byte(2)
            case .llmMetrics(let ttft): out.byte(3); out.double(ttft)
            case .ttsMetrics(let ttfb, let audio):
                out.byte(4)
                out.double(ttfb)
                out.byte(audio == nil ? 0 : 1)
                if let audio { out.double(audio) }
            case .eouMetrics(let delay): out.byte(5); out.double(delay)
            case .realtimeMetrics(let ttft): out.byte(6); out.double(ttft)
            case .connectionLost(let trigger): out.byte(7); out.string(trigger)
            case .resumeAttempt: out.byte(8)
            case .authFailure(let kind): out.byte(9); out.string(kind.rawValue)
            case .recovered: out.byte(10)
            case .gaveUp: out.byte(11)
            case .negotiationError: out.byte(12)
            case .tokenMinted(let ttl):
                out.byte(13)
                out.byte(ttl == nil ? 0 : 1)
                if let ttl { out.double(ttl) }
            case .sessionEnd: out.byte(14)
            case .jobError: out.byte(15)
            case .agentNotDispatched(let name): out.byte(16); out.string(name)
            case .serverCrash: out.byte(17)
            case .serverShutdown: out.byte(18)
            case .memoryWarning(let mb):
                out.byte(19)
                out.byte(mb == nil ? 0 : 1)
                if let mb { out.double(mb) }
            case .workerDraining: out.byte(20)
            case .workerShutdown(let forced): out.byte(21); out.byte(forced ? 1 : 0)
            case .workerStart: out.byte(22)
            }
            out.stamp(e.time)
            out.location(e.location)
            out.byte(UInt8(Side.allCases.firstIndex(of: e.side)!))
            out.string(e.text)
            out.byte((e.token == nil ? 0 : 1) | (e.hasIDs ? 2 : 0))
            if let t = e.token {
                out.optionalString(t.subject)
                out.optionalString(t.room)
                out.optionalString(t.issuer)
                out.optionalInt(t.notBefore)
                out.optionalInt(t.expires)
                out.optionalInt(t.issuedAt)
            }
        }
        gaps(s.gaps)
        gaps(s.inputGaps)
        out.varint(UInt64(s.clockSteps.count))
        for step in s.clockSteps {
            out.stamp(step.from)
            out.location(step.fromLocation)
            out.stamp(step.to)
            out.location(step.toLocation)
        }
    }

    /// Check `short` on the reader afterwards: it is set when the encoding runs past the end.
    static func decode(_ r: inout SpoolReader) -> Session {
        func gaps() -> [Int: [SilentGap]] {
            var out: [Int: [SilentGap]] = [:]
            for _ in 0..<r.count() where !r.short {
                let input = Int(r.varint())
                out[input] = (0..<r.count()).map { _ in
                    let from = r.stamp() ?? Timestamp(micros: 0)
                    let fromLocation = r.location()
                    let to = r.stamp() ?? Timestamp(micros: 0)
                    let toLocation = r.location()
                    let side = Int(r.byte())
                    let serverLogged = r.byte() != 0
                    return SilentGap(
                        from: from, fromLocation: fromLocation, to: to, toLocation: toLocation,
                        side: side < Side.allCases.count ? Side.allCases[side] : nil, serverLogged: serverLogged)
                }
            }
            return out
        }
        let flags = r.byte()
        let key = r.string()
        let room = flags & 1 != 0 ? r.string() : nil
        let roomSid = flags & 2 != 0 ? r.string() : nil
        let jobs = (0..<r.count()).map { _ in r.string() }
        let participants = (0..<r.count()).map { _ in r.string() }
        let start = flags & 4 != 0 ? Timestamp(micros: r.int(), hasDate: flags & 8 != 0) : nil
        let end = flags & 16 != 0 ? Timestamp(micros: r.int(), hasDate: flags & 32 != 0) : nil
        let sideBits = r.byte()
        let sides = Side.allCases.enumerated().filter { sideBits & (1 << UInt8($0.offset)) != 0 }.map(\.element)
        let inputs = (0..<r.count()).map { _ in Int(r.varint()) }
        let recordCount = Int(r.int())
        let order = Int(r.int())
        let replies = Int(r.int())
        let audio = r.double()
        let responses = (0..<r.count()).map { _ in Float(bitPattern: UInt32(truncatingIfNeeded: r.varint())) }
        var events: [SessionEvent] = []
        var sessionGaps: [Int: [SilentGap]] = [:]
        var inputGaps: [Int: [SilentGap]] = [:]
        var steps: [ClockStep] = []
        if flags & 64 != 0 {
            for _ in 0..<r.count() where !r.short {
                let kind: EventKind
                switch r.byte() {
                case 0: kind = .sessionStart
                case 1: kind = .greetingStart
                case 2: kind = .greetingEnd
                case 3: kind = .llmMetrics(ttft: r.double())
                case 4:
                    let ttfb = r.double()
                    kind = .ttsMetrics(ttfb: ttfb, audioDuration: r.byte() != 0 ? r.double() : nil)
                case 5: kind = .eouMetrics(delay: r.double())
                case 6: kind = .realtimeMetrics(ttft: r.double())
                case 7: kind = .connectionLost(trigger: r.string())
                case 8: kind = .resumeAttempt
                case 9: kind = .authFailure(AuthFailureKind(rawValue: r.string()) ?? .unauthorized)
                case 10: kind = .recovered
                case 11: kind = .gaveUp
                case 12: kind = .negotiationError
                case 13: kind = .tokenMinted(ttlSeconds: r.byte() != 0 ? r.double() : nil)
                case 14: kind = .sessionEnd
                case 15: kind = .jobError
                case 16: kind = .agentNotDispatched(agentName: r.string())
                case 17: kind = .serverCrash
                case 18: kind = .serverShutdown
                case 19: kind = .memoryWarning(usageMB: r.byte() != 0 ? r.double() : nil)
                case 20: kind = .workerDraining
                case 21: kind = .workerShutdown(forced: r.byte() != 0)
                case 22: kind = .workerStart
                default:
                    r.fail()
                    kind = .sessionStart
                }
                let time = r.stamp()
                let location = r.location()
                let side = Side.allCases[min(Int(r.byte()), Side.allCases.count - 1)]
                let text = r.string()
                let bits = r.byte()
                var token: TokenClaims?
                if bits & 1 != 0 {
                    var t = TokenClaims()
                    t.subject = r.optionalString()
                    t.room = r.optionalString()
                    t.issuer = r.optionalString()
                    t.notBefore = r.optionalInt()
                    t.expires = r.optionalInt()
                    t.issuedAt = r.optionalInt()
                    token = t
                }
                events.append(SessionEvent(kind: kind, time: time, location: location, side: side, text: text, token: token, hasIDs: bits & 2 != 0))
            }
            sessionGaps = gaps()
            inputGaps = gaps()
            for _ in 0..<r.count() where !r.short {
                let from = r.stamp() ?? Timestamp(micros: 0)
                let fromLocation = r.location()
                let to = r.stamp() ?? Timestamp(micros: 0)
                steps.append(ClockStep(from: from, fromLocation: fromLocation, to: to, toLocation: r.location()))
            }
        }
        return Session(key: key, room: room, roomSid: roomSid, jobIds: jobs, participants: participants, start: start, end: end,
                        sides: sides, inputs: inputs, recordCount: recordCount, events: events, gaps: sessionGaps, inputGaps: inputGaps,
                        records: [], order: order, responses: responses, replies: replies, audioSeconds: audio, clockSteps: steps)
    }
}
