#!/usr/bin/env bash
# Installs every Debian package that building and testing MeSign Token needs.
# Idempotent; run as root on Debian 12 (bookworm). CI runs it on a clean machine.
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps.sh: run as root (it calls apt-get install)" >&2
  exit 1
fi

PACKAGES=(
  # build
  build-essential cmake ninja-build pkg-config git
  libssl-dev zlib1g-dev libpcsclite-dev libgtest-dev libgmock-dev
  libpkcs11-helper1-dev      # the PKCS#11 3.0 header we compile against
  clang libclang-rt-14-dev   # sanitizer runtimes, fuzzers
  # test stack: a real pcscd with vsmartcard's vpcd reader driver
  pcscd vsmartcard-vpcd libccid iproute2 util-linux procps
  # independent clients the tests drive
  opensc opensc-pkcs11 yubico-piv-tool pcsc-tools openssl
  gnupg scdaemon             # gpg's smart-card daemon, for the OpenPGP card tests
  # the main job (scripts/demo.sh): S/MIME through libp11's engine, PDF signatures through NSS + poppler
  libengine-pkcs11-openssl libnss3-tools poppler-utils
  softhsm2                   # reference module for tests/conformance
  gnutls-bin python3-pykcs11 # p11tool and PyKCS11, real clients in tests/interop_p11
  libp11-dev                 # cli/ (mesign-token): CSRs and CMS with token keys through libp11
  g++-mingw-w64-x86-64-posix binutils-mingw-w64-x86-64  # minidriver/cross-build.sh: the Windows DLL
  libz-mingw-w64-dev wine64  # the DLL's zlib (gzip'd PIV certificates); tests/minidriver/wine
  libpodofo-dev              # cli/: PDF signatures (the CMS comes from OpenSSL)
  udev umockdev              # udev/: udevadm checks the generated rules against a mocked device
  dpkg-dev fakeroot file     # CPack's .deb generator (dpkg-shlibdeps) and its checks
  help2man                   # docs/man: man pages from the programs' --help (cmake/install.cmake)
  # tray/ (Qt 6 Widgets) and its tests: offscreen and Xvfb platforms, a real tray (trayer), clicks
  # (xdotool), a freedesktop notification daemon (python3-dbusmock inside dbus-run-session)
  qt6-base-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools qt6-qpa-plugins libgl-dev
  xvfb xauth trayer xdotool x11-utils python3-dbusmock dbus fonts-dejavu-core
  python3-matplotlib         # bench/: the PNG chart of the benchmark table
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps.sh: all ${#PACKAGES[@]} packages present"
  exit 0
fi

echo "install-deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
