#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Self-tests of the oracle: it must fail for the right reason, not for any reason.
# Usage: selftest.sh CASE DATA_DIR   (environment as for run_oracle.sh)
#   prune    bpftool v7.1.0 as the tool under test poisons edge_prune's relo #1 (brief §0.1):
#            run_oracle.sh exits 1 with exactly that difference (not bpftool missing, not a
#            tool failure, not a skip)
#   require  a probe that cannot use bpf() (a stand-in oracle exiting 77): run_oracle.sh
#            skips (77) without BTFGEN_REQUIRE_ORACLE and fails (1) with it
set -u
[ $# -eq 2 ] || { echo "usage: selftest.sh prune|require DATA_DIR" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
data=$2
out=$(mktemp /tmp/btfgen-selftest.XXXXXX)
trap 'rm -f "$out" "$out.stub"' EXIT
fails=0
expect() { # description, command status
	if [ "$2" = 0 ]; then echo "ok: $1"; else echo "FAIL: $1"; fails=$((fails + 1)); fi
}

case $1 in
prune)
	BTFGEN=$here/bpftool_as_tool.sh OBJ_SETS=$data/targets/edge_prune.bpf.o \
		"$here/run_oracle.sh" "$data/targets/edge_target.bpf.o" "$data" > "$out" 2>&1
	rc=$?
	sed 's/^/    /' "$out"
	# cannot judge here (no bpf()): run_oracle.sh already failed instead if required
	[ $rc = 77 ] && exit 77
	expect "run_oracle.sh exits 1 (got $rc)" "$([ $rc = 1 ]; echo $?)"
	expect "the failure is libbpf relocating differently on edge_prune.bpf.o" \
		"$(grep -qx "FAIL: edge_target.bpf.o: edge_prune.bpf.o: libbpf relocates differently on our tailored BTF:" "$out"; echo $?)"
	expect "the difference is relo #1 (foo.x) poisoned" \
		"$(grep -q "^    > edge_prune relo #1 <byte_off> \[2\] struct foo.x (0:1 @ offset 4) => no match; insn #14 poisoned$" "$out"; echo $?)"
	expect "no other failure" "$([ "$(grep -c '^FAIL:' "$out")" = 1 ]; echo $?)"
	;;
require)
	printf '#!/bin/sh\necho "skipped: needs root and bpf()" >&2\nexit 77\n' > "$out.stub"
	chmod +x "$out.stub"
	ORACLE=$out.stub BTFGEN=/bin/false BTFGEN_REQUIRE_ORACLE=0 \
		"$here/run_oracle.sh" "$data/targets/edge_target.bpf.o" "$data" > "$out" 2>&1
	rc=$?
	expect "without BTFGEN_REQUIRE_ORACLE: skip (77, got $rc)" "$([ $rc = 77 ]; echo $?)"
	ORACLE=$out.stub BTFGEN=/bin/false BTFGEN_REQUIRE_ORACLE=1 \
		"$here/run_oracle.sh" "$data/targets/edge_target.bpf.o" "$data" > "$out" 2>&1
	rc=$?
	sed 's/^/    /' "$out"
	expect "with BTFGEN_REQUIRE_ORACLE=1: fail (1, got $rc)" "$([ $rc = 1 ]; echo $?)"
	expect "saying why" "$(grep -qx "FAIL: the libbpf oracle cannot run here and BTFGEN_REQUIRE_ORACLE=1" "$out"; echo $?)"
	;;
*)
	echo "selftest.sh: unknown case '$1'" >&2
	exit 2
	;;
esac
[ $fails = 0 ] && echo PASS || echo FAIL
[ $fails = 0 ]
