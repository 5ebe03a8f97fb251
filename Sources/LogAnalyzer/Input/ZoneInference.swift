import CPCRE2
import CSystem

#if canImport(Glibc)
import Glibc
#endif

/// The zone of a log whose stamps name none, read from the other logs of the run.
///
/// A worker's dev text prints its host's local time without a zone while the LiveKit server's
/// console names its zone and JSON logs are UTC (DOMAIN.md (d)). Read in UTC (the default of
/// `--tz`), such a log's lines sit hours away from the server's for the same job: the session is
/// cut in two, and a token's claims are compared with times hours off. A job (`AJ_…`) or room
/// (`RM_…`) that both logs name is the same moment in each, give or take the seconds between the
/// server assigning a job and the worker receiving it; so when a zone-less log's first line of a
/// job or room is a zone's offset from UTC (give or take 2 min) from a zoned log's, every such id
/// agreeing, that offset is its zone. A log of times of day (a browser console's DevTools
/// stamps, `roomID` in its context) is placed by its time of day, within 12 h either way.
public enum ZoneInference {
    /// Runs of more files are not sampled (a month of rotated logs would have each file's ends
    /// parsed twice more); as many as `ReadingOrder` estimates the spans of: a day's server log
    /// beside a hundred users' browser consoles is one incident's logs (with 64 files at most,
    /// such consoles in Berlin time stayed an hour off and their sessions were cut in two).
    static let maxInputs = ReadingOrder.maxEstimated
    /// Largest gap between the two logs' first lines of an id, beyond whole quarter hours.
    static let toleranceSeconds = 120.0

    /// The first time of each job and room id in a file's first and last 64 KiB, split into ids
    /// whose lines named no zone and ids whose lines did.
    struct Sample {
        var zoneless: [String: Timestamp] = [:]
        var zoned: [String: Timestamp] = [:]
        /// The last time of each id, as `zoneless` and `zoned` hold the first.
        var zonelessLast: [String: Timestamp] = [:]
        var zonedLast: [String: Timestamp] = [:]
        var sawZoned = false
    }

    /// Zones for the inputs whose dated stamps all lack one and whose jobs or rooms other inputs
    /// place a zone's offset away (not zero), with a note for each. Nothing when
    /// `--tz` named a zone for all inputs, nor for an input `--tz NAME=ZONE` names, nor in a run
    /// of more than `maxInputs` files; only plain files are read (their first and last 64 KiB),
    /// so pipes and gzip keep `--tz`.
    public static func infer(_ inputs: [InputDescriptor], options: IngestOptions) -> (zones: [(name: String, zone: TimeZoneSetting)], notes: [Diagnostic]) {
        guard options.inferZones, inputs.count >= 2, inputs.count <= maxInputs else { return ([], []) }
        let samples = samples(inputs, options: options)
        var zones: [(name: String, zone: TimeZoneSetting)] = []
        var notes: [Diagnostic] = []
        for (c, input) in inputs.enumerated() {
            guard let candidate = samples[c], !candidate.zoneless.isEmpty, !candidate.sawZoned, !options.names(input.path) else { continue }
            var offsets: [Int] = []
            // Offsets of an id's last lines an hour from its first lines' (see below).
            var summer: [Int] = []
            var example: (id: String, path: String)?
            // The ids first; room names (`name:…`) only for a log that shares none (an app
            // backend naming the room of each token it mints).
            for byName in [false, true] where offsets.isEmpty {
            for (r, other) in inputs.enumerated() where r != c {
                guard let reference = samples[r] else { continue }
                for (id, t) in reference.zoned.sorted(by: { $0.key < $1.key }) where id.hasPrefix("name:") == byName {
                    guard let local = candidate.zoneless[id] else { continue }
                    var delta = seconds(from: t, to: local)
                    if !local.hasDate || !t.hasDate {
                        // A console names the room in few lines (livekit-client 2.x at info level:
                        // a resume, `disconnect from room`), so its first such line can be hours
                        // into the room's life: when its lines of the room, read as they are,
                        // fall within the other log's, they need no offset (not for a room's name:
                        // an app backend logs only its mints, at the room's start).
                        if !byName, let localLast = candidate.zonelessLast[id], let last = reference.zonedLast[id] {
                            let toEnd = seconds(from: last, to: localLast)
                            if delta >= -toleranceSeconds, toEnd <= toleranceSeconds { delta = 0 }
                        }
                    }
                    guard let offset = zoneOffset(delta) else { continue }
                    offsets.append(offset)
                    if example == nil, offset != 0 { example = (id, other.path) }
                    // A job's last lines an hour from that: the clocks changed for daylight
                    // saving time while it ran (a session across 02:00 on the night they do).
                    // (Jobs only: both logs name a job until it ends, while a room may outlive
                    // the lines of a log that names it, the agent's or a browser's, by an hour.)
                    if id.hasPrefix("AJ_"), let localLast = candidate.zonelessLast[id], let last = reference.zonedLast[id],
                        let end = zoneOffset(seconds(from: last, to: localLast)), abs(end - offset) == 3600
                    {
                        summer.append(end)
                        if example == nil { example = (id, other.path) }
                    }
                }
            }
            }
            // Two offsets an hour apart: a zone whose clocks changed for daylight saving time
            // within the log; no one offset reads it, a zone's name does.
            let distinct = Set(offsets + summer).sorted()
            if distinct.count == 2, distinct[1] - distinct[0] == 3600, let example {
                let hours = distinct.map { $0 == 0 ? "0 h" : duration(abs($0)) }
                let run = distinct[0] >= 0 ? "\(hours[0]) or \(hours[1]) ahead of" : "\(hours[1]) or \(hours[0]) behind"
                notes.append(Diagnostic(.note, path: input.path, kind: "tz-ambiguous",
                    "its stamps name no zone and run \(run) \(example.path)'s for the same jobs and rooms (its clocks changed for daylight saving time?): read as --tz says (UTC by default); --tz \(input.path)=ZONE with the zone's name (\(summerZoneExample(standardOffset: distinct[0]))) reads both"))
                continue
            }
            guard let offset = offsets.first, offset != 0, offsets.allSatisfy({ $0 == offset }), let example,
                let zone = TimeZoneSetting(zoneText(offset))
            else { continue }
            zones.append((input.path, zone))
            let ahead = offset > 0 ? "ahead of" : "behind"
            notes.append(Diagnostic(.note, path: input.path, kind: "tz-inferred",
                "its stamps name no zone and run \(duration(abs(offset))) \(ahead) \(example.path)'s for the same \(example.id.hasPrefix("AJ_") ? "job" : example.id.hasPrefix("name:") ? "room name" : "room") (\(example.id.hasPrefix("name:") ? String(example.id.dropFirst(5)) : example.id)): read in \(zone.name) (--tz \(input.path)=ZONE to choose)"))
        }
        return (zones, notes)
    }

