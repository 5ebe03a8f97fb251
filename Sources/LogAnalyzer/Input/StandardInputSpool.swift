#if canImport(Glibc)
import Glibc
#endif

/// Standard input (or a named pipe, a process substitution) copied to an unlinked temporary
/// file, for a command that reads its inputs twice (`timeline --session`: the sessions, then one
/// session's lines). The copy streams a block at a time; the file is gone when the process ends.
public enum StandardInputSpool {
    public enum Outcome {
        /// The input to read instead of `-` (shown as `-`; opened through /proc/self/fd).
        case spooled(InputDescriptor)
        /// Nothing was read: no temporary file could be made (the caller reads the input once).
        case unavailable(String)
        /// Nothing could be read (a closed descriptor): the caller reads the input as any other,
        /// which reports the error.
        case unreadable
        /// The input was partly consumed when copying failed (a full disk).
        case failed(String)
    }

    /// Copies `fd` (standard input) into a file in `directory` (nil: $TMPDIR, else /tmp), to be
    /// shown as `path`.
    public static func spool(from fd: Int32 = 0, directory: String? = nil, path: String = "-") -> Outcome {
        let dir = Spool.temporaryDirectory(directory)
        let out = Spool.openTemporary("stdin", in: dir)
        guard out >= 0 else { return .unavailable("cannot make a temporary file in \(dir): \(String(cString: strerror(errno)))") }
        let procPath = "/proc/self/fd/\(out)"
        guard access(procPath, R_OK) == 0 else {
            close(out)
            return .unavailable("cannot reopen a temporary file (\(procPath))")
        }
        let name = path == "-" ? "standard input" : "the pipe"
        let size = 1 << 20
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        defer { buffer.deallocate() }
        var copied: UInt64 = 0
        while true {
            let n = read(fd, buffer, size)
            if n < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                close(out)
                return copied == 0 ? .unreadable : .failed("reading \(name) failed after \(copied) bytes: \(reason)")
            }
            if n == 0 { break }
            var done = 0
            while done < n {
                let w = write(out, buffer + done, n - done)
                if w < 0 {
                    if errno == EINTR { continue }
                    let reason = String(cString: strerror(errno))
                    close(out)
                    return .failed("copying \(name) to \(dir) failed after \(copied + UInt64(done)) bytes: \(reason)")
                }
                done += w
            }
            copied += UInt64(n)
        }
        var input = InputDescriptor(path: path, kind: .file)
        input.openPath = procPath
        return .spooled(input)
    }
}
