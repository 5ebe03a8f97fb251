#!/usr/bin/env bash
# Fuzzes the whole pipeline (parsing, wrappers, multi-line joining, timestamps, JWT decoding,
# sessions, detectors, every renderer) with libFuzzer and AddressSanitizer.
#
#   Scripts/fuzz.sh [SECONDS]      default 60; prints libFuzzer's final stats line
#
# Corpus: .build-fuzz/corpus, seeded from Fixtures/ (every log file, and each split in pieces).
# A crash leaves crash-* artifacts in .build-fuzz/; replay one with
#   swift run loganalyze-fuzz .build-fuzz/crash-…
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
SECONDS_TO_RUN=${1:-60}
SCRATCH=.build-fuzz

swift build -c debug --product loganalyze-fuzz --scratch-path "$SCRATCH" \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -DFUZZING >&2
BIN="$(swift build -c debug --product loganalyze-fuzz --scratch-path "$SCRATCH" \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -DFUZZING --show-bin-path)/loganalyze-fuzz"

CORPUS="$SCRATCH/corpus"
mkdir -p "$CORPUS"
i=0
while IFS= read -r -d '' f; do
  i=$((i + 1))
  cp "$f" "$CORPUS/seed-$i"
  # Small pieces reach more paths per execution than whole files.
  split -l 8 -d -a 3 "$f" "$CORPUS/seed-$i-part-"
done < <(find Fixtures -type f \( -name '*.log' -o -name '*.txt' \) -print0)

cd "$SCRATCH"
"$BIN" corpus -max_total_time="$SECONDS_TO_RUN" -max_len=65536 -timeout=20 -rss_limit_mb=4096 \
  -print_final_stats=1 2>&1 | tee fuzz.log | grep -E "^(#[0-9]+.*(DONE|INITED)|stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==ERROR|SUMMARY)" || true
if grep -qE "==[0-9]+==ERROR|Test unit written|deadly signal" fuzz.log; then
  echo "fuzz: FAILED (see $SCRATCH/fuzz.log and the crash-* artifact)" >&2
  exit 1
fi
echo "fuzz: no crash in ${SECONDS_TO_RUN}s"
