#!/usr/bin/env bash
# install_test.sh BUILD WORK HAS_TRAY HAS_MAN BINDIR LIBDIR DATADIR MANDIR DOCDIR SYSCONFDIR TRAY_QM
# (BINDIR..SYSCONFDIR: CMake's GNUInstallDirs values, relative to the prefix; TRAY_QM: the tray's .qm file
# names, comma-separated)
# 1. `cmake --install BUILD --prefix STAGE` installs exactly the expected files (below), mesign.module names
#    the staged module by absolute path, and the staged mesign-token finds the staged module by itself;
# 2. the uninstall target removes exactly the files of install_manifest.txt and nothing else;
# 3. `cpack -G DEB` builds a .deb whose `dpkg-deb -c` lists the same files under /usr, depending on pcscd.
set -euo pipefail
BUILD=$1 W=$2 TRAY=$3 MAN=$4 BINDIR=$5 LIBDIR=$6 DATADIR=$7 MANDIR=$8 DOCDIR=$9 SYSCONFDIR=${10} TRAY_QM=${11:-}
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
# grep for pipelines: reads all its input (grep -q would stop early and SIGPIPE the producer under pipefail).
has() { grep "$@" >/dev/null; }
# The sanitizer build preloads the ASan runtime for the one foreign program that loads our module here
# (modutil, under register-nss); cpack's dpkg-shlibdeps/fakeroot hang with it, so only that step gets it.
ASAN_PRELOAD=${LD_PRELOAD:-}
unset LD_PRELOAD
rm -rf "$W"
mkdir -p "$W"
STAGE=$W/stage

if [ "$MAN" != 1 ] && [ "${CI:-}" = true ]; then
    fail "help2man was not found at configure time: no man pages (scripts/install-deps.sh installs it)"
fi

