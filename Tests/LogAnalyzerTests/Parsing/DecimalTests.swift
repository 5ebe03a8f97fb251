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
                // Only mantissas beyond 2^53 fall back to strtod.
                #expect(String(whole).count + fractionDigits > 15, "\(text)")
            }
        }
        #expect(parse("0.1839886861286803") == 0.1839886861286803)
        #expect(parse("-0.37,") == -0.37)
        #expect(parse("622}") == 622)
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
