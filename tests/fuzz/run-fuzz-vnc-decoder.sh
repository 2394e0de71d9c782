#!/bin/sh
# Runs fuzz-vnc-decoder for a bounded time in libFuzzer's fork mode, which
# goes on after a crash, then judges each crash it found:
#   - inside Debian's libraries (libvncclient, libjpeg, zlib): reported,
#     not a failure. tandem-vnc-decoder runs that code confined, in a
#     process of its own, and such a crash ends only the view
#     (/vnc-view/libjpeg-finding); the findings are in docs/security.md.
#   - anywhere else (Tandem's own session code, the harness): a failure.
#   run-fuzz-vnc-decoder.sh <fuzzer> <seed-corpus> <seconds> <artifact-dir>
set -u
fuzzer=$1 seeds=$2 seconds=$3 artifacts=$4
corpus=$(mktemp -d) || exit 1
trap 'rm -rf "$corpus"' EXIT
cp "$seeds"/* "$corpus"/
mkdir -p "$artifacts"
rm -f "$artifacts"/crash-* "$artifacts"/leak-* "$artifacts"/timeout-* "$artifacts"/oom-*

"$fuzzer" -fork=1 -ignore_crashes=1 -max_total_time="$seconds" -max_len=65536 -timeout=10 \
  -rss_limit_mb=1024 -print_final_stats=1 -artifact_prefix="$artifacts"/ "$corpus" 2>&1 |
  grep -E '^INFO: fuzzed for|^#[0-9]+: cov|stat::|CRASH|crash-|leak-|timeout-|oom-' | tail -20

status=0
for f in "$artifacts"/crash-* "$artifacts"/leak-* "$artifacts"/timeout-* "$artifacts"/oom-*; do
  [ -e "$f" ] || continue
  report=$("$fuzzer" "$f" 2>&1)
  # The first stack frame: whose code was running.
  top=$(printf '%s\n' "$report" | grep -m1 -E '^ +#0 ')
  case "$f" in
    */crash-*)
      case "$top" in
        *libvncclient.so*|*libjpeg.so*|*libz.so*|*libturbojpeg.so*)
          echo "contained (third-party, in the decoder process): $f"
          echo "  $top" ;;
        *)
          echo "FAIL: a crash outside libvncclient/libjpeg/zlib: $f"
          printf '%s\n' "$report" | grep -E '^ +#[0-9]+ |ERROR' | head -20
          status=1 ;;
      esac ;;
    *)
      echo "FAIL: $f"
      printf '%s\n' "$report" | grep -E '^ +#[0-9]+ |ERROR' | head -20
      status=1 ;;
  esac
done
exit $status
