#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# With stderr not a terminal (a CI log), the run prints plain progress lines at most every
# $BTFGEN_PROGRESS_INTERVAL seconds: well-formed, counting up, never a terminal escape.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

kernels=$(find "$DATA/btfhub" -name '*.btf.tar.xz' | wc -l)
manifest "$work/m.json" "$DATA/btfhub" "$work/b.tar.zst"
# a tiny interval: a line after (almost) every kernel
BTFGEN_PROGRESS_INTERVAL=0.000001 "$BTFGEN" run -J 1 "$work/m.json" 2>"$work/err" ||
	fail "run: $(cat "$work/err")"
grep '^btfgen-batch: progress' "$work/err" >"$work/lines"
n=$(wc -l <"$work/lines")
if [ "$n" -ge $((kernels / 2)) ]; then
	ok "$n progress lines for $kernels kernels"
else
	fail "$n progress lines for $kernels kernels: $(cat "$work/err")"
fi
re='^btfgen-batch: progress: [0-9]+/'$kernels' kernels, [0-9]+ failed, elapsed ([0-9]+h)?([0-9]+m)?[0-9]+s, eta (\?|([0-9]+h)?([0-9]+m)?[0-9]+s)$'
bad=$(grep -cvE "$re" "$work/lines")
if [ "$bad" = 0 ]; then
	ok "every line is well-formed"
else
	fail "$bad malformed lines: $(grep -vE "$re" "$work/lines" | head -3)"
fi
if grep -q $'\e\|\r' "$work/err"; then
	fail "terminal escapes in a log"
else
	ok "no terminal escapes"
fi
if sed -E 's|^btfgen-batch: progress: ([0-9]+)/.*|\1|' "$work/lines" | sort -nc 2>/dev/null; then
	ok "counts go up"
else
	fail "counts do not go up"
fi
"$BTFGEN" run --no-progress "$work/m.json" 2>"$work/err3" || fail "--no-progress run"
BTFGEN_PROGRESS_INTERVAL=0.000001 "$BTFGEN" run --no-progress "$work/m.json" 2>"$work/err4" ||
	fail "--no-progress run"
if grep -q progress "$work/err3" "$work/err4"; then
	fail "--no-progress printed progress"
else
	ok "--no-progress prints no progress"
fi
finish
