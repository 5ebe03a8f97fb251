import Foundation
import Testing

@testable import LogAnalyzer

/// Firefox's console export (`Export Visible Messages To` > File / Clipboard) writes a message's
/// location after it (`file:line:column`), and a message logged with an object on three lines:
/// the text, `Object { … }`, the location (Firefox's own test,
/// devtools/client/webconsole/test/browser/browser_webconsole_context_menu_export_console_output.js;
/// livekit-client logs so in client-sdk-js issues #529 and #1663).
@Suite struct FirefoxConsoleTests {
    static let export = """
        00:51:46.214 signal connected  
        Object { room: "voice-room-7f3k2", roomID: "RM_Xq7bT2mNw4Lp", participant: "user-42b7", pID: "PA_Ju6rE9tYq1Bz" }
        livekit-client.esm.mjs:18392:14
        01:09:16.457 websocket closed  
        Object { room: "voice-room-7f3k2", roomID: "RM_Xq7bT2mNw4Lp", participant: "user-42b7", pID: "PA_Ju6rE9tYq1Bz", reason: "", code: 1006, wasClean: false, state: 1 }
        livekit-client.esm.mjs:18251:16
        01:09:24.591 disconnect from room livekit-client.esm.mjs:22473:12

        """

    @Test func aMessageWithItsObjectAndLocationIsOneBrowserRecordWithTheObjectsIds() {
        let records = parse(Self.export, name: "browser.log").records
        #expect(records.count == 3)
        let r = records[0]
        #expect(r.format == .browserConsole)
        #expect(r.line == 1)
        #expect(r.lineCount == 3)
        #expect(r.time?.timeOfDayString() == "00:51:46")
        #expect(r.message == "signal connected")
        #expect(r.ids.room == "voice-room-7f3k2")
        #expect(r.ids.roomSid == "RM_Xq7bT2mNw4Lp")
        #expect(r.ids.participant == "user-42b7")
        #expect(r.ids.participantSid == "PA_Ju6rE9tYq1Bz")
        #expect(r.field("source") == .string("livekit-client.esm.mjs:18392:14"))
        #expect(records[1].line == 4)
        #expect(records[1].message == "websocket closed")
        #expect(records[1].field("code") == .number("1006"))
        #expect(records[1].ids.roomSid == "RM_Xq7bT2mNw4Lp")
    }

    @Test func aMessageEndingWithItsLocationIsABrowserRecord() {
        let records = parse(Self.export, name: "browser.log").records
        #expect(records[2].format == .browserConsole)
        #expect(records[2].line == 7)
        #expect(records[2].time?.timeOfDayString() == "01:09:24")
        #expect(records[2].message == "disconnect from room")
        #expect(records[2].field("source") == .string("livekit-client.esm.mjs:22473:12"))
    }

    /// Issue #529 (livekit-client 1.5.0 in a Next.js bundle, no timestamps) and #1663 (a call
    /// Firefox has no file for).
    @Test func minifiedBundlesAndAnonymousCodeAreLocationsToo() {
        let text = """
            room event connectionStateChanged 
            Object { room: "", roomID: undefined, participant: "", pID: "", event: "connectionStateChanged", args: (1) […] }
            _app-dd36f8bd8b8317f8.js:1:29678
            connecting to wss://livekit.example.com/rtc?access_token=x&auto_subscribe=1&sdk=js&version=1.5.0&protocol=8 _app-dd36f8bd8b8317f8.js:1:29678
            setTrackEnabled  
            Object { room: "voice-room-7f3k2", roomID: "RM_Xq7bT2mNw4Lp", participant: "user-42b7", pID: "PA_Ju6rE9tYq1Bz", source: "microphone", enabled: true }
            <anonymous code>:1:148389

            """
        let records = parse(text, name: "browser.log").records
        #expect(records.map(\.format) == [.browserConsole, .browserConsole, .browserConsole])
        #expect(records.map(\.line) == [1, 4, 5])
        #expect(records[0].message == "room event connectionStateChanged")
        #expect(records[0].field("event") == .string("connectionStateChanged"))
        #expect(records[1].message == "connecting to wss://livekit.example.com/rtc?access_token=x&auto_subscribe=1&sdk=js&version=1.5.0&protocol=8")
        #expect(records[1].field("source") == .string("_app-dd36f8bd8b8317f8.js:1:29678"))
        #expect(records[2].ids.roomSid == "RM_Xq7bT2mNw4Lp")
        #expect(records[2].field("source") == .string("<anonymous code>:1:148389"))
    }

    @Test func theBrowsersEventsAreClassifiedAsChromesAre() {
        let classifier = EventClassifier(configuration: AnalysisConfiguration())
        let records = parse(Self.export, name: "browser.log").records
        #expect(classifier.classify(records[0]) == .sessionStart)
        #expect(classifier.classify(records[1]) == .connectionLost(trigger: "websocket closed"))
        #expect(classifier.classify(records[2]) == .sessionEnd)
    }
}
