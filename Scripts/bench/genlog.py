#!/usr/bin/env python3
"""Deterministic generator of large livekit-agents 1.x worker logs for benchmarking loganalyze.

Usage:
    python3 Scripts/bench/genlog.py --size-mb 1024 --format json --seed 1 \
        --out /tmp/bench.log --manifest /tmp/bench.manifest.json

Python 3 standard library only. Output depends only on (--size-mb, --format, --seed): the
same arguments always give byte-identical files. json and text runs with the same seed render
the same sequence of sessions with the same content; only the layout differs. Text lines are
shorter, so a text file of the same --size-mb holds more sessions (its first N sessions are
the json file's N sessions); use --sessions N to get exactly the same set in both formats.
Generation stops admitting sessions once the target size is reached and lets every started
session finish, so the file is a few kB larger than --size-mb MiB (1 MiB = 2^20 bytes).

Layouts follow shared/DOMAIN.md:
  * json: A1, livekit-agents production JSON (JsonFormatter): keys message, level, name,
    [exc_info], extras..., timestamp; json.dumps default separators; ensure_ascii.
    Job-process lines carry pid/job_id/room (1.6 style); worker lines carry none.
  * text: A2, livekit-agents dev format (ColoredFormatter)
    "%(asctime)s - ESC[..m%(levelname)-4sESC[0m %(name)s - %(message)s ESC[90m%(extra)s" + ESC[0m
    and a traceback on the following physical lines when exc_info is set.
  * Rust SDK lines (A4): logger "livekit", message "livekit::rtc_engine:729:livekit::rtc_engine - ...".

Simulated workload: one worker process; sessions arrive as a Poisson process whose rate
follows a slow sine wave so that ~50-200 jobs run concurrently; each session is a job with
greeting + 3..20 turns and a clean participant disconnect. Planted problems (counted exactly
in the manifest):
  * slow greeting, warning: 'Generating initial greeting' -> 'Voice agent running for room'
    in [2.2, 4.8] s (normal sessions: [0.8, 1.9] s)
  * slow greeting, error: in [5.2, 12.0] s
  * token-expiry cascade: 11-20 min of silence from the job, then the Rust SDK resume loop
    failing with 401 "token is expired" (real HS256 JWT, nbf = last 5-min refresh before the
    silence, exp = nbf + 600), plus the worker-level "failed to connect to livekit, retrying
    in 0s" warning with a traceback, then "failed to reconnect to the livekit room".
Roughly 3% of the lines are noise: raw print() output, "Connected to: <socket.socket ...>",
httpx request lines, and "Task exception was never retrieved" + raw traceback.

Note on versions: the worker announces livekit-agents 1.6.0 and job lines use the 1.6 extras
(pid, job_id, room); the worker-connection warning uses the 1.0-1.5 shape (exc_info traceback
ending "Exception: worker connection closed unexpectedly", frames from worker.py 1.4.6), as
the benchmark spec asks for that shape.
"""

from __future__ import annotations

import argparse
import base64
import calendar
import hashlib
import hmac
import heapq
import json
import math
import os
import random
import sys
import time

SEC = 1_000_000  # simulated time is kept in integer microseconds since T0
T0_EPOCH = calendar.timegm((2026, 3, 2, 0, 0, 0))  # 2026-03-02T00:00:00Z

# planted-problem probabilities (per session, mutually exclusive)
P_SLOW_WARN = 0.005
P_SLOW_ERR = 0.003
P_CASCADE = 0.002

# concurrency model: target concurrent jobs C(t) = C_MID + C_AMP*sin(2*pi*t/C_PERIOD)
C_MID = 120.0
C_AMP = 55.0
C_PERIOD = 4 * 3600.0
# mean simulated session length in seconds (measured with --stats; used to turn C(t) into a rate)
MEAN_SESSION_S = 154.0

AGENT_NAME = "bench-agent"
API_KEY = "APIbenchKey0001"
API_SECRET = b"benchSecret0001-not-a-real-secret-0123456789"
WORKER_URL = "wss://bench-k2x9q1ab.livekit.cloud"
RUST = "livekit::rtc_engine:729:livekit::rtc_engine - "
B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

