#!/usr/bin/env bash
# update.sh — refreshes the .ts files from the sources with lupdate (Qt 6 tools). lupdate 6.4 names the
# contexts of classes in namespace tray without the namespace ("TokenModel"), while tr() looks them up as
# "tray::TokenModel" (and trayStateText() translates in "tray::TrayIcon", which lupdate files under "tray"),
# so the names are taken back to lupdate's form before it runs and set right again after. English holds only
# the plural forms (-pluralonly); every other language holds every string. Then translate the new entries
# (linguist, or by hand: type="unfinished" marks them) and rebuild (lrelease runs in the build). lupdate 6.4
# warns "Qualifying with unknown namespace/class" for member definitions inside namespace tray: harmless.
set -euo pipefail
cd "$(dirname "$0")"
LUPDATE=${LUPDATE:-/usr/lib/qt6/bin/lupdate}
to_lupdate='s#<name>tray::TrayIcon</name>#<name>tray</name>#; s#<name>tray::\([A-Za-z]*\)</name>#<name>\1</name>#'
to_qt='s#<name>tray</name>#<name>tray::TrayIcon</name>#; s#<name>\([A-Z][A-Za-z]*\)</name>#<name>tray::\1</name>#'
for ts in mesign-tray_*.ts; do
    lang=${ts#mesign-tray_}
    lang=${lang%.ts}
    extra=()
    [ "$lang" = en ] && extra=(-pluralonly)
    sed -i "$to_lupdate" "$ts"
    "$LUPDATE" -locations relative -no-obsolete "${extra[@]}" ../*.h ../*.cpp -ts "$ts"
    sed -i "$to_qt" "$ts"
done
