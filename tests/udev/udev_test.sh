#!/usr/bin/env bash
# udev_test.sh RULES TABLE — the generated 70-mesign-token.rules against udev/devices.tsv:
# 1. one TAG+="uaccess" rule per `uaccess` row and none for any other row or device;
# 2. udevadm (systemd 252) reads the file without complaint ("Invalid" lines; its exit code stays 0 even on
#    errors) and, for constructed USB devices under umockdev, applies the uaccess tag (and systemd's
#    73-seat-late.rules its RUN 'uaccess') to a listed reader and not to an unlisted device of the same class.
# Runs in a private mount namespace: our rules are bind-mounted over /etc/udev/rules.d there only, and
# /run/udev (udevadm's database) is a private tmpfs.
set -euo pipefail
RULES=$1
TABLE=$2
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
[ -f "$RULES" ] || fail "$RULES not generated: build the target mesign-udev-rules (part of all)"
[ "$(id -u)" -eq 0 ] || fail "needs root (a mount namespace for /etc/udev/rules.d)"
for tool in udevadm umockdev-run unshare; do
    command -v $tool >/dev/null || fail "$tool not found (scripts/install-deps.sh: udev, umockdev)"
done
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
cd "$W"

echo "== the rules match the table"
awk -F'\t' '!/^#/ && NF && $5 == "uaccess" {printf "ATTR{idVendor}==\"%s\", ATTR{idProduct}==\"%s\", TAG+=\"uaccess\"\n", $1, $2}' \
    "$TABLE" | sort >expected.txt
grep 'TAG+=' "$RULES" | sort >actual.txt
[ -s expected.txt ] || fail "the table has no uaccess row: nothing would be tested"
diff -u expected.txt actual.txt || fail "rules and table differ (- table, + rules)"
while IFS=$'\t' read -r vid pid name _class handling _notes; do
    case $vid in '#'* | '') continue ;; esac
    if [ "$handling" != uaccess ] && grep -q "idVendor}==\"$vid\", ATTR{idProduct}==\"$pid\"" "$RULES"; then
        fail "$vid:$pid ($name) is $handling but has a rule"
    fi
done <"$TABLE"

# usb_device VID PID: a umockdev record of a USB device with one vendor-class interface.
usb_device() {
    cat <<X
P: /devices/pci0000:00/0000:00:14.0/usb1/1-1
N: bus/usb/001/002
E: DEVNAME=/dev/bus/usb/001/002
E: DEVTYPE=usb_device
E: DRIVER=usb
E: PRODUCT=${1#0}/$2/100
E: TYPE=0/0/0
E: BUSNUM=001
E: DEVNUM=002
E: MAJOR=189
E: MINOR=1
E: SUBSYSTEM=usb
A: idVendor=$1
A: idProduct=$2
A: bDeviceClass=00
A: bNumInterfaces= 1
A: busnum=1
A: devnum=2
X
}
mkdir rules
cp "$RULES" rules/70-mesign-token.rules
# udevadm_test VID PID OUT: `udevadm test` of an add event for that device, our rules in /etc/udev/rules.d.
udevadm_test() {
    usb_device "$1" "$2" >dev.umockdev
    # A private /run/udev too: udevadm test records the device's tags there, and they would stick to the
    # next device with the same number.
    mkdir -p /run/udev
    unshare -m --propagation private sh -c "mount --bind '$W/rules' /etc/udev/rules.d &&
        mount -t tmpfs mesign-udev-test /run/udev &&
        umockdev-run -d dev.umockdev -- udevadm test --action=add /sys/devices/pci0000:00/0000:00:14.0/usb1/1-1" \
        >"$3" 2>&1 || fail "udevadm test for $1:$2: $(tail -5 "$3")"
    grep -q "Reading rules file: /etc/udev/rules.d/70-mesign-token.rules" "$3" || fail "udevadm did not read our rules: $(head -60 "$3")"
    if grep -n "70-mesign-token.rules.*\(Invalid\|invalid\|error\|Error\|unknown\)" "$3"; then
        fail "udevadm reports problems in the generated rules (above)"
    fi
}

read -r VID PID <<<"$(awk -F'\t' '!/^#/ && NF && $5 == "uaccess" {print $1, $2; exit}' "$TABLE")"
echo "== udevadm test: listed $VID:$PID gets the uaccess tag"
udevadm_test "$VID" "$PID" listed.txt
grep -Eq "^TAGS=.*:uaccess:" listed.txt || fail "no uaccess tag for $VID:$PID: $(grep -E 'TAGS|run:' listed.txt)"
grep -q "^run: 'uaccess'" listed.txt || fail "73-seat-late did not schedule uaccess: $(grep -E 'TAGS|run:' listed.txt)"

echo "== udevadm test: unlisted $VID:fffe does not"
grep -q "^$VID	fffe	" "$TABLE" && fail "pick another unlisted product id: $VID:fffe is in the table"
udevadm_test "$VID" fffe unlisted.txt
grep -Eq "^TAGS=.*:uaccess:" unlisted.txt && fail "uaccess for an unlisted device: $(grep -E 'TAGS|run:' unlisted.txt)"
grep -q "^run: 'uaccess'" unlisted.txt && fail "RUN uaccess for an unlisted device"
echo "ALL PASSED"
