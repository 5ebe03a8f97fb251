/// The default report for a person: per flagged session the findings, their explanation and the
/// key evidence lines with times relative to the session start and `path:line`, then a summary.
public struct TextReportRenderer {
    public var color: Bool
    public var failOn: Severity?

    public init(color: Bool = false, failOn: Severity? = .error) {
        self.color = color
        self.failOn = failOn
    }

    public func render(_ report: Report) -> String {
        var out = ""
        render(report) { out += $0 }
        return out
    }

    /// Writes the report a session at a time (sessions and findings are read one by one from the
    /// report's lists, which may be spooled: the report of a large log is never whole in memory).
    public func render(_ report: Report, to write: (String) -> Void) {
        let text = ReportText(paths: report.paths)
        let style = Style(enabled: color)
        for session in report.sessions {
            let findings = report.findings(of: session)
            guard !findings.isEmpty else { continue }
            var out = style.bold(text.safe(ReportText.sessionHeader(session))) + "\n"
            for f in findings {
                let sev = style.severity(f.severity)
                out += "  \(sev) \(f.rule): \(text.safe(f.message))\n"
                for line in f.explanation {
                    out += "      " + text.safe(line) + "\n"
                }
                for e in f.evidence {
                    let rel = ReportText.relative(e.time, to: session.start)
                    let role = e.role.padding(toLength: 22, withPad: " ", startingAt: 0)
                    out += "      " + style.dim("\(rel)  \(e.side.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)) \(role)") + " \(text.location(e.location))  \(text.safe(e.text))\n"
                }
            }
            write(out + "\n")
        }
        write(summary(report))
    }

    func summary(_ report: Report) -> String {
        let records = report.inputs.reduce(0) { $0 + $1.stats.records }
        let flagged = report.findings.flaggedSessionCount
        // The inputs read; those that could not be (their error diagnostics) apart.
        let read = report.inputs.filter(\.stats.readable).count
        let failed = Set(report.diagnostics.kept.filter { $0.severity == .error }.map(\.path)).count
        var line = "\(DiagnosticSink.grouped(read)) input\(read == 1 ? "" : "s")"
        if failed > 0 { line += " (\(DiagnosticSink.grouped(failed)) more could not be read)" }
        line += ", \(DiagnosticSink.grouped(records)) record\(records == 1 ? "" : "s"), "
        line += "\(DiagnosticSink.grouped(report.sessionCount)) session\(report.sessionCount == 1 ? "" : "s")"
        if let filter = report.filter {
            line += " selected by \(filter.options), \(DiagnosticSink.grouped(report.sessionsLeftOut)) left out"
        }
        line += " (\(DiagnosticSink.grouped(flagged)) flagged): "
        if report.findings.isEmpty {
            line += "no findings"
        } else {
            let parts = Severity.allCases.reversed().compactMap { s -> String? in
                let n = report.count(s)
                return n == 0 ? nil : "\(DiagnosticSink.grouped(n)) \(s.rawValue)\(n == 1 ? "" : "s")"
            }
            line += parts.joined(separator: ", ")
        }
        return line + "\n"
    }
}

/// `loganalyze timeline`: the merged events (or records) of sessions in time order.
public struct TimelineRenderer {
    public init() {}

    /// A gap between two timed lines of a session at least this long is marked on its own line:
    /// 5 minutes is how often livekit-server refreshes a connected client's token, so a longer
    /// silence in a live call is worth seeing (a suspended host's shows as one marked gap).
    public static let silenceMarkSeconds: Int64 = 300

    /// The marker line for the gap between `previous` and `next`, under the time column of
    /// `width`, or nil when the gap is shorter than `silenceMarkSeconds`. `what`: the rows shown
    /// (a session's lines, or its events when the timeline lists those).
    static func silenceMark(from previous: Timestamp?, to next: Timestamp?, width: Int, what: String) -> String? {
        guard let previous, let next, next.micros - previous.micros >= silenceMarkSeconds * 1_000_000 else { return nil }
        let gap = humanDuration(Double(next.micros - previous.micros) / 1_000_000)
        return "  " + String(repeating: " ", count: max(0, width - 1)) + "~  \(gap) without \(what)\n"
    }

    public func render(_ report: Report, selector: String?) -> String {
        var out = ""
        render(report, selector: selector) { out += $0 }
        return out
    }

    /// Writes the timeline a session at a time (sessions are read one by one from the report's
    /// list, which may be spooled: a timeline of every session of a large log is never whole in
    /// memory).
    public func render(_ report: Report, selector: String?, to write: (String) -> Void) {
        let text = ReportText(paths: report.paths)
        var matched = 0
        for index in report.sessions.indices {
            let session = report.sessions[index]
            if let selector, !session.matches(selector) { continue }
            matched += 1
            var out = text.safe(ReportText.sessionHeader(session)) + "\n"
            // A step back of a log's clock: its lines after it sort before lines written earlier.
            for step in session.clockSteps {
                out += "  ~  the clock went back \(formatFixed(step.seconds, 3)) s at \(text.location(step.toLocation)) (\(step.to.timeOfDayString(fraction: 3)) after \(step.from.timeOfDayString(fraction: 3)) at \(text.location(step.fromLocation))): that log's later lines are written that much behind\n"
            }
            if !session.records.isEmpty {
                let rows = timeOrdered(session.records, time: \.time, location: { SourceLocation(input: $0.input, line: $0.line) })
                let times = ReportText.relativeColumn(rows.map(\.time), to: session.start)
                var previous: Timestamp?
                for (r, rel) in zip(rows, times) {
                    if let mark = Self.silenceMark(from: previous, to: r.time, width: rel.count, what: "a line") { out += mark }
                    if let t = r.time { previous = t }
                    let side = EventClassifier.side(of: r, path: report.paths[r.input]).rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)
                    let level = (r.level?.name ?? "-").padding(toLength: 8, withPad: " ", startingAt: 0)
                    // (With the `error` field or the traceback's exception, as an event's text.)
                    let first = SessionEvent.detail(of: r)
                    out += "  \(rel)  \(side) \(level) \(text.location(SourceLocation(input: r.input, line: r.line)))  \(text.safe(first))\n"
                    if out.utf8.count >= 1 << 16 {
                        write(out)
                        out = ""
                    }
                }
            } else {
                let events = session.events
                let times = ReportText.relativeColumn(events.map(\.time), to: session.start)
                var previous: Timestamp?
                for (e, rel) in zip(events, times) {
                    if let mark = Self.silenceMark(from: previous, to: e.time, width: rel.count, what: "an event") { out += mark }
                    if let t = e.time { previous = t }
                    let side = e.side.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)
                    let label = e.kind.label.padding(toLength: 18, withPad: " ", startingAt: 0)
                    out += "  \(rel)  \(side) \(label) \(text.location(e.location))  \(text.safe(e.text))\n"
                }
            }
            write(out + "\n")
        }
        if matched == 0 { write(selector.map { "no session matches \(text.safe($0))\n" } ?? "no sessions\n") }
    }
}
