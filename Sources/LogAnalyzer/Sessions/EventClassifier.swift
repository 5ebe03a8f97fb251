/// Maps a record to the session event it stands for, by the exact message texts of DOMAIN.md (b).
///
/// Byte literals (memmem) decide; no regex runs here. Provider/plugin 401s and OpenAI's realtime
/// `session_expired` are deliberately not LiveKit authentication failures.
struct EventClassifier {
    let greetingStart: [Literal]
    let greetingEnd: [Literal]

    init(configuration: AnalysisConfiguration) {
        greetingStart = configuration.greetingStartMarkers.map(Literal.init)
        greetingEnd = configuration.greetingEndMarkers.map(Literal.init)
    }

    static let l401 = Literal("401")
    static let unauthorized = Literal("Unauthorized")
    static let invalidToken = Literal("invalid token")
    static let invalidAuthToken = Literal("invalid authorization token")
    static let tokenExpired = Literal("token is expired")
    static let notValidYet = Literal("token not valid yet")
    static let noPermissions = Literal("no permissions to access the room")
    static let invalidAPIKey = Literal("invalid API key")
    static let authRejected = Literal("authentication rejected")
    static let sessionExpired = Literal("session_expired")
    static let failedToConnect = Literal("failed to connect to livekit")

    static let connectionLost: [(Literal, String)] = [
        (Literal("worker connection closed unexpectedly"), "worker connection closed unexpectedly"),
        (Literal("ping timeout"), "signal ping timeout"),
        (Literal("received session close"), "signal session closed"),
        (Literal("websocket closed"), "websocket closed"),
        (Literal("detected network interruption"), "network interruption"),
        (Literal("pc state failed"), "peer connection failed"),
        (Literal("error reading from websocket"), "websocket read error"),
        (Literal("websocket connection closed"), "websocket closed"),
    ]
    static let resume: [Literal] = [
        Literal("resuming connection... attempt"), Literal("restarting connection... attempt"),
        Literal("resuming signal connection, attempt"), Literal("reconnecting, attempt"), Literal("Resuming signal connection"),
    ]
    static let recovered: [Literal] = [
        Literal("RtcEngine successfully recovered"), Literal("fully reconnected to server"), Literal("Resumed signal connection"),
        Literal("signal reconnected to server"),
    ]
    static let gaveUp: [Literal] = [
        Literal("failed to reconnect to the livekit room"), Literal("could not recover connection after"),
        Literal("failed to connect to livekit after"),
    ]
    static let negotiation: [Literal] = [Literal("signalingState is 'closed'"), Literal("NegotiationError")]
    static let sessionStart: [Literal] = [
        Literal("received job request"), Literal("starting RTC session"), Literal("Session created"), Literal("signal connected"),
        Literal("selected node for room"), Literal("connecting to room"),
    ]
    static let sessionEnd: [Literal] = [
        Literal("process exiting"), Literal("room closed"), Literal("disconnect from room"), Literal("participant closing"),
        Literal("closing agent session due to participant disconnect"), Literal("job exiting"),
    ]

    /// The side that wrote `r`, from its format, then its file or service name.
    static func side(of r: LogRecord, path: String) -> Side {
        switch r.format {
        case .agentsJSON, .agentsJSONLegacy, .agentsText, .agentsRich, .agentsCompact, .pinoJSON, .pinoPretty: return .agent
        case .zapConsole, .zapJSON, .webhookEvent: return .server
        case .browserConsole: return .browser
        case .uvicorn: return .backend
        default: break
        }
        let name = (r.source ?? "") + " " + (path.split(separator: "/").last.map(String.init) ?? path)
        let lower = name.lowercased()
        if lower.contains("agent") || lower.contains("worker") { return .agent }
        if lower.contains("server") || lower.contains("livekit") || lower.contains("sfu") { return .server }
        if lower.contains("browser") || lower.contains("client") || lower.contains("console") || lower.contains("frontend") { return .browser }
        if lower.contains("backend") || lower.contains("api") || lower.contains("token") { return .backend }
        return .app
    }

    func classify(_ r: LogRecord) -> EventKind? {
        if let metrics = metrics(r) { return metrics }
        var text = r.message
        if let e = r.errorText { text += "\n" + e }
        return text.withUTF8 { b -> EventKind? in
            if greetingStart.contains(where: { $0.occurs(in: b) }) { return .greetingStart }
            if greetingEnd.contains(where: { $0.occurs(in: b) }) { return .greetingEnd }
            if let auth = authFailure(r, b) { return .authFailure(auth) }
            for (literal, trigger) in Self.connectionLost where literal.occurs(in: b) { return .connectionLost(trigger: trigger) }
            if Self.gaveUp.contains(where: { $0.occurs(in: b) }) { return .gaveUp }
            if Self.resume.contains(where: { $0.occurs(in: b) }) { return .resumeAttempt }
            if Self.recovered.contains(where: { $0.occurs(in: b) }) { return .recovered }
            if Self.negotiation.contains(where: { $0.occurs(in: b) }) { return .negotiationError }
            if let minted = tokenMint(r, b) { return minted }
            if Self.sessionStart.contains(where: { $0.occurs(in: b) }) { return .sessionStart }
            if Self.sessionEnd.contains(where: { $0.occurs(in: b) }) { return .sessionEnd }
            return nil
        }
    }

