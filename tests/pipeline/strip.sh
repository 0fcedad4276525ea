#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# strip: the runtime form holds what lookup needs and nothing else, and lookup gives the same
# BTF from it as from the full bundle, for every kernel.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

manifest "$work/m.json" "$DATA/btfhub" "$work/full.tar.zst"
"$BTFGEN" run --no-progress "$work/m.json" 2>"$work/log" || fail "run: $(cat "$work/log")"
"$BTFGEN" strip "$work/full.tar.zst" "$work/rt.tar.zst" 2>>"$work/log" || fail "strip"
full=$(stat -c %s "$work/full.tar.zst")
rt=$(stat -c %s "$work/rt.tar.zst")
if [ "$rt" -lt "$full" ]; then
	ok "runtime form $rt bytes < full $full"
else
	fail "runtime $rt, full $full"
fi
zstd -dcq "$work/rt.tar.zst" | tar -t >"$work/members"
if grep -qx matrix.json "$work/members"; then
	fail "runtime form has matrix.json"
else
	ok "no matrix.json in the runtime form"
fi
if [ "$(head -n 1 "$work/members")" = index.json ]; then
	ok "index.json first"
else
	fail "index.json not first"
fi
index "$work/rt.tar.zst" >"$work/rt-index.json"
for k in input_sha256 input_size full_btf_size generator unsatisfied summary; do
	grep -q "\"$k\"" "$work/rt-index.json" && fail "runtime index.json has $k"
done
if jq -e '.form == "runtime" and (.kernels | length) > 0' "$work/rt-index.json" >/dev/null; then
	ok "runtime index.json: form runtime, kernels, no provenance"
else
	fail "runtime index.json"
fi
"$BTFGEN" ls -j "$work/full.tar.zst" | jq -r '.[] | "\(.distro) \(.version) \(.arch) \(.release) \(.status)"' >"$work/keys"
n=0
while read -r d v a r st; do
	for f in full rt; do
		"$BTFGEN" lookup "$work/$f.tar.zst" --distro "$d" --version "$v" --arch "$a" \
			--release "$r" -o "$work/$f.btf" >/dev/null 2>&1
		echo $? >"$work/$f.rc"
	done
	if ! { cmp -s "$work/full.rc" "$work/rt.rc" &&
		{ [ "$st" != ok ] || cmp -s "$work/full.btf" "$work/rt.btf"; }; }; then
		fail "lookup of $d/$v/$a/$r differs between the forms"
	fi
	n=$((n + 1))
done <"$work/keys"
if [ "$n" -gt 0 ] && [ "$n" = "$(wc -l <"$work/keys")" ]; then
	ok "lookup: same BTF from both forms for $n kernels"
else
	fail "lookup: compared $n kernels, the full form lists $(wc -l <"$work/keys")"
fi
if "$BTFGEN" info "$work/full.tar.zst" >/dev/null 2>&1; then
	ok "info works on the full form"
else
	fail "info on the full form"
fi
if "$BTFGEN" strip "$work/rt.tar.zst" "$work/rt2.tar.zst" 2>>"$work/log" &&
	cmp -s "$work/rt.tar.zst" "$work/rt2.tar.zst"; then
	ok "stripping twice changes nothing"
else
	fail "strip of a runtime bundle"
fi
head -c 1000 "$work/full.tar.zst" >"$work/cut.tar.zst"
"$BTFGEN" strip "$work/cut.tar.zst" "$work/x.tar.zst" 2>"$work/err"
rc=$?
if [ $rc = 3 ] && [ ! -e "$work/x.tar.zst" ] && [ "$(wc -l <"$work/err")" = 1 ]; then
	ok "a cut bundle: one-line error, nothing written"
else
	fail "cut bundle: rc $rc $(cat "$work/err")"
fi
finish
