import ArgumentParser
import LogAnalyzer

#if canImport(Glibc)
import Glibc
#endif

enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, markdown, sarif, junit, github
}

enum FailOn: String, ExpressibleByArgument, CaseIterable {
    case error, warning, never

    var severity: Severity? {
        switch self {
        case .error: .error
        case .warning: .warning
        case .never: nil
        }
    }
}

enum ColorMode: String, ExpressibleByArgument, CaseIterable {
    case auto, always, never

    var enabled: Bool {
        switch self {
        case .always: return true
        case .never: return false
        case .auto: return isatty(1) == 1 && getenv("NO_COLOR") == nil
        }
    }
}

struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Rebuild each session across the logs and report what went wrong (the default command)."
    )

    @OptionGroup var input: InputOptions
    @OptionGroup var analysis: AnalysisOptions

    @Option(help: "Report format: \(ReportFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var output: ReportFormat = .text

    @Option(help: "Exit 1 when a finding reaches this severity: error, warning or never.")
    var failOn: FailOn = .error

    @Option(help: "Colour in text output: auto (only on a terminal, not with NO_COLOR), always, never.")
    var color: ColorMode = .auto

    @Option(help: "Report only this session: a room name, an RM_ room sid or an AJ_ job id.")
    var session: String?

    @Option(help: "Report only sessions with lines at or after this time (YYYY-MM-DD or ISO-8601; without a zone, in --tz).")
    var since: String?

    @Option(help: "Report only sessions that started before this time.")
    var until: String?

    /// A misspelt subcommand (`loganalyze analyse logs/`) reaches the default command as its
    /// first path: without this it was read as a missing file beside the others and the run went
    /// on, exit 0 or 1. A first path that names no file and is a subcommand's name but for one or
    /// two letters is refused instead.
    func validate() throws {
        guard let first = CommandLine.arguments.dropFirst().first, first == input.paths.first,
            let command = LogAnalyzeCommand.subcommandNamed(like: first)
        else { return }
        var st = stat()
        guard stat(first, &st) != 0 else { return }
        throw ValidationError("unknown command '\(first)', and no file is named so; did you mean '\(command)'?")
    }

    func run() throws {
        var filter: SessionFilter?
        if session != nil || since != nil || until != nil {
            let (from, to) = try TimeWindowOptions.instants(since: since, until: until, zone: input.ingestOptions().timeZone)
            filter = SessionFilter(selector: session, since: from, until: to)
        }
        let (report, diagnostics) = try Pipeline.analyze(input: input, analysis: analysis, filter: filter)
        let out = OutputStream()
        switch output {
        case .text: TextReportRenderer(color: color.enabled, failOn: failOn.severity).render(report) { out.write($0) }
        case .json: JSONReportRenderer().render(report, to: out)
        case .markdown: MarkdownReportRenderer().render(report) { out.write($0) }
        case .sarif: SARIFRenderer().render(report) { out.write($0) }
        case .junit: JUnitRenderer(failOn: failOn.severity).render(report) { out.write($0) }
        case .github: GitHubRenderer().render(report) { out.write($0) }
        }
        out.flush()
        Stderr.print(diagnostics.lines)
        try out.finish()
        if report.inputs.allSatisfy({ !$0.stats.readable }) { throw ExitCode(2) }
        if report.hasFinding(atLeast: failOn.severity) { throw ExitCode(1) }
    }
}

