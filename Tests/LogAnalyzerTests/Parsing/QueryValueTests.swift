import Foundation
import Testing

@testable import LogAnalyzer

/// `room=` and `identity=` pairs in a line's text, as app lines and URLs write them.
@Suite struct QueryValueTests {
    func value(_ key: String, _ text: String) -> String? {
        Array(text.utf8).withUnsafeBufferPointer { RecordEnricher.pairValue(key, in: $0) }
    }

    @Test func aQueryValueEndsAtTheNextParameterAndIsDecoded() {
        #expect(value("room=", "GET /api/token?room=room-abc&identity=user-1 HTTP/1.1") == "room-abc")
        #expect(value("identity=", "GET /api/token?room=room-abc&identity=user-1 HTTP/1.1") == "user-1")
        #expect(value("room=", "/t?x=1&room=a%20b+c#frag") == "a b c")
        #expect(value("room=", "/t?room=caf%C3%A9") == "café")
    }

    @Test func aBrokenOrControlEscapeStaysAsWritten() {
        #expect(value("room=", "/t?room=50%25off%2") == "50%off%2")
        #expect(value("room=", "/t?room=a%1Bb") == "a%1Bb")
        #expect(value("room=", "/t?room=a%0Ab") == "a%0Ab")
    }

    @Test func outsideAURLAPairEndsAtSpaceOrBracketAndKeepsItsText() {
        #expect(value("room=", "minted token for identity=user-42b7 room=voice-room-7f3k2 ttl=7200s") == "voice-room-7f3k2")
        #expect(value("room=", "joined (room=a+b&c)") == "a+b&c")
        #expect(value("room=", "myroom=abc") == nil)
        #expect(value("room=", "room= x") == nil)
    }

    @Test func aTokenEndpointsLinesMakeOneSession() {
        let log = [
            #"2026-03-17 00:00:01,000 INFO minted token for room-abc ?room=room-abc&identity=user-1"#,
            #"INFO:     127.0.0.1:60528 - "GET /api/token?room=room-abc&identity=user-1 HTTP/1.1" 200 OK"#,
            #"INFO:     127.0.0.1:60530 - "GET /api/token?identity=user-2&room=room-abc HTTP/1.1" 200 OK"#,
        ].joined(separator: "\n")
        let report = analyze(log: log, name: "backend.log")
        #expect(report.sessions.map(\.key) == ["room-abc"])
    }
}
