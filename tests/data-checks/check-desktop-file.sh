#!/bin/sh
# Validate the desktop entry with desktop-file-validate (any message, error
# or warning, fails the test) and check it agrees with the application id.
#   check-desktop-file.sh <file.desktop> <app-id>
set -u
file=$1 appid=$2
command -v desktop-file-validate >/dev/null 2>&1 || {
  echo "SKIP: desktop-file-validate not installed (desktop-file-utils)"; exit 77; }

fail=0
err() { echo "FAIL: $*"; fail=1; }

[ "$(basename "$file")" = "$appid.desktop" ] || err "file name is not $appid.desktop"

out=$(desktop-file-validate "$file" 2>&1); rc=$?
if [ $rc -ne 0 ] || [ -n "$out" ]; then
  echo "$out"
  err "desktop-file-validate reported problems (exit $rc)"
fi

key() { grep -E "^$1=" "$file" | head -n1 | cut -d= -f2-; }
[ "$(key Type)" = Application ]            || err "Type is not Application"
[ "$(key Name)" = Tandem ]                 || err "Name is not Tandem"
[ "$(key Icon)" = "$appid" ]               || err "Icon is not $appid"
[ "$(key Exec)" = "tandem %U" ]            || err "Exec is not 'tandem %U'"
[ "$(key StartupNotify)" = true ]          || err "StartupNotify is not true"
[ -n "$(key 'GenericName')" ]              || err "GenericName missing"
[ -n "$(key 'Comment')" ]                  || err "Comment missing"
[ -n "$(key 'Keywords')" ]                 || err "Keywords missing"
[ -n "$(key 'Name\[nl\]')" ]               || err "Name[nl] missing"
[ -n "$(key 'Comment\[nl\]')" ]            || err "Comment[nl] missing"
case "$(key DBusActivatable)" in
  ""|false) ;;
  *) err "DBusActivatable must be false or absent (no D-Bus service file is installed)" ;;
esac
cats=$(key Categories)
for c in Network Telephony GTK; do
  case ";$cats" in *";$c;"*) ;; *) err "Categories lacks $c" ;; esac
done
mime=$(key MimeType)
for m in x-scheme-handler/sip x-scheme-handler/sips x-scheme-handler/tel; do
  case ";$mime" in *";$m;"*) ;; *) err "MimeType lacks $m" ;; esac
done

[ $fail -eq 0 ] && echo "PASS: $file"
exit $fail
