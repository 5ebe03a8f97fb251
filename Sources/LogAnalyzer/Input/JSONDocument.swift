/// A JSON document read as log lines: Sentry breadcrumbs saved as one document (DOMAIN.md A6),
/// the array of breadcrumbs (`[{"timestamp": 1765414306.21, "category": "console", "level": "info", "message": …, "data":
/// {"arguments": ["signal connected", {"room": "…", "roomID": "RM_…", …}], "logger": "console"}}]`),
/// or an event that holds them (`{"breadcrumbs": {"values": [...]}}`, or the event JSON of
/// Sentry's web page, `{"entries": [{"type": "breadcrumbs", "data": {"values": [...]}}]}`),
/// pretty-printed or on one line.
///
/// Such a document is turned into one JSON line per breadcrumb, which the JSON line parser reads
/// as `sentry-breadcrumb` records, the browser's, by their `sentry.category` member (a key no log
/// writes: an app's JSON log may have a `category` of its own). The message is the console call's first
/// argument (Sentry's own `message` joins every argument, objects as `[object Object]`), the
/// level is Sentry's (`log` read as `info`, `fatal` as `critical`), and the scalar values of the
/// call's context objects (`room`, `roomID`, `participant`, `pID` …) become the line's members, so
/// that the session ids join as anywhere else. Line numbers are the breadcrumbs' numbers. An
/// array of other JSON objects (a JSON log saved by `jq -s`) is made one object a line.
enum JSONDocument {
    /// Documents larger than this are read as lines: Sentry keeps 100 breadcrumbs an event by
    /// default (kilobytes); the tree of a 16 MiB list took 147 MB.
    static let maxDocumentBytes = 4 << 20

    /// Whether `head` (an input's first bytes) opens a JSON document that may hold breadcrumbs:
    /// an array of objects, an object whose first line holds nothing else (pretty-printed: a
    /// one-object-per-line log has a whole record on its first line), or an object on the only
    /// line there is (Sentry's event JSON as its web page serves it).
    static func mayStart(_ head: some Collection<UInt8>) -> Bool {
        var it = head.makeIterator()
        /// The next byte that is not JSON white space.
        func next() -> UInt8? {
            while let c = it.next() { if c != 0x20 && c != 0x09 && c != 0x0A && c != 0x0D { return c } }
            return nil
        }
        switch next() {
        case UInt8(ascii: "["):
            return next() == UInt8(ascii: "{")
        case UInt8(ascii: "{"):
            // Nothing else on the first line, or nothing at all after it.
            var blank = true
            while let c = it.next(), c != 0x0A {
                if c != 0x20 && c != 0x09 && c != 0x0D { blank = false }
            }
            return blank || next() == nil
        default:
            return false
        }
    }

    /// The breadcrumbs of `document` as JSON lines; or, for an array of other JSON objects (a
    /// worker's JSON log saved by `jq -s`, an export), each object on a line of its own, as the
    /// log printed it; nil for anything else.
    static func lines(of document: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var reader = JSONReader(document, maxDepth: 64)
        let value: JSONValue
        do throws(JSONReader.Failure) {
            value = try reader.value()
        } catch {
            // A list with an element nested deeper than the tree is built: still an element a
            // line (the line parser reads, or refuses with its diagnostic, each on its own).
            return error == .tooDeep ? JSONArraySplitter.elementLines(ofList: document) : nil
        }
        reader.skipSpace()
        guard reader.index == document.count else {
            return isFlyEntry(value) ? flyEntryLines(document) : isSternEntry(value) ? sternEntryLines(document) : nil
        }
        if let crumbs = list(in: value), crumbs.contains(where: isBreadcrumb) {
            var out = JSONBytes(capacity: document.count)
            for crumb in crumbs where isBreadcrumb(crumb) { line(for: crumb, into: &out) }
            return Array(out.bytes)
        }
        if case .array(let events)? = value["events"], !events.isEmpty, events.allSatisfy(isLogEvent) {
            return cloudWatchEventLines(document)
        }
        guard case .array(let items) = value, !items.isEmpty, items.allSatisfy({ if case .object = $0 { true } else { false } }) else { return nil }
        return elementLines(document)
    }

    /// `fly logs --json`'s members (superfly/flyctl `logs/entry.go`, `LogEntry`, in its order).
    static let flyEntryKeys = ["level", "instance", "message", "region", "timestamp", "meta"]

