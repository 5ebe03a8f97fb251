#if canImport(Glibc)
import Glibc
#endif

/// A settings file read whole (a baseline report, an app config, `expected.json`,
/// `.loganalyze.json`): at most `limit` bytes, so that a log given in its place is refused
/// instead of being read into memory.
public enum SmallFile {
    public static let limit = 16 << 20

    public enum Failure: Error, Equatable {
        case unreadable
        case tooLarge
    }

    /// The file's bytes; fails when it cannot be read or holds more than `limit` bytes.
    public static func read(_ path: String, limit: Int = SmallFile.limit) -> Result<[UInt8], Failure> {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return .failure(.unreadable) }
        defer { close(fd) }
        var st = stat()
        if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR { return .failure(.unreadable) }
        if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, Int(st.st_size) > limit { return .failure(.tooLarge) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { return .failure(.unreadable) }
            if n == 0 { break }
            bytes += chunk[0..<n]
            if bytes.count > limit { return .failure(.tooLarge) }
        }
        return .success(bytes)
    }

    /// The reason to show for a failure.
    public static func reason(_ failure: Failure) -> String {
        failure == .tooLarge ? "larger than \(limit >> 20) MiB: not a settings file" : "cannot read the file"
    }
}
