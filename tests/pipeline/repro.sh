#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# The bundle is a function of the inputs only: same bytes at -J 1 and -J 4, on a re-run, from
# the cache, and from shards joined with merge.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

manifest "$work/m.json" "$DATA/btfhub" "$work/j1.tar.zst"
"$BTFGEN" run --no-progress -J 1 "$work/m.json" 2>"$work/log" || fail "-J 1 run: $(cat "$work/log")"
"$BTFGEN" run --no-progress -J 4 -o "$work/j4.tar.zst" "$work/m.json" 2>>"$work/log" ||
	fail "-J 4 run"
if cmp -s "$work/j1.tar.zst" "$work/j4.tar.zst"; then
	ok "-J 1 and -J 4 bundles are byte-identical"
else
	fail "-J 1 and -J 4 bundles differ"
fi
"$BTFGEN" run --no-progress -J 2 -o "$work/again.tar.zst" "$work/m.json" 2>>"$work/log"
if cmp -s "$work/j1.tar.zst" "$work/again.tar.zst"; then
	ok "a re-run gives the same bytes"
else
	fail "re-run differs"
fi

kernels=$(find "$DATA/btfhub" -name '*.btf.tar.xz' | wc -l)
n=$(index "$work/j1.tar.zst" | jq '.kernels | length')
if [ "$n" = "$kernels" ]; then
	ok "every one of the $kernels kernels has an entry"
else
	fail "index has $n kernels, archive $kernels"
fi
bad=$(index "$work/j1.tar.zst" | jq '[.kernels[] | select(.status != "ok")] | length')
if [ "$bad" = 0 ]; then ok "all kernels ok"; else fail "$bad kernels not ok"; fi

# the cache: a cold and a warm run give the original bytes; the warm one reads no archive
manifest "$work/mc.json" "$DATA/btfhub" "$work/c1.tar.zst" "\"cache\": \"$work/cache\""
"$BTFGEN" run --no-progress "$work/mc.json" 2>>"$work/log" || fail "cold cached run"
entries=$(find "$work/cache" -maxdepth 1 -name '*.json' | wc -l)
if [ "$entries" = "$kernels" ]; then
	ok "cache holds $entries entries"
else
	fail "cache holds $entries entries, want $kernels"
fi
"$BTFGEN" run --no-progress -o "$work/c2.tar.zst" "$work/mc.json" 2>>"$work/log" ||
	fail "warm cached run"
if cmp -s "$work/j1.tar.zst" "$work/c1.tar.zst" && cmp -s "$work/j1.tar.zst" "$work/c2.tar.zst"
then
	ok "cold and warm cached runs give the same bytes"
else
	fail "cached runs differ"
fi
# a damaged cache entry is a miss, never a wrong BTF
for f in "$work"/cache/*.btf; do printf 'garbage' > "$f"; done
"$BTFGEN" run --no-progress -o "$work/c3.tar.zst" "$work/mc.json" 2>>"$work/log" ||
	fail "run over a damaged cache"
if cmp -s "$work/j1.tar.zst" "$work/c3.tar.zst"; then
	ok "a damaged cache is ignored"
else
	fail "a damaged cache changed the bundle"
fi

# shards joined with merge are the unsharded bundle
for k in 1 2 3; do
	"$BTFGEN" run --no-progress --shard $k/3 -o "$work/s$k.tar.zst" "$work/m.json" \
		2>>"$work/log" || fail "shard $k/3"
done
"$BTFGEN" merge -o "$work/merged.tar.zst" "$work/s3.tar.zst" "$work/s1.tar.zst" \
	"$work/s2.tar.zst" 2>>"$work/log" || fail "merge"
if cmp -s "$work/j1.tar.zst" "$work/merged.tar.zst"; then
	ok "3 shards merged = one run"
else
	fail "merged shards differ from one run"
fi
"$BTFGEN" merge -o "$work/dup.tar.zst" "$work/s1.tar.zst" "$work/s1.tar.zst" 2>"$work/err"
rc=$?
if [ $rc = 2 ] && [ ! -e "$work/dup.tar.zst" ] && grep -q 'in two shards' "$work/err"; then
	ok "merging a shard twice is refused"
else
	fail "duplicate shard: rc $rc $(cat "$work/err")"
fi

# tree output: directory and tar hold the same BTFs as the bundle
manifest "$work/mt.json" "$DATA/btfhub" "$work/tree" '"format": "tree"'
"$BTFGEN" run --no-progress "$work/mt.json" 2>>"$work/log" || fail "tree run"
trees=$(find "$work/tree" -name '*.btf' | wc -l)
if [ "$trees" = "$kernels" ]; then ok "tree has $trees .btf files"; else fail "tree has $trees files"; fi
"$BTFGEN" extract "$work/j1.tar.zst" "$work/extracted" 2>>"$work/log" || fail "extract"
if diff -r -x index.json "$work/tree" "$work/extracted" >/dev/null; then
	ok "tree output equals the extracted bundle"
else
	fail "tree output differs from the bundle"
fi
finish
