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

    /// FNV-1a over the key's bytes (keys are short: `AJ_…`, `RM_…`, room names).
    @inline(__always)
    private static func slot(_ key: String) -> Int {
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
