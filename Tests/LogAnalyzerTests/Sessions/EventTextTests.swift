import Testing

@testable import LogAnalyzer

/// An event's text takes the first line of the record's error field.
@Suite struct EventTextTests {
    @Test func firstLineOfAnErrorText() {
        #expect(SessionEvent.firstLine(of: "token is expired") == "token is expired")
        #expect(SessionEvent.firstLine(of: "first\nsecond\nthird") == "first")
        #expect(SessionEvent.firstLine(of: "\n\nafter blank lines\nmore") == "after blank lines")
        #expect(SessionEvent.firstLine(of: "windows line\r\nnext") == "windows line")
        #expect(SessionEvent.firstLine(of: "é\u{301} accent\nx") == "é\u{301} accent")
        #expect(SessionEvent.firstLine(of: "") == "")
        #expect(SessionEvent.firstLine(of: "\n") == "")
        let long = String(repeating: "a", count: 100_000)
        #expect(SessionEvent.firstLine(of: long + "\nb") == long)
    }
}
