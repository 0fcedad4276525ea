#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Nothing is half-written: a manifest error exits 2 and writes nothing, and a run killed
# midway leaves the previous bundle exactly as it was.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

# a manifest error: exit 2, one line naming the key, no output
manifest "$work/bad.json" "$DATA/btfhub" "$work/bad.tar.zst" '"jobz": 2'
"$BTFGEN" run --no-progress "$work/bad.json" 2>"$work/err"
rc=$?
if [ $rc = 2 ] && [ ! -e "$work/bad.tar.zst" ] && [ "$(wc -l < "$work/err")" = 1 ] &&
	grep -q "jobz" "$work/err"; then
	ok "manifest error: exit 2, nothing written: $(cat "$work/err")"
else
	fail "manifest error: rc $rc, $(cat "$work/err")"
fi
manifest "$work/bad2.json" "$DATA/btfhub" "$work/bad2.tar.zst" '"kernels": {"include": ["nope/*/*/*"]}'
"$BTFGEN" run --no-progress "$work/bad2.json" 2>"$work/err"
rc=$?
if [ $rc = 2 ] && [ ! -e "$work/bad2.tar.zst" ] && grep -q "kernels" "$work/err"; then
	ok "empty selection: exit 2, nothing written: $(cat "$work/err")"
else
	fail "empty selection: rc $rc, $(cat "$work/err")"
fi

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
	if cmp -s "$work/out.tar.zst" "$work/before.tar.zst"; then
		ok "killed midway: the previous bundle is intact"
	else
		fail "killed midway: the previous bundle changed"
	fi
	if zstd -tq "$work/out.tar.zst"; then ok "and it is still a valid stream"; else fail "stream broken"; fi
else
	fail "the run finished within 1 s; cannot test an interruption"
fi
finish
