/// Renders a monitoring report (`loganalyze report`) as text, Markdown, JSON or Prometheus text
/// exposition; `MonitorHTMLRenderer` draws the HTML page.
public struct MonitorRenderer {
    public var summary: MonitorSummary
    public var comparison: [BaselineComparison.Row]?

    public init(summary: MonitorSummary, comparison: [BaselineComparison.Row]? = nil) {
        self.summary = summary
        self.comparison = comparison
    }

    static func seconds(_ d: Double?) -> String { d.map { formatFixed($0, 3) } ?? "-" }
    static func percent(_ d: Double?) -> String { d.map { formatFixed($0 * 100, 2) + "%" } ?? "-" }

    static func value(_ d: Double?, _ unit: String) -> String {
        switch unit {
        case "%": return percent(d)
        case "count": return d.map { String(Int($0)) } ?? "-"
        default: return seconds(d)
        }
    }

    static func change(_ row: BaselineComparison.Row) -> String {
        guard let b = row.before, let a = row.after else { return "-" }
        let delta = a - b
        let sign = delta > 0 ? "+" : ""
        var text: String
        switch row.unit {
        case "%": text = sign + formatFixed(delta * 100, 2) + " pp"
        case "count": text = sign + String(Int(delta))
        default: text = sign + formatFixed(delta, 3) + " s"
        }
        if b != 0 && row.unit != "%" { text += " (\(sign)\(formatFixed(delta / b * 100, 1))%)" }
        return text
    }

    /// Table rows: name, then cells.
    var latencyRows: [[String]] {
        MonitorSummary.latencyKeys.map { key in
            let l = summary.latency[key] ?? .init(count: 0)
            return [key, String(l.count), Self.seconds(l.p50), Self.seconds(l.p90), Self.seconds(l.p95), Self.seconds(l.p99), Self.seconds(l.max)]
        }
    }

    var ruleRows: [[String]] {
        DetectorRegistry.all.map(\.descriptor.id).map { id in
            let r = summary.rules[id] ?? .init(sessions: 0, rate: 0)
            return [id, String(r.sessions), Self.percent(r.rate)]
        }
    }

    var countRows: [[String]] {
        var rows = MonitorSummary.countKeys.map { [$0, String(summary.counts[$0] ?? 0)] }
        let bySide = Side.allCases.compactMap { side -> String? in
            let n = summary.tokenExpiredBySide[side.rawValue] ?? 0
            return n == 0 ? nil : "\(side.rawValue) \(n)"
        }
        if !bySide.isEmpty { rows[0][1] += " (" + bySide.joined(separator: ", ") + ")" }
        return rows
    }

    var comparisonRows: [[String]] {
        (comparison ?? []).map { [$0.metric, Self.value($0.before, $0.unit), Self.value($0.after, $0.unit), Self.change($0), $0.verdict.rawValue] }
    }

    public var hasRegression: Bool { comparison?.contains { $0.verdict == .worse } ?? false }

    var windowText: String {
        "\(summary.from ?? "?") .. \(summary.to ?? "?"), \(DiagnosticSink.grouped(summary.sessions)) session\(summary.sessions == 1 ? "" : "s")"
    }

    public func text() -> String {
        func table(_ header: [String], _ rows: [[String]]) -> String {
            let all = [header] + rows
            let widths = header.indices.map { i in all.map { $0[i].count }.max() ?? 0 }
            return all.map { row in
                row.enumerated().map { i, cell in i == 0 ? cell.padding(toLength: widths[i], withPad: " ", startingAt: 0) : String(repeating: " ", count: widths[i] - cell.count) + cell }
                    .joined(separator: "  ")
            }.joined(separator: "\n") + "\n"
        }
        var out = "loganalyze report: \(windowText)\n\n"
        out += table(["finding", "sessions", "rate"], ruleRows) + "\n"
        out += table(["latency (s)", "count", "p50", "p90", "p95", "p99", "max"], latencyRows) + "\n"
        out += table(["count", "total"], countRows)
        if comparison != nil {
            out += "\n" + table(["metric", "before", "after", "change", "verdict"], comparisonRows)
        }
        return out
    }

