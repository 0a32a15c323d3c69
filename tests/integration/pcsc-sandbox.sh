#!/usr/bin/env bash
# pcsc-sandbox.sh CMD [ARGS...]
#
# Runs CMD beside a private pcscd that has one vsmartcard vpcd reader ("MeSign Test VPCD"), inside fresh
# mount, network and PID namespaces:
#   - mount: /run/pcscd is a private tmpfs, so this pcscd and its socket never meet the system's;
#   - network: vpcd listens on 0.0.0.0:PORT and PORT+1, visible only inside, so the port can be fixed and
#     several sandboxes (and a system pcscd) can run side by side;
#   - PID: if this script is killed (ctest timeout), the kernel kills pcscd and every test process with it.
# A multithreaded test binary cannot unshare a mount namespace itself, hence this wrapper.
#
# Inside CMD the environment has:
#   MESIGN_VPCD_HOST / MESIGN_VPCD_PORT  where a virtual card connects (127.0.0.1, default port 35990)
#   MESIGN_TEST_READER                   the reader of that slot ("MeSign Test VPCD 00 00")
#   MESIGN_SANDBOX_DIR                   a scratch directory removed afterwards (MESIGN_SANDBOX_KEEP=1 keeps it)
#   MESIGN_PCSCD_LOG                     pcscd's output; MESIGN_PCSCD_ARGS="-d -a" logs every APDU into it
# MESIGN_VPCD_READERS=N (default 2, even) asks for N vpcd readers: vpcd gives two per reader.conf entry,
# on ports PORT .. PORT+N-1 ("MeSign Test VPCD 00 00/01", then "MeSign Test VPCD K 00 00/01", K = 2, 3, ...).
# Exit status: CMD's, or 1 (with a message) when the sandbox cannot be built. Nothing is skipped silently.
set -euo pipefail

die() {
    echo "pcsc-sandbox: $*" >&2
    exit 1
}

