#!/bin/bash
# README command 2: install what the tests need, build, and run the whole
# test suite twice: a normal build (gcc), then an ASan/UBSan build (clang)
# that also runs the libFuzzer targets for a bounded time.
#
#   build-aux/test.sh               everything (what .ci/run runs)
#   build-aux/test.sh --quick       only the normal build
#   build-aux/test.sh -- ARGS       extra ctest arguments, e.g. -- -L core
#
# Build trees: _build/test and _build/asan.  Screenshots the UI tests take
# land in _build/test/screenshots.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
quick=""
ctest_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1; shift ;;
    --) shift; ctest_args=("$@"); break ;;
    *) echo "usage: $0 [--quick] [-- ctest args]" >&2; exit 2 ;;
  esac
done

"$top/build-aux/install-deps.sh" --test || exit 1
jobs=$(nproc)
status=0

# run NAME BUILD-DIR [cmake args...]; $retry: extra ctest arguments
run() {
  local name=$1 dir=$2
  shift 2
  echo "=== $name: configure and build ($dir)"
  if [ ! -f "$dir/build.ninja" ]; then
    cmake -S "$top" -B "$dir" -G Ninja "$@" >"$dir.configure.log" 2>&1 ||
      { cat "$dir.configure.log"; status=1; return; }
  fi
  cmake --build "$dir" -- -j"$jobs" >"$dir.build.log" 2>&1 ||
    { tail -60 "$dir.build.log"; status=1; return; }
  echo "=== $name: ctest"
  # shellcheck disable=SC2086
  ctest --test-dir "$dir" --output-on-failure -j"$jobs" ${retry:-} "${ctest_args[@]}" || status=1
}

mkdir -p "$top/_build"
run "gcc" "$top/_build/test" -DCMAKE_BUILD_TYPE=RelWithDebInfo
if [ -z "$quick" ]; then
  CC=clang run "asan+ubsan (clang)" "$top/_build/asan" \
    -DCMAKE_BUILD_TYPE=Debug -DTANDEM_SANITIZE=ON -DTANDEM_FUZZ=ON
fi

if [ $status = 0 ]; then echo "=== all test runs passed"; else echo "=== some tests FAILED"; fi
exit $status
