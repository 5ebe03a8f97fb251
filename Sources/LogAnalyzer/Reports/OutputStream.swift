#if canImport(Glibc)
import Glibc
#endif

/// Buffered writes to a file descriptor (stdout by default), flushed in large blocks.
public final class OutputStream {
    private var buffer: JSONBytes
    private let fd: Int32
    private let limit: Int
    /// Set when a write failed (e.g. the reader closed the pipe); later writes are dropped.
    public private(set) var failed = false
    /// The errno of the failed write (`ENOSPC` for a full disk, `EBADF` for a closed stdout).
    public private(set) var failure: Int32 = 0

    public init(fd: Int32 = 1, bufferBytes: Int = 1 << 20) {
        self.fd = fd
        self.limit = bufferBytes
        buffer = JSONBytes(capacity: bufferBytes + 4096)
    }

    deinit { flush() }

    public func write(_ text: String) {
        buffer.append(string: text)
        if buffer.count >= limit { flush() }
    }

    func write(_ bytes: UnsafeBufferPointer<UInt8>) {
        buffer.append(bytes)
        if buffer.count >= limit { flush() }
    }

    /// Lets `body` append to the buffer in place.
    func append(_ body: (inout JSONBytes) -> Void) {
        body(&buffer)
        if buffer.count >= limit { flush() }
    }

    public func flush() {
        guard buffer.count > 0 else { return }
        defer { buffer.removeAll() }
        guard !failed else { return }
        let raw = buffer.bytes
        var offset = 0
        while offset < raw.count {
            let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                failed = true
                failure = errno
                return
            }
            offset += n
        }
    }
}
