import CPCRE2

/// A fixed byte string searched with memmem: the cheap gate in front of every regex and detector.
public struct Literal: Sendable, Hashable {
    public let bytes: [UInt8]

    public init(_ text: String) { self.bytes = Array(text.utf8) }

    /// Offset of the first occurrence in `haystack` at or after `from`, or nil.
    @inline(__always)
    public func find(in haystack: UnsafeBufferPointer<UInt8>, from: Int = 0) -> Int? {
        guard let base = haystack.baseAddress, from <= haystack.count, !bytes.isEmpty else { return nil }
        return bytes.withUnsafeBufferPointer { needle -> Int? in
            guard let hit = cpcre2_memmem(base + from, haystack.count - from, needle.baseAddress, needle.count) else {
                return nil
            }
            return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
        }
    }

    @inline(__always)
    public func occurs(in haystack: UnsafeBufferPointer<UInt8>) -> Bool { find(in: haystack) != nil }

}