LEVEL_COLOR = {
    "DEBUG": "\x1b[36m",
    "INFO": "\x1b[32m",
    "WARNING": "\x1b[33m",
    "ERROR": "\x1b[31m",
    "CRITICAL": "\x1b[1;31m",
}

WORKER_TRACEBACK = (
    "Traceback (most recent call last):\n"
    '  File "/app/.venv/lib/python3.11/site-packages/livekit/agents/worker.py", line 1011, in _connection_task\n'
    "    await self._run_ws(ws)\n"
    '  File "/app/.venv/lib/python3.11/site-packages/livekit/agents/worker.py", line 1093, in _run_ws\n'
    "    await asyncio.gather(*tasks)\n"
    '  File "/app/.venv/lib/python3.11/site-packages/livekit/agents/worker.py", line 1065, in _recv_task\n'
    '    raise Exception("worker connection closed unexpectedly")\n'
    "Exception: worker connection closed unexpectedly"
)

USER_PHRASES = [
    "Hi, I'd like to book an appointment for next week.",
    "Can you tell me what time you close today?",
    "Yes, that works for me.",
    "No, I meant the other location.",
    "What's the price for a standard service?",
    "Could you repeat that please?",
    "My order number is 4 7 1 9 2.",
    "I want to change my delivery address.",
    "Okay, thanks.",
    "Is there anything available on Friday afternoon?",
    "I'm calling about my last invoice.",
    "Sure, go ahead.",
    "How long will it take?",
    "That's all, thank you very much.",
    "Hello? Can you hear me?",
    "I need to cancel my subscription.",
]

PRINT_LINES = [
    "on_user_turn_completed: {n} messages in chat context",
    ">>> tool call: lookup_customer(phone='+1555{phone:07d}')",
    "saving transcript to /tmp/transcripts/{room}.json",
    "DEBUG agent state -> thinking (turn {n})",
    "participant connected: {ident}",
    "[latency] end-of-turn -> first audio: {ms} ms",
]

TASK_EXC_FUNCS = ["save_transcript", "post_analytics", "update_crm_record", "notify_webhook"]


def b62(rng: random.Random, n: int) -> str:
    return "".join(rng.choices(B62, k=n))


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def make_jwt(nbf: int, room: str, job_id: str) -> str:
    """HS256 JWT as minted by the LiveKit server token refresh (Go, compact JSON, sorted keys)."""
    header = b'{"alg":"HS256","typ":"JWT"}'
    claims = {
        "exp": nbf + 600,
        "iss": API_KEY,
        "name": AGENT_NAME,
        "nbf": nbf,
        "sub": "agent-" + job_id,
        "video": {"room": room, "roomJoin": True},
    }
    payload = json.dumps(claims, separators=(",", ":"), sort_keys=True).encode("ascii")
    signing_input = b64url(header) + "." + b64url(payload)
    sig = hmac.new(API_SECRET, signing_input.encode("ascii"), hashlib.sha256).digest()
    return signing_input + "." + b64url(sig)


def jstr(s: str) -> str:
    """JSON string literal exactly as json.dumps (ensure_ascii) would write it."""
    if s.isascii() and s.isprintable() and '"' not in s and "\\" not in s:
        return '"' + s + '"'
    return json.dumps(s)


def r2(x: float) -> str:
    """repr of round(x, 2), i.e. how Python's json writes a metric rounded to 2 decimals."""
    return repr(round(x, 2))


