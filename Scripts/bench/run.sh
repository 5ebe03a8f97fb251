#!/usr/bin/env bash
# Throughput / memory benchmark of loganalyze on a large generated livekit-agents log.
#
#   Scripts/bench/run.sh [--size-mb N] [--runs N] [--format json|text] [--seed N]
#                        [--with-jq] [--with-lnav] [--with-hyperfine]
#
# Environment:
#   LOGANALYZE=path   use this binary instead of building (skips `swift build`)
#   BENCH_DIR=dir     where generated logs are cached (default /tmp/loganalyze-bench)
#
# Rows: parse; analyze with --jobs 1 and 2 on the file, through a pipe, and on the same log as
# two files (its halves); rg -c as the floor. The commands run in rounds (each round runs each
# once), so drift in the machine's speed hits all rows alike; ratios between rows are medians of
# the ratios within each round. Then checks that --jobs 2 gives byte-identical JSON.
#
# Exit status: 0 = benchmark ran and all planted-problem counts matched; 1 = a command failed
# (loganalyze exiting with something other than 0 or 1, rg with 2, ...) or --jobs changed the
# report; 2 = ran, but the counts in loganalyze's report do not match the generator's manifest.
set -euo pipefail

SIZE_MB=1024
RUNS=5
FORMAT=json
SEED=1
WITH_JQ=0
WITH_LNAV=0
WITH_HYPERFINE=0

usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --size-mb) SIZE_MB="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    --format) FORMAT="$2"; shift 2 ;;
    --seed) SEED="$2"; shift 2 ;;
    --with-jq) WITH_JQ=1; shift ;;
    --with-lnav) WITH_LNAV=1; shift ;;
    --with-hyperfine) WITH_HYPERFINE=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown argument: $1" >&2; usage >&2; exit 1 ;;
  esac
done
case "$FORMAT" in json|text) ;; *) echo "run.sh: --format must be json or text" >&2; exit 1 ;; esac
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --runs must be a positive integer" >&2; exit 1; }
[[ "$SIZE_MB" =~ ^[0-9]+([.][0-9]+)?$ ]] || { echo "run.sh: --size-mb must be a number" >&2; exit 1; }

# package root = two levels above this script
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$(pwd)
BENCH_DIR=${BENCH_DIR:-/tmp/loganalyze-bench}
mkdir -p "$BENCH_DIR"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/loganalyze-bench-run.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

have() { command -v "$1" >/dev/null 2>&1; }

# ---- machine line --------------------------------------------------------------------------
CPU=$(grep -m1 '^model name' /proc/cpuinfo 2>/dev/null | sed 's/^model name[[:space:]]*:[[:space:]]*//' || true)
SWIFT_VER="swift not found"
if have swift; then SWIFT_VER=$(swift --version 2>&1 | head -1); fi
echo "machine: nproc=$(nproc), cpu=${CPU:-unknown}, ${SWIFT_VER}"

# ---- tools -----------------------------------------------------------------------------------
TIME_BIN=/usr/bin/time
HAVE_GNU_TIME=0
if [[ -x $TIME_BIN ]] && $TIME_BIN -f '%e %M' -o /dev/null true 2>/dev/null; then
  HAVE_GNU_TIME=1
else
  echo "note: GNU time (/usr/bin/time, Debian package 'time') not found; peak RSS will be n/a"
fi
have rg || echo "note: rg (ripgrep) not found; skipping the rg baseline and the ratio column"
if [[ $WITH_JQ == 1 ]] && ! have jq; then echo "note: jq not found; skipping jq"; WITH_JQ=0; fi
if [[ $WITH_JQ == 1 && $FORMAT != json ]]; then echo "note: --with-jq only applies to --format json; skipping jq"; WITH_JQ=0; fi
if [[ $WITH_LNAV == 1 ]] && ! have lnav; then echo "note: lnav not found; skipping lnav"; WITH_LNAV=0; fi
if [[ $WITH_HYPERFINE == 1 ]] && ! have hyperfine; then echo "note: hyperfine not found; skipping the hyperfine cross-check"; WITH_HYPERFINE=0; fi
have python3 || { echo "run.sh: python3 is required (log generator, report counting)" >&2; exit 1; }

# ---- binary ----------------------------------------------------------------------------------
if [[ -n "${LOGANALYZE:-}" ]]; then
  BIN=$LOGANALYZE
  echo "binary: $BIN (from \$LOGANALYZE, build skipped)"
else
  echo "building: swift build -c release --product loganalyze"
  swift build -c release --product loganalyze
  BIN="$(swift build -c release --show-bin-path)/loganalyze"
  echo "binary: $BIN"
fi
[[ -x "$BIN" ]] || { echo "run.sh: $BIN is not executable" >&2; exit 1; }