struct TimelineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "timeline",
        abstract: "Print a session's merged timeline from every source, in time order, relative to its start."
    )

    @OptionGroup var input: InputOptions
    @OptionGroup var analysis: AnalysisOptions

    @Option(help: "The session: a room name, an RM_ room sid or an AJ_ job id. Without it: the key events of every session.")
    var session: String?

    func run() throws {
        // Inputs are read twice (the session, then its lines) so that only its lines are held.
        // Standard input, a named pipe or a process substitution (`<(…)`) cannot be read again
        // (opening a FIFO a second time waits for a writer forever): each is copied to a
        // temporary file for that; when no file can be made, it is read once and the session's
        // records are kept as it goes (by the tracker's rule, which may keep a few more lines).
        var spooled: [String: InputDescriptor] = [:]
        var readsOnce = false
        if session != nil {
            var seen = Set<String>()
            for path in input.paths where seen.insert(path).inserted && (path == "-" || Self.isStream(path)) {
                // A device (`/dev/zero`) is read once, not copied: it may never end.
                guard path == "-" || Self.isPipe(path) else {
                    readsOnce = true
                    continue
                }
                let fd = path == "-" ? 0 : open(path, O_RDONLY)
                guard fd >= 0 else { continue }  // reported when the inputs are read
                let outcome = StandardInputSpool.spool(from: fd, path: path)
                if fd != 0 { close(fd) }
                switch outcome {
                case .spooled(let copy): spooled[path] = copy
                case .unreadable:
                    readsOnce = true
                case .unavailable(let reason):
                    readsOnce = true
                    Stderr.print([Diagnostic(.note, path: path, kind: "input-not-spooled", "\(reason); read once, keeping the session's lines in memory").rendered])
                case .failed(let reason):
                    Stderr.print([Diagnostic(.error, path: path, kind: "input-not-spooled", "\(reason); give the log as a file").rendered])
                    throw ExitCode(2)
                }
            }
        }
        var (report, diagnostics) = try Pipeline.analyze(
            input: input, analysis: analysis, keepRecordsFor: readsOnce ? session : nil, keepEvents: session == nil, keepEventsFor: session,
            spooled: spooled)
        if let session, !readsOnce {
            var scratch = DiagnosticSink()
            let (inputs, _) = InputSet.expand(input.paths, spooled: spooled, diagnostics: &scratch)
            var options = try input.ingestOptions()
            _ = options.inferZones(for: inputs)
            options.continueClocks(of: report)
            // Every session the selector names (a reused room name names several) in one pass.
            let requests = SessionRecords.requests(matching: session, in: report.sessions)
            let collected = SessionRecords.collect(requests.map(\.request), inputs: inputs, options: options, diagnostics: &scratch)
            for (k, request) in requests.enumerated() { report.sessions[request.index].records = collected.records[k] }
        }
        let out = OutputStream()
        TimelineRenderer().render(report, selector: session) { out.write($0) }
        out.flush()
        Stderr.print(diagnostics.lines)
        try out.finish()
        if report.inputs.allSatisfy({ !$0.stats.readable }) { throw ExitCode(2) }
        if let session, !report.sessions.contains(where: { $0.matches(session) }) { throw ExitCode(1) }
    }

    /// Whether `path` is a named pipe or a process substitution (`<(…)`).
    static func isPipe(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && st.st_mode & S_IFMT == S_IFIFO
    }

    /// Whether `path` (other than `-`) is a pipe, a socket or a device: readable only once.
    static func isStream(_ path: String) -> Bool {
        guard path != "-" else { return false }
        var st = stat()
        guard stat(path, &st) == 0 else { return false }
        let type = st.st_mode & S_IFMT
        return type != S_IFREG && type != S_IFDIR
    }
}

/// options → library → report.
enum Pipeline {
    static func analyze(
        input: InputOptions, analysis: AnalysisOptions, keepRecordsFor: String? = nil, keepEvents: Bool = false,
        keepEventsFor: String? = nil, monitor: MonitorAggregate? = nil, spooled: [String: InputDescriptor] = [:], filter: SessionFilter? = nil
    ) throws -> (Report, DiagnosticSink) {
        var ingest = try input.ingestOptions()
        guard !input.paths.isEmpty else { throw ValidationError("give at least one log path, or - for standard input") }
        var diagnostics = DiagnosticSink()
        let (inputs, configs) = InputSet.expand(input.paths, spooled: spooled, diagnostics: &diagnostics)
        for d in ingest.unmatchedZoneNames(inputs) { diagnostics.report(d) }
        for d in ingest.inferZones(for: inputs) { diagnostics.report(d) }
        let configuration = try analysis.configuration(configsFromInputs: configs, diagnostics: &diagnostics)
        var analyzer = Analyzer(ingest: ingest, configuration: configuration)
        guard let idle = TokenTTLSetting.parseDuration(analysis.sessionIdle), idle >= 60 else {
            throw ValidationError.invalidValue(analysis.sessionIdle, for: "--session-idle", "must be a duration of at least 1m")
        }
        analyzer.sessionIdleSeconds = idle
        guard (1...AnalysisOptions.maxJobs).contains(analysis.jobs) else {
            throw ValidationError.invalidValue(analysis.jobs, for: "--jobs", "must be 1 to \(AnalysisOptions.maxJobs)")
        }
        analyzer.jobs = analysis.jobs
        guard analysis.splitBytes >= 1, analysis.splitBytes <= 1 << 30 else {
            throw ValidationError.invalidValue(analysis.splitBytes, for: "--split-bytes", "must be from 1 to 1073741824 (1 GiB)")
        }
        analyzer.splitBytes = analysis.splitBytes
        analyzer.monitor = monitor
        analyzer.filter = filter
        analyzer.keepRecordsFor = keepRecordsFor
        analyzer.keepAllRecords = keepRecordsFor != nil
        analyzer.keepSessionEvents = keepEvents
        analyzer.keepEventsFor = keepEventsFor
        var report = analyzer.run(inputs, diagnostics: &diagnostics)
        report.diagnostics = diagnostics
        if inputs.isEmpty {
            var lines = diagnostics.lines
            if lines.isEmpty {
                lines = [Diagnostic(.error, path: "", kind: "no-log",
                    "no log to read: \(configs.joined(separator: ", ")) \(configs.count == 1 ? "was" : "were") read as app config (token_ttl_*); name a log file, a directory or - for standard input").rendered]
            }
            Stderr.print(lines)
            throw ExitCode(2)
        }
        return (report, diagnostics)
    }
}
