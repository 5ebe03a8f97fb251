/// The inputs of a k-way merge by time, ordered by their next record's time and then by their
/// index: the top is the input a scan of every head would pick (the earliest time, the first
/// input among equal ones), found in O(log k) instead of O(k) a record. With hundreds of inputs
/// merged (a day's server log beside each user's browser console), the scan had cost more than
/// the records' parsing.
struct MergeHeap {
    private var entries: [(time: Int64, input: Int)] = []

    init(capacity: Int) { entries.reserveCapacity(capacity) }

    /// The input whose record comes next, or nil when every input has ended.
    var top: Int? { entries.first?.input }

    var count: Int { entries.count }

    @inline(__always)
    private static func before(_ a: (time: Int64, input: Int), _ b: (time: Int64, input: Int)) -> Bool {
        a.time < b.time || (a.time == b.time && a.input < b.input)
    }

    mutating func push(_ time: Int64, _ input: Int) {
        entries.append((time, input))
        var i = entries.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard Self.before(entries[i], entries[parent]) else { break }
            entries.swapAt(i, parent)
            i = parent
        }
    }

    /// The top input's next record is at `time` now.
    mutating func replaceTop(_ time: Int64) {
        entries[0].time = time
        siftDown(0)
    }

    /// The top input has ended.
    mutating func popTop() {
        let last = entries.removeLast()
        guard !entries.isEmpty else { return }
        entries[0] = last
        siftDown(0)
    }

    private mutating func siftDown(_ start: Int) {
        var i = start
        let n = entries.count
        while true {
            let left = 2 * i + 1
            guard left < n else { return }
            var child = left
            if left + 1 < n && Self.before(entries[left + 1], entries[left]) { child = left + 1 }
            guard Self.before(entries[child], entries[i]) else { return }
            entries.swapAt(i, child)
            i = child
        }
    }
}
