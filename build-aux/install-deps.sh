#!/bin/sh
# Install everything Tandem needs to build, run and test, from Debian 12
# packages only.  Idempotent: when every package is already present it
# returns at once without touching apt.
#
#   build-aux/install-deps.sh          build + run dependencies
#   build-aux/install-deps.sh --test   also the test-suite dependencies
set -eu

BUILD_PKGS="
  build-essential cmake ninja-build pkg-config gettext
  libglib2.0-dev libglib2.0-dev-bin glib-networking
  libgtk-3-dev libnotify-dev libsecret-1-dev
  liblinphone-dev libbellesip-dev libbctoolbox-dev libmediastreamer-dev libortp-dev
  libvncserver-dev libseccomp-dev
  libx11-dev libxext-dev libxdamage-dev libxfixes-dev libxtst-dev libxrandr-dev
  kamailio xvfb openssl
  libportal-dev libportal-gtk3-dev libpipewire-0.3-dev
"
TEST_PKGS="
  clang libclang-rt-14-dev
  kamailio-presence-modules kamailio-tls-modules
  xauth x11-apps x11-utils imagemagick xdotool
  desktop-file-utils appstream jq
  linphone-cli baresip-core x11vnc iproute2 nftables
  dbus dbus-x11 librsvg2-bin libxml2-utils gnome-keyring
  mutter gnome-shell pipewire pipewire-bin wireplumber xdg-desktop-portal xdg-desktop-portal-gnome
  gstreamer1.0-pipewire gstreamer1.0-tools python3-gi python3-gi-cairo python3-dbus
  python3-pyatspi at-spi2-core fuse3 libegl-mesa0 libgl1-mesa-dri
"

# libportal, libpipewire: screen sharing on Wayland (the portals).
# mutter ... python3-pyatspi: the headless GNOME session of the Wayland tests
# (gnome-shell: its window picker, for sharing one window).
# nftables: a firewall that drops ZRTP, in a test's own network namespace.
# openssl: the share session's per-profile TLS certificate is made with it.
want="$BUILD_PKGS kamailio-presence-modules"
[ "${1:-}" = "--test" ] && want="$want $TEST_PKGS"

missing=""
for p in $want; do
  if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done
[ -z "$missing" ] && exit 0

SUDO=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "install-deps: need root (or sudo) to install:$missing" >&2; exit 1
  fi
fi
echo "install-deps: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
