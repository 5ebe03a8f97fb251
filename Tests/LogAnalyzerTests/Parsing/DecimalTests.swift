import Foundation
import Testing

@testable import LogAnalyzer

@Suite struct DecimalTests {
    private func parse(_ text: String) -> Double? {
        var text = text
        return text.withUTF8 { $0.plainDecimal(at: 0) }
    }

    @Test func plainDecimalsRoundLikeStrtod() {
        var rng = SystemRandomNumberGenerator()
        var fallbacks = 0
        for _ in 0..<20_000 {
            let whole = UInt64.random(in: 0..<100_000, using: &rng)
            let fractionDigits = Int.random(in: 1...17, using: &rng)
            var fraction = ""
            for _ in 0..<fractionDigits { fraction.append(Character(String(Int.random(in: 0...9, using: &rng)))) }
            let text = "\(whole).\(fraction)"
            let expected = strtod(text, nil)
            if let v = parse(text) {
                #expect(v == expected, "\(text)")
            } else {
                // Only mantissas beyond 2^53 fall back to strtod, and on x86-64 only the few
                // whose extended quotient sits at a double's halfway point.
                #expect(String(whole).count + fractionDigits > 15, "\(text)")
                // (More than 19 significant digits always do.)
                let significant = text.drop { $0 == "0" || $0 == "." }.filter(\.isNumber).count
                if significant <= 19 { fallbacks += 1 }
            }
        }
        #if arch(x86_64)
        #expect(fallbacks < 60)
        #endif
        #expect(parse("0.1839886861286803") == 0.1839886861286803)
        #expect(parse("-0.37,") == -0.37)
        #expect(parse("622}") == 622)
    }

    @Test func pythonReprFloatsRoundLikeStrtod() {
        // 16 to 19 significant digits (Python's repr of a double, and longer), mantissas past 2^53.
        var rng = SystemRandomNumberGenerator()
        var parsed = 0
        for _ in 0..<100_000 {
            let v = Double.random(in: 0..<10, using: &rng) * (Bool.random(using: &rng) ? 1 : 1e-3)
            var text = "\(v)"
            if text.contains("e") { continue }
            if Int.random(in: 0..<4, using: &rng) == 0 { text += String(Int.random(in: 0...99, using: &rng)) }
            let expected = strtod(text, nil)
            if let got = parse(text) {
                #expect(got == expected, "\(text)")
                parsed += 1
            }
        }
        #if arch(x86_64)
        #expect(parsed > 95_000)
        #endif
        // Halfway cases: 2^53 + 1 lies exactly between two doubles; its extended quotient drops
        // 0x400, so it is left to strtod.
        #expect(parse("9007199254740993") == nil)
        #expect(parse("9007199254740993.0") == nil)
        #expect(parse("9007199254740994") == 9007199254740994.0)
        #expect(parse("0.48670853477605525") == 0.48670853477605525)
        #expect(parse("-0.12670366677162423") == -0.12670366677162423)
        #expect(parse("1234567890123456789") == 1234567890123456789.0)
    }

    @Test func eightDigitStepsCountLeadingZerosAndStopAtTheFirstNonDigit() {
        // Leading zeros over a whole eight-byte step, and within one, are not significant.
        // (Counted as significant, they would make these more than 19 digits.)
        #expect(parse("0.0000000012345678901234") == 0.0000000012345678901234)
        #expect(parse("0.0001234567890123456789") == 0.0001234567890123456789)
        #expect(parse("00000000000000000001.5") == 1.5)
        // 20 significant digits, the last eight read in one step: left to strtod.
        #expect(parse("0.12345678901234567890") == nil)
        // A step that meets a non-digit (`:`, just above `9`; `/`, just below `0`; a high byte)
        // stops there.
        #expect(parse("12345678:9") == 12345678)
        #expect(parse("1234567/89") == 1234567)
        #expect(parse("0.1234567\u{80}1234") == 0.1234567)
        #expect(parse("98765432109876543") == 98765432109876543.0)
        #expect(parse("0.48370556144874627,") == 0.48370556144874627)
    }

    @Test func otherNumbersAreLeftToStrtod() {
        #expect(parse("1e-05") == nil)
        #expect(parse("1.5E3") == nil)
        #expect(parse("12.") == nil)
        #expect(parse("-") == nil)
        #expect(parse("Infinity") == nil)
        #expect(parse("12345678901234567890") == nil)
    }
}
