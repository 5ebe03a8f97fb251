#if canImport(Glibc)
import Glibc
#endif

/// One input the user named (or found below a named directory).
public struct InputDescriptor: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case file, stdin, memory }
    /// The path as shown in reports (`-` for standard input).
    public var path: String
    public var kind: Kind
    /// The content of a `.memory` input.
    public var bytes: [UInt8]
    /// The file opened to read a `.file` input: `path`, or the file standard input was spooled
    /// to (see `StandardInputSpool`).
    public var openPath: String

    public init(path: String, kind: Kind = .file) {
        self.path = path
        self.kind = kind
        self.bytes = []
        self.openPath = path
    }

    /// An input held in memory (tests, fuzzing, embedding), shown as `name`.
    public init(name: String, bytes: [UInt8]) {
        self.path = name
        self.kind = .memory
        self.bytes = bytes
        self.openPath = name
    }
}

/// Expands the command line's paths into inputs: files, directories (recursively), `-`.
public enum InputSet {
    /// Names that count as logs inside a directory (explicitly named files are always read).
    static let logSuffixes = [".log", ".txt", ".out", ".jsonl", ".ndjson", ".gz", ".err"]

    /// Application config files that may hold `token_ttl_*` (picked up from directories).
    static let configNames = ["config.py", "config.json", "config.yaml", "config.yml", ".env", "settings.py"]

    /// `spooled`: what a path (`-`, a named pipe) reads when it is not read itself (its spooled
    /// copy, see `StandardInputSpool`). `namedConfigsAreLogs`: a file named on the command line
    /// is read as a log whatever its name (`parse`, which reads no config).
    public static func expand(
        _ paths: [String], spooled: [String: InputDescriptor] = [:], namedConfigsAreLogs: Bool = false,
        diagnostics: inout DiagnosticSink
    ) -> (inputs: [InputDescriptor], configs: [String]) {
        var inputs: [InputDescriptor] = []
        var configs: [String] = []
        for path in paths {
            if let copy = spooled[path] {
                inputs.append(copy)
                continue
            }
            if path == "-" {
                inputs.append(InputDescriptor(path: "-", kind: .stdin))
                continue
            }
            var st = stat()
            guard stat(path, &st) == 0 else {
                var reason = String(cString: strerror(errno))
                // (The command line's arguments reach Swift with bytes that are not UTF-8 replaced.)
                if errno == ENOENT && path.contains("\u{FFFD}") { reason += " (a name with bytes that are not UTF-8, shown as U+FFFD, cannot be opened: rename the file)" }
                diagnostics.report(Diagnostic(.error, path: path, kind: "unreadable", "cannot read: \(reason)"))
                continue
            }
            if (st.st_mode & S_IFMT) == S_IFDIR {
                var found: [String] = []
                // A directory that cannot be opened is reported as such, not also as empty.
                // (Nor as empty when entries in it could not be read: they were reported.)
                let unreadable = diagnostics.count(kind: "unreadable")
                let opened = walk(path, depth: 0, into: &found, configs: &configs, diagnostics: &diagnostics)
                if opened && found.isEmpty && diagnostics.count(kind: "unreadable") == unreadable {
                    diagnostics.report(Diagnostic(.warning, path: path, kind: "empty-directory", "no log files (\(logSuffixes.joined(separator: " "))) in this directory"))
                }
                inputs += found.sorted().map { InputDescriptor(path: $0) }
            } else if !namedConfigsAreLogs && isConfig(path) && !(path.hasSuffix(".json") && looksLikeJSONLog(path)) {
                configs.append(path)
            } else {
                inputs.append(InputDescriptor(path: path))
            }
        }
        return (readOnce(inputs, diagnostics: &diagnostics), configs)
    }