    public func markdown() -> String {
        func table(_ header: [String], _ rows: [[String]]) -> String {
            "| " + header.joined(separator: " | ") + " |\n|" + header.map { _ in "---|" }.joined() + "\n"
                + rows.map { "| " + $0.joined(separator: " | ") + " |" }.joined(separator: "\n") + "\n"
        }
        var out = "# loganalyze report\n\n\(windowText)\n\n## Findings\n\n" + table(["finding", "sessions", "rate"], ruleRows)
        out += "\n## Latency (seconds)\n\n" + table(["metric", "count", "p50", "p90", "p95", "p99", "max"], latencyRows)
        out += "\n## Counts\n\n" + table(["count", "total"], countRows)
        if comparison != nil {
            out += "\n## Before / after\n\n" + table(["metric", "before", "after", "change", "verdict"], comparisonRows)
        }
        return out
    }

    public func json() -> String {
        var doc = summary.json
        if let comparison, case .object(var members) = doc {
            members.append(("comparison", .array(comparison.map { r in
                .object([
                    ("metric", .string(r.metric)), ("before", r.before.map { .double($0, digits: 4) } ?? .null),
                    ("after", r.after.map { .double($0, digits: 4) } ?? .null), ("unit", .string(r.unit)), ("verdict", .string(r.verdict.rawValue)),
                ])
            })))
            doc = .object(members)
        }
        return doc.serialized(pretty: true) + "\n"
    }

    /// Prometheus text exposition (for node_exporter's textfile collector): gauges of the window.
    public func prometheus() -> String {
        var out = ""
        func metric(_ name: String, _ type: String, _ help: String, _ samples: [(String, Double)]) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for (labels, v) in samples { out += "\(name)\(labels) \(Self.number(v))\n" }
        }
        metric("loganalyze_sessions", "gauge", "Sessions in the report window.", [("", Double(summary.sessions))])
        metric("loganalyze_sessions_with_finding", "gauge", "Sessions with a finding, by rule and by the severity of its most severe finding.",
               DetectorRegistry.all.flatMap { d in
                   [Severity.warning, .error].map { severity in
                       ("{rule=\"\(Self.label(d.descriptor.id))\",severity=\"\(severity.rawValue)\"}",
                        Double(summary.ruleSeverities["\(d.descriptor.id) \(severity.rawValue)"] ?? 0))
                   }
               })
        for key in ["greetingSeconds", "connectSeconds", "responseSeconds", "durationSeconds"] {
            let l = summary.latency[key] ?? .init(count: 0)
            let name = "loganalyze_" + key.replacingOccurrences(of: "Seconds", with: "_seconds")
            var samples: [(String, Double)] = []
            for (q, v) in [("0.5", l.p50), ("0.9", l.p90), ("0.95", l.p95), ("0.99", l.p99)] {
                if let v { samples.append(("{quantile=\"\(q)\"}", v)) }
            }
            out += "# HELP \(name) \(key) per session (per turn for responses).\n# TYPE \(name) summary\n"
            for (labels, v) in samples { out += "\(name)\(labels) \(Self.number(v))\n" }
            out += "\(name)_sum \(Self.number(l.sum))\n\(name)_count \(l.count)\n"
        }
        metric("loganalyze_token_expired_errors", "gauge", "401 token is expired errors, by the side that logged them.",
               Side.allCases.map { ("{side=\"\($0.rawValue)\"}", Double(summary.tokenExpiredBySide[$0.rawValue] ?? 0)) })
        for (key, name, help) in [
            ("unauthorizedErrors", "loganalyze_unauthorized_errors", "Other LiveKit 401s (credentials, nbf, permissions)."),
            ("negotiationErrors", "loganalyze_negotiation_errors", "RTCPeerConnection negotiation errors."),
            ("midSessionDrops", "loganalyze_mid_session_drops", "Connection losses during sessions."),
            ("sessionsWithAudio", "loganalyze_sessions_with_audio", "Sessions in which agent audio played."),
            ("sessionsWithoutAudio", "loganalyze_sessions_without_audio", "Sessions with replies but no agent audio."),
        ] {
            metric(name, "gauge", help, [("", Double(summary.counts[key] ?? 0))])
        }
        return out
    }

    static func number(_ v: Double) -> String {
        if v == v.rounded() && abs(v) < 1e15 { return String(Int64(v)) }
        return trimmedFixed(v, 6)
    }

    /// A label value escaped for the exposition format (backslash, quote, newline) and redacted.
    static func label(_ s: String) -> String {
        Redactor().redact(s).replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}
