/// One self-contained HTML page (inline CSS and SVG, no network): summary tables, histograms of
/// greeting and connect times, the before/after table, and a swimlane timeline (one lane per
/// side) of the worst sessions with their findings marked.
public struct MonitorHTMLRenderer {
    public var report: Report
    public var comparison: [BaselineComparison.Row]?

    public init(report: Report, comparison: [BaselineComparison.Row]? = nil) {
        self.report = report
        self.comparison = comparison
    }

    /// HTML-escaped, redacted, control characters shown escaped (and U+FFFE and U+FFFF, which
    /// no XML document may hold, as in JUnit).
    static func h(_ s: String, _ redactor: Redactor) -> String {
        var out = ""
        for u in TerminalText.escape(redactor.redact(s)).unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\u{FFFE}", "\u{FFFF}": out += TerminalText.escaped(u)
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }

    public func render() -> String {
        let redactor = Redactor()
        let monitor = report.monitor ?? MonitorAggregate()
        let renderer = MonitorRenderer(summary: monitor.summary, comparison: comparison)
        func table(_ header: [String], _ rows: [[String]], verdictColumn: Int? = nil) -> String {
            var t = "<table><thead><tr>" + header.map { "<th>\(Self.h($0, redactor))</th>" }.joined() + "</tr></thead><tbody>"
            for row in rows {
                t += "<tr>" + row.enumerated().map { i, c in
                    let cls = i == verdictColumn ? " class=\"verdict \(c.replacingOccurrences(of: " ", with: "-"))\"" : (i > 0 ? " class=\"num\"" : "")
                    return "<td\(cls)>\(Self.h(c, redactor))</td>"
                }.joined() + "</tr>"
            }
            return t + "</tbody></table>\n"
        }
        var body = "<h1>loganalyze report</h1>\n<p class=\"window\">\(Self.h(renderer.windowText, redactor))</p>\n"
        body += "<section><h2>Findings</h2>" + table(["finding", "sessions", "rate"], renderer.ruleRows) + "</section>\n"
        body += "<section><h2>Latency (seconds)</h2>" + table(["metric", "count", "p50", "p90", "p95", "p99", "max"], renderer.latencyRows) + "</section>\n"
        body += "<section><h2>Counts</h2>" + table(["count", "total"], renderer.countRows) + "</section>\n"
        body += "<section class=\"charts\"><h2>Distributions</h2>"
        body += histogram(monitor.greeting, title: "Greeting time (s)", id: "greeting-histogram")
        body += histogram(monitor.connect, title: "Connect time (s)", id: "connect-histogram")
        body += "</section>\n"
        if comparison != nil {
            body += "<section><h2>Before / after</h2>" + table(["metric", "before", "after", "change", "verdict"], renderer.comparisonRows, verdictColumn: 4) + "</section>\n"
        }
        if !report.worstSessions.isEmpty {
            body += "<section><h2>Worst sessions</h2>"
            for session in report.worstSessions { body += swimlane(session, redactor) }
            body += "</section>\n"
        }
        return """
            <!DOCTYPE html>
            <html xmlns="http://www.w3.org/1999/xhtml" lang="en"><head><meta charset="utf-8"/><title>loganalyze report</title>
            <meta name="viewport" content="width=device-width, initial-scale=1"/>
            <style>
            body{font:14px/1.4 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2em auto;max-width:1100px;color:#1d2430;padding:0 1em}
            h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #dde3ea;padding-bottom:.2em}
            .window{color:#5b6675;margin-top:0}
            table{border-collapse:collapse;margin:.5em 0;min-width:40%}th,td{padding:.25em .8em;border-bottom:1px solid #eef1f4;text-align:left}
            th{background:#f5f7fa;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}
            td.verdict.worse{color:#b3261e;font-weight:600}td.verdict.better{color:#1e7b34;font-weight:600}td.verdict.unchanged{color:#5b6675}
            .charts figure{display:inline-block;margin:.5em 1.5em .5em 0;vertical-align:top}figcaption{color:#5b6675;font-size:.9em}
            svg text{font:11px system-ui,sans-serif;fill:#3b4654}.lane-label{font-weight:600}
            .session h3{font-size:1em;margin:1.2em 0 .2em}.finding{color:#b3261e}
            </style></head><body>
            \(body)</body></html>

            """
    }

