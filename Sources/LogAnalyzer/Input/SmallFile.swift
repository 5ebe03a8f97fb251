#if canImport(Glibc)
import Glibc
#endif

/// A settings file read whole (a baseline report, an app config, `expected.json`,
/// `.loganalyze.json`): at most `limit` bytes, so that a log given in its place is refused
/// instead of being read into memory.
public enum SmallFile {
    public static let limit = 16 << 20

    public enum Failure: Error, Equatable {
        /// Not opened or not read, with the system's reason (`No such file or directory`).
        case unreadable(String)
        case tooLarge
    }

    /// The file's bytes; fails when it cannot be read or holds more than `limit` bytes. A file
    /// the tool looks for (`found`: `expected.json`, `.loganalyze.json`) rather than one named on
    /// the command line is read only when it is a regular file: opening a FIFO there would wait
    /// for a writer forever. (A named one is read, as `--baseline <(zcat old.json.gz)` needs.)
    public static func read(_ path: String, limit: Int = SmallFile.limit, found: Bool = false) -> Result<[UInt8], Failure> {
        var st = stat()
        if found, stat(path, &st) == 0, (st.st_mode & S_IFMT) != S_IFREG, (st.st_mode & S_IFMT) != S_IFDIR {
            return .failure(.unreadable("not a regular file"))
        }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return .failure(.unreadable(String(cString: strerror(errno)))) }
        defer { close(fd) }
        if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR { return .failure(.unreadable(String(cString: strerror(EISDIR)))) }
        if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, Int(st.st_size) > limit { return .failure(.tooLarge) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { return .failure(.unreadable(String(cString: strerror(errno)))) }
            if n == 0 { break }
            bytes += chunk[0..<n]
            if bytes.count > limit { return .failure(.tooLarge) }
        }
        return .success(bytes)
    }

    /// The reason to show for a failure.
    public static func reason(_ failure: Failure, limit: Int = SmallFile.limit) -> String {
        switch failure {
        case .tooLarge: "larger than \(limit >> 20) MiB: not a settings file"
        case .unreadable(let reason): "cannot read the file: \(reason)"
        }
    }
}
