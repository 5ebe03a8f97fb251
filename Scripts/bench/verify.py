#!/usr/bin/env python3
"""Independent check of a genlog.py output against its manifest (Python 3 stdlib only).

Usage: python3 Scripts/bench/verify.py LOG MANIFEST

Re-derives, from the log text alone, what the manifest claims, and checks that the layout is
what shared/DOMAIN.md describes:
  * json: every line is either a raw noise line or a JSON object that json.dumps() reproduces
    byte for byte (key order message, level, name, [exc_info], extras..., timestamp;
    default separators; ensure_ascii; Python float repr; no .ffffff when microseconds are 0);
  * text: after stripping ESC[..m, every record matches the A2 regex, extras parse as JSON,
    traceback lines follow their record;
  * timestamps never go backwards;
  * per job: greeting duration 'Generating initial greeting' -> 'Voice agent running for room'
    classified as warning (2 s < d <= 5 s) / error (d > 5 s); normal ones 0.8-1.9 s, planted
    ones at least 0.2 s away from the 2 s / 5 s thresholds;
  * token cascades: JWT is HS256 and valid for the bench secret, exp = nbf + 600, nbf within the
    last 5 min before the job went silent, silence 11-20 min, failure after exp + 60 s leeway.
Exit code 0 when everything matches, 1 otherwise. Slow: about 1 min per 1 GB.
"""

from __future__ import annotations

import base64
import calendar
import hashlib
import hmac
import json
import re
import sys
from datetime import datetime, timezone

API_SECRET = b"benchSecret0001-not-a-real-secret-0123456789"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
TEXT_RE = re.compile(
    r"^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}),(\d{3}) - (DEBUG|INFO|WARNING|ERROR|CRITICAL|DEV|TRACE)\s+(\S+) - (.*)$"
)
JWT_RE = re.compile(r"invalid token: ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+), error")


def parse_iso(ts: str) -> float:
    return datetime.fromisoformat(ts).timestamp()


def parse_text_ts(d: str, ms: str) -> float:
    return calendar.timegm(datetime.strptime(d, "%Y-%m-%d %H:%M:%S").timetuple()) + int(ms) / 1000.0


def b64d(s: str) -> bytes:
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def split_extras(rest: str):
    """text format: 'message {json}' -> (message, extras dict); rest is after ANSI strip."""
    if rest.endswith(" "):
        return rest[:-1], {}
    i = rest.rfind(" {")
    while i >= 0:
        try:
            return rest[:i], json.loads(rest[i + 1:])
        except ValueError:
            i = rest.rfind(" {", 0, i)
    raise ValueError("no extras object and no trailing space: %r" % rest[:200])


