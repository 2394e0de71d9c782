#!/bin/sh
# Compile the GSettings schema with "glib-compile-schemas --strict
# --dry-run", then (if gsettings is available) read the keys back from the
# schema compiled into the build tree by the tandem-schemas target.
#   check-gschema.sh <file.gschema.xml> <compiled-schema-dir> <schema-id>
set -u
file=$1 compiled=$2 id=$3
command -v glib-compile-schemas >/dev/null 2>&1 || {
  echo "SKIP: glib-compile-schemas not installed"; exit 77; }

fail=0
err() { echo "FAIL: $*"; fail=1; }

[ "$(basename "$file")" = "$id.gschema.xml" ] || err "file name is not $id.gschema.xml"

# glib-compile-schemas works on directories: give it one holding only ours.
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
cp "$file" "$tmp/"
glib-compile-schemas --strict --dry-run "$tmp" || err "glib-compile-schemas --strict --dry-run failed"

if [ ! -f "$compiled/gschemas.compiled" ]; then
  err "$compiled/gschemas.compiled missing: build the tandem-schemas target first"
elif ! command -v gsettings >/dev/null 2>&1; then
  echo "note: gsettings not installed, not reading the compiled schema back"
else
  export GSETTINGS_SCHEMA_DIR="$compiled" GSETTINGS_BACKEND=memory
  expect() {  # key expected-default
    got=$(gsettings get "$id" "$1" 2>&1) || { err "gsettings get $1: $got"; return; }
    [ "$got" = "$2" ] || err "default of $1 is $got, expected $2"
  }
  expect window-width 960
  expect window-height 640
  expect window-maximized false
  expect pane-position 300
  expect share-scope "'screen'"
  expect share-remember true
  expect share-restore-token "''"
  expect notifications true
  expect presence "'available'"
  expect presence-note "''"
  expect call-encryption "'when-possible'"
  keys=$(gsettings list-keys "$id" | sort | tr '\n' ' ')
  want="call-encryption notifications pane-position presence presence-note share-remember share-restore-token share-scope window-height window-maximized window-width "
  [ "$keys" = "$want" ] || err "keys are: $keys; expected: $want"
  range=$(gsettings range "$id" presence | tr '\n' ' ')
  [ "$range" = "enum 'available' 'away' 'busy' 'dnd' 'offline' " ] \
    || err "presence choices are: $range"
  range=$(gsettings range "$id" call-encryption | tr '\n' ' ')
  [ "$range" = "enum 'always' 'when-possible' 'never' " ] \
    || err "call-encryption choices are: $range"
  if gsettings set "$id" presence invisible 2>/dev/null; then
    err "presence accepted a value outside its choices"
  fi
fi

# Every key means something: the code reads it (g_settings_get_*,
# g_settings_bind), not only writes it.  A key nothing reads is a switch
# that does nothing (msrp-relay was one).
src=$(cd "$(dirname "$file")/../src" && pwd)
for key in $(sed -n 's/.*<key name="\([^"]*\)".*/\1/p' "$file"); do
  grep -rqE "g_settings_(get_[a-z]+|bind) \(([^,]*), \"$key\"" "$src" \
    || err "nothing in src/ reads the key $key (g_settings_get_* or g_settings_bind)"
done

[ $fail -eq 0 ] && echo "PASS: $file"
exit $fail
