import Foundation
import Testing

@testable import LogAnalyzer

/// Bidi controls, U+2028/U+2029 and C1 controls from logs and file names never reach an output raw.
@Suite struct ReorderingCharacterTests {
    /// The characters that reorder or break text: bidi embeddings, overrides, isolates and marks,
    /// the arabic letter mark and the line and paragraph separators.
    static let reordering: [UInt32] = Array(0x202A...0x202E) + Array(0x2066...0x2069) + [0x200E, 0x200F, 0x061C, 0x2028, 0x2029]

    /// A room name carrying a right-to-left override, an isolate pair, a line separator and a C1 CSI.
    static let room = "voice\u{202E}2k3f\u{2066}-\u{2069}\u{2028}x\u{9B}31m"

    static func isRaw(_ u: Unicode.Scalar) -> Bool {
        (u.value < 0x20 && u != "\n" && u != "\t") || (0x7F..<0xA0).contains(u.value) || reordering.contains(u.value)
    }

    @Test func terminalTextEscapesEveryReorderingCharacter() {
        for v in Self.reordering {
            let hex = String(v, radix: 16)
            #expect(TerminalText.escape(String(Unicode.Scalar(v)!)) == "\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
        }
        #expect(TerminalText.escape(Self.room) == "voice\\u202e2k3f\\u2066-\\u2069\\u2028x\\x9b31m")
        // Neighbours, the joiner emoji need and ordinary non-ASCII text stay as they are.
        let kept = "\u{200D}\u{202F}\u{2065}\u{206A}\u{061B}\u{A0}é👩‍💻"
        #expect(TerminalText.escape(kept) == kept)
    }

    @Test func jsonEscapesC1AndReorderingCharacters() {
        #expect(JSONWriter.quoted("\u{80}\u{9B}31m\u{9D}0;t\u{9C}\u{9F}\u{A0}") == "\"\\u0080\\u009b31m\\u009d0;t\\u009c\\u009f\u{A0}\"")
        #expect(JSONWriter.quoted(Self.room) == "\"voice\\u202e2k3f\\u2066-\\u2069\\u2028x\\u009b31m\"")
        #expect(JSONWriter.quoted("\u{061C}\u{200E}\u{200F}\u{2029}\u{202A}\u{2067}\u{2068}") == "\"\\u061c\\u200e\\u200f\\u2029\\u202a\\u2067\\u2068\"")
        let kept = "\u{200D}\u{202F}\u{2065}\u{206A}\u{061B}\u{0600}\u{A0}£é€👩‍💻"
        #expect(JSONWriter.quoted(kept) == "\"" + kept + "\"")
    }

    /// Characters that print nothing: a room `voice-room\u{200B}` would look like `voice-room`, tags
    /// carry text no one sees.
    static let invisible = "zw\u{200B} wj\u{2060}\u{2064} bom\u{FEFF} ann\u{FFF9}x\u{FFFB} mvs\u{180E} tag\u{E0041}\u{E007F}"

    @Test func invisibleCharactersAreShownEscaped() {
        #expect(TerminalText.escape(Self.invisible) == "zw\\u200b wj\\u2060\\u2064 bom\\ufeff ann\\ufff9x\\ufffb mvs\\u180e tag\\u{e0041}\\u{e007f}")
        #expect(JSONWriter.quoted(Self.invisible) == "\"zw\\u200b wj\\u2060\\u2064 bom\\ufeff ann\\ufff9x\\ufffb mvs\\u180e tag\\udb40\\udc41\\udb40\\udc7f\"")
        // Their neighbours, the joiners of emoji and scripts and the soft hyphen stay as they are.
        let kept = "\u{200C}\u{200D}\u{AD}\u{2065}\u{FEFE}\u{FFF8}\u{FFFC}\u{180F}\u{E0080}\u{1E00}ệ👩‍💻"
        #expect(TerminalText.escape(kept) == kept)
        #expect(JSONWriter.quoted(kept) == "\"" + kept + "\"")
        var raw = "{\"room\": \"voice-room\u{200B}\"}"
        #expect(raw.withUTF8 { JSONBytes.holdsEscapedCharacter($0) })
    }

    @Test func aRoomNameWithAZeroWidthSpaceIsNotShownAsAnother() throws {
        let dir = TempDir()
        dir.write("agent.log", """
            {"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "AJ_p9KdW3xYzQ2r", "room_name": "voice-room\u{200B}", "timestamp": "2025-12-11T00:51:46.100000+00:00"}
            {"message": "unhandled exception while running the job task", "level": "ERROR", "name": "livekit.agents", "job_id": "AJ_p9KdW3xYzQ2r", "exc_info": "Traceback (most recent call last):\\nRuntimeError: tag\u{E0041}", "timestamp": "2025-12-11T00:51:47.000000+00:00"}

            """)
        let text = try runLoganalyze(["analyze", dir.url.path + "/agent.log"])
        #expect(text.stdout.hasPrefix("voice-room\\u200b  job AJ_p9KdW3xYzQ2r  "), "\(text.stdout)")
        #expect(text.stdout.contains("RuntimeError: tag\\u{e0041}\n"), "\(text.stdout)")
        let json = try runLoganalyze(["analyze", "--output", "json", dir.url.path + "/agent.log"])
        #expect(json.stdout.contains("\"room\": \"voice-room\\u200b\""), "\(json.stdout)")
        let parse = try runLoganalyze(["parse", dir.url.path + "/agent.log"])
        #expect(parse.stdout.contains("RuntimeError: tag\\udb40\\udc41\""), "\(parse.stdout)")
    }

