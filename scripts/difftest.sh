#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Run the differential fuzzer (tests/difftest) on any number of seeds.
#
# usage: scripts/difftest.sh --seeds N [--start S] [--libbpf system|new|both] [--build DIR]
#                            [--keep DIR]
#   --seeds N    seeds S..S+N-1 (default S = 0)
#   --libbpf     which build to run: difftest (Debian 12's libbpf), difftest_new (the newest
#                Debian libbpf, needs -DBTFGEN_LIBBPF_NEW=ON) or both (default: every one built)
#   --build DIR  build tree (default build-test)
#   --keep DIR   where failing seeds are kept, minimized (default difftest-failures); copy a
#                case to test-data/difftest/<name>/ to make it a regression test
# A seed that crashes the process (ASan, UBSan) is reported as CRASH and the run goes on with
# the next seed. Exit 0 when every seed passed, 1 otherwise.
set -u
start=0 seeds='' which='' build=build-test keep=difftest-failures
while [ $# -gt 0 ]; do
	case $1 in
	--seeds) seeds=$2; shift 2 ;;
	--start) start=$2; shift 2 ;;
	--libbpf) which=$2; shift 2 ;;
	--build) build=$2; shift 2 ;;
	--keep) keep=$2; shift 2 ;;
	*) sed -n '3,15p' "$0" >&2; exit 2 ;;
	esac
done
[ -n "$seeds" ] || { sed -n '3,15p' "$0" >&2; exit 2; }
dir=$build/tests/difftest
exes=
case ${which:-both} in
system) exes=$dir/difftest ;;
new) exes=$dir/difftest_new ;;
both) for e in difftest difftest_new; do [ -x "$dir/$e" ] && exes="$exes $dir/$e"; done ;;
*) echo "difftest.sh: --libbpf system|new|both" >&2; exit 2 ;;
esac
[ -n "$exes" ] || { echo "difftest.sh: no difftest binary in $dir (build first)" >&2; exit 2; }

tmp=$(mktemp -d /tmp/difftest-run.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
# a sanitizer report ends the process with 86, told apart from difftest's own 0/1/2/77
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}:exitcode=86"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}:exitcode=86"
fail=0
end=$((start + seeds))
for exe in $exes; do
	[ -x "$exe" ] || { echo "difftest.sh: $exe not built" >&2; exit 2; }
	s=$start
	crashes=0
	while [ "$s" -lt "$end" ]; do
		"$exe" --start "$s" --seeds $((end - s)) --keep "$keep" --progress "$tmp/seed" \
			2> "$tmp/err"
		rc=$?
		case $rc in
		0) break ;;
		1) fail=1; break ;;
		77) cat "$tmp/err" >&2; exit 1 ;; # asked to run: not being able to is a failure
		esac
		c=$(cat "$tmp/seed" 2>/dev/null || echo "$s")
		echo "seed $c: CRASH (exit $rc): $(grep -m1 -E 'runtime error|ERROR: AddressSanitizer' "$tmp/err")"
		crashes=$((crashes + 1))
		fail=1
		s=$((c + 1))
	done
	[ $crashes -eq 0 ] || echo "difftest.sh: $exe: $crashes seed(s) crashed"
done
exit $fail
