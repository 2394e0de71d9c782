#!/bin/sh
# Every translatable string in the sources is translated in every language
# of po/LINGUAS, and every source file with strings is in po/POTFILES.
set -u
top=${TANDEM_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0

for f in $(grep -rlE '(^|[^A-Za-z_])N?_ \("|translatable="yes"' "$top/src" "$top/ui" | sed "s|^$top/||" | sort); do
  grep -qx "$f" "$top/po/POTFILES" || { echo "po: $f has translatable strings but is not in po/POTFILES"; status=1; }
done
for f in $(grep -v '^#' "$top/po/POTFILES"); do
  [ -f "$top/$f" ] || { echo "po: po/POTFILES lists $f, which does not exist"; status=1; }
done

"$top/build-aux/make-pot.sh" "$tmp/tandem.pot" || { echo "po: xgettext failed"; exit 1; }
total=$(grep -c '^msgid ' "$tmp/tandem.pot")
for lang in $(grep -v '^#' "$top/po/LINGUAS"); do
  cp "$top/po/$lang.po" "$tmp/$lang.po"
  msgmerge --quiet --update --backup=none "$tmp/$lang.po" "$tmp/tandem.pot"
  stats=$(msgfmt --check --statistics -o /dev/null "$tmp/$lang.po" 2>&1) || { echo "po: $lang.po: $stats"; status=1; continue; }
  echo "po: $lang: $stats (template: $((total - 1)) strings)"
  case "$stats" in
    *untranslated*|*fuzzy*) echo "po: $lang.po is incomplete; run 'ninja update-po' and translate"; status=1 ;;
  esac
done
exit $status
