/// What the transport in front of a record added: docker compose, kubectl, Loki, GCP, journald.
struct Wrapper {
    var time: WrittenTime?
    var level: LogLevel?
    var source: String?
    var pid: Int?
    /// The line held nothing but a Loki export time; the record follows on the next line.
    var timeOnlyLine = false
    /// A container runtime's entry (docker `json-file`, CRI): its stream, 1 `stdout`, 2 `stderr`
    /// (0: none); what follows the wrapper is exactly what the process wrote.
    var containerStream: UInt8 = 0
    /// The entry holds a part of a line the runtime split (docker: its `log` does not end with
    /// `\n`; CRI: tag `P`): the next entry of the same stream goes on with it.
    var partial = false
    /// `aws logs tail`'s time and stream with nothing after them but a space: with `--format
    /// json`, the event's JSON message follows, indented, on the next lines.
    var cloudWatchHeader = false

    /// Strips known wrapper prefixes (and a leading `\r` or `^C`); returns the record's start.
    static func strip(_ b: Bytes, into w: inout Wrapper) -> Int {
        var prefix = TimeParsing.StampPrefix()
        return strip(b, into: &w, prefix: &prefix)
    }

    /// `strip(_:into:)`, sharing the stream's remembered stamp prefix (a record's own stamp,
    /// parsed next, is then mostly not parsed twice).
    static func strip(_ b: Bytes, into w: inout Wrapper, prefix: inout TimeParsing.StampPrefix) -> Int {
        var i = 0
        for _ in 0..<5 {
            let before = i
            while b.byte(i) == 0x0D { i += 1 }
            if b.has("^C", at: i) { i += 2 }
            i = stripOne(b, at: i, into: &w, prefix: &prefix)
            if i == before || w.containerStream != 0 { break }
        }
        return i
    }

    private static func stripOne(_ b: Bytes, at i: Int, into w: inout Wrapper, prefix: inout TimeParsing.StampPrefix) -> Int {
        guard i < b.count else { return i }
        let c = b[i]
        if c.isDigit {
            return stripTimePrefix(b, at: i, into: &w, prefix: &prefix)
        }
        if c == UInt8(ascii: "[") && b.has("[pod/", at: i) {
            // kubectl logs --prefix: `[pod/name/container] `
            if let close = b.index(of: UInt8(ascii: "]"), from: i), b.byte(close + 1) == 0x20 {
                if w.source == nil { w.source = b.string(i + 1, close) }
                return close + 2
            }
            return i
        }
        if c.isLower, let end = stripStern(b, at: i, into: &w) { return end }
        if c.isUpper, let end = stripGCP(b, at: i, into: &w) { return end }
        if c.isUpper, let end = stripJournald(b, at: i, into: &w) { return end }
        if c.isAlnum, let end = stripCompose(b, at: i, into: &w) { return end }
        return i
    }

    /// `journalctl -o json` (and `json-seq` without its record separator): one JSON object per
    /// entry, `__CURSOR` first (`{"__CURSOR":…`; before systemd v246 `{ "__CURSOR" : …`, spaced
    /// by `src/shared/logs-show.c`), the line the service wrote in `MESSAGE` (a string, or an array
    /// of bytes when it was no valid UTF-8), its time in `__REALTIME_TIMESTAMP` (microseconds
    /// since the epoch, as a string), the process in `_PID`, the unit's name in
    /// `SYSLOG_IDENTIFIER` / `_SYSTEMD_UNIT`. Returns the message's bytes and the wrapper.
    static func journalJSON(_ b: Bytes) -> ([UInt8], Wrapper)? {
        guard b.has("{\"__CURSOR\"", at: 0) || b.has("{ \"__CURSOR\"", at: 0), case .object(let members)? = parseJSON(b) else { return nil }
        var message: [UInt8]?
        var w = Wrapper()
        var unit: String?
        for (key, value) in members {
            switch key {
            case "MESSAGE":
                if case .string(let text) = value {
                    message = Array(text.utf8)
                } else if case .array(let items) = value {
                    message = items.compactMap { $0.doubleValue.flatMap { UInt8(exactly: $0) } }
                }
            case "__REALTIME_TIMESTAMP":
                if let micros = value.stringValue.flatMap({ Int64($0) }), micros > 0 {
                    w.time = WrittenTime(
                        day: micros / Timestamp.microsPerDay, microsOfDay: micros % Timestamp.microsPerDay, offsetSeconds: 0)
                }
            case "_PID":
                w.pid = value.stringValue.flatMap { Int($0) }
            case "SYSLOG_IDENTIFIER":
                w.source = value.stringValue
            case "_SYSTEMD_UNIT":
                unit = value.stringValue
            case "PRIORITY":
                // syslog: 0-3 errors, 4 warning, 5-6 info, 7 debug.
                if let p = value.stringValue.flatMap({ Int($0) }) { w.level = p <= 3 ? .error : p == 4 ? .warning : p == 7 ? .debug : .info }
            default:
                break
            }
        }
        guard let message else { return nil }
        if let unit { w.source = unit.hasSuffix(".service") ? String(unit.dropLast(8)) : unit }
        return (message, w)
    }

