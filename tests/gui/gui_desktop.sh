#!/usr/bin/env bash
# gui_desktop.sh GUI_TESTS SHOT_DIR — inside tests/integration/pcsc-sandbox.sh: an Xvfb display with trayer
# as the system tray and a session bus with python3-dbusmock's notification daemon, then the desktop suite
# of GUI_TESTS (xcb platform). Screenshots land in SHOT_DIR (printed by the tests).
set -euo pipefail
GUI_TESTS=$1
export MESIGN_GUI_SHOTS=$2
# The ASan build runs with strict_string_checks=1 (scripts/test-all.sh); libxkbcommon-x11, which Qt's xcb
# platform calls at start, strndup()s atom names that are not NUL-terminated (legal: strndup stops at n), and
# the strict check reports that as a heap overflow in the foreign library. Later ASAN_OPTIONS entries win.
if [ -n "${ASAN_OPTIONS:-}" ]; then export ASAN_OPTIONS="$ASAN_OPTIONS:strict_string_checks=0"; fi
W=${MESIGN_SANDBOX_DIR:?run me through pcsc-sandbox.sh}/gui-desktop
mkdir -p "$W/run" "$W/config" "$MESIGN_GUI_SHOTS"
chmod 700 "$W/run"
export XDG_RUNTIME_DIR=$W/run XDG_CONFIG_HOME=$W/config

fail() {
    echo "gui_desktop: $*" >&2
    exit 1
}
for p in Xvfb trayer xdotool dbus-run-session /usr/bin/python3; do
    command -v "$p" >/dev/null || fail "$p not found (scripts/install-deps.sh)"
done

PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap cleanup EXIT

# Xvfb picks a free display and writes its number to fd 3.
exec 3>"$W/display"
Xvfb -displayfd 3 -screen 0 1024x768x24 -nolisten tcp >"$W/xvfb.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do [ -s "$W/display" ] && break; sleep 0.05; done
[ -s "$W/display" ] || fail "Xvfb did not start: $(cat "$W/xvfb.log")"
export DISPLAY=:$(head -1 "$W/display")
trayer --edge top --align right --widthtype request --height 24 --SetDockType true --transparent false \
    >"$W/trayer.log" 2>&1 &
PIDS+=($!)
# trayer owns _NET_SYSTEM_TRAY_S0 once it is up.
for _ in $(seq 100); do
    xprop -root _NET_SUPPORTING_WM_CHECK >/dev/null 2>&1 || true
    xdotool search --class trayer >/dev/null 2>&1 && break
    sleep 0.05
done

export MESIGN_NOTIFY_LOG=$W/notify.log
: >"$MESIGN_NOTIFY_LOG"
export QT_QPA_PLATFORM=xcb
exec dbus-run-session -- bash -c '
    set -euo pipefail
    /usr/bin/python3 -m dbusmock --template notification_daemon -l "$MESIGN_NOTIFY_LOG" >"$MESIGN_NOTIFY_LOG.out" 2>&1 &
    MOCK=$!
    for _ in $(seq 200); do
        dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
            org.freedesktop.DBus.NameHasOwner string:org.freedesktop.Notifications 2>/dev/null | grep -q "boolean true" && break
        sleep 0.05
    done
    rc=0
    "$0" --gtest_filter="TrayDesktopTest.*" || rc=$?
    kill $MOCK 2>/dev/null || true
    exit $rc
' "$GUI_TESTS"
