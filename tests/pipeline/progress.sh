#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# With stderr not a terminal (a CI log), the run prints plain progress lines at most every
# $BTFGEN_PROGRESS_INTERVAL seconds: well-formed, counting up, never a terminal escape.
. "$(dirname "$0")/lib.sh"

kernels=$(find "$DATA/btfhub" -name '*.btf.tar.xz' | wc -l)
manifest "$work/m.json" "$DATA/btfhub" "$work/b.tar.zst"
# a tiny interval: a line after (almost) every kernel
BTFGEN_PROGRESS_INTERVAL=0.000001 "$BTFGEN" run -J 1 "$work/m.json" 2>"$work/err" ||
	fail "run: $(cat "$work/err")"
grep '^btfgen-batch: progress' "$work/err" >"$work/lines"
n=$(wc -l <"$work/lines")
[ "$n" -ge $((kernels / 2)) ] && ok "$n progress lines for $kernels kernels" ||
	fail "$n progress lines for $kernels kernels: $(cat "$work/err")"
re='^btfgen-batch: progress: [0-9]+/'$kernels' kernels, [0-9]+ failed, elapsed ([0-9]+h)?([0-9]+m)?[0-9]+s, eta (\?|([0-9]+h)?([0-9]+m)?[0-9]+s)$'
bad=$(grep -cvE "$re" "$work/lines")
[ "$bad" = 0 ] && ok "every line is well-formed" ||
	fail "$bad malformed lines: $(grep -vE "$re" "$work/lines" | head -3)"
grep -q $'\e\|\r' "$work/err" && fail "terminal escapes in a log" || ok "no terminal escapes"
sed -E 's|^btfgen-batch: progress: ([0-9]+)/.*|\1|' "$work/lines" | sort -nc 2>/dev/null &&
	ok "counts go up" || fail "counts do not go up"
"$BTFGEN" run --no-progress "$work/m.json" 2>"$work/err3" || fail "--no-progress run"
BTFGEN_PROGRESS_INTERVAL=0.000001 "$BTFGEN" run --no-progress "$work/m.json" 2>"$work/err4" ||
	fail "--no-progress run"
! grep -q progress "$work/err3" "$work/err4" && ok "--no-progress prints no progress" ||
	fail "--no-progress printed progress"
finish