    /// A LiveKit authentication failure, or nil (including provider 401s).
    private func authFailure(_ r: LogRecord, _ b: Bytes) -> AuthFailureKind? {
        let has401 = Self.l401.occurs(in: b) || Self.unauthorized.occurs(in: b)
        let tokenWords = Self.invalidToken.occurs(in: b) || Self.invalidAuthToken.occurs(in: b) || Self.tokenExpired.occurs(in: b)
            || Self.notValidYet.occurs(in: b) || Self.invalidAPIKey.occurs(in: b) || Self.noPermissions.occurs(in: b)
            || Self.authRejected.occurs(in: b)
        guard has401 || tokenWords else { return nil }
        if let logger = r.logger, logger.hasPrefix("livekit.plugins") || logger == "openai" || logger == "httpx" { return nil }
        if Self.sessionExpired.occurs(in: b) { return nil }
        if Self.failedToConnect.occurs(in: b) && has401 { return .workerRegistration }
        let serverStatus = r.field("status")?.stringValue
        if r.format == .zapConsole || r.format == .zapJSON {
            guard serverStatus == "401" || tokenWords else { return nil }
        } else if !tokenWords {
            // A bare 401 counts only in a signalling context (resume/restart/connect failures).
            let context = r.message.contains("connection failed") || r.message.contains("signal") || r.message.contains("connect")
            guard context, Self.unauthorized.occurs(in: b) else { return nil }
            return .unauthorized
        }
        if Self.notValidYet.occurs(in: b) { return .notYetValid }
        if Self.tokenExpired.occurs(in: b) { return .expired }
        if Self.invalidAPIKey.occurs(in: b) { return .badKey }
        if Self.noPermissions.occurs(in: b) { return .noPermission }
        return .unauthorized
    }

    /// Metrics lines of agents 1.x (extras) and 0.x (`key=value` in the message).
    private func metrics(_ r: LogRecord) -> EventKind? {
        let m = r.message
        guard m.hasSuffix("metrics") || m.contains("metrics:") else { return nil }
        func value(_ key: String) -> Double? {
            if let v = r.field(key)?.doubleValue { return v }
            guard let range = m.range(of: key + "=") else { return nil }
            let rest = m[range.upperBound...].prefix { $0.isNumber || $0 == "." || $0 == "-" || $0 == "e" }
            return Double(rest)
        }
        if m == "LLM metrics" || m.hasPrefix("LLM metrics:") || m.hasPrefix("Pipeline LLM metrics") {
            return value("ttft").map { .llmMetrics(ttft: $0) }
        }
        if m == "TTS metrics" || m.hasPrefix("TTS metrics:") || m.hasPrefix("Pipeline TTS metrics") {
            return value("ttfb").map { .ttsMetrics(ttfb: $0, audioDuration: value("audio_duration")) }
        }
        if m == "EOU metrics" || m.hasPrefix("EOU metrics:") || m.hasPrefix("Pipeline EOU metrics") {
            return value("end_of_utterance_delay").map { .eouMetrics(delay: $0) }
        }
        if m == "RealtimeModel metrics" || m.hasPrefix("RealtimeModel metrics:") {
            return value("ttft").map { .realtimeMetrics(ttft: $0) }
        }
        return nil
    }

    static let tokenWord = Literal("token")
    static let ttlWord = Literal("ttl=")

    /// The backend minting a token: uvicorn `POST …token… 200`, or an app line with `ttl=`.
    private func tokenMint(_ r: LogRecord, _ b: Bytes) -> EventKind? {
        if r.format == .uvicorn, r.field("method")?.stringValue == "POST", let path = r.field("path")?.stringValue,
            path.contains("token"), r.field("status_code")?.stringValue == "200"
        {
            return .tokenMinted(ttlSeconds: nil)
        }
        guard Self.tokenWord.occurs(in: b), let at = Self.ttlWord.find(in: b) else { return nil }
        var i = at + 4
        var number = 0.0
        var digits = 0
        while i < b.count, b[i].isDigit {
            number = number * 10 + Double(b[i] - 0x30)
            digits += 1
            i += 1
        }
        guard digits > 0 else { return nil }
        switch b.byte(i) {
        case UInt8(ascii: "m"): number *= 60
        case UInt8(ascii: "h"): number *= 3600
        default: break
        }
        return .tokenMinted(ttlSeconds: number)
    }
}
