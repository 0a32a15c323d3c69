#!/usr/bin/env bash
# run-all.sh [--quick] [--runs N] [--build DIR] [--out DIR] [--other MODULE]
#
# Every benchmark scenario of bench/README.md, ours against OpenSC's opensc-pkcs11 on the same virtual PIV
# cards through the same pcscd, runs alternating between the modules, N runs each (default 5; --quick: 1
# short run, for the ctest smoke test). Builds nothing: takes libmesign-pkcs11.so, mesign-vcard, p11bench,
# p11mem and card_speed from the build directory (default build/release). Writes OUT/<stamp>.jsonl (raw
# results), OUT/<stamp>.md (the table with targets, ratios, PASS/FAIL) and OUT/<stamp>.png (the chart);
# OUT defaults to bench/results. Runs itself inside tests/integration/pcsc-sandbox.sh with 8 readers (root).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)

quick=0 runs=5 build=$ROOT/build/release out=$HERE/results other=/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so
while [ $# -gt 0 ]; do
    case $1 in
        --quick) quick=1; runs=1; shift ;;
        --runs) runs=$2; shift 2 ;;
        --build) build=$(realpath "$2"); shift 2 ;;
        --out) out=$(realpath -m "$2"); shift 2 ;;
        --other) other=$(realpath "$2"); shift 2 ;;
        *) sed -n '2,10p' "$0" >&2; exit 2 ;;
    esac
done

OURS=$build/pkcs11/libmesign-pkcs11.so
VCARD=$build/vcard/tool/mesign-vcard
P11BENCH=$build/bench/p11bench
P11MEM=$build/bench/p11mem
CARD_SPEED=$build/bench/card_speed
for f in "$OURS" "$VCARD" "$P11BENCH" "$P11MEM" "$CARD_SPEED" "$other"; do
    [ -e "$f" ] || { echo "run-all: $f not found (build the bench targets first)" >&2; exit 1; }
done

if [ -z "${MESIGN_SANDBOX_DIR:-}" ]; then
    args=(--runs "$runs" --build "$build" --out "$out" --other "$other")
    [ $quick = 1 ] && args+=(--quick)
    MESIGN_VPCD_READERS=8 exec "$ROOT/tests/integration/pcsc-sandbox.sh" "$0" "${args[@]}"
fi

W=$MESIGN_SANDBOX_DIR/bench
mkdir -p "$W" "$out"
cd "$W"
# Every cache (ours, OpenSC's) lives in the sandbox: runs are reproducible and the user's stay untouched.
export HOME=$W/home XDG_CACHE_HOME=$W/cache
mkdir -p "$HOME"
unset MESIGN_CACHE MESIGN_LOG

stamp=$(date -u +%Y-%m-%d-%H%M)
[ $quick = 1 ] && stamp=quick
RAW=$out/$stamp.jsonl
: >"$RAW"
PORT=$MESIGN_VPCD_PORT
# pcscd powers an idle card down about 1 s after the last handle closes: every run starts alike.
SETTLE=1.5
[ $quick = 1 ] && SETTLE=0.3
SECONDS_PER_RUN=2
[ $quick = 1 ] && SECONDS_PER_RUN=0.3

fail() {
    echo "run-all: $*" >&2
    exit 1
}
note() { echo "run-all: $*" >&2; }

reader_of() {  # index 0..7 -> reader name (pcsc-sandbox.sh: two readers per vpcd entry)
    local k=$(($1 / 2 + 1)) s=$(($1 % 2))
    if [ $k = 1 ]; then echo "MeSign Test VPCD 00 0$s"; else echo "MeSign Test VPCD $k 00 0$s"; fi
}

