#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# The kernel cache (decoded kernel BTFs, "kernel_cache" / --kernel-cache): the same bundle
# bytes with and without it, cold and warm, after the objects changed; damaged entries are
# ignored and rewritten; two runs sharing a cold dir both succeed and leave no temp file.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

kernels=$(find "$DATA/btfhub" -name '*.btf.tar.xz' | wc -l)
manifest "$work/m.json" "$DATA/btfhub" "$work/plain.tar.zst"
"$BTFGEN" run --no-progress "$work/m.json" 2>"$work/log" || fail "run: $(cat "$work/log")"
kc=$work/kc
"$BTFGEN" run --no-progress --kernel-cache "$kc" -o "$work/cold.tar.zst" "$work/m.json" \
	2>>"$work/log" || fail "cold kernel-cache run"
n=$(find "$kc" -name '*.kbtf' | wc -l)
if [ "$n" = "$kernels" ]; then
	ok "kernel cache holds $n entries"
else
	fail "$n entries, want $kernels"
fi
for f in "$kc"/*.kbtf; do
	[ "$(head -c 8 "$f")" = "BTFGKC1" ] || { fail "entry $f has no header"; break; }
done
"$BTFGEN" run --no-progress --kernel-cache "$kc" -o "$work/warm.tar.zst" "$work/m.json" \
	2>>"$work/log" || fail "warm kernel-cache run"
if cmp -s "$work/plain.tar.zst" "$work/cold.tar.zst" && cmp -s "$work/plain.tar.zst" "$work/warm.tar.zst"; then
	ok "cold and warm kernel-cache runs give the bytes of a run without cache"
else
	fail "kernel cache changed the bundle"
fi

# one object changed (here: one left out): warm cache vs a cold run of the new objects
mapfile -t objs < <(find "$DATA/objects/libbpf-tools" -maxdepth 1 -name '*.bpf.o' | sort | sed 1d)
cat >"$work/m2.json" <<JSON
{ "version": 1, "archive": "$DATA/btfhub",
  "objects": { "x86_64": [$(printf '"%s",' "${objs[@]}" | sed 's/,$//')],
               "arm64": ["$DATA/objects/own/arm64/*.bpf.o"] },
  "output": "$work/changed-plain.tar.zst", "kernel_cache": "$kc" }
JSON
"$BTFGEN" run --no-progress --kernel-cache "$work/kc-unused" "$work/m2.json" 2>>"$work/log" ||
	fail "cold run, objects changed"
before=$(find "$kc" -name '*.kbtf' -newer "$work/m2.json" | wc -l)
"$BTFGEN" run --no-progress -o "$work/changed-warm.tar.zst" "$work/m2.json" 2>>"$work/log" ||
	fail "warm run (manifest kernel_cache), objects changed"
after=$(find "$kc" -name '*.kbtf' -newer "$work/m2.json" | wc -l)
if cmp -s "$work/changed-plain.tar.zst" "$work/changed-warm.tar.zst"; then
	ok "objects changed: warm kernel cache gives the bytes of a cold run"
else
	fail "objects changed: warm kernel cache differs from a cold run"
fi
if [ "$before" = 0 ] && [ "$after" = 0 ]; then
	ok "the warm run rewrote no entry (all hits)"
else
	fail "the warm run rewrote entries ($before, $after)"
fi
if cmp -s "$work/plain.tar.zst" "$work/changed-warm.tar.zst"; then
	fail "changed objects gave the old bundle"
else
	ok "changed objects give a new bundle"
fi

# damaged entries: garbage, a flipped byte inside the frame (the checksum), a cut entry
i=0
for f in "$kc"/*.kbtf; do
	case $((i % 3)) in
	0) printf 'garbage' >"$f" ;;
	1) sz=$(stat -c %s "$f")
	   printf '\x55' | dd of="$f" bs=1 seek=$((sz / 2)) conv=notrunc status=none ;;
	2) truncate -s $(( $(stat -c %s "$f") - 100 )) "$f" ;;
	esac
	i=$((i + 1))
done
"$BTFGEN" run --no-progress -o "$work/damaged.tar.zst" "$work/m2.json" 2>>"$work/log" ||
	fail "run over a damaged kernel cache"
if cmp -s "$work/changed-plain.tar.zst" "$work/damaged.tar.zst"; then
	ok "damaged entries are ignored (same bytes)"
else
	fail "a damaged kernel cache changed the bundle"
fi
"$BTFGEN" run --no-progress -o "$work/repaired.tar.zst" "$work/m2.json" 2>>"$work/log"
rewritten=$(find "$kc" -name '*.kbtf' -newer "$work/damaged.tar.zst" | wc -l)
if [ "$(find "$kc" -name '*.kbtf' -newer "$work/m2.json" | wc -l)" = "$kernels" ] &&
	[ "$rewritten" = 0 ]; then
	ok "damaged entries were rewritten once, then hit"
else
	fail "damaged entries not rewritten ($rewritten rewritten on the second run)"
fi

# two runs sharing a cold dir at once: both complete, same bytes, no temp file left
"$BTFGEN" run --no-progress -J 2 --kernel-cache "$work/kc2" -o "$work/p1.tar.zst" \
	"$work/m.json" 2>>"$work/log" &
p1=$!
"$BTFGEN" run --no-progress -J 2 --kernel-cache "$work/kc2" -o "$work/p2.tar.zst" \
	"$work/m.json" 2>>"$work/log" || fail "concurrent run 2"
wait $p1 || fail "concurrent run 1"
if cmp -s "$work/plain.tar.zst" "$work/p1.tar.zst" && cmp -s "$work/plain.tar.zst" "$work/p2.tar.zst"; then
	ok "two concurrent runs sharing the dir give the same bytes"
else
	fail "concurrent runs differ"
fi
tmps=$(find "$work/kc2" -name '.*tmp*' | wc -l)
if [ "$tmps" = 0 ]; then
	ok "no temp file left"
else
	fail "$tmps temp files left"
fi

# the input memo (inputs.sha256 beside the caches): a file rewritten in place, even with its
# old size and mtime, is hashed again; the bundle equals a run without any cache
mkdir -p "$work/arch"
cp -a "$DATA/btfhub/." "$work/arch/"
manifest "$work/m3.json" "$work/arch" "$work/memo.tar.zst" \
	"\"cache\": \"$work/rc3\", \"kernel_cache\": \"$work/kc3\""
sleep 3.1 # inputs changed in the last 2 s are not remembered
"$BTFGEN" run --no-progress "$work/m3.json" 2>>"$work/log" || fail "memo run 1"
lines=$(wc -l <"$work/rc3/inputs.sha256")
if [ "$lines" = "$kernels" ]; then
	ok "the memo remembers $lines inputs"
else
	fail "memo has $lines lines"
fi
a=$(find "$work/arch" -path '*x86_64*' -name '6.1.0-47-amd64.btf.tar.xz')
b=$(find "$work/arch" -path '*x86_64*' -name '6.1.0-47-cloud-amd64.btf.tar.xz')
cp -p "$a" "$work/save" # keeps the mtime, to put it back
cat "$b" >"$a" # other content, same inode
truncate -s "$(stat -c %s "$work/save")" "$a" # same size: the tail is cut, the archive broken
touch -r "$work/save" "$a" # same mtime: only the ctime tells
"$BTFGEN" run --no-progress "$work/m3.json" 2>>"$work/log"
manifest "$work/m4.json" "$work/arch" "$work/nocache.tar.zst"
"$BTFGEN" run --no-progress "$work/m4.json" 2>>"$work/log"
if cmp -s "$work/memo.tar.zst" "$work/nocache.tar.zst" &&
	! cmp -s "$work/memo.tar.zst" "$work/plain.tar.zst"; then
	ok "an input rewritten in place is hashed again"
else
	fail "the memo hid a changed input"
fi

# a file where the dir should be
: >"$work/notadir"
"$BTFGEN" run --no-progress --kernel-cache "$work/notadir/x" -o "$work/x.tar.zst" "$work/m.json" \
	2>"$work/err"
rc=$?
if [ $rc = 3 ] && [ ! -e "$work/x.tar.zst" ] && grep -q 'cache' "$work/err"; then
	ok "an unusable kernel cache dir is a one-line error"
else
	fail "rc $rc: $(cat "$work/err")"
fi
finish
