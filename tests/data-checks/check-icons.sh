#!/bin/sh
# Check the application icons: present, well-formed SVG, the sizes the
# hicolor theme expects, and the symbolic icon drawn with paths in the
# single colour #2e3436 only (GTK recolours it).
#   check-icons.sh <data/icons dir> <app-id>
set -u
dir=$1 appid=$2
fail=0
err() { echo "FAIL: $*"; fail=1; }

full=$dir/hicolor/scalable/apps/$appid.svg
sym=$dir/hicolor/symbolic/apps/$appid-symbolic.svg

for f in "$full" "$sym"; do
  [ -f "$f" ] || { err "missing $f"; continue; }
  if command -v xmllint >/dev/null 2>&1; then
    xmllint --noout "$f" || err "$f is not well-formed XML"
  fi
  if command -v rsvg-convert >/dev/null 2>&1; then
    rsvg-convert "$f" >/dev/null || err "rsvg-convert cannot render $f"
  fi
done

if [ -f "$full" ]; then
  grep -q 'viewBox="0 0 128 128"' "$full" || err "$full: viewBox is not 0 0 128 128"
fi
if [ -f "$sym" ]; then
  grep -q 'viewBox="0 0 16 16"' "$sym" || err "$sym: viewBox is not 0 0 16 16"
  colours=$(grep -oE '#[0-9A-Fa-f]{3,8}\b' "$sym" | tr 'A-F' 'a-f' | sort -u | tr '\n' ' ')
  [ "$colours" = "#2e3436 " ] || err "$sym: colours used are '$colours', expected only #2e3436"
  if grep -Eq '<(rect|circle|ellipse|line|polyline|polygon|text|image|use|linearGradient|radialGradient)\b' "$sym"; then
    err "$sym: uses elements other than <path>"
  fi
  grep -Eq 'stroke=|opacity' "$sym" && err "$sym: uses strokes or opacity"
fi

[ $fail -eq 0 ] && echo "PASS: icons"
exit $fail
