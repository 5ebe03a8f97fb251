import Testing

@testable import LogAnalyzer

/// The session key index answers what a plain dictionary answers, whatever its cache holds.
@Suite struct KeyIndexTests {
    @Test func answersLikeADictionaryUnderRandomUse() {
        var rng = SystemRandomNumberGenerator()
        let index = KeyIndex()
        var reference: [String: Int] = [:]
        // Far more keys than cache slots (collisions), short and long (heap) strings.
        let keys = (0..<20_000).map { i in i % 3 == 0 ? "AJ_\(i)" : "room-with-a-long-name-\(i)-\(String(repeating: "x", count: i % 40))" }
        var hits = 0
        for step in 0..<200_000 {
            let key = keys[Int.random(in: 0..<keys.count, using: &rng)]
            switch Int.random(in: 0..<10, using: &rng) {
            case 0..<4:
                index[key] = step
                reference[key] = step
            case 4:
                index[key] = nil
                reference[key] = nil
            case 5:
                // An equal key in other storage (a long key's words differ; a short one's do not).
                let copy = String(decoding: Array(key.utf8), as: UTF8.self)
                #expect(index[copy] == reference[key], "\(key)")
            default:
                #expect(index[key] == reference[key], "\(key)")
                if reference[key] != nil { hits += 1 }
            }
        }
        for key in keys { #expect(index[key] == reference[key]) }
        #expect(hits > 10_000)
    }
}
