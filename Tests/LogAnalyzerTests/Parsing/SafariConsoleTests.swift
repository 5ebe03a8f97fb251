import Foundation
import Testing

@testable import LogAnalyzer

/// Safari Web Inspector copies a console message as `[Level] text – arguments (file, line N)`
/// (WebKit Source/WebInspectorUI/UserInterface/Views/ConsoleMessageView.js `toClipboardString`,
/// `_clipboardPrefixString`, `_levelString`; the en dash divides the arguments, an error has its
/// stack frames on tab-indented lines and no file suffix). An object argument is previewed with
/// its first three properties (ObjectPreviewView.js, brief mode), then `…`.
@Suite struct SafariConsoleTests {
    static let copied = """
        [Info] signal connected – {room: "voice-room-7f3k2", roomID: "RM_Xq7bT2mNw4Lp", participant: "user-42b7", …} (livekit-client.esm.mjs, line 18392)
        [Warning] websocket closed – {room: "voice-room-7f3k2", roomID: "RM_Xq7bT2mNw4Lp", participant: "user-42b7", …} (livekit-client.esm.mjs, line 18251)
        [Log] disconnect from room (index-B2k9xQ1c.js, line 2, x2)

        """

    @Test func aCopiedMessageIsABrowserRecordWithItsLevelSourceAndIds() {
        let records = parse(Self.copied, name: "browser.log").records
        #expect(records.count == 3)
        let r = records[0]
        #expect(r.format == .browserConsole)
        #expect(r.level == .info)
        #expect(r.logger == "livekit-client")
        #expect(r.message == "signal connected")
        #expect(r.field("source") == .string("livekit-client.esm.mjs:18392"))
        #expect(r.ids.room == "voice-room-7f3k2")
        #expect(r.ids.roomSid == "RM_Xq7bT2mNw4Lp")
        #expect(r.ids.participant == "user-42b7")
        // (A brief preview shows three properties: the PA_ sid is cut.)
        #expect(r.ids.participantSid == nil)
        #expect(records[1].level == .warning)
        #expect(records[1].message == "websocket closed")
        #expect(records[1].ids.roomSid == "RM_Xq7bT2mNw4Lp")
        #expect(records[2].format == .browserConsole)
        #expect(records[2].level == .debug)
        #expect(records[2].message == "disconnect from room")
        #expect(records[2].field("source") == .string("index-B2k9xQ1c.js:2"))
    }

    @Test func theBrowsersEventsAreClassifiedAsChromesAre() {
        let classifier = EventClassifier(configuration: AnalysisConfiguration())
        let records = parse(Self.copied, name: "browser.log").records
        #expect(classifier.classify(records[0]) == .sessionStart)
        #expect(classifier.classify(records[1]) == .connectionLost(trigger: "websocket closed"))
        #expect(classifier.classify(records[2]) == .sessionEnd)
    }

    @Test func pythonsBracketedLevelsStayPythons() {
        let r = record("[INFO] Session created for room voice-room-7f3k2")
        #expect(r.format == .pythonBracket)
        #expect(r.message == "Session created for room voice-room-7f3k2")
        #expect(record("[Error] could not reach the token endpoint").format == .pythonBracket)
    }
}
