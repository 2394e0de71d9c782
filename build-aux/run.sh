#!/bin/bash
# README command 1: install what Tandem needs, build it, and start it.
#
#   build-aux/run.sh                 start Tandem; with no account configured
#                                    yet, start the local demo (below)
#   build-aux/run.sh --demo          start the local demo even so
#   build-aux/run.sh ARGS...         run tandem ARGS... (e.g. --profile DIR)
#
# The local demo starts a kamailio on 127.0.0.1 (SIP 15060/udp+tcp, TLS
# 15061, MSRP relay 12855) with the accounts alice and bob, and opens two
# Tandem windows signed in as alice and bob, each with the other as a
# contact.  Closing both windows (or Ctrl+C) stops everything it started.
# Without a display it runs them on Xvfb, plays the story (chat, alice
# shares her screen, bob accepts) and saves a screenshot; it fails when a
# step of the story does not happen.  The demo's throwaway profiles keep
# their passwords to themselves, never in your keyring.
#
# For the test suite (tests/ui/test-demo.sh): TANDEM_RUN_BUILD_DIR uses
# that build, as built, instead of _build/default; TANDEM_DEMO_SIP_PORT moves the
# demo's four ports (SIP, SIP+1 TLS, SIP+2 MSRP relay, SIP+3 its TLS).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build="${TANDEM_RUN_BUILD_DIR:-$top/_build/default}"

"$top/build-aux/install-deps.sh"
# A build handed over by the test suite is used as it is: building it
# again here would replace binaries under tests that ctest runs meanwhile.
if [ -z "${TANDEM_RUN_BUILD_DIR:-}" ]; then
  if [ ! -f "$build/build.ninja" ]; then
    cmake -S "$top" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF >/dev/null
  fi
  cmake --build "$build" -- -j"$(nproc)" | grep -v '^ninja: no work to do' || true
fi
exe="$build/src/tandem"

