#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Oracle test for one kernel: libbpf must relocate every object the same on full and tailored BTF.
#
# Usage: run_oracle.sh [-k] KERNEL DATA_DIR
#   KERNEL    a BTFHub archive (<uname>.btf.tar.xz), or a raw BTF / BPF ELF playing the kernel
#             (test-data/targets), in which case the objects come from OBJ_LIST
#   DATA_DIR  test-data
#   -k        keep the work directory (printed) for debugging
# Environment:
#   BTFGEN      tool under test (btfgen-batch; run as "$BTFGEN min_core_btf IN OUT OBJ...")
#   BPFTOOL     reference, default /usr/sbin/bpftool (comparison only, never fails the test)
#   ORACLE      relo_oracle binary
#   OBJ_SETS    optional override: ';'-separated object sets, each a ','-separated list
#   EXPECT_TOOL_OK  if set, the tool failing is a failure even where libbpf fails on the full
#               BTF (crafted cases where a valid output exists: the tool must not refuse it)
#
# Per object set (one min_core_btf call each):
#   x86_64 kernels: all libbpf-tools objects in one call, plus each own x86_64 object alone;
#   arm64 kernels: each own arm64 object alone.
# A set passes when, for every object, relo_oracle(obj, full) == relo_oracle(obj, tailored).
# If the tool fails, the set passes only if libbpf itself fails on the full BTF for some
# object of the set (nothing valid to produce). bpftool is run on the same call: our size must
# be <= its size when it succeeds and resolves like the full BTF; where it fails or resolves
# differently, that is reported ("bpftool wrong/failed here, we are right"), not failed.
#   BTFGEN_REQUIRE_ORACLE  1: fail (exit 1) instead of skipping when the oracle cannot run
# Exit: 0 pass, 1 fail, 77 skip (not root / no bpf(), unless BTFGEN_REQUIRE_ORACLE=1).
set -u
export LC_ALL=C

keep=0
if [ "${1:-}" = "-k" ]; then keep=1; shift; fi
[ $# -eq 2 ] || { sed -n '3,20p' "$0" >&2; exit 2; }
kernel=$1
data=$2
: "${BTFGEN:?set BTFGEN to the tool under test}"
: "${ORACLE:?set ORACLE to relo_oracle}"
BPFTOOL=${BPFTOOL:-/usr/sbin/bpftool}

t0=$(date +%s.%N)
work=$(mktemp -d /tmp/btfgen-oracle.XXXXXX)
if [ $keep -eq 1 ]; then echo "work dir: $work"; else trap 'rm -rf "$work"' EXIT; fi

# Skip early, with the oracle's own message, when libbpf cannot load anything here; with
# BTFGEN_REQUIRE_ORACLE=1 (CI) a judge that cannot run is a failure, never a skip.
"$ORACLE" /dev/null /dev/null > /dev/null 2> "$work/probe.err"
if [ $? -eq 77 ]; then
	cat "$work/probe.err"
	if [ "${BTFGEN_REQUIRE_ORACLE:-0}" = 1 ]; then
		echo "FAIL: the libbpf oracle cannot run here and BTFGEN_REQUIRE_ORACLE=1"
		exit 1
	fi
	exit 77
fi

name=$(basename "$kernel")
case "$kernel" in
*.btf.tar.xz)
	xz -dc "$kernel" | tar -xO > "$work/full.btf" || { echo "FAIL: cannot extract $kernel"; exit 1; }
	;;
*)
	cp "$kernel" "$work/full.btf"
	;;
