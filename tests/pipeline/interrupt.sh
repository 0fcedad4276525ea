#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Nothing is half-written: a manifest error exits 2 and writes nothing, and a run killed
# midway leaves the previous bundle exactly as it was.
. "$(dirname "$0")/lib.sh"

# a manifest error: exit 2, one line naming the key, no output
manifest "$work/bad.json" "$DATA/btfhub" "$work/bad.tar.zst" '"jobz": 2'
"$BTFGEN" run --no-progress "$work/bad.json" 2>"$work/err"
rc=$?
[ $rc = 2 ] && [ ! -e "$work/bad.tar.zst" ] && [ "$(wc -l < "$work/err")" = 1 ] &&
	grep -q "jobz" "$work/err" && ok "manifest error: exit 2, nothing written: $(cat "$work/err")" ||
	fail "manifest error: rc $rc, $(cat "$work/err")"
manifest "$work/bad2.json" "$DATA/btfhub" "$work/bad2.tar.zst" '"kernels": {"include": ["nope/*/*/*"]}'
"$BTFGEN" run --no-progress "$work/bad2.json" 2>"$work/err"
rc=$?
[ $rc = 2 ] && [ ! -e "$work/bad2.tar.zst" ] && grep -q "kernels" "$work/err" &&
	ok "empty selection: exit 2, nothing written: $(cat "$work/err")" ||
	fail "empty selection: rc $rc, $(cat "$work/err")"

# a previous bundle, then a long run (many kernels, one worker) killed midway
a="$work/archive/debian/12/x86_64"
mkdir -p "$a"
src=$(find "$DATA/btfhub/debian/12/x86_64" -name '*.btf.tar.xz' | sort | head -1)
for i in $(seq -w 1 60); do ln -s "$src" "$a/6.1.0-$i-amd64.btf.tar.xz"; done
manifest "$work/m.json" "$work/archive" "$work/out.tar.zst"
"$BTFGEN" run --no-progress --shard 1/30 "$work/m.json" 2>/dev/null || fail "first run"
cp "$work/out.tar.zst" "$work/before.tar.zst"
"$BTFGEN" run --no-progress -J 1 "$work/m.json" 2>/dev/null &
pid=$!
sleep 1
if kill -0 $pid 2>/dev/null; then
	kill -9 $pid
	wait $pid 2>/dev/null
	cmp -s "$work/out.tar.zst" "$work/before.tar.zst" &&
		ok "killed midway: the previous bundle is intact" ||
		fail "killed midway: the previous bundle changed"
	zstd -tq "$work/out.tar.zst" && ok "and it is still a valid stream" || fail "stream broken"
else
	fail "the run finished within 1 s; cannot test an interruption"
fi
finish