    /// The inputs without a second name of a file already among them (`logs/ logs/agent.log`, a
    /// link `current.log` to a rotated file), nor a byte-identical copy of one (`logs/agent.log`
    /// beside `incident/agent.log` copied from it): one log read twice would count its events
    /// twice. Copies are compared only when their sizes and their first and last 4 KiB are
    /// equal, a block at a time, stopping at the first difference.
    /// (`sameContent`: the whole comparison, replaced by tests to count the calls.)
    static func readOnce(
        _ inputs: [InputDescriptor], diagnostics: inout DiagnosticSink, sameContent: (String, String) -> Bool = InputSet.sameContent
    ) -> [InputDescriptor] {
        struct FileID: Hashable {
            var device: UInt64
            var inode: UInt64
        }
        var seen: [FileID: String] = [:]
        struct Ends: Hashable {
            var size: Int64
            var fingerprint: UInt64
        }
        // The first file of each size, until a second comes; then the files by size and the
        // fingerprint of their ends, compared whole only when those match (10,000 files of one
        // size, fixed-size rotations or `split -b` pieces, had made 50 million whole
        // comparisons: minutes).
        var firstOfSize: [Int64: String?] = [:]
        var byEnds: [Ends: [String]] = [:]
        return inputs.filter { input in
            guard input.kind == .file, input.openPath == input.path else { return true }
            var st = stat()
            guard stat(input.path, &st) == 0, st.st_mode & S_IFMT == S_IFREG else { return true }
            let id = FileID(device: UInt64(st.st_dev), inode: UInt64(st.st_ino))
            if let first = seen[id] {
                diagnostics.report(Diagnostic(.note, path: input.path, kind: "read-once", first == input.path ? "named twice: read once" : "the same file as \(first): read once"))
                return false
            }
            seen[id] = input.path
            let size = Int64(st.st_size)
            if size > 0 {
                guard let first = firstOfSize[size] else {
                    firstOfSize[size] = .some(input.path)
                    return true
                }
                if let first {
                    byEnds[Ends(size: size, fingerprint: Self.fingerprint(first, size: size)), default: []].append(first)
                    firstOfSize[size] = .some(nil)
                }
                let ends = Ends(size: size, fingerprint: Self.fingerprint(input.path, size: size))
                // (At most 16 whole comparisons a file: files whose ends all match.)
                if let original = byEnds[ends]?.prefix(16).first(where: { sameContent($0, input.path) }) {
                    diagnostics.report(Diagnostic(.note, path: input.path, kind: "read-once", "the same bytes as \(original): read once"))
                    return false
                }
                byEnds[ends, default: []].append(input.path)
            }
            return true
        }
    }