# ---- input -----------------------------------------------------------------------------------
LOG="$BENCH_DIR/bench-${FORMAT}-${SIZE_MB}mb-seed${SEED}.log"
MANIFEST="$BENCH_DIR/bench-${FORMAT}-${SIZE_MB}mb-seed${SEED}.manifest.json"
if [[ -f "$LOG" && -f "$MANIFEST" ]]; then
  echo "input: $LOG (cached)"
else
  echo "input: generating $LOG"
  python3 "$ROOT/Scripts/bench/genlog.py" --size-mb "$SIZE_MB" --format "$FORMAT" --seed "$SEED" \
    --out "$LOG" --manifest "$MANIFEST"
fi
BYTES=$(stat -c %s "$LOG")
echo "input: $BYTES bytes, $(python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print(m["lines"], "lines,", m["sessions"], "sessions")' "$MANIFEST")"
# warm the page cache so every command is measured on a hot cache
cat "$LOG" > /dev/null

# ---- measurement -----------------------------------------------------------------------------
# Commands are run in rounds: each round runs every command once, in the same order, so that a
# change in this machine's speed during the benchmark (a shared VM drifts by 10 % and more within
# minutes) affects every row alike, and ratios between rows are taken within a round.
# add LABEL OKCODES CMD registers a command (a bash -c string); OKCODES is a regex of accepted
# exit codes. Wall time comes from bash's EPOCHREALTIME around /usr/bin/time (microsecond
# resolution; %e only has 10 ms); peak RSS is /usr/bin/time's %M (max over the process tree = the
# biggest process of the pipeline), maximum over the runs.
LABELS=()
OKS=()
CMDS=()
add() { LABELS+=("$1"); OKS+=("$2"); CMDS+=("$3"); }
RUNLOG="$WORK/runs"
: > "$RUNLOG"
run_once() {
  local k=$1 round=$2 rc=0 t0 t1 rss=""
  local cmd=${CMDS[$k]}
  t0=$EPOCHREALTIME
  if [[ $HAVE_GNU_TIME == 1 ]]; then
    $TIME_BIN -f '%e %M' -o "$WORK/time.out" bash -c "$cmd" 2> "$WORK/stderr" || rc=$?
  else
    bash -c "$cmd" 2> "$WORK/stderr" || rc=$?
  fi
  t1=$EPOCHREALTIME
  if ! [[ $rc =~ ^(${OKS[$k]})$ ]]; then
    echo >&2
    echo "run.sh: '$cmd' exited with status $rc (accepted: ${OKS[$k]}); its stderr:" >&2
    head -c 4000 "$WORK/stderr" >&2 || true
    exit 1
  fi
  if [[ $HAVE_GNU_TIME == 1 ]]; then
    rss=$(tail -n 1 "$WORK/time.out" | awk '{print $2}')
    [[ $rss =~ ^[0-9]+$ ]] || rss=""
  fi
  printf '%s\t%s\t%s\t%s\n' "$round" "${LABELS[$k]}" \
    "$(python3 -c 'import sys; print(f"{float(sys.argv[2]) - float(sys.argv[1]):.6f}")' "$t0" "$t1")" "$rss" >> "$RUNLOG"
}

q() { printf '%q' "$1"; }
QBIN=$(q "$BIN")
QLOG=$(q "$LOG")

# The same log as two files (first and second half of its lines), for the two-file rows.
HALF1="$BENCH_DIR/bench-${FORMAT}-${SIZE_MB}mb-seed${SEED}.half1.log"
HALF2="$BENCH_DIR/bench-${FORMAT}-${SIZE_MB}mb-seed${SEED}.half2.log"
if [[ ! -f "$HALF1" || ! -f "$HALF2" || "$HALF1" -ot "$LOG" ]]; then
  LINES=$(wc -l < "$LOG")
  head -n $((LINES / 2)) "$LOG" > "$HALF1"
  tail -n +$((LINES / 2 + 1)) "$LOG" > "$HALF2"
fi
cat "$HALF1" "$HALF2" > /dev/null
QH1=$(q "$HALF1")
QH2=$(q "$HALF2")

add "loganalyze parse --output ndjson FILE" '0|1' "$QBIN parse --output ndjson $QLOG > /dev/null"
add "loganalyze analyze --jobs 1 --output json FILE" '0|1' "$QBIN analyze --jobs 1 --output json $QLOG > /dev/null"
add "loganalyze analyze --jobs 2 --output json FILE" '0|1' "$QBIN analyze --jobs 2 --output json $QLOG > /dev/null"
add "cat FILE | loganalyze analyze --jobs 1 --output json -" '0|1' "cat $QLOG | $QBIN analyze --jobs 1 --output json - > /dev/null"
add "cat FILE | loganalyze analyze --jobs 2 --output json -" '0|1' "cat $QLOG | $QBIN analyze --jobs 2 --output json - > /dev/null"
add "loganalyze analyze --jobs 1 --output json HALF1 HALF2" '0|1' "$QBIN analyze --jobs 1 --output json $QH1 $QH2 > /dev/null"
add "loganalyze analyze --jobs 2 --output json HALF1 HALF2" '0|1' "$QBIN analyze --jobs 2 --output json $QH1 $QH2 > /dev/null"
if have rg; then
  add "rg -c 'token is expired' FILE" '0|1' "rg -c 'token is expired' $QLOG > /dev/null"
