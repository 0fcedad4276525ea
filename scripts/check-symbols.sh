#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Every symbol a library defines for others to link (nm: T, D, B, R, ...) carries the btfgen_
# prefix: util and the bundle runtime are linked into applications, whose own names we must
# not collide with. One line per offending symbol; exit 1 if any.
# usage: scripts/check-symbols.sh LIB.a [LIB.a...]
set -eu
[ $# -gt 0 ] || { echo "usage: $0 LIB.a..." >&2; exit 2; }
bad=0
for lib in "$@"; do
	syms=$(nm -g --defined-only "$lib" | awk 'NF == 3 { print $3 }' | sort -u)
	[ -n "$syms" ] || { echo "$lib: defines no symbol (not a library?)" >&2; exit 2; }
	for s in $syms; do
		case $s in
		btfgen_*) ;;
		__odr_asan.* | __asan_* | __ubsan_* | __tsan_*) ;; # sanitizer instrumentation
		*) echo "$lib: exported symbol '$s' lacks the btfgen_ prefix"; bad=$((bad + 1)) ;;
		esac
	done
done
[ "$bad" -eq 0 ] || exit 1
echo "check-symbols: every exported symbol of $* is btfgen_*"
