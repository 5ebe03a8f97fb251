import Foundation
import Testing

@testable import LogAnalyzer

/// A healthy three-hour session whose browser console (livekit-client 2.x at its default info
/// level) names the room only when it leaves (`disconnect from room {room: …, roomID: …}`,
/// src/room/Room.ts `disconnect`); its connect lines (`signal connecting to …`, SignalClient.ts;
/// `connected to Livekit Server …`, RTCEngine.ts) carry no ids. They waited for a session of the
/// browser's log; three idle times on (90 min) they were dropped into a session of their own,
/// `(no session ids)`, beside the room's: two sessions for one call in the report. Old id-less
/// events now go where they would at the end: a session of their log active then, else the one
/// session active then.
@Suite struct LateRoomConsoleTests {
    @Test func theConnectLinesJoinTheRoomTheyFallWithin() {
        let dir = tutoringCall(otherRoom: [])
        let report = analyze([dir.url.path])
        #expect(report.sessions.map(\.key) == ["tutoring-7/RM_kW6UKTGeQx07"])
        #expect(report.sessions.first?.sides == [.agent, .server, .browser])
        #expect(report.sessions.first?.end?.iso8601 == "2026-11-22T12:00:21.700Z")
        #expect(report.sessions.first?.recordCount == 186)
    }

    /// The same call while another room of the server's log, 09:28 to 09:32, ends: that
    /// session is finalised at 10:02, when the connect lines are over two idle times old, and
    /// `signal connecting to …` was then dropped into a session of its own, `(no session ids)`,
    /// instead of going to the call, still live (only a walk with no session finalised, three
    /// idle times on, gave old id-less lines to the live sessions).
    @Test func theyJoinItAlsoWhenAnotherSessionEndsMeanwhile() {
        let dir = tutoringCall(otherRoom: [
            "2026-11-22T09:28:00.000Z\tINFO\tlivekit\tservice/roommanager.go:434\tstarting RTC session\t{\"room\": \"tutoring-9\", \"roomID\": \"RM_Tq3vX8mLz2Rb\", \"participant\": \"student-9\", \"pID\": \"PA_Hn5cW2kYp7Js\", \"remote\": false, \"nodeID\": \"ND_hQ8yN2cGkW3s\", \"numParticipants\": 0}",
            "2026-11-22T09:32:00.000Z\tINFO\tlivekit\tservice/roommanager.go:706\troom closed\t{\"room\": \"tutoring-9\", \"roomID\": \"RM_Tq3vX8mLz2Rb\"}",
        ])
        let report = analyze([dir.url.path])
        #expect(report.sessions.map(\.key) == ["tutoring-7/RM_kW6UKTGeQx07", "tutoring-9/RM_Tq3vX8mLz2Rb"])
        #expect(report.sessions.first?.sides == [.agent, .server, .browser])
        // Every line of the call, its browser's two connect lines among them, as without the other room.
        #expect(report.sessions.first?.recordCount == 186)
    }

    /// The call's three logs in a directory; `otherRoom` are server lines written between the
    /// call's start and its end.
    private func tutoringCall(otherRoom: [String]) -> TempDir {
        let dir = TempDir()
        dir.write("server.log", ([
            "2026-11-22T09:00:00.000Z\tINFO\tlivekit\tservice/roomallocator.go:166\tselected node for room\t{\"room\": \"tutoring-7\", \"selectedNodeID\": \"ND_hQ8yN2cGkW3s\"}",
            "2026-11-22T09:00:00.012Z\tINFO\tlivekit\tservice/roommanager.go:434\tstarting RTC session\t{\"room\": \"tutoring-7\", \"roomID\": \"RM_kW6UKTGeQx07\", \"participant\": \"student-42\", \"pID\": \"PA_pCEjTFzfD3hD\", \"remote\": false, \"nodeID\": \"ND_hQ8yN2cGkW3s\", \"numParticipants\": 0}",
        ] + otherRoom + [
            "2026-11-22T12:00:00.010Z\tINFO\tlivekit\trtc/participant.go:1494\tparticipant closing\t{\"room\": \"tutoring-7\", \"roomID\": \"RM_kW6UKTGeQx07\", \"participant\": \"student-42\", \"pID\": \"PA_pCEjTFzfD3hD\", \"remote\": false, \"sendLeave\": false, \"reason\": \"CLIENT_REQUEST_LEAVE\", \"isExpectedToResume\": false}",
            "2026-11-22T12:00:21.700Z\tINFO\tlivekit\tservice/roommanager.go:706\troom closed\t{\"room\": \"tutoring-7\", \"roomID\": \"RM_kW6UKTGeQx07\"}",
        ]).joined(separator: "\n") + "\n")
        // The agent's job: a turn a minute for three hours.
        let job = "\"pid\": 4100, \"job_id\": \"AJ_lllMZaGLoJna\", \"room\": \"tutoring-7\""
        var worker = ["{\"message\": \"received job request\", \"level\": \"INFO\", \"name\": \"livekit.agents\", \"job_id\": \"AJ_lllMZaGLoJna\", \"dispatch_id\": \"AD_Vx2mQ8rT4kLp\", \"room\": \"tutoring-7\", \"room_id\": \"RM_kW6UKTGeQx07\", \"agent_name\": \"\", \"resuming\": false, \"enable_recording\": false, \"timestamp\": \"2026-11-22T09:00:00.050000+00:00\"}"]
        for minute in 1..<180 {
            let (h, m) = (9 + minute / 60, minute % 60)
            worker.append("{\"message\": \"LLM metrics\", \"level\": \"INFO\", \"name\": \"livekit.agents\", \"ttft\": 0.4, \"prompt_tokens\": 900, \"prompt_cached_tokens\": 0, \"completion_tokens\": 20, \"tokens_per_second\": 40.0, \(job), \"timestamp\": \"2026-11-22T\(h < 10 ? "0" : "")\(h):\(m < 10 ? "0" : "")\(m):10.050000+00:00\"}")
        }
        worker.append("{\"message\": \"process exiting\", \"level\": \"INFO\", \"name\": \"livekit.agents\", \"reason\": \"\", \(job), \"timestamp\": \"2026-11-22T12:00:00.050000+00:00\"}")
        dir.write("worker.log", worker.joined(separator: "\n") + "\n")
        dir.write("browser.log", [
            "08:59:59.800 livekit-client.esm.mjs:15431 signal connecting to wss://demo-x7k2p9.livekit.cloud/rtc/v1 {reconnect: false}",
            "09:00:00.180 livekit-client.esm.mjs:19876 connected to Livekit Server version: 1.13.4, region: us-east-1, protocol: 16",
            "11:59:59.980 livekit-client.esm.mjs:20512 disconnect from room {room: 'tutoring-7', roomID: 'RM_kW6UKTGeQx07', participant: 'student-42', participantID: 'PA_pCEjTFzfD3hD'}",
        ].joined(separator: "\n") + "\n")
        return dir
    }
}