default_profile="${XDG_DATA_HOME:-$HOME/.local/share}/tandem"
if [ "${1:-}" != "--demo" ]; then
  if [ $# -gt 0 ] || grep -q '^\[proxy_0\]' "$default_profile/linphonerc" 2>/dev/null; then
    exec "$exe" "$@"
  fi
  echo "No account configured yet: starting the local demo (alice and bob)."
fi

# ----- the local demo -------------------------------------------------------
state="${XDG_STATE_HOME:-$HOME/.local/state}/tandem-demo"
run=$(mktemp -d "${TMPDIR:-/tmp}/tandem-demo.XXXXXX")
mkdir -p "$state"
pids=""

cleanup() {
  trap - EXIT INT TERM
  for pid in $pids; do kill "$pid" 2>/dev/null || true; done
  for pid in $pids; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$run"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -n "${TANDEM_DEMO_SIP_PORT:-}" ]; then
  SIP_PORT=$TANDEM_DEMO_SIP_PORT TLS_PORT=$((TANDEM_DEMO_SIP_PORT + 1))
  MSRP_PORT=$((TANDEM_DEMO_SIP_PORT + 2)) MSRP_TLS_PORT=$((TANDEM_DEMO_SIP_PORT + 3))
else
  SIP_PORT=15060 TLS_PORT=15061 MSRP_PORT=12855 MSRP_TLS_PORT=12856
fi
"$top/build-aux/tandem-kamailio" --dir "$run/kamailio" --sip-port $SIP_PORT --tls-port $TLS_PORT \
    --msrp-port $MSRP_PORT --msrp-tls-port $MSRP_TLS_PORT >"$run/kamailio.log" 2>&1 &
kamailio_pid=$!
pids="$pids $kamailio_pid"
i=0
until (exec 3<>/dev/tcp/127.0.0.1/$SIP_PORT) 2>/dev/null && (exec 3<>/dev/tcp/127.0.0.1/$MSRP_PORT) 2>/dev/null; do
  i=$((i + 1))
  if [ $i -gt 50 ] || ! kill -0 $kamailio_pid 2>/dev/null; then
    echo "The demo's SIP server did not start (is port $SIP_PORT in use?):" >&2
    tail -5 "$run/kamailio.log" >&2
    exit 1
  fi
  sleep 0.1
done

headless=""
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  headless=1
  exec 4>"$run/displayfd"
  Xvfb -displayfd 4 -screen 0 1920x1080x24 -nolisten tcp >/dev/null 2>&1 &
  pids="$pids $!"
  i=0
  while [ ! -s "$run/displayfd" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
  DISPLAY=":$(head -n1 "$run/displayfd")"
  export DISPLAY TANDEM_NO_SOUNDCARD=1
  echo "No display: running the demo on Xvfb $DISPLAY."
fi
if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
  eval "$(dbus-launch --sh-syntax)"
  pids="$pids $DBUS_SESSION_BUS_PID"
fi

for me in alice bob; do
  [ $me = alice ] && peer=bob || peer=alice
  cat >"$run/$me.ini" <<INI
[network]
bind-address=127.0.0.1

[account $me]
identity=sip:$me@tandem.test
password=$me-pw
server=sip:127.0.0.1:$SIP_PORT
transport=udp

[contact $peer]
name=$peer
address=sip:$peer@tandem.test

[share]
# Screen sharing through the demo's MSRP relay, as across NATs.
tls=false
relay=127.0.0.1:$MSRP_PORT
INI
  # Throwaway profiles: their passwords stay in them (as digest hashes),
  # never in the user's keyring, which may be locked or ask to be made.
  TANDEM_NO_KEYRING=1 "$exe" --profile "$state/$me" --provision "$run/$me.ini" >"$run/$me.log" 2>&1 &
  eval "${me}_pid=\$!"
  pids="$pids $!"
done
echo "Tandem is running as alice and bob (profiles in $state)."

app_id() {
  local sum
  sum=$(printf %s "$(realpath "$1")" | sha256sum | cut -c1-16)
  echo "io.github.tandemphone.Tandem.Profile_$sum"
}

# Whether the action is enabled in the app (org.gtk.Actions.Describe).
enabled() {
  gdbus call --session --dest "$1" --object-path "/$(echo "$1" | tr . /)" \
    --method org.gtk.Actions.Describe "$2" 2>/dev/null | grep -q '^((true,'
}
# Waits up to $3 seconds for it.
wait_enabled() {
  local i=0
  until enabled "$1" "$2"; do
    i=$((i + 1))
    [ $i -gt $(($3 * 10)) ] && return 1
    sleep 0.1
  done
}
fail() {
  echo "The demo story stopped: $*" >&2
  for me in alice bob; do echo "--- $me's log:" >&2; tail -15 "$run/$me.log" >&2; done
  exit 1
}

if [ -n "$headless" ]; then
  alice_app=$(app_id "$state/alice")
  bob_app=$(app_id "$state/bob")
  # Both windows answer on D-Bus (a frozen one would not).
  wait_enabled "$alice_app" open-conversation 60 || fail "alice's Tandem does not answer"
  wait_enabled "$bob_app" open-conversation 60 || fail "bob's Tandem does not answer"
  sleep "${TANDEM_DEMO_SECONDS:-6}"
  # Play the start of the story through the D-Bus actions: alice opens the
  # chat with bob, they exchange a few lines.
  gapplication action "$alice_app" open-conversation "'sip:bob@tandem.test'"
  gapplication action "$bob_app" open-conversation "'sip:alice@tandem.test'"
  gapplication action "$alice_app" send-message "('sip:bob@tandem.test', 'Hi Bob, my printer settings look wrong. Can you have a look?')"
  sleep 1
  gapplication action "$bob_app" send-message "('sip:alice@tandem.test', 'Sure! Share your screen with me and I will walk you through it.')"
  sleep 1
  gapplication action "$alice_app" send-message "('sip:bob@tandem.test', 'Great, thanks!')"
  sleep 1
  # alice shares her screen, bob accepts: her screen opens beside his chat.
  # (Sharing needs the share stack signed in: asked again if not yet.)
  for attempt in 1 2 3; do
    gapplication action "$alice_app" share-screen "'sip:bob@tandem.test'"
    wait_enabled "$bob_app" accept-share 10 && break
    [ $attempt = 3 ] && fail "bob was never asked to see alice's screen"
  done
  gapplication action "$bob_app" accept-share
  wait_enabled "$bob_app" save-shared-screen 20 || fail "alice's screen did not open at bob's"
  # Side by side, as on a desktop, for the screenshot.
  n=0
  for w in $(xdotool search --onlyvisible --name '^Tandem$' 2>/dev/null); do
    xdotool windowmove "$w" $((n * 960)) 0 2>/dev/null || true
    n=$((n + 1))
  done
  sleep 2
  shot="$state/demo.png"
  import -window root "$shot" || fail "no screenshot"
  echo "Screenshot of both windows: $shot"
  # What bob's viewer shows, full size: alice's screen.
  gapplication action "$bob_app" save-shared-screen "'$state/demo-shared.png'" \
    && echo "alice's screen as bob sees it: $state/demo-shared.png"
  exit 0
fi

wait $alice_pid $bob_pid 2>/dev/null || true
