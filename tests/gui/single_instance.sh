#!/usr/bin/env bash
# single_instance.sh MESIGN_TRAY — inside pcsc-sandbox.sh, offscreen: the installed program keeps one agent
# per session. A second start hands over to the running agent and exits 0 at once; the first keeps running
# and ends cleanly on SIGTERM.
set -euo pipefail
TRAY=$1
W=${MESIGN_SANDBOX_DIR:?run me through pcsc-sandbox.sh}/single
mkdir -p "$W/run" "$W/config"
chmod 700 "$W/run"
export QT_QPA_PLATFORM=offscreen XDG_RUNTIME_DIR=$W/run XDG_CONFIG_HOME=$W/config
fail() {
    echo "FAIL: $*" >&2
    exit 1
}

"$TRAY" >"$W/first.log" 2>&1 &
FIRST=$!
trap 'kill $FIRST 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -e "$W/run/mesign-tray.lock" ] && [ -S "$W/run/mesign-tray.socket" ] && break; sleep 0.05; done
[ -S "$W/run/mesign-tray.socket" ] || fail "the first agent did not take the lock: $(cat "$W/first.log")"

start=$(date +%s%N)
rc=0
timeout 20 "$TRAY" >"$W/second.log" 2>&1 || rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$rc" -eq 0 ] || fail "the second start exited $rc: $(cat "$W/second.log")"
echo "second start handed over and exited in $ms ms"
[ "$ms" -lt 5000 ] || fail "the second start took $ms ms"
kill -0 "$FIRST" 2>/dev/null || fail "the first agent is gone: $(cat "$W/first.log")"

kill -TERM "$FIRST"
rc=0
wait "$FIRST" || rc=$?
trap - EXIT
# SIGTERM's default action ends the Qt program: 143 is the expected status.
[ "$rc" -eq 143 ] || fail "the agent exited $rc on SIGTERM: $(cat "$W/first.log")"
echo "ok"
