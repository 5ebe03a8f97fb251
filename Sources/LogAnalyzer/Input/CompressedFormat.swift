/// Compressed or archived data other than gzip, recognised by its magic bytes: read as text it
/// made a page of "NUL bytes" and "invalid UTF-8" warnings and garbage records; it gets one
/// diagnostic naming what it is instead.
enum CompressedFormat: String {
    case bzip2, xz, zstd, zip, sevenZip = "7z", lz4

    /// The most bytes `detect` looks at.
    static let magicBytes = 6

    /// The format whose magic number `head` starts with, if any.
    static func detect(_ bytes: some Collection<UInt8>) -> CompressedFormat? {
        let head = Array(bytes.prefix(magicBytes))
        func starts(_ magic: [UInt8]) -> Bool { head.starts(with: magic) }
        if starts([0x42, 0x5A, 0x68]), head.count >= 4, head[3] >= 0x31 && head[3] <= 0x39 { return .bzip2 }
        if starts([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) { return .xz }
        if starts([0x28, 0xB5, 0x2F, 0xFD]) { return .zstd }
        if starts([0x50, 0x4B, 0x03, 0x04]) || starts([0x50, 0x4B, 0x05, 0x06]) { return .zip }
        if starts([0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C]) { return .sevenZip }
        if starts([0x04, 0x22, 0x4D, 0x18]) { return .lz4 }
        return nil
    }

    /// The diagnostic's text (after `cannot read: `), for a run of `command` (empty: `analyze`,
    /// the default command).
    func message(command: String = "") -> String {
        let tool = switch self {
        case .bzip2: "bzcat FILE"
        case .xz: "xzcat FILE"
        case .zstd: "zstdcat FILE"
        case .zip: "unzip -p FILE"
        case .sevenZip: "7z x -so FILE"
        case .lz4: "lz4cat FILE"
        }
        let reader = command.isEmpty ? "loganalyze -" : "loganalyze \(command) -"
        return "\(rawValue) \(self == .zip || self == .sevenZip ? "archive" : "compressed data"): only gzip is decompressed (read it as `\(tool) | \(reader)`)"
    }
}