    /// A JSON envelope around the line a service wrote, one per line: `logcli query -o jsonl`
    /// (`{"labels":{…},"line":"…","timestamp":"…"}`, keys sorted, `labels` absent with
    /// `--no-labels`), and a Google Cloud Logging entry as `gcloud logging read --format=json`
    /// and the Logs Explorer download give them (an array, made one entry a line):
    /// `{"insertId": …, "jsonPayload": {…}` or `"textPayload": "…"`, `"resource": {…},
    /// "severity": …, "timestamp": …}`, the source `pod/<pod>/<container>` from a GKE
    /// container's resource labels. Returns the line's bytes (a `jsonPayload` as written) and
    /// the wrapper.
    ///
    /// logcli's shape is required whole (`pkg/logcli/output/jsonl.go`: those three keys and no
    /// other, in that order, a time that parses): an application's own JSON record with a
    /// `line` key (`{"line":"db.py:42","msg":…}`) is that application's, not an envelope.
    ///
    /// A CloudWatch Logs event as the AWS CLI prints `aws logs get-log-events` and
    /// `filter-log-events` (`JSONDocument` puts each on a line; the service model's
    /// `OutputLogEvent`, `FilteredLogEvent`): `timestamp` (epoch milliseconds), `message` and
    /// `ingestionTime`, with `logStreamName` and `eventId` from `filter-log-events`, in any order
    /// and no other key (an application's record with a `message` and a `timestamp` is its own).
    static func envelope(_ b: Bytes) -> ([UInt8], Wrapper)? {
        let open = b.skipSpaces(1)
        let loki = b.has("\"labels\":{", at: open) || b.has("\"line\":\"", at: open)
        if b.has("\"level\":", at: open) { return flyEntry(b) }
        let cloudWatch = !loki && b.byte(open) == UInt8(ascii: "\"")
            && (b.has("timestamp\":", at: open + 1) || b.has("message\":", at: open + 1) || b.has("ingestionTime\":", at: open + 1)
                || b.has("logStreamName\":", at: open + 1) || b.has("eventId\":", at: open + 1))
        guard loki || cloudWatch || b.has("\"insertId\":", at: open) else { return nil }
        var reader = JSONReader(b, from: open, maxDepth: 64)
        var body: [UInt8]?
        var w = Wrapper()
        // logcli's keys read so far: 1 after `labels`, 2 after `line`, 3 after `timestamp`.
        var lokiKeys = 0
        // CloudWatch's required keys read: 1 `timestamp`, 2 `message`, 4 `ingestionTime`.
        var cloudWatchKeys = 0
        while true {
            guard let key = try? reader.memberKey() else { return nil }
            let start = reader.index
            guard let value = try? reader.value() else { return nil }
            switch (key, value) {
            case ("labels", .object) where loki && lokiKeys == 0:
                lokiKeys = 1
            case ("line", .string(let text)) where loki && lokiKeys <= 1:
                body = Array(text.utf8)
                lokiKeys = 2
            case ("timestamp", .string(let text)) where loki && lokiKeys == 2:
                var text = text
                w.time = text.withUTF8 { TimeParsing.dateTime($0, at: 0).map(\.0) }
                guard w.time != nil else { return nil }
                lokiKeys = 3
            case _ where loki:
                return nil
            case ("timestamp", .number(let text)) where cloudWatch:
                guard let millis = Int64(text), millis > 0 else { return nil }
                w.time = WrittenTime(day: millis / 86_400_000, microsOfDay: millis % 86_400_000 * 1000, offsetSeconds: 0)
                cloudWatchKeys |= 1
            case ("message", .string(let text)) where cloudWatch:
                body = Array(text.utf8)
                cloudWatchKeys |= 2
            case ("ingestionTime", .number) where cloudWatch:
                cloudWatchKeys |= 4
            case ("logStreamName", .string(let text)) where cloudWatch:
                w.source = text
            case ("eventId", .string) where cloudWatch:
                break
            case _ where cloudWatch:
                return nil
            case ("textPayload", .string(let text)):
                body = Array(text.utf8)
            case ("jsonPayload", .object):
                body = Array(b[start..<b.trimmedEnd(reader.index)])
            case ("resource", .object):
                // GKE's `k8s_container` monitored resource names the pod and the container:
                // the source as `kubectl logs --prefix` and stern name it.
                if value["type"]?.stringValue == "k8s_container", let labels = value["labels"],
                    let pod = labels["pod_name"]?.stringValue, let container = labels["container_name"]?.stringValue
                {
                    w.source = "pod/\(pod)/\(container)"
                }
            case ("timestamp", .string(let text)):
                var text = text
                w.time = text.withUTF8 { TimeParsing.dateTime($0, at: 0).map(\.0) }
            case ("severity", .string(let text)) where text != "DEFAULT":
                var text = text
                w.level = text.withUTF8 { LogLevel.parse($0) }
            default:
                break
            }
            guard let after = reader.afterMember() else { return nil }
            if after == .next { continue }
            guard !loki || lokiKeys == 3, !cloudWatch || cloudWatchKeys == 7, let body else { return nil }
            return (body, w)
        }
    }

    /// An entry of docker's `json-file` logging driver, as it writes
    /// `/var/lib/docker/containers/<id>/<id>-json.log` (moby `daemon/logger/jsonfilelog/jsonlog/
    /// jsonlogbytes.go`, `MarshalJSONBuf`): `{"log":"<line>\n","stream":"stdout","time":"<UTC,
    /// time.RFC3339Nano>"}`, with `"attrs":{…}` before `time` when the container's `labels` or
    /// `env` log options name some; those keys only, in that order. A line the daemon split
    /// (its copier reads 16 KiB at most) is several entries, all but the last without the `\n`
    /// (`jsonfilelog.go`, `marshalMessage`). Returns the line (without `\n`, `\r\n` from a TTY)
    /// and the wrapper.
    static func dockerJSON(_ b: Bytes) -> ([UInt8], Wrapper)? {
        var reader = JSONReader(b, from: 1, maxDepth: 64)
        var w = Wrapper()
        var body: [UInt8]?
        // Keys read: 1 `log`, 2 `stream`, 3 `attrs`, 4 `time`.
        var step = 0
        while true {
            guard let key = try? reader.memberKey(), let value = try? reader.value() else { return nil }
            switch (key, value) {
            case ("log", .string(let text)) where step == 0:
                var line = Array(text.utf8)
                if line.last == 0x0A {
                    line.removeLast()
                    if line.last == 0x0D { line.removeLast() }
                } else {
                    w.partial = true
                }
                body = line
                step = 1
            case ("stream", .string(let text)) where step == 1:
                guard text == "stdout" || text == "stderr" else { return nil }
                w.containerStream = text == "stdout" ? 1 : 2
                step = 2
            case ("attrs", .object) where step == 2:
                step = 3
            case ("time", .string(let text)) where step == 2 || step == 3:
                var text = text
                guard let time = text.withUTF8({ TimeParsing.dateTime($0, at: 0).map(\.0) }), time.offsetSeconds != nil else { return nil }
                w.time = time
                step = 4
            default:
                return nil
            }
            let after = reader.afterMember()
            if after == .next, step < 4 { continue }
            guard after == .end, step == 4, b.trimmedEnd(b.count) == reader.index, let body else { return nil }
            return (body, w)
        }
    }

    /// A line of `stern -o json` (stern `stern/tail_utils.go`, `Log`, through `json.Marshal`):
    /// `{"message":"<line>","timestamp":"…","nodeName":…,"namespace":…,"podName":…,
    /// "containerName":…,"labels":{…},"annotations":{…}}`, `timestamp` only with
    /// `--timestamps` (since v1.34, stern `8a00e61`; before, the stamp was in front of the message), those keys in
    /// that order. Returns the line and the wrapper, the source `pod/<pod>/<container>` as
    /// `kubectl logs --prefix` names it.
    static func sternJSON(_ b: Bytes) -> ([UInt8], Wrapper)? {
        var reader = JSONReader(b, from: 1, maxDepth: 64)
        var w = Wrapper()
        var body: [UInt8]?
        var pod = ""
        let keys = ["message", "timestamp", "nodeName", "namespace", "podName", "containerName", "labels", "annotations"]
        var next = 0
        while true {
            guard let key = try? reader.memberKey(), let value = try? reader.value(),
                // (`timestamp` and `nodeName` may be absent: stern before v1.13 (`96bea52`) wrote
                // `{"message":…,"namespace":…,"podName":…,"containerName":…}`.)
                let k = keys[next...].firstIndex(of: key), k == next || (next == 1 && (k == 2 || k == 3)) || (next == 2 && k == 3)
            else { return nil }
            next = k + 1
            switch (key, value) {
            case ("message", .string(let text)):
                body = Array(text.utf8)
            case ("timestamp", .string(let text)):
                var text = text
                w.time = text.withUTF8 { TimeParsing.dateTime($0, at: 0).map(\.0) }
            case ("podName", .string(let text)):
                pod = text
            case ("containerName", .string(let text)):
                w.source = "pod/\(pod)/\(text)"
            case ("labels", .object), ("labels", .null), ("annotations", .object), ("annotations", .null), ("nodeName", .string), ("namespace", .string):
                break
            default:
                return nil
            }
            let after = reader.afterMember()
            if after == .next, next < keys.count { continue }
            // (`labels` and `annotations` came with v1.33 (stern `3cd85b4`); earlier lines end after `containerName`.)
            guard after == .end, next >= 6, let body else { return nil }
            return (body, w)
        }
    }

