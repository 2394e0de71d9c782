#!/bin/bash
# test-demo.sh: the README's first command, as a new user runs it on a
# machine with gnome-keyring installed (the test dependencies install it),
# no display and no session bus: `build-aux/run.sh --demo`.  It must play
# the whole story and leave a screenshot with alice's screen in bob's
# viewer beside the chat.  (It used to hang: the demo's passwords went to
# a keyring that asked, through gcr-prompter, to be created, and Tandem
# waited for the answer on its main loop.)
#
# The demo runs on this build (TANDEM_RUN_BUILD_DIR) and on free ports
# (TANDEM_DEMO_SIP_PORT), in a home of its own.  The screenshots land in
# <build>/screenshots/demo-*.png: look at them.
set -u
top=${TANDEM_SOURCE_DIR:?} build=${TANDEM_BUILD_DIR:?}
command -v gnome-keyring-daemon >/dev/null || { echo "FAIL: gnome-keyring is not installed"; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tandem-test-demo.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; echo "--- run.sh:"; cat "$tmp/run.log"; exit 1; }

free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
base=""
for _ in $(seq 50); do
  b=$((20000 + (RANDOM % 10000) * 4))
  if free $b && free $((b + 1)) && free $((b + 2)) && free $((b + 3)); then base=$b; break; fi
done
[ -n "$base" ] || { echo "FAIL: no free ports"; exit 1; }

mkdir -p "$tmp/home"
start=$(date +%s)
env -u DISPLAY -u WAYLAND_DISPLAY -u DBUS_SESSION_BUS_ADDRESS -u GSETTINGS_BACKEND \
    -u XDG_DATA_HOME -u XDG_STATE_HOME -u XDG_CONFIG_HOME -u XDG_CACHE_HOME \
    HOME="$tmp/home" TANDEM_RUN_BUILD_DIR="$build" TANDEM_DEMO_SIP_PORT=$base \
    timeout 170 "$top/build-aux/run.sh" --demo >"$tmp/run.log" 2>&1
status=$?
echo "run.sh --demo: exit $status after $(( $(date +%s) - start )) s (ports from $base)"
[ $status -eq 0 ] || fail "build-aux/run.sh --demo exited with $status"

state="$tmp/home/.local/state/tandem-demo"
mkdir -p "$build/screenshots"
for png in demo demo-shared; do
  [ -s "$state/$png.png" ] || fail "no $png.png"
  cp "$state/$png.png" "$build/screenshots/$png.png"
done

colours() { identify -format '%k' "$1"; }
size() { identify -format '%wx%h' "$1"; }
# The whole display: both windows side by side.
[ "$(size "$state/demo.png")" = 1920x1080 ] || fail "demo.png is $(size "$state/demo.png")"
[ "$(colours "$state/demo.png")" -gt 200 ] || fail "demo.png is nearly blank"
# bob's viewer, full size: alice's screen, which is that same display.
[ "$(size "$state/demo-shared.png")" = 1920x1080 ] || fail "bob's viewer shows $(size "$state/demo-shared.png")"
[ "$(colours "$state/demo-shared.png")" -gt 200 ] || fail "bob's viewer shows a nearly blank screen"
# The two are the same screen (seconds apart): their difference is small.
rmse=$(compare -metric RMSE "$state/demo.png" "$state/demo-shared.png" null: 2>&1 | sed -n 's/.*(\([0-9.e-]*\)).*/\1/p')
echo "demo.png against bob's view of alice's screen: RMSE $rmse"
[ -n "$rmse" ] || fail "compare could not compare the screenshots"
awk -v r="$rmse" 'BEGIN { exit !(r < 0.25) }' || fail "bob's viewer does not show alice's screen (RMSE $rmse)"
grep -q "alice's screen as bob sees it" "$tmp/run.log" || fail "run.sh did not save bob's view"

# Nothing of the demo is left running.
sleep 1
left=$(for p in /proc/[0-9]*; do
         tr '\0' '\n' 2>/dev/null <"$p/environ" | grep -qx "HOME=$tmp/home" && echo "${p#/proc/} $(tr '\0' ' ' <"$p/cmdline")"
       done)
[ -z "$left" ] || fail "left running: $left"
echo "PASS: the demo played the story; screenshots in $build/screenshots/demo.png and demo-shared.png"
