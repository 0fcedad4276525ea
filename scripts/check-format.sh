#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Formatting: every tracked C source and header is as clang-format 14 leaves it with the
# repository's .clang-format (kernel style). Lists the files that differ and exits 1; with
# --fix, formats them in place instead. tests/progs (BPF programs) are checked too.
# usage: scripts/check-format.sh [--fix] [FILE...]   (default: every tracked *.c and *.h)
set -eu
cd "$(dirname "$0")/.."
fix=0
if [ "${1:-}" = "--fix" ]; then
	fix=1
	shift
fi
cf=""
for c in clang-format-14 clang-format; do
	if command -v "$c" >/dev/null 2>&1; then
		cf=$c
		break
	fi
done
[ -n "$cf" ] || { echo "check-format: clang-format not found (scripts/setup.sh installs it)" >&2; exit 2; }
# the options are clang-format 14's; another major version formats differently
ver=$("$cf" --version | sed -n 's/.*version \([0-9]*\)\..*/\1/p')
[ "$ver" = 14 ] || echo "check-format: $cf is version $ver, the style is checked with 14" >&2

if [ $# -eq 0 ]; then
	# split on purpose: tracked C file names have no blanks
	# shellcheck disable=SC2046
	set -- $(git ls-files '*.c' '*.h')
fi
if [ "$fix" -eq 1 ]; then
	"$cf" -i --style=file "$@"
	exit 0
fi
bad=0
for f in "$@"; do
	if ! "$cf" --style=file --dry-run --Werror "$f" >/dev/null 2>&1; then
		echo "$f: not formatted (scripts/check-format.sh --fix $f)"
		bad=$((bad + 1))
	fi
done
if [ "$bad" -gt 0 ]; then
	echo "check-format: $bad of $# file(s) differ from .clang-format" >&2
	exit 1
fi
echo "check-format: $# file(s) formatted"