    /// A log event as Vector's `file` and `console` sinks write it with `encoding.codec =
    /// "json"` (vectordotdev/vector `lib/codecs/src/encoding/format/json.rs`,
    /// `JsonSerializer::encode`: `serde_json::to_writer` of the event, whose fields are a
    /// `BTreeMap`, vrl `src/value/value.rs`, `ObjectMap`: keys in byte order, compact; a time
    /// `to_rfc3339_opts(SecondsFormat::AutoSi, true)`, `…Z`), read from one of the log sources
    /// (legacy namespace, Vector's default): `kubernetes_logs` (`src/sources/kubernetes_logs`:
    /// `file`, `kubernetes` {…, `container_name`, …, `pod_name`, …}, `message`, `source_type`,
    /// `stream`, `timestamp`, the CRI or docker entry's time), `docker_logs` (`container_name`,
    /// `message`, `source_type`, `stream`, `timestamp`, …) and `file` (`file`, `host`, `message`,
    /// `source_type`, `timestamp`, the time it was read). Taken when the keys run in that order and
    /// `source_type` is one of those three. Returns the line and the wrapper, the source
    /// `pod/<pod>/<container>` (as stern and `kubectl logs --prefix` name it), the container's
    /// name, or the file's path.
    static func vectorEvent(_ b: Bytes) -> ([UInt8], Wrapper)? {
        var reader = JSONReader(b, from: 1, maxDepth: 64)
        var w = Wrapper()
        var body: [UInt8]?
        var sourceType: String?
        var previous = ""
        var file: String?
        var container: String?
        var pod: String?
        while true {
            guard let key = try? reader.memberKey(), key > previous, let value = try? reader.value() else { return nil }
            previous = key
            switch (key, value) {
            case ("message", .string(let text)):
                body = Array(text.utf8)
            case ("source_type", .string(let text)):
                sourceType = text
            case ("timestamp", .string(var text)):
                guard let time = text.withUTF8({ TimeParsing.dateTime($0, at: 0).map(\.0) }), time.offsetSeconds != nil else { return nil }
                w.time = time
            case ("file", .string(let text)):
                file = text
            case ("container_name", .string(let text)):
                container = text
            case ("kubernetes", .object):
                if let p = value["pod_name"]?.stringValue, let c = value["container_name"]?.stringValue { pod = "pod/\(p)/\(c)" }
            default:
                break
            }
            guard let after = reader.afterMember() else { return nil }
            if after == .next { continue }
            guard b.trimmedEnd(b.count) == reader.index, let body, w.time != nil else { return nil }
            switch sourceType {
            case "kubernetes_logs": w.source = pod
            case "docker_logs": w.source = container
            case "file": w.source = file
            default: return nil
            }
            return (body, w)
        }
    }

    /// A container's line as Fluent Bit's `tail` input makes it a record, written by its `file`
    /// output with `format plain` (fluent/fluent-bit `plugins/out_file/file.c`, `plain_output`:
    /// the record as JSON, `flb_msgpack_to_json_str`, members in the record's order) or inside
    /// the default format's array (`fluentBitFileLine`): the `docker` parser's `{"log":"<line>\n",
    /// "stream":…,"time":…}` (`conf/parsers.conf`, `Time_Keep On`), the `cri` multiline parser's
    /// `{"time":…,"stream":…,"_p":"F","log":"<line>"}` (`src/multiline/flb_ml_parser_cri.c`,
    /// the regex's groups in order) or the `cri` parser's `{"time":…,"stream":…,"logtag":"F",
    /// "message":"<line>"}` (`conf/parsers.conf`), then `"kubernetes":{"pod_name":…,
    /// "namespace_name":…, …,"container_name":…, …}` when the Kubernetes filter ran
    /// (`plugins/filter_kubernetes/kubernetes.c` appends it after the record's members). Those
    /// members only, in those orders. Also a line of its `stdout` output with `format json_lines`
    /// (`plugins/out_stdout/stdout.c` through `src/flb_pack.c`, `flb_pack_msgpack_to_json_format`:
    /// the date key, `date` by default, and the event's time as a double, then the record's
    /// members). Returns the line, the wrapper (the source `pod/<pod>/<container>`) and the
    /// index after the record.
    static func fluentBitRecord(_ b: Bytes, from: Int) -> ([UInt8], Wrapper, Int)? {
        guard b.byte(from) == UInt8(ascii: "{") else { return nil }
        var reader = JSONReader(b, from: from + 1, maxDepth: 64)
        var w = Wrapper()
        var body: [UInt8]?
        var keys: [String] = []
        while true {
            guard let key = try? reader.memberKey(), keys.count < 6, let value = try? reader.value() else { return nil }
            keys.append(key)
            switch (key, value) {
            case ("log", .string(let text)), ("message", .string(let text)):
                var line = Array(text.utf8)
                if line.last == 0x0A {
                    line.removeLast()
                    if line.last == 0x0D { line.removeLast() }
                }
                body = line
            case ("stream", .string(let text)):
                guard text == "stdout" || text == "stderr" else { return nil }
            case ("time", .string(var text)):
                guard let time = text.withUTF8({ TimeParsing.dateTime($0, at: 0).map(\.0) }), time.offsetSeconds != nil else { return nil }
                w.time = time
            case ("_p", .string), ("logtag", .string):
                break
            case ("date", .number) where keys.count == 1:
                // (`stdout`'s `json_lines` puts the event's time first; the record's `time` is
                // the same time, written by the container runtime.)
                break
            case ("kubernetes", .object):
                if let pod = value["pod_name"]?.stringValue, let container = value["container_name"]?.stringValue { w.source = "pod/\(pod)/\(container)" }
            default:
                return nil
            }
            guard let after = reader.afterMember() else { return nil }
            if after == .next { continue }
            guard let body else { return nil }
            var record = keys.last == "kubernetes" ? Array(keys.dropLast()) : keys
            if record.first == "date" { record.removeFirst() }
            guard record == ["log", "stream", "time"] || record == ["time", "stream", "_p", "log"]
                || record == ["time", "stream", "logtag", "message"]
            else { return nil }
            return (body, w, reader.index)
        }
    }

