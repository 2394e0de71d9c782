#!/bin/sh
# Structural checks on the flatpak-builder manifest.  The manifest itself
# cannot be built here (flatpak-builder needs the network), so this only
# checks that it parses and is put together the way Tandem needs.
#   check-flatpak-manifest.sh <manifest.json> <app-id>
set -u
file=$1 appid=$2
command -v jq >/dev/null 2>&1 || { echo "SKIP: jq not installed"; exit 77; }

jq empty "$file" || { echo "FAIL: $file is not valid JSON"; exit 1; }

# The Belledonne stack in dependency order, then libvncserver, then Tandem
# last.  Other modules (e.g. mbedtls, which bctoolbox needs and the GNOME
# runtime lacks) may come in between, but these must appear in this order.
order='["bctoolbox","belr","belcard","belle-sip","ortp","mediastreamer2","liblinphone","libvncserver","tandem"]'

problems=$(jq -r --arg appid "$appid" --argjson order "$order" '
  def need(cond; msg): if cond then empty else msg end;
  . as $m
  | ($m.modules // []) as $mods
  | [ $mods[] | objects | .name ] as $names
  | (
      need((($m.id // $m["app-id"]) == $appid); "id/app-id is \($m.id // $m["app-id"]), expected \($appid)"),
      need($m.command == "tandem"; "command is \($m.command), expected tandem"),
      need($m.runtime == "org.gnome.Platform"; "runtime is \($m.runtime)"),
      need($m.sdk == "org.gnome.Sdk"; "sdk is \($m.sdk)"),
      need(($m["runtime-version"] | type) == "string"; "runtime-version missing or not a string"),
      need(($mods | length) > 0; "no modules"),
      ( $mods[] | select(type != "object") | "module given as \(type) (\(.)): inline every module" ),
      ( $mods[] | objects
        | (.name // "<unnamed>") as $n
        | need(has("name") and (.name | type) == "string"; "a module has no name"),
          need(has("buildsystem"); "module \($n) has no buildsystem"),
          need((.sources | type) == "array" and (.sources | length) > 0; "module \($n) has no sources"),
          ( .sources[]? | select((has("type") | not))
            | "module \($n) has a source without type" ),
          ( .sources[]? | select(.type == "git")
            | need(has("tag") or has("commit"); "module \($n): git source \(.url) pins neither tag nor commit") ),
          ( .sources[]? | select(.type == "archive" or .type == "file")
            | need(has("sha256") or has("path"); "module \($n): \(.type) source without sha256") )
      ),
      need(($names | unique | length) == ($names | length); "duplicate module names: \($names)"),
      ( $order[] | . as $want | need(($names | index($want)) != null; "module \($want) missing") ),
      need(([ $order[] | . as $want | ($names | index($want)) ] | map(select(. != null))) as $ix
           | $ix == ($ix | sort); "modules out of order: \($names), want \($order) in that order"),
      need($names[-1] == "tandem"; "last module is \($names[-1]), expected tandem"),
      need(([ $mods[] | objects | select(.name == "tandem") | .sources[]?
              | select(.type == "dir") ] | length) > 0; "tandem module is not built from a dir source"),
      ( ["--share=network", "--socket=pulseaudio", "--talk-name=org.freedesktop.Notifications",
         "--socket=fallback-x11", "--socket=wayland"][] as $arg
        | need(($m["finish-args"] // []) | index($arg) != null; "finish-args lack \($arg)") ),
      # Sharing on Wayland goes through the portals, not the X socket.
      need((($m["finish-args"] // []) | index("--socket=x11")) == null; "finish-args ask for --socket=x11")
    )
' "$file") || { echo "FAIL: jq program failed"; exit 1; }

if [ -n "$problems" ]; then
  printf 'FAIL: %s\n' "$problems" | sed '2,$s/^/FAIL: /'
  exit 1
fi
echo "modules: $(jq -r '[.modules[].name] | join(" ")' "$file")"
echo "PASS: $file"
