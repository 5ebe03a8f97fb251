import Testing

@testable import LogAnalyzer

/// The JSON report writes session entries directly; they must equal the node tree's rendering.
@Suite struct SessionJSONTests {
    @Test func directSessionEntriesEqualTheNodeTree() {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyIiwiZXhwIjoxNzAwMDAwMDAwfQ.c2lnbmF0dXJlc2lnbmF0dXJlc2ln"
        let sessions = [
            Session(key: "room-a/RM_a", room: "room-a", roomSid: "RM_a", jobIds: ["AJ_1", "AJ_2"], participants: [],
                    start: Timestamp(micros: 1_772_409_609_127_000), end: Timestamp(micros: 45_000_000, hasDate: false),
                    sides: [.agent, .server], inputs: [0], recordCount: 71, events: [], gaps: [:], inputGaps: [:], records: [], order: 1),
            Session(key: "job \"AJ\\x\"\n\u{1}", room: nil, roomSid: nil, jobIds: [], participants: [], start: nil, end: nil,
                    sides: [], inputs: [], recordCount: 0, events: [], gaps: [:], inputGaps: [:], records: [], order: 2),
            Session(key: "token \(jwt)", room: "r \(jwt)", roomSid: nil, jobIds: [jwt], participants: [],
                    start: Timestamp(micros: -86_400_000_000 * 800_000), end: nil,
                    sides: [.browser], inputs: [], recordCount: 3, events: [], gaps: [:], inputGaps: [:], records: [], order: 3),
        ]
        let renderer = JSONReportRenderer()
        for s in sessions {
            var bytes = JSONBytes()
            renderer.writeSession(s, Redactor(), into: &bytes)
            let direct = bytes.string
            #expect(direct == renderer.sessionNode(s, Redactor()).serialized(pretty: true, depth: 2))
            #expect(!direct.contains("eyJhbGciOiJIUzI1NiJ9.eyJzdWIi"))
        }
        #expect(Timestamp(micros: 1_772_409_609_127_000).iso8601 == "2026-03-02T00:00:09.127Z")
        #expect(Timestamp(micros: 45_000_123, hasDate: false).iso8601 == "00:00:45.000")
        // The direct digits equal the date and time strings composed.
        var random = XorShift(state: 0x9E37_79B9_7F4A_7C15)
        for _ in 0..<2_000 {
            let t = Timestamp(micros: Int64(bitPattern: random.next() % 600_000_000_000_000_000) - 62_000_000_000_000_000)
            #expect(t.iso8601 == "\(t.dateString)T\(t.timeOfDayString(fraction: 3))Z")
        }
    }
}

