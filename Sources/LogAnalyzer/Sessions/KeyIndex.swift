/// Session indices by a string key (room name, room sid, job id, participant), with a
/// direct-mapped cache in front of the dictionary: records keep naming the keys of the sessions
/// alive, and a hit costs a short byte hash and one string compare instead of SipHash.
final class KeyIndex {
    private var map: [String: Int] = [:]
    @exclusivity(unchecked) private var keys: [String?]
    @exclusivity(unchecked) private var values: [Int]
    private static let slotBits = 12

    init() {
        keys = Array(repeating: nil, count: 1 << Self.slotBits)
        values = Array(repeating: 0, count: 1 << Self.slotBits)
    }

    /// The slot of a key. A short key (the ids of LiveKit and livekit-agents are up to 15 bytes:
    /// `AJ_…`, `RM_…`, most room names) is hashed from the two words of its value, which hold
    /// its bytes inline; a longer one by FNV-1a over its bytes. The words of a longer string hold
    /// a pointer, so equal keys in different storage would only miss the cache, never match
    /// wrongly: a hit is still confirmed by comparing the strings.
    @inline(__always)
    private static func slot(_ key: String) -> Int {
        if key.utf8.count <= 15 {
            let (a, b) = unsafeBitCast(key, to: (UInt64, UInt64).self)
            let h = (a ^ (b &* 0x9E37_79B9_7F4A_7C15)) &* 0xBF58_476D_1CE4_E5B9
            return Int(truncatingIfNeeded: h >> UInt64(64 - slotBits))
        }
        var key = key
        return key.withUTF8 { b in
            var h: UInt64 = 0xCBF2_9CE4_8422_2325
            for c in b { h = (h ^ UInt64(c)) &* 0x100_0000_01B3 }
            return Int(truncatingIfNeeded: h >> UInt64(64 - slotBits))
        }
    }

    subscript(key: String) -> Int? {
        get {
            let i = Self.slot(key)
            if keys[i] == key { return values[i] }
            guard let value = map[key] else { return nil }
            keys[i] = key
            values[i] = value
            return value
        }
        set {
            let i = Self.slot(key)
            // The cache mirrors the dictionary: a key cached with this value needs no write.
            if let newValue, values[i] == newValue, keys[i] == key { return }
            if let newValue {
                map[key] = newValue
                keys[i] = key
                values[i] = newValue
            } else {
                map.removeValue(forKey: key)
                if keys[i] == key { keys[i] = nil }
            }
        }
    }
}
