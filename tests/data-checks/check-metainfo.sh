#!/bin/sh
# Validate the AppStream metainfo with "appstreamcli validate --no-net
# --strict": errors and warnings fail the test, info and pedantic hints are
# printed but allowed.  Also check the ids agree with the desktop file.
#   check-metainfo.sh <file.metainfo.xml> <app-id>
set -u
file=$1 appid=$2
command -v appstreamcli >/dev/null 2>&1 || {
  echo "SKIP: appstreamcli not installed (appstream)"; exit 77; }

fail=0
err() { echo "FAIL: $*"; fail=1; }

[ "$(basename "$file")" = "$appid.metainfo.xml" ] || err "file name is not $appid.metainfo.xml"

out=$(appstreamcli validate --no-net --strict --pedantic "$file" 2>&1); rc=$?
echo "$out"
[ $rc -eq 0 ] || err "appstreamcli validate failed (exit $rc)"
if printf '%s\n' "$out" | grep -Eq '^[EW]:'; then
  err "appstreamcli reported errors or warnings"
fi

has() { grep -Fq -- "$1" "$file" || err "missing: $1"; }
has "<id>$appid</id>"
has '<component type="desktop-application">'
has "<launchable type=\"desktop-id\">$appid.desktop</launchable>"
has '<metadata_license>CC0-1.0</metadata_license>'
has '<project_license>GPL-3.0-or-later</project_license>'
has '<url type="homepage">https://github.com/tandemphone/tandem</url>'
has '<binary>tandem</binary>'
has '<content_rating type="oars-1.1">'
has '<release version="0.1.0" date="2026-11-20">'

# The desktop file named by <launchable> must sit next to the metainfo.
[ -f "$(dirname "$file")/$appid.desktop" ] || err "launchable $appid.desktop not found next to $file"

[ $fail -eq 0 ] && echo "PASS: $file"
exit $fail
