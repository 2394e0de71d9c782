#!/bin/sh
# Write the translation template for the files in po/POTFILES to $1
# (default po/tandem.pot).  Used by `ninja pot` and by the po-complete test.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/po/tandem.pot}
version=$(sed -n 's/^project(tandem VERSION \([0-9.]*\).*/\1/p' "$top/CMakeLists.txt")
cd "$top"
# shellcheck disable=SC2046
xgettext --from-code=UTF-8 --add-comments=Translators \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
  --package-name=tandem --package-version="$version" \
  --msgid-bugs-address=https://github.com/tandemphone/tandem/issues \
  -o "$out" $(grep -v '^#' po/POTFILES) 2>/dev/null
