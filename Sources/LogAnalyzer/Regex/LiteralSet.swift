/// Finds which of up to 64 literals occur in a text, in one pass over its bytes.
///
/// A 64 Ki-entry table keyed by each position's first two bytes says which literals can start
/// there; only those are compared. On log messages this costs about as much as one memchr per
/// literal family, instead of one memmem per literal.
public struct LiteralSet: Sendable {
    public let literals: [[UInt8]]
    /// For each 2-byte prefix (little-endian), a bitmask of the literals starting with it.
    private let table: [UInt64]

    public init(_ words: [String]) {
        precondition(words.count <= 64, "a LiteralSet holds at most 64 literals")
        literals = words.map { Array($0.utf8) }
        var table = [UInt64](repeating: 0, count: 65536)
        for (i, w) in literals.enumerated() where w.count >= 2 {
            table[Int(w[0]) | Int(w[1]) << 8] |= 1 << UInt64(i)
        }
        self.table = table
    }

    /// Bit `i` is set when `literals[i]` occurs in `text`.
    public func scan(_ text: UnsafeBufferPointer<UInt8>) -> UInt64 {
        guard text.count >= 2, let base = text.baseAddress else { return 0 }
        var found: UInt64 = 0
        table.withUnsafeBufferPointer { t in
            literals.withUnsafeBufferPointer { lits in
                let n = text.count
                var i = 0
                var key = Int(base[0])
                while i < n - 1 {
                    key = key | Int(base[i + 1]) << 8
                    var candidates = t[key] & ~found
                    while candidates != 0 {
                        let bit = candidates.trailingZeroBitCount
                        candidates &= candidates - 1
                        let lit = lits[bit]
                        if i + lit.count <= n {
                            var same = true
                            var k = 2
                            while k < lit.count {
                                if base[i + k] != lit[k] { same = false; break }
                                k += 1
                            }
                            if same { found |= 1 << UInt64(bit) }
                        }
                    }
                    key = Int(base[i + 1])
                    i += 1
                }
            }
        }
        return found
    }

    public func scan(_ text: String) -> UInt64 {
        var text = text
        return text.withUTF8 { scan($0) }
    }
}