class Renderer:
    """Turns (time, level, logger, message, extras-fragment, exc) into one log record."""

    def __init__(self, fmt: str) -> None:
        self.fmt = fmt
        self.cache: dict[int, str] = {}
        self.level_text = {
            lv: f"{col}{lv:<4}\x1b[0m" for lv, col in LEVEL_COLOR.items()
        }

    def _prefix(self, sec: int) -> str:
        p = self.cache.get(sec)
        if p is None:
            if len(self.cache) > 200_000:
                self.cache.clear()
            tm = time.gmtime(T0_EPOCH + sec)
            if self.fmt == "json":
                p = time.strftime("%Y-%m-%dT%H:%M:%S", tm)
            else:
                p = time.strftime("%Y-%m-%d %H:%M:%S", tm)
            self.cache[sec] = p
        return p

    def line(self, t: int, level: str, name: str, msg: str, extras: str = "", exc: str | None = None) -> str:
        sec, us = divmod(t, SEC)
        p = self._prefix(sec)
        if self.fmt == "json":
            ts = f"{p}.{us:06d}+00:00" if us else p + "+00:00"
            exc_part = ', "exc_info": ' + json.dumps(exc) if exc else ""
            ext_part = ", " + extras if extras else ""
            return (
                f'{{"message": {jstr(msg)}, "level": "{level}", "name": "{name}"'
                f'{exc_part}{ext_part}, "timestamp": "{ts}"}}'
            )
        ext_obj = "{" + extras + "}" if extras else ""
        s = f"{p},{us // 1000:03d} - {self.level_text[level]} {name} - {msg} \x1b[90m{ext_obj}\x1b[0m"
        if exc:
            s += "\n" + exc
        return s


