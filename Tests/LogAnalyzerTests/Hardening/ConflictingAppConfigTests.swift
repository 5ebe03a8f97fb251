import Testing

/// App configs found in several directories of one run (`loganalyze incidents/`, each incident
/// with its own `.env` or `config.yaml`) that give different TTLs: the last one applies to every
/// session, which the run now says; it had done so silently (one incident's 90-minute TTL
/// reported as the other's 2 hours).
@Suite struct ConflictingAppConfigTests {
    @Test func differentTTLsAmongTheInputsAreNamed() throws {
        let dir = TempDir()
        _ = dir.write("a/.env", "LIVEKIT_URL=wss://x.livekit.cloud\nTOKEN_TTL_MINUTES=90\n")
        _ = dir.write("a/agent.log", #"{"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "AJ_aaaaaaaaaaaa", "room": "r1", "timestamp": "2026-04-14T09:00:00+00:00"}"# + "\n")
        _ = dir.write("b/config.yaml", "token_ttl_minutes: 120\n")
        _ = dir.write("b/agent.log", #"{"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "AJ_bbbbbbbbbbbb", "room": "r2", "timestamp": "2026-04-15T09:00:00+00:00"}"# + "\n")
        let result = try runLoganalyze(["analyze", dir.url.path + "/a", dir.url.path + "/b"])
        #expect(result.status == 0)
        let warnings = result.stderr.split(separator: "\n").filter { $0.contains("different token TTLs") }
        #expect(warnings == [
            "\(dir.url.path)/b/config.yaml: warning: app configs among the inputs give different token TTLs (\(dir.url.path)/a/.env: 1 h 30 min; \(dir.url.path)/b/config.yaml: 2 h): this one applies to every session; analyse each directory on its own or give --token-ttl"
        ])
    }

    @Test func theSameTTLTwiceIsNoConflict() throws {
        let dir = TempDir()
        _ = dir.write("a/.env", "TOKEN_TTL_HOURS=2\n")
        _ = dir.write("a/agent.log", #"{"message": "received job request", "level": "INFO", "name": "livekit.agents", "job_id": "AJ_aaaaaaaaaaaa", "room": "r1", "timestamp": "2026-04-14T09:00:00+00:00"}"# + "\n")
        _ = dir.write("b/config.yaml", "token_ttl_minutes: 120\n")
        let result = try runLoganalyze(["analyze", dir.url.path + "/a", dir.url.path + "/b"])
        #expect(!result.stderr.contains("different token TTLs"))
    }
}
