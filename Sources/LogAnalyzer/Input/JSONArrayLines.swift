/// A JSON list of objects too large to read whole (`JSONDocument.maxDocumentBytes`), as
/// `gcloud logging read --format=json` prints a day of entries: each element made a line, as
/// `JSONDocument` makes a smaller list's, read a chunk at a time (no tree is built). An element's
/// line breaks (never inside a string in valid JSON) become spaces.
struct JSONArrayLines<Inner: ByteSource>: ByteSource {
    var inner: Inner
    private var splitter = JSONArraySplitter()
    private var chunk: [UInt8] = []
    private var out: [UInt8] = []
    private var outHead = 0

    init(inner: Inner) { self.inner = inner }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        while outHead == out.count {
            out.removeAll(keepingCapacity: true)
            outHead = 0
            if chunk.count != max(buffer.count, 64 << 10) { chunk = [UInt8](repeating: 0, count: max(buffer.count, 64 << 10)) }
            // (`withUnsafeMutableBytes` rethrows untyped: the typed error goes through a Result.)
            let result = chunk.withUnsafeMutableBytes { b in
                do throws(InputError) { return Result<Int, InputError>.success(try inner.read(into: b)) } catch { return .failure(error) }
            }
            let n = try result.get()
            if n == 0 { return 0 }
            splitter.feed(chunk[0..<n], into: &out)
        }
        let count = min(buffer.count, out.count - outHead)
        out.withUnsafeBytes { src in buffer.baseAddress!.copyMemory(from: src.baseAddress! + outHead, byteCount: count) }
        outHead += count
        return count
    }
}

/// The state of a JSON list read a piece at a time: the bytes of its elements, each ended by a
/// newline, its line breaks made spaces; the brackets, commas and white space between elements
/// dropped.
struct JSONArraySplitter {
    private enum Phase { case beforeList, betweenElements, inElement, done }
    private var phase = Phase.beforeList
    private var depth = 0
    private var inString = false
    private var escaped = false

    mutating func feed(_ bytes: some Collection<UInt8>, into out: inout [UInt8]) {
        for c in bytes {
            switch phase {
            case .beforeList:
                if c == UInt8(ascii: "[") { phase = .betweenElements }
            case .betweenElements:
                if c == UInt8(ascii: "]") {
                    phase = .done
                } else if c != 0x20 && c != 0x0A && c != 0x0D && c != 0x09 && c != UInt8(ascii: ",") {
                    phase = .inElement
                    depth = 0
                    element(c, into: &out)
                }
            case .inElement:
                element(c, into: &out)
            case .done:
                break
            }
        }
    }

    private mutating func element(_ c: UInt8, into out: inout [UInt8]) {
        if inString {
            out.append(c == 0x0A || c == 0x0D ? 0x20 : c)
            if escaped { escaped = false } else if c == UInt8(ascii: "\\") { escaped = true } else if c == UInt8(ascii: "\"") { inString = false }
            return
        }
        switch c {
        case UInt8(ascii: "\""):
            inString = true
            out.append(c)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            depth += 1
            out.append(c)
        case UInt8(ascii: "}"), UInt8(ascii: "]"):
            if depth == 0 {
                // (A scalar element ended by the list's end.)
                out.append(0x0A)
                phase = .done
                return
            }
            depth -= 1
            out.append(c)
            if depth == 0 {
                out.append(0x0A)
                phase = .betweenElements
            }
        case UInt8(ascii: ",") where depth == 0:
            out.append(0x0A)
            phase = .betweenElements
        case 0x0A, 0x0D:
            out.append(0x20)
        default:
            out.append(c)
        }
    }
}
