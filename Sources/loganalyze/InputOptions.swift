import ArgumentParser
import LogAnalyzer

/// Options shared by every command that reads logs.
struct InputOptions: ParsableArguments {
    @Argument(help: "Log files, directories (searched recursively for *.log, *.txt, *.jsonl, *.gz, …) or - for standard input.")
    var paths: [String] = []

    @Option(name: .customLong("tz"), parsing: .unconditionalSingleValue, help: "Time zone for stamps written without one: UTC, +08:00, or an IANA name such as Europe/Berlin; NAME=ZONE sets it for the inputs named NAME (a file name, a path or a directory) only; repeatable. (default: UTC)")
    var timeZones: [String] = []

    @Option(help: "Date (YYYY-MM-DD) for time-only stamps such as `00:51:46 - Session created`. (default: the first date found in the inputs)")
    var date: String?

    @Option(parsing: .unconditional, help: "Cut lines longer than this many bytes (with a diagnostic).")
    var maxLineBytes: Int = 1 << 20

    @Option(parsing: .unconditional, help: "Stop inflating a gzip input after this many bytes (gzip bombs). (default: 200 times the file, at least 4 GiB)")
    var maxDecompressedBytes: UInt64?

    func ingestOptions() throws -> IngestOptions {
        var options = IngestOptions()
        // (A subcommand is the first argument: the one a suggested command line must name.)
        if let first = CommandLine.arguments.dropFirst().first, ["parse", "timeline", "report"].contains(first) {
            options.commandName = first
        }
        for value in timeZones {
            // `NAME=ZONE` (no zone name holds `=`), else the zone of every input.
            let parts = value.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let zoneText = parts.count == 2 ? String(parts[1]) : value
            guard let zone = TimeZoneSetting(zoneText) else {
                throw ValidationError.invalidValue(value, for: "--tz", "not a time zone; use UTC, an offset such as +08:00, or an IANA name (NAME=ZONE for some inputs)")
            }
            if parts.count == 2 {
                guard !parts[0].isEmpty else { throw ValidationError.invalidValue(value, for: "--tz", "NAME=ZONE needs a file or directory name") }
                options.zonesByPath.append((String(parts[0]), zone))
            } else {
                options.timeZone = zone
                options.inferZones = false
            }
        }
        if let date {
            // 2025-02-31 is not a date either: the day must print back as given.
            guard let day = TimeParsing.day(fromISODate: date), Timestamp(micros: day * Timestamp.microsPerDay).dateString == date,
                date >= "1970-01-01"
            else {
                throw ValidationError.invalidValue(date, for: "--date", "not a date from 1970-01-01 to 9999-12-31; use YYYY-MM-DD")
            }
            options.date = day
        }
        // (The line reader allocates this plus a chunk: a larger value overflowed that sum or the
        // allocation, and the run trapped.)
        guard maxLineBytes >= 64, maxLineBytes <= 1 << 30 else {
            throw ValidationError.invalidValue(maxLineBytes, for: "--max-line-bytes", "must be from 64 to 1073741824 (1 GiB)")
        }
        options.maxLineBytes = maxLineBytes
        if let maxDecompressedBytes {
            guard maxDecompressedBytes > 0 else { throw ValidationError.invalidValue(maxDecompressedBytes, for: "--max-decompressed-bytes", "must be positive") }
            options.maxDecompressedBytes = maxDecompressedBytes
        }
        return options
    }
}