    /// A hash of a file's first and last 4 KiB (0 when it cannot be read): files whose
    /// fingerprints differ differ.
    static func fingerprint(_ path: String, size: Int64) -> UInt64 {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 8192)
        let got = buffer.withUnsafeMutableBytes { b -> Int in
            let head = max(0, pread(fd, b.baseAddress, 4096, 0))
            let tail = max(0, pread(fd, b.baseAddress! + head, 4096, off_t(max(0, size - 4096))))
            return head + tail
        }
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for i in 0..<got {
            h = (h ^ UInt64(buffer[i])) &* 0x100_0000_01b3
        }
        return h
    }

    /// Whether two files of one size hold the same bytes (false when either cannot be read).
    static func sameContent(_ a: String, _ b: String) -> Bool {
        let fa = open(a, O_RDONLY)
        guard fa >= 0 else { return false }
        defer { close(fa) }
        let fb = open(b, O_RDONLY)
        guard fb >= 0 else { return false }
        defer { close(fb) }
        let block = 1 << 16
        var x = [UInt8](repeating: 0, count: block)
        var y = [UInt8](repeating: 0, count: block)
        while true {
            let n = x.withUnsafeMutableBytes { read(fa, $0.baseAddress, block) }
            guard n >= 0 else { return false }
            var m = 0
            while m < n {
                let k = y.withUnsafeMutableBytes { read(fb, $0.baseAddress! + m, n - m) }
                guard k > 0 else { return false }
                m += k
            }
            if n == 0 {
                // Both at their end (the second has nothing more either).
                return y.withUnsafeMutableBytes { read(fb, $0.baseAddress, 1) } == 0
            }
            if memcmp(x, y, n) != 0 { return false }
        }
    }

    /// Whether a `.json` file named on the command line is a log (one JSON record per line, as
    /// `kubectl logs > agent.json` saves it) rather than an app config: its first line is a whole
    /// object with a message, level or time key, or a journald export's entry.
    /// Sentry breadcrumbs saved as one document (`JSONDocument`) are a log too.
    /// A named pipe (`mkfifo agent.json`) is a log: no config is written through one, and reading
    /// it here would eat what the log's reading needs (then wait for a writer forever).
    static func looksLikeJSONLog(_ path: String) -> Bool {
        var st = stat()
        guard stat(path, &st) == 0 else { return false }
        guard st.st_mode & S_IFMT == S_IFREG else { return st.st_mode & S_IFMT != S_IFDIR }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var head = [UInt8](repeating: 0, count: 64 << 10)
        let n = head.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { return false }
        // (Behind a UTF-8 byte-order mark, as Windows tools save JSON: the log's reading skips it.)
        let from = n >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF ? 3 : 0
        if JSONDocument.mayStart(head[from..<n]) {
            var source = PrefixedSource(prefix: Array(head[from..<n]), inner: FileDescriptorSource(fd: fd))
            if let document = try? source.readBytes(upTo: JSONDocument.maxDocumentBytes + 1),
                document.count <= JSONDocument.maxDocumentBytes,
                document.withUnsafeBufferPointer({ JSONDocument.lines(of: $0) != nil })
            {
                return true
            }
        }
        // A list over `JSONDocument.maxDocumentBytes` (a day of `gcloud logging read
        // --format=json`): its first element, made a line as `JSONArrayLines` will read it.
        var firstElement: [UInt8] = []
        if JSONArraySplitter.startsList(head[from..<n]) {
            var splitter = JSONArraySplitter()
            splitter.feed(head[from..<n], into: &firstElement)
            // (An entry longer than the first bytes, a long traceback's: read on to its end, up
            // to 1 MiB; Cloud Logging's entries are at most 256 KB.)
            var at = n
            while firstElement.firstIndex(of: 0x0A) == nil, at < 1 << 20 {
                let got = head.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(at)) }
                guard got > 0 else { break }
                splitter.feed(head[0..<got], into: &firstElement)
                at += got
            }
            guard let end = firstElement.firstIndex(of: 0x0A) else { return false }
            firstElement.removeSubrange(end...)
        }
        return (firstElement.isEmpty ? Array(head[from..<n]) : firstElement).withUnsafeBufferPointer { b -> Bool in
            var start = 0
            while start < b.count, b[start] == 0x20 || b[start] == 0x09 || b[start] == 0x0A || b[start] == 0x0D { start += 1 }
            guard start < b.count, b[start] == UInt8(ascii: "{") else { return false }
            var end = start
            while end < b.count, b[end] != 0x0A { end += 1 }
            let line = UnsafeBufferPointer(rebasing: b[start..<end])
            // `journalctl -o json > agent.json`: its keys are journald's (`MESSAGE`, `__REALTIME_TIMESTAMP`).
            if line.has("{\"__CURSOR\"", at: 0) || line.has("{ \"__CURSOR\"", at: 0) { return true }
            var keys = JSONLineParser.RecordKeys()
            var ids = IDCollector()
            var objectEnd = 0
            guard JSONLineParser.scan(line, 0, &keys, &ids.ids, &ids.errorText, &objectEnd) else { return false }
            return keys.message != nil || keys.msg != nil || keys.level != nil || keys.timestamp != nil || keys.ts != nil
                || keys.time != nil || keys.asctime != nil || keys.severity != nil
        }
    }

    static func isConfig(_ path: String) -> Bool {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return name.hasSuffix(".py") || name.hasSuffix(".yaml") || name.hasSuffix(".yml") || name == ".env"
            || name.hasSuffix(".env") || name.hasSuffix(".toml") || (name.hasSuffix(".json") && !name.hasSuffix(".log.json"))
    }

    /// Adds the logs and configs under `dir`; false when `dir` could not be opened (reported).
    @discardableResult
    private static func walk(_ dir: String, depth: Int, into found: inout [String], configs: inout [String], diagnostics: inout DiagnosticSink) -> Bool {
        guard depth < 32 else {
            diagnostics.report(Diagnostic(.warning, path: dir, kind: "unreadable", "more than 32 directories deep; skipped"))
            return false
        }
        guard let handle = opendir(dir) else {
            diagnostics.report(Diagnostic(.error, path: dir, kind: "unreadable", "cannot open directory: \(String(cString: strerror(errno)))"))
            return false
        }
        defer { closedir(handle) }
        var entries: [(name: String, type: UInt8, isUTF8: Bool)] = []
        while let entry = readdir(handle) {
            let (name, isUTF8) = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(validatingCString: $0).map { ($0, true) } ?? (String(cString: $0), false) }
            }
            if name == "." || name == ".." || name.hasPrefix(".") && name != ".env" { continue }
            entries.append((name, entry.pointee.d_type, isUTF8))
        }
        for (name, entryType, isUTF8) in entries.sorted(by: { $0.name < $1.name }) {
            let path = dir.hasSuffix("/") ? dir + name : dir + "/" + name
            var st = stat()
            let isLog = logSuffixes.contains(where: { name.hasSuffix($0) }) || isRotated(name)
            // A path is a String: a name with bytes that are not UTF-8 has them replaced by
            // U+FFFD and cannot be opened by it.
            guard isUTF8 else {
                if isLog || entryType == UInt8(DT_DIR) {
                    diagnostics.report(Diagnostic(.error, path: path, kind: "unreadable", "cannot read: its name has bytes that are not UTF-8 (shown as U+FFFD): rename it to read it"))
                }
                continue
            }
            guard lstat(path, &st) == 0 else {
                // A directory listed but not searchable (`chmod a-x`) names entries it cannot
                // open: a log or a directory among them is reported, not silently left out.
                if isLog || entryType == UInt8(DT_DIR) {
                    diagnostics.report(Diagnostic(.error, path: path, kind: "unreadable", "cannot read: \(String(cString: strerror(errno)))"))
                }
                continue
            }
            var type = st.st_mode & S_IFMT
            if type == S_IFLNK {
                // Follow links to files (not to directories: no cycles); a dangling one is reported.
                guard stat(path, &st) == 0 else {
                    if isLog { diagnostics.report(Diagnostic(.error, path: path, kind: "unreadable", "cannot read: \(String(cString: strerror(errno)))")) }
                    continue
                }
                type = st.st_mode & S_IFMT
                if type == S_IFDIR { continue }
            }
            if type == S_IFIFO {
                // Reading a FIFO nobody writes to would wait forever: only named ones are read.
                if isLog { diagnostics.report(Diagnostic(.warning, path: path, kind: "fifo", "skipped: a FIFO is read only when named on the command line")) }
                continue
            }
            if type == S_IFDIR {
                walk(path, depth: depth + 1, into: &found, configs: &configs, diagnostics: &diagnostics)
            } else if type == S_IFREG {
                if configNames.contains(name) {
                    configs.append(path)
                } else if isLog || (name.hasSuffix(".json") && looksLikeJSONLog(path)) {
                    // (`kubectl logs … > agent.json`, a saved list of Sentry breadcrumbs)
                    found.append(path)
                }
            }
        }
        return true
    }

    /// `agent.log.1`, `server.log.2.gz`.
    static func isRotated(_ name: String) -> Bool {
        guard let range = name.range(of: ".log.") else { return false }
        return name[range.upperBound...].allSatisfy { $0.isNumber || $0 == "." || $0 == "g" || $0 == "z" }
    }
}