    /// Whether a line starting `{"time":` or `{"date":` may be a Fluent Bit record
    /// (`fluentBitRecord`), by its bytes: the `cri` parsers' `{"time":"…","stream":`, or
    /// `json_lines`' `{"date":<number>,` before the record's `"log":` or `"time":`. (Any other
    /// JSON log whose first key is `time`, as Go's `slog` writes, is not read as a whole object
    /// first: that doubled the instructions of its analysis.)
    static func mayBeFluentBitRecord(_ b: Bytes) -> Bool {
        if b.has("{\"time\":\"", at: 0) {
            guard let close = b.index(of: UInt8(ascii: "\""), from: 9) else { return false }
            return b.has(",\"stream\":\"", at: close + 1)
        }
        if b.has("{\"date\":", at: 0) {
            var i = 8
            while i < b.count, b[i].isDigit || b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E")
                || b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
            return i > 8 && (b.has(",\"log\":", at: i) || b.has(",\"time\":", at: i))
        }
        return false
    }

    /// A line of Fluent Bit's `file` output in its default format (`plugins/out_file/file.c`,
    /// `write_log_record`: `"%s: [%"PRIu64".%09lu, %s]"` of the tag, the event's seconds and
    /// nanoseconds, and the record as JSON): `kube.var.log.containers.<pod>_<ns>_<container>-<id>.log:
    /// [1765414083.412907123, {"log":…}]`, the record a container's line (`fluentBitRecord`).
    /// Returns the line and the wrapper: the record's time (the event's, as the parser read it
    /// from the record's `time`, `Time_Keep On`), the source the pod and container, else the tag.
    static func fluentBitFileLine(_ b: Bytes) -> ([UInt8], Wrapper)? {
        guard b.count > 32, b[b.count - 1] == UInt8(ascii: "]"), b[b.count - 2] == UInt8(ascii: "}"),
            let colon = b.index(of: UInt8(ascii: ":"), from: 0), colon > 0, b.has(": [", at: colon),
            b.digits(at: colon + 3, 10) != nil, b.byte(colon + 13) == UInt8(ascii: "."),
            b.digits(at: colon + 14, 9) != nil, b.has(", ", at: colon + 23),
            let (body, found, end) = fluentBitRecord(b, from: colon + 25), end == b.count - 1
        else { return nil }
        var w = found
        if w.source == nil { w.source = b.string(0, colon) }
        return (body, w)
    }

    /// A line of Fluent Bit's `stdout` output in its default format (`plugins/out_stdout/stdout.c`,
    /// `cb_stdout_flush`: `"[%zd] %s: [["`, the event's time as `"%"PRId64".%09lu, "`, the
    /// metadata, `"], "`, the record, `"]\n"`, both through msgpack-c's `msgpack_object_print`,
    /// `lib/msgpack-c/src/objectc.c`: a map as `{"key"=>value, …}`, a string between quotes as
    /// it is, nothing escaped) after the `tail` input with the `cri` multiline parser:
    /// `[0] kube.var.log.containers.<…>.log: [[1765414083.412907123, {}], {"time"=>"…",
    /// "stream"=>"stderr", "_p"=>"F", "log"=>"<line>", "kubernetes"=>{"pod_name"=>"…", …,
    /// "container_name"=>"…", …}}]`. The line is what lies between `"log"=>"` and the
    /// `", "kubernetes"=>{"pod_name"=>"` (or the `"}]` at the end): a line holding that text
    /// itself is cut there. The `docker` parser's `log`, which ends with a line break, is printed
    /// over two lines and is not read. Returns the line and the wrapper (the record's time, the
    /// source `pod/<pod>/<container>`, else the tag).
    static func fluentBitStdoutLine(_ b: Bytes) -> ([UInt8], Wrapper)? {
        guard b.byte(0) == UInt8(ascii: "["), b.byte(1).isDigit, b.count > 48, b.has("\"}]", at: b.count - 3) || b.has("}}]", at: b.count - 3) else { return nil }
        var i = 1
        while b.byte(i).isDigit { i += 1 }
        guard b.has("] ", at: i) else { return nil }
        let tagStart = i + 2
        var j = tagStart
        while j < b.count, b[j] != 0x20 { j += 1 }
        guard j > tagStart + 1, b[j - 1] == UInt8(ascii: ":"), b.has(" [[", at: j), b.digits(at: j + 3, 10) != nil, b.byte(j + 13) == UInt8(ascii: "."),
            b.digits(at: j + 14, 9) != nil
        else { return nil }
        let open: StaticString = ", {}], {\"time\"=>\""
        let stream: StaticString = "\", \"stream\"=>\""
        let log: StaticString = "\", \"_p\"=>\"F\", \"log\"=>\""
        guard b.has(open, at: j + 23), let (time, timeEnd) = TimeParsing.dateTime(b, at: j + 23 + open.utf8CodeUnitCount), time.offsetSeconds != nil,
            b.has(stream, at: timeEnd)
        else { return nil }
        let streamEnd = timeEnd + stream.utf8CodeUnitCount + 6
        guard b.has("stdout", at: streamEnd - 6) || b.has("stderr", at: streamEnd - 6), b.has(log, at: streamEnd) else { return nil }
        let lineStart = streamEnd + log.utf8CodeUnitCount
        var w = Wrapper()
        w.time = time
        var lineEnd = b.count - 3
        // The Kubernetes filter's map, after the line: its names hold no quote.
        let kubernetes: StaticString = "\", \"kubernetes\"=>{\"pod_name\"=>\""
        var k = b.count - 3
        while k >= lineStart, !b.has(kubernetes, at: k) { k -= 1 }
        if k >= lineStart {
            lineEnd = k
            let podStart = k + kubernetes.utf8CodeUnitCount
            guard let podEnd = b.index(of: UInt8(ascii: "\""), from: podStart) else { return nil }
            let container: StaticString = "\"container_name\"=>\""
            var c = podEnd
            while c < b.count, !b.has(container, at: c) { c += 1 }
            let containerStart = c + container.utf8CodeUnitCount
            if c < b.count, let containerEnd = b.index(of: UInt8(ascii: "\""), from: containerStart) {
                w.source = "pod/\(b.string(podStart, podEnd))/\(b.string(containerStart, containerEnd))"
            }
        } else {
            guard b.has("\"}]", at: b.count - 3) else { return nil }
        }
        if w.source == nil { w.source = b.string(tagStart, j - 1) }
        guard lineEnd >= lineStart else { return nil }
        return (Array(b[lineStart..<lineEnd]), w)
    }

