import Testing

@testable import LogAnalyzer

/// The seconds of a stamp (`SS`, `SS.ffffff`, `SS,fff`, nanoseconds …) read a word at a time
/// give what a byte loop gives, wherever the text ends.
@Suite struct StampSecondsTests {
    /// The byte loop: the first six fraction digits count, the others are read and dropped.
    private func reference(_ b: [UInt8], at i: Int) -> (Int64, Int)? {
        func digit(_ k: Int) -> Int64? { k < b.count && b[k] >= 0x30 && b[k] <= 0x39 ? Int64(b[k] - 0x30) : nil }
        guard let t = digit(i), let u = digit(i + 1), t * 10 + u < 61 else { return nil }
        var micros = (t * 10 + u) * 1_000_000
        var j = i + 2
        if j < b.count, b[j] == UInt8(ascii: ".") || b[j] == UInt8(ascii: ","), digit(j + 1) != nil {
            j += 1
            var scale: Int64 = 100_000
            while let d = digit(j) {
                micros += d * scale
                scale /= 10
                j += 1
            }
        }
        return (micros, j)
    }

    @Test func wordAtATimeMatchesTheByteLoop() {
        var rng = SystemRandomNumberGenerator()
        let tail = Array("0123456789.,+-Z \"a:".utf8)
        var compared = 0
        for _ in 0..<40_000 {
            let offset = Int.random(in: 0...3, using: &rng)
            var b = (0..<offset).map { _ in tail.randomElement(using: &rng)! }
            b += Array(String(format: "%02d", Int.random(in: 0...65, using: &rng)).utf8)
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: b.append(UInt8(ascii: "."))
            case 1: b.append(UInt8(ascii: ","))
            case 2: b.append(tail.randomElement(using: &rng)!)
            default: break
            }
            b += (0..<Int.random(in: 0...12, using: &rng)).map { _ in UInt8(ascii: "0") + UInt8.random(in: 0...9, using: &rng) }
            b += (0..<Int.random(in: 0...9, using: &rng)).map { _ in tail.randomElement(using: &rng)! }
            let got = b.withUnsafeBufferPointer { TimeParsing.seconds($0, at: offset) }
            let want = reference(b, at: offset)
            #expect(got?.0 == want?.0 && got?.1 == want?.1, "\(String(decoding: b, as: UTF8.self)) at \(offset)")
            if want != nil { compared += 1 }
        }
        #expect(compared > 20_000)
    }

    @Test func fractionsOfEveryLength() {
        let cases: [(String, Int64, Int)] = [
            ("06", 6_000_000, 2), ("06.", 6_000_000, 2), ("06.x", 6_000_000, 2), ("06.2", 6_200_000, 4),
            ("06.253", 6_253_000, 6), ("06,253 - INFO", 6_253_000, 6), ("06.253758+00:00\"}", 6_253_758, 9),
            ("06.2537581", 6_253_758, 10), ("06.25375812Z", 6_253_758, 11), ("06.253758123Z", 6_253_758, 12),
            ("59.999999999999Z", 59_999_999, 15), ("60.5", 60_500_000, 4),
        ]
        for (text, micros, end) in cases {
            let b = Array(text.utf8)
            let got = b.withUnsafeBufferPointer { TimeParsing.seconds($0, at: 0) }
            #expect(got?.0 == micros && got?.1 == end, "\(text)")
        }
        #expect(Array("61.5".utf8).withUnsafeBufferPointer { TimeParsing.seconds($0, at: 0) } == nil)
    }

    @Test func eightDigitsAndTheirRun() {
        for value in [0, 1, 7, 10, 99, 12_345_678, 99_999_999, 10_000_001, 40_506_070] {
            let text = Array(String(format: "%08d", value).utf8)
            let w = text.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
            #expect(TimeParsing.eightDigits(UInt64(littleEndian: w)) == UInt64(value))
            #expect(TimeParsing.leadingDigits(UInt64(littleEndian: w)) == 8)
        }
        for k in 0..<8 {
            for bad in [0x2F, 0x3A, 0x00, 0xFF, 0x39 + 0x80, 0x20, 0x40] as [UInt8] {
                var text = Array("12345678".utf8)
                text[k] = bad
                let w = text.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
                #expect(TimeParsing.leadingDigits(UInt64(littleEndian: w)) == k, "\(k) \(bad)")
            }
        }
    }
}
