#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Run every test: install dependencies, build with ASan+UBSan and -Werror, run CTest, then
# run every libFuzzer target for a bounded time (scripts/fuzz.sh --ci).
# Tests that need root and bpf() (the libbpf oracle) skip with a message when not root,
# and fail instead under CI=true (BTFGEN_REQUIRE_ORACLE=1).
# usage: scripts/test.sh [ctest args...]
set -eu
cd "$(dirname "$0")/.."
scripts/setup.sh --deps-only
# the README's first command builds Release: -O2 warns about more (maybe-uninitialized)
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DBTFGEN_WERROR=ON >/dev/null
cmake --build build -j"$(nproc)"
# BTFGEN_LIBBPF_NEW: also the newest libbpf Debian packages (apt source, built in build-test):
# the oracle and difftest run under both; a failed fetch fails the build
cmake -S . -B build-test -DCMAKE_BUILD_TYPE=Debug -DBTFGEN_SANITIZE=ON -DBTFGEN_WERROR=ON \
	-DBTFGEN_LIBBPF_NEW=ON >/dev/null
cmake --build build-test -j"$(nproc)"
# libbpf keeps a few process-lifetime allocations; leaks in our code still fail the run.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
# In CI the libbpf oracle is the judge: if it cannot run (not root, no bpf()), its tests
# fail instead of skipping. Elsewhere they skip with a message.
if [ "${CI:-}" = true ]; then
	export BTFGEN_REQUIRE_ORACLE="${BTFGEN_REQUIRE_ORACLE:-1}"
fi
cd build-test
ctest --output-on-failure -j"$(nproc)" "$@"
cd ..
# The libFuzzer targets of tests/fuzz (clang, installed by setup): built and each run 45 s
# (the whole step stays under 6 minutes); BTFGEN_NO_FUZZ=1 skips it while iterating.
if command -v clang >/dev/null && [ -z "${BTFGEN_NO_FUZZ:-}" ]; then
	scripts/fuzz.sh --ci
fi
