import Foundation
import Testing

@testable import LogAnalyzer

/// Paths of the package, found from this file.
enum PackagePaths {
    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static var fixtures: URL { root.appendingPathComponent("Fixtures") }
    static var golden: URL { root.appendingPathComponent("Tests/LogAnalyzerTests/Golden") }
    /// The CLI under test: `LOGANALYZE_BINARY`, else the default debug build.
    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["LOGANALYZE_BINARY"] { return URL(fileURLWithPath: path) }
        return root.appendingPathComponent(".build/debug/loganalyze")
    }
}

/// A temporary directory removed at deinit.
final class TempDir {
    let url: URL

    init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("loganalyze-test-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    @discardableResult
    func write(_ name: String, _ text: String) -> String {
        write(name, Data(text.utf8))
    }

    @discardableResult
    func write(_ name: String, _ data: Data) -> String {
        let file = url.appendingPathComponent(name)
        try! FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try! data.write(to: file)
        return file.path
    }
}

/// Parses `text` as one input file and returns its records and diagnostics.
func parse(_ text: String, options: IngestOptions = IngestOptions(), name: String = "input.log") -> (records: [LogRecord], diagnostics: DiagnosticSink) {
    parse(data: Data(text.utf8), options: options, name: name)
}

func parse(data: Data, options: IngestOptions = IngestOptions(), name: String = "input.log") -> (records: [LogRecord], diagnostics: DiagnosticSink) {
    let dir = TempDir()
    let path = dir.write(name, data)
    var diagnostics = DiagnosticSink(keepPerKind: 100)
    var records: [LogRecord] = []
    let inputs = [InputDescriptor(path: path)]
    let reference = options.date ?? Ingestor.learnReferenceDay(inputs)
    Ingestor.read(inputs[0], index: 0, options: options, referenceDay: reference, diagnostics: &diagnostics) { records.append($0) }
    return (records, diagnostics)
}

/// The single record of a one-line input.
func record(_ line: String, options: IngestOptions = IngestOptions()) -> LogRecord {
    let result = parse(line + "\n", options: options)
    #expect(result.records.count == 1, "expected one record from: \(line)")
    return result.records[0]
}

/// Result of running the built `loganalyze` binary.
struct CommandResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs the built binary with `arguments`, feeding `stdin` when given.
func runLoganalyze(
    _ arguments: [String], stdin: Data? = nil, cwd: URL = PackagePaths.root, environment extra: [String: String] = [:]
) throws -> CommandResult {
    let process = Process()
    process.executableURL = PackagePaths.binary
    process.arguments = arguments
    process.currentDirectoryURL = cwd
    var environment = ProcessInfo.processInfo.environment
    environment["NO_COLOR"] = "1"
    environment.merge(extra) { $1 }
    process.environment = environment
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    let input = Pipe()
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(stdin) }
    try input.fileHandleForWriting.close()
    // Read both pipes to the end before waiting (large outputs would block otherwise).
    let group = DispatchGroup()
    nonisolated(unsafe) var errData = Data()
    group.enter()
    DispatchQueue.global().async {
        errData = err.fileHandleForReading.readDataToEndOfFile()
        group.leave()
    }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return CommandResult(
        status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
        stderr: String(decoding: errData, as: UTF8.self))
}

/// The text of a file under `Tests/LogAnalyzerTests/RealCaptures/`: what a real program printed.
func realCapture(_ name: String) throws -> String {
    try String(contentsOf: PackagePaths.root.appendingPathComponent("Tests/LogAnalyzerTests/RealCaptures/" + name), encoding: .utf8)
}
