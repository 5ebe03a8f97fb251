import ArgumentParser
import LogAnalyzer

#if canImport(Glibc)
import Glibc
#endif

extension OutputStream {
    /// Flushes the output and, when a write failed (a full disk, a closed standard output), says
    /// so on stderr and exits 2: a cut report must not pass for a whole one. A reader that went
    /// away (`| head -1` with SIGPIPE ignored) is not an error worth a line: exit 2 quietly.
    func finish() throws {
        flush()
        guard failed else { return }
        if failure != EPIPE {
            Stderr.print("loganalyze: error: cannot write the output: \(String(cString: strerror(failure)))")
        }
        throw ExitCode(2)
    }
}
