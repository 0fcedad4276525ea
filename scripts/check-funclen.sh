#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Function length: lists every C function whose body (the lines between its opening '{' and
# closing '}', both at column 0 as kernel style puts them) is longer than MAX lines, longest
# first, as "file:line: name: N lines", and exits 1 if there is any.
# usage: scripts/check-funclen.sh [--max N] [FILE...]
#   default files: every tracked *.c outside tests/ (tests may be longer: one case a block)
set -eu
cd "$(dirname "$0")/.."
max=100
if [ "${1:-}" = "--max" ]; then
	max=$2
	shift 2
fi
if [ $# -eq 0 ]; then
	# split on purpose: tracked C file names have no blanks
	# shellcheck disable=SC2046
	set -- $(git ls-files '*.c' | grep -v '^tests/')
fi
out=$(awk -v max="$max" '
	FNR == 1 { sig = ""; sigline = 0; start = 0 }
	# the last line at column 0 that can begin a signature: "static int f(...", "int",
	# "f(void)"; not a brace, a preprocessor line, a comment or a label
	/^[A-Za-z_]/ && !/^[A-Za-z_][A-Za-z0-9_]*:/ && !start { sig = $0; sigline = FNR }
	/^\{/ && !start { start = FNR; name = sig
		if (match(name, /[A-Za-z_][A-Za-z0-9_]*[ \t]*\(/))
			name = substr(name, RSTART, RLENGTH - 1)
		else
			name = "(?)"
		sub(/[ \t]+$/, "", name)
		next }
	/^\}/ && start { n = FNR - start - 1
		if (n > max)
			printf "%d %s:%d: %s: %d lines\n", n, FILENAME, sigline, name, n
		start = 0 }
' "$@" | sort -rn | cut -d' ' -f2-)
if [ -n "$out" ]; then
	echo "$out"
	echo "check-funclen: $(echo "$out" | wc -l) function(s) over $max lines" >&2
	exit 1
fi
echo "check-funclen: no function over $max lines in $# file(s)"
