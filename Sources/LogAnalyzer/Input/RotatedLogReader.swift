/// A log and its rotated predecessors (`agent.log.2.gz`, `agent.log.1`, `agent.log`) read as one
/// input, oldest first, each file's clock starting where the one before it ended.
///
/// A time-only log (the Rich and compact consoles, app times, a DevTools console) counts its
/// days from its first line, rolling over at midnight; read file by file, a log rotated after
/// midnight started again at its first day in the newer file, so a session that ran across the
/// rotation became two, hours apart, or ran backwards. Read in rotation order with the clock
/// carried over, the newer file's `00:00:04` follows the older file's `23:59:58` on the next day.
/// Only one file is open at a time; each is read as any input is (in line, on a thread, or cut
/// into pieces), the carried clock being every piece's starting clock.
final class RotatedLogReader {
    /// Input indices, oldest first.
    let members: [Int]
    /// Opens member `index` with the clock its predecessor ended in.
    private let open: (_ index: Int, _ carry: StreamClock.Carry?, _ diagnostics: inout DiagnosticSink) -> InputReader
    private var position = 0
    private var current: InputReader
    private var carry: StreamClock.Carry?
    private var done = false
    /// Each member's summary, once it has been read.
    private(set) var summaries: [(index: Int, summary: InputSummary)] = []
    /// The clock each member after the first started from.
    private(set) var carries: [Int: StreamClock.Carry] = [:]

    init(
        members: [Int], diagnostics: inout DiagnosticSink,
        open: @escaping (_ index: Int, _ carry: StreamClock.Carry?, _ diagnostics: inout DiagnosticSink) -> InputReader
    ) {
        self.members = members
        self.open = open
        current = open(members[0], nil, &diagnostics)
    }

    /// Whether a record is waiting, opening the next file when one ends.
    func ensure(diagnostics: inout DiagnosticSink) -> Bool {
        while !done {
            if current.ensure(diagnostics: &diagnostics) { return true }
            advance(&diagnostics)
        }
        return false
    }

    var headTime: Timestamp? { current.headTime }

    func consume(_ body: (inout LogRecord) -> Void) { current.consume(body) }

    /// Every remaining record, a file at a time (each drained as a lone input is).
    func drain(diagnostics: inout DiagnosticSink, _ body: (inout LogRecord) -> Void) {
        while !done {
            current.drain(diagnostics: &diagnostics, body)
            advance(&diagnostics)
        }
    }

    var path: String { current.path }

    private func advance(_ diagnostics: inout DiagnosticSink) {
        current.mergeDiagnostics(into: &diagnostics)
        summaries.append((members[position], InputSummary(path: current.path, stats: current.stats)))
        // (A file that gave no clock, unreadable or empty, passes its predecessor's on.)
        if let ended = current.clockCarry { carry = ended }
        position += 1
        guard position < members.count else {
            done = true
            return
        }
        if let carry { carries[members[position]] = carry }
        current = open(members[position], carry, &diagnostics)
    }

    /// The inputs that are one rotated log, each list oldest first (`agent.log.2.gz`,
    /// `agent.log.1`, `agent.log`: a higher number is older, the plain name the newest); lists of
    /// two or more files only. Standard input is nobody's rotation.
    static func chains(_ inputs: [InputDescriptor]) -> [[Int]] {
        var byBase: [String: [Int]] = [:]
        var bases: [String] = []
        for (i, input) in inputs.enumerated() where input.kind != .stdin {
            let base = SessionTracker.rotationBase(input.path)
            if byBase[base] == nil { bases.append(base) }
            byBase[base, default: []].append(i)
        }
        return bases.compactMap { base in
            let members = byBase[base]!
            guard members.count > 1 else { return nil }
            return members.sorted { a, b in
                let (na, nb) = (rotationNumber(inputs[a].path), rotationNumber(inputs[b].path))
                return na != nb ? na > nb : a < b
            }
        }
    }

    /// The `N` of `agent.log.N` or `agent.log.N.gz`; 0 for the current file.
    static func rotationNumber(_ path: String) -> Int {
        var name = Substring(path)
        if name.hasSuffix(".gz") { name = name.dropLast(3) }
        guard let dot = name.lastIndex(of: "."), name.index(after: dot) < name.endIndex else { return 0 }
        let digits = name[name.index(after: dot)...]
        guard digits.count <= 9, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return 0 }
        return Int(digits) ?? 0
    }
}