declare -A CARD_PID
start_card() {  # INDEX STATE: a card in reader INDEX (vpcd port PORT+INDEX), APDUs logged per reader
    "$VCARD" --init piv --port $((PORT + $1)) --apdu-log "$W/apdu-$1.log" "$2" >>"$W/vcard-$1.log" 2>&1 &
    CARD_PID[$1]=$!
    local reader
    reader=$(reader_of "$1")
    for _ in $(seq 200); do
        yubico-piv-tool -r "$reader" -a status >/dev/null 2>&1 && return 0
        sleep 0.05
    done
    fail "the card in $reader did not come up: $(tail -3 "$W/vcard-$1.log")"
}
stop_card() {  # INDEX: card removed, and pcscd has noticed (a new card on that port would meet the old one)
    [ -n "${CARD_PID[$1]:-}" ] || return 0
    kill "${CARD_PID[$1]}" 2>/dev/null || true
    wait "${CARD_PID[$1]}" 2>/dev/null || true
    unset "CARD_PID[$1]"
    local reader
    reader=$(reader_of "$1")
    for _ in $(seq 100); do
        opensc-tool -l 2>/dev/null | grep -F "$reader" | grep -Eq "^[0-9]+ +No " && return 0
        sleep 0.05
    done
    fail "pcscd still sees a card in $reader"
}
stop_all() { for i in "${!CARD_PID[@]}"; do stop_card "$i"; done; }
trap 'for i in "${!CARD_PID[@]}"; do kill "${CARD_PID[$i]}" 2>/dev/null || true; done' EXIT

# --- cards, provisioned like a user's token: keys generated on the card, certificates from a local CA ---
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.crt \
    -subj "/CN=MeSign Bench CA" -days 2 2>/dev/null || fail "CA certificate"
enrol() {  # INDEX SLOT ALGORITHM NAME
    local ypt=(yubico-piv-tool -r "$(reader_of "$1")")
    "${ypt[@]}" -a generate -s "$2" -A "$3" -o "$4.pub" >/dev/null 2>&1 || fail "generate $4"
    openssl x509 -new -force_pubkey "$4.pub" -subj "/CN=MeSign bench $4" -CA ca.crt -CAkey ca.key \
        -days 2 -out "$4.crt" 2>/dev/null || fail "certificate for $4"
    "${ypt[@]}" -a import-certificate -s "$2" -i "$4.crt" >/dev/null 2>&1 || fail "import-certificate $4"
}
note "provisioning cards"
start_card 0 rsa.state  # card R: RSA-2048 in 9A and 9C, EC P-256 in 9D (as bench/apdu-count.sh)
enrol 0 9a RSA2048 rsa-9a
enrol 0 9c RSA2048 rsa-9c
enrol 0 9d ECCP256 rsa-9d
stop_card 0
start_card 0 ec.state  # card E: EC P-256 in 9A
enrol 0 9a ECCP256 ec-9a
stop_card 0
for i in $(seq 0 7); do  # enumeration cards: EC P-256 + certificate in 9A each
    start_card "$i" "enum$i.state"
    enrol "$i" 9a ECCP256 "enum$i-9a"
done
stop_all

env_line() {  # WHEN: what the numbers were measured on (a shared machine makes them noisy)
    printf '{"scenario":"env","when":"%s","date":"%s","cpus":%s,"loadavg":"%s","opensc":"%s","mesign_commit":"%s"}\n' \
        "$1" "$(date -u +%FT%TZ)" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" \
        "$(dpkg-query -W -f='${Version}' opensc-pkcs11 2>/dev/null)" \
        "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)" >>"$RAW"
}
env_line start
MODULES=("mesign=$OURS" "opensc=$other")
bench() {  # LABEL MODULE TAG... -- P11BENCH ARGS: one run, its JSON line appended to RAW
    local label=$1 module=$2
    shift 2
    local tags=()
    while [ "$1" != -- ]; do tags+=(--tag "$1"); shift; done
    shift
    "$P11BENCH" --module "$module" --label "$label" "${tags[@]}" "$@" >>"$RAW" 2>"$W/p11bench.err" ||
        fail "p11bench $label $*: $(cat "$W/p11bench.err")"
}
clear_caches() { rm -rf "$XDG_CACHE_HOME" "$HOME/.cache" "$HOME/.eid"; }

