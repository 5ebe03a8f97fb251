/// Makes log text safe to print: control characters and escape sequences become visible escapes.
public enum TerminalText {
    /// Replaces C0 controls (except tab, and newline when `keepNewlines`), DEL and C1 controls with
    /// `\x1b`-style escapes, and the characters that reorder or break text (bidi embeddings,
    /// overrides, isolates and marks, U+2028/U+2029) with `\u202e`-style escapes, so a log cannot
    /// move the cursor, retitle the window, hide text or make it read in another order.
    public static func escape(_ text: String, keepNewlines: Bool = false) -> String {
        var needs = false
        for u in text.unicodeScalars where isControl(u, keepNewlines: keepNewlines) {
            needs = true
            break
        }
        guard needs else { return text }
        var out = String.UnicodeScalarView()
        for u in text.unicodeScalars {
            if isControl(u, keepNewlines: keepNewlines) {
                out.append(contentsOf: escaped(u).unicodeScalars)
            } else {
                out.append(u)
            }
        }
        return String(out)
    }

    /// `\x1b` for a scalar below U+0100, `\u202e` above.
    static func escaped(_ u: Unicode.Scalar) -> String {
        let hex = String(u.value, radix: 16)
        if u.value < 0x100 { return "\\x" + (hex.count < 2 ? "0" + hex : hex) }
        return "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    @inline(__always)
    static func isControl(_ u: Unicode.Scalar, keepNewlines: Bool) -> Bool {
        let v = u.value
        if v == 0x09 { return false }
        if v == 0x0A { return !keepNewlines }
        if v < 0x80 { return v < 0x20 || v == 0x7F }
        if v < 0xA0 { return true }
        return isBidiOrSeparator(v)
    }

    /// U+061C, U+200E/U+200F, U+2028/U+2029, U+202A–U+202E and U+2066–U+2069: the arabic letter
    /// mark, the left-to-right and right-to-left marks, the line and paragraph separators and
    /// the bidi embeddings, overrides and isolates ("Trojan Source").
    @inline(__always)
    static func isBidiOrSeparator(_ v: UInt32) -> Bool {
        switch v {
        case 0x061C, 0x200E, 0x200F, 0x2028...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }
}
