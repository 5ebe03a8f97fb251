import CPCRE2

/// A compiled, JIT-compiled PCRE2 pattern; immutable and shareable between threads.
///
/// PCRE2 documents a compiled pattern as read-only once compiled (and JIT-compiled), so the
/// wrapper is `@unchecked Sendable`. Matching needs per-thread scratch: `Matcher`.
public final class Pattern: @unchecked Sendable {
    let code: OpaquePointer
    let jitCompiled: Bool
    public let source: String
    /// Number of capture groups.
    public let captureCount: Int

    /// Compiles `pattern`; throws a one-line error naming the offset and PCRE2's reason.
    public init(_ pattern: String, caseless: Bool = false) throws(PatternError) {
        var errorCode: Int32 = 0
        var errorOffset: Int = 0
        // MATCH_INVALID_UTF keeps matching fast and safe on logs with broken UTF-8.
        var options: UInt32 = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF
        if caseless { options |= PCRE2_CASELESS }
        let compiled = pattern.withCString { text in
            text.withMemoryRebound(to: UInt8.self, capacity: pattern.utf8.count) { bytes in
                pcre2_compile_8(bytes, pattern.utf8.count, options, &errorCode, &errorOffset, nil)
            }
        }
        guard let compiled else {
            throw PatternError(pattern: pattern, offset: errorOffset, reason: Self.message(for: errorCode))
        }
        self.code = compiled
        self.source = pattern
        self.jitCompiled = pcre2_jit_compile_8(compiled, PCRE2_JIT_COMPLETE) == 0
        var count: UInt32 = 0
        pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_CAPTURECOUNT), &count)
        self.captureCount = Int(count)
    }

    deinit { pcre2_code_free_8(code) }

    static func message(for code: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = pcre2_get_error_message_8(code, &buffer, buffer.count)
        return n > 0 ? String(decoding: buffer[0..<Int(n)], as: UTF8.self) : "error \(code)"
    }

    /// A matcher with its own match data, for one thread.
    public func matcher() -> Matcher { Matcher(pattern: self) }

    /// Convenience for cold paths: first match's capture groups as strings (group 0 first).
    public func firstMatch(in text: String) -> [String?]? {
        let m = matcher()
        var text = text
        return text.withUTF8 { bytes in
            guard m.match(bytes, from: 0) else { return nil }
            return (0...captureCount).map { i in m.range(i).map { String(decoding: bytes[$0], as: UTF8.self) } }
        }
    }

}

/// A pattern that failed to compile.
public struct PatternError: Error, Sendable, CustomStringConvertible {
    public var pattern: String
    public var offset: Int
    public var reason: String
    public var description: String { "invalid regular expression at offset \(offset): \(reason)" }
}

nonisolated(unsafe) private let emptySubject: UnsafeMutablePointer<UInt8> = {
    let p = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
    p.pointee = 0
    return p
}()

/// Per-thread match scratch for one `Pattern`: create once, reuse for every line.
public final class Matcher {
    let pattern: Pattern
    private let data: OpaquePointer
    private var subjectCount = 0

    init(pattern: Pattern) {
        self.pattern = pattern
        self.data = pcre2_match_data_create_from_pattern_8(pattern.code, nil)
    }

    deinit { pcre2_match_data_free_8(data) }

    /// Matches against `bytes` starting at `offset`; captures are read with `range(_:)`.
    public func match(_ bytes: UnsafeBufferPointer<UInt8>, from offset: Int) -> Bool {
        // The JIT fast path must never see a nil subject.
        let base: UnsafePointer<UInt8> = bytes.baseAddress ?? UnsafePointer(emptySubject)
        let rc: Int32
        if pattern.jitCompiled {
            rc = pcre2_jit_match_8(pattern.code, base, bytes.count, offset, 0, data, nil)
        } else {
            rc = pcre2_match_8(pattern.code, base, bytes.count, offset, 0, data, nil)
        }
        subjectCount = bytes.count
        return rc > 0
    }

    /// The byte range of capture `group` (0 = whole match) after a successful `match`.
    public func range(_ group: Int) -> Range<Int>? {
        guard group <= pattern.captureCount else { return nil }
        let ovector = pcre2_get_ovector_pointer_8(data)!
        let lo = ovector[2 * group]
        let hi = ovector[2 * group + 1]
        if lo == cpcre2_unset() || hi < lo || hi > subjectCount { return nil }
        return lo..<hi
    }
}
