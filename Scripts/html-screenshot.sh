#!/usr/bin/env bash
# Renders `loganalyze report --output html` in headless Chromium and saves a PNG screenshot, to
# look at the page as a person would.
#   Scripts/html-screenshot.sh OUT.png [report arguments...]
# Needs Debian's chromium (apt-get install -y chromium).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=$(realpath -m "$1"); shift
command -v chromium >/dev/null || { echo "html-screenshot: chromium is not installed (apt-get install -y chromium)" >&2; exit 2; }
swift build --product loganalyze >&2
html=$(mktemp --suffix=.html)
trap 'rm -f "$html"' EXIT
.build/debug/loganalyze report --output html "$@" > "$html" || [ $? -eq 1 ]
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1200,2400 \
  --screenshot="$out" "file://$html" 2>/dev/null
echo "screenshot: $out"
