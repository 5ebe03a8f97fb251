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
    /// What is wrong with the list (`JSONArraySplitter.endProblem`), said after its last line.
    private var pendingError: InputError?

    init(inner: Inner) { self.inner = inner }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        while outHead == out.count {
            if let error = pendingError {
                pendingError = nil
                throw error
            }
            out.removeAll(keepingCapacity: true)
            outHead = 0
            if chunk.count != max(buffer.count, 64 << 10) { chunk = [UInt8](repeating: 0, count: max(buffer.count, 64 << 10)) }
            // (`withUnsafeMutableBytes` rethrows untyped: the typed error goes through a Result.)
            let result = chunk.withUnsafeMutableBytes { b in
                do throws(InputError) { return Result<Int, InputError>.success(try inner.read(into: b)) } catch { return .failure(error) }
            }
            let n = try result.get()
            if n == 0 {
                // (Once: a list cut short, as a killed `gcloud logging read > day.json` leaves it,
                // is read to its last whole entry; the cut one is a line as far as it went.)
                guard let problem = splitter.endProblem() else { return 0 }
                if splitter.isInElement { out.append(0x0A) }
                splitter = JSONArraySplitter(finished: true)
                if out.isEmpty { throw InputError(problem) }
                pendingError = InputError(problem)
                continue
            }
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
    /// Bytes after a list's closing `]` that start no other list (they are not read).
    private(set) var trailing = false

    init() {}

    /// A splitter that takes no more bytes (its list was read and its problem said).
    init(finished: Bool) {
        phase = .done
        trailing = false
        ignoresAll = finished
    }
    private var ignoresAll = false
    /// Lists after the first.
    private var lists = 0

    /// Whether `bytes` open a JSON list: their first byte that is not JSON white space is `[`.
    static func startsList(_ bytes: some Collection<UInt8>) -> Bool {
        bytes.first(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }) == UInt8(ascii: "[")
    }

    /// Whether `document` (a whole input, `JSONDocument.mayStart`, that `JSONDocument` could
    /// not read) is a list of entries cut short, or lists one after another, and nothing else:
    /// then it is read an element at a time.
    @inline(never)
    static func readsCutOrConcatenated(_ document: [UInt8]) -> Bool {
        // (A list: a lone object's `[` inside a string starts none.)
        guard JSONArraySplitter.startsList(document) else { return false }
        var splitter = JSONArraySplitter()
        var out: [UInt8] = []
        var at = 0
        while at < document.count {
            splitter.feed(document[at..<min(document.count, at + (64 << 10))], into: &out)
            out.removeAll(keepingCapacity: true)
            at += 64 << 10
        }
        return !splitter.trailing && splitter.phase != .beforeList && (splitter.phase != .done || splitter.lists > 0)
    }

    /// The elements of `document`, one whole JSON list and nothing after it, each made a line;
    /// nil for anything else.
    static func elementLines(ofList document: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard startsList(document) else { return nil }
        var splitter = JSONArraySplitter()
        var out: [UInt8] = []
        out.reserveCapacity(document.count)
        splitter.feed(document, into: &out)
        return splitter.phase == .done && splitter.lists == 0 && !splitter.trailing ? out : nil
    }

    /// Whether the bytes so far end inside an element.
    var isInElement: Bool { phase == .inElement }

    /// What is wrong with the bytes fed, at their end: a list never closed, or bytes after its
    /// `]` that are no list; nil when nothing is.
    func endProblem() -> String? {
        if ignoresAll { return nil }
        if phase == .inElement || phase == .betweenElements { return "the JSON list ends before its closing ']' (the file was cut short)" }
        if trailing { return "bytes after the JSON list's closing ']' are no JSON list: they are not read" }
        return nil
    }

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
                // (Another list after it, as `gcloud logging read --format=json >> day.json`
                // appends one: its elements are read too.)
                if ignoresAll || trailing || c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { break }
                if c == UInt8(ascii: "[") {
                    phase = .betweenElements
                    lists += 1
                } else {
                    trailing = true
                }
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
