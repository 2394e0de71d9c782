#!/bin/sh
# Fails when a layer includes headers it must not see (HACKING.md, "Layers").
# The CMake targets already keep most headers out of reach (PRIVATE
# dependencies); this catches the ones that sit on the default include path
# (<linphone/...>, <belle-sip/...>, <rfb/...>, <X11/...>).
set -u
top=${TANDEM_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
status=0

# check LAYER-DIR 'forbidden include regex' 'why'
check () {
  dir=$top/src/$1
  [ -d "$dir" ] || return 0
  hits=$(grep -rnE "^[[:space:]]*#[[:space:]]*include[[:space:]]*[<\"]($2)" "$dir" --include='*.c' --include='*.h' || true)
  if [ -n "$hits" ]; then
    echo "layering: src/$1 must not include $3:"
    echo "$hits" | sed 's/^/  /'
    status=1
  fi
}

GTK='gtk/|gdk/|gdk-pixbuf/|atk/|cairo|pango/|libnotify/'
LINPHONE='linphone/|belle-sip/|bctoolbox/|mediastreamer2/|ortp/|belr/'
VNC='rfb/'
X11='X11/'

check core    "$GTK|$LINPHONE|$VNC|$X11|libsecret/|libportal/" "GTK, liblinphone, belle-sip, libvnc or X11 headers (GLib/GIO only)"
check service "$GTK|$VNC|$X11"                     "GTK, libvnc or X11 headers"
check share   "$GTK|$LINPHONE"                     "GTK or liblinphone/belle-sip headers"
check viewer  "$LINPHONE|$X11"                     "liblinphone/belle-sip or X11 headers"
check ui      "$LINPHONE|$VNC"                     "liblinphone, belle-sip or libvnc headers (talk to the service layer)"

# The self-test: the check must catch a planted violation.
if [ "${1:-}" = "--self-test" ]; then
  tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
  mkdir -p "$tmp/src/core"
  printf '#include <gtk/gtk.h>\n' > "$tmp/src/core/bad.c"
  if TANDEM_SOURCE_DIR=$tmp sh "$0" >/dev/null 2>&1; then
    echo "layering: self-test failed, a GTK include in core went unnoticed"; exit 1
  fi
  printf '#include <linphone/core.h>\n' > "$tmp/src/core/bad.c"
  if TANDEM_SOURCE_DIR=$tmp sh "$0" >/dev/null 2>&1; then
    echo "layering: self-test failed, a liblinphone include in core went unnoticed"; exit 1
  fi
  printf '#include <rfb/rfbclient.h>\n' > "$tmp/src/core/bad.c"
  if TANDEM_SOURCE_DIR=$tmp sh "$0" >/dev/null 2>&1; then
    echo "layering: self-test failed, a libvnc include in core went unnoticed"; exit 1
  fi
fi

[ $status = 0 ] && echo "layering: ok"
exit $status
