import Foundation

/// Reads the token TTL an app configured: `--token-ttl 2h`, or `token_ttl_hours|minutes|seconds`
/// in a Python, JSON, YAML or .env config (`"token_ttl_hours": 2`, `TOKEN_TTL_MINUTES=15`).
public enum TokenTTLSetting {
    /// `2h`, `90m`, `3600s`, `1h30m`, `3600` (seconds) → seconds.
    /// The longest TTL taken as configured: 10 years (3650d); anything longer is a typo.
    public static let maxSeconds: Double = 3650 * 86_400

    public static func parseDuration(_ text: String) -> Double? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        if let plain = Double(t) { return plain > 0 ? plain : nil }
        var total = 0.0
        var number = ""
        var sawUnit = false
        for c in t {
            if c.isNumber || c == "." {
                number.append(c)
                continue
            }
            guard let value = Double(number) else { return nil }
            switch c {
            case "h": total += value * 3600
            case "m": total += value * 60
            case "s": total += value
            case "d": total += value * 86400
            default: return nil
            }
            number = ""
            sawUnit = true
        }
        guard number.isEmpty, sawUnit, total > 0 else { return nil }
        return total
    }

    private static let pattern = try! Pattern(
        #"token_ttl_(hours|hrs|h|minutes|mins|m|seconds|secs|s)["']?\s*[:=]\s*["']?([0-9]+(?:\.[0-9]+)?)"#, caseless: true)

    /// The TTL in seconds found in a config file's text.
    public static func fromConfigText(_ text: String) -> Double? {
        guard let groups = pattern.firstMatch(in: text), let unit = groups[1]?.lowercased(), let number = groups[2].flatMap(Double.init) else {
            return nil
        }
        switch unit.first {
        case "h": return number * 3600
        case "m": return number * 60
        default: return number
        }
    }

    /// The TTL from a config file, or nil when it holds none / cannot be read.
    public static func fromConfigFile(_ path: String) -> Double? {
        guard case .success(let data) = SmallFile.read(path, limit: 4 << 20) else { return nil }
        return fromConfigText(String(decoding: data, as: UTF8.self))
    }
}