    /// An entry of `fly logs --json`: those members and no other.
    private static func isFlyEntry(_ value: JSONValue) -> Bool {
        guard case .object(let members) = value else { return false }
        return members.map(\.0) == flyEntryKeys
    }

    /// `fly logs --json` (superfly/flyctl `internal/command/logs/logs.go`, `printStream`, calls
    /// `internal/render/render.go`, `JSON`: a `json.Encoder` indented by four spaces, one entry
    /// after another): the entries, each on a line (`Wrapper.envelope` reads them); nil unless
    /// every value is one.
    private static func flyEntryLines(_ document: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        entryLines(document, isEntry: isFlyEntry) { entry, out in
            for c in entry { out.append(c == 0x0A || c == 0x0D ? 0x20 : c) }
        }
    }

    /// Entries one after another in `document` (each `isEntry`), each made a line by `put`; nil
    /// unless every value is one.
    private static func entryLines(
        _ document: UnsafeBufferPointer<UInt8>, isEntry: (JSONValue) -> Bool, put: (Slice<UnsafeBufferPointer<UInt8>>, inout [UInt8]) -> Void
    ) -> [UInt8]? {
        var reader = JSONReader(document, maxDepth: 64)
        var out: [UInt8] = []
        out.reserveCapacity(document.count)
        while true {
            reader.skipSpace()
            if reader.index == document.count { return out }
            let start = reader.index
            guard let value = try? reader.value(), isEntry(value) else { return nil }
            put(document[start..<reader.index], &out)
            out.append(0x0A)
        }
    }

    /// An entry of `stern -o ppextjson` (stern `cmd/cmd.go`, `generateTemplate`: `{\n  "pod":
    /// "…",\n  "container": "…",\n  "message": <the line>\n}`, `"namespace"` first with
    /// `--all-namespaces`): those members and no other.
    private static func isSternEntry(_ value: JSONValue) -> Bool {
        guard case .object(let members) = value else { return false }
        let keys = members.map(\.0)
        return keys == ["pod", "container", "message"] || keys == ["namespace", "pod", "container", "message"]
    }

    /// `stern -o ppextjson`: the entries one after another, each made the line `-o extjson`
    /// prints (`{"pod": "…", "container": "…", "message": <the line>}`, which
    /// `Wrapper.sternExtJSON` reads): the template's line breaks and indents dropped, a space
    /// after each `,` that ended a line (the line itself, from `extjson`, is on one line).
    private static func sternEntryLines(_ document: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        entryLines(document, isEntry: isSternEntry) { entry, out in
            var k = entry.startIndex
            while k < entry.endIndex {
                let c = entry[k]
                k += 1
                guard c == 0x0A || c == 0x0D else {
                    out.append(c)
                    continue
                }
                while k < entry.endIndex, entry[k] == 0x20 || entry[k] == 0x0A || entry[k] == 0x0D { k += 1 }
                if out.last == UInt8(ascii: ",") { out.append(0x20) }
            }
        }
    }

    /// A CloudWatch Logs event (`OutputLogEvent`, `FilteredLogEvent` in the service model): a
    /// `timestamp` in epoch milliseconds and the `message`.
    private static func isLogEvent(_ value: JSONValue) -> Bool {
        guard case .number? = value["timestamp"], case .string? = value["message"] else { return false }
        return true
    }

    /// `aws logs get-log-events` / `filter-log-events` as the AWS CLI prints them (`--output
    /// json`, its default: `awscli/formatter.py`, `JSONFormatter`, `json.dump(…, indent=4)`),
    /// `{"events": [{"timestamp": …, "message": "…", "ingestionTime": …}, …], "nextForwardToken":
    /// …}`: the events, each on a line (`Wrapper.envelope` reads them).
    private static func cloudWatchEventLines(_ document: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var reader = JSONReader(document, maxDepth: 64)
        reader.skipSpace()
        guard reader.index < document.count, document[reader.index] == UInt8(ascii: "{") else { return nil }
        reader.index += 1
        while true {
            guard let key = try? reader.memberKey() else { return nil }
            if key == "events" { return elementLines(document, from: reader.index) }
            guard (try? reader.value()) != nil, reader.afterMember() == .next else { return nil }
        }
    }