fi
if [[ $WITH_JQ == 1 ]]; then
  # plain `jq -c . FILE` stops at the first non-JSON noise line; -R + fromjson? reads every line
  add "jq -cR 'fromjson? // empty' FILE" '0' "jq -cR 'fromjson? // empty' $QLOG > /dev/null"
fi
if [[ $WITH_LNAV == 1 ]]; then
  # lnav with a format for these logs (Scripts/bench/lnav/, installed into a private HOME): it
  # parses and indexes every line, then one SQL query filters on a parsed column.
  LNAV_HOME="$WORK/lnav-home"
  mkdir -p "$LNAV_HOME/.lnav/formats/installed"
  cp "$ROOT/Scripts/bench/lnav/livekit_agents_$FORMAT.json" "$LNAV_HOME/.lnav/formats/installed/"
  LNAV_SQL=";SELECT count(*) AS n FROM livekit_agents_$FORMAT WHERE log_level >= 'warning'"
  add "lnav -n -c ';SELECT count(*) … warning' FILE" '0' \
    "HOME=$(q "$LNAV_HOME") lnav -n -c $(q "$LNAV_SQL") $QLOG > /dev/null"
fi

echo "running ${#CMDS[@]} commands in $RUNS rounds (each round runs every command once):"
for ((i = 1; i <= RUNS; i++)); do
  printf '  round %d ' "$i" >&2
  for k in "${!CMDS[@]}"; do
    run_once "$k" "$i"
    printf '.' >&2
  done
  echo >&2
done

# ---- table -----------------------------------------------------------------------------------
echo
python3 - "$RUNLOG" "$BYTES" <<'PY'
import statistics, sys
runs = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
nbytes = int(sys.argv[2])
labels = list(dict.fromkeys(r[1] for r in runs))
times = {l: {int(r[0]): float(r[2]) for r in runs if r[1] == l} for l in labels}
peaks = {l: max((int(r[3]) for r in runs if r[1] == l and r[3]), default=None) for l in labels}
med = {l: statistics.median(times[l].values()) for l in labels}
rg = next((med[l] for l in labels if l.startswith("rg ")), None)
hdr = ("command", "median s", "MB/s", "peak RSS MB", "x rg")
w = max(len(hdr[0]), max(len(l) for l in labels))
print(f"{hdr[0]:<{w}}  {hdr[1]:>9}  {hdr[2]:>9}  {hdr[3]:>11}  {hdr[4]:>7}")
print("-" * (w + 45))
for label in labels:
    m = med[label]
    mbps = nbytes / 1e6 / m if m > 0 else float("inf")
    rss_s = f"{peaks[label] / 1024:.1f}" if peaks[label] else "n/a"
    ratio = f"{m / rg:.2f}" if rg else "n/a"
    print(f"{label:<{w}}  {m:>9.3f}  {mbps:>9.1f}  {rss_s:>11}  {ratio:>7}")
print(f"(file {nbytes} bytes = {nbytes / 1e6:.1f} MB; MB = 10^6 bytes; median of runs, peak RSS = max over runs)")
def ratio(a, b):
    """Median over rounds of time(a) / time(b) within the round."""
    if a not in times or b not in times:
        return "n/a"
    rs = [times[a][i] / times[b][i] for i in times[a] if i in times[b] and times[b][i] > 0]
    return f"{statistics.median(rs):.2f}x" if rs else "n/a"
j1, j2 = "loganalyze analyze --jobs 1 --output json FILE", "loganalyze analyze --jobs 2 --output json FILE"
print("ratios are medians of the ratios within each round:")
print(f"speed-up --jobs 2 over --jobs 1, one file: {ratio(j1, j2)}; "
      f"two files: {ratio('loganalyze analyze --jobs 1 --output json HALF1 HALF2', 'loganalyze analyze --jobs 2 --output json HALF1 HALF2')}")
print(f"pipe time / file time: --jobs 1 {ratio('cat FILE | loganalyze analyze --jobs 1 --output json -', j1)}, "
      f"--jobs 2 {ratio('cat FILE | loganalyze analyze --jobs 2 --output json -', j2)}")
