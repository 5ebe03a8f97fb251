#if canImport(Glibc)
import Glibc
#endif

/// Finds which of up to 64 literals occur in a text, in one pass over its bytes.
///
/// A 64 Ki-entry table keyed by each position's first two bytes says which literals can start
/// there; only those are compared. On log messages this costs about as much as one memchr per
/// literal family, instead of one memmem per literal.
public struct LiteralSet: Sendable {
    public let literals: [[UInt8]]
    /// For each 2-byte prefix (little-endian), a bitmask of the literals starting with it; then,
    /// at `caselessSlot`, the mask of the literals matched in any ASCII case (stored lowercased).
    /// Kept in the table, not a property of its own: the set is copied into hot callers.
    private let table: [UInt64]
    private static let caselessSlot = 65536

    /// `caseless`: a bitmask of the literals to match in any ASCII case (`token` finds `Token`,
    /// `TOKEN`, `tOkEn`).
    public init(_ words: [String], caseless: UInt64 = 0) {
        precondition(words.count <= 64, "a LiteralSet holds at most 64 literals")
        literals = words.enumerated().map { i, w in caseless & 1 << UInt64(i) != 0 ? w.utf8.map(Self.lower) : Array(w.utf8) }
        var table = [UInt64](repeating: 0, count: Self.caselessSlot + 1)
        table[Self.caselessSlot] = caseless
        for (i, w) in literals.enumerated() where w.count >= 2 {
            let folds = caseless & 1 << UInt64(i) != 0
            for a in Set([w[0], folds ? Self.upper(w[0]) : w[0]]) {
                for b in Set([w[1], folds ? Self.upper(w[1]) : w[1]]) { table[Int(a) | Int(b) << 8] |= 1 << UInt64(i) }
            }
        }
        self.table = table
    }

    private static func lower(_ c: UInt8) -> UInt8 { c &- 0x41 < 26 ? c | 0x20 : c }
    private static func upper(_ c: UInt8) -> UInt8 { c &- 0x61 < 26 ? c & ~0x20 : c }

    /// Bit `i` is set when `literals[i]` occurs in `text`. For a set without caseless literals
    /// (a set with some is scanned by `scanFoldingCase`).
    public func scan(_ text: UnsafeBufferPointer<UInt8>) -> UInt64 {
        assert(table[Self.caselessSlot] == 0, "a set with caseless literals is scanned by scanFoldingCase")
        return scan(text, folding: false)
    }

    /// Bit `i` is set when `literals[i]` occurs in `text`, in any ASCII case if it is caseless.
    /// A copy of `scan`'s loop: the sets without caseless literals (all but the redactor's) pay
    /// nothing for them.
    public func scanFoldingCase(_ text: UnsafeBufferPointer<UInt8>) -> UInt64 { scan(text, folding: true) }

    @inline(__always)
    private func scan(_ text: UnsafeBufferPointer<UInt8>, folding: Bool) -> UInt64 {
        guard text.count >= 2, let base = text.baseAddress else { return 0 }
        var found: UInt64 = 0
        let caseless = folding ? table[Self.caselessSlot] : 0
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
                            if !folding || caseless & 1 << UInt64(bit) == 0 {
                                while k < lit.count {
                                    if base[i + k] != lit[k] { same = false; break }
                                    k += 1
                                }
                            } else {
                                while k < lit.count {
                                    if Self.lower(base[i + k]) != lit[k] { same = false; break }
                                    k += 1
                                }
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

    public func scanFoldingCase(_ text: String) -> UInt64 {
        var text = text
        return text.withUTF8 { scanFoldingCase($0) }
    }
}

extension LiteralSet {
    /// Remembers the scan results of short texts. A log repeats a few dozen messages millions of
    /// times (`LLM metrics`, `received user transcript` …); a remembered message costs a hash of
    /// its ends and one compare instead of a scan. Each parser owns one, or borrows one shared by
    /// the inputs of a wide merge, which are parsed on one thread (`StreamParser.Memos`). A memo
    /// must always be used with the same set.
    struct Memo {
        static let slotCount = 128
        static let slotBytes = 128
        /// `slotCount` slots of `slotBytes` bytes: the remembered texts.
        private var texts: [UInt8]
        /// The length of each slot's text; 0 when the slot is empty.
        private var lengths: [UInt8]
        private var masks: [UInt64]

        init() {
            texts = [UInt8](repeating: 0, count: Self.slotCount * Self.slotBytes)
            lengths = [UInt8](repeating: 0, count: Self.slotCount)
            masks = [UInt64](repeating: 0, count: Self.slotCount)
        }

        /// A memo without tables (no memory), to be swapped for a real one before the parser
        /// that holds it parses (a scan with it remembers nothing).
        static var borrowed: Memo { Memo(texts: [], lengths: [], masks: []) }

        /// The bytes of the tables (0 for a borrowed memo), and the texts remembered.
        var tableBytes: Int { texts.count + lengths.count + masks.count * MemoryLayout<UInt64>.stride }
        var rememberedCount: Int { lengths.reduce(0) { $0 + ($1 > 0 ? 1 : 0) } }

        private init(texts: [UInt8], lengths: [UInt8], masks: [UInt64]) {
            self.texts = texts
            self.lengths = lengths
            self.masks = masks
        }

        /// `set.scan(text)`, remembered for texts of 2 to 128 bytes.
        mutating func scan(_ text: UnsafeBufferPointer<UInt8>, in set: LiteralSet) -> UInt64 {
            let n = text.count
            guard n >= 2, n <= Self.slotBytes, let base = text.baseAddress else { return set.scan(text) }
            let raw = UnsafeRawPointer(base)
            var h = UInt64(n) &* 0x9E37_79B9_7F4A_7C15
            if n >= 8 {
                h ^= raw.loadUnaligned(as: UInt64.self)
                h = (h ^ (h >> 29)) &* 0xBF58_476D_1CE4_E5B9
                h ^= raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            } else {
                for i in 0..<n { h = (h ^ UInt64(base[i])) &* 0x100_0000_01B3 }
            }
            h = (h ^ (h >> 32)) &* 0x94D0_49BB_1331_11EB
            let slot = Int(truncatingIfNeeded: h >> 57)  // 0..<128
            // (A borrowed memo's empty tables: a scan. The test stands for the bounds checks of
            // `lengths[slot]` and `masks[slot]`, which it makes redundant.)
            guard slot < lengths.count, slot < masks.count else { return set.scan(text) }
            let offset = slot * Self.slotBytes
            if Int(lengths[slot]) == n {
                let same = texts.withUnsafeBufferPointer { memcmp($0.baseAddress! + offset, base, n) == 0 }
                if same { return masks[slot] }
            }
            let mask = set.scan(text)
            texts.withUnsafeMutableBufferPointer { t in
                (t.baseAddress! + offset).update(from: base, count: n)
            }
            lengths[slot] = UInt8(n)
            masks[slot] = mask
            return mask
        }
    }
}