    /// The samples `infer` compares: each candidate's (a log whose dated stamps all lack a zone,
    /// not named by `--tz NAME=ZONE`), and each log with zoned stamps, sampled again once the
    /// candidates are known and keeping only their ids; nil for the others, and for all when no
    /// log is a candidate. (A run of 1,000 JSON worker logs, none a candidate, had held every
    /// sample's ids at once: 107 MB of its 209 MB peak.)
    static func samples(_ inputs: [InputDescriptor], options: IngestOptions) -> [Sample?] {
        var samples = [Sample?](repeating: nil, count: inputs.count)
        var wanted = Set<String>()
        var references: [Int] = []
        for (i, input) in inputs.enumerated() {
            guard let s = sample(input, options: options) else { continue }
            if !s.zoneless.isEmpty, !s.sawZoned, !options.names(input.path) {
                // (A candidate's `zoned` is empty: a line with a zone sets `sawZoned`.)
                wanted.formUnion(s.zoneless.keys)
                samples[i] = s
            } else if !s.zoned.isEmpty {
                references.append(i)
            }
        }
        guard !wanted.isEmpty else { return samples }
        var found = Set<String>()
        for i in references {
            guard var s = sample(inputs[i], options: options) else { continue }
            s.zoneless = [:]
            s.zonelessLast = [:]
            s.zoned = s.zoned.filter { wanted.contains($0.key) }
            s.zonedLast = s.zonedLast.filter { wanted.contains($0.key) }
            found.formUnion(s.zoned.keys)
            samples[i] = s
        }
        // A candidate's job or room that no zoned log's ends name (a console's room in the middle
        // of a day's server log): each zoned log longer than its ends is searched whole for it,
        // and the first and last lines that name it are read as the ends are.
        let missing = wanted.filter { ($0.hasPrefix("AJ_") || $0.hasPrefix("RM_")) && !found.contains($0) }
        guard !missing.isEmpty else { return samples }
        for i in references where samples[i] != nil && ReadingOrder.isLongerThanEnds(inputs[i]) {
            let lines = linesNaming(missing, in: inputs[i])
            guard !lines.isEmpty, let middle = sample([lines], of: inputs[i], options: options) else { continue }
            for (id, t) in middle.zoned where missing.contains(id) && samples[i]?.zoned[id] == nil {
                samples[i]?.zoned[id] = t
                samples[i]?.zonedLast[id] = middle.zonedLast[id]
            }
        }
        return samples
    }

    /// A job or room id (`AJ_…`, `RM_…`: 15 bytes) as two overlapping words.
    private struct IdKey: Hashable {
        let low: UInt64
        let high: UInt64
        init(_ p: UnsafeRawPointer) {
            low = p.loadUnaligned(as: UInt64.self)
            high = p.loadUnaligned(fromByteOffset: 7, as: UInt64.self)
        }
    }

