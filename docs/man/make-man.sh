#!/usr/bin/env bash
# make-man.sh PROGRAM VERSION DESCRIPTION OUT.1 — a man page from the program's own --help (help2man), so the
# page cannot drift from the program. For a program with subcommands (its --help lists "Commands:"), each
# subcommand's --help becomes a paragraph of a COMMANDS section.
set -euo pipefail
PROG=$1 VERSION=$2 DESC=$3 OUT=$4
command -v help2man >/dev/null || { echo "make-man.sh: help2man not found (scripts/install-deps.sh)" >&2; exit 1; }
INC=$(mktemp)
trap 'rm -f "$INC"' EXIT
cmds=$("$PROG" --help | sed -n '/^Commands:/,/^$/p' | sed -n 's/^  \([a-z][a-z0-9-]*\).*/\1/p')
if [ -n "$cmds" ]; then
    echo "[COMMANDS]" >"$INC"
    for c in $cmds; do
        printf '.SS %s\n.nf\n' "$c" >>"$INC"
        # Lines starting with a dot or quote would be read as roff requests.
        "$PROG" "$c" --help | sed -e 's/\\/\\e/g' -e 's/^[.'\'']/\\\&&/' >>"$INC"
        printf '.fi\n' >>"$INC"
    done
fi
help2man --no-info --no-discard-stderr --version-string="$VERSION" --name="$DESC" \
    ${cmds:+--include="$INC"} --output="$OUT" "$PROG"
