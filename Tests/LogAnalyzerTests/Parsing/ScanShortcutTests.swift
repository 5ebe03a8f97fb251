import CScan
import Foundation
import Testing

@testable import LogAnalyzer

/// The hot path's shortcuts give exactly what the plain code gives.
@Suite struct ScanShortcutTests {
    private func withBytes<T>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        var text = text
        return text.withUTF8(body)
    }

    @Test func shortASCIIStringsAreBuiltLikeDecodedOnes() {
        #expect(SmallASCII.isAvailable)
        // The check is remembered for the hot path (in a C global, read without `swift_once`).
        #expect(SmallASCII.layoutChecked)
        #expect(cscan_small_string_layout_get() == 1)
        let text = Array("AJ_fzP4KOmDIxh2 room-wgg97MzF \"RM_vLCqsgPFkBtK\" x".utf8)
        text.withUnsafeBufferPointer { b in
            // Every slice of up to 15 bytes, at the start, in the middle and against the end of
            // the buffer (where whole words cannot be loaded).
            for lo in 0..<b.count {
                for hi in lo...min(b.count, lo + 15) {
                    let built = b.string(lo, hi)
                    let decoded = String(decoding: UnsafeBufferPointer(rebasing: b[lo..<hi]), as: UTF8.self)
                    #expect(built == decoded)
                    #expect(built.utf8.count == hi - lo)
                    #expect(Array(built.utf8) == Array(b[lo..<hi]))
                    #expect(built.hashValue == decoded.hashValue)
                    #expect(unsafeBitCast(built, to: (UInt64, UInt64).self) == unsafeBitCast(decoded, to: (UInt64, UInt64).self))
                }
            }
        }
        // Non-ASCII bytes and invalid UTF-8 take the decoding path (which repairs).
        let other: [UInt8] = [0x72, 0xC3, 0xA9, 0x73, 0xFF, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22]
        other.withUnsafeBufferPointer { b in
            #expect(SmallASCII.string(b, 0, 4) == nil)
            #expect(b.string(0, 4) == "rés")
            #expect(b.string(0, 5) == "rés\u{FFFD}")
            #expect(SmallASCII.string(b, 5, 7) == "\"\"")
        }
    }

    @Test func rememberedStampPrefixesParseLikeFreshOnes() {
        var rng = SystemRandomNumberGenerator()
        let zones = ["", "Z", "+00:00", "-05:00", "+0530", "+02", "x"]
        let fractions = ["", ".1", ".749163", ",123", ".", ".12345678"]
        // Few distinct minutes, so that most stamps repeat the previous one's first 16 bytes,
        // and some that break after the remembered part.
        let heads = ["2026-03-02T05:17", "2026-03-02 05:17", "2026-03-02T05:18", "2026-12-31T23:59", "2026-13-02T05:17", "2026-03-02T24:00"]
        let seconds = ["24", "00", "59", "60", "61", "7x", ":0"]
        var prefix = TimeParsing.StampPrefix()
        var remembered = 0
        for _ in 0..<5_000 {
            let head: String = heads.randomElement(using: &rng)!
            let second: String = seconds.randomElement(using: &rng)!
            let fraction: String = fractions.randomElement(using: &rng)!
            let zone: String = zones.randomElement(using: &rng)!
            let stamp = ":\(head):\(second)\(fraction)\(zone)\", \"pid\": 1}"
            let bytes = Array(stamp.utf8)
            bytes.withUnsafeBufferPointer { b in
                let before = prefix.head
                let fresh = TimeParsing.dateTime(b, at: 1)
                let cached = TimeParsing.dateTime(b, at: 1, prefix: &prefix)
                #expect(fresh?.0.day == cached?.0.day, "\(stamp)")
                #expect(fresh?.0.microsOfDay == cached?.0.microsOfDay, "\(stamp)")
                #expect(fresh?.0.offsetSeconds == cached?.0.offsetSeconds, "\(stamp)")
                #expect(fresh?.1 == cached?.1, "\(stamp)")
                if before != 0 && before == prefix.head { remembered += 1 }
            }
        }
        #expect(remembered > 1_000)
        // A stamp that ends the buffer, after a remembered minute.
        let short = Array("2026-03-02T05:17:24Z".utf8)
        short.withUnsafeBufferPointer { b in
            let t = TimeParsing.dateTime(b, at: 0, prefix: &prefix)
            #expect(t?.0.microsOfDay == 19_044_000_000)  // 05:17:24
            #expect(t?.0.offsetSeconds == 0)
            #expect(t?.1 == 20)
        }
    }

    /// Calls `body` with 5,000 random texts made of `pieces` (up to `most` of them).
    private func forEachText(of pieces: [String], most: Int, _ body: (String) -> Void) {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            var text = ""
            for _ in 0..<Int.random(in: 0...most, using: &rng) { text += pieces.randomElement(using: &rng)! }
            body(text)
        }
    }

    /// `forEachText`, with every start position in each text (the end included).
    private func forEachStart(inTextsOf pieces: [String], most: Int, _ body: (String, UnsafeBufferPointer<UInt8>, Int) -> Void) {
        forEachText(of: pieces, most: most) { text in
            Array(text.utf8).withUnsafeBufferPointer { b in
                for from in 0...b.count { body(text, b, from) }
            }
        }
    }

    @Test func dashSearchFindsWhatAByteScanFinds() {
        forEachStart(inTextsOf: [" - ", "-", " ", "a", "--", " -", "- ", "livekit.agents"], most: 8) { text, b, from in
            var expected: Int?
            var i = from
            while i + 2 < b.count {
                if b[i] == 0x20 && b[i + 1] == 0x2D && b[i + 2] == 0x20 { expected = i; break }
                i += 1
            }
            #expect(b.findDash(from: from) == expected, "\(text) from \(from)")
        }
    }

    @Test func wordWiseScalarSkipStopsWhereTheByteLoopStops() {
        let pieces = ["0.48670853477605525", "-1", "true", "null", ",", "}", "]", " ", "\t", "e+5", "1234567", "\"", "x"]
        forEachStart(inTextsOf: pieces, most: 6) { text, b, from in
            var expected = from
            while expected < b.count, ![0x2C, 0x7D, 0x5D, 0x20, 0x09].contains(b[expected]) { expected += 1 }
            var reader = JSONReader(b, from: from)
            #expect(reader.skipScalar() == (expected > from), "\(text) from \(from)")
            #expect(reader.index == expected, "\(text) from \(from)")
        }
    }

    @Test func wordWiseByteSearchFindsWhatAByteLoopFinds() {
        forEachStart(inTextsOf: ["\"", "\\", "abc", "0123456789", "é", " "], most: 8) { text, b, from in
            for byte: UInt8 in [0x22, 0x5C] {
                for to in [b.count, max(from, b.count - 3)] {
                    let expected = (from..<to).first { b[$0] == byte }
                    #expect(b.index(of: byte, from: from, to: to) == expected, "\(text) \(byte) from \(from) to \(to)")
                }
            }
        }
    }

    @Test func caselessLiteralsMatchInAnyASCIICaseAndOthersAsWritten() {
        let set = LiteralSet(["token", "API", "a_b"], caseless: 1 << 0 | 1 << 2)
        #expect(set.scanFoldingCase("Token TOKEN tOkEn") == 1)
        #expect(set.scanFoldingCase("x tOKEN") == 1)
        #expect(set.scanFoldingCase("api A_B") == 4)
        #expect(set.scanFoldingCase("API a_b") == 6)
        #expect(set.scanFoldingCase("tokeN_") == 1)
        #expect(set.scanFoldingCase("toke a\u{7F}b a_ b") == 0)
    }

    @Test func rememberedScansEqualScans() {
        let set = LiteralSet(["Generating initial greeting", "token is expired", "401", "signal", "connect", "room closed"])
        var memo = LiteralSet.Memo()
        var rng = SystemRandomNumberGenerator()
        let pieces = ["token is expired", "401", "x", "signal", "connect", "ed", "room", " closed", "é", "\"", "-", "Generating initial greeting"]
        // Far more distinct texts than slots, each asked several times, with lengths around the
        // 8-byte hash window and the 128-byte limit.
        var texts: [String] = []
        for _ in 0..<3_000 {
            var t = ""
            let target = Int.random(in: 0...140, using: &rng)
            while t.utf8.count < target { t += pieces.randomElement(using: &rng)! }
            texts.append(t)
        }
        var hits = 0
        for _ in 0..<4 {
            for t in texts.shuffled(using: &rng) {
                let expected = withBytes(t) { set.scan($0) }
                let remembered = withBytes(t) { memo.scan($0, in: set) }
                #expect(remembered == expected, "\(t)")
                if expected != 0 { hits += 1 }
            }
        }
        #expect(hits > 1_000)
        // Same length, same first and last 8 bytes, different middle: the compare tells them apart.
        let a = "AAAAAAAA token is expired ZZZZZZZZ"
        let b = "AAAAAAAA token is EXPIRED ZZZZZZZZ"
        #expect(withBytes(a) { memo.scan($0, in: set) } == 1 << 1)
        #expect(withBytes(b) { memo.scan($0, in: set) } == 0)
        #expect(withBytes(a) { memo.scan($0, in: set) } == 1 << 1)
    }

    @Test func stringsSkipToTheirUnescapedQuote() {
        // (text, where the value after the key ends)
        let cases: [(String, Int)] = [
            (#""abc","#, 5),
            (#""a\"b","#, 6),
            (#""a\\","#, 5),
            (#""a\\\"b\\","#, 10),
            (#""\\\\""#, 6),
            (#""""#, 2),
            (#""no end"#, -1),
            (#""ends in escape\""#, -1),
            (#""long string past one word \" and \\ more","#, 42),
        ]
        for (text, end) in cases {
            withBytes(text) { b in
                var fast = JSONReader(b)
                var plain = JSONReader(b)
                let fastOK = fast.skipMemberValue()
                let plainOK = plain.skipValue()
                #expect(fastOK == (end >= 0), "\(text)")
                #expect(plainOK == fastOK, "\(text)")
                if end >= 0 {
                    #expect(fast.index == end, "\(text)")
                    #expect(plain.index == end, "\(text)")
                }
            }
        }
    }

    @Test func scalarsAndContainersSkipLikeSkipValue() {
        for text in ["0.37,", "-12}", "true ", "null]", "1e-05,", #"{"a": [1, "x\"y"]},"#, #"[{"b": {}}, 2]}"#, "", ","] {
            withBytes(text) { b in
                var fast = JSONReader(b)
                var plain = JSONReader(b)
                #expect(fast.skipMemberValue() == plain.skipValue(), "\(text)")
                #expect(fast.index == plain.index, "\(text)")
            }
        }
    }

    @Test func theVectorASCIICheckEqualsTheByteWiseOne() {
        var rng = SystemRandomNumberGenerator()
        var seenFalse = 0
        for _ in 0..<20_000 {
            // Up to 200 bytes: the 64-byte steps, the 16-byte ones and the overlapping last 16.
            var bytes = (0..<Int.random(in: 0...200, using: &rng)).map { _ in UInt8.random(in: 0x20...0x7E, using: &rng) }
            // Now and then a NUL or a high byte anywhere, the vector boundaries included.
            if !bytes.isEmpty && Bool.random(using: &rng) {
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] = [0x00, 0x80, 0xC3, 0xFF].randomElement(using: &rng)!
            }
            let expected = bytes.allSatisfy { $0 != 0 && $0 < 0x80 }
            #expect(bytes.withUnsafeBufferPointer { RecordStream.isASCII($0) } == expected, "\(bytes)")
            if !expected { seenFalse += 1 }
        }
        #expect(seenFalse > 5_000)
    }

    /// What `cscan_line` reports for `bytes`, byte by byte: the first newline and the flags of
    /// the bytes before it.
    private func referenceLineScan(_ bytes: ArraySlice<UInt8>) -> (Int, UInt32) {
        var flags: UInt32 = 0
        for (k, c) in bytes.enumerated() {
            if c == 0x0A { return (k, flags) }
            if c == 0 || c >= 0x80 { flags |= LineReader.notASCII }
            if c == 0x1B { flags |= LineReader.escape }
        }
        return (-1, flags)
    }

    @Test func theLineScanEqualsTheByteLoop() {
        var rng = SystemRandomNumberGenerator()
        var newlines = 0
        var flagged = 0
        for _ in 0..<6_000 {
            // Up to 300 bytes: the 16-byte steps, the overlapping last 16, the byte tail.
            var bytes = (0..<Int.random(in: 0...300, using: &rng)).map { _ in UInt8.random(in: 0x20...0x7E, using: &rng) }
            for _ in 0..<Int.random(in: 0...3, using: &rng) where !bytes.isEmpty {
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] = [0x0A, 0x0A, 0x00, 0x80, 0xC3, 0xFF, 0x1B, 0x0D].randomElement(using: &rng)!
            }
            let start = bytes.isEmpty ? 0 : Int.random(in: 0...min(3, bytes.count), using: &rng)
            let (index, flags) = referenceLineScan(bytes[start...])
            // The version this CPU runs (AVX2 where it has it) and the baseline one.
            for scan in [cscan_line, cscan_line_baseline] {
                var found: UInt32 = 0
                let k = bytes.withUnsafeBufferPointer { b in scan(b.baseAddress! + start, b.count - start, &found) }
                #expect(k == index, "\(bytes) from \(start)")
                #expect(found == flags, "\(bytes) from \(start)")
            }
            if index >= 0 { newlines += 1 }
            if flags != 0 { flagged += 1 }
        }
        #expect(newlines > 1_200 && flagged > 2_000, "\(newlines) \(flagged)")
    }

    @Test func theLineReaderFlagsEachLineWhateverItsChunks() throws {
        // Lines up to 3 kB through a 4 kB buffer: many are split across reads; lines over 2 kB
        // are cut (their flags unknown: the caller checks them).
        var rng = SystemRandomNumberGenerator()
        var text: [UInt8] = []
        var lines: [[UInt8]] = []
        for _ in 0..<400 {
            var line = (0..<Int.random(in: 0...3000, using: &rng)).map { _ in UInt8.random(in: 0x20...0x7E, using: &rng) }
            if !line.isEmpty && Bool.random(using: &rng) {
                line[Int.random(in: 0..<line.count, using: &rng)] = [0x00, 0x80, 0xE2, 0x1B].randomElement(using: &rng)!
            }
            lines.append(line)
            text += line + [0x0A]
        }
        text.removeLast(Int.random(in: 0...1, using: &rng))
        let fromSource = LineReader(source: PrefixedSource(prefix: text, inner: EmptySource()), maxLineBytes: 2048, chunkBytes: 4096)
        let inMemory = text.withUnsafeBufferPointer { b in LineReader(segments: [b], owners: [], maxLineBytes: 2048) }
        for reader in [fromSource, inMemory] {
            var n = 0
            while let (line, number, truncated, flags) = try reader.next() {
                let expected = lines[n]
                n += 1
                #expect(number == n)
                #expect(truncated == (expected.count > 2048))
                if truncated {
                    #expect(flags == LineReader.unknownFlags)
                    continue
                }
                #expect(Array(line) == expected)
                #expect(flags == referenceLineScan(expected[...]).1, "line \(n)")
            }
            #expect(n == lines.count)
        }
    }

    @Test func stringValuesWithoutEscapesAreTheirBytes() {
        // (the JSON text of a value, its text)
        let cases: [(String, String?)] = [
            (#""AJ_dJdreBaU1PaC""#, "AJ_dJdreBaU1PaC"), (#""""#, ""), (#""a\"b""#, "a\"b"), (#""\\""#, "\\"),
            (#""room-ü-1""#, "room-ü-1"), (#""tab\tx""#, "tab\tx"), (#""\u00fc""#, "ü"), ("42", "42"), ("{}", nil), ("[1]", nil),
        ]
        for (json, text) in cases {
            var line = json
            line.withUTF8 { b in
                #expect(JSONLineParser.text(b, 0..<b.count) == text, "\(json)")
            }
        }
    }

    @Test func shortStringValuesAreDecodedLikeTheFullReaderDecodesThem() {
        // Values of 0-20 bytes with escapes and non-ASCII anywhere, inside a longer line (whole
        // words are loaded past them) and at its very end.
        forEachText(of: ["a", "Z", "\\\"", "\\\\", "\\n", "é", "\\u00fc", "_", "0"], most: 8) { text in
            for tail in ["", ", \"level\": \"INFO\"}"] {
                var line = "\"" + text + "\"" + tail
                line.withUTF8 { b in
                    let end = text.utf8.count + 2
                    var reader = JSONReader(b, from: 0)
                    #expect(JSONLineParser.text(b, 0..<end) == (try? reader.string()), "\(text)")
                }
            }
        }
    }

    /// The wrapper check skips stamps of the shape `YYYY-MM-DD HH:MM:SS,mmm ` (Python's asctime)
    /// without parsing them: what it returns and keeps is what the full check gives.
    @Test func asctimeStampsAreNoWrapperWithOrWithoutTheShortcut() {
        let pieces = ["2026-03-02 00:00:00,000 ", "2026-03-02 23:59:59,999", "9999-99-99 99:99:99,999 ", "+02:00 ", "Z ", "- ", "\t",
                      "INFO ", "livekit.agents ", "host proc[12]: ", "x", " ", "2026-03-02T00:00:00.000Z "]
        var mismatches: [String] = []
        var shortcuts = 0
        forEachStart(inTextsOf: pieces, most: 5) { text, b, from in
            var w1 = Wrapper()
            var w2 = Wrapper()
            var p1 = TimeParsing.StampPrefix()
            var p2 = TimeParsing.StampPrefix()
            let full = Wrapper.stripTimePrefix(b, at: from, into: &w1, prefix: &p1, asctimeShortcut: false)
            let short = Wrapper.stripTimePrefix(b, at: from, into: &w2, prefix: &p2)
            let same = full == short && w1.time == w2.time && w1.timeOnlyLine == w2.timeOnlyLine && w1.source == w2.source && w1.pid == w2.pid
            if !same { mismatches.append("\(text) from \(from)") }
            if b.byte(from + 10) == 0x20 && b.byte(from + 19) == UInt8(ascii: ",") && b.byte(from + 23) == 0x20 { shortcuts += 1 }
        }
        #expect(mismatches == [])
        #expect(shortcuts > 1_000)
    }

    /// Every level word in any mix of cases, and nothing with a byte changed or dropped (the
    /// usual words are read as one number before the byte loop; `EMERGENCY` was once upper case only).
    @Test func levelWordsAreReadInAnyCaseAndNothingElse() {
        let words: [String: LogLevel] = [
            "TRACE": .trace, "DEBUG": .debug, "INFO": .info, "DEV": .info, "NOTICE": .info, "DEFAULT": .info, "WARN": .warning,
            "WARNING": .warning, "ERROR": .error, "ERR": .error, "CRITICAL": .critical, "DPANIC": .critical, "PANIC": .critical,
            "FATAL": .critical, "ALERT": .critical, "EMERGENCY": .critical,
        ]
        func level(_ text: String) -> LogLevel? {
            // Inside a longer line, as the parsers pass it.
            var line = text + " - rest"
            return line.withUTF8 { LogLevel.parse(UnsafeBufferPointer(rebasing: $0[0..<text.utf8.count])) }
        }
        var rng = SystemRandomNumberGenerator()
        var checked = 0
        for (word, expected) in words {
            for _ in 0..<40 {
                // Any mix of cases is the level; one byte changed to a non-letter (some of which
                // OR 0x20 maps onto letters' codes: `@`, `[`, digits) or dropped is not.
                let mixed = String(word.map { Bool.random(using: &rng) ? Character($0.lowercased()) : $0 })
                #expect(level(mixed) == expected, "\(mixed)")
                var bytes = Array(mixed.utf8)
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] = [0x40, 0x5B, 0x49 ^ 0x20 ^ 0x80, 0x30, 0x0D, 0x20, 0x7F].randomElement(using: &rng)!
                let broken = String(decoding: bytes, as: UTF8.self)
                #expect(level(broken) == nil, "\(bytes)")
                #expect(level(String(mixed.dropLast())) == words[String(word.dropLast())], "\(mixed)")
                checked += 3
            }
        }
        #expect(level("info") == .info && level("Warn") == .warning && level("INFOS") == nil && level("warnin") == nil)
        #expect(checked == 1_920)
    }

    /// Each key name is recognised, and only it: a name with any one byte changed, cut or
    /// lengthened is another key or none. (`participantSid` was looked for among the 13-byte
    /// names, and so never found.)
    @Test func keyNamesAreRecognisedExactly() {
        let names: [String: FieldKey] = [
            "ts": .ts, "id": .id, "msg": .msg, "pid": .pid, "pID": .participantSid, "room": .room, "name": .name, "time": .time,
            "ttft": .ttft, "ttfb": .ttfb, "level": .level, "jobID": .jobId, "jobId": .jobId, "error": .errorText, "caller": .caller,
            "logger": .logger, "roomID": .roomSid, "roomId": .roomSid, "reason": .errorText, "job_id": .jobId, "message": .message,
            "asctime": .asctime, "room_id": .roomSid, "roomSid": .roomSid, "severity": .severity, "identity": .participant,
            "workerID": .workerId, "workerId": .workerId, "exc_info": .errorText, "roomName": .room, "room_sid": .roomSid,
            "levelname": .levelname, "timestamp": .timestamp, "room_name": .room, "worker_id": .workerId, "@timestamp": .atTimestamp,
            "participant": .participant, "errorVerbose": .errorText, "participantID": .participantSid,
            "participant_id": .participantSid, "participantSid": .participantSid, "audio_duration": .audioDuration,
            "participant_sid": .participantSid, "participantInit": .participantInit, "participantIdentity": .participant,
            "participant_identity": .participant, "end_of_utterance_delay": .eouDelay,
        ]
        func key(_ text: String) -> FieldKey {
            // In a longer buffer, as in a line: the key is followed by its quote and more.
            var line = text + "\": 1, \"x\": 2}"
            return line.withUTF8 { FieldKey(UnsafeBufferPointer(rebasing: $0[0..<text.utf8.count])) }
        }
        var others = 0
        for (name, expected) in names {
            #expect(key(name) == expected, "\(name)")
            var variants = [String(name.dropLast()), name + "s", "_" + name, name.uppercased()]
            for i in name.indices {
                var changed = name
                changed.replaceSubrange(i...i, with: name[i] == "x" ? "y" : "x")
                variants.append(changed)
            }
            for v in variants {
                #expect(key(v) == (names[v] ?? .other), "\(v)")
                if names[v] == nil { others += 1 }
            }
        }
        #expect(others > 500)
    }

    /// ANSI sequences are removed as the byte loop below (the Swift code before the C one) does.
    @Test func ansiStrippingEqualsTheByteLoop() {
        func reference(_ b: UnsafeBufferPointer<UInt8>) -> [UInt8] {
            var out: [UInt8] = []
            var i = 0
            while i < b.count {
                if b[i] != 0x1B {
                    out.append(b[i])
                    i += 1
                    continue
                }
                let next = b.byte(i + 1)
                if next == UInt8(ascii: "[") {
                    var j = i + 2
                    while j < b.count && !(b[j] >= 0x40 && b[j] <= 0x7E) { j += 1 }
                    i = j + 1
                } else if next == UInt8(ascii: "]") {
                    var j = i + 2
                    while j < b.count && b[j] != 0x07 && !(b[j] == 0x1B && b.byte(j + 1) == UInt8(ascii: "\\")) { j += 1 }
                    i = j < b.count && b[j] == 0x07 ? j + 1 : j + 2
                } else {
                    i += 2
                }
            }
            return out
        }
        let pieces = [
            "\u{1B}[32m", "\u{1B}[0m", "\u{1B}[1;31m", "\u{1B}]0;title\u{07}", "\u{1B}]8;;http://x\u{1B}\\", "\u{1B}", "\u{1B}[", "\u{1B}]",
            "\u{1B}(B", "INFO", "2026-03-02 00:00:00,000 - ", "é", "{\"job_id\": \"AJ_x\"}", "\u{07}", "[", "m",
        ]
        forEachText(of: pieces, most: 10) { text in
            Array(text.utf8).withUnsafeBufferPointer { b in
                for strip in [cscan_strip_ansi, cscan_strip_ansi_baseline] {
                    var out = [UInt8](repeating: 0xAA, count: b.count + 32)
                    let n = out.withUnsafeMutableBufferPointer { strip(b.baseAddress ?? UnsafePointer(bitPattern: 1)!, b.count, $0.baseAddress!) }
                    #expect(Array(out[0..<n]) == reference(b), "\(Array(text.utf8))")
                }
            }
        }
    }

    /// The C walker decides a flat object exactly as the Swift walker does (same members, same
    /// end), and leaves everything it does not decide to it.
    @Test func theCMemberWalkerAgreesWithTheSwiftOne() {
        typealias Member = [Int]
        func swiftMembers(_ b: UnsafeBufferPointer<UInt8>, _ start: Int) -> ([Member], Int)? {
            var members: [Member] = []
            var end = -1
            let ok = JSONLineParser.walk(b, start, &end) { key, value in
                let keyStart = key.baseAddress.map { b.baseAddress!.distance(to: $0) } ?? -1
                members.append([keyStart, keyStart + key.count, value.lowerBound, value.upperBound])
            }
            return ok ? (members, end) : nil
        }
        func cMembers(_ b: UnsafeBufferPointer<UInt8>, _ start: Int) -> ([Member], Int)? {
            withUnsafeTemporaryAllocation(of: cscan_member.self, capacity: 4) { out in
                var end = -1
                guard let n = JSONLineParser.flatMembers(b, start, out, &end) else { return nil }
                return (out[0..<n].map { [Int($0.key_start), Int($0.key_end), Int($0.value_start), Int($0.value_end)] }, end)
            }
        }
        // Pieces of flat objects, with the spacings, escapes and scalars the grammar treats
        // specially, plus what the C walker hands back (nesting, a fifth member: capacity 4).
        let pieces = [
            "{", "}", "\"k\"", "\"v a\"", "\"\\\"\"", "\"\\\\\"", "\"é\"", ": ", ":", ":  ", " ", "\t", "\n", "\r", ", ", ",",
            ",\"", "1", "-2.5e3", "true", "null", "0.48670853477605525", "[1, 2]", "{\"a\": 1}", "x\"y", "]", "\"0123456789abcdefghij\"",
        ]
        var rng = SystemRandomNumberGenerator()
        var decided = 0
        var cases = 0
        for round in 0..<60_000 {
            var text: String
            let wellFormed = round % 2 == 0
            if wellFormed {
                // Well-formed objects with any JSON whitespace around ':' and ',' (`": \t1`
                // was once refused by the `": "` shortcut).
                let spaces = [" ", "", "  ", "\t", " \t", "\n", "\r\n"]
                text = "{" + (0..<Int.random(in: 0...5, using: &rng)).map { _ in
                    let value = ["\"v\"", "1.5", "\"a\\\"b\"", "false", "\"0123456789abcdefghijkl\"", "[]"].randomElement(using: &rng)!
                    return "\"key\"" + spaces.randomElement(using: &rng)! + ":" + spaces.randomElement(using: &rng)! + value
                }.joined(separator: spaces.randomElement(using: &rng)! + "," + spaces.randomElement(using: &rng)!) + "}"
            } else {
                text = "{"
                for _ in 0..<Int.random(in: 0...12, using: &rng) { text += pieces.randomElement(using: &rng)! }
            }
            Array(text.utf8).withUnsafeBufferPointer { b in
                for start in [0, 1] where start < b.count {
                    cases += 1
                    let swift = swiftMembers(b, start)
                    if wellFormed && start == 0 && swift == nil { Issue.record("Swift walker refused a JSON object: \(text)") }
                    guard let c = cMembers(b, start) else {
                        // Undecided: fine unless it is a flat object of at most 4 members.
                        if let swift, swift.0.count <= 4, !text.contains("[") && !text.dropFirst().contains("{") {
                            Issue.record("C walker left a flat object to Swift: \(text)")
                        }
                        return
                    }
                    decided += 1
                    #expect(swift != nil, "C accepted what Swift rejects: \(text)")
                    if let swift {
                        #expect(c.0 == swift.0, "\(text)")
                        #expect(c.1 == swift.1, "\(text)")
                    }
                }
            }
        }
        // About a third of the well-formed objects hold an array or five members.
        #expect(decided > 15_000, "\(decided) of \(cases)")
    }
}