# The expected files, relative to the prefix.
{
    echo "$BINDIR/mesign-token"
    echo "$BINDIR/mesign-vcard"
    echo "$LIBDIR/pkcs11/libmesign-pkcs11.so"
    echo "$DATADIR/p11-kit/modules/mesign.module"
    echo "$DOCDIR/README.md"
    echo "lib/udev/rules.d/70-mesign-token.rules"
    if [ "$MAN" = 1 ]; then
        echo "$MANDIR/man1/mesign-token.1"
        echo "$MANDIR/man1/mesign-vcard.1"
    fi
    if [ "$TRAY" = 1 ]; then
        echo "$BINDIR/mesign-tray"
        echo "$SYSCONFDIR/xdg/autostart/mesign-tray.desktop"
        echo "lib/systemd/user/mesign-tray.service"
        for qm in ${TRAY_QM//,/ }; do echo "$DATADIR/mesign-tray/translations/$qm"; done
    fi
} | sort >"$W/expected.txt"
cd "$W"

echo "== cmake --install into $STAGE"
cmake --install "$BUILD" --prefix "$STAGE" >install.log 2>&1 || fail "cmake --install: $(tail -5 install.log)"
cp "$BUILD/install_manifest.txt" manifest.txt
(cd "$STAGE" && find . \( -type f -o -type l \) | sed 's|^\./||' | sort) >staged.txt
diff -u expected.txt staged.txt || fail "the staged files differ from the expected list (- expected, + staged)"
sed "s|^$STAGE/||" manifest.txt | sort -u >manifest-rel.txt
diff -u expected.txt manifest-rel.txt || fail "install_manifest.txt differs from the expected list"
# Nothing may land outside the prefix (an absolute DESTINATION would).
grep -v "^$STAGE/" manifest.txt && fail "files installed outside the prefix (above)"

echo "== the staged files work"
grep -qx "module: $STAGE/$LIBDIR/pkcs11/libmesign-pkcs11.so" "$STAGE/$DATADIR/p11-kit/modules/mesign.module" \
    || fail "mesign.module: $(cat "$STAGE/$DATADIR/p11-kit/modules/mesign.module")"
"$STAGE/$BINDIR/mesign-token" --help | has "register-nss" || fail "the staged mesign-token does not run"
# The installed CLI finds the installed module on its own (no --module, no MESIGN_PKCS11_MODULE).
mkdir nssdb
certutil -N -d sql:nssdb --empty-password
env -u MESIGN_PKCS11_MODULE ${ASAN_PRELOAD:+LD_PRELOAD=$ASAN_PRELOAD} "$STAGE/$BINDIR/mesign-token" register-nss \
    --db sql:nssdb >nss.txt 2>&1 \
    || fail "register-nss with the staged CLI: $(cat nss.txt)"
grep -q "registered \"MeSign Token\" ($STAGE/$LIBDIR/pkcs11/libmesign-pkcs11.so)" nss.txt \
    || fail "the staged CLI did not pick the staged module: $(cat nss.txt)"
if [ "$MAN" = 1 ]; then
    for c in list info enroll sign-mail sign-doc verify vcard doctor register-nss; do
        grep -qx "\.SS $c" "$STAGE/$MANDIR/man1/mesign-token.1" || fail "the mesign-token man page has no section for $c"
    done
    LC_ALL=C MANWIDTH=120 man -l "$STAGE/$MANDIR/man1/mesign-token.1" 2>/dev/null | has "incremental update" \
        || fail "the mesign-token man page lacks sign-doc's help text"
    LC_ALL=C MANWIDTH=120 man -l "$STAGE/$MANDIR/man1/mesign-vcard.1" 2>/dev/null | has "STATE_FILE" \
        || fail "the mesign-vcard man page lacks its usage"
fi

echo "== uninstall removes exactly the installed files"
echo keep >"$STAGE/$BINDIR/not-ours"
cmake --build "$BUILD" --target uninstall >uninstall.log 2>&1 || fail "uninstall: $(tail -5 uninstall.log)"
left=$(cd "$STAGE" && find . \( -type f -o -type l \) | sed 's|^\./||' | sort)
[ "$left" = "$BINDIR/not-ours" ] || fail "after uninstall: expected only $BINDIR/not-ours, found: $left"

echo "== cpack -G DEB"
(cd "$BUILD" && cpack -G DEB -B "$W/pkg") >cpack.log 2>&1 || fail "cpack: $(tail -20 cpack.log)"
deb=$(ls "$W"/pkg/*.deb)
[ "$(echo "$deb" | wc -l)" = 1 ] || fail "expected one .deb: $deb"
dpkg-deb -c "$deb" | awk '$1 !~ /^d/ {print $6}' >deb-paths.txt
# Under /usr, except the system configuration (the tray's autostart entry), which belongs in /etc.
sed -e 's|^\./usr/||' -e 's|^\./etc/|'"$SYSCONFDIR"'/|' deb-paths.txt | sort >deb.txt
if [ "$TRAY" = 1 ]; then
    has -x "./etc/xdg/autostart/mesign-tray.desktop" deb-paths.txt \
        || fail "the .deb does not put the autostart entry in /etc/xdg/autostart: $(grep autostart deb-paths.txt)"
fi
diff -u expected.txt deb.txt || fail "the .deb's files differ from the expected list (- expected, + .deb)"
dpkg-deb -f "$deb" Depends | has "pcscd" || fail "the .deb does not depend on pcscd: $(dpkg-deb -f "$deb" Depends)"
dpkg-deb -f "$deb" Depends | has "libssl3" || fail "no shared-library dependencies: $(dpkg-deb -f "$deb" Depends)"
dpkg-deb --fsys-tarfile "$deb" | tar -xO "./usr/$DATADIR/p11-kit/modules/mesign.module" | \
    grep -qx "module: /usr/$LIBDIR/pkcs11/libmesign-pkcs11.so" || fail "the .deb's mesign.module has the wrong path"
echo "ALL PASSED"
