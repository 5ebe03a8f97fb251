/// Makes log text safe to print: control characters and escape sequences become visible escapes.
public enum TerminalText {
    /// Replaces C0 controls (except tab, and newline when `keepNewlines`), DEL and C1 controls with
    /// `\x1b`-style escapes, so a log cannot move the cursor, retitle the window or hide text.
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
                let hex = String(u.value, radix: 16)
                let code = "\\x" + (hex.count < 2 ? "0" + hex : hex)
                out.append(contentsOf: code.unicodeScalars)
            } else {
                out.append(u)
            }
        }
        return String(out)
    }

    @inline(__always)
    static func isControl(_ u: Unicode.Scalar, keepNewlines: Bool) -> Bool {
        let v = u.value
        if v == 0x09 { return false }
        if v == 0x0A { return !keepNewlines }
        return v < 0x20 || v == 0x7F || (v >= 0x80 && v < 0xA0)
    }
}
