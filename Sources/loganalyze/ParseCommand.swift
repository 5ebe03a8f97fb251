import ArgumentParser
import LogAnalyzer

struct ParseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Print every record as one normalised JSON object per line."
    )

    enum Output: String, ExpressibleByArgument, CaseIterable { case ndjson }

    @OptionGroup var input: InputOptions

    @Option(help: "Output format.")
    var output: Output = .ndjson

    func run() throws {
        let options = try input.ingestOptions()
        guard !input.paths.isEmpty else { throw ValidationError("give at least one path, or - for standard input") }
        var diagnostics = DiagnosticSink()
        // A file named here is printed whatever its name (`config.json` too: parse reads no config).
        let (inputs, _) = InputSet.expand(input.paths, namedConfigsAreLogs: true, diagnostics: &diagnostics)
        for d in options.unmatchedZoneNames(inputs) { diagnostics.report(d) }
        // (Each input's day as `analyze` takes it: its own directory's logs first.)
        let referenceDays = options.date.map { d in inputs.map { _ in d } } ?? Ingestor.learnReferenceDays(inputs, options: options)
        let renderer = RecordRenderer(paths: inputs.map(\.path))
        let out = OutputStream()
        // (A rotated log's files in rotation order, each clock continuing the last, as `analyze` reads them.)
        let stats = Ingestor.readEach(inputs, options: options, referenceDays: referenceDays, diagnostics: &diagnostics) { record in
            renderer.write(record, to: out)
        }
        let readable = stats.filter(\.readable).count
        out.flush()
        Stderr.print(diagnostics.lines)
        try out.finish()
        if readable == 0 { throw ExitCode(2) }
    }
}
