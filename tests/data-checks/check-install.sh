#!/bin/sh
# Install only the "data" component into a temporary DESTDIR and check the
# desktop file, metainfo, schema and both icons land where desktops and
# software centres look for them (and that nothing but data is installed).
#   check-install.sh <cmake> <build-dir> <app-id>
set -u
cmake=$1 build=$2 appid=$3
fail=0
err() { echo "FAIL: $*"; fail=1; }

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
dest=$tmp/dest

DESTDIR=$dest "$cmake" --install "$build" --prefix /usr --component data \
  || { echo "FAIL: cmake --install --component data failed"; exit 1; }

share=$dest/usr/share
for f in \
  applications/$appid.desktop \
  metainfo/$appid.metainfo.xml \
  glib-2.0/schemas/$appid.gschema.xml \
  icons/hicolor/scalable/apps/$appid.svg \
  icons/hicolor/symbolic/apps/$appid-symbolic.svg
do
  [ -f "$share/$f" ] || err "not installed: /usr/share/$f"
done

echo "installed:"
(cd "$dest" && find . -type f | sort | sed 's/^\./  /')

outside=$(cd "$dest" && find . -type f ! -path './usr/share/*')
[ -z "$outside" ] || err "the data component installs files outside /usr/share: $outside"
# With DESTDIR set the post-install schema compilation must be skipped:
# packagers' triggers own gschemas.compiled.
[ ! -e "$share/glib-2.0/schemas/gschemas.compiled" ] \
  || err "gschemas.compiled was written into DESTDIR"

# The installed tree as a whole: the metainfo, the desktop file it names
# and the icon that names must all be found together.
if command -v appstreamcli >/dev/null 2>&1; then
  out=$(appstreamcli validate-tree --no-net "$dest/usr" 2>&1); rc=$?
  echo "$out"
  if [ $rc -ne 0 ] || printf '%s\n' "$out" | grep -Eq '^[EW]:'; then
    err "appstreamcli validate-tree reported problems"
  fi
fi
if command -v desktop-file-validate >/dev/null 2>&1; then
  desktop-file-validate "$share/applications/$appid.desktop" || err "installed desktop file invalid"
fi

[ $fail -eq 0 ] && echo "PASS: data install"
exit $fail