    /// Raw JSON is copied to `parse` output only when it holds none (checked eight bytes at a time).
    @Test func rawJSONHoldingOneIsFound() {
        func holds(_ s: String) -> Bool {
            var s = s
            return s.withUTF8 { JSONBytes.holdsEscapedCharacter($0) }
        }
        let ascii = "0123456789abcdefghijklmnopqrstuv"
        for (i, inserted) in [0, 7, 8, 15, 16, 31, 32].flatMap({ i in ["\u{9B}", "\u{202E}", "\u{2069}", "\u{1}", "\u{7F}"].map { (i, $0) } }) {
            var s = ascii
            s.insert(contentsOf: inserted, at: s.index(s.startIndex, offsetBy: i))
            #expect(holds(s), "\(i)")
        }
        #expect(!holds(ascii))
        #expect(!holds("\"quoted \\\" text\" with € and — and é, 0123456789\u{2065}\u{200D}\u{A0}"))
    }

    /// incident-real with the hostile room name, in a folder and a log file whose names carry them too.
    static func hostileFixture(_ dir: TempDir) throws -> (dir: String, agent: String) {
        let fixture = dir.url.path + "/in\u{202E}cident\u{2029}"
        try FileManager.default.createDirectory(atPath: fixture, withIntermediateDirectories: true)
        for name in ["agent.log", "backend.log", "browser.log", "config.json", "expected.json", "server.log"] {
            let text = try String(contentsOf: PackagePaths.fixtures.appendingPathComponent("incident-real/" + name), encoding: .utf8)
            let target = name == "agent.log" ? "ag\u{2066}ent\u{200F}.log" : name
            try Data(text.replacingOccurrences(of: "voice-room-7f3k2", with: room).utf8).write(to: URL(fileURLWithPath: fixture + "/" + target))
        }
        try Data("binary\u{0}\n".utf8).write(to: URL(fileURLWithPath: fixture + "/bad\u{202E}.log"))
        return (fixture, fixture + "/ag\u{2066}ent\u{200F}.log")
    }

    @Test func noOutputCarriesThemRaw() throws {
        let dir = TempDir()
        let (fixture, _) = try Self.hostileFixture(dir)
        var commands: [[String]] = ["json", "sarif", "text", "markdown", "junit", "github"].map { ["analyze", "--output", $0, fixture] }
        commands += ["text", "markdown", "html", "json"].map { ["report", "--output", $0, fixture] }
        commands += [["timeline", fixture], ["timeline", "--session", "RM_Xq7bT2mNw4Lp", fixture], ["parse", fixture]]
        commands += ["text", "sarif", "junit", "github"].map { ["check", "--output", $0, fixture] }
        for command in commands {
            let result = try runLoganalyze(command)
            #expect(result.stdout.unicodeScalars.count(where: Self.isRaw) == 0, "stdout of \(command)")
            #expect(result.stderr.unicodeScalars.count(where: Self.isRaw) == 0, "stderr of \(command)")
        }
    }

    @Test func theyAreShownEscaped() throws {
        let dir = TempDir()
        let (fixture, agent) = try Self.hostileFixture(dir)
        let shownDir = TerminalText.escape(fixture)
        #expect(shownDir.hasSuffix("/in\\u202ecident\\u2029"))
        let text = try runLoganalyze(["analyze", fixture])
        #expect(text.status == 1)
        #expect(text.stdout.hasPrefix("voice\\u202e2k3f\\u2066-\\u2069\\u2028x\\x9b31m (RM_Xq7bT2mNw4Lp)  job AJ_p9KdW3xYzQ2r  "))
        #expect(text.stdout.contains(shownDir + "/ag\\u2066ent\\u200f.log:20  Voice agent running for room voice\\u202e2k3f\\u2066-\\u2069\\u2028x\\x9b31m\n"))
        #expect(text.stderr.hasPrefix(shownDir + "/bad\\u202e.log:1: warning: line holds 1 NUL byte in the text: shown as U+FFFD\n"))
        let json = try runLoganalyze(["analyze", "--output", "json", fixture])
        #expect(json.stdout.contains("\"room\": \"voice\\u202e2k3f\\u2066-\\u2069\\u2028x\\u009b31m\""))
        let parse = try runLoganalyze(["parse", agent])
        #expect(parse.status == 0)
        let lines = parse.stdout.split(separator: "\n")
        #expect(lines.count == 56)
        #expect(lines.first?.hasPrefix("{\"path\":" + JSONWriter.quoted(agent) + ",\"line\":1,") == true)
        #expect(JSONWriter.quoted(agent).hasSuffix("/in\\u202ecident\\u2029/ag\\u2066ent\\u200f.log\""))
    }
}
