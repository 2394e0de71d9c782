#!/bin/sh
# The house rules of HACKING.md ("House style") that a script can check:
#   1. no header exports an instance struct (class and interface structs
#      of derivable types and interfaces are fine);
#   2. one G_DEFINE_*TYPE per .c file, and the file is named after the type
#      (TandemShareStack -> tandem-share-stack.c);
#   3. no private back doors: nothing named _tandem_* is declared in a
#      header or called from a file that does not define it;
#   4. a static function connected with G_CALLBACK () is named on_*
#      (public functions, tandem_* or a library's, may be connected too);
#   5. every .c file of src/ that logs defines its G_LOG_DOMAIN, named after
#      the file, before its first #include, and includes config.h first when it includes it, and the
#      project's own headers ("...") after the system and library ones;
#   6. no file of src/ grows past MAX_LINES lines, but for the few listed
#      in BIG_FILES (which must not grow further).
# --self-test plants a violation of each rule and checks that it is seen.
set -u
top=${TANDEM_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
MAX_LINES=1000
# file:lines today; a listed file may shrink, never grow.
BIG_FILES="src/core/tandem-msrp-session.c:1660 src/share/tandem-portal-capture.c:1500
src/service/tandem-share-session.c:1112 src/share/tandem-vnc-server.c:1080
src/service/tandem-share-stack.c:1040"
status=0

fail () {
  echo "house-rules: $*"
  status=1
}

to_file_name () {
  # TandemShareStack -> tandem-share-stack; TandemX11Capture -> tandem-x11-capture
  echo "$1" | sed -E 's/([a-z0-9])([A-Z])/\1-\2/g' | tr 'A-Z' 'a-z'
}

cd "$top" || exit 1
sources=$(find src -name '*.c' | sort)
headers=$(find src -name '*.h' | sort)

# 1. instance structs in headers
for h in $headers; do
  grep -nE '^[[:space:]]*struct[[:space:]]+_[A-Z][A-Za-z0-9]*[[:space:]]*(\{|$)' "$h" |
    grep -vE 'struct[[:space:]]+_[A-Za-z0-9]*(Class|Interface)[[:space:]]*(\{|$)' |
    while IFS= read -r hit; do
      echo "house-rules: $h exports an instance struct (keep it in the .c file): $hit"
    done | grep . && status=1
done

# 2. one type per file, named after it
for c in $sources; do
  types=$(grep -hoE '^G_DEFINE_(FINAL_|ABSTRACT_)?TYPE(_WITH_CODE|_WITH_PRIVATE)?[[:space:]]*\([[:space:]]*[A-Za-z0-9]+' "$c" |
          sed -E 's/.*\([[:space:]]*//')
  n=$(echo "$types" | grep -c .)
  if [ "$n" -gt 1 ]; then
    fail "$c defines $n types ($(echo $types)); one GObject per file"
  elif [ "$n" = 1 ]; then
    want=$(to_file_name "$types").c
    [ "$(basename "$c")" = "$want" ] || fail "$c defines $types, so it should be called $want"
  fi
done

# 3. private back doors
hits=$(grep -nE '\b_tandem_[a-z0-9_]+[[:space:]]*\(' $headers || true)
[ -z "$hits" ] || fail "private functions declared in headers (give them a public name in the type's header):
$hits"
for c in $sources; do
  for f in $(grep -hoE '\b_tandem_[a-z0-9_]+[[:space:]]*\(' "$c" | sed -E 's/[[:space:]]*\($//' | sort -u); do
    grep -qE "^$f[[:space:]]*\(" "$c" || fail "$c calls $f, defined in another file (a back door)"
  done
done

# 4. callbacks are on_*
for c in $sources; do
  for f in $(grep -hoE 'G_CALLBACK[[:space:]]*\([[:space:]]*[a-z_][a-z0-9_]*[[:space:]]*\)' "$c" |
             sed -E 's/G_CALLBACK[[:space:]]*\([[:space:]]*//; s/[[:space:]]*\)$//' | sort -u); do
    case $f in
      on_*|tandem_*|g_*|gtk_*|gdk_*) ;;
      *) fail "$c connects $f: name callbacks on_<what>" ;;
    esac
  done
done

# 5. log domain and include order
for c in $sources; do
  logs=0
  grep -qE '\bg_(debug|info|message|warning|critical|error|log)[[:space:]]*\(' "$c" && logs=1
  awk -v file="$c" -v logs=$logs -v base="$(basename "$c" .c | sed 's/^main$/tandem/')" '
    /^#define G_LOG_DOMAIN/ {
      domain = NR
      if ($0 !~ "\"" base "\"") { print "house-rules: " file ": G_LOG_DOMAIN must be \"" base "\" (one log domain per type, named after its file)"; bad = 1 }
    }
    /^#[[:space:]]*include/ {
      n++
      if (n == 1 && !domain && logs) { print "house-rules: " file ": G_LOG_DOMAIN must come before the first #include"; bad = 1 }
      if ($0 ~ /"config\.h"/ && n != 1) { print "house-rules: " file ":" NR ": config.h must be the first include"; bad = 1 }
      if ($0 ~ /"/ && $0 !~ /"config\.h"/) project = 1
      else if ($0 ~ /</ && project) { print "house-rules: " file ":" NR ": system/library header after the project headers: " $0; bad = 1 }
    }
    END { exit bad }
  ' "$c" || status=1
done

# 6. file size
for f in $sources $headers; do
  lines=$(wc -l < "$f")
  limit=$MAX_LINES
  for big in $BIG_FILES; do
    [ "${big%%:*}" = "$f" ] && limit=${big##*:}
  done
  [ "$lines" -le "$limit" ] || fail "$f has $lines lines (at most $limit): give part of its work to a new type"
done

if [ "${1:-}" = "--self-test" ] && [ $status = 0 ]; then
  tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
  plant () {
    rm -rf "$tmp/src"; mkdir -p "$tmp/src/core"
    printf '%s\n' "$2" > "$tmp/src/core/$1"
    if TANDEM_SOURCE_DIR=$tmp sh "$0" >/dev/null 2>&1; then
      echo "house-rules: self-test failed: $3 went unnoticed"; exit 1
    fi
  }
  plant tandem-foo.h 'struct _TandemFoo {' "an instance struct in a header"
  plant tandem-foo.c '#define G_LOG_DOMAIN "x"
G_DEFINE_FINAL_TYPE (TandemBar, tandem_bar, G_TYPE_OBJECT)' "a type in a file named after another"
  plant tandem-foo.c '#define G_LOG_DOMAIN "x"
void f (void) { _tandem_bar_new (); }' "a call to another file's _tandem_ function"
  plant tandem-foo.c '#define G_LOG_DOMAIN "x"
void f (void) { g_signal_connect (a, "b", G_CALLBACK (update), a); }' "a callback not named on_*"
  plant tandem-foo.c '#include <glib.h>
#define G_LOG_DOMAIN "x"
void f (void) { g_debug ("x"); }' "an include before G_LOG_DOMAIN"
  plant tandem-foo.c '#define G_LOG_DOMAIN "x"
#include "tandem-foo.h"
#include <glib.h>' "a library header after a project header"
  plant tandem-foo.c '#define G_LOG_DOMAIN "tandem-bar"' "a log domain not named after its file"
  plant tandem-foo.c "$(seq 1 1001)" "a file of 1001 lines"
fi

[ $status = 0 ] && echo "house-rules: ok"
exit $status
