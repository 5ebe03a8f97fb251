/// The line layouts loganalyze recognises; `id` is stable API (NDJSON `format`, `formats` command).
public enum LogFormat: String, Sendable, CaseIterable, Hashable {
    case agentsJSON = "agents-json"
    case agentsJSONLegacy = "agents-json-legacy"
    case agentsText = "agents-text"
    case agentsRich = "agents-rich"
    case agentsCompact = "agents-compact"
    case pythonAsctime = "python-asctime"
    case pythonBasic = "python-basic"
    case pythonBracket = "python-bracket"
    case zapConsole = "zap-console"
    case zapJSON = "zap-json"
    case browserConsole = "browser-console"
    case pinoJSON = "pino-json"
    case pinoPretty = "pino-pretty"
    case uvicorn = "uvicorn"
    case gunicorn = "gunicorn"
    case accessLog = "access-log"
    case appTime = "app-time"
    case webhookEvent = "webhook-event"
    case sentryBreadcrumb = "sentry-breadcrumb"
    case json = "json"
    case plain = "plain"

    public var id: String { rawValue }

    /// One line for `loganalyze formats`.
    public var summary: String {
        switch self {
        case .agentsJSON:
            "livekit-agents production JSON (1.x; 0.8 without `name`): message, level, name, extras, timestamp"
        case .agentsJSONLegacy:
            "livekit-agents <= 0.7 python-json-logger JSON with `asctime` (local time, no zone)"
        case .agentsText:
            "livekit-agents dev text: `YYYY-MM-DD HH:MM:SS,mmm - LEVEL logger - message {extras}`, ANSI or not"
        case .agentsRich:
            "livekit-agents 1.3-1.5 Rich console: `HH:MM:SS.mmm LEVEL logger message {extras}`, blank repeated times"
        case .agentsCompact:
            "livekit-agents 1.6+ console/simulation: `HH:MM:SS LEVEL logger message {extras}`"
        case .pythonAsctime:
            "Python basicConfig `asctime - LEVEL - message`, `asctime - name - LEVEL - message` or `asctime LEVEL name: message`; Flask's `[asctime] LEVEL in module: message`"
        case .pythonBasic:
            "Python basicConfig default `LEVEL:name:message`"
        case .pythonBracket:
            "Python `[LEVEL] message`"
        case .zapConsole:
            "livekit-server zap console: `ISO-time LEVEL logger caller.go:N message {context}` (tabs or spaces)"
        case .zapJSON:
            "livekit-server zap JSON (`logging.json: true`): level, ts (epoch s), logger, caller, msg"
        case .browserConsole:
            "browser DevTools console (livekit-client): `[HH:MM:SS.mmm] file.js:N message {room: '…'}`, errors with `at` stacks"
        case .pinoJSON:
            "Node @livekit/agents pino JSON: numeric level, epoch-ms time, msg"
        case .pinoPretty:
            "Node @livekit/agents pino-pretty: `[HH:MM:SS.mmm] LEVEL (pid): message` with indented key: value lines"
        case .uvicorn:
            "uvicorn default and access lines: `INFO:     127.0.0.1:5432 - \"POST /api/token HTTP/1.1\" 200 OK`"
        case .gunicorn:
            "gunicorn's error log: `[2026-11-27 01:51:46 +0000] [1234] [INFO] Booting worker with pid: 1234`"
        case .accessLog:
            "HTTP access lines in Common Log Format (gunicorn, werkzeug): `127.0.0.1 - - [27/Nov/2026:02:02:12 +0000] \"GET /getToken HTTP/1.1\" 200 321`"
        case .appTime:
            "application lines with a time of day only: `00:51:46.668 - Generating initial greeting`"
        case .webhookEvent:
            "LiveKit webhook events copied as text: `PARTICIPANT_LEFT\\t{json}`"
        case .sentryBreadcrumb:
            "Sentry breadcrumbs of a browser session saved as one JSON document (`[{\"timestamp\", \"category\", \"data\": {\"arguments\": […]}}]`)"
        case .json:
            "any other JSON object per line (msg/message, level, time keys when present)"
        case .plain:
            "a line in no known format, kept as a message-only record"
        }
    }
}
