import Testing

@testable import LogAnalyzer

/// A key whose hash the test chooses: a few home slots, so that entries pile up in long runs
/// that wrap around the table's end.
private struct CollidingKey: IndexKey {
    var id: Int
    func indexHash(_ seeds: (UInt64, UInt64)) -> UInt64 { UInt64(id % 5) &* 0x3FFF_FFFF_FFFF_FFF3 }
}

/// The session key index answers what a plain dictionary answers.
@Suite struct KeyIndexTests {
    @Test func answersLikeADictionaryUnderRandomUse() {
        var rng = SystemRandomNumberGenerator()
        let index = KeyIndex()
        var reference: [String: Int] = [:]
        // Enough keys that the table grows several times and removals shift runs back; short
        // (inline) and long (heap) strings.
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
                // An equal key in other storage: a short key also as a heap string (what is left
                // of a longer one), a long one in another buffer.
                var copy = String(decoding: Array(key.utf8), as: UTF8.self)
                if key.utf8.count <= 15 {
                    copy = key + String(repeating: "#", count: 40)
                    copy.removeLast(40)
                }
                #expect(copy == key)
                #expect(index[copy] == reference[key], "\(key)")
            default:
                #expect(index[key] == reference[key], "\(key)")
                if reference[key] != nil { hits += 1 }
            }
        }
        for key in keys { #expect(index[key] == reference[key]) }
        #expect(hits > 10_000)
    }

    @Test func removalKeepsEveryOtherKeyReachableInCollidingRuns() {
        var rng = SystemRandomNumberGenerator()
        let index = HashIndex<CollidingKey>(capacity: 8)
        var reference: [Int: Int] = [:]
        for step in 0..<50_000 {
            let id = Int.random(in: 0..<300, using: &rng)
            if Int.random(in: 0..<3, using: &rng) == 0 {
                index[CollidingKey(id: id)] = nil
                reference[id] = nil
            } else {
                index[CollidingKey(id: id)] = step
                reference[id] = step
            }
            if step % 97 == 0 {
                for probe in 0..<300 { #expect(index[CollidingKey(id: probe)] == reference[probe], "\(probe) at \(step)") }
            }
            #expect(index.count == reference.count)
        }
    }

    @Test func equalStringsHashAlikeWhateverTheirStorage() {
        let seeds = (UInt64.random(in: .min ... .max), UInt64.random(in: .min ... .max))
        for n in 0...70 {
            let key = String((0..<n).map { Character(UnicodeScalar(UInt8(97 + $0 % 26))) })
            var heap = key + String(repeating: "z", count: 64)
            heap.removeLast(64)
            #expect(heap.indexHash(seeds) == key.indexHash(seeds), "\(n)")
            #expect(String(decoding: Array(key.utf8), as: UTF8.self).indexHash(seeds) == key.indexHash(seeds))
            // Other seeds, another hash.
            #expect(key.indexHash((seeds.0 ^ 1, seeds.1)) != key.indexHash(seeds), "\(n)")
            if n > 0 {
                var changed = Array(key.utf8)
                changed[n / 2] ^= 1
                #expect(String(decoding: changed, as: UTF8.self).indexHash(seeds) != key.indexHash(seeds), "\(n)")
            }
        }
    }
}
