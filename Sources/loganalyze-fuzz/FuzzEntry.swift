import LogAnalyzer

#if canImport(Glibc)
import Glibc
#endif

/// Runs one input through the whole pipeline: two in-memory inputs (the data and its second half,
/// merged by time), parsing with wrappers and multi-line joining, timestamps, JWT decoding,
/// sessions, every detector, and every renderer.
enum FuzzPipeline {
    static func run(_ data: UnsafeBufferPointer<UInt8>) {
        let bytes = Array(data)
        let half = Array(bytes[(bytes.count / 2)...])
        var ingest = IngestOptions()
        ingest.maxLineBytes = 4096
        ingest.maxDecompressedBytes = 1 << 20
        // The first byte picks a zone and whether a date is given, to reach those paths too.
        if let first = bytes.first {
            if first & 1 == 1 { ingest.timeZone = TimeZoneSetting("+05:30")! }
            if first & 2 == 2 { ingest.date = TimeParsing.day(fromISODate: "2025-12-11") }
        }
        var configuration = AnalysisConfiguration()
        configuration.configuredTokenTTLSeconds = 7200
        let inputs = [InputDescriptor(name: "fuzz/agent.log", bytes: bytes), InputDescriptor(name: "fuzz/browser.log", bytes: half)]
        var diagnostics = DiagnosticSink()
        let report = Analyzer(ingest: ingest, configuration: configuration).run(inputs, diagnostics: &diagnostics)
        var analyzer = Analyzer(ingest: ingest, configuration: configuration)
        analyzer.keepAllRecords = true
        let full = analyzer.run(inputs, diagnostics: &diagnostics)
        var sink = 0
        sink &+= TextReportRenderer(color: true).render(report).utf8.count
        sink &+= JSONReportRenderer().render(report).utf8.count
        sink &+= MarkdownReportRenderer().render(report).utf8.count
        sink &+= SARIFRenderer(workingDirectory: "/").render(report).utf8.count
        sink &+= JUnitRenderer().render(report).utf8.count
        sink &+= GitHubRenderer().render(report).utf8.count
        sink &+= TimelineRenderer().render(full, selector: nil).utf8.count
        let records = RecordRenderer(paths: inputs.map(\.path))
        Ingestor.read(inputs[0], index: 0, options: ingest, referenceDay: nil, diagnostics: &diagnostics) { sink &+= records.ndjson($0).utf8.count }
        sink &+= diagnostics.lines.count
        if sink == -1 { print(sink) }
    }
}

#if FUZZING
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    FuzzPipeline.run(UnsafeBufferPointer(start: data, count: size))
    return 0
}

/// libFuzzer's driver, called from our own entry point: SwiftPM names an executable's entry
/// `<module>_main`, so libFuzzer's `main` is not used.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

@_cdecl("loganalyze_fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments, fuzzTestOneInput)
}
#else
/// Without libFuzzer: replays files (e.g. a crash artifact or the corpus) through the pipeline.
@main
struct Replay {
    static func main() {
        for path in CommandLine.arguments.dropFirst() {
            guard let file = fopen(path, "rb") else {
                print("\(path): cannot read")
                continue
            }
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = fread(&chunk, 1, chunk.count, file)
                if n <= 0 { break }
                bytes += chunk[0..<n]
            }
            fclose(file)
            bytes.withUnsafeBufferPointer { FuzzPipeline.run($0) }
            print("\(path): ok (\(bytes.count) bytes)")
        }
    }
}
#endif