    /// The elements of the array at `start` in `document` (valid JSON), each on a line: its bytes,
    /// with the line breaks of a pretty-printed element (never inside a string) made spaces.
    private static func elementLines(_ document: UnsafeBufferPointer<UInt8>, from start: Int = 0) -> [UInt8]? {
        var reader = JSONReader(document, from: start, maxDepth: 64)
        reader.skipSpace()
        guard reader.index < document.count, document[reader.index] == UInt8(ascii: "[") else { return nil }
        reader.index += 1
        var out: [UInt8] = []
        out.reserveCapacity(document.count)
        while true {
            reader.skipSpace()
            let start = reader.index
            guard (try? reader.value()) != nil else { return nil }
            for c in document[start..<reader.index] { out.append(c == 0x0A || c == 0x0D ? 0x20 : c) }
            out.append(0x0A)
            reader.skipSpace()
            guard reader.index < document.count else { return nil }
            if document[reader.index] == UInt8(ascii: ",") {
                reader.index += 1
                continue
            }
            return document[reader.index] == UInt8(ascii: "]") ? out : nil
        }
    }

    /// The breadcrumb list: the document itself, its `breadcrumbs` (or their `values`), or the
    /// `values` of its `entries` of type `breadcrumbs`.
    static func list(in value: JSONValue) -> [JSONValue]? {
        switch value {
        case .array(let items):
            return items
        case .object:
            if let crumbs = value["breadcrumbs"] {
                if case .array(let items) = crumbs { return items }
                if case .array(let items)? = crumbs["values"] { return items }
            }
            if case .array(let entries)? = value["entries"] {
                for entry in entries where entry["type"]?.stringValue == "breadcrumbs" {
                    if case .array(let items)? = entry["data"]?["values"] { return items }
                }
            }
            return nil
        default:
            return nil
        }
    }

    /// An object with a time and a category or data, and no logger name (a log record's).
    static func isBreadcrumb(_ value: JSONValue) -> Bool {
        guard case .object = value, let t = value["timestamp"], t.stringValue != nil else { return false }
        return (value["category"] != nil || value["data"] != nil) && value["name"] == nil && value["msg"] == nil
    }

    /// Keys the line sets itself; a context object's member of that name is left out.
    private static let own: Set<String> = ["message", "level", "category", "sentry.category", "timestamp", "name", "msg", "time", "ts", "logger", "levelname", "severity"]

    private static func line(for crumb: JSONValue, into out: inout JSONBytes) {
        let data = crumb["data"]
        var arguments: [JSONValue] = []
        if case .array(let items)? = data?["arguments"] { arguments = items }
        let category = crumb["category"]?.stringValue ?? crumb["type"]?.stringValue ?? "default"
        let message: String
        if case .string(let first)? = arguments.first {
            message = first
        } else if let m = crumb["message"]?.stringValue {
            message = m
        } else if let data {
            // An http breadcrumb (`fetch`, `xhr`): its method, URL and status.
            message = ([category] + ["method", "url", "status_code"].compactMap { data[$0]?.stringValue }).joined(separator: " ")
        } else {
            message = category
        }
        out.append("{\"message\": ")
        out.quote(message)
        out.append(", \"level\": ")
        out.quote(level(crumb["level"]?.stringValue))
        out.append(", \"sentry.category\": ")
        out.quote(category)
        out.append(", \"timestamp\": ")
        switch crumb["timestamp"] {
        case .number(let n)?: out.append(string: n)
        case let t?: out.quote(t.stringValue ?? "")
        case nil: out.append("null")
        }
        // The context: the call's objects after its message, then the data's own scalars.
        var seen = own
        let afterMessage: ArraySlice<JSONValue> = if case .string? = arguments.first { arguments.dropFirst() } else { arguments[...] }
        var contexts = afterMessage.filter { if case .object = $0 { true } else { false } }
        if let data { contexts.append(data) }
        for context in contexts {
            guard case .object(let members) = context else { continue }
            for (key, value) in members where !seen.contains(key) {
                switch value {
                case .string(let s):
                    out.append(", ")
                    out.quote(key)
                    out.append(": ")
                    out.quote(s)
                case .number(let n):
                    out.append(", ")
                    out.quote(key)
                    out.append(": ")
                    out.append(string: n)
                case .bool(let b):
                    out.append(", ")
                    out.quote(key)
                    out.append(b ? ": true" : ": false")
                default:
                    continue
                }
                seen.insert(key)
            }
        }
        out.append("}\n")
    }

    /// Sentry's level words as the parser reads them.
    private static func level(_ word: String?) -> String {
        switch word?.lowercased() {
        case "fatal", "critical": "critical"
        case "error": "error"
        case "warning", "warn": "warning"
        case "debug": "debug"
        default: "info"  // `log`, `info`, none
        }
    }
}