[ $# -ge 1 ] || die "usage: pcsc-sandbox.sh CMD [ARGS...]"

readonly PCSCD=${MESIGN_PCSCD:-/usr/sbin/pcscd}
readonly VPCD_DRIVER=/usr/lib/pcsc/drivers/serial/libifdvpcd.so

if [ "${MESIGN_IN_PCSC_SANDBOX:-}" != "$$" ]; then
    command -v unshare >/dev/null || die "unshare not found (util-linux); cannot build the sandbox"
    command -v ip >/dev/null || die "ip not found (iproute2); cannot bring up loopback in the sandbox"
    [ -x "$PCSCD" ] || die "$PCSCD not found: install pcscd (scripts/install-deps.sh)"
    [ -e "$VPCD_DRIVER" ] || die "$VPCD_DRIVER not found: install vsmartcard-vpcd (scripts/install-deps.sh)"
    [ "$(id -u)" -eq 0 ] || die "must run as root (unshare of mount and network namespaces)"
    # With --fork the script re-runs as PID 1 of the new PID namespace; mark that copy so it does not recurse.
    export MESIGN_IN_PCSC_SANDBOX=1
    exec unshare --mount --net --pid --fork --kill-child --mount-proc --propagation private \
        -- "$0" "$@"
fi
[ "$$" -eq 1 ] || die "expected to run as PID 1 of the sandbox, got PID $$"
unset MESIGN_IN_PCSC_SANDBOX

ip link set lo up || die "cannot bring up loopback in the network namespace"

readonly PORT=${MESIGN_VPCD_PORT:-35990}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/mesign-pcsc-sandbox.XXXXXX")
readonly WORK
mkdir -p /run/pcscd "$WORK/reader.conf.d" "$WORK/tmp"
mount -t tmpfs -o mode=0755,size=1m pcscd-sandbox /run/pcscd || die "cannot mount a private /run/pcscd"
# Hide the system's USB reader drivers (CCID) from this pcscd, so a developer's real token never shows
# up beside the test reader; the vpcd driver is loaded from a private copy.
mkdir -p "$WORK/drivers"
cp "$VPCD_DRIVER" "$WORK/drivers/libifdvpcd.so"
if [ -d /usr/lib/pcsc/drivers ]; then
    mount -t tmpfs -o mode=0755,size=1m pcsc-drivers /usr/lib/pcsc/drivers || die "cannot hide the USB drivers"
fi

# Listen mode only (/dev/null:PORT): vpcd's reverse mode (HOST:PORT) crashes pcscd when a card goes away.
cat >"$WORK/reader.conf.d/vpcd" <<EOF
FRIENDLYNAME "MeSign Test VPCD"
DEVICENAME   /dev/null:$PORT
LIBPATH      $WORK/drivers/libifdvpcd.so
CHANNELID    $PORT
EOF
# More readers: one entry per pair, each with its own copy of the driver (vpcd keeps its sockets in
# globals indexed by slot, so two entries sharing one loaded library would share them).
readers=${MESIGN_VPCD_READERS:-2}
for ((k = 2; 2 * k <= readers; k++)); do
    cp "$WORK/drivers/libifdvpcd.so" "$WORK/drivers/libifdvpcd$k.so"
    cat >"$WORK/reader.conf.d/vpcd$k" <<EOF
FRIENDLYNAME "MeSign Test VPCD $k"
DEVICENAME   /dev/null:$((PORT + 2 * (k - 1)))
LIBPATH      $WORK/drivers/libifdvpcd$k.so
CHANNELID    $((PORT + 2 * (k - 1)))
EOF
done

# A systemd socket handed down by the caller would make pcscd serve that instead of our socket.
unset LISTEN_FDS LISTEN_PID LISTEN_FDNAMES PCSCLITE_CSOCK_NAME
export MESIGN_PCSCD_LOG=$WORK/pcscd.log
# shellcheck disable=SC2086 # MESIGN_PCSCD_ARGS is a list of flags
"$PCSCD" -f ${MESIGN_PCSCD_ARGS:-} -c "$WORK/reader.conf.d" >"$MESIGN_PCSCD_LOG" 2>&1 &
PCSCD_PID=$!

stop_pcscd() {
    kill -TERM "$PCSCD_PID" 2>/dev/null || return 0
    for _ in $(seq 100); do
        kill -0 "$PCSCD_PID" 2>/dev/null || break
        sleep 0.05
    done
    kill -KILL "$PCSCD_PID" 2>/dev/null || true
    wait "$PCSCD_PID" 2>/dev/null || true
}

# pcscd creates its socket only after the readers are initialised: the socket means ready.
for _ in $(seq 200); do
    [ -S /run/pcscd/pcscd.comm ] && break
    kill -0 "$PCSCD_PID" 2>/dev/null || break
    sleep 0.025
done
if [ ! -S /run/pcscd/pcscd.comm ]; then
    stop_pcscd
    echo "pcsc-sandbox: pcscd did not start; its log:" >&2
    cat "$MESIGN_PCSCD_LOG" >&2 || true
    exit 1
fi

export MESIGN_VPCD_HOST=127.0.0.1
export MESIGN_VPCD_PORT=$PORT
export MESIGN_TEST_READER="MeSign Test VPCD 00 00"
export MESIGN_SANDBOX_DIR=$WORK
export TMPDIR=$WORK/tmp
# Caches (the token layer's object cache) stay inside the sandbox, never in the caller's home.
export XDG_CACHE_HOME=$WORK/cache

set +e
"$@"
rc=$?
set -e

stop_pcscd
if [ "$rc" -ne 0 ]; then
    echo "pcsc-sandbox: '$1' exited with $rc; last lines of the pcscd log:" >&2
    tail -n 40 "$MESIGN_PCSCD_LOG" >&2 || true
fi
if [ -n "${MESIGN_SANDBOX_KEEP:-}" ]; then
    echo "pcsc-sandbox: kept $WORK" >&2
else
    rm -rf "$WORK"
fi
exit "$rc"