    /// A bar chart of a latency distribution (20 bars up to the 99th percentile; with fewer than
    /// 100 samples, up to the next-to-largest, which is then below the 99th: one outlier, a
    /// 3-hour greeting among 59 of a second, squeezed every other sample into the first bar).
    func histogram(_ d: LatencyDistribution, title: String, id: String) -> String {
        let width = 460.0
        let height = 180.0
        let reach = d.count >= 100 || d.count < 2 ? 99 : 100 * Double(d.count - 1) / Double(d.count)
        guard d.count > 0, let p99 = d.percentile(reach) else {
            return "<figure id=\"\(id)\"><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"40\" role=\"img\"><text x=\"8\" y=\"24\">no samples</text></svg><figcaption>\(title)</figcaption></figure>"
        }
        let limit = max(p99 * 1.1, 0.1)
        let bars = 20
        let step = limit / Double(bars)
        let counts = d.buckets(width: step, limit: limit)
        let top = Double(counts.max() ?? 1)
        let plotLeft = 40.0
        let plotBottom = height - 24
        let barWidth = (width - plotLeft - 8) / Double(bars)
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(title)\">"
        svg += "<line x1=\"\(plotLeft)\" y1=\"\(plotBottom)\" x2=\"\(width - 4)\" y2=\"\(plotBottom)\" stroke=\"#9aa5b1\"/>"
        // (The last bar holds the values past the limit too: a long greeting among short ones.)
        let overflow = (d.max ?? 0) >= limit
        for (i, c) in counts.enumerated() {
            let h = top == 0 ? 0 : Double(c) / top * (plotBottom - 12)
            let x = plotLeft + Double(i) * barWidth
            let range = overflow && i == bars - 1
                ? "\(formatFixed(Double(i) * step, 2)) s and over" : "\(formatFixed(Double(i) * step, 2))-\(formatFixed(Double(i + 1) * step, 2)) s"
            svg += "<rect class=\"bar\" x=\"\(formatFixed(x + 1, 1))\" y=\"\(formatFixed(plotBottom - h, 1))\" width=\"\(formatFixed(barWidth - 2, 1))\" height=\"\(formatFixed(h, 1))\" fill=\"#4a7bd0\"><title>\(range): \(c)</title></rect>"
        }
        for i in stride(from: 0, through: bars, by: 5) {
            let x = plotLeft + Double(i) * barWidth
            svg += "<text x=\"\(formatFixed(x, 1))\" y=\"\(formatFixed(plotBottom + 14, 1))\" text-anchor=\"middle\">\(formatFixed(Double(i) * step, 1))</text>"
        }
        svg += "<text x=\"4\" y=\"14\">\(Int(top))</text></svg>"
        let caption = "\(title): \(d.count) samples, p50 \(formatFixed(d.percentile(50) ?? 0, 2)) s, p95 \(formatFixed(d.percentile(95) ?? 0, 2)) s"
        return "<figure id=\"\(id)\">\(svg)<figcaption>\(caption)</figcaption></figure>"
    }

    /// One lane per side; events as ticks, findings as red markers with their rule.
    func swimlane(_ session: Session, _ redactor: Redactor) -> String {
        let findings = report.findings(of: session)
        let sides = session.sides.isEmpty ? [Side.app] : session.sides
        let width = 1000.0
        let laneHeight = 34.0
        let left = 80.0
        let top = 26.0
        let height = top + laneHeight * Double(sides.count) + 30
        let times = session.events.compactMap(\.time) + findings.compactMap(\.at)
        guard let first = times.min(), let last = times.max() else { return "" }
        let span = max(1, first.seconds(until: last))
        func x(_ t: Timestamp) -> Double { left + (width - left - 20) * first.seconds(until: t) / span }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"swimlane\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\">"
        for (i, side) in sides.enumerated() {
            let y = top + laneHeight * Double(i)
            svg += "<rect x=\"\(left)\" y=\"\(y)\" width=\"\(width - left - 20)\" height=\"\(laneHeight - 4)\" fill=\"\(i % 2 == 0 ? "#f5f7fa" : "#edf1f6")\"/>"
            svg += "<text class=\"lane-label\" x=\"6\" y=\"\(y + laneHeight / 2 + 2)\">\(side.rawValue)</text>"
            for e in session.events where e.side == side {
                guard let t = e.time else { continue }
                let color: String
                switch e.kind {
                case .authFailure, .jobError, .agentNotDispatched, .serverCrash: color = "#b3261e"
                case .connectionLost, .gaveUp, .negotiationError: color = "#d9822b"
                case .greetingStart, .greetingEnd: color = "#1e7b34"
                case .llmMetrics, .ttsMetrics, .eouMetrics, .realtimeMetrics: color = "#8a97a8"
                default: color = "#4a7bd0"
                }
                svg += "<line x1=\"\(formatFixed(x(t), 1))\" y1=\"\(y + 4)\" x2=\"\(formatFixed(x(t), 1))\" y2=\"\(y + laneHeight - 8)\" stroke=\"\(color)\" stroke-width=\"2\"><title>\(Self.h("\(t.humanString) \(e.kind.label): \(e.text)", redactor))</title></line>"
            }
        }
        // Findings at (nearly) the same place share one label.
        var labels: [(x: Double, rules: [String])] = []
        for f in findings {
            guard let t = f.at else { continue }
            let fx = x(t)
            svg += "<path class=\"finding-marker\" d=\"M\(formatFixed(fx, 1)) \(top - 2) l-6 -10 h12 z\" fill=\"#b3261e\"><title>\(Self.h("\(f.rule): \(f.message)", redactor))</title></path>"
            if let i = labels.firstIndex(where: { abs($0.x - fx) < 120 }) {
                if !labels[i].rules.contains(f.rule) { labels[i].rules.append(f.rule) }
            } else {
                labels.append((fx, [f.rule]))
            }
        }
        for label in labels {
            let text = label.rules.joined(separator: ", ")
            let anchorEnd = label.x > width / 2
            svg += "<text x=\"\(formatFixed(anchorEnd ? label.x - 10 : label.x + 10, 1))\" y=\"\(top - 6)\" fill=\"#b3261e\"\(anchorEnd ? " text-anchor=\"end\"" : "")>\(Self.h(text, redactor))</text>"
        }
        let axisY = top + laneHeight * Double(sides.count) + 14
        svg += "<text x=\"\(left)\" y=\"\(axisY)\">\(Self.h(first.humanString, redactor))</text>"
        svg += "<text x=\"\(width - 20)\" y=\"\(axisY)\" text-anchor=\"end\">+\(Self.h(humanDuration(span), redactor))</text></svg>"
        var html = "<div class=\"session\"><h3>\(Self.h(session.label, redactor))</h3>\(svg)<ul>"
        for f in findings { html += "<li class=\"finding\">\(f.severity.rawValue) <b>\(Self.h(f.rule, redactor))</b>: \(Self.h(f.message, redactor))</li>" }
        return html + "</ul></div>"
    }
}