    /// A line of `stern -o extjson` (`cmd/cmd.go`, `generateTemplate`): `{"namespace": "…",
    /// "pod": "…", "container": "…", "message": <the line>}`, the namespace only with
    /// `--all-namespaces`, the line as it was when it is valid JSON (an agents JSON record),
    /// else as a string. Returns the line and the wrapper.
    static func sternExtJSON(_ b: Bytes) -> ([UInt8], Wrapper)? {
        var reader = JSONReader(b, from: 1, maxDepth: 64)
        var w = Wrapper()
        var pod = ""
        var next = b.has("{\"namespace\"", at: 0) ? 0 : 1
        let keys = ["namespace", "pod", "container", "message"]
        while true {
            guard let key = try? reader.memberKey(), next < keys.count, key == keys[next] else { return nil }
            next += 1
            reader.skipSpace()
            let start = reader.index
            guard let value = try? reader.value() else { return nil }
            reader.skipSpace()
            guard reader.index < b.count else { return nil }
            switch (key, value) {
            case ("message", .string(let text)):
                guard b[reader.index] == UInt8(ascii: "}") else { return nil }
                return (Array(text.utf8), w)
            case ("message", _):
                guard b[reader.index] == UInt8(ascii: "}") else { return nil }
                return (Array(b[start..<b.trimmedEnd(reader.index)]), w)
            case ("pod", .string(let text)):
                pod = text
            case ("container", .string(let text)):
                w.source = "pod/\(pod)/\(text)"
            case ("namespace", .string):
                break
            default:
                return nil
            }
            guard b[reader.index] == UInt8(ascii: ",") else { return nil }
            reader.index += 1
        }
    }

    /// An entry of `fly logs --json`, put on a line by `JSONDocument` (`{"level": …, "instance":
    /// …, "message": …, "region": …, "timestamp": …, "meta": {…, "Event": {"Provider": "app"}, …}}`,
    /// those members only, in that order): the message, the entry's time, and the source as the
    /// text form prints it, `app[instance]`.
    static func flyEntry(_ b: Bytes) -> ([UInt8], Wrapper)? {
        guard case .object(let members)? = parseJSON(b), members.map(\.0) == JSONDocument.flyEntryKeys,
            case .string(let message) = members[2].1, case .string(let instance) = members[1].1,
            case .string(var stamp) = members[4].1, let time = stamp.withUTF8({ TimeParsing.dateTime($0, at: 0).map(\.0) }), time.offsetSeconds != nil
        else { return nil }
        var w = Wrapper()
        w.time = time
        let provider = members[5].1["Event"]?["Provider"]?.stringValue ?? ""
        w.source = provider.isEmpty ? instance : instance.isEmpty ? provider : "\(provider)[\(instance)]"
        if w.source == "" { w.source = nil }
        return (Array(message.utf8), w)
    }

    /// `stern`'s default output (`cmd/cmd.go`, `generateTemplate`): `<pod> <container> ` before
    /// the line (and its stamp with `--timestamps`), `<namespace> ` first with several
    /// namespaces; the names coloured on a terminal. Taken when the names are Kubernetes names
    /// (lowercase letters, digits, `-`, `.`), the pod's with a `-` as a controller names its pods
    /// (`agent-7d9f8c6b5-x2x4q`, `agent-0`), and what follows is a JSON record (`{"`) or starts
    /// with a date: a line of words keeps them.
    private static func stripStern(_ b: Bytes, at i: Int, into w: inout Wrapper) -> Int? {
        // The last two names read: (start, end, holds a `-`).
        var before = (0, 0, false)
        var last = (0, 0, false)
        var j = i
        for count in 1...3 {
            let start = j
            var dash = false
            while j < b.count, j - start <= 253, b[j].isLower || b[j].isDigit || b[j] == UInt8(ascii: "-") || b[j] == UInt8(ascii: ".") {
                if b[j] == UInt8(ascii: "-") { dash = true }
                j += 1
            }
            guard j > start, b.byte(j) == 0x20, b[start].isLower || b[start].isDigit, b[j - 1].isLower || b[j - 1].isDigit else { return nil }
            before = last
            last = (start, j, dash)
            j += 1
            let next = b.byte(j)
            let isRecord = next == UInt8(ascii: "{") && b.byte(j + 1) == UInt8(ascii: "\"")
                || next.isDigit && b.byte(j + 4) == UInt8(ascii: "-") && b.byte(j + 7) == UInt8(ascii: "-")
                || next.isDigit && sternShortStamp(b, at: j) != nil
            if count >= 2 && isRecord {
                guard before.2 else { return nil }
                if w.source == nil { w.source = "pod/" + b.string(before.0, before.1) + "/" + b.string(last.0, last.1) }
                return j
            }
        }
        return nil
    }

    /// The end of stern's `--timestamps=short` stamp at `i` (stern `stern/tail.go`,
    /// `TimestampFormatShort = "01-02 15:04:05"`, no year) and its space, when a record with its
    /// own time follows (a JSON record, `{"`, or a date): `03-17 10:00:01 {"message": …}`. In
    /// front of the line in stern's default and `raw` output, and, before v1.34, of `-o json`'s
    /// and `-o extjson`'s message.
    static func sternShortStamp(_ b: Bytes, at i: Int) -> Int? {
        guard b.byte(i + 2) == UInt8(ascii: "-"), b.byte(i + 5) == 0x20, b.byte(i + 8) == UInt8(ascii: ":"), b.byte(i + 11) == UInt8(ascii: ":"),
            b.byte(i + 14) == 0x20, b.digits(at: i, 2) != nil, b.digits(at: i + 3, 2) != nil, b.digits(at: i + 6, 2) != nil,
            b.digits(at: i + 9, 2) != nil, b.digits(at: i + 12, 2) != nil
        else { return nil }
        let next = i + 15
        let isRecord = b.byte(next) == UInt8(ascii: "{") && b.byte(next + 1) == UInt8(ascii: "\"")
            || b.byte(next).isDigit && b.byte(next + 4) == UInt8(ascii: "-") && b.byte(next + 7) == UInt8(ascii: "-")
        return isRecord ? next : nil
    }

    /// docker compose: `service-1  | ` (name, one or more spaces, `|`, space or end of line).
    private static func stripCompose(_ b: Bytes, at i: Int, into w: inout Wrapper) -> Int? {
        var j = i
        while j < b.count && j - i <= 64 {
            let c = b[j]
            if c.isAlnum || c == UInt8(ascii: "-") || c == UInt8(ascii: "_") || c == UInt8(ascii: ".") { j += 1 } else { break }
        }
        let nameEnd = j
        guard nameEnd > i, b.byte(j) == 0x20 else { return nil }
        while b.byte(j) == 0x20 { j += 1 }
        guard b.byte(j) == UInt8(ascii: "|"), j + 1 == b.count || b.byte(j + 1) == 0x20 else { return nil }
        w.source = b.string(i, nameEnd)
        return min(j + 2, b.count)
    }