# --- 1 and 2: cold start and cold sign, first contact (empty caches) and a known card (warm caches) ---
cold_jobs() {  # CARD_NAME JOB...: JOB = name:scenario:id:mech
    local run m label module job name scen id mech cache
    for run in $(seq "$runs"); do
        for m in "${MODULES[@]}"; do
            label=${m%%=*} module=${m#*=}
            for job in "$@"; do
                IFS=: read -r name scen id mech <<<"$job"
                clear_caches
                for cache in cold warm; do
                    sleep "$SETTLE"
                    bench "$label" "$module" "job=$name" "cache=$cache" "run=$run" -- --scenario "$scen" \
                        --apdu-log "$W/apdu-0.log" --id "$id" --mech "$mech"
                done
            done
        done
    done
}
note "scenarios 1-2: cold start and cold sign ($runs runs)"
start_card 0 rsa.state
cold_jobs start:start:1:rsa sign-rsa-9a:sign:1:rsa sign-rsa-9c:sign:2:rsa
stop_all
start_card 0 ec.state
cold_jobs sign-ec-9a:sign:1:ecdsa
stop_all

# --- 3: warm signature throughput, and the card's limit through the same reader without middleware ---
note "scenario 3: throughput"
throughput() {  # STATE MECH CERT [CERT_9C]
    start_card 0 "$1"
    local run m t
    for run in $(seq "$runs"); do
        for t in 1 4 16; do
            for m in "${MODULES[@]}"; do
                bench "${m%%=*}" "${m#*=}" "mech=$2" "run=$run" -- --scenario throughput --threads "$t" \
                    --seconds "$SECONDS_PER_RUN" --apdu-log "$W/apdu-0.log" --id 1 --mech "$2"
            done
        done
        for t in 1 4 16; do  # the bare card driven by as many threads (own connections) as the module's
            "$P11BENCH" --scenario raw-sign --label raw-pcsc --tag "mech=$2" --tag key=9a --tag "run=$run" \
                --reader "$(reader_of 0)" --cert "$3" --seconds "$SECONDS_PER_RUN" --apdu-log "$W/apdu-0.log" \
                --threads "$t" --mech "$2" >>"$RAW" || fail "raw-sign $2, $t threads"
        done
        "$P11BENCH" --scenario raw-sign --label raw-pcsc-txn --tag "mech=$2" --tag key=9a --tag "run=$run" \
            --reader "$(reader_of 0)" --cert "$3" --seconds "$SECONDS_PER_RUN" --transaction 1 \
            --apdu-log "$W/apdu-0.log" --mech "$2" >>"$RAW" || fail "raw-sign $2 in transactions"
        if [ -n "${4:-}" ]; then  # the PIN-always key: VERIFY before each signature
            "$P11BENCH" --scenario raw-sign --label raw-pcsc --tag "mech=$2" --tag key=9c --tag "run=$run" \
                --reader "$(reader_of 0)" --cert "$4" --id 2 --seconds "$SECONDS_PER_RUN" \
                --apdu-log "$W/apdu-0.log" --mech "$2" >>"$RAW" || fail "raw-sign $2 9C"
        fi
    done
    stop_all
}
throughput rsa.state rsa rsa-9a.crt rsa-9c.crt
throughput ec.state ecdsa ec-9a.crt

# --- 4: enumeration with 1, 4 and 8 cards (8 readers) ---
note "scenario 4: enumeration"
for n in 1 4 8; do
    for i in $(seq 0 $((n - 1))); do start_card "$i" "enum$i.state"; done
    for run in $(seq "$runs"); do
        for m in "${MODULES[@]}"; do
            clear_caches
            for cache in cold warm; do
                sleep "$SETTLE"
                before=$(cat "$W"/apdu-*.log | wc -l)
                bench "${m%%=*}" "${m#*=}" "job=enum" "cards=$n" "cache=$cache" "run=$run" -- --scenario start
                after=$(cat "$W"/apdu-*.log | wc -l)
                # APDUs of every card: p11bench counts one log; this run's total goes into the line.
                sed -i "\$s/}\$/,\"apdus\":$((after - before))}/" "$RAW"
            done
        done
    done
    stop_all
done

# --- 5: hotplug latency against the bare PC/SC notification ---
note "scenario 5: hotplug"
for m in "${MODULES[@]}"; do
    bench "${m%%=*}" "${m#*=}" -- --scenario hotplug --reader "$(reader_of 0)" --vcard "$VCARD" \
        --state "$W/rsa.state" --port "$PORT" --iterations $((runs > 1 ? runs : 1)) --apdu-log "$W/apdu-0.log"
done

# --- 6: the card's own crypto against openssl speed; the module's in-process overhead ---
note "scenario 6: card crypto and in-process overhead"
"$CARD_SPEED" --seconds "$SECONDS_PER_RUN" >>"$RAW" || fail "card_speed"
openssl speed -seconds $([ $quick = 1 ] && echo 1 || echo 3) rsa2048 ecdsap256 2>/dev/null >"$W/speed.txt" ||
    fail "openssl speed"
awk '/^rsa 2048 bits/ { printf "{\"scenario\":\"openssl-speed\",\"module\":\"openssl\",\"mech\":\"rsa\",\"ops_per_s\":%s}\n", $6 }
     /^ *256 bits ecdsa \(nistp256\)/ { printf "{\"scenario\":\"openssl-speed\",\"module\":\"openssl\",\"mech\":\"ecdsa\",\"ops_per_s\":%s}\n", $7 }' \
    "$W/speed.txt" >>"$RAW"

# --- 7: resident size added by the module, and by the tray agent ---
note "scenario 7: memory"
start_card 0 rsa.state
for run in $(seq "$runs"); do
    for m in "${MODULES[@]}"; do
        "$P11MEM" "${m#*=}" "${m%%=*}" | sed "s/}\$/,\"run\":\"$run\"}/" >>"$RAW" || fail "p11mem ${m%%=*}"
    done
done
stop_all
tray=$build/tray/mesign-tray
if [ -x "$tray" ]; then
    # Its own runtime directory: the agent allows one instance per session (lock file + socket there).
    mkdir -p -m 700 "$W/run"
    start_card 0 rsa.state
    XDG_RUNTIME_DIR=$W/run QT_QPA_PLATFORM=offscreen "$tray" >"$W/tray.log" 2>&1 &
    tray_pid=$!
    sleep 3
    kib=$(awk '/^VmRSS:/ { print $2 }' "/proc/$tray_pid/status" 2>/dev/null || true)
    kill "$tray_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$tray_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$tray_pid" 2>/dev/null || true
    wait "$tray_pid" 2>/dev/null || true
    stop_all
    if [ -n "$kib" ]; then
        echo "{\"scenario\":\"memory-tray\",\"module\":\"mesign-tray\",\"rss_kib\":$kib}" >>"$RAW"
    else
        why=$(tail -1 "$W/tray.log" | tr -d '"\\')
        echo "{\"scenario\":\"memory-tray\",\"module\":\"mesign-tray\",\"status\":\"not measured: mesign-tray exited within 3 s ($why)\"}" >>"$RAW"
    fi
else
    echo "{\"scenario\":\"memory-tray\",\"module\":\"mesign-tray\",\"status\":\"not measured: no tray binary\"}" >>"$RAW"
fi

env_line end
cmd="bench/run-all.sh --runs $runs --build ${build#"$ROOT"/}"
check=()
if [ $quick = 1 ]; then cmd="bench/run-all.sh --quick --build ${build#"$ROOT"/}"; check=(--check); fi
/usr/bin/python3 "$HERE/report.py" "${check[@]}" --command "$cmd" "$RAW" "$out/$stamp.md" "$out/$stamp.png"
echo "run-all: wrote $out/$stamp.md, $out/$stamp.png and $RAW"