    /// The lines of a plain file that name one of `ids` (job and room ids of 15 bytes; others are
    /// not looked for): each id's first and last such line, in the file's order, one per line.
    /// The file is read a MiB at a time and searched for the ids' prefixes (`RM_`, `AJ_`); a line
    /// longer than the buffer is skipped.
    static func linesNaming(_ ids: Set<String>, in input: InputDescriptor) -> [UInt8] {
        var keys: [IdKey: Int] = [:]
        for id in ids {
            var id = id
            id.withUTF8 { u in if u.count == 15 { keys[IdKey(UnsafeRawPointer(u.baseAddress!))] = keys.count } }
        }
        guard !keys.isEmpty, input.kind == .file else { return [] }
        let fd = open(input.openPath, O_RDONLY | O_NONBLOCK)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        var first = [Range<Int64>?](repeating: nil, count: keys.count)
        var last = first
        let capacity = 1 << 20
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { buffer.deallocate() }
        var base: Int64 = 0  // the file offset of buffer[0]
        var count = 0
        // The ids named in buffer[0..<end] (whole lines).
        func search(_ end: Int) {
            for prefix in ["RM_", "AJ_"] {
                var from = 0
                while from + 15 <= end, let hit = cpcre2_memmem(buffer + from, end - from, prefix, 3) {
                    let p = UnsafeRawPointer(hit) - UnsafeRawPointer(buffer)
                    from = p + 3
                    guard p + 15 <= end, let k = keys[IdKey(UnsafeRawPointer(buffer + p))] else { continue }
                    if p + 15 < end, Self.isIdByte(buffer[p + 15]) { continue }
                    var start = p
                    while start > 0, buffer[start - 1] != 0x0A { start -= 1 }
                    let stop = memchr(buffer + p, 0x0A, end - p).map { UnsafeRawPointer($0) - UnsafeRawPointer(buffer) } ?? end
                    let line = (base + Int64(start))..<(base + Int64(stop))
                    if first[k] == nil { first[k] = line }
                    last[k] = line
                    from = stop
                }
            }
        }
        while true {
            let n = pread(fd, buffer + count, capacity - count, off_t(base + Int64(count)))
            if n <= 0 {
                search(count)
                break
            }
            count += n
            guard let newline = csystem_memrchr(buffer, 0x0A, count) else {
                // A line longer than the buffer: skipped.
                if count == capacity {
                    base += Int64(count)
                    count = 0
                }
                continue
            }
            let end = UnsafeRawPointer(newline) - UnsafeRawPointer(buffer) + 1
            search(end)
            memmove(buffer, buffer + end, count - end)
            base += Int64(end)
            count -= end
        }
        let lines = Set(first.compactMap { $0 } + last.compactMap { $0 }).sorted { $0.lowerBound < $1.lowerBound }
        var out: [UInt8] = []
        for line in lines {
            out += ReadingOrder.read(fd, at: line.lowerBound, Int(line.upperBound - line.lowerBound))
            out.append(0x0A)
        }
        return out
    }

