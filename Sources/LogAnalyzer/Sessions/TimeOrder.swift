/// Orders items from several inputs by time. An item without a time takes the time of the item
/// before it in the same input (or sorts first), so id-less, clock-less lines keep their place.
@inline(__always)
func timeOrdered<T>(_ items: [T], time: (T) -> Timestamp?, location: (T) -> SourceLocation) -> [T] {
    guard items.count > 1 else { return items }
    if isTimeOrdered(items, time: time, location: location) { return items }
    // Keys are read once: the comparisons below would otherwise copy an item each time.
    let locations = items.map(location)
    let times = items.map(time)
    // Items already in file order (whose times go back somewhere) need no sort for the pass below.
    let inFileOrder = zip(locations, locations.dropFirst()).allSatisfy { $0 < $1 }
    // Effective times per input, in file order.
    let byFileOrder = inFileOrder ? Array(items.indices) : items.indices.sorted { locations[$0] < locations[$1] }
    var effective = [Int64](repeating: .min, count: items.count)
    var lastInput = -1
    var last = Int64.min
    for i in byFileOrder {
        let l = locations[i]
        if l.input != lastInput {
            lastInput = l.input
            last = .min
        }
        if let t = times[i] { last = t.micros }
        effective[i] = last
    }
    let order = items.indices.sorted { a, b in
        if effective[a] != effective[b] { return effective[a] < effective[b] }
        return locations[a] < locations[b]
    }
    // Usually already in order (inputs are merged by time): no copy then.
    if order.elementsEqual(items.indices) { return items }
    return order.map { items[$0] }
}

/// Whether `timeOrdered` would return `items` as they are: in file order, with effective times
/// that do not go back. One pass, no copies (most sessions' events were read in order).
@inline(__always)
private func isTimeOrdered<T>(_ items: [T], time: (T) -> Timestamp?, location: (T) -> SourceLocation) -> Bool {
    items.withUnsafeBufferPointer { b in
        var previous = location(b[0])
        var effective = time(b[0])?.micros ?? .min
        for i in 1..<b.count {
            let l = location(b[i])
            guard previous < l else { return false }
            // An undated item takes the time before it in its input; an input starts at .min.
            var e = l.input == previous.input ? effective : .min
            if let t = time(b[i]) { e = t.micros }
            guard e >= effective else { return false }
            effective = e
            previous = l
        }
        return true
    }
}
