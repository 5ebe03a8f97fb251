/// Finds JWTs in text and decodes their claims. The token itself is never stored or printed.
enum JWT {
    static let marker = Literal("eyJ")

    /// Byte ranges of JWT-shaped tokens (`eyJ….eyJ….sig`) in `b`.
    ///
    /// A token may follow a URL-encoded delimiter (`access_token%3DeyJ…`, `Bearer%20eyJ…`), and
    /// an ANSI colour sequence inside it (a formatter colouring part of a message) is part of
    /// the token: the range covers it, so a signature after it is never left outside.
    static func ranges(in b: Bytes) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var from = 0
        while let start = marker.find(in: b, from: from) {
            var i = start
            var dots = 0
            while i < b.count {
                let c = b[i]
                if c.isAlnum || c == UInt8(ascii: "-") || c == UInt8(ascii: "_") {
                    i += 1
                } else if c == UInt8(ascii: ".") && dots < 2 && b.byte(i + 1) != UInt8(ascii: ".") {
                    dots += 1
                    i += 1
                } else if c == 0x1B, let next = csiEnd(b, i) {
                    i = next
                } else if c == UInt8(ascii: "="), let next = paddingEnd(b, i, start: start, dots: dots) {
                    // base64 padding some encoders leave on a segment (`…fQ==.sig`): part of
                    // the token, else the signature after it would be left outside.
                    i = next
                    if dots == 2 { break }
                } else {
                    break
                }
            }
            // Header and payload at least; a trailing dot belongs to the sentence, not the token.
            var end = i
            if end > start && b[end - 1] == UInt8(ascii: ".") { end -= 1; dots -= 1 }
            let before = b.byte(start - 1)
            // (After `-` or `_` too: `room-eyJ…`, `AJ_eyJ…` printed the token whole. A base64url
            // run holds no dot, so a dotted token after one is still a token.)
            let boundaryOK = start == 0 || !before.isAlnum
                || (start >= 3 && b[start - 3] == UInt8(ascii: "%") && b[start - 2].isHexDigit && before.isHexDigit)
            if dots >= 1 && end - start >= 16 && boundaryOK {
                out.append(start..<end)
            }
            from = max(i, start + 3)
        }
        return out
    }

    /// Claims of the first decodable JWT in `b`.
    static func firstClaims(in b: Bytes) -> TokenClaims? {
        for r in ranges(in: b) {
            if let claims = decode(b.slice(r.lowerBound, r.upperBound)) { return claims }
        }
        return nil
    }

    /// The index after a segment's base64 padding (one or two `=`) at `i`: before the next
    /// segment's dot, or ending the signature (not followed by more token characters); nil
    /// when the `=` is not such padding.
    static func paddingEnd(_ b: Bytes, _ i: Int, start: Int, dots: Int) -> Int? {
        guard i > start, b[i - 1] != UInt8(ascii: "."), b[i - 1] != UInt8(ascii: "=") else { return nil }
        var j = i
        while j < b.count, j - i < 2, b[j] == UInt8(ascii: "=") { j += 1 }
        let next = b.byte(j)
        if dots < 2 { return next == UInt8(ascii: ".") && b.byte(j + 1) != UInt8(ascii: ".") ? j : nil }
        return next.isAlnum || next == UInt8(ascii: "-") || next == UInt8(ascii: "_") || next == UInt8(ascii: "=") ? nil : j
    }

    /// The index after the ANSI CSI sequence (`ESC [ params letter`) at `i`, or nil when none starts there.
    static func csiEnd(_ b: Bytes, _ i: Int) -> Int? {
        guard b.byte(i) == 0x1B, b.byte(i + 1) == UInt8(ascii: "[") else { return nil }
        var j = i + 2
        while j < b.count, b[j].isDigit || b[j] == UInt8(ascii: ";") { j += 1 }
        guard j < b.count, b[j].isUpper || b[j].isLower else { return nil }
        return j + 1
    }

    /// Decodes the payload segment of a token (ANSI sequences inside it left out).
    static func decode(_ token: Bytes) -> TokenClaims? {
        if token.index(of: 0x1B, from: 0) != nil {
            var clean: [UInt8] = []
            var i = 0
            while i < token.count {
                if let next = csiEnd(token, i) { i = next; continue }
                clean.append(token[i])
                i += 1
            }
            return clean.withUnsafeBufferPointer { $0.index(of: 0x1B, from: 0) == nil ? decode($0) : nil }
        }
        guard let dot1 = token.index(of: UInt8(ascii: "."), from: 0) else { return nil }
        let dot2 = token.index(of: UInt8(ascii: "."), from: dot1 + 1) ?? token.count
        guard let payload = base64URLDecode(token.slice(dot1 + 1, dot2)) else { return nil }
        let json = payload.withUnsafeBufferPointer { parseJSON($0) }
        guard let json, case .object = json else { return nil }
        var claims = TokenClaims()
        claims.subject = json["sub"]?.stringValue
        claims.issuer = json["iss"]?.stringValue
        claims.room = json["video"]?["room"]?.stringValue
        // Claims are untrusted: only plausible epoch seconds become numbers.
        func seconds(_ v: JSONValue?) -> Int64? {
            guard let d = v?.doubleValue, d.isFinite, abs(d) < 1e13 else { return nil }
            return Int64(d)
        }
        claims.notBefore = seconds(json["nbf"])
        claims.expires = seconds(json["exp"])
        claims.issuedAt = seconds(json["iat"])
        return claims
    }

    static func base64URLDecode(_ b: Bytes) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(b.count * 3 / 4)
        var acc: UInt32 = 0
        var bits = 0
        for c in b {
            let v: UInt32
            switch c {
            case 0x41...0x5A: v = UInt32(c - 0x41)
            case 0x61...0x7A: v = UInt32(c - 0x61 + 26)
            case 0x30...0x39: v = UInt32(c - 0x30 + 52)
            case UInt8(ascii: "-"), UInt8(ascii: "+"): v = 62
            case UInt8(ascii: "_"), UInt8(ascii: "/"): v = 63
            case UInt8(ascii: "="): continue
            default: return nil
            }
            acc = acc << 6 | v
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8((acc >> UInt32(bits)) & 0xFF))
            }
        }
        return out
    }
}
