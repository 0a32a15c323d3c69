#!/usr/bin/env bash
# gui_desktop.sh GUI_TESTS SHOT_DIR [MODE] — inside tests/integration/pcsc-sandbox.sh: an Xvfb display and a
# session bus with python3-dbusmock's notification daemon, then suites of GUI_TESTS (xcb platform).
# MODE xembed (default): trayer as the system tray; the balloon suite before the notification daemon starts,
# then the desktop suite; screenshots land in SHOT_DIR.
# MODE sni: no XEmbed tray; first with no tray at all (TrayNoTrayTest), then with sni_watcher.py as the
# StatusNotifierWatcher (TraySniTest).
set -euo pipefail
GUI_TESTS=$1
export MESIGN_GUI_SHOTS=$2
MODE=${3:-xembed}
HERE=$(cd "$(dirname "$0")" && pwd)
# The ASan build runs with strict_string_checks=1 (scripts/test-all.sh); libxkbcommon-x11, which Qt's xcb
# platform calls at start, strndup()s atom names that are not NUL-terminated (legal: strndup stops at n), and
# the strict check reports that as a heap overflow in the foreign library. Later ASAN_OPTIONS entries win.
if [ -n "${ASAN_OPTIONS:-}" ]; then export ASAN_OPTIONS="$ASAN_OPTIONS:strict_string_checks=0"; fi
# sni mode: QtDBus caches a meta object for the StatusNotifierWatcher until after LeakSanitizer's exit check
# (lsan-qt-dbus.supp says why); full stacks so that the suppression sees the Qt frame.
if [ -n "${ASAN_OPTIONS:-}" ] && [ "$MODE" = sni ]; then
    export ASAN_OPTIONS="$ASAN_OPTIONS:fast_unwind_on_malloc=0"
    export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$HERE/lsan-qt-dbus.supp"
fi
W=${MESIGN_SANDBOX_DIR:?run me through pcsc-sandbox.sh}/gui-desktop-$MODE
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

# Xvfb picks a free display and writes its number to fd 3. -noreset: by default the server resets when its
# last client leaves, and a client connecting during that reset is refused ("cannot open display"): the
# xdpyinfo probe below is such a last client, and trayer came right after it (seen in CI on a clean clone).
exec 3>"$W/display"
Xvfb -displayfd 3 -noreset -screen 0 1024x768x24 -nolisten tcp >"$W/xvfb.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do [ -s "$W/display" ] && break; sleep 0.05; done
[ -s "$W/display" ] || fail "Xvfb did not start: $(cat "$W/xvfb.log")"
export DISPLAY=:$(head -1 "$W/display")
# The display number can be there before the server takes connections (trayer once failed with "cannot open
# display" on a loaded machine): wait until a client gets in.
for _ in $(seq 200); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.05; done
xdpyinfo >/dev/null 2>&1 || fail "Xvfb on $DISPLAY takes no connections: $(cat "$W/xvfb.log")"
if [ "$MODE" = xembed ]; then
    trayer --edge top --align right --widthtype request --height 24 --SetDockType true --transparent false \
        >"$W/trayer.log" 2>&1 &
    TRAYER_PID=$!
    PIDS+=("$TRAYER_PID")
    # trayer owns _NET_SYSTEM_TRAY_S0 once it is up, shortly after its window appears (the tests then wait
    # for Qt to see the tray). On a loaded machine that took longer than 5 s once: wait up to 20 s, and say
    # why when it never comes.
    up=
    for _ in $(seq 400); do
        kill -0 "$TRAYER_PID" 2>/dev/null || fail "trayer exited: $(cat "$W/trayer.log")"
        xdotool search --class trayer >/dev/null 2>&1 && { up=1; break; }
        sleep 0.05
    done
    [ -n "$up" ] || fail "trayer showed no window within 20 s: $(cat "$W/trayer.log")"
fi

export MESIGN_NOTIFY_LOG=$W/notify.log MESIGN_SNI_LOG=$W/sni.log MESIGN_SNI_SCRIPT=$HERE/sni_watcher.py MODE
: >"$MESIGN_NOTIFY_LOG"
: >"$MESIGN_SNI_LOG"
export QT_QPA_PLATFORM=xcb
exec dbus-run-session -- bash -c '
    set -euo pipefail
    owned() {
        dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
            org.freedesktop.DBus.NameHasOwner string:$1 2>/dev/null | grep -q "boolean true"
    }
    # A filter that matches nothing passes in GoogleTest 1.12: insist that the suite ran.
    suite() {
        local out r=0
        out=$("$GUI_TESTS" --gtest_filter="$1.*" 2>&1) || r=$?
        printf "%s\n" "$out"
        grep -Eq "^\[==========\] [1-9][0-9]* tests? from" <<<"$out" || { echo "gui_desktop: no $1 test ran" >&2; r=1; }
        return $r
    }
    GUI_TESTS=$0
    rc=0
    # No notification server yet: the tray balloon (xembed) or nothing (sni) is all there is.
    if [ "$MODE" = xembed ]; then suite TrayBalloonTest || rc=$?; fi
    /usr/bin/python3 -m dbusmock --template notification_daemon -l "$MESIGN_NOTIFY_LOG" >"$MESIGN_NOTIFY_LOG.out" 2>&1 &
    MOCKS=($!)
    for _ in $(seq 200); do owned org.freedesktop.Notifications && break; sleep 0.05; done
    if [ "$MODE" = xembed ]; then
        suite TrayDesktopTest || rc=$?
    else
        suite TrayNoTrayTest || rc=$?
        /usr/bin/python3 "$MESIGN_SNI_SCRIPT" serve "$MESIGN_SNI_LOG" >"$MESIGN_SNI_LOG.out" 2>&1 &
        MOCKS+=($!)
        for _ in $(seq 200); do owned org.kde.StatusNotifierWatcher && break; sleep 0.05; done
        owned org.kde.StatusNotifierWatcher || { echo "sni_watcher.py did not start: $(cat "$MESIGN_SNI_LOG.out")" >&2; rc=1; }
        suite TraySniTest || rc=$?
    fi
    kill "${MOCKS[@]}" 2>/dev/null || true
    exit $rc
' "$GUI_TESTS"
