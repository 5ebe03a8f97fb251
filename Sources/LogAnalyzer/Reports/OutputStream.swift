#if canImport(Glibc)
import Glibc
#endif

/// Buffered writes to a file descriptor (stdout by default), flushed in large blocks.
public final class OutputStream {
    private var buffer: [UInt8] = []
    private let fd: Int32
    private let limit: Int
    /// Set when a write failed (e.g. the reader closed the pipe); later writes are dropped.
    public private(set) var failed = false

    public init(fd: Int32 = 1, bufferBytes: Int = 1 << 20) {
        self.fd = fd
        self.limit = bufferBytes
        buffer.reserveCapacity(bufferBytes + 4096)
    }

    deinit { flush() }

    public func write(_ text: String) {
        var text = text
        text.withUTF8 { buffer.append(contentsOf: $0) }
        if buffer.count >= limit { flush() }
    }

    public func flush() {
        guard !buffer.isEmpty else { return }
        defer { buffer.removeAll(keepingCapacity: true) }
        guard !failed else { return }
        buffer.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failed = true
                    return
                }
                offset += n
            }
        }
    }
}
