#!/usr/bin/env python3
"""Scaling check for every format the fixtures hold.

Each fixture log is repeated until it reaches --size-mb, every repetition with its own session
ids (RM_/PA_/AJ_/... suffixed, room names suffixed) and its ISO stamps moved one hour later, so
that the copies are distinct sessions one after another: what a long deployment log of that
format looks like. Then `loganalyze analyze --jobs 1 --output json` runs on each, with the time
and peak RSS (GNU time), and the same at a quarter of the size: a format whose time or memory
grows faster than its size (quadratic work, unbounded state) stands out in the last columns.

    Scripts/bench/scale.py [--size-mb 40] [--binary .build/release/loganalyze]

Time-only fixtures (no date in their stamps) are repeated as they are: their copies overlap in
time, a harder case (many sessions live at once).
"""
import argparse
import datetime
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ID = re.compile(r"\b(?:RM|PA|AJ|TR|ND|AW|AD)_[A-Za-z0-9]{8,}\b")
ROOM = re.compile(r"\b(?:voice-room|room)-[A-Za-z0-9]+")
ISO = re.compile(r"(\d{4}-\d{2}-\d{2})([T ])(\d{2}:\d{2}:\d{2})")


def generate(source: str, target: str, size: int) -> int:
    text = open(source, encoding="utf-8", errors="surrogateescape").read()
    ids = sorted(set(ID.findall(text)))
    rooms = sorted(set(ROOM.findall(text)))
    written = 0
    copies = 0
    with open(target, "w", encoding="utf-8", errors="surrogateescape") as out:
        while written < size:
            chunk = text
            for i in ids:
                chunk = chunk.replace(i, i[:3] + ("%012d" % copies)[-(len(i) - 3):])
            for r in rooms:
                chunk = chunk.replace(r, f"{r}x{copies}")

            def shift(m, k=copies):
                t = datetime.datetime.strptime(m.group(1) + "T" + m.group(3), "%Y-%m-%dT%H:%M:%S")
                t += datetime.timedelta(hours=k)
                return t.strftime("%Y-%m-%d") + m.group(2) + t.strftime("%H:%M:%S")

            chunk = ISO.sub(shift, chunk)
            out.write(chunk)
            written += len(chunk.encode("utf-8", "surrogateescape"))
            copies += 1
    return copies


def measure(binary: str, path: str):
    with tempfile.NamedTemporaryFile() as t:
        proc = subprocess.run(
            ["/usr/bin/time", "-f", "%e %M", "-o", t.name, binary, "analyze", "--jobs", "1", "--output", "json", path],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)
        if proc.returncode not in (0, 1):
            return None
        seconds, kb = open(t.name).read().split()[-2:]
        return float(seconds), int(kb) / 1024


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--size-mb", type=int, default=40)
    p.add_argument("--binary", default=os.path.join(ROOT, ".build/release/loganalyze"))
    args = p.parse_args()
    if not os.path.exists(args.binary):
        print(f"scale.py: no binary at {args.binary} (swift build -c release)", file=sys.stderr)
        return 1
    fixtures = sorted(
        os.path.join(d, f) for d, _, fs in os.walk(os.path.join(ROOT, "Fixtures")) for f in fs if f.endswith(".log"))
    work = tempfile.mkdtemp(prefix="loganalyze-scale.")
    print(f"{'fixture':<34} {'copies':>7} {'MB':>6} {'s':>7} {'MB/s':>7} {'RSS MB':>7}  {'s x4/x1':>7} {'RSS x4/x1':>9}")
    worst = 0.0
    for source in fixtures:
        name = os.path.relpath(source, os.path.join(ROOT, "Fixtures")).replace("/", "-")
        rows = []
        for size in (args.size_mb // 4, args.size_mb):
            path = os.path.join(work, f"{size}-{name}")
            copies = generate(source, path, size * 1_000_000)
            rows.append((copies, os.path.getsize(path), measure(args.binary, path)))
            os.remove(path)
        (_, _, small), (copies, nbytes, big) = rows
        if small is None or big is None:
            print(f"{name:<34} failed (exit status other than 0 or 1, or over 600 s)")
            worst = float("inf")
            continue
        growth = big[0] / max(small[0], 0.01)
        worst = max(worst, growth)
        print(f"{name:<34} {copies:>7} {nbytes / 1e6:>6.1f} {big[0]:>7.2f} {nbytes / 1e6 / max(big[0], 0.01):>7.1f} {big[1]:>7.1f}"
              f"  {growth:>7.2f} {big[1] / small[1]:>9.2f}")
    print("(4x the input should take about 4x the time and about the same memory; much more means")
    print(" work or state that grows faster than the log)")
    os.rmdir(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
