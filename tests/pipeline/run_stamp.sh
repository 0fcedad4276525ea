#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# A re-run with nothing changed (result cache on) leaves the output as it is, without writing,
# only while the output is still the stamped one: a damaged output or a changed selection
# is a full run, and every run's bytes equal a run without any cache.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

# a copy (the memo keys on file identity), then out of the input memo's 2 s window of
# changes (ctime too), so that re-runs know the inputs' SHA-256
cp -r "$DATA/btfhub" "$work/btfhub"
sleep 3
manifest "$work/ref.json" "$work/btfhub" "$work/ref.tar.zst"
"$BTFGEN" run --no-progress "$work/ref.json" 2>"$work/log" || fail "reference run: $(cat "$work/log")"
manifest "$work/m.json" "$work/btfhub" "$work/out.tar.zst" "\"cache\": \"$work/cache\""
"$BTFGEN" run --no-progress "$work/m.json" 2>>"$work/log" || fail "cached run"
if [ -n "$(find "$work/cache" -name 'run-*.stamp')" ]; then
	ok "a clean run is stamped"
else
	fail "no run stamp in the cache"
fi
if cmp -s "$work/ref.tar.zst" "$work/out.tar.zst"; then
	ok "a cached run gives the reference bytes"
else
	fail "cached run differs from the reference"
fi

ino=$(stat -c %i "$work/out.tar.zst")
touch -d '1 hour ago' "$work/out.tar.zst"
old=$(stat -c %Y "$work/out.tar.zst")
"$BTFGEN" run --no-progress -j "$work/m.json" >"$work/sum.json" 2>>"$work/log" ||
	fail "unchanged re-run"
if [ "$(stat -c %i "$work/out.tar.zst")" = "$ino" ]; then
	ok "an unchanged re-run does not rewrite"
else
	fail "an unchanged re-run rewrote the output"
fi
if [ "$(stat -c %Y "$work/out.tar.zst")" -gt "$old" ]; then
	ok "and it touches the output (make)"
else
	fail "the skipped run left the output's mtime behind"
fi
want=$(find "$work/btfhub" -name '*.btf.tar.xz' | wc -l)
if [ "$(jq .kernels "$work/sum.json")" = "$want" ] && [ "$(jq .ok "$work/sum.json")" = "$want" ] &&
	[ "$(jq .output_size "$work/sum.json")" = "$(stat -c %s "$work/out.tar.zst")" ]; then
	ok "the skipped run reports the stamped summary"
else
	fail "summary: $(cat "$work/sum.json")"
fi

# a damaged output (same size, other bytes) is rewritten
size=$(stat -c %s "$work/out.tar.zst")
printf 'X' | dd of="$work/out.tar.zst" bs=1 seek=$((size / 2)) conv=notrunc status=none
"$BTFGEN" run --no-progress "$work/m.json" 2>>"$work/log" || fail "run over a damaged output"
if cmp -s "$work/ref.tar.zst" "$work/out.tar.zst"; then
	ok "a damaged output is written again"
else
	fail "a damaged output was kept"
fi

# another selection of kernels is another key: written, and not the stamped bytes
first=$(find "$work/btfhub" -name '*.btf.tar.xz' | sort | head -1)
first=${first#"$work/btfhub/"}
first=${first%.btf.tar.xz}
manifest "$work/m.json" "$work/btfhub" "$work/out.tar.zst" \
	"\"cache\": \"$work/cache\", \"kernels\": {\"exclude\": [\"$first\"]}"
"$BTFGEN" run --no-progress -j "$work/m.json" >"$work/sum.json" 2>>"$work/log" ||
	fail "run with a kernel excluded"
if [ "$(jq .kernels "$work/sum.json")" = $((want - 1)) ] &&
	! cmp -s "$work/ref.tar.zst" "$work/out.tar.zst"; then
	ok "a changed selection is a full run"
else
	fail "a changed selection kept the old output"
fi
finish