def main() -> int:
    log_path, man_path = sys.argv[1], sys.argv[2]
    man = json.load(open(man_path))
    fmt = man["format"]
    errors: list[str] = []

    def err(msg: str) -> None:
        if len(errors) < 30:
            errors.append(msg)
        else:
            errors.append("...")

    nbytes = 0
    nlines = 0
    last_ts = 0.0
    records = 0
    raw = 0
    greet_start: dict[str, float] = {}
    greet_dur: dict[str, float] = {}
    job_last: dict[str, float] = {}  # last job-line time before the current line
    cascade_jobs: set[str] = set()
    jobs_requested: set[str] = set()
    checked_jwt: set[str] = set()
    in_tb = False

    def on_record(ts: float, level: str, name: str, msg: str, extras: dict, lineno: int) -> None:
        nonlocal last_ts
        if ts + 1e-6 < last_ts:
            err(f"line {lineno}: timestamp goes backwards")
        last_ts = max(last_ts, ts)
        if msg == "received job request":
            jobs_requested.add(extras["job_id"])
            return
        job = extras.get("job_id")
        if job is None:
            return
        if msg == "Generating initial greeting":
            greet_start[job] = ts
        elif msg.startswith("Voice agent running for room "):
            if msg[len("Voice agent running for room "):] != extras.get("room"):
                err(f"line {lineno}: room mismatch")
            greet_dur[job] = ts - greet_start[job]
        elif name == "livekit" and "received session close" in msg:
            gap = ts - job_last[job]
            if not (11 * 60 <= gap <= 20 * 60):
                err(f"line {lineno}: silence before cascade {gap:.1f}s not in 11-20 min")
            cascade_jobs.add(job)
        elif "token is expired" in msg and job not in checked_jwt:
            checked_jwt.add(job)
            m = JWT_RE.search(msg)
            if not m:
                err(f"line {lineno}: no JWT")
            else:
                tok = m.group(1)
                h, p, s = tok.split(".")
                sig = hmac.new(API_SECRET, (h + "." + p).encode(), hashlib.sha256).digest()
                if b64d(s) != sig:
                    err(f"line {lineno}: bad JWT signature")
                claims = json.loads(b64d(p))
                if list(claims) != ["exp", "iss", "name", "nbf", "sub", "video"]:
                    err(f"line {lineno}: claims {list(claims)}")
                if claims["exp"] != claims["nbf"] + 600 or claims["sub"] != "agent-" + job:
                    err(f"line {lineno}: bad exp/sub")
                if claims["video"] != {"room": extras["room"], "roomJoin": True}:
                    err(f"line {lineno}: bad video grant")
                silent_from = job_prev_before_cascade.get(job)
                if silent_from is not None and not (silent_from - 301 < claims["nbf"] <= silent_from):
                    err(f"line {lineno}: nbf {claims['nbf']} not within 5 min before silence {silent_from}")
                if ts < claims["exp"] + 60:
                    err(f"line {lineno}: failure before exp + leeway")
        job_last[job] = ts

    job_prev_before_cascade: dict[str, float] = {}

    with open(log_path, "rb") as f:
        for lineno, bline in enumerate(f, 1):
            nbytes += len(bline)
            nlines += 1
            line = bline.decode("ascii").rstrip("\n")
            if fmt == "json":
                if line.startswith("{"):
                    obj = json.loads(line)
                    if json.dumps(obj) != line:
                        err(f"line {lineno}: json.dumps round-trip differs")
                    keys = list(obj)
                    if keys[:3] != ["message", "level", "name"] or keys[-1] != "timestamp":
                        err(f"line {lineno}: key order {keys}")
                    ts_s = obj["timestamp"]
                    if ts_s.endswith(".000000+00:00"):
                        err(f"line {lineno}: .000000 should be omitted")
                    if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00", ts_s):
                        err(f"line {lineno}: timestamp {ts_s}")
                    extras = {k: v for k, v in obj.items() if k not in ("message", "level", "name", "exc_info", "timestamp")}
                    records += 1
                    ts = parse_iso(ts_s)
                    job = extras.get("job_id")
                    if job and "received session close" in obj["message"]:
                        job_prev_before_cascade[job] = job_last.get(job, 0.0)
                    on_record(ts, obj["level"], obj["name"], obj["message"], extras, lineno)
                else:
                    raw += 1
            else:
                s = ANSI.sub("", line)
                m = TEXT_RE.match(s)
                if m:
                    if not line.endswith("\x1b[0m"):
                        err(f"line {lineno}: no reset at end")
                    msg, extras = split_extras(m.group(5))
                    records += 1
                    ts = parse_text_ts(m.group(1), m.group(2))
                    job = extras.get("job_id")
                    if job and "received session close" in msg:
                        job_prev_before_cascade[job] = job_last.get(job, 0.0)
                    on_record(ts, m.group(3), m.group(4), msg, extras, lineno)
                    in_tb = msg == "failed to connect to livekit, retrying in 0s"
                else:
                    raw += 1
                    if s.startswith("{"):
                        err(f"line {lineno}: JSON in text log")

    warn = sum(1 for d in greet_dur.values() if 2.0 < d <= 5.0)
    error = sum(1 for d in greet_dur.values() if d > 5.0)
    # normal 0.8-1.9 s, planted warning 2.2-4.8 s, planted error >= 5.2 s (+1 ms for text ms truncation)
    close = [d for d in greet_dur.values() if 1.901 < d < 2.199 or 4.801 < d < 5.199 or d < 0.79]
    if close:
        err(f"{len(close)} greetings outside the generated bands: {close[:5]}")
    found = {
        "bytes": nbytes,
        "lines": nlines,
        "sessions": len(jobs_requested),
        "slowGreetingWarning": warn,
        "slowGreetingError": error,
        "tokenExpiryCascades": len(cascade_jobs),
    }
    for k, v in found.items():
        status = "OK" if man[k] == v else "MISMATCH"
        if status != "OK":
            err(f"{k}: manifest {man[k]} vs log {v}")
        print(f"{k:22s} manifest {man[k]:>12} log {v:>12}  {status}")
    if len(checked_jwt) != len(cascade_jobs):
        err("not every cascade has a checked JWT")
    print(f"records {records}, raw/continuation lines {raw} ({100.0 * raw / max(nlines, 1):.2f}%), "
          f"greeting max normal {max((d for d in greet_dur.values() if d < 2), default=0):.3f}s")
    for e in errors:
        print("ERROR:", e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
