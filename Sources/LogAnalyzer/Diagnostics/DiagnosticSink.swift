/// Collects diagnostics, keeping the first few of each kind per path and counting the rest.
///
/// Repeated problems are summarised ("... and 12,345 more lines with invalid UTF-8") so that a
/// damaged multi-gigabyte log produces a handful of stderr lines, not millions.
public struct DiagnosticSink: Sendable {
    /// How many diagnostics of one kind and path are kept verbatim.
    public var keepPerKind: Int
    public private(set) var kept: [Diagnostic] = []
    private var counts: [Key: Int] = [:]
    private var order: [Key] = []

    private struct Key: Hashable, Sendable {
        var path: String
        var kind: String
    }

    public init(keepPerKind: Int = 3) {
        self.keepPerKind = keepPerKind
    }

    public mutating func report(_ diagnostic: Diagnostic) {
        let key = Key(path: diagnostic.path, kind: diagnostic.kind)
        let seen = counts[key, default: 0]
        if seen == 0 { order.append(key) }
        counts[key] = seen + 1
        if seen < keepPerKind { kept.append(diagnostic) }
    }

    /// Adds every diagnostic of `other`, keeping this sink's limits; line numbers are shifted by
    /// `lineOffset` (a piece of a file numbers its lines from its own start).
    public mutating func merge(_ other: DiagnosticSink, lineOffset: Int = 0) {
        for var diagnostic in other.kept {
            if diagnostic.line > 0 { diagnostic.line += lineOffset }
            report(diagnostic)
        }
        for key in other.order {
            let extra = other.counts[key, default: 0] - min(other.counts[key, default: 0], other.keepPerKind)
            if extra > 0 {
                if counts[key] == nil { order.append(key) }
                counts[key, default: 0] += extra
            }
        }
    }

    /// Number of diagnostics reported of a kind (all paths).
    public func count(kind: String) -> Int {
        counts.reduce(0) { $0 + ($1.key.kind == kind ? $1.value : 0) }
    }

    /// The kept diagnostics followed by one summary line per kind that had more.
    public var lines: [String] {
        var out = kept.map(\.rendered)
        for o in omitted {
            let location = o.path.isEmpty ? "loganalyze" : TerminalText.escape(Redactor.redactOnce(o.path))
            out.append("\(location): note: \(TerminalText.escape(Self.omittedText(o)))")
        }
        return out
    }

    /// Per path and kind with more diagnostics than were kept, in the order first seen: how many
    /// more.
    public var omitted: [(path: String, kind: String, count: Int)] {
        order.compactMap { key in
            let total = counts[key, default: 0]
            return total > keepPerKind ? (key.path, key.kind, total - keepPerKind) : nil
        }
    }

    /// The summary of an `omitted` entry: `... and 12,345 more invalid-utf8 diagnostics`.
    public static func omittedText(_ o: (path: String, kind: String, count: Int)) -> String {
        "... and \(grouped(o.count)) more \(o.kind) diagnostics"
    }

    /// The warnings and errors, as the machine-readable outputs list them: those kept, and per
    /// path and kind the count of the rest. (Notes, such as a file named twice or `--split-bytes`
    /// raised, stay on stderr: they leave nothing out of the analysis, and `--jobs` may add one.)
    public var problems: (kept: [Diagnostic], omitted: [(path: String, kind: String, count: Int)]) {
        let kept = kept.filter { $0.severity != .note }
        let keys = Set(kept.map { Key(path: $0.path, kind: $0.kind) })
        return (kept, omitted.filter { keys.contains(Key(path: $0.path, kind: $0.kind)) })
    }

    static func grouped(_ n: Int) -> String {
        let digits = Array(String(n))
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return out
    }
}
