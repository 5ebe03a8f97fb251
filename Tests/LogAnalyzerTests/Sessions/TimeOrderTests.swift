import Testing

@testable import LogAnalyzer

/// Events are ordered by effective time (an untimed one takes the time before it in its input),
/// ties by input and line; the one-pass shortcut for items already in order changes nothing.
@Suite struct TimeOrderTests {
    struct Item: Equatable {
        var time: Timestamp?
        var location: LogAnalyzer.SourceLocation
    }

    /// The full sort, as written before the shortcut.
    static func reference(_ items: [Item]) -> [Item] {
        let byFileOrder = items.indices.sorted { items[$0].location < items[$1].location }
        var effective = [Int64](repeating: .min, count: items.count)
        var lastInput = -1
        var last = Int64.min
        for i in byFileOrder {
            if items[i].location.input != lastInput {
                lastInput = items[i].location.input
                last = .min
            }
            if let t = items[i].time { last = t.micros }
            effective[i] = last
        }
        let order = items.indices.sorted { a, b in
            effective[a] != effective[b] ? effective[a] < effective[b] : items[a].location < items[b].location
        }
        return order.map { items[$0] }
    }

    @Test func ordersLikeTheFullSort() {
        var rng = SystemRandomNumberGenerator()
        var shortcuts = 0
        for round in 0..<3_000 {
            let count = Int.random(in: 0...40, using: &rng)
            let inputs = round % 3 == 0 ? 1 : Int.random(in: 1...3, using: &rng)
            var lines = [Int](repeating: 0, count: inputs)
            var clock: Int64 = 1_000_000
            var items: [Item] = []
            for _ in 0..<count {
                let input = Int.random(in: 0..<inputs, using: &rng)
                lines[input] += Int.random(in: 1...3, using: &rng)
                // Mostly forward in time, sometimes back, sometimes no time at all.
                clock += Int64.random(in: -2...10, using: &rng) * 1_000
                let time: Timestamp? = Int.random(in: 0..<5, using: &rng) == 0 ? nil : Timestamp(micros: clock)
                items.append(Item(time: time, location: LogAnalyzer.SourceLocation(input: input, line: lines[input])))
            }
            // Read order: by time across inputs, as a merge gives (or shuffled, now and then).
            if round % 7 == 0 { items.shuffle(using: &rng) }
            let ordered = timeOrdered(items, time: \.time, location: \.location)
            #expect(ordered == Self.reference(items))
            if ordered == items { shortcuts += 1 }
        }
        #expect(shortcuts > 100)
        // An untimed first line of a second input sorts first: the shortcut must not keep it last.
        let a = Item(time: Timestamp(micros: 5), location: LogAnalyzer.SourceLocation(input: 0, line: 1))
        let b = Item(time: nil, location: LogAnalyzer.SourceLocation(input: 1, line: 1))
        #expect(timeOrdered([a, b], time: \.time, location: \.location) == [b, a])
    }
}
