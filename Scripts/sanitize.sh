#!/usr/bin/env bash
# Runs the whole test suite under sanitizers.
#   Scripts/sanitize.sh [address|undefined|thread]...     (default: address undefined)
#
# address:   -sanitize=address (with LeakSanitizer) over all Swift and C code.
# undefined: this toolchain rejects -sanitize=undefined for Swift on Linux ("unsupported option
#            '-sanitize=undefined' for target 'x86_64-unknown-linux-gnu'"), so the C code of the
#            PCRE2 and zlib shims is compiled with clang's -fsanitize=undefined and the run links
#            libubsan; Swift code traps on the same faults (overflow, bounds, unwraps) by itself.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export LSAN_OPTIONS="suppressions=$PWD/Scripts/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
sanitizers=("$@")
[ ${#sanitizers[@]} -gt 0 ] || sanitizers=(address undefined)
for s in "${sanitizers[@]}"; do
  case "$s" in
    undefined) flags=(-Xcc -fsanitize=undefined -Xcc -fno-sanitize-recover=undefined -Xlinker -lubsan) ;;
    *) flags=(--sanitize="$s") ;;
  esac
  echo "== swift test ($s)"
  # The CLI tests run the binary of the same sanitized build.
  swift build "${flags[@]}" --scratch-path ".build-$s" --build-tests
  LOGANALYZE_BINARY="$(swift build "${flags[@]}" --scratch-path ".build-$s" --show-bin-path)/loganalyze" \
    swift test "${flags[@]}" --scratch-path ".build-$s" --skip-build
done
