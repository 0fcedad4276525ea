#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Fuzzing with libFuzzer (clang, ASan + UBSan): the targets of tests/fuzz, built in build-fuzz/.
# usage: scripts/fuzz.sh TARGET SECONDS [libFuzzer args...]   one campaign (nice -n 19)
#        scripts/fuzz.sh --ci [RUNS]                           every target RUNS (300000) inputs
#                                                              from seed 1: the same inputs on
#                                                              every machine, so CI is repeatable
#        scripts/fuzz.sh --build                               build the fuzzers only
# TARGET: bundle, object, archive, manifest, min_core_btf. The corpus grows in
# build-fuzz/corpus/TARGET, seeded from tests/fuzz/fuzz_corpus.txt's folders. A crash leaves
# its input in build-fuzz/artifacts/; keep it in tests/fuzz/corpus/TARGET once fixed (CTest's
# fuzz.TARGET then runs it in every build). Prints execs and coverage (cov = edges) at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGETS="bundle object archive manifest min_core_btf"
B=build-fuzz

build() {
	[[ -z ${BTFGEN_FUZZ_NO_BUILD:-} ]] || return 0 # parallel campaigns: built once before
	command -v clang >/dev/null || { echo "fuzz: clang is needed (scripts/setup.sh)"; exit 1; }
	CC=clang cmake -S . -B $B -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBTFGEN_SANITIZE=ON \
		-DBTFGEN_WERROR=OFF >/dev/null
	# shellcheck disable=SC2046
	cmake --build $B -j"$(nproc)" --target $(for t in $TARGETS; do echo "fuzz_$t"; done) \
		>$B/build.log 2>&1 || { tail -40 $B/build.log; echo "fuzz: build failed"; exit 1; }
}

seeds() { # folders of target $1
	awk -v t="$1" '$1 == t { for (i = 2; i <= NF; i++) print $i }' tests/fuzz/fuzz_corpus.txt
}

# run TARGET SECONDS [args]: prints "TARGET: N execs, cov C, corpus K, S s"
run() {
	local t=$1 secs=$2 log t0
	shift 2
	t0=$(date +%s)
	mkdir -p "$B/corpus/$t" "$B/artifacts"
	log=$B/fuzz-$t.log
	local dirs=()
	while read -r d; do [[ -d $d ]] && dirs+=("$d"); done < <(seeds "$t")
	# -timeout: one input may take 10 s at most (a hang is a finding); -rss_limit_mb: so is
	# more than 2 GB; -max_len: real kernel archives are up to 1 MB
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
	UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
	nice -n 19 "$B/tests/fuzz/fuzz_$t" -max_total_time="$secs" -timeout=10 \
		-rss_limit_mb=2048 -max_len=1048576 -print_final_stats=1 \
		-artifact_prefix="$B/artifacts/$t-" "$@" "$B/corpus/$t" "${dirs[@]}" >"$log" 2>&1 ||
		{ grep -E "ERROR|SUMMARY|==[0-9]+==|Test unit written|runtime error" "$log" | head -30
		  echo "fuzz: $t: FINDING (log $log)"; return 1; }
	local execs cov corp
	execs=$(awk '/stat::number_of_executed_units/ {print $2}' "$log")
	cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | cut -d' ' -f2)
	corp=$(grep -oE 'corp: [0-9]+' "$log" | tail -1 | cut -d' ' -f2)
	echo "fuzz: $t: ${execs:-?} execs in $(($(date +%s) - t0)) s, cov ${cov:-?} edges, corpus ${corp:-?}"
}

case "${1:-}" in
--build)
	build
	;;
--ci)
	runs=${2:-300000}
	t0=$(date +%s)
	build
	fails=0
	# a fixed seed and a fixed number of inputs, not a time: CI tries exactly the inputs a run
	# here tried, whatever the machine's speed (campaigns use random seeds); 600 s only caps a
	# machine far slower than ours (300000 inputs take 10-50 s per target here)
	for t in $TARGETS; do run "$t" 600 -seed=1 -runs="$runs" || fails=$((fails + 1)); done
	echo "fuzz: $(( $(date +%s) - t0 )) s in all (build included), $fails finding(s)"
	[[ $fails == 0 ]]
	;;
bundle | object | archive | manifest | min_core_btf)
	[[ $# -ge 2 ]] || { echo "usage: scripts/fuzz.sh TARGET SECONDS [libFuzzer args]"; exit 2; }
	build
	t=$1 secs=$2
	shift 2
	run "$t" "$secs" "$@"
	;;
*)
	sed -n '3,11p' "$0"
	exit 2
	;;
esac