class Generator:
    def __init__(self, size_bytes: int, fmt: str, seed: int, out, stats: bool = False,
                 max_sessions: int = 0) -> None:
        self.target = size_bytes
        self.max_sessions = max_sessions
        self.fmt = fmt
        self.seed = seed
        self.rng = random.Random(seed)
        self.R = Renderer(fmt)
        self.out = out
        self.heap: list = []
        self.seq = 0
        self.pending = 0  # bytes produced (heap + output buffer, incl. newline) but not yet written
        self.written = 0
        self.lines = 0
        self.sessions = 0
        self.slow_warn = 0
        self.slow_err = 0
        self.cascades = 0
        self.noise_lines = 0
        self.next_pid = 1200 + self.rng.randrange(4000)
        self.stats = stats
        self.session_spans: list = []  # (start, end) for --stats concurrency sampling

    # ---- queueing ---------------------------------------------------------------------
    def push(self, t: int, line: str) -> None:
        self.seq += 1
        self.pending += len(line) + 1
        heapq.heappush(self.heap, (t, self.seq, line))

    def noise(self, t: int, line: str) -> None:
        self.noise_lines += line.count("\n") + 1
        self.push(t, line)

    def worker(self, t: int, level: str, msg: str, extras: str = "", exc: str | None = None,
               name: str = "livekit.agents") -> None:
        self.push(t, self.R.line(t, level, name, msg, extras, exc))

    # ---- worker boilerplate -------------------------------------------------------------
    def registered(self, t: int) -> None:
        wid = "AW_" + b62(self.rng, 12)
        self.worker(
            t, "INFO", "registered worker",
            f'"agent_name": "{AGENT_NAME}", "deployment": "", "id": "{wid}", '
            f'"url": "{WORKER_URL}", "region": "US East B", "protocol": 16',
        )

    def header(self) -> int:
        rng = self.rng
        t = 0  # exactly 2026-03-02T00:00:00 -> exercises the "no .ffffff" timestamp form
        self.worker(t, "INFO", "starting worker", '"version": "1.6.0", "rtc-version": "1.0.23"')
        plugins = ["livekit.plugins.openai", "livekit.plugins.deepgram", "livekit.plugins.cartesia",
                   "livekit.plugins.silero"]
        for p in plugins:
            t += rng.randrange(200, 2000)
            self.worker(t, "INFO", "plugin registered", f'"plugin": "{p}", "version": "1.6.0"')
        t += rng.randrange(1000, 5000)
        pk = ", ".join(f'"{p}"' for p in plugins + ["av"])
        self.worker(t, "INFO", "preloading plugins", f'"packages": [{pk}]')
        t += rng.randrange(20_000, 90_000)
        self.worker(t, "INFO", "HTTP server listening on :8081")
        t += rng.randrange(150_000, 400_000)
        self.registered(t)
        return t + rng.randrange(300_000, 1_500_000)

    # ---- one session --------------------------------------------------------------------
    def session(self, t0: int) -> int:
        """Queue every line of one job starting at t0; returns the session end time."""
        rng = self.rng
        R = self.R
        rand = rng.random
        uni = rng.uniform
        self.sessions += 1

        u = rand()
        if u < P_CASCADE:
            kind = "cascade"
            self.cascades += 1
        elif u < P_CASCADE + P_SLOW_ERR:
            kind = "err"
            self.slow_err += 1
        elif u < P_CASCADE + P_SLOW_ERR + P_SLOW_WARN:
            kind = "warn"
            self.slow_warn += 1
        else:
            kind = "ok"

        room = "room-" + b62(rng, 8)
        room_id = "RM_" + b62(rng, 12)
        job_id = "AJ_" + b62(rng, 12)
        disp = "AD_" + b62(rng, 12)
        ident = "user-" + b62(rng, 6)
        pid = self.next_pid
        self.next_pid += 1 + rng.randrange(40)
        if self.next_pid > 4_000_000:
            self.next_pid = 1200
        ctx = f'"pid": {pid}, "job_id": "{job_id}", "room": "{room}"'

        def J(t, level, name, msg, own=""):
            self.push(t, R.line(t, level, name, msg, own + ", " + ctx if own else ctx))

        # --- worker: job request, assignment, process start
        t = t0
        self.worker(
            t, "INFO", "received job request",
            f'"job_id": "{job_id}", "dispatch_id": "{disp}", "room": "{room}", "room_id": "{room_id}", '
            f'"agent_name": "{AGENT_NAME}", "resuming": false, "enable_recording": false',
        )
        t += rng.randrange(2_000, 30_000)
        self.worker(
            t, "DEBUG", "received assignment",
            f'"agent_name": "{AGENT_NAME}", "room_id": "{room_id}", "room": "{room}", "job_id": "{job_id}", '
            f'"dispatch_id": "{disp}", "enable_recording": false',
        )
        t += rng.randrange(1_000, 5_000)
        self.worker(t, "INFO", "initializing process", f'"pid": {pid}')
        el = uni(0.25, 1.6)
        t += int(el * SEC)
        self.worker(t, "INFO", "process initialized", f'"pid": {pid}, "elapsed_time": {r2(el)}')

        # --- job process: session start + greeting
        t_join = t + rng.randrange(100_000, 600_000)
        J(t_join, "DEBUG", "livekit.agents",
          "using audio io: `RoomIO` -> `AgentSession` -> `TranscriptSynchronizer` -> `RoomIO`")
        J(t_join + rng.randrange(200, 3000), "DEBUG", "livekit.agents",
          "using transcript io: `AgentSession` -> `TranscriptSynchronizer` -> `RoomIO`")
        t = t_join + rng.randrange(4_000, 25_000)
        J(t, "INFO", "agent", "Session created")
        tg = t + rng.randrange(20_000, 300_000)
        J(tg, "INFO", "agent", "Generating initial greeting")
        if kind == "warn":
            g = uni(2.2, 4.8)
            ttft = g * uni(0.4, 0.7)
        elif kind == "err":
            g = uni(5.2, 12.0)
            ttft = g * uni(0.4, 0.7)
        else:
            g = uni(0.8, 1.9)
            ttft = g * uni(0.2, 0.35)
        ttfb = g * uni(0.1, 0.2)
        gen_s = (g - ttft) * uni(0.05, 0.25)
        t_llm = tg + int((ttft + gen_s) * SEC)
        ctok = max(3, int(gen_s * uni(30.0, 90.0)))
        ptok = rng.randint(450, 1400)
        J(t_llm, "INFO", "livekit.agents", "LLM metrics",
          f'"ttft": {r2(ttft)}, "prompt_tokens": {ptok}, "prompt_cached_tokens": 0, '
          f'"completion_tokens": {ctok}, "tokens_per_second": {r2(ctok / gen_s)}')
        audio = max(g - ttft - ttfb - uni(0.01, 0.05), 0.1)
        t_tts = tg + int(g * SEC) - rng.randrange(5_000, 30_000)
        J(t_tts, "INFO", "livekit.agents", "TTS metrics", f'"ttfb": {ttfb!r}, "audio_duration": {r2(audio)}')
        t_run = tg + int(g * SEC)
        J(t_run, "INFO", "agent", "Voice agent running for room " + room)

        # --- conversational turns
        n_turns = rng.randint(3, 20)
        silence_after = rng.randint(2, 12) if kind == "cascade" else -1
        t = t_run + int(uni(0.5, 3.0) * SEC)
        last = t_run
        prev_pt = ptok
        for k in range(n_turns):
            speech = uni(0.8, 6.0)
            eou = uni(0.25, 1.3)
            trans = eou * uni(0.5, 0.98)
            t_speech_end = t + int(speech * SEC)
            t_tr = t_speech_end + int(trans * SEC)
            phrase = rng.choice(USER_PHRASES)
            J(t_tr, "DEBUG", "livekit.agents", "received user transcript",
              f'"user_transcript": {jstr(phrase)}, "language": "en", "transcript_delay": {trans + uni(0.0, 0.02)!r}')
            t_eou = t_speech_end + int(eou * SEC)
            J(t_eou, "INFO", "livekit.agents", "EOU metrics",
              f'"end_of_utterance_delay": {r2(eou)}, "transcription_delay": {r2(trans)}')
            ttft = uni(0.25, 1.1)
            ctok = rng.randint(8, 160)
            gen_s = ctok / uni(25.0, 110.0)
            t_llm = t_eou + int((ttft + gen_s) * SEC)
            pt = prev_pt + rng.randint(5, 40) + ctok
            cached = (prev_pt // 128) * 128 if prev_pt >= 1024 else 0
            prev_pt = pt
            J(t_llm, "INFO", "livekit.agents", "LLM metrics",
              f'"ttft": {r2(ttft)}, "prompt_tokens": {pt}, "prompt_cached_tokens": {cached}, '
              f'"completion_tokens": {ctok}, "tokens_per_second": {r2(ctok / gen_s)}')
            ttfb = uni(0.12, 0.6)
            audio = ctok * uni(0.045, 0.075)
            t_first_audio = t_eou + int((ttft + ttfb) * SEC)
            t_tts = max(t_llm, t_first_audio) + int(uni(0.05, 0.6) * SEC)
            J(t_tts, "INFO", "livekit.agents", "TTS metrics",
              f'"ttfb": {ttfb!r}, "audio_duration": {r2(audio)}')
            last = max(t_tts, t_llm)

            # noise (~3% of all lines overall)
            x = rand()
            if x < 0.085:
                tn = t_eou + int(ttft * uni(0.3, 0.95) * SEC)
                self.noise(tn, R.line(
                    tn, "INFO", "httpx",
                    'HTTP Request: POST https://api.openai.com/v1/chat/completions "HTTP/1.1 200 OK"',
                    ctx))
            elif x < 0.125:
                tn = t + int(uni(0.0, 3.0) * SEC)
                tpl = rng.choice(PRINT_LINES)
                self.noise(tn, tpl.format(n=2 * k + 3, phone=rng.randrange(10_000_000), room=room,
                                          ident=ident, ms=rng.randrange(600, 2500)))
            elif x < 0.145:
                tn = t + int(uni(0.0, 3.0) * SEC)
                self.noise(tn, (
                    f"Connected to: <socket.socket fd={rng.randrange(9, 200)}, family=2, type=1, proto=6, "
                    f"laddr=('10.12.{rng.randrange(0, 4)}.{rng.randrange(2, 250)}', {rng.randrange(32768, 60999)}), "
                    f"raddr=('10.12.0.{rng.randrange(2, 20)}', 5432)>"))
            elif x < 0.1482:
                tn = t + int(uni(0.0, 3.0) * SEC)
                fn = rng.choice(TASK_EXC_FUNCS)
                line_no = rng.randrange(40, 400)
                self.noise(tn, (
                    "Task exception was never retrieved\n"
                    f"future: <Task finished name='Task-{rng.randrange(100, 999999)}' coro=<{fn}() done, "
                    f"defined at /app/agent.py:{line_no}> exception=ConnectionResetError('Connection lost')>\n"
                    "Traceback (most recent call last):\n"
                    f'  File "/app/agent.py", line {line_no + rng.randrange(2, 12)}, in {fn}\n'
                    "    await db.execute(query, payload)\n"
                    f'  File "/app/db.py", line {rng.randrange(20, 90)}, in execute\n'
                    '    raise ConnectionResetError("Connection lost")\n'
                    "ConnectionResetError: Connection lost"))
            if rand() < 0.01:
                tn = t + int(uni(0.0, 2.0) * SEC)
                J(tn, "INFO", "livekit.plugins.openai", "resetting Realtime STT session due to timeout")

            t = t_first_audio + int((audio + uni(0.4, 4.0)) * SEC)
            if k == silence_after:
                break

        if kind == "cascade":
            # last refresh the job received before going silent: join, join+5min, ...
            ts = last
            k5 = (ts - t_join) // (300 * SEC)
            nbf = (T0_EPOCH * SEC + t_join + k5 * 300 * SEC) // SEC
            token = make_jwt(nbf, room, job_id)
            tf = ts + int(uni(11.05 * 60, 19.95 * 60) * SEC)
            J(tf, "WARNING", "livekit",
              RUST + 'received session close: "signal client closed: \\"stream closed\\"" UnknownReason Resume')
            tw = tf + rng.randrange(0, 40_000)
            self.worker(tw, "WARNING", "failed to connect to livekit, retrying in 0s", exc=WORKER_TRACEBACK)
            self.registered(tw + rng.randrange(300_000, 1_500_000))
            ta = tf + rng.randrange(5_000, 50_000)
            fail = (RUST + "resuming connection failed: client error: 401 Unauthorized - invalid token: "
                    + token + ", error: go-jose/go-jose/jwt: validation failed, token is expired (exp)")
            for i in range(rng.randint(3, 6)):
                J(ta, "ERROR", "livekit", RUST + f"resuming connection... attempt: {i}")
                ta += rng.randrange(30_000, 250_000)
                J(ta, "ERROR", "livekit", fail)
                ta += rng.randrange(300_000, 1_000_000)
            ta += rng.randrange(10_000, 100_000)
            J(ta, "ERROR", "livekit", RUST + "failed to reconnect to the livekit room")
            ta += rng.randrange(20_000, 200_000)
            J(ta, "DEBUG", "livekit.agents", "shutting down job task",
              '"reason": "room disconnected", "user_initiated": false')
            ta += rng.randrange(2_000, 30_000)
            J(ta, "INFO", "livekit.agents", "process exiting", '"reason": "room disconnected"')
            return ta

        te = t + int(uni(0.2, 8.0) * SEC)
        self.push(te, R.line(
            te, "INFO", "livekit.agents",
            "closing agent session due to participant disconnect "
            "(disable via `RoomInputOptions.close_on_disconnect=False`)",
            f'"room": "{room}", "participant": "{ident}", "reason": "CLIENT_INITIATED", '
            f'"pid": {pid}, "job_id": "{job_id}"'))
        te += rng.randrange(5_000, 50_000)
        J(te, "DEBUG", "livekit.agents", "session closed", '"reason": "participant_disconnected", "error": null')
        te += rng.randrange(10_000, 200_000)
        J(te, "DEBUG", "livekit.agents", "shutting down job task", '"reason": "", "user_initiated": false')
        te += rng.randrange(2_000, 30_000)
        J(te, "INFO", "livekit.agents", "process exiting", '"reason": ""')
        return te

    # ---- main loop ----------------------------------------------------------------------
    def flush(self, buf: list) -> None:
        chunk = "\n".join(buf) + "\n"
        self.lines += chunk.count("\n")
        data = chunk.encode("ascii")
        self.written += len(data)
        self.pending -= len(data)
        self.out.write(data)
        buf.clear()

    def run(self) -> None:
        heap = self.heap
        pop = heapq.heappop
        buf: list = []
        append = buf.append
        t_arr = self.header()
        rng = self.rng
        two_pi = 2 * math.pi
        while True:
            # emit everything that happens before the next session arrives
            while heap and heap[0][0] <= t_arr:
                append(pop(heap)[2])
                if len(buf) >= 10_000:
                    self.flush(buf)
            if self.max_sessions:
                if self.sessions >= self.max_sessions:
                    break
            elif self.written + self.pending >= self.target:
                break
            end = self.session(t_arr)
            if self.stats:
                self.session_spans.append((t_arr, end))
            conc = C_MID + C_AMP * math.sin(two_pi * (t_arr / SEC) / C_PERIOD)
            rate = conc / MEAN_SESSION_S
            t_arr += max(1, int(rng.expovariate(rate) * SEC))
        while heap:
            append(pop(heap)[2])
            if len(buf) >= 10_000:
                self.flush(buf)
        if buf:
            self.flush(buf)
        self.sim_end = t_arr



def concurrency_stats(spans: list) -> str:
    if not spans:
        return "no sessions"
    ev = []
    for s, e in spans:
        ev.append((s, 1))
        ev.append((e, -1))
    ev.sort()
    cur = 0
    samples = []
    start, stop = spans[0][0] + 600 * SEC, spans[-1][0]
    step = 60 * SEC
    nxt = start
    for t, d in ev:
        while nxt <= t and nxt <= stop:
            samples.append(cur)
            nxt += step
        cur += d
    if not samples:
        return "too short for concurrency stats"
    samples.sort()
    mean_len = sum(e - s for s, e in spans) / len(spans) / SEC
    return (f"concurrency (1-min samples after warm-up): min {samples[0]} median {samples[len(samples) // 2]} "
            f"max {samples[-1]}; mean session length {mean_len:.1f} s")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size-mb", type=float, default=1024, help="target size in MiB (1 MB = 2^20 bytes here)")
    ap.add_argument("--format", choices=["json", "text"], default="json")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True, help="output log path ('-' for stdout)")
    ap.add_argument("--manifest", help="manifest path (default: OUT with .log replaced by .manifest.json)")
    ap.add_argument("--sessions", type=int, default=0,
                    help="generate exactly this many sessions instead of stopping at --size-mb "
                         "(e.g. to get a text log with the same sessions as a json one)")
    ap.add_argument("--stats", action="store_true", help="print concurrency statistics to stderr")
    args = ap.parse_args()

    target = int(args.size_mb * 1024 * 1024)
    manifest_path = args.manifest
    if manifest_path is None and args.out != "-":
        base = args.out[:-4] if args.out.endswith(".log") else args.out
        manifest_path = base + ".manifest.json"

    started = time.perf_counter()
    if args.out == "-":
        out = sys.stdout.buffer
        tmp = None
    else:
        tmp = args.out + ".tmp"
        out = open(tmp, "wb", buffering=8 * 1024 * 1024)
    g = Generator(target, args.format, args.seed, out, stats=args.stats, max_sessions=args.sessions)
    g.run()
    if tmp is not None:
        out.close()
        os.replace(tmp, args.out)
    else:
        out.flush()
    elapsed = time.perf_counter() - started

    manifest = {
        "bytes": g.written,
        "lines": g.lines,
        "sessions": g.sessions,
        "slowGreetingWarning": g.slow_warn,
        "slowGreetingError": g.slow_err,
        "tokenExpiryCascades": g.cascades,
        "format": args.format,
        "seed": args.seed,
    }
    if manifest_path:
        with open(manifest_path + ".tmp", "w") as f:
            json.dump(manifest, f, indent=2)
            f.write("\n")
        os.replace(manifest_path + ".tmp", manifest_path)
    sim_h = g.sim_end / SEC / 3600
    print(
        f"genlog: {g.written} bytes, {g.lines} lines, {g.sessions} sessions "
        f"({g.slow_warn} slow-warn, {g.slow_err} slow-err, {g.cascades} cascades), "
        f"noise {100.0 * g.noise_lines / max(g.lines, 1):.2f}% of lines, {sim_h:.1f} h simulated, "
        f"{elapsed:.1f} s, {g.written / 1e6 / max(elapsed, 1e-9):.1f} MB/s",
        file=sys.stderr,
    )
    if args.stats:
        print("genlog: " + concurrency_stats(g.session_spans), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
