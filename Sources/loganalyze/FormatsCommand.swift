import ArgumentParser
import LogAnalyzer

struct FormatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "formats",
        abstract: "List the log formats loganalyze recognises, one per line, then the wrappers and exports it reads them in."
    )

    /// What a collector or transport puts around a record: stripped first, the line inside read
    /// as one of the formats (README, Formats, says each in full).
    static let wrappers: [(id: String, summary: String)] = [
        ("ansi", "ANSI colours and OSC sequences, a leading `\\r` or `^C`"),
        ("docker-compose", "`docker compose logs` `service  | ` (and `-t`'s time); `docker logs -t`'s time; a log viewer's `| 2026-01-17 21:26:37.251 | ` before a record"),
        ("kubectl", "`kubectl logs --timestamps` time and `--prefix` `[pod/<pod>/<container>] `"),
        ("stern", "stern's `<pod> <container> `, `-o json`, `-o extjson`, `-o ppextjson`, `--timestamps`"),
        ("docker-json-file", "docker's json-file driver `{\"log\":…,\"stream\":…,\"time\":…}`, split lines joined"),
        ("cri", "containerd and CRI-O logs `<time> stdout F <line>`, `P` parts joined"),
        ("journald", "journalctl short, short-iso, short-full, short-unix, and `-o json`"),
        ("loki", "Loki and Grafana Explore exports, `logcli query` and its `-o jsonl`"),
        ("gcp", "Google Cloud Logging `DEFAULT <time> ` and `gcloud logging read --format=json`"),
        ("cloudwatch", "`aws logs tail` (and `--format short`, `--format json`), `get-log-events`/`filter-log-events` JSON"),
        ("fly", "`fly logs` and `fly logs --json`"),
        ("heroku", "`heroku logs`"),
        ("vector", "Vector's file and console sinks, JSON codec, after kubernetes_logs, docker_logs or file"),
        ("fluent-bit", "Fluent Bit's file output (default, plain) and stdout (json_lines, default print) after tail"),
    ]

    func run() throws {
        let width = (LogFormat.allCases.map(\.id.count) + Self.wrappers.map(\.id.count)).max() ?? 0
        let out = OutputStream()
        func row(_ id: String, _ summary: String) { out.write(id.padding(toLength: width + 2, withPad: " ", startingAt: 0) + summary + "\n") }
        for format in LogFormat.allCases { row(format.id, format.summary) }
        out.write("\nwrappers and exports, stripped first (the line inside is read as one of the formats above):\n")
        for wrapper in Self.wrappers { row(wrapper.id, wrapper.summary) }
        try out.finish()
    }
}
