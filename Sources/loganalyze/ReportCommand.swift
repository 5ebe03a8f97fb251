import ArgumentParser
import Foundation
import LogAnalyzer

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Post-deployment monitoring: finding rates, latency percentiles and error counts over many sessions, with a before/after comparison.",
        discussion: """
            Exit codes: 0; 1 with --fail-on-regression when a metric got worse than the baseline; 2 bad arguments or unreadable input.
            """
    )

    enum Output: String, ExpressibleByArgument, CaseIterable { case text, markdown, html, json, prometheus }

    @OptionGroup var input: InputOptions
    @OptionGroup var analysis: AnalysisOptions

    @Option(help: "Count only sessions starting at or after this time (YYYY-MM-DD or ISO-8601; without a zone, in --tz).")
    var since: String?

    @Option(help: "Count only sessions starting before this time.")
    var until: String?

    @Option(help: "A previous `report --output json` to compare with (before/after table).")
    var baseline: String?

    @Flag(help: "Exit 1 when a metric is worse than in the baseline.")
    var failOnRegression = false

    @Option(help: "Output: \(Output.allCases.map(\.rawValue).joined(separator: ", ")).")
    var output: Output = .text

    func run() throws {
        var window = MonitorAggregate()
        (window.since, window.until) = try TimeWindowOptions.instants(since: since, until: until, zone: input.ingestOptions().timeZone)
        var before: MonitorSummary?
        if let baseline {
            let data: [UInt8]
            switch SmallFile.read(baseline) {
            case .success(let bytes): data = bytes
            case .failure(let failure): throw ValidationError.invalidValue(baseline, for: "--baseline", SmallFile.reason(failure))
            }
            let (parsed, reason) = MonitorSummary.parse(String(decoding: data, as: UTF8.self))
            guard let parsed else { throw ValidationError.invalidValue(baseline, for: "--baseline", reason ?? "unreadable") }
            before = parsed
        }
        let (report, diagnostics) = try Pipeline.analyze(input: input, analysis: analysis, monitor: window)
        let summary = (report.monitor ?? window).summary
        let comparison = before.map { BaselineComparison.compare(before: $0, after: summary) }
        let renderer = MonitorRenderer(summary: summary, comparison: comparison)
        let out = OutputStream()
        switch output {
        case .text: out.write(renderer.text())
        case .markdown: out.write(renderer.markdown())
        case .json: out.write(renderer.json())
        case .prometheus: out.write(renderer.prometheus())
        case .html: out.write(MonitorHTMLRenderer(report: report, comparison: comparison).render())
        }
        out.flush()
        Stderr.print(diagnostics.lines)
        if let undated = report.monitor?.undatedOutsideWindow, undated > 0 {
            Stderr.print("loganalyze: note: \(undated) session\(undated == 1 ? " starts" : "s start") without a date (a time-only log: give its day with --date), outside any --since/--until window: left out")
        }
        // A gate without its baseline compares nothing: said, so that it does not pass unseen.
        if failOnRegression && before == nil {
            Stderr.print("loganalyze: warning: --fail-on-regression without --baseline: nothing to compare, so no regression can fail this run")
        }
        try out.finish()
        if report.inputs.allSatisfy({ !$0.stats.readable }) { throw ExitCode(2) }
        if failOnRegression && renderer.hasRegression { throw ExitCode(1) }
    }
}

/// `--since` and `--until` (`report`, `analyze`): a date or an ISO-8601 time, without a zone
/// in `--tz`'s.
enum TimeWindowOptions {
    static func instants(since: String?, until: String?, zone: TimeZoneSetting) throws -> (Timestamp?, Timestamp?) {
        var from: Timestamp?
        var to: Timestamp?
        if let since {
            guard let t = TimeParsing.instant(since, zone: zone) else { throw ValidationError.invalidValue(since, for: "--since", "not a time; use YYYY-MM-DD or an ISO-8601 time") }
            from = t
        }
        if let until {
            guard let t = TimeParsing.instant(until, zone: zone) else { throw ValidationError.invalidValue(until, for: "--until", "not a time; use YYYY-MM-DD or an ISO-8601 time") }
            to = t
        }
        if let since, let until, let from, let to, from >= to {
            throw ValidationError.invalidValue(until, for: "--until", "not after --since '\(since)'")
        }
        return (from, to)
    }
}
