#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# tests/bundle: our static libraries and libbpf's static archive in one link, every object of
# each pulled in (--whole-archive): a global symbol defined by both (core once defined
# skip_mods_and_typedefs, as libbpf does) is a multiple-definition error.
# usage: test_link_libbpf.sh LIBBPF_A "LINK FLAGS" OUR_LIB.a... -- OTHER LIBS...
set -u
LIBBPF_A=$1
FLAGS=$2
shift 2
ours=()
while [[ $# -gt 0 && $1 != -- ]]; do ours+=("$1"); shift; done
shift
CC=${CC:-cc}
if [[ ! -f $LIBBPF_A ]]; then
	echo "FAIL: $LIBBPF_A missing (libbpf-dev ships it)"
	exit 1
fi
tmp=$(mktemp -d /tmp/btfgen-link-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
echo 'int main(void) { return 0; }' >"$tmp/main.c"
# shellcheck disable=SC2086
if $CC $FLAGS -o "$tmp/all" "$tmp/main.c" -Wl,--whole-archive "${ours[@]}" "$LIBBPF_A" \
	-Wl,--no-whole-archive "$@" 2>"$tmp/log"; then
	echo "ok   ${#ours[@]} btfgen libraries + $(basename "$LIBBPF_A") link together"
	exit 0
fi
grep -E "multiple definition|undefined reference" "$tmp/log" | sort -u | head -20
echo "FAIL: link of our libraries with $LIBBPF_A"
exit 1
