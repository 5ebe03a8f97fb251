/// Makes log text safe to print: control characters and escape sequences become visible escapes.
public enum TerminalText {
    /// Replaces C0 controls (except tab, and newline when `keepNewlines`), DEL and C1 controls with
    /// `\x1b`-style escapes, and the characters that reorder or break text (bidi embeddings,
    /// overrides, isolates and marks, U+2028/U+2029) and the invisible ones (`isInvisible`) with
    /// `\u202e`-style escapes (`\u{e0041}` above U+FFFF), so a log cannot move the cursor, retitle
    /// the window, hide text, make it read in another order or make two names look the same.
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

    /// `\x1b` for a scalar below U+0100, `\u202e` above, `\u{e0041}` above U+FFFF.
    static func escaped(_ u: Unicode.Scalar) -> String {
        let hex = String(u.value, radix: 16)
        if u.value < 0x100 { return "\\x" + (hex.count < 2 ? "0" + hex : hex) }
        if u.value > 0xFFFF { return "\\u{" + hex + "}" }
        return "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    @inline(__always)
    static func isControl(_ u: Unicode.Scalar, keepNewlines: Bool) -> Bool {
        let v = u.value
        if v == 0x09 { return false }
        if v == 0x0A { return !keepNewlines }
        if v < 0x80 { return v < 0x20 || v == 0x7F }
        if v < 0xA0 { return true }
        return isBidiOrSeparator(v) || isInvisible(v)
    }

    /// U+180E, U+200B, U+2060–U+2064, U+FEFF, U+FFF9–U+FFFB and the tags U+E0000–U+E007F: the
    /// characters that print nothing and join nothing, so a name holding one looks like another
    /// (`voice-room\u200b` beside `voice-room`) and a message can carry text no one sees (tags).
    /// Not the joiners emoji and scripts need (U+200C, U+200D), nor the soft hyphen.
    @inline(__always)
    static func isInvisible(_ v: UInt32) -> Bool {
        switch v {
        case 0x180E, 0x200B, 0x2060...0x2064, 0xFEFF, 0xFFF9...0xFFFB, 0xE0000...0xE007F: return true
        default: return false
        }
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
