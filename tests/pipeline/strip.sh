#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# strip: the runtime form holds what lookup needs and nothing else, and lookup gives the same
# BTF from it as from the full bundle, for every kernel.
. "$(dirname "$0")/lib.sh"

manifest "$work/m.json" "$DATA/btfhub" "$work/full.tar.zst"
"$BTFGEN" run --no-progress "$work/m.json" 2>"$work/log" || fail "run: $(cat "$work/log")"
"$BTFGEN" strip "$work/full.tar.zst" "$work/rt.tar.zst" 2>>"$work/log" || fail "strip"
full=$(stat -c %s "$work/full.tar.zst")
rt=$(stat -c %s "$work/rt.tar.zst")
[ "$rt" -lt "$full" ] && ok "runtime form $rt bytes < full $full" || fail "runtime $rt, full $full"
zstd -dcq "$work/rt.tar.zst" | tar -t >"$work/members"
grep -qx matrix.json "$work/members" && fail "runtime form has matrix.json" ||
	ok "no matrix.json in the runtime form"
[ "$(head -n 1 "$work/members")" = index.json ] && ok "index.json first" || fail "index.json not first"
index "$work/rt.tar.zst" >"$work/rt-index.json"
for k in input_sha256 input_size full_btf_size generator unsatisfied summary; do
	grep -q "\"$k\"" "$work/rt-index.json" && fail "runtime index.json has $k"
done
jq -e '.form == "runtime" and (.kernels | length) > 0' "$work/rt-index.json" >/dev/null &&
	ok "runtime index.json: form runtime, kernels, no provenance" || fail "runtime index.json"
"$BTFGEN" ls -j "$work/full.tar.zst" | jq -r '.[] | "\(.distro) \(.version) \(.arch) \(.release) \(.status)"' >"$work/keys"
n=0
while read -r d v a r st; do
	for f in full rt; do
		"$BTFGEN" lookup "$work/$f.tar.zst" --distro "$d" --version "$v" --arch "$a" \
			--release "$r" -o "$work/$f.btf" >/dev/null 2>&1
		echo $? >"$work/$f.rc"
	done
	cmp -s "$work/full.rc" "$work/rt.rc" && { [ "$st" != ok ] || cmp -s "$work/full.btf" "$work/rt.btf"; } ||
		fail "lookup of $d/$v/$a/$r differs between the forms"
	n=$((n + 1))
done <"$work/keys"
[ "$n" -gt 0 ] && [ "$n" = "$(wc -l <"$work/keys")" ] && ok "lookup: same BTF from both forms for $n kernels"
"$BTFGEN" info "$work/full.tar.zst" >/dev/null 2>&1 && ok "info works on the full form" ||
	fail "info on the full form"
"$BTFGEN" strip "$work/rt.tar.zst" "$work/rt2.tar.zst" 2>>"$work/log" &&
	cmp -s "$work/rt.tar.zst" "$work/rt2.tar.zst" && ok "stripping twice changes nothing" ||
	fail "strip of a runtime bundle"
head -c 1000 "$work/full.tar.zst" >"$work/cut.tar.zst"
"$BTFGEN" strip "$work/cut.tar.zst" "$work/x.tar.zst" 2>"$work/err"
rc=$?
[ $rc = 3 ] && [ ! -e "$work/x.tar.zst" ] && [ "$(wc -l <"$work/err")" = 1 ] &&
	ok "a cut bundle: one-line error, nothing written" || fail "cut bundle: rc $rc $(cat "$work/err")"
finish
