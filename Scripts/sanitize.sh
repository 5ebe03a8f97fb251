#!/usr/bin/env bash
# Runs the whole test suite under a sanitizer (default: AddressSanitizer, with LeakSanitizer).
#   Scripts/sanitize.sh [address|thread]...
#
# `undefined` is not offered: this toolchain rejects -sanitize=undefined for Swift code on Linux
# ("unsupported option '-sanitize=undefined' for target 'x86_64-unknown-linux-gnu'"). Swift itself
# traps on the undefined behaviours UBSan looks for (integer overflow, out-of-bounds access,
# invalid unwraps, exclusivity violations in debug builds), in every build.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export LSAN_OPTIONS="suppressions=$PWD/Scripts/lsan.supp:print_suppressions=0"
sanitizers=("$@")
[ ${#sanitizers[@]} -gt 0 ] || sanitizers=(address)
for s in "${sanitizers[@]}"; do
  if [ "$s" = undefined ]; then
    echo "sanitize: -sanitize=undefined is not supported for Swift on Linux by this toolchain (see the comment above)" >&2
    exit 2
  fi
  echo "== swift test --sanitize=$s"
  # The CLI tests run the binary of the same sanitized build.
  swift build --sanitize="$s" --scratch-path ".build-$s" --build-tests
  LOGANALYZE_BINARY="$(swift build --sanitize="$s" --scratch-path ".build-$s" --show-bin-path)/loganalyze" \
    swift test --sanitize="$s" --scratch-path ".build-$s" --skip-build
done