for tool in ("jq ", "lnav "):
    other = next((l for l in labels if l.startswith(tool)), None)
    if other:
        print(f"{other.split()[0]} time / loganalyze analyze time: --jobs 1 {ratio(other, j1)}, --jobs 2 {ratio(other, j2)}")
PY

# ---- --jobs gives the same report -------------------------------------------------------------
echo
same=0
identical() {
  local label=$1 a=$2 b=$3
  if cmp -s "$a" "$b"; then echo "identical JSON: $label"; else echo "DIFFERENT JSON: $label"; same=1; fi
}
"$BIN" analyze --jobs 1 --output json "$LOG" > "$WORK/j1.json" 2> /dev/null || true
"$BIN" analyze --jobs 2 --output json "$LOG" > "$WORK/j2.json" 2> /dev/null || true
identical "analyze --jobs 1 vs --jobs 2, FILE" "$WORK/j1.json" "$WORK/j2.json"
"$BIN" analyze --jobs 1 --output json "$HALF1" "$HALF2" > "$WORK/h1.json" 2> /dev/null || true
"$BIN" analyze --jobs 2 --output json "$HALF1" "$HALF2" > "$WORK/h2.json" 2> /dev/null || true
identical "analyze --jobs 1 vs --jobs 2, HALF1 HALF2" "$WORK/h1.json" "$WORK/h2.json"
cat "$LOG" | "$BIN" analyze --jobs 1 --output json - > "$WORK/p1.json" 2> /dev/null || true
cat "$LOG" | "$BIN" analyze --jobs 2 --output json - > "$WORK/p2.json" 2> /dev/null || true
identical "cat FILE | analyze --jobs 1 vs --jobs 2" "$WORK/p1.json" "$WORK/p2.json"
[[ $same == 0 ]] || { echo "run.sh: --jobs changed the report" >&2; exit 1; }

if [[ $WITH_HYPERFINE == 1 ]]; then
  echo
  echo "hyperfine cross-check (wall time only):"
  hf=(hyperfine --warmup 1 --runs "$RUNS" -i --style basic)
  have rg && hf+=(-n rg "rg -c 'token is expired' $QLOG")
  hf+=(-n analyze "$QBIN analyze --output json $QLOG > /dev/null")
  hf+=(-n analyze-pipe "cat $QLOG | $QBIN analyze --output json - > /dev/null")
  "${hf[@]}"
fi

# ---- correctness: findings vs manifest ---------------------------------------------------------
echo
REPORT="$WORK/report.json"
rc=0
"$BIN" analyze --output json "$LOG" > "$REPORT" 2> "$WORK/stderr" || rc=$?
if ! [[ $rc =~ ^(0|1)$ ]]; then
  echo "run.sh: loganalyze analyze exited with status $rc; its stderr:" >&2
  head -c 4000 "$WORK/stderr" >&2 || true
  exit 1
fi
check=0
python3 - "$MANIFEST" "$REPORT" <<'PY' || check=$?
import json, sys
from collections import Counter
man = json.load(open(sys.argv[1]))
try:
    report = json.load(open(sys.argv[2]))
    findings = report["findings"]
    assert isinstance(findings, list)
except Exception as e:  # not JSON, or no findings array
    print(f"report: cannot read findings from loganalyze analyze --output json: {type(e).__name__}: {str(e)[:200]}")
    findings = None
c = Counter()
if findings is not None:
    for f in findings:
        if isinstance(f, dict):
            c[(f.get("rule"), f.get("severity"))] += 1
def by_rule(rule):
    return sum(v for (r, _), v in c.items() if r == rule)
rows = [
    ("slow-greeting warning", man["slowGreetingWarning"], c[("slow-greeting", "warning")]),
    ("slow-greeting error", man["slowGreetingError"], c[("slow-greeting", "error")]),
    ("auth-expiry-cascade", man["tokenExpiryCascades"], by_rule("auth-expiry-cascade")),
    # Each planted cascade is the agent's own job token (sub agent-AJ_…, a server-refreshed
    # 10-minute one) dying well within the 1 h the server mints it with (DOMAIN.md (c) fact 4).
    ("early-token-death", man["tokenExpiryCascades"], by_rule("early-token-death")),
]
print(f"{'check':<24}{'manifest':>10}{'found':>10}  result")
bad = 0
for name, want, got in rows:
    ok = findings is not None and want == got
    bad += not ok
    print(f"{name:<24}{want:>10}{(got if findings is not None else 'n/a'):>10}  {'OK' if ok else 'MISMATCH'}")
if findings is not None:
    print(f"(info) all findings by rule/severity: " + ", ".join(f"{r}/{s}={n}" for (r, s), n in sorted(c.items(), key=str)))
sys.exit(2 if bad else 0)
PY
if [[ $check != 0 ]]; then
  echo "run.sh: findings do not match the manifest" >&2
  exit 2
fi
