/// Shared pieces of the human-readable renderers: safe text, relative times, locations.
struct ReportText {
    let paths: [String]
    let redactor = Redactor()

    /// Log text made safe for a terminal: secrets redacted, control characters escaped.
    func safe(_ text: String) -> String {
        TerminalText.escape(redactor.redact(text))
    }

    func location(_ l: SourceLocation) -> String {
        safe(paths.indices.contains(l.input) ? "\(paths[l.input]):\(l.line)" : "?:\(l.line)")
    }

    /// `+17:30.379` relative to `origin`, or the clock time when there is no origin.
    /// `hours`: in the `+h:mm:ss.mmm` form also under an hour (a column of a session that
    /// lasts longer keeps one width).
    static func relative(_ t: Timestamp?, to origin: Timestamp?, hours: Bool = false) -> String {
        guard let t else { return "        ?" }
        guard let origin else { return t.timeOfDayString(fraction: 3) }
        let micros = t.micros - origin.micros
        let sign = micros < 0 ? "-" : "+"
        let ms = abs(micros) / 1000
        let h = ms / 3_600_000
        let m = ms / 60_000 % 60
        let s = ms / 1000 % 60
        let frac = ms % 1000
        let body = h > 0 || hours ? "\(h):\(pad(Int(m), 2)):\(pad(Int(s), 2)).\(pad(Int(frac), 3))" : "\(pad(Int(m), 2)):\(pad(Int(s), 2)).\(pad(Int(frac), 3))"
        return sign + body
    }

    /// The times of a timeline's rows relative to `origin`, in one width: right-aligned, in the
    /// hour form for all when one is an hour or more from it (an untimed row's `?` under them).
    static func relativeColumn(_ times: [Timestamp?], to origin: Timestamp?) -> [String] {
        let hours = origin.map { o in times.contains { t in t.map { abs($0.micros - o.micros) >= 3_600_000_000 } ?? false } } ?? false
        let cells = times.map { relative($0, to: origin, hours: hours) }
        let width = cells.map(\.count).max() ?? 0
        return cells.map { String(repeating: " ", count: width - $0.count) + $0 }
    }

    static func sessionHeader(_ s: Session) -> String {
        var parts = [s.label]
        if !s.jobIds.isEmpty {
            let jobs = "job " + s.jobIds.joined(separator: ", ")
            // A session known by no room is labelled by its job already.
            if s.room == nil && s.roomSid == nil { parts[0] = jobs } else { parts.append(jobs) }
        }
        if let start = s.start, let end = s.end {
            // (The end's date too when it is another day's: `2025-12-10 23:59:55 -> 2025-12-11 00:17:50`.)
            let until = start.hasDate && end.hasDate && end.day != start.day ? end.humanString : end.timeOfDayString()
            parts.append("\(start.humanString) -> \(until) (\(humanDuration(start.seconds(until: end))))")
        }
        parts.append("[\(s.sides.map(\.rawValue).joined(separator: ", "))]")
        return parts.joined(separator: "  ")
    }
}

/// ANSI styling, applied only when writing to a terminal.
struct Style {
    let enabled: Bool

    func severity(_ s: Severity) -> String {
        let word = s.rawValue
        guard enabled else { return word }
        switch s {
        case .error: return "\u{1B}[1;31m\(word)\u{1B}[0m"
        case .warning: return "\u{1B}[33m\(word)\u{1B}[0m"
        case .info: return "\u{1B}[36m\(word)\u{1B}[0m"
        }
    }

    func bold(_ text: String) -> String { enabled ? "\u{1B}[1m\(text)\u{1B}[0m" : text }
    func dim(_ text: String) -> String { enabled ? "\u{1B}[2m\(text)\u{1B}[0m" : text }
}
