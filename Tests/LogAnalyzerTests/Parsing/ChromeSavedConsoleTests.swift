import Foundation
import Testing

@testable import LogAnalyzer

/// Chrome's console "Save as…" writes a warning's or an error's stack after it, a row a line:
/// `fn @ file:line`, and async rows (`await in fn (async)`, `Promise.then (async)`; newer
/// DevTools drop the suffix of `await in fn`) (devtools-frontend JSPresentationUtils
/// `buildStackTracePreviewContents`, UIUtils `asyncStackTraceLabel`).
@Suite struct ChromeSavedConsoleTests {
    static let ctx = "{room: 'voice-room-7f3k2', roomID: 'RM_Xq7bT2mNw4Lp', participant: 'user-42b7', participantID: 'PA_Ju6rE9tYq1Bz'}"

    @Test func aWarningsStackRowsBelongToIt() {
        let text = """
            01:09:24.585 livekit-client.esm.mjs:20685 could not recover connection after 5 attempts, 8123ms. giving up \(Self.ctx)
            warn @ livekit-client.esm.mjs:1440
            (anonymous) @ livekit-client.esm.mjs:20685
            await in attemptReconnect (async)
            handleDisconnect @ index-B2k9xQ1c.js:2
            Promise.then (async)
            await in connect
            (anonymous) @ VM123:1
            01:09:24.591 livekit-client.esm.mjs:22473 disconnect from room \(Self.ctx)

            """
        let records = parse(text, name: "browser.log").records
        #expect(records.map(\.line) == [1, 9])
        #expect(records.map(\.lineCount) == [8, 1])
        #expect(records.map(\.format) == [.browserConsole, .browserConsole])
        #expect(records[0].message == "could not recover connection after 5 attempts, 8123ms. giving up")
        #expect(records[0].ids.participantSid == "PA_Ju6rE9tYq1Bz")
        #expect(records[1].message == "disconnect from room")
        let classifier = EventClassifier(configuration: AnalysisConfiguration())
        #expect(classifier.classify(records[0]) == .gaveUp)
    }

    @Test func aStackRowAfterAnotherFormatStaysItsOwnLine() {
        let records = parse("00:51:46 - Generating initial greeting\nconnect @ livekit-client.esm.mjs:1440\n").records
        #expect(records.map(\.line) == [1, 2])
    }
}
