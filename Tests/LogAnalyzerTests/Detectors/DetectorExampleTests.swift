import Testing

@testable import LogAnalyzer

struct ExampleCase: CustomTestStringConvertible, Sendable {
    var rule: String
    var example: DetectorExample
    var testDescription: String { "\(rule): \(example.name)" }
}

/// Every detector's own examples, SwiftLint style: a detector without examples fails the suite.
let exampleCases: [ExampleCase] = DetectorRegistry.all.flatMap { d in
    d.descriptor.examples.map { ExampleCase(rule: d.descriptor.id, example: $0) }
}

@Suite struct DetectorExampleTests {
    @Test("each detector fires on its triggering examples and only there", arguments: exampleCases)
    func example(_ c: ExampleCase) {
        var configuration = AnalysisConfiguration()
        c.example.configure(&configuration)
        let report = analyze(log: c.example.log, configuration: configuration)
        let fired = report.findings.contains { $0.rule == c.rule }
        #expect(fired == c.example.triggers, "\(c.rule) on '\(c.example.name)': \(report.findings.map(\.rule))")
    }

    @Test func everyDetectorHasTriggeringAndNonTriggeringExamples() {
        for d in DetectorRegistry.all {
            #expect(d.descriptor.examples.contains { $0.triggers }, "\(d.descriptor.id)")
            #expect(d.descriptor.examples.contains { !$0.triggers }, "\(d.descriptor.id)")
        }
    }

    @Test func detectorIdsAreStableKebabCase() {
        #expect(DetectorRegistry.all.map(\.descriptor.id) == [
            "slow-greeting", "auth-expiry-cascade", "early-token-death", "token-not-yet-valid", "auth-credentials", "job-failure", "agent-not-dispatched", "server-exit", "connection-lost",
        ])
    }
}
