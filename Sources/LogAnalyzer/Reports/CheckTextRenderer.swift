/// The text report of `loganalyze check`: per fixture PASS/FAIL/BROKEN, what was missing or
/// unexpected with the evidence lines, then a summary.
public struct CheckTextRenderer {
    public var color: Bool

    public init(color: Bool = false) { self.color = color }

    public func render(_ fixtures: [FixtureResult]) -> String {
        let style = Style(enabled: color)
        var out = ""
        for fixture in fixtures {
            let text = ReportText(paths: fixture.report?.paths ?? [])
            if let reason = fixture.brokenReason {
                out += "\(style.severity(.error)) BROKEN \(text.safe(fixture.path)): \(text.safe(reason))\n"
                continue
            }
            let expected = fixture.expectations?.findings.count ?? 0
            if fixture.passed {
                out += "PASS \(text.safe(fixture.path)) (\(expected) expected finding\(expected == 1 ? "" : "s"))\n"
                continue
            }
            out += style.bold("FAIL \(text.safe(fixture.path))") + "\n"
            for (i, e) in fixture.missing.enumerated() {
                out += "  missing \(text.safe(e.description))\n"
                if fixture.nearMisses.indices.contains(i), let near = fixture.nearMisses[i] {
                    out += "      found instead in \(text.safe(near))\n"
                }
            }
            for f in fixture.unexpected {
                out += "  unexpected \(f.rule) in \(text.safe(f.sessionKey)) [\(f.severity.rawValue)]: \(text.safe(f.message))\n"
                for e in f.evidence {
                    out += "      \(text.location(e.location))  \(e.role): \(text.safe(e.text))\n"
                }
            }
        }
        let passed = fixtures.filter(\.passed).count
        let broken = fixtures.filter { $0.brokenReason != nil }.count
        out += "\(fixtures.count) fixture\(fixtures.count == 1 ? "" : "s"): \(passed) passed, \(fixtures.count - passed - broken) failed"
        if broken > 0 { out += ", \(broken) broken" }
        return out + "\n"
    }
}
