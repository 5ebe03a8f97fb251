import Histogram

/// A latency distribution in bounded, mergeable memory: an HdrHistogram of milliseconds with 3
/// significant digits, so every reported (nearest-rank) percentile is within 0.1 % and 0.5 ms of
/// the exact one.
public struct LatencyDistribution: Sendable {
    var histogram = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 7 * 24 * 3_600_000, numberOfSignificantValueDigits: .three)
    public private(set) var sum = 0.0
    /// The largest value recorded, exactly (the histogram's is its bucket's upper end).
    private var largest = 0.0

    public init() {}

    public var count: Int { Int(histogram.totalCount) }

    public mutating func record(seconds: Double) {
        guard seconds.isFinite, seconds >= 0 else { return }
        let ms = UInt64(Swift.min(seconds * 1000, Double(histogram.highestTrackableValue)).rounded())
        _ = histogram.record(ms)
        sum += seconds
        largest = Swift.max(largest, seconds)
    }

    public mutating func merge(_ other: LatencyDistribution) {
        histogram.add(other.histogram)
        sum += other.sum
        largest = Swift.max(largest, other.largest)
    }

    /// The value at `percentile` (0–100), seconds; nil when empty.
    public func percentile(_ percentile: Double) -> Double? {
        count == 0 ? nil : Double(histogram.valueAtPercentile(percentile)) / 1000
    }

    /// The largest value, exact to the millisecond.
    public var max: Double? { count == 0 ? nil : (largest * 1000).rounded() / 1000 }

    /// Counts per bucket of `width` seconds up to `limit` (the rest in the last bucket), for charts.
    public func buckets(width: Double, limit: Double) -> [Int] {
        let n = Swift.max(1, Int((limit / width).rounded(.up)))
        var out = [Int](repeating: 0, count: n)
        for v in histogram.recordedValues() {
            let seconds = Double(v.value) / 1000
            let i = Swift.min(n - 1, Int(seconds / width))
            out[i] += Int(v.count)
        }
        return out
    }
}
