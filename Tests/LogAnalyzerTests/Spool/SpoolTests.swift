import Foundation
import Testing

@testable import LogAnalyzer

/// The spool of a report's sessions and findings, read back in another order than written.
@Suite struct SpoolTests {
    /// Sessions are spooled as they end and listed by where they start: a log whose sessions end
    /// in another order reads the spool backwards and forwards. Each jump away from the last
    /// block reads a 4 KiB block, not 64 KiB (a report of 25,000 backend mints and browser calls
    /// had made 24,216 reads of 64 KiB, 1.5 GB, for an 8 MB log); reading on in order still
    /// takes 64 KiB at a time.
    @Test func readingBackwardsReadsASmallBlockForEachJump() {
        let dir = TempDir()
        let spool = Spool(name: "test", directory: dir.url.path)
        let text = String(repeating: "x", count: 1000)
        let locations = (0..<3000).map { i in spool.append { $0.int(Int64(i)); $0.string(text) } }
        let fileBytes = spool.fileBytes
        #expect(fileBytes == 2_098_296)
        let inFile = locations.filter { $0 < fileBytes }
        var values: [Int64] = []
        for location in inFile.reversed() {
            values.append(spool.read(at: location) { r -> Int64 in
                let v = r.int()
                _ = r.string()
                return v
            } ?? -1)
        }
        #expect(values == (0..<Int64(inFile.count)).reversed().map { $0 })
        // The first read takes a 64 KiB block (or what is left of the file); every earlier
        // encoding is a jump back: 4 KiB (or what is left of the file) each, 8.55 MB in all
        // (64 KiB each: 131 MB).
        let expected = inFile.dropLast().reduce(min(65_536, fileBytes - inFile.last!)) { $0 + min(4_096, fileBytes - $1) }
        #expect(expected == 8_554_296)
        #expect(spool.bytesRead == expected)
    }
}
