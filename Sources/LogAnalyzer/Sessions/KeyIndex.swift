/// A key of a `HashIndex`: equality and a hash of the key's content (the same for equal keys,
/// whatever their storage) mixed with the index's two random seeds.
protocol IndexKey: Equatable {
    func indexHash(_ seeds: (UInt64, UInt64)) -> UInt64
}

/// Session indices by key: an open-addressing table (linear probing, at most half full) that
/// keeps each entry's hash beside it.
///
/// The session tracker asks it for every record and removes a session's keys when the session
/// goes idle. A Swift `Dictionary` hashes a `String` with SipHash, and its deletion shifts the
/// entries after the removed one back, hashing each of them again: about 1,800 instructions a
/// removal (1,400 of them in the shift) and 400 to find a key in the tracker's profile. Here a
/// key is hashed once, by a few multiplications over its bytes, and moved entries are placed by
/// their stored hash.
///
/// Keys come from logs (room names, identities a client chose): the hash is seeded at random
/// for each index, as Swift's own is for each process, so that no log can be written whose keys
/// all fall on one slot and make every lookup a walk through the table. Nothing the index
/// returns depends on the seeds.
final class HashIndex<Key: IndexKey> {
    private struct Slot {
        /// 0 when the slot is empty (`hash(_:)` never returns 0).
        var hash: UInt64
        var value: Int
        var key: Key?
    }

    @exclusivity(unchecked) private var slots: [Slot]
    private var mask: Int
    private(set) var count = 0
    private let seeds = (UInt64.random(in: .min ... .max), UInt64.random(in: .min ... .max))

    init(capacity: Int = 256) {
        var size = 16
        while size < capacity * 2 { size *= 2 }
        slots = Array(repeating: Slot(hash: 0, value: 0, key: nil), count: size)
        mask = size - 1
    }

    @inline(__always)
    private func hash(_ key: Key) -> UInt64 { key.indexHash(seeds) | 1 << 63 }

    /// The slot holding `key`, or the empty slot where it would go.
    @inline(__always)
    private func probe(_ key: Key, _ h: UInt64) -> (index: Int, found: Bool) {
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let s = slots[i].hash
            if s == 0 { return (i, false) }
            if s == h && slots[i].key! == key { return (i, true) }
            i = (i + 1) & mask
        }
    }

    subscript(key: Key) -> Int? {
        get {
            let (i, found) = probe(key, hash(key))
            return found ? slots[i].value : nil
        }
        set {
            let h = hash(key)
            let (i, found) = probe(key, h)
            if let newValue {
                if found {
                    slots[i].value = newValue
                    return
                }
                slots[i] = Slot(hash: h, value: newValue, key: key)
                count += 1
                if count * 2 > slots.count { grow() }
            } else if found {
                remove(at: i)
            }
        }
    }

    /// Empties slot `i` and moves back the entries after it that could not sit in their own
    /// slot (backward-shift deletion: no tombstones, probes stay short).
    private func remove(at i: Int) {
        var hole = i
        var j = i
        while true {
            j = (j + 1) & mask
            let h = slots[j].hash
            if h == 0 { break }
            let home = Int(truncatingIfNeeded: h) & mask
            // The entry at j stays when its home lies cyclically in (hole, j].
            let stays = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j)
            if !stays {
                slots.swapAt(hole, j)
                hole = j
            }
        }
        slots[hole] = Slot(hash: 0, value: 0, key: nil)
        count -= 1
    }

    private func grow() {
        let old = slots
        slots = Array(repeating: Slot(hash: 0, value: 0, key: nil), count: old.count * 2)
        mask = slots.count - 1
        for s in old where s.hash != 0 {
            var i = Int(truncatingIfNeeded: s.hash) & mask
            while slots[i].hash != 0 { i = (i + 1) & mask }
            slots[i] = s
        }
    }
}

typealias KeyIndex = HashIndex<String>

extension String: IndexKey {
    /// A hash of the key's UTF-8 bytes (`IndexHash.bytes`).
    func indexHash(_ seeds: (UInt64, UInt64)) -> UInt64 {
        if let h = utf8.withContiguousStorageIfAvailable({ IndexHash.bytes($0, seeds) }) { return h }
        return Array(utf8).withUnsafeBufferPointer { IndexHash.bytes($0, seeds) }
    }
}

/// The hashing of `HashIndex` keys.
enum IndexHash {
    /// A hash of bytes under two seeds: ids (`AJ_…`, `RM_…`, `PA_…`, room names) are mostly 16
    /// bytes or fewer, hashed from two overlapping 8-byte loads.
    @inline(__always)
    static func bytes(_ b: UnsafeBufferPointer<UInt8>, _ seeds: (UInt64, UInt64)) -> UInt64 {
        let n = b.count
        guard let p = b.baseAddress.map(UnsafeRawPointer.init) else { return mix(seeds.0, seeds.1) }
        @inline(__always) func load(_ at: Int) -> UInt64 { UInt64(littleEndian: p.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }
        if n >= 8 && n <= 16 { return mix(load(0) ^ seeds.0, load(n - 8) ^ seeds.1 ^ UInt64(n)) }
        if n < 8 {
            var w: UInt64 = 0
            for k in 0..<n { w |= UInt64(b[k]) << (8 * UInt64(k)) }
            return mix(w ^ seeds.0, seeds.1 ^ UInt64(n))
        }
        var h = seeds.0 ^ UInt64(n)
        var at = 0
        while at + 16 <= n {
            h = mix(load(at) ^ h, load(at + 8) ^ seeds.1)
            at += 16
        }
        return mix(load(n - 16) ^ h, load(n - 8) ^ seeds.1)
    }

    /// Folds two words by one full-width multiplication (as wyhash does). Callers mix the seeds
    /// into both factors, so that no key makes a factor a known constant.
    @inline(__always)
    static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (hi, lo) = (a ^ 0xA076_1D64_78BD_642F).multipliedFullWidth(by: b ^ 0xE703_7ED1_A0B4_28DB)
        return hi ^ lo
    }
}