esac
case "$kernel" in
*/x86_64/*) arch=x86_64 ;;
*/arm64/*) arch=arm64 ;;
*) arch=$(uname -m); [ "$arch" = aarch64 ] && arch=arm64 ;;
esac

# Object sets, one per line, objects space-separated.
sets=$work/sets
: > "$sets"
if [ -n "${OBJ_SETS:-}" ]; then
	echo "$OBJ_SETS" | tr ';' '\n' | tr ',' ' ' >> "$sets"
else
	if [ "$arch" = x86_64 ]; then
		printf '%s ' "$data"/objects/libbpf-tools/*.bpf.o >> "$sets"
		echo >> "$sets"
	fi
	for o in "$data"/objects/own/"$arch"/*.bpf.o; do
		[ -e "$o" ] && echo "$o" >> "$sets"
	done
fi

fail=0
nsets=0
nobjs=0
bpftool_notes=0
ours_total=0
theirs_total=0
oracle() { # obj btf out
	"$ORACLE" "$1" "$2" > "$3" 2> "$3.err"
	echo $? >> "$3"
}

while read -r objs; do
	[ -n "$objs" ] || continue
	nsets=$((nsets + 1))
	# a set is a space-separated list of paths (see above): split it on purpose
	# shellcheck disable=SC2086
	set -- $objs
	label=$(basename "$1")
	[ $# -gt 1 ] && label="$(basename "$(dirname "$1")") ($# objects)"
	d=$work/set$nsets
	mkdir -p "$d"

	"$BTFGEN" min_core_btf "$work/full.btf" "$d/ours.btf" "$@" > "$d/ours.log" 2>&1
	ours_rc=$?
	"$BPFTOOL" gen min_core_btf "$work/full.btf" "$d/bpftool.btf" "$@" > "$d/bpftool.log" 2>&1
	bpftool_rc=$?
	[ $bpftool_rc -eq 0 ] || rm -f "$d/bpftool.btf"

	full_fails=0
	bpftool_diff=""
	set_fail=0
	i=0
	for o in "$@"; do
		i=$((i + 1))
		nobjs=$((nobjs + 1))
		b=$(basename "$o")
		oracle "$o" "$work/full.btf" "$d/$i.full"
		if grep -q '^core: failed' "$d/$i.full" || [ "$(tail -n1 "$d/$i.full")" != 0 ]; then
			full_fails=$((full_fails + 1))
		fi
		if [ $ours_rc -eq 0 ]; then
			oracle "$o" "$d/ours.btf" "$d/$i.ours"
			if ! cmp -s "$d/$i.full" "$d/$i.ours"; then
				echo "FAIL: $name: $b: libbpf relocates differently on our tailored BTF:"
				diff "$d/$i.full" "$d/$i.ours" | head -20 | sed 's/^/    /'
				set_fail=1
			fi
		fi
		if [ $bpftool_rc -eq 0 ]; then
			oracle "$o" "$d/bpftool.btf" "$d/$i.bpftool"
			if ! cmp -s "$d/$i.full" "$d/$i.bpftool"; then
				bpftool_diff="$bpftool_diff $b"
				echo "  bpftool differs from full BTF on $b:"
				diff "$d/$i.full" "$d/$i.bpftool" | head -8 | sed 's/^/    /'
			fi
		fi
	done

	if [ $ours_rc -ne 0 ]; then
		if [ -n "${EXPECT_TOOL_OK:-}" ]; then
			echo "FAIL: $name: $label: tool failed (rc $ours_rc), EXPECT_TOOL_OK is set:"
			head -5 "$d/ours.log" | sed 's/^/    /'
			set_fail=1
		elif [ $full_fails -gt 0 ]; then
			echo "ok: $name: $label: tool failed (rc $ours_rc) where libbpf fails on the full BTF too"
		else
			echo "FAIL: $name: $label: tool failed (rc $ours_rc), libbpf relocates fine on full BTF:"
			head -5 "$d/ours.log" | sed 's/^/    /'
			set_fail=1
		fi
	fi
	ours_sz=-
	[ -f "$d/ours.btf" ] && ours_sz=$(stat -c %s "$d/ours.btf")
	# the output keeps the input's byte order (cilium/ebpf refuses a mismatch); raw BTF only
	full_magic=$(head -c2 "$work/full.btf" | od -An -tx1 | tr -d ' ')
	if [ $ours_rc -eq 0 ] && { [ "$full_magic" = 9feb ] || [ "$full_magic" = eb9f ]; }; then
		ours_magic=$(head -c2 "$d/ours.btf" | od -An -tx1 | tr -d ' ')
		if [ "$ours_magic" != "$full_magic" ]; then
			echo "FAIL: $name: $label: byte order changed: magic bytes $full_magic -> $ours_magic"
			set_fail=1
		fi
	fi
	if [ $bpftool_rc -ne 0 ]; then
		bpftool_notes=$((bpftool_notes + 1))
		msg=$(grep -m1 -i 'error' "$d/bpftool.log")
		if [ $full_fails -gt 0 ] && [ $ours_rc -eq 0 ] && [ $set_fail -eq 0 ]; then
			echo "note: $name: $label: bpftool failed (rc $bpftool_rc: $msg); libbpf fails on the full BTF too and ours fails the same way"
		elif [ $ours_rc -eq 0 ] && [ $set_fail -eq 0 ]; then
			echo "note: $name: $label: bpftool wrong/failed here, we are right (bpftool rc $bpftool_rc: $msg)"
		else
			echo "note: $name: $label: bpftool failed too (rc $bpftool_rc: $msg)"
		fi
	elif [ -n "$bpftool_diff" ]; then
		bpftool_notes=$((bpftool_notes + 1))
		if [ $set_fail -eq 0 ] && [ $ours_rc -eq 0 ]; then
			echo "note: $name: $label: bpftool wrong/failed here, we are right (relocates differently:$bpftool_diff)"
		else
			echo "note: $name: $label: bpftool relocates differently too:$bpftool_diff"
		fi
	elif [ $ours_rc -eq 0 ]; then
		theirs_sz=$(stat -c %s "$d/bpftool.btf")
		ours_total=$((ours_total + ours_sz))
		theirs_total=$((theirs_total + theirs_sz))
		if [ "$ours_sz" -gt "$theirs_sz" ]; then
			echo "FAIL: $name: $label: our BTF is $ours_sz bytes, bpftool's $theirs_sz"
			set_fail=1
		fi
	fi
	[ $set_fail -eq 0 ] && [ $ours_rc -eq 0 ] && echo "ok: $name: $label: ${ours_sz} bytes, identical relocations"
	[ $set_fail -ne 0 ] && fail=1
done < "$sets"

t1=$(date +%s.%N)
printf 'summary: %s (%s): %d sets, %d object runs, bpftool notes %d, sizes ours %d vs bpftool %d bytes (where both valid), %.1f s\n' \
	"$name" "$arch" "$nsets" "$nobjs" "$bpftool_notes" "$ours_total" "$theirs_total" \
	"$(echo "$t1 - $t0" | bc)"
[ $fail -eq 0 ] && echo PASS || echo FAIL
exit $fail