    /// GCP Cloud Logging text export: `DEFAULT 2026-01-09T12:51:53.041785Z message`.
    private static func stripGCP(_ b: Bytes, at i: Int, into w: inout Wrapper) -> Int? {
        let wordEnd = b.skipToken(i)
        guard wordEnd - i >= 4, wordEnd - i <= 9, b.byte(wordEnd) == 0x20, b.byte(wordEnd + 1).isDigit,
            let level = LogLevel.parse(b.slice(i, wordEnd)),
            let (t, end) = TimeParsing.dateTime(b, at: wordEnd + 1), t.offsetSeconds != nil,
            b.byte(end) == 0x20
        else { return nil }
        w.time = t
        // `DEFAULT` is GCP's "no assigned severity" (LogSeverity 0), not a level.
        w.level = b.has("DEFAULT ", at: i) ? nil : level
        return end + 1
    }

    /// journald short format: `Jan 26 11:47:49 host process[pid]: `.
    private static func stripJournald(_ b: Bytes, at i: Int, into w: inout Wrapper) -> Int? {
        if b.byte(i + 3) == 0x20, b.byte(i + 4).isDigit, let end = stripJournaldFull(b, at: i, into: &w) { return end }
        guard let month = TimeParsing.month(b, at: i), b.byte(i + 3) == 0x20 else { return nil }
        var j = i + 4
        if b.byte(j) == 0x20 { j += 1 }
        guard let dayEnd = Optional(b.skipToken(j)), dayEnd - j >= 1, dayEnd - j <= 2, let day = b.digits(at: j, dayEnd - j),
            b.byte(dayEnd) == 0x20, let (tod, end) = TimeParsing.timeOfDay(b, at: dayEnd + 1), b.byte(end) == 0x20,
            let tail = journaldTail(b, at: end + 1, into: &w, syslogTime: true)
        else { return nil }
        // No year in this format: the stream clock supplies it.
        w.time = WrittenTime(day: nil, microsOfDay: tod, offsetSeconds: nil)
        w.journaldMonthDay = (month, day)
        return tail
    }

