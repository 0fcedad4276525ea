#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# The tailored BTF of every kernel, taken from a bundle built on the test-data archive, passes
# the libbpf oracle: libbpf relocates every object of its arch the same way against it as
# against the kernel's full BTF. Needs root and bpf() (exit 77 otherwise).
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"
: "${ORACLE:?set ORACLE to relo_oracle}"

# a judge that cannot run is a skip, or with BTFGEN_REQUIRE_ORACLE=1 (CI) a failure
oracle_skip() {
	echo "skipped: $1"
	[ "${BTFGEN_REQUIRE_ORACLE:-0}" = 1 ] &&
		{ echo "FAIL: the libbpf oracle cannot run here and BTFGEN_REQUIRE_ORACLE=1"; exit 1; }
	exit 77
}
[ "$(id -u)" = 0 ] || oracle_skip "the libbpf oracle needs root and bpf()"

manifest "$work/m.json" "$DATA/btfhub" "$work/b.tar.zst"
"$BTFGEN" run --no-progress "$work/m.json" 2>"$work/log" || { cat "$work/log"; fail "run"; finish; }
index "$work/b.tar.zst" > "$work/index.json"
jq -r '.kernels[] | [.distro, .version, .arch, .release] | @tsv' "$work/index.json" |
while IFS=$'\t' read -r distro version arch release; do
	full="$work/full.btf"
	xz -dc "$DATA/btfhub/$distro/$version/$arch/$release.btf.tar.xz" | tar -xO > "$full"
	"$BTFGEN" lookup "$work/b.tar.zst" --distro "$distro" --version "$version" --arch "$arch" \
		--release "$release" -o "$work/t.btf" >/dev/null || { fail "$release: lookup"; continue; }
	objs=$(jq -r --arg a "$arch" '.objects[] | select(.arch == $a) | .name' "$work/index.json")
	n=0 bad=0
	for o in $objs; do
		[ -f "$o" ] || o="$DATA/${o#*test-data/}"
		"$ORACLE" "$o" "$full" > "$work/a.txt" 2>/dev/null
		rc=$?
		[ $rc = 77 ] && oracle_skip "relo_oracle cannot use bpf() here"
		"$ORACLE" "$o" "$work/t.btf" > "$work/b.txt" 2>/dev/null
		if ! cmp -s "$work/a.txt" "$work/b.txt"; then
			bad=$((bad + 1))
			echo "  $(basename "$o"):"
			diff "$work/a.txt" "$work/b.txt" | head -6
		fi
		n=$((n + 1))
	done
	if [ $bad = 0 ] && [ $n -gt 0 ]; then
		ok "$distro/$version/$arch/$release: $n objects relocate identically"
	else
		fail "$distro/$version/$arch/$release: $bad of $n objects relocate differently"
	fi
	echo "$fails" > "$work/fails"
done
fails=$(cat "$work/fails" 2>/dev/null || echo 1)
finish
