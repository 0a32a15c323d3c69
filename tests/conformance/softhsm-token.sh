#!/usr/bin/env bash
# softhsm-token.sh CMD [ARGS...]
# Runs CMD with SOFTHSM2_CONF pointing at a throw-away token directory that holds one fresh token,
# label "conformance", SO PIN 12345678, user PIN 123456 (the conformance.softhsm2 defaults).
# The directory is removed afterwards (MESIGN_SOFTHSM_KEEP=1 keeps it for a post-mortem).
set -euo pipefail

[ $# -ge 1 ] || { echo "usage: softhsm-token.sh CMD [ARGS...]" >&2; exit 1; }
command -v softhsm2-util >/dev/null || { echo "softhsm-token.sh: softhsm2-util not found (install softhsm2)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/p11-conformance-softhsm.XXXXXX")
cleanup() { [ "${MESIGN_SOFTHSM_KEEP:-}" = 1 ] && echo "kept $work" >&2 || rm -rf "$work"; }
trap cleanup EXIT

mkdir -p "$work/tokens"
cat >"$work/softhsm2.conf" <<CONF
directories.tokendir = $work/tokens
objectstore.backend = file
log.level = ERROR
slots.removable = false
slots.mechanisms = ALL
library.reset_on_fork = false
CONF
export SOFTHSM2_CONF=$work/softhsm2.conf
softhsm2-util --init-token --free --label conformance --so-pin 12345678 --pin 123456 >/dev/null

export MESIGN_P11_SLOT_LABEL=${MESIGN_P11_SLOT_LABEL:-conformance}
export MESIGN_P11_USER_PIN=${MESIGN_P11_USER_PIN:-123456}
export MESIGN_P11_SO_PIN=${MESIGN_P11_SO_PIN:-12345678}
"$@"