/// Strings are quoted byte by byte, as the scalar-by-scalar writer before it quoted them.
@Suite struct JSONQuotingTests {
    /// The earlier writer: quote, backslash, newline, return and tab by name, other controls and DEL as
    /// `\u00xx`; and C1 controls, bidi controls and U+2028/U+2029 as `\uxxxx`.
    static func reference(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 || u.value == 0x7F || TerminalText.isControl(u, keepNewlines: false) {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

    @Test func quotingEqualsTheScalarWriter() {
        #expect(JSONWriter.quoted("a\"b\\c\n\r\t\u{1}\u{7F}\u{1B}[31m\u{85}é🎤") == "\"a\\\"b\\\\c\\n\\r\\t\\u0001\\u007f\\u001b[31m\\u0085é🎤\"")
        let pieces = ["a", "room-1", "\"", "\\", "\n", "\r", "\t", "\u{0}", "\u{1F}", "\u{7F}", "\u{80}", "\u{9F}", "\u{A0}", "é", "😀", " ", "}",
                      "\u{202E}", "\u{2066}", "\u{2069}", "\u{2028}", "\u{2029}", "\u{200F}", "\u{061C}", "\u{202F}", "\u{2065}", "\u{200D}", "—", "€"]
        var random = XorShift(state: 0xA5A5_5A5A_1234_5678)
        for _ in 0..<3_000 {
            var s = ""
            for _ in 0..<Int(random.next() % 12) { s += pieces[Int(random.next() % UInt64(pieces.count))] }
            let expected = Self.reference(s)
            #expect(JSONWriter.quoted(s) == expected)
            var bytes = JSONBytes()
            bytes.quote(s)
            #expect(bytes.string == expected)
            #expect(JSONNode.string(s).serialized() == expected)
        }
    }
}

/// Renderers look findings up by session (not by key: keys repeat); the lists keep report order.
@Suite struct FindingGroupingTests {
    @Test func findingsAreListedUnderTheirSessionInReportOrder() {
        func session(_ key: String, _ order: Int) -> Session {
            Session(key: key, room: key, roomSid: nil, jobIds: [], participants: [], start: Timestamp(micros: 1_772_409_600_000_000),
                    end: nil, sides: [.agent], inputs: [0], recordCount: 1, events: [], gaps: [:], inputGaps: [:], records: [], order: order)
        }
        // b2 reuses b's room name later (no room sid): one key, two sessions.
        let a = session("room-a", 1), b = session("room-b", 2), c = session("room-c", 3), b2 = session("room-b", 4)
        func finding(_ s: Session, _ message: String) -> Finding {
            Finding(rule: "slow-greeting", severity: .warning, session: s, at: s.start, message: message)
        }
        let findings = [finding(b, "b1"), finding(a, "a1"), finding(b, "b2"), finding(a, "a2"), finding(b2, "b2-1")]
        let report = Report(inputs: [InputSummary(path: "agent.log", stats: InputStats())], sessions: [a, b, c, b2], findings: findings,
                            configuration: AnalysisConfiguration())
        #expect(report.findings.map(\.message) == ["a1", "a2", "b1", "b2", "b2-1"])
        #expect([a, b, c, b2].map { report.findings(of: $0).map(\.message) } == [["a1", "a2"], ["b1", "b2"], [], ["b2-1"]])
        #expect(report.findings.flaggedSessionCount == 3)
        let text = TextReportRenderer().render(report)
        let lines = text.split(separator: "\n").map(String.init).filter { $0.contains("slow-greeting:") || !$0.hasPrefix(" ") }
        #expect(lines.count == 9)
        #expect(lines[0].contains("room-a"))
        #expect(lines[1].hasSuffix("slow-greeting: a1") && lines[2].hasSuffix("slow-greeting: a2"))
        #expect(lines[3].contains("room-b"))
        #expect(lines[4].hasSuffix("slow-greeting: b1") && lines[5].hasSuffix("slow-greeting: b2"))
        #expect(lines[6].contains("room-b"))
        #expect(lines[7].hasSuffix("slow-greeting: b2-1"))
        #expect(lines[8] == "1 input, 0 records, 4 sessions (3 flagged): 5 warnings")
    }
}

/// Markdown table cells: a `|` in log text must not open a column, a newline must not end the
/// row, a backtick must not end the code span of a location.
@Suite struct MarkdownCellTests {
    /// A session of one agent line at 2026-03-02 00:00:00 in room `name`.
    static func session(_ name: String) -> Session {
        Session(key: name, room: name, roomSid: nil, jobIds: [], participants: [],
                start: Timestamp(micros: 1_772_409_600_000_000), end: nil, sides: [.agent], inputs: [0], recordCount: 1,
                events: [], gaps: [:], inputGaps: [:], records: [], order: 1)
    }

    /// The markdown report of `f` on `session`, read from `path`, line by line.
    static func markdown(_ f: Finding, _ session: Session, path: String) -> [String] {
        let report = Report(inputs: [InputSummary(path: path, stats: InputStats())], sessions: [session], findings: [f],
                            configuration: AnalysisConfiguration())
        return MarkdownReportRenderer().render(report).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    @Test func pipesNewlinesAndBackticksStayInsideTheirCell() {
        let session = Self.session("room|a")
        var f = Finding(rule: "slow-greeting", severity: .warning, session: session, at: session.start, message: "took 3 s | slow")
        f.explanation = ["line one\nline two"]
        f.evidence = [Evidence(location: SourceLocation(input: 0, line: 7), time: session.start, side: .agent, text: "a|b", role: "greeting start")]
        let lines = Self.markdown(f, session, path: "odd`name.log")
        #expect(lines.contains("| warning | `slow-greeting` | room\\|a | 2026-03-02 00:00:00 | took 3 s \\| slow |"))
        #expect(lines.contains("- line one\\x0aline two"))
        #expect(lines.contains("| +00:00.000 | agent | greeting start | `odd'name.log:7` | a\\|b |"))
    }

    @Test func htmlFromALogIsShownNotRendered() {
        let session = Self.session("<b>room</b>")
        var f = Finding(rule: "slow-greeting", severity: .warning, session: session, at: session.start, message: "took 3 s <img src=x onerror=alert(1)>")
        f.explanation = ["a & b -> `c`"]
        f.evidence = [Evidence(location: SourceLocation(input: 0, line: 7), time: session.start, side: .agent, text: "<script>x</script>", role: "greeting start")]
        let lines = Self.markdown(f, session, path: "a<b>.log")
        #expect(lines.contains("| warning | `slow-greeting` | &lt;b&gt;room&lt;/b&gt; | 2026-03-02 00:00:00 | took 3 s &lt;img src=x onerror=alert(1)&gt; |"))
        #expect(lines.contains("took 3 s &lt;img src=x onerror=alert(1)&gt;"))
        // Explanations keep their code spans.
        #expect(lines.contains("- a &amp; b -&gt; `c`"))
        // In a code span `<` is shown as it is.
        #expect(lines.contains("| +00:00.000 | agent | greeting start | `a<b>.log:7` | &lt;script&gt;x&lt;/script&gt; |"))
        #expect(!lines.contains { $0.contains("<img") || $0.contains("<script") || $0.contains("<b>room") })
    }

    /// A session heading is the log's text: a backtick in a room name opens no code span.
    @Test func aBacktickInARoomNameIsEscapedInItsHeading() {
        let session = Self.session("room`x")
        let f = Finding(rule: "slow-greeting", severity: .warning, session: session, at: session.start, message: "took 3 s")
        let lines = Self.markdown(f, session, path: "a.log")
        let heading = lines.first { $0.hasPrefix("## ") }
        #expect(heading?.hasPrefix("## room\\`x") == true)
        #expect(lines.contains("| warning | `slow-greeting` | room\\`x | 2026-03-02 00:00:00 | took 3 s |"))
    }
}
