#!/usr/bin/env sh
# Installs the C libraries loganalyze links against (PCRE2, zlib, jemalloc) when they are missing.
set -e
missing=""
for pkg in libpcre2-dev zlib1g-dev libjemalloc-dev; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
echo "installing:$missing" >&2
$sudo apt-get update
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y $missing