    /// `journalctl -o short-full`: `Tue 2026-03-17 01:14:48 CET host process[pid]: ` (the local
    /// zone's abbreviation, as strftime's `%Z` prints it: those with one meaning are read, any
    /// other leaves the time to `--tz`).
    private static func stripJournaldFull(_ b: Bytes, at i: Int, into w: inout Wrapper) -> Int? {
        guard ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].contains(where: { b.has($0, at: i) }),
            let (written, end) = TimeParsing.dateTime(b, at: i + 4), b.byte(end) == 0x20
        else { return nil }
        let zoneEnd = b.skipToken(end + 1)
        guard zoneEnd - end - 1 >= 1, zoneEnd - end - 1 <= 5, b.slice(end + 1, zoneEnd).allSatisfy(\.isUpper), b.byte(zoneEnd) == 0x20,
            let tail = journaldTail(b, at: zoneEnd + 1, into: &w, withoutHost: true)
        else { return nil }
        var t = written
        if t.offsetSeconds == nil, let hours = zoneHours[b.string(end + 1, zoneEnd)] { t.offsetSeconds = hours * 3600 }
        w.time = t
        return tail
    }

    /// Zone abbreviations with one meaning, in hours east of UTC.
    static let zoneHours: [String: Int] = [
        "UTC": 0, "GMT": 0, "WET": 0, "WEST": 1, "BST": 1, "CET": 1, "CEST": 2, "EET": 2, "EEST": 3, "MSK": 3,
        "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7, "AKST": -9, "AKDT": -8, "HST": -10,
        "JST": 9, "KST": 9, "HKT": 8, "SGT": 8, "AEST": 10, "AEDT": 11, "NZST": 12, "NZDT": 13,
    ]

    /// `host process[pid]: ` after a journald time. After the syslog-style time (`Jan 26
    /// 11:47:49`, which nothing else prints) also `process[pid]: ` (`--no-hostname`) and
    /// `host process: ` (no pid in the entry).
    /// `withoutHost`: the host may be absent (`--no-hostname`) when `name[pid]: ` comes first.
    private static func journaldTail(_ b: Bytes, at i: Int, into w: inout Wrapper, syslogTime: Bool = false, withoutHost: Bool = false) -> Int? {
        let hostEnd = b.skipToken(i)
        guard hostEnd > i, b.byte(hostEnd) == 0x20 else { return nil }
        if syslogTime || withoutHost, hostEnd - i >= 4, b[hostEnd - 1] == UInt8(ascii: ":"), b[hostEnd - 2] == UInt8(ascii: "]"),
            let open = b.index(of: UInt8(ascii: "["), from: i), open < hostEnd - 2, let pid = b.digits(at: open + 1, hostEnd - 2 - (open + 1))
        {
            w.pid = pid
            w.source = b.string(i, open)
            return min(hostEnd + 1, b.count)
        }
        let procStart = hostEnd + 1
        var j = procStart
        while j < b.count && b[j] != UInt8(ascii: ":") && b[j] != 0x20 { j += 1 }
        guard j > procStart, b.byte(j) == UInt8(ascii: ":"), b.byte(j + 1) == 0x20 || j + 1 == b.count else { return nil }
        var procEnd = j
        if b[j - 1] == UInt8(ascii: "]"), let open = b.index(of: UInt8(ascii: "["), from: procStart), open < j {
            w.pid = b.digits(at: open + 1, j - 1 - (open + 1))
            procEnd = open
        } else if !syslogTime {
            return nil  // require `name[pid]:` to avoid eating ordinary `word word: text` lines
        }
        w.source = b.string(procStart, procEnd)
        return min(j + 2, b.count)
    }

    /// kubectl/docker `--timestamps`, compose `-t`, Loki export: a stamp in front of the record.
    static func stripTimePrefix(
        _ b: Bytes, at i: Int, into w: inout Wrapper, prefix: inout TimeParsing.StampPrefix, asctimeShortcut: Bool = true
    ) -> Int {
        // `YYYY-MM-DD HH:MM:SS,mmm ` then more: whatever the stamp parses to, every branch below
        // returns `i` for it (a Python asctime record), so it is not parsed here and again there.
        if asctimeShortcut && b.byte(i + 10) == 0x20 && b.byte(i + 19) == UInt8(ascii: ",") && b.byte(i + 23) == 0x20 { return i }
        // Grafana Explore's log download: `<epoch ms>\t<ISO time>\t<line>` (12.x), `<epoch ms>\t<line>`.
        if b.byte(i + 13) == 0x09, let ms = b.digits(at: i, 13), ms >= 946_684_800_000, ms < 4_102_444_800_000 {
            let millis = Int64(ms)
            w.time = WrittenTime(day: millis / 86_400_000, microsOfDay: millis % 86_400_000 * 1000, offsetSeconds: 0)
            if b.byte(i + 14).isDigit, let (_, end) = TimeParsing.dateTime(b, at: i + 14), b.byte(end) == 0x09 { return end + 1 }
            return i + 14
        }
        // `journalctl -o short-unix`: seconds and microseconds since the epoch (systemd
        // `src/shared/logs-show.c`, `output_timestamp_realtime`: `"%10"PRI_USEC".%06"PRI_USEC`),
        // then the host (none with `--no-hostname`: `output_short` prints it after the time when
        // it is set) and `proc[pid]: `.
        if b.byte(i + 10) == UInt8(ascii: "."), b.byte(i + 17) == 0x20, let seconds = b.digits(at: i, 10), let micros = b.digits(at: i + 11, 6),
            seconds >= 946_684_800, let tail = journaldTail(b, at: i + 18, into: &w, withoutHost: true)
        {
            let total = Int64(seconds) * 1_000_000 + Int64(micros)
            w.time = WrittenTime(day: total / Timestamp.microsPerDay, microsOfDay: total % Timestamp.microsPerDay, offsetSeconds: 0)
            return tail
        }
        if b.byte(i + 2) == UInt8(ascii: "-"), let end = sternShortStamp(b, at: i) { return end }
        guard let (t, end) = TimeParsing.dateTime(b, at: i, prefix: &prefix) else { return i }
        let next = b.byte(end)
        let hasFraction = b.byte(i + 19) == UInt8(ascii: ".")
        // Loki export: the time alone on its line, or followed by a tab.
        if end == b.count || (next == 0x09 && b.trimmedEnd(b.count) == end) {
            if b.byte(i + 10) == 0x20 && t.offsetSeconds == nil {
                w.time = t
                w.timeOnlyLine = true
                return b.count
            }
            return i
        }
        if next == 0x09 {
            // `2025-11-19 21:36:26.710\t{...}` is Loki; `…Z\tINFO\t…` is a zap console line;
            // Grafana ≤ 10.1 downloads wrote `2023-09-20T14:18:06+02:00\t` before the record.
            if (b.byte(i + 10) == 0x20 && hasFraction) || (t.offsetSeconds != nil && (b.byte(end + 1) == UInt8(ascii: "{") || b.byte(end + 1).isDigit)) {
                w.time = t
                return end + 1
            }
            return i
        }
        guard next == 0x20 else { return i }
        if b.byte(end + 1) == UInt8(ascii: "s"), t.offsetSeconds != nil, let message = criEntry(b, at: end + 1, into: &w) {
            w.time = t
            return message
        }
        let after = b.skipSpaces(end)
        let tokenEnd = b.skipToken(after)
        // A zap console line copied with spaces: `…Z  INFO  livekit…  service/x.go:12`. (Not a
        // Rich record with a blank time column behind kubectl's stamp: `…Z     DEBUG  livekit.agents  …`.)
        if t.offsetSeconds != nil, let _ = LogLevel.parse(b.slice(after, tokenEnd)),
            b.byte(tokenEnd).isSpaceOrTab
        {
            let loggerStart = b.skipSpaces(tokenEnd)
            if isCaller(b, loggerStart) || (b.has("livekit", at: loggerStart) && isCaller(b, b.skipSpaces(b.skipToken(loggerStart)))) { return i }
        }
        // `YYYY-MM-DD HH:MM:SS - …` and `…,mmm - …` are Python asctime records, not wrappers.
        if b.byte(i + 10) == 0x20 && b.byte(after) == UInt8(ascii: "-") && b.byte(after + 1) == 0x20 { return i }
        if b.byte(i + 10) == 0x20 && b.byte(i + 19) == UInt8(ascii: ",") { return i }
        // journald short-iso: `2026-01-26T11:47:49+0000 host proc[pid]: `
        var journald = Wrapper()
        if t.offsetSeconds != nil, let tail = journaldTail(b, at: end + 1, into: &journald) {
            w.time = t
            w.source = journald.source
            w.pid = journald.pid
            return tail
        }
        w.time = t
        // `aws logs tail` (its default `detailed` format): the event's time as Python's
        // `isoformat(timespec='microseconds')` of a UTC time, always `+00:00`, then the log stream;
        // `--format json` (`PrettyJSONLogEventsFormatter`) prints the time with `isoformat()`,
        // without a fraction when it is a whole second (then taken before a JSON message, the
        // stream alone on its line, or before a stream named with a `/`: an application's own
        // `…T10:00:01+00:00 10.0.0.1 GET …` keeps its address).
        let wholeSecond = end == i + 25 && !hasFraction && b.byte(i + 19) == UInt8(ascii: "+") && b.has("00:00", at: i + 20)
        if (end == i + 32 && hasFraction && b.byte(i + 26) == UInt8(ascii: "+") && b.has("00:00", at: i + 27)) || wholeSecond,
            let streamEnd = cloudWatchStream(b, at: end + 1),
            !wholeSecond || streamEnd + 1 == b.count || b.index(of: UInt8(ascii: "/"), from: end + 1, to: streamEnd) != nil
        {
            w.source = b.string(end + 1, streamEnd)
            w.cloudWatchHeader = streamEnd + 1 == b.count
            return min(streamEnd + 1, b.count)
        }
        // `heroku logs`: `source[dyno]: ` after logplex's stamp.
        if let message = herokuSource(b, at: end + 1, into: &w) { return message }
        // `fly logs`: whole seconds (`time.RFC3339`), then `app[machine] region [level]`.
        if !hasFraction, t.offsetSeconds != nil, let message = flyEntry(b, at: end + 1, into: &w) { return message }
        // `logcli query` (default output): the stream's labels, padded, after the time.
        if let labelsEnd = lokiLabels(b, at: end + 1) { return b.skipSpaces(labelsEnd) }
        // A log viewer's `|` between its stamp and the line, behind compose's service
        // (`agent    | 2026-01-17 21:26:37.251 | {"level": …}`, `livekit  | … | 2026-01-18T04:…Z\tERROR…`):
        // taken before a JSON record or a dated stamp only (loguru's own `… | INFO     | …` stays
        // its record).
        if b.byte(i + 10) == 0x20, b.byte(end + 1) == UInt8(ascii: "|"), b.byte(end + 2) == 0x20,
            b.byte(end + 3) == UInt8(ascii: "{") || (b.byte(end + 3).isDigit && b.byte(end + 7) == UInt8(ascii: "-"))
        {
            return end + 3
        }
        return end + 1
    }

    /// A CRI container log's entry after its time, as containerd and CRI-O write
    /// `/var/log/pods/<pod>/<container>/0.log` (what `/var/log/containers/*.log` links to) and
    /// the kubelet reads it (kubernetes `pkg/kubelet/kuberuntime/logs/logs.go`, `parseCRILog`):
    /// `<RFC 3339 time> stdout F <line>`, the stream, then the tags, `F` for a whole line and `P`
    /// for a part of one the runtime split (at 16 KiB by default), more tags after a `:`.
    /// Returns the line's start.
    static func criEntry(_ b: Bytes, at i: Int, into w: inout Wrapper) -> Int? {
        let stream: UInt8 = b.has("stdout ", at: i) ? 1 : b.has("stderr ", at: i) ? 2 : 0
        let tag = i + 7
        guard stream != 0, b.byte(tag) == UInt8(ascii: "F") || b.byte(tag) == UInt8(ascii: "P") else { return nil }
        var end = tag + 1
        if b.byte(end) == UInt8(ascii: ":") {
            while end < b.count, b[end] != 0x20 { end += 1 }
        }
        guard end >= b.count || b[end] == 0x20 else { return nil }
        w.containerStream = stream
        w.partial = b[tag] == UInt8(ascii: "P")
        return min(end + 1, b.count)
    }

    /// The end of a CloudWatch log stream's name at `i`, as `aws logs tail` prints it after the
    /// event's time (`awscli/customizations/logs/tail.py`, `DetailedLogEventsFormatter`: `'%s %s
    /// %s' % (time, logStreamName, message)`): ECS's `awslogs` driver names it
    /// `prefix/container/task-id`, Docker's the container's id, Lambda `2026/03/17/[$LATEST]…`,
    /// the CloudWatch agent the instance's id. Taken only when it starts with a letter or digit,
    /// holds a `/` or a digit and no `:` or `*` (CloudWatch refuses those), is at most 512 bytes,
    /// and is not a level word: a line's own `isoformat()` time then `Starting worker`, `INFO
    /// message` or `logger: message` keeps its words.
    static func cloudWatchStream(_ b: Bytes, at i: Int) -> Int? {
        guard b.byte(i).isAlnum else { return nil }
        var j = i
        var named = false
        while j < b.count, b[j] != 0x20, j - i < 512 {
            let c = b[j]
            if c == UInt8(ascii: ":") || c == UInt8(ascii: "*") || c == 0x09 { return nil }
            if c == UInt8(ascii: "/") || c.isDigit { named = true }
            j += 1
        }
        // (Nor a date: `<time> 2026-03-17 10:00:02,104 - ERROR …` is a record behind a stamp.)
        let isDate = j - i == 10 && b[i + 4] == UInt8(ascii: "-") && b[i + 7] == UInt8(ascii: "-")
        guard named, !isDate, j == b.count || b[j] == 0x20, LogLevel.parse(b.slice(i, j)) == nil else { return nil }
        return j
    }

    /// `heroku logs` (and a logplex drain's lines): `timestamp source[dyno]: message`, the
    /// timestamp RFC 5424's with microseconds, the source `app` for the app's dynos and `heroku`
    /// for the platform's, the dyno `worker.1`, `web.1`, `router` (Heroku Dev Center, "Logging",
    /// Log format). Returns the message's start; the source is `source[dyno]`.
    static func herokuSource(_ b: Bytes, at i: Int, into w: inout Wrapper) -> Int? {
        var j = i
        while j < b.count, b[j].isLower, j - i < 16 { j += 1 }
        guard j > i, b.byte(j) == UInt8(ascii: "[") else { return nil }
        var k = j + 1
        while k < b.count, k - j <= 64, b[k].isAlnum || b[k] == UInt8(ascii: ".") || b[k] == UInt8(ascii: "_") || b[k] == UInt8(ascii: "-") { k += 1 }
        guard k > j + 1, b.byte(k) == UInt8(ascii: "]"), b.byte(k + 1) == UInt8(ascii: ":"), b.byte(k + 2) == 0x20 else { return nil }
        w.source = b.string(i, k + 1)
        return k + 3
    }

    /// What `fly logs` prints between the time and the message (superfly/flyctl,
    /// `internal/render/logs.go`, `LogEntry`, as `internal/command/logs/logs.go` calls it:
    /// `fmt.Fprintf(&buf, "%s ", format.Time(ts))`, then `provider[instance]` (or either alone),
    /// then `" %s [%s]"` with the region and the level, then the message with no space before
    /// it): `app[e784079b449483] ord [info]`. The region is Fly's three-letter code. Returns the
    /// message's start; the source is `provider[instance]`.
    static func flyEntry(_ b: Bytes, at i: Int, into w: inout Wrapper) -> Int? {
        var j = i
        while j < b.count, b[j] != 0x20, j - i <= 64 { j += 1 }
        let region = j + 1
        guard b.byte(j) == 0x20, b.byte(region).isLower, b.byte(region + 1).isLower, b.byte(region + 2).isLower,
            b.byte(region + 3) == 0x20, b.byte(region + 4) == UInt8(ascii: "["),
            let close = b.index(of: UInt8(ascii: "]"), from: region + 5, to: min(b.count, region + 16)),
            LogLevel.parse(b.slice(region + 5, close)) != nil
        else { return nil }
        if j > i { w.source = b.string(i, j) }
        return close + 1
    }

    /// A Loki label set at `i`, `{app="agent", pod="agent-7d9f"}` (a name, `="`, never `{"` as
    /// a JSON record starts): the index after its `}`.
    static func lokiLabels(_ b: Bytes, at i: Int) -> Int? {
        guard b.byte(i) == UInt8(ascii: "{"), b.byte(i + 1).isLower || b.byte(i + 1).isUpper || b.byte(i + 1) == UInt8(ascii: "_") else { return nil }
        var j = i + 1
        while true {
            let name = j
            while j < b.count, b[j].isAlnum || b[j] == UInt8(ascii: "_") { j += 1 }
            guard j > name, b.has("=\"", at: j) else { return nil }
            j += 2
            while j < b.count, b[j] != UInt8(ascii: "\"") { j += b[j] == UInt8(ascii: "\\") ? 2 : 1 }
            guard j < b.count else { return nil }
            j += 1
            if b.byte(j) == UInt8(ascii: "}") { return j + 1 }
            guard b.has(", ", at: j) else { return nil }
            j += 2
        }
    }

    /// `file.go:123` at `i`.
    static func isCaller(_ b: Bytes, _ i: Int) -> Bool {
        let end = b.skipToken(i)
        guard end - i > 4, let colon = b.index(of: UInt8(ascii: ":"), from: i), colon < end else { return false }
        return b.has(".go", at: colon - 3) && b.byte(colon + 1).isDigit
    }

    var journaldMonthDay: (month: Int, day: Int)? = nil
}
