/// The findings of a report in report order (by session, then detector), with memory that does not
/// grow with them.
///
/// A log where most sessions are flagged (a corpus of incidents, a deployment with a broken token
/// service) gives as many findings as sessions, and a finding carries its explanation and evidence
/// lines: about 1.7 KB decoded. Each finding is encoded into a spool (`Spool`: kept in memory up
/// to a megabyte, then an unlinked temporary file) and decoded again when read; in memory stays an
/// index of 16 bytes a finding, and counts by severity, so that the summary line, `--fail-on`
/// and the exit code need no decoding.
public struct FindingList: RandomAccessCollection, Sendable, ExpressibleByArrayLiteral {
    private struct Entry {
        var sessionOrder: Int
        var location: Int64
    }

    private var entries: [Entry] = []
    private var severityCounts = [0, 0, 0]
    private let spool: Spool

    public init() { spool = Spool(name: "findings") }

    /// Spools to `directory` (nil: $TMPDIR, else /tmp).
    init(spoolDirectory directory: String?) { spool = Spool(name: "findings", directory: directory) }

    public init(_ findings: some Sequence<Finding>) {
        self.init()
        for f in findings { append(f) }
        sortBySession()
    }

    public init(arrayLiteral findings: Finding...) { self.init(findings) }

    public var startIndex: Int { 0 }
    public var endIndex: Int { entries.count }

    public subscript(position: Int) -> Finding {
        spool.read(at: entries[position].location) { FindingCoding.decode(&$0) }
            ?? Finding(rule: "(unreadable)", severity: .info, sessionKey: "(unreadable)", sessionOrder: entries[position].sessionOrder)
    }

    /// Adds a finding; the list is in report order again once `sortBySession` ran (which the
    /// analyzer does once, after its last finding; the queries below need that order).
    mutating func append(_ finding: Finding) {
        let location = spool.append { FindingCoding.encode(finding, into: &$0) }
        entries.append(Entry(sessionOrder: finding.sessionOrder, location: location))
        severityCounts[Self.rank(finding.severity)] += 1
    }

    /// Puts the findings in report order: by session order, and in the order they were appended
    /// within a session (the detectors' order). Locations grow with appending, so they break ties.
    mutating func sortBySession() {
        entries.sort { ($0.sessionOrder, $0.location) < ($1.sessionOrder, $1.location) }
    }

    /// How many findings have this severity.
    public func count(_ severity: Severity) -> Int { severityCounts[Self.rank(severity)] }

    /// Whether a finding reaches `threshold`.
    public func contains(atLeast threshold: Severity) -> Bool {
        Severity.allCases.contains { $0 >= threshold && count($0) > 0 }
    }

    /// How many sessions have findings (the findings of one session are adjacent).
    public var flaggedSessionCount: Int {
        zip(entries, entries.dropFirst()).reduce(entries.isEmpty ? 0 : 1) { $0 + ($1.0.sessionOrder != $1.1.sessionOrder ? 1 : 0) }
    }

    /// The positions of the findings of the session with this `order` (the list is in report
    /// order, so they are adjacent).
    public func positions(ofSession order: Int) -> Range<Int> {
        var lo = 0
        var hi = entries.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if entries[mid].sessionOrder < order { lo = mid + 1 } else { hi = mid }
        }
        var end = lo
        while end < entries.count && entries[end].sessionOrder == order { end += 1 }
        return lo..<end
    }

    /// The findings of the session with this `order`, decoded.
    public func of(session order: Int) -> [Finding] { positions(ofSession: order).map { self[$0] } }

    /// Bytes of encoded findings written to the temporary file (0 when all are in memory).
    var spooledBytes: Int64 { spool.fileBytes }

    private static func rank(_ s: Severity) -> Int {
        switch s {
        case .info: 0
        case .warning: 1
        case .error: 2
        }
    }
}

/// The compact binary form of a finding.
enum FindingCoding {
    static func encode(_ f: Finding, into out: inout SpoolWriter) {
        func value(_ v: FindingValue) {
            switch v {
            case .number(let d): out.byte(0); out.double(d)
            case .integer(let i): out.byte(1); out.int(Int64(i))
            case .text(let s): out.byte(2); out.string(s)
            case .time(let t): out.byte(3); out.stamp(t)
            case .list(let items):
                out.byte(4)
                out.varint(UInt64(items.count))
                for s in items { out.string(s) }
            case .object(let members):
                out.byte(5)
                out.varint(UInt64(members.count))
                for (k, v) in members {
                    out.string(k)
                    value(v)
                }
            }
        }
        out.string(f.rule)
        out.byte(UInt8(Severity.allCases.firstIndex(of: f.severity)!))
        out.string(f.sessionKey)
        out.int(Int64(f.sessionOrder))
        out.optionalString(f.room)
        out.optionalString(f.roomSid)
        out.optionalString(f.jobId)
        out.stamp(f.at)
        out.string(f.message)
        out.varint(UInt64(f.explanation.count))
        for line in f.explanation { out.string(line) }
        out.varint(UInt64(f.values.count))
        for (k, v) in f.values {
            out.string(k)
            value(v)
        }
        out.varint(UInt64(f.evidence.count))
        for e in f.evidence {
            out.location(e.location)
            out.stamp(e.time)
            out.byte(UInt8(Side.allCases.firstIndex(of: e.side)!))
            out.string(e.text)
            out.string(e.role)
        }
        out.varint(UInt64(f.primaryEvidence))
    }

    /// Check `short` on the reader afterwards: it is set when the encoding runs past the end.
    static func decode(_ r: inout SpoolReader) -> Finding {
        func value(depth: Int) -> FindingValue {
            switch r.byte() {
            case 0: return .number(r.double())
            case 1: return .integer(Int(truncatingIfNeeded: r.int()))
            case 2: return .text(r.string())
            case 3: return .time(r.stamp() ?? Timestamp(micros: 0))
            case 4: return .list((0..<r.count()).map { _ in r.string() })
            case 5 where depth < 32:
                return .object((0..<r.count()).map { _ in (r.string(), value(depth: depth + 1)) })
            default:
                r.fail()
                return .integer(0)
            }
        }
        let rule = r.string()
        let severity = Severity.allCases[min(Int(r.byte()), Severity.allCases.count - 1)]
        let key = r.string()
        let order = Int(truncatingIfNeeded: r.int())
        var f = Finding(rule: rule, severity: severity, sessionKey: key, sessionOrder: order)
        f.room = r.optionalString()
        f.roomSid = r.optionalString()
        f.jobId = r.optionalString()
        f.at = r.stamp()
        f.message = r.string()
        f.explanation = (0..<r.count()).map { _ in r.string() }
        f.values = (0..<r.count()).map { _ in (r.string(), value(depth: 0)) }
        f.evidence = (0..<r.count()).map { _ in
            let location = r.location()
            let time = r.stamp()
            let side = Side.allCases[min(Int(r.byte()), Side.allCases.count - 1)]
            let text = r.string()
            return Evidence(location: location, time: time, side: side, text: text, role: r.string())
        }
        f.primaryEvidence = Int(truncatingIfNeeded: r.varint())
        return f
    }
}