    private static func isIdByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
    }

    /// A zone whose standard time is `standardOffset` (seconds) and that keeps summer time, as
    /// the example of a zone's name in the note: the user's own part of the world where the
    /// offsets tell it (`Europe/Berlin` otherwise).
    static func summerZoneExample(standardOffset: Int) -> String {
        switch standardOffset {
        case -28800: "America/Los_Angeles"
        case -25200: "America/Denver"
        case -21600: "America/Chicago"
        case -18000: "America/New_York"
        case -14400: "America/Halifax"
        case 0: "Europe/London"
        case 7200: "Europe/Helsinki"
        case 34200: "Australia/Adelaide"
        case 36000: "Australia/Sydney"
        case 43200: "Pacific/Auckland"
        default: "Europe/Berlin"
        }
    }

    /// Seconds from `reference` to `local`; for a time of day, within a day, -12 h to +12 h.
    static func seconds(from reference: Timestamp, to local: Timestamp) -> Double {
        guard !local.hasDate || !reference.hasDate else { return reference.seconds(until: local) }
        let day = Double(Timestamp.microsPerDay) / 1_000_000
        var delta = (Double(local.microsOfDay - reference.microsOfDay) / 1_000_000).truncatingRemainder(dividingBy: day)
        if delta > day / 2 { delta -= day } else if delta <= -day / 2 { delta += day }
        return delta
    }

    /// The zone offset (seconds) that `delta` is, give or take `toleranceSeconds`, or nil.
    static func zoneOffset(_ delta: Double) -> Int? {
        let quarters = (delta / 900).rounded()
        guard abs(delta - quarters * 900) <= toleranceSeconds, abs(quarters) <= 14 * 4,
            quarters == 0 || zoneOffsets.contains(Int(quarters) * 900) else { return nil }
        return Int(quarters) * 900
    }

    /// The offsets that zones have (whole hours, and the half and three-quarter hours of India,
    /// Iran, Newfoundland, Nepal, …): a browser that joined its room 15 minutes after the server
    /// made it is no zone's.
    static let zoneOffsets: Set<Int> = {
        var offsets = Set((-12...14).map { $0 * 3600 })
        for (h, m) in [(-9, -30), (-3, -30), (3, 30), (4, 30), (5, 30), (6, 30), (9, 30), (10, 30), (5, 45), (8, 45), (12, 45)] {
            offsets.insert(h * 3600 + m * 60)
        }
        return offsets
    }()

    /// `+08:00`, `-05:30`.
    static func zoneText(_ seconds: Int) -> String {
        let m = abs(seconds) / 60
        let hh = m / 60 < 10 ? "0\(m / 60)" : "\(m / 60)"
        let mm = m % 60 < 10 ? "0\(m % 60)" : "\(m % 60)"
        return (seconds < 0 ? "-" : "+") + hh + ":" + mm
    }

    /// `8 h`, `5 h 30 min`.
    static func duration(_ seconds: Int) -> String {
        let (h, m) = (seconds / 3600, seconds % 3600 / 60)
        return h == 0 ? "\(m) min" : m == 0 ? "\(h) h" : "\(h) h \(m) min"
    }

    /// An input's ids, read from its first and last 64 KiB (`ReadingOrder.ends`) in UTC and in
    /// +01:00: a line whose time moved by the hour named no zone. Nil for anything but a plain,
    /// ungzipped file.
    static func sample(_ input: InputDescriptor, options: IngestOptions) -> Sample? {
        guard let (head, tail) = ReadingOrder.ends(of: input), !head.isEmpty else { return nil }
        // (A file within 64 KiB is its head alone.)
        return sample(head == tail ? [head] : [head, tail], of: input, options: options)
    }

    /// The ids of pieces of an input's lines, in order (see `sample(_:options:)`).
    static func sample(_ pieces: [[UInt8]], of input: InputDescriptor, options: IngestOptions) -> Sample? {
        var inUTC = options
        inUTC.zonesByPath.append((input.path, .utc))
        var inPlusOne = options
        inPlusOne.zonesByPath.append((input.path, TimeZoneSetting("+01:00")!))
        var sample = Sample()
        // Read twice: in UTC on a made-up date for times of day, then in +01:00 on the next day.
        // A line whose time did not move named its zone and date; one that moved 1 h back named
        // no zone; one that moved a day (less that hour) is a time of day (without a zone).
        let day: Int64 = 20_000
        for bytes in pieces {
            let a = ReadingOrder.sampleRecords(bytes, of: input, options: inUTC, referenceDay: day)
            let b = ReadingOrder.sampleRecords(bytes, of: input, options: inPlusOne, referenceDay: day + 1)
            guard a.count == b.count else { return nil }
            for (x, y) in zip(a, b) {
                guard let read = x.time, let moved = y.time.map({ read.seconds(until: $0) }) else { continue }
                let dated = abs(moved) < 43_200
                let zoneless = moved.truncatingRemainder(dividingBy: 86_400) != 0
                // A time of day as such: its reading in UTC, without the made-up date.
                let t = dated ? read : Timestamp(micros: read.microsOfDay, hasDate: false)
                if !zoneless { sample.sawZoned = true }
                for id in [x.ids.jobId, x.ids.roomSid, x.ids.room.map { "name:" + $0 }] {
                    guard let id, id.hasPrefix("AJ_") || id.hasPrefix("RM_") || id.count > 5 && id.hasPrefix("name:") else { continue }
                    // An id's first and last lines, in the file's order (within the tolerance
                    // of lines slightly out of order): not its earliest and latest times, which
                    // past midnight are a time of day after it and one before it, and in the
                    // hour written twice when the clocks go back, a line after the change.
                    if zoneless {
                        if sample.zoneless[id] == nil { sample.zoneless[id] = t }
                        sample.zonelessLast[id] = t
                    } else {
                        if sample.zoned[id] == nil { sample.zoned[id] = t }
                        sample.zonedLast[id] = t
                    }
                }
            }
        }
        return sample
    }
}

extension IngestOptions {
    /// Whether `--tz NAME=ZONE` names the input at `path`.
    func names(_ path: String) -> Bool { zonesByPath.contains { Self.names(path, $0.name) } }

    /// Adds the zones `ZoneInference` reads for `inputs` to `zonesByPath`; returns its notes.
    public mutating func inferZones(for inputs: [InputDescriptor]) -> [Diagnostic] {
        let (zones, notes) = ZoneInference.infer(inputs, options: self)
        zonesByPath += zones
        return notes
    }
}
